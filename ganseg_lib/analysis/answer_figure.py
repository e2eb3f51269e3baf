"""The answer at a glance: mean test AUC against labelled patches for the paper's two methods,
our runs of the paper's protocol and the study's fair-protocol arms, in one figure.

Each of our points is the mean over seeds of a run's score with the 95% t interval over seeds:

* the paper (``ganseg_lib.paper.PAPER_RESULTS``): GAN-CNN and CNN as published, no interval;
* the replication (profile ``cpu``, ``results/cpu/drive``): the paper's protocol, the last
  checkpoint's mean AUC over the test images;
* the study (profile ``study``, ``results/study/drive``): each fair-protocol method at the
  (lr, β1) chosen on the validation images, its primary score (the best-validation
  checkpoint's mean test AUC; :func:`ganseg_lib.analysis.study.records.arm_scores`);
* the study "Fewer labels" (profile ``scarce``, ``results/scarce/drive``): its arms that run the
  fair CNN and the fair GAN-CNN as the study did (:data:`FEWER_ARMS`), at 300, 1K and 3K on its
  own seeds (100–107), scored the same way
  (:func:`ganseg_lib.analysis.study.fewer_verdicts.arm_scores`);
* its second registration (profile ``scarce-dc32``): the fair GAN-CNN with the generator that
  passed the check and the fair CNN with the same DC net (width 32, not 16), scored the same way.

``ganseg report --readme README.md`` writes it to ``results/figures/answer.png``
(:func:`write_answer_figure`), which the README and the book's first page show.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from scipy import stats

from ganseg_lib.analysis.present.colours import ARM_COLORS, EXTRA_COLORS, OTHER_COLOR, PAPER_MARKER
from ganseg_lib.analysis.study.records import arm_scores
from ganseg_lib.atomic import write_bytes_atomic
from ganseg_lib.paper import PAPER_METHODS, PAPER_RESULTS, size_label
from ganseg_lib.train.methods import METHODS

# the study's fair-protocol methods on the replication's DC net; the fake-source ablations and
# the DC-net variants stay in the study chapter (one size each, or scored on other pixels)
FAIR_METHODS = ("gan", "cnn", "ssgan", "cgan")
STUDY_SIZES = (3_000, 15_000, 30_000, 150_000)
# the arms of "Fewer labels" drawn, with the method each runs and its series: the first
# registration's in the study's configuration, the second's pair with a DC net of width 32
FEWER_ARMS = {
    "cnn": ("cnn", "fewer"),
    "gan-study": ("gan", "fewer"),
    "cnn-dc32": ("cnn", "passing"),
    "gan-passing": ("gan", "passing"),
}
SOURCES = ("paper", "replication", "study", "fewer", "passing")
SOURCE_TEXT = {
    "paper": "the paper",
    "replication": "ours, paper protocol",
    "study": "ours, fair protocol",
    "fewer": "ours, fair protocol, seeds 100–107",
    "passing": "ours, fair, DC net width 32, seeds 100–107",
}
SOURCE_STYLES = {  # (line style, marker)
    "paper": (":", PAPER_MARKER),
    "replication": ("--", "s"),
    "study": ("-", "o"),
    "fewer": ("-", "D"),
    "passing": ("-", "P"),
}
JITTER = 1.035  # multiplicative offset between our series at one size, so intervals stay apart
DPI = 150  # fixed, so that a rewrite of the committed PNG gives the same bytes
ANSWER_FIGURE = Path("figures") / "answer.png"  # inside the results folder
POINT_COLUMNS = [
    "source",
    "method",
    "label",
    "n_patches",
    "seeds",
    "mean_auc",
    "ci_low",
    "ci_high",
]


def t_interval(scores: Sequence[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): the mean over seeds and its t interval (NaN bounds below 2 seeds)."""
    x = np.asarray(scores, float)
    if not len(x):
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if len(x) < 2:
        return mean, math.nan, math.nan
    low, high = stats.t.interval(confidence, len(x) - 1, loc=mean, scale=stats.sem(x))
    return mean, float(low), float(high)


def _row(source: str, method: str, n: int, scores: Sequence[float]) -> dict:
    mean, low, high = t_interval(scores)
    label = f"{METHODS[method].label} ({SOURCE_TEXT[source]})"
    return dict(zip(POINT_COLUMNS, (source, method, label, int(n), len(scores), mean, low, high)))


