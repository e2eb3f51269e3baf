"""The study's figures: label efficiency, and the mechanism seen in the run histories (fake
detection, p(fake | real), the L_adv share of the DC loss, validation AUC) and in the generator
samples kept beside each record.

One colour per method (GAN-CNN red and CNN blue, as in
:mod:`ganseg_lib.analysis.replication.plots`), one line style per protocol (fair solid, paper
dashed). Every function takes data and returns a :class:`matplotlib.figure.Figure` without
showing it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ganseg_lib.analysis.present.colours import PAPER_MARKER, arm_color
from ganseg_lib.analysis.study.records import arm_label, record_variant
from ganseg_lib.paper import PAPER_RESULTS, size_label
from ganseg_lib.train.methods import METHODS

PROTOCOL_STYLES = {"fair": "-", "paper": "--"}
# an arm whose DC net differs from the replication's
VARIANT_STYLES = {"-lcjoint": "-.", "-norminstance": ":"}
# (history key, panel title) of the adversarial signals; p_fake_unl exists for ssgan only
SIGNALS = (
    ("fake_detect", "fake detection (fakes classified fake)"),
    ("p_fake_real", "mean p(fake | labelled real)"),
    ("p_fake_unl", "mean p(fake | unlabelled real)"),
    ("p_fake_val", "mean p(fake | validation real)"),
    ("adv_share", "adversarial share of the DC loss"),
)
JITTER = 1.03  # the label-efficiency figure's offset between arms at one size (factor)
SAMPLE_GRIDS = 4  # rows of a record's samples montage (ganseg_lib.evaluate.run)


def _arm_key(record) -> tuple[str, str, str]:
    return record.config.method, record.config.protocol, record_variant(record)


def _style(protocol: str, variant: str = "") -> str:
    if variant:
        return VARIANT_STYLES.get(variant, (0, (3, 1, 1, 1, 1, 1)))
    return PROTOCOL_STYLES.get(protocol, "-")


def _legend(fig: Figure, arms: Sequence[tuple[str, ...]], extra: Sequence = ()) -> None:
    handles = [
        Line2D([], [], color=arm_color(a[0]), ls=_style(*a[1:]), label=arm_label(*a)) for a in arms
    ]
    if handles or extra:
        fig.legend(
            handles=[*handles, *extra], loc="outside lower center", ncols=min(4, len(handles) + 1)
        )


def plot_label_efficiency(
    efficiency: pd.DataFrame,
    replication: pd.DataFrame | None = None,
    paper: Mapping[int, Mapping[str, float]] = PAPER_RESULTS,
    title: str = "test AUC against labelled patches",
) -> Figure:
    """Mean test AUC against labelled patches (log x): one line per study arm with its 95% CI
    band over seeds, the replication's points (``cpu`` records, thin dotted) and the paper's
    (stars), all in the method's colour.

    ``efficiency`` and ``replication`` have the columns of
    :func:`ganseg_lib.analysis.study.efficiency.label_efficiency`.
    """
    fig = Figure(figsize=(9, 5), layout="constrained")
    ax = fig.subplots()
    arms = _draw_arms(ax, efficiency)
    extra = _draw_replication(ax, replication) + _draw_paper(ax, paper)
    sizes = set(efficiency["n_patches"]) | set(paper)
    if replication is not None:
        sizes |= set(replication["n_patches"])
    size_axis(ax, sorted(sizes))
    ax.set_title(title)
    _legend(fig, arms, extra)
    return fig


def _draw_arms(ax, efficiency: pd.DataFrame) -> list[tuple[str, str]]:
    """Each study arm's mean AUC per size with its 95% CI band; the arms drawn, in order."""
    arms = []
    groups = list(efficiency.groupby(["method", "protocol"], sort=False))
    for i, ((method, protocol), g) in enumerate(groups):
        g = g.sort_values("n_patches")
        # arms side by side at a size: a small multiplicative offset on the log axis
        shift = JITTER ** (i - (len(groups) - 1) / 2)
        x, y = g["n_patches"].to_numpy(float) * shift, g["mean_auc"].to_numpy(float)
        ax.plot(x, y, color=arm_color(method), ls=_style(protocol), marker="o")
        lo, hi = g["ci_low"].to_numpy(float), g["ci_high"].to_numpy(float)
        ok = np.isfinite(lo) & np.isfinite(hi)
        if ok.any():
            ax.fill_between(x[ok], lo[ok], hi[ok], color=arm_color(method), alpha=0.15, lw=0)
            if ok.sum() == 1:  # a band of one point is invisible: draw its interval
                ax.errorbar(
                    x[ok],
                    y[ok],
                    yerr=[y[ok] - lo[ok], hi[ok] - y[ok]],
                    color=arm_color(method),
                    capsize=4,
                    ls="",
                )
        arms.append((method, protocol))
    return arms


def _draw_replication(ax, replication: pd.DataFrame | None) -> list[Line2D]:
    """The replication's points per method (thin dotted); their legend entries."""
    if replication is None or not len(replication):
        return []
    for method, g in replication.groupby("method", sort=False):
        g = g.sort_values("n_patches")
        ax.plot(
            g["n_patches"],
            g["mean_auc"],
            color=arm_color(method),
            ls=":",
            marker="x",
            lw=1,
            alpha=0.8,
        )
    return [
        Line2D(
            [],
            [],
            color=arm_color(m),
            ls=":",
            marker="x",
            label=f"{METHODS[m].label} (replication, cpu)",
        )
        for m in replication["method"].unique()
    ]


