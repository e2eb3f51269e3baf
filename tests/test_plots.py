"""The book's figures: panels, one line per run, colours and labels by method."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from ganseg_lib.analysis.present.colours import METHOD_COLORS, PAPER_MARKER
from ganseg_lib.analysis.replication import plots
from ganseg_lib.paper import PAPER_RESULTS
from tests.conftest import toy_record

GAN, CNN = METHOD_COLORS["gan"], METHOD_COLORS["cnn"]


def _colors(ax) -> list[str]:
    return [to_hex(line.get_color()) for line in ax.lines]


def _history(n: int = 3, gan: bool = True, offset: float = 0.0) -> list[dict]:
    return [
        {
            "iteration": 10 * (i + 1),
            "L_c": 0.7 - 0.1 * i + offset,
            "L_adv": 1.1 if gan else 0.0,
            "L_G": 0.4 if gan else 0.0,
            "real_acc": 0.5 + 0.1 * i,
            "fake_detect": 0.5 if gan else 0.0,
            "p_fake_real": 0.3 if gan else None,
            "val_auc": 0.6 + 0.05 * i,
        }
        for i in range(n)
    ]


def _record(method: str, n: int, seed: int, auc: float, status: str = "ok") -> SimpleNamespace:
    """What the ROC plot reads of a RunRecord."""
    x = np.linspace(0, 1, 50)
    return SimpleNamespace(
        ok=status == "ok",
        config=SimpleNamespace(method=method, n_patches=n, seed=seed),
        evaluation=None
        if status != "ok"
        else {"roc_fpr": list(x), "roc_tpr": list(x**0.3), "pooled_auc": auc},
    )


def test_method_colours_and_labels_are_distinct_and_named():
    assert plots.METHOD_LABELS == {"gan": "GAN-CNN", "cnn": "CNN"}
    gan, cnn = matplotlib.colors.to_rgb(GAN), matplotlib.colors.to_rgb(CNN)
    assert gan[0] > gan[2] and cnn[2] > cnn[0]  # red-ish and blue-ish


def test_preprocessing_has_four_titled_panels():
    fig = plots.plot_preprocessing(toy_record())
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("RGB") and titles[1] == "green channel"
    assert titles[2].startswith("CLAHE") and "FOV" in titles[3]


def test_patch_centres_overlay_marks_the_zoom_box():
    rec = toy_record()
    vessels = np.zeros(rec.fov.shape, bool)
    vessels[48, 10:70] = True
    fig = plots.plot_patch_centres(rec.rgb[..., 1], vessels, rec.fov & ~vessels)
    assert len(fig.axes) == 2
    assert len(fig.axes[0].lines) == 1  # the zoom rectangle
    assert fig.axes[1].get_title().startswith("zoom")
    assert len(fig.legends[0].get_texts()) == 2


def test_montage_places_patches_in_a_grid():
    patches = np.arange(5 * 4 * 4, dtype=np.uint8).reshape(5, 4, 4)
    m = plots.montage(patches, ncols=3, gap=1, fill=0)
    assert m.shape == (2 * 4 + 1, 3 * 4 + 2)
    np.testing.assert_array_equal(m[5:9, 0:4], patches[3])
    with pytest.raises(ValueError):
        plots.montage(np.zeros((0, 4, 4)))


def test_patch_gallery_has_a_vessel_row_and_a_background_row():
    rng = np.random.default_rng(0)
    patches = rng.integers(0, 255, (10, 64, 64), dtype=np.uint8)
    labels = np.array([1, 0] * 5)
    fig = plots.plot_patch_gallery(patches, labels, n_per_class=4)
    assert len(fig.axes) == 8
    assert fig.axes[0].get_ylabel() == "vessel" and fig.axes[4].get_ylabel() == "background"
    assert len(fig.axes[0].images) == 1


def test_training_curves_draw_one_line_per_run_and_skip_gan_only_metrics_for_the_cnn():
    histories = {"gan": [_history(), _history(offset=0.01)], "cnn": [_history(gan=False)]}
    fig = plots.plot_training_curves(histories)
    axes = {ax.get_title(): ax for ax in fig.axes if ax.get_title()}
    assert len(axes) == 7
    lc = axes[plots.HISTORY_METRICS["L_c"]]
    assert _colors(lc).count(GAN) == 2 and _colors(lc).count(CNN) == 1
    for metric in plots.GAN_ONLY_METRICS:
        assert _colors(axes[plots.HISTORY_METRICS[metric]]) == [GAN, GAN]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["GAN-CNN", "CNN"]


def test_validation_auc_curves_by_method():
    curves = {"cnn": [[(10, 0.6), (20, 0.7)]], "gan": [[(10, 0.5), (20, None)], [(10, 0.55)]]}
    fig = plots.plot_validation_auc(curves)
    ax = fig.axes[0]
    assert _colors(ax) == [GAN, GAN, CNN]  # GAN-CNN first
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["GAN-CNN", "CNN"]
    assert list(ax.lines[0].get_ydata()) == [0.5]  # a missing AUC is not drawn


def test_sample_grids_side_by_side():
    grids = {f"iteration {i}": np.full((16, 64, 64), i, np.uint8) for i in (1, 2, 3)}
    fig = plots.plot_samples(grids, ncols=4)
    assert [ax.get_title() for ax in fig.axes] == list(grids)
    assert fig.axes[0].images[0].get_array().shape == (4 * 66 - 2, 4 * 66 - 2)
    assert plots.pick_iterations(range(10, 110, 10), 4) == [10, 40, 70, 100]
    assert plots.pick_iterations([5, 1], 4) == [1, 5]


def test_roc_curves_per_size_thin_per_seed_bold_mean_and_failed_runs_left_out():
    records = [
        _record("gan", 15_000, 0, 0.80),
        _record("gan", 15_000, 1, 0.82),
        _record("cnn", 15_000, 0, 0.78),
        _record("cnn", 30_000, 0, 0.79),
        _record("gan", 30_000, 0, 0.81),
        _record("gan", 30_000, 1, 0.0, status="failed"),
    ]
    fig = plots.plot_roc_curves(records)
    assert [ax.get_title() for ax in fig.axes] == ["15K labelled patches", "30K labelled patches"]
    ax = fig.axes[0]
    colors = _colors(ax)
    assert colors.count(GAN) == 3 and colors.count(CNN) == 2  # 2 thin + mean, 1 thin + mean
    widths = [line.get_linewidth() for line in ax.lines if to_hex(line.get_color()) == GAN]
    assert max(widths) > 2 * min(widths)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith("GAN-CNN (AUC 0.810, 2 runs") and legend[1].startswith("CNN")
    assert _colors(fig.axes[1]).count(GAN) == 2  # the failed seed is not drawn
    with pytest.raises(ValueError):
        plots.plot_roc_curves([_record("gan", 15_000, 0, 0.5, status="failed")])


def test_mean_roc_is_the_vertical_average():
    x, y = plots.mean_roc([([0, 1], [0, 1]), ([0, 0, 1], [0, 1, 1])], n=3)
    np.testing.assert_allclose(y, [0.5, 0.75, 1.0])


def test_probability_maps_put_the_cnn_before_the_gan_and_mask_the_fov():
    img = np.zeros((40, 40))
    fov = np.zeros((40, 40), bool)
    fov[5:35, 5:35] = True
    maps = {"gan": np.ones((40, 40)), "cnn": np.full((40, 40), 0.5)}
    fig = plots.plot_probability_maps(img, img > 0, maps, fov=fov)
    assert [ax.get_title() for ax in fig.axes] == ["image", "ground truth", "CNN", "GAN-CNN"]
    shown = fig.axes[3].images[0].get_array()
    assert shown[0, 0] == 0 and shown[20, 20] == 1
    assert len(plots.plot_probability_maps(img, None, {"dense": img}).axes) == 2


def test_auc_summary_marks_ours_and_the_papers_numbers():
    summary = pd.DataFrame(
        {
            "n_patches": [15_000, 15_000],
            "method": ["gan", "cnn"],
            "mean_auc": [0.9, 0.88],
            "sd_auc": [0.01, float("nan")],
        }
    )
    fig = plots.plot_auc_summary(summary)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "GAN-CNN (paper)" in labels and "CNN (ours, mean ± sd over seeds)" in labels
    assert [t.get_text() for t in ax.get_xticklabels()] == ["15K", "30K", "150K"]
    stars = [line for line in ax.lines if line.get_marker() == PAPER_MARKER]
    gan_star = next(line for line in stars if to_hex(line.get_markeredgecolor()) == GAN)
    assert sorted(gan_star.get_ydata()) == sorted(v["gan"] for v in PAPER_RESULTS.values())
    runs = pd.DataFrame(
        {"n_patches": [15_000] * 3, "method": ["gan"] * 3, "mean_auc": [0.89, 0.9, 0.91]}
    )
    with_runs = plots.plot_auc_summary(summary, runs=runs).axes[0]
    dots = [line for line in with_runs.lines if line.get_label() == "GAN-CNN (ours, each seed)"]
    assert len(dots) == 1 and list(dots[0].get_ydata()) == [0.89, 0.9, 0.91]


def test_generator_gradient_plot_is_log_scaled_with_one_line_per_objective():
    p = np.linspace(0.01, 0.99, 20)
    fig = plots.plot_generator_gradients(p, {"saturating": 1 - p, "non-saturating": p})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["saturating", "non-saturating"]


def test_image_differences_panel_per_size_sorted_and_coloured():
    comp = pd.DataFrame(
        {
            "n_patches": [15_000] * 3 + [150_000] * 2,
            "image_id": ["01", "02", "03", "01", "02"],
            "seeds": [2] * 5,
            "gan": [0.9, 0.8, 0.95, 0.9, 0.9],
            "cnn": [0.85, 0.82, 0.9, 0.9, 0.89],
            "difference": [0.05, -0.02, 0.05, 0.0, 0.01],
        }
    )
    fig = plots.plot_image_differences(comp)
    ax15 = fig.axes[0]
    heights = [b.get_height() for b in ax15.patches]
    assert heights == sorted(heights) == pytest.approx([-0.02, 0.05, 0.05])
    assert to_hex(ax15.patches[0].get_facecolor()) == CNN
    assert to_hex(ax15.patches[-1].get_facecolor()) == GAN
    assert "better on 2 of 3" in ax15.get_title()
    with pytest.raises(ValueError, match="no per-image"):
        plots.plot_image_differences(comp.iloc[0:0])