def answer_points(
    cpu: pd.DataFrame,
    study: pd.DataFrame,
    paper: Mapping[int, Mapping[str, float]] = PAPER_RESULTS,
    fair_methods: Sequence[str] = FAIR_METHODS,
    fewer: Mapping[tuple[str, int], Sequence[float]] | None = None,
) -> pd.DataFrame:
    """The figure's points, one row per (source, method, size): mean AUC, 95% t interval over
    seeds and the number of seeds.

    ``cpu``: the replication's records (:func:`ganseg_lib.evaluate.record.load_results`, profile
    ``cpu``); ``study``: :func:`ganseg_lib.analysis.study.records.load_study`; ``fewer``:
    per-seed scores by (arm, size) of "Fewer labels", either registration
    (:func:`ganseg_lib.analysis.study.fewer_verdicts.arm_scores`), of which the arms in
    :data:`FEWER_ARMS` are drawn. Failed runs are left out; a (method, size) without runs has
    no row.
    """
    rows = [
        {**_row("paper", m, n, [values[m]]), "seeds": 0}
        for m in PAPER_METHODS
        for n, values in sorted(paper.items())
        if m in values
    ]
    ok = cpu[(cpu["status"] == "ok") & cpu["mean_auc"].notna()] if len(cpu) else cpu
    for m in PAPER_METHODS:
        for n in sorted({int(n) for n in ok["n_patches"]}) if len(ok) else []:
            scores = ok[(ok["method"] == m) & (ok["n_patches"] == n)]["mean_auc"]
            if len(scores):
                rows.append(_row("replication", m, n, scores.to_numpy(float)))
    for m in fair_methods:
        for n in STUDY_SIZES:
            scores = arm_scores(study, m, "fair", n) if len(study) else pd.Series(dtype=float)
            if len(scores):
                rows.append(_row("study", m, n, scores.to_numpy(float)))
    for (arm, n), scores in sorted((fewer or {}).items()):
        if arm in FEWER_ARMS and len(scores):
            method, source = FEWER_ARMS[arm]
            rows.append(_row(source, method, n, np.asarray(scores, float)))
    return pd.DataFrame(rows, columns=POINT_COLUMNS)


def _color(method: str) -> str:
    return ARM_COLORS.get(method) or EXTRA_COLORS.get(method, OTHER_COLOR)


def plot_answer(points: pd.DataFrame, title: str = "") -> Figure:
    """Mean test AUC against labelled patches (log x): the paper's points as stars, ours with
    their 95% interval over seeds as bars, paper protocol dashed and fair protocol solid, one
    colour per method (GAN-CNN red, CNN blue, as everywhere in the book)."""
    fig = Figure(figsize=(7.2, 5.4), layout="constrained")
    ax = fig.subplots()
    series = list(points.groupby(["source", "method"], sort=False))
    ours = [key for key, _ in series if key[0] != "paper"]
    handles = []
    for (source, method), g in series:
        # the paper's points at their sizes, ours side by side around them
        i = ours.index((source, method)) if source != "paper" else None
        shift = 1.0 if i is None else JITTER ** (i - (len(ours) - 1) / 2)
        handles.append(_draw_series(ax, g.sort_values("n_patches"), source, method, shift))
    sizes = sorted({int(n) for n in points["n_patches"]})
    ax.set_xscale("log")
    ax.set_xticks(sizes, [size_label(n) for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel("labelled training patches (log scale)")
    ax.set_ylabel("mean AUC over the 20 DRIVE test images")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize="small")
    return fig


def _draw_series(ax, g: pd.DataFrame, source: str, method: str, shift: float) -> Line2D:
    """One (source, method) series, sorted by size: its line and points, and ours with their
    intervals; its legend entry."""
    x = g["n_patches"].to_numpy(float) * shift
    y = g["mean_auc"].to_numpy(float)
    ls, marker = SOURCE_STYLES[source]
    color = _color(method)
    paper = source == "paper"
    ax.plot(
        x,
        y,
        ls=ls,
        lw=1.0 if paper else 1.6,
        marker=marker,
        ms=12 if paper else 6,
        mfc="none" if paper else color,
        color=color,
        gid=f"{source}-{method}",
    )
    lo, hi = g["ci_low"].to_numpy(float), g["ci_high"].to_numpy(float)
    ok = np.isfinite(lo) & np.isfinite(hi)
    if ok.any():
        ax.errorbar(
            x[ok],
            y[ok],
            yerr=[y[ok] - lo[ok], hi[ok] - y[ok]],
            ls="",
            color=color,
            capsize=3,
            lw=1.2,
            gid=f"{source}-{method}-ci",
        )
    return Line2D(
        [],
        [],
        ls=ls,
        marker=marker,
        ms=10 if paper else 6,
        mfc="none" if paper else color,
        color=color,
        label=g["label"].iloc[0],
    )


def answer_png(fig: Figure) -> bytes:
    """The figure as PNG bytes at :data:`DPI`, without the software tag: the same records give
    the same bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def write_answer_figure(
    path: str | os.PathLike,
    cpu: pd.DataFrame,
    study: pd.DataFrame,
    check: bool = False,
    fewer: Mapping[tuple[str, int], Sequence[float]] | None = None,
) -> bool:
    """Write the answer figure of these records to ``path``; True when the file changed (with
    ``check``: when it would change, and nothing is written)."""
    png = answer_png(plot_answer(answer_points(cpu, study, fewer=fewer)))
    path = Path(path)
    if path.is_file() and path.read_bytes() == png:
        return False
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, png)
    return True