def _draw_paper(ax, paper: Mapping[int, Mapping[str, float]]) -> list[Line2D]:
    """The paper's GAN-CNN and CNN as stars; their legend entries."""
    handles = []
    for method in ("gan", "cnn"):
        pts = sorted((n, v[method]) for n, v in paper.items() if method in v)
        ax.plot(*zip(*pts), ls="", marker=PAPER_MARKER, ms=13, mfc="none", mec=arm_color(method))
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker=PAPER_MARKER,
                ms=11,
                mfc="none",
                mec=arm_color(method),
                label=f"{METHODS[method].label} (paper)",
            )
        )
    return handles


def size_axis(ax, sizes: Sequence[int]) -> None:
    """Labelled patches on a log axis, a tick at each size drawn, and AUC on the other."""
    ax.set_xscale("log")
    ax.set_xticks(sizes, [size_label(int(n)) for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel("labelled training patches (log scale)")
    ax.set_ylabel("mean AUC over the test images")
    ax.grid(alpha=0.3)


def _runs_by_arm(records: Sequence) -> dict[tuple[str, str, str], list]:
    out: dict[tuple[str, str, str], list] = {}
    for r in sorted(records, key=lambda r: (*_arm_key(r), r.config.seed)):
        out.setdefault(_arm_key(r), []).append(r)
    return out


def _series(history: Sequence[Mapping] | None, key: str):
    pts = [(h["iteration"], h[key]) for h in history or [] if h.get(key) is not None]
    return tuple(zip(*pts)) if pts else ((), ())


def plot_fake_signals(records: Sequence, title: str = "") -> Figure:
    """The adversarial signals over training, one panel each (:data:`SIGNALS`), one line per run
    coloured by method (fair solid, paper dashed): whether the DC net still takes fakes for real,
    how much real data it takes for fake, and what share of its loss the adversarial terms are
    (log scale)."""
    by_arm = {k: v for k, v in _runs_by_arm(records).items() if METHODS[k[0]].adversarial}
    fig = Figure(figsize=(14, 7.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(2, 3, squeeze=False)).ravel()
    for ax, (key, name) in zip(axes, SIGNALS):
        for (method, protocol, variant), runs in by_arm.items():
            for r in runs:
                x, y = _series(r.history, key)
                if x:
                    ax.plot(
                        x,
                        y,
                        color=arm_color(method),
                        ls=_style(protocol, variant),
                        lw=1.1,
                        alpha=0.75,
                    )
        if key == "adv_share" and ax.lines:
            ax.set_yscale("log")
        if not ax.lines:
            ax.text(
                0.5,
                0.5,
                "no runs log this yet",
                ha="center",
                va="center",
                transform=ax.transAxes,
                color="0.4",
            )
        ax.set_title(name, fontsize="medium")
        ax.set_xlabel("iteration")
        ax.grid(alpha=0.3)
    axes[-1].set_axis_off()
    _legend(fig, list(by_arm))
    if title:
        fig.suptitle(title)
    return fig


def plot_validation_curves(records: Sequence, title: str = "validation AUC") -> Figure:
    """Validation AUC against iteration, one line per run coloured by method, the checkpoint that
    the fair protocol keeps (the best validation AUC) marked with a dot."""
    by_arm = _runs_by_arm(records)
    fig = Figure(figsize=(9, 4.8), layout="constrained")
    ax = fig.subplots()
    for (method, protocol, variant), runs in by_arm.items():
        for r in runs:
            x, y = _series(r.history, "val_auc")
            if not x:
                continue
            ax.plot(x, y, color=arm_color(method), ls=_style(protocol, variant), lw=1.1, alpha=0.8)
            if protocol == "fair":
                i = int(np.argmax(y))
                ax.plot(x[i], y[i], "o", color=arm_color(method), ms=4)
    ax.set_xlabel("iteration")
    ax.set_ylabel("AUC on validation pixels")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if not ax.lines:
        ax.text(0.5, 0.5, "no runs yet", ha="center", va="center", transform=ax.transAxes)
    _legend(
        fig,
        list(by_arm),
        [Line2D([], [], ls="", marker="o", color="0.3", label="best validation (fair)")],
    )
    return fig


def sample_iterations(history: Sequence[Mapping] | None, k: int = SAMPLE_GRIDS) -> list[int]:
    """The iterations of a samples montage's rows: ``k`` evenly spread over the history's
    iterations, as :func:`ganseg_lib.evaluate.run.keep_artifacts` picks them."""
    its = sorted(h["iteration"] for h in history or [])
    if not its:
        return []
    picked = [its[round(i * (len(its) - 1) / (k - 1))] for i in range(k)]
    return list(dict.fromkeys(picked))


def plot_sample_montages(
    items: Sequence[tuple[str, str | Path, Sequence[int]]], title: str = ""
) -> Figure:
    """Generator samples over time, one panel per run: ``(title, <cell>.samples.png, row
    iterations)``; each row of a montage is 8 fixed-noise samples at one iteration."""
    from PIL import Image

    if not items:
        raise ValueError("no sample montages to plot")
    ncols = min(3, len(items))
    nrows = math.ceil(len(items) / ncols)
    fig = Figure(figsize=(5.4 * ncols, 3.0 * nrows + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax, (name, path, its) in zip(axes, items):
        img = np.asarray(Image.open(path).convert("L"))
        ax.imshow(img, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
        rows = len(its) or 1
        step = img.shape[0] / rows
        ax.set_yticks([step * (i + 0.5) for i in range(len(its))], [f"it {it:,}" for it in its])
        ax.set_xticks([])
        ax.set_title(name, fontsize="medium")
    for ax in axes[len(items) :]:
        ax.set_axis_off()
    if title:
        fig.suptitle(title)
    return fig
