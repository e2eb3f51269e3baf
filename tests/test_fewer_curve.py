"""The curves and saving factors of the study "Fewer labels" from synthetic records, against
scipy's t interval and a direct call of the saving factor on the same scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ganseg_lib.analysis.study import fewer_curve as FC
from ganseg_lib.analysis.study.saving import saving_factor
from tests.test_fewer_verdicts import _setup, _tune, _write

CNN = {300: 0.90, 1_000: 0.92, 3_000: 0.94}


def _scores(base: float, n_seeds: int = 8) -> dict[int, float]:
    return {100 + i: base + 0.002 * (i % 4 - 1.5) for i in range(n_seeds)}


@pytest.fixture
def results(tmp_path):
    drive = _setup(tmp_path)
    for n, auc in CNN.items():
        _write(drive, "cnn", n, _scores(auc))
    _write(drive, "gan-study", 1_000, _scores(0.93))  # between the CNN's 1K and 3K
    _write(drive, "gan-study", 300, _scores(0.85))  # below the CNN's whole curve
    _tune(drive, "gan-fixed", winner=1)
    _write(drive, "gan-fixed", 3_000, _scores(0.97, 3))  # above it (no anchors here)
    return tmp_path / "results"


def test_points_are_the_mean_and_t_interval_of_each_arm_and_size(results):
    points = FC.fewer_efficiency(results)
    assert set(zip(points["arm"], points["n_patches"])) == {
        ("cnn", 300),
        ("cnn", 1_000),
        ("cnn", 3_000),
        ("gan-study", 300),
        ("gan-study", 1_000),
        ("gan-fixed", 3_000),
    }
    assert list(points["arm"].drop_duplicates()) == ["cnn", "gan-study", "gan-fixed"]  # plan order
    row = points[(points["arm"] == "gan-fixed")].iloc[0]
    x = np.array(list(_scores(0.97, 3).values()))
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert row["seeds"] == 3 and row["source"] == "fewer"
    assert (row["mean_auc"], row["ci_low"], row["ci_high"]) == pytest.approx((x.mean(), low, high))


def test_the_saving_factor_reads_the_cnn_curve_backwards_and_never_extrapolates(results):
    curve = FC.cnn_curve(results)
    assert list(curve) == [300, 1_000, 3_000]  # no "Beyond the paper" records here
    savings = FC.fewer_savings(results, n_resamples=500).set_index(["arm", "labelled patches"])
    gan = list(_scores(0.93).values())
    direct = saving_factor(gan, 1_000, curve, 500)
    row = savings.loc[("fair GAN-CNN (as in the study)", 1_000)]
    # halfway between 0.92 and 0.94 in AUC: halfway between 1K and 3K in log N
    assert row["CNN-equivalent"] == pytest.approx(np.sqrt(1_000 * 3_000))
    assert row["CNN-equivalent"] == pytest.approx(direct.equivalent)
    assert row["saving"] == direct.text("the fair GAN-CNN (as in the study)")
    # the seeds behind each size of the CNN's curve stand beside it
    assert row["CNN seeds by size"] == ", ".join(
        f"{k}: {len(curve[n])}" for k, n in (("300", 300), ("1K", 1_000), ("3K", 3_000))
    )
    assert savings.loc[("fair GAN-CNN (as in the study)", 300), "CNN-equivalent"] == "below"
    above = savings.loc[("fair GAN-CNN, generator fix (tuned)", 3_000)]
    assert above["CNN-equivalent"] == "above" and "not extrapolated" in above["saving"]
    assert "fair CNN" not in set(savings.index.get_level_values(0))


def test_no_curve_no_savings_and_an_empty_figure_says_so(tmp_path):
    assert FC.fewer_savings(tmp_path / "results").empty
    points = FC.fewer_efficiency(tmp_path / "results")
    assert points.empty
    fig = FC.plot_fewer_efficiency(points)
    assert "no records yet" in [t.get_text() for t in fig.axes[0].texts]


def test_the_figure_draws_one_line_per_arm(results):
    fig = FC.plot_fewer_efficiency(FC.fewer_efficiency(results))
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert labels == [
        "fair CNN",
        "fair GAN-CNN (as in the study)",
        "fair GAN-CNN, generator fix (tuned)",
    ]
    assert pd.Series([t.get_text() for t in ax.get_xticklabels()]).tolist() == ["300", "1K", "3K"]
