"""The replication's figures: the data and its patches, the training histories, and the results
(ROC curves, AUC per size, per-image differences, probability maps), with one set of colours and
labels for the two methods.

Every function takes data (arrays, histories, run records), never paths, and returns a
:class:`matplotlib.figure.Figure` without showing it; the chapters display what they get back
(:func:`ganseg_lib.analysis.present.display.show`). GAN-CNN is drawn in red, the CNN baseline in
blue, everywhere (:mod:`ganseg_lib.analysis.present.colours`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ganseg_lib.analysis.present.colours import PAPER_MARKER, method_color
from ganseg_lib.analysis.present.text import METHOD_LABELS
from ganseg_lib.data.preprocessing import ClaheParams, clahe, green_channel
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.montage import montage
from ganseg_lib.paper import PAPER_METHODS, PAPER_RESULTS, size_label

METHOD_ORDER = PAPER_METHODS
# The quantities a training history holds (ganseg_lib.train.monitor) and how to name them.
HISTORY_METRICS = {
    "L_c": "classification loss $L_c$",
    "L_adv": "adversarial loss $L_{adv}$",
    "L_G": "generator loss $L_G$",
    "real_acc": "accuracy on real patches",
    "fake_detect": "fake detection rate",
    # beside fake detection: a DC net that calls every patch fake detects every fake too
    "p_fake_real": "mean p(fake | labelled real)",
    "val_auc": "validation AUC",
}
GAN_ONLY_METRICS = ("L_adv", "L_G", "fake_detect", "p_fake_real")


def _methods(keys) -> list[str]:
    """The methods present, GAN-CNN first, then any other key in its given order."""
    keys = list(keys)
    return [m for m in METHOD_ORDER if m in keys] + [k for k in keys if k not in METHOD_ORDER]


def _label(method: str) -> str:
    return METHOD_LABELS.get(method, method)


def _count(k: int, noun: str) -> str:
    """3, 'seed' → '3 seeds'; 1, 'seed' → '1 seed'."""
    return f"{k} {noun}{'' if k == 1 else 's'}"


def _image_axes(fig: Figure, nrows: int, ncols: int):
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return axes


# --- data and patches ---------------------------------------------------------------------------


def plot_preprocessing(record: FundusRecord, params: ClaheParams = ClaheParams()) -> Figure:
    """The preprocessing steps of one image: RGB, green channel, CLAHE of the green, FOV mask."""
    green = green_channel(record.rgb)
    fig = Figure(figsize=(13, 3.8), layout="constrained")
    axes = _image_axes(fig, 1, 4)
    panels = [
        (record.rgb, None, "RGB fundus image"),
        (green, "gray", "green channel"),
        (
            clahe(green, params),
            "gray",
            f"CLAHE (clip {params.clip_limit}, {params.kernel_size} px)",
        ),
        (record.fov, "gray", "field of view (FOV)"),
    ]
    for ax, (img, cmap, title) in zip(axes, panels):
        ax.imshow(img, cmap=cmap, interpolation="nearest")
        ax.set_title(title)
    fig.suptitle(f"image {record.image_id}")
    return fig


def plot_patch_centres(
    image: np.ndarray,
    vessel_centres: np.ndarray,
    background_centres: np.ndarray,
    zoom: tuple[slice, slice] | None = None,
    title: str = "",
) -> Figure:
    """Where patches are centred: the skeleton I_gr^S = 1 (vessel patches, red) and the region
    outside the dilated ground truth, I_gr^d = 0 (background patches, green tint), over the image.

    Two panels: the whole image and ``zoom`` (row and column slices; default the central quarter).
    """
    h, w = image.shape[:2]
    if zoom is None:
        zoom = (slice(3 * h // 8, 5 * h // 8), slice(3 * w // 8, 5 * w // 8))
    overlay = np.zeros((h, w, 4))
    overlay[background_centres] = (0.1, 0.8, 0.3, 0.35)
    overlay[vessel_centres] = (1.0, 0.1, 0.1, 1.0)
    fig = Figure(figsize=(12, 6), layout="constrained")
    axes = _image_axes(fig, 1, 2)
    for ax, (rows, cols), name in zip(axes, [(slice(None), slice(None)), zoom], ["image", "zoom"]):
        ax.imshow(image[rows, cols], cmap="gray", interpolation="nearest")
        ax.imshow(overlay[rows, cols], interpolation="nearest")
        ax.set_title(
            name
            if name == "image"
            else f"zoom: rows {rows.start}–{rows.stop}, columns {cols.start}–{cols.stop}"
        )
    r0, r1, c0, c1 = zoom[0].start, zoom[0].stop, zoom[1].start, zoom[1].stop
    axes[0].plot([c0, c1, c1, c0, c0], [r0, r0, r1, r1, r0], color="yellow", lw=1)
    handles = [
        Line2D(
            [], [], color=(1.0, 0.1, 0.1), marker="s", ls="", label="vessel centres ($I^S_{gr}=1$)"
        ),
        Line2D(
            [],
            [],
            color=(0.1, 0.8, 0.3),
            marker="s",
            ls="",
            alpha=0.6,
            label="background centres ($I^d_{gr}=0$)",
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    if title:
        fig.suptitle(title)
    return fig


def plot_patch_gallery(
    patches: np.ndarray, labels: np.ndarray, n_per_class: int = 8, title: str = ""
) -> Figure:
    """Two rows of uint8 patches: vessel patches (label 1) on top, background (label 0) below."""
    patches, labels = np.asarray(patches), np.asarray(labels)
    fig = Figure(figsize=(1.4 * n_per_class, 3.4), layout="constrained")
    axes = fig.subplots(2, n_per_class, squeeze=False)
    for row, (label, name) in enumerate([(1, "vessel"), (0, "background")]):
        chosen = patches[labels == label][:n_per_class]
        for col in range(n_per_class):
            ax = axes[row, col]
            ax.set_xticks([])
            ax.set_yticks([])
            if col < len(chosen):
                ax.imshow(chosen[col], cmap="gray", vmin=0, vmax=255, interpolation="nearest")
                ax.plot(32, 32, "+", color="red" if label == 1 else "lime", ms=6)
            else:
                ax.set_axis_off()
        axes[row, 0].set_ylabel(name)
    if title:
        fig.suptitle(title)
    return fig


# --- training -----------------------------------------------------------------------------------


def plot_training_curves(
    histories: Mapping[str, Sequence[Sequence[Mapping]]],
    metrics: Sequence[str] = tuple(HISTORY_METRICS),
    title: str = "",
) -> Figure:
    """One panel per metric of the training histories, one line per run, coloured by method.

    ``histories`` maps a method ("gan", "cnn") to its runs' histories (the lists of dicts of
    :meth:`ganseg_lib.train.run_folder.RunFolder.read_history`, e.g. one per seed). The
    generator's quantities (L_adv, L_G, fake detection) exist only for the GAN-CNN, so the CNN is
    not drawn there.
    """
    methods = _methods(histories)
    ncols = min(3, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    fig = Figure(figsize=(4.6 * ncols, 3.2 * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax, metric in zip(axes, metrics):
        for method in methods:
            if method != "gan" and metric in GAN_ONLY_METRICS:
                continue
            for i, hist in enumerate(histories[method]):
                pts = [(h["iteration"], h[metric]) for h in hist if h.get(metric) is not None]
                if not pts:
                    continue
                x, y = zip(*pts)
                ax.plot(
                    x,
                    y,
                    color=method_color(method),
                    lw=1.3,
                    alpha=0.85,
                    label=_label(method) if i == 0 else None,
                )
        ax.set_title(HISTORY_METRICS.get(metric, metric))
        ax.set_xlabel("iteration")
        ax.grid(alpha=0.3)
    for ax in axes[len(metrics) :]:
        ax.set_axis_off()
    handles = [Line2D([], [], color=method_color(m), label=_label(m)) for m in methods]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(methods))
    if title:
        fig.suptitle(title)
    return fig


def plot_validation_auc(
    curves: Mapping[str, Sequence[Sequence[Sequence[float]]]], title: str = "validation AUC"
) -> Figure:
    """Validation AUC against iteration, one line per run, coloured by method.

    ``curves`` maps a method to its runs' curves, each a list of (iteration, AUC) pairs (as the
    records' ``training.val_auc_curve``).
    """
    fig = Figure(figsize=(6.5, 4), layout="constrained")
    ax = fig.subplots()
    for method in _methods(curves):
        for i, curve in enumerate(curves[method]):
            pts = [(it, auc) for it, auc in curve if auc is not None]
            if not pts:
                continue
            x, y = zip(*pts)
            ax.plot(
                x,
                y,
                color=method_color(method),
                lw=1.3,
                marker=".",
                label=_label(method) if i == 0 else None,
            )
    ax.set_xlabel("iteration")
    ax.set_ylabel("AUC on validation pixels")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if ax.lines:
        ax.legend()
    return fig


def plot_samples(grids: Mapping[str, np.ndarray], ncols: int = 4, title: str = "") -> Figure:
    """Patch grids side by side, one panel per entry of ``grids`` (title → uint8 (N, 64, 64)).

    E.g. the generator's samples at a few iterations next to real patches, as the slide
    "Samples generated during training on 15K dataset".
    """
    if not grids:
        raise ValueError("no sample grids to plot")
    fig = Figure(figsize=(3.2 * len(grids), 3.6), layout="constrained")
    axes = _image_axes(fig, 1, len(grids))
    for ax, (name, patches) in zip(axes, grids.items()):
        ax.imshow(montage(np.asarray(patches), ncols), cmap="gray", vmin=0, vmax=255)
        ax.set_title(name)
    if title:
        fig.suptitle(title)
    return fig


# --- results ------------------------------------------------------------------------------------


def pick_iterations(iterations: Sequence[int], k: int = 4) -> list[int]:
    """``k`` iterations spread over a run (always the first and the last)."""
    its = sorted(iterations)
    if len(its) <= k:
        return its
    idx = np.unique(np.round(np.linspace(0, len(its) - 1, k)).astype(int))
    return [its[i] for i in idx]


def mean_roc(curves: Sequence[tuple[Sequence[float], Sequence[float]]], n: int = 201):
    """Vertical average of ROC curves (Fawcett 2006): mean TPR on a common FPR grid."""
    grid = np.linspace(0.0, 1.0, n)
    tprs = [np.interp(grid, np.asarray(f), np.asarray(t)) for f, t in curves]
    return grid, np.mean(tprs, axis=0)


def plot_roc_curves(records: Sequence, title: str = "") -> Figure:
    """Pooled ROC curves of both methods, one panel per dataset size.

    ``records`` are :class:`~ganseg_lib.evaluate.record.RunRecord` s. Each run (seed) is a thin
    line; the bold line is their vertical average. Failed runs are left out. The legend gives the
    mean pooled AUC over the drawn runs.
    """
    recs = [r for r in records if r.ok]
    sizes = sorted({r.config.n_patches for r in recs})
    if not sizes:
        raise ValueError("no successful run records to plot")
    fig = Figure(figsize=(4.6 * len(sizes), 4.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(sizes), squeeze=False)).ravel()
    for ax, n in zip(axes, sizes):
        by_method: dict[str, list] = {}
        for r in recs:
            if r.config.n_patches == n:
                by_method.setdefault(r.config.method, []).append(r)
        for method in _methods(by_method):
            runs = sorted(by_method[method], key=lambda r: r.config.seed)
            curves = [(r.evaluation["roc_fpr"], r.evaluation["roc_tpr"]) for r in runs]
            for f, t in curves:
                ax.plot(f, t, color=method_color(method), lw=0.7, alpha=0.45)
            pooled = np.mean([r.evaluation["pooled_auc"] for r in runs])
            x, y = mean_roc(curves)
            ax.plot(
                x,
                y,
                color=method_color(method),
                lw=2.4,
                label=f"{_label(method)} (AUC {pooled:.3f}, {len(runs)} run"
                f"{'s' if len(runs) > 1 else ''})",
            )
        ax.plot([0, 1], [0, 1], color="0.6", lw=0.8, ls=":")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.set_xlabel("false positive rate")
        ax.set_ylabel("true positive rate")
        ax.set_title(f"{size_label(n)} labelled patches")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize="small")
    if title:
        fig.suptitle(title)
    return fig


def plot_probability_maps(
    image: np.ndarray,
    truth: np.ndarray | None,
    maps: Mapping[str, np.ndarray],
    fov: np.ndarray | None = None,
    title: str = "",
) -> Figure:
    """Side by side: the image, its ground truth, then each vessel probability map.

    ``maps`` maps a method ("cnn", "gan") or any panel title to an H×W map in [0, 1]; the CNN
    comes before the GAN-CNN, as in the slides. Pixels outside ``fov`` are shown as 0.
    """
    keys = list(maps)
    if "cnn" in keys and "gan" in keys:
        keys = ["cnn", "gan"] + [k for k in keys if k not in ("cnn", "gan")]
    panels = [(image, "gray" if np.ndim(image) == 2 else None, "image")]
    if truth is not None:
        panels.append((truth, "gray", "ground truth"))
    for k in keys:
        m = np.asarray(maps[k], dtype=float)
        if fov is not None:
            m = np.where(fov, m, 0.0)
        panels.append((m, "magma", _label(k)))
    fig = Figure(figsize=(3.6 * len(panels), 4.0), layout="constrained")
    axes = _image_axes(fig, 1, len(panels))
    for i, (ax, (img, cmap, name)) in enumerate(zip(axes, panels)):
        kw = {"vmin": 0.0, "vmax": 1.0} if i >= len(panels) - len(keys) else {}
        ax.imshow(img, cmap=cmap, interpolation="nearest", **kw)
        ax.set_title(name)
    if title:
        fig.suptitle(title)
    return fig


def plot_segmentation_pair(
    image: np.ndarray,
    truth: np.ndarray,
    maps: Mapping[str, tuple[np.ndarray, float]],
    fov: np.ndarray,
    title: str = "",
) -> Figure:
    """The segmentation figure: the image and its ground truth; the GAN-CNN's and the CNN's
    vessel probability maps (each titled with the image's AUC); and where the two differ, the
    GAN-CNN's probability minus the CNN's (red: the GAN-CNN sees more vessel). ``maps`` maps
    ``"gan"`` and ``"cnn"`` to (map, AUC); pixels outside ``fov`` are shown as 0."""
    fig = Figure(figsize=(11.0, 7.6), layout="constrained")
    axes = _image_axes(fig, 2, 3)
    axes[0].imshow(image, cmap="gray" if np.ndim(image) == 2 else None)
    axes[0].set_title("test image")
    axes[1].imshow(truth, cmap="gray", interpolation="nearest")
    axes[1].set_title("ground truth")
    inside = {m: np.where(fov, np.asarray(p, dtype=float), 0.0) for m, (p, _) in maps.items()}
    diff = inside["gan"] - inside["cnn"]
    lim = max(float(np.abs(diff).max()), 1e-6)
    shown = axes[2].imshow(diff, cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
    axes[2].set_title("GAN-CNN − CNN probability")
    fig.colorbar(shown, ax=axes[2], shrink=0.8)
    for ax, method in zip(axes[3:5], ("gan", "cnn")):
        ax.imshow(inside[method], cmap="magma", vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_title(f"{_label(method)} (AUC {maps[method][1]:.3f})")
    axes[5].hist(
        diff[fov], bins=61, range=(-lim, lim), color="0.4", log=True, orientation="vertical"
    )
    axes[5].set_xticks([-lim, 0.0, lim])
    axes[5].set_xticklabels([f"{-lim:.2f}", "0", f"{lim:.2f}"])
    axes[5].set_title("difference over the FOV pixels")
    axes[5].set_xlabel("GAN-CNN − CNN")
    axes[5].set_ylabel("pixels (log)")
    if title:
        fig.suptitle(title)
    return fig


def plot_auc_summary(
    summary,
    paper: Mapping[int, Mapping[str, float]] | None = None,
    title: str = "mean test AUC per dataset size",
    runs=None,
) -> Figure:
    """Mean AUC ± sd over seeds per dataset size and method, the paper's values as stars.

    ``summary`` is a DataFrame with columns ``n_patches``, ``method``, ``mean_auc``, ``sd_auc``
    (as :func:`ganseg_lib.analysis.replication.aggregate.aggregate` returns); ``paper`` maps a
    size to {"gan": AUC, "cnn": AUC} (default: :data:`ganseg_lib.paper.PAPER_RESULTS`). ``runs``
    (optional, with columns ``n_patches``, ``method``, ``mean_auc``) adds each run as a small dot
    beside the mean, so that every seed is seen.
    """
    if paper is None:
        paper = PAPER_RESULTS
    sizes = sorted(set(summary["n_patches"]) | set(paper))
    xpos = {n: i for i, n in enumerate(sizes)}
    fig = Figure(figsize=(8.8, 4.2), layout="constrained")
    ax = fig.subplots()
    for method in METHOD_ORDER:
        _draw_mean_sd(ax, summary, method, xpos)
        if runs is not None:
            _draw_each_seed(ax, runs, method, xpos)
        _draw_paper_level(ax, paper, method, xpos)
    ax.set_xticks(range(len(sizes)), [size_label(n) for n in sizes])
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_xlabel("labelled training patches")
    ax.set_ylabel("mean AUC over test images")
    ax.set_title(title)
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.02, 0.5))
    return fig


SUMMARY_OFFSET = {"gan": -0.12, "cnn": 0.12}  # the methods side by side at a size


def _draw_mean_sd(ax, summary, method: str, xpos: Mapping[int, int]) -> None:
    """A method's mean AUC ± sd over seeds at each size it has."""
    rows = summary[summary["method"] == method].sort_values("n_patches")
    if not len(rows):
        return
    x = [xpos[n] + SUMMARY_OFFSET[method] for n in rows["n_patches"]]
    sd = np.nan_to_num(rows["sd_auc"].to_numpy(dtype=float))
    ax.errorbar(
        x,
        rows["mean_auc"],
        yerr=sd,
        color=method_color(method),
        marker="o",
        ls="",
        capsize=4,
        label=f"{_label(method)} (ours, mean ± sd over seeds)",
    )


def _draw_each_seed(ax, runs, method: str, xpos: Mapping[int, int]) -> None:
    """Each of a method's runs as a small dot, outside its mean."""
    mine = runs[runs["method"] == method]
    ax.plot(
        [xpos[n] + 2 * SUMMARY_OFFSET[method] for n in mine["n_patches"]],
        mine["mean_auc"],
        ls="",
        marker=".",
        ms=6,
        alpha=0.6,
        color=method_color(method),
        label=f"{_label(method)} (ours, each seed)",
    )


def _draw_paper_level(
    ax, paper: Mapping[int, Mapping[str, float]], method: str, xpos: Mapping[int, int]
) -> None:
    """The paper's AUC of a method at each of its sizes, as stars beside ours."""
    pts = [(xpos[n] + SUMMARY_OFFSET[method], v[method]) for n, v in paper.items() if method in v]
    if not pts:
        return
    px, py = zip(*pts)
    ax.plot(
        px,
        py,
        ls="",
        marker=PAPER_MARKER,
        ms=13,
        mfc="none",
        mec=method_color(method),
        label=f"{_label(method)} (paper)",
    )


def plot_image_differences(comparison, title: str = "") -> Figure:
    """GAN-CNN AUC minus CNN AUC per test image, one panel per dataset size, sorted.

    ``comparison`` is :func:`ganseg_lib.analysis.replication.aggregate.image_comparison`'s
    DataFrame (each image's AUC averaged over seeds). A bar above zero is an image on which the
    GAN-CNN ranks pixels better; the dashed line is the mean difference, the quantity of the
    paired test.
    """
    sizes = sorted(set(comparison["n_patches"]))
    if not sizes:
        raise ValueError("no per-image comparison to plot")
    fig = Figure(figsize=(4.2 * len(sizes), 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(sizes), squeeze=False, sharey=True)).ravel()
    for ax, n in zip(axes, sizes):
        rows = comparison[comparison["n_patches"] == n].sort_values("difference")
        d = rows["difference"].to_numpy(dtype=float)
        colors = [method_color("gan") if v > 0 else method_color("cnn") for v in d]
        ax.bar(range(len(d)), d, color=colors)
        ax.axhline(0.0, color="0.3", lw=0.8)
        ax.axhline(d.mean(), color="0.1", lw=1.2, ls="--", label=f"mean {d.mean():+.4f}")
        ax.set_xticks(range(len(d)), list(rows["image_id"]), rotation=90, fontsize="x-small")
        ax.set_xlabel("test image")
        ax.set_title(
            f"{size_label(n)}: GAN-CNN better on {int((d > 0).sum())} of {len(d)} images\n"
            f"(AUCs averaged over {_count(int(rows['seeds'].iloc[0]), 'seed')})",
            fontsize="medium",
        )
        ax.grid(alpha=0.3, axis="y")
        ax.legend(fontsize="small", loc="upper left")
    axes[0].set_ylabel("AUC(GAN-CNN) − AUC(CNN)")
    if title:
        fig.suptitle(title)
    return fig


def plot_generator_gradients(
    p_fake: np.ndarray, gradients: Mapping[str, np.ndarray], title: str = ""
) -> Figure:
    """|∂loss/∂(fake logit)| against p_DC(fake | G(z)), one line per generator objective, log y."""
    fig = Figure(figsize=(6.5, 4.2), layout="constrained")
    ax = fig.subplots()
    styles = ["-", "--", ":", "-."]
    for i, (name, g) in enumerate(gradients.items()):
        ax.plot(p_fake, np.abs(g), ls=styles[i % len(styles)], lw=2, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("$p_{DC}(y = K+1 \\mid G(z))$, the DC net's belief that the sample is fake")
    ax.set_ylabel("|gradient w.r.t. the fake logit|")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    if title:
        ax.set_title(title)
    return fig
