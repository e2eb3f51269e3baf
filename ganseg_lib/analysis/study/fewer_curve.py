"""The study "Fewer labels" as curves: mean test AUC against labelled patches for every arm, and
the annotation-saving factor of every arm and size, as registered in
``studies/fewer-labels/hypotheses.md`` and ``studies/fewer-labels-passing/hypotheses.md``
("Descriptive, not tested").

* **Points** (:func:`fewer_efficiency`): each arm's primary scores per size on the study's
  seeds (:func:`~ganseg_lib.analysis.study.fewer_verdicts.arm_scores`: the best-validation
  checkpoint's mean test AUC, seeds 100–107), their mean and 95% t interval; on DRIVE the arms
  that "Beyond the paper" ran in the same configuration — the fair CNN and the fair GAN-CNN
  (:data:`ANCHORED`) — continue their curves at 15K, 30K and 150K with that study's seeds 0–4
  (:data:`ANCHOR_SIZES`), marked as such.
* **The fair CNN's curve** (:func:`cnn_curve`): its per-seed scores at 300, 1K and 3K of this
  study and at the anchor sizes, the curve that the saving factor reads backwards.
* **Saving factor** (:func:`fewer_savings`): for every other arm and size, the fair CNN's
  labelled patches N* that reach the arm's mean AUC, interpolated on log N between measured
  sizes (:func:`~ganseg_lib.analysis.study.saving.saving_factor`, eq. "log N* = …"), N*/N, with
  a percentile-bootstrap 95% CI over seeds; outside the measured curve it says so and does not
  extrapolate.
* **The second registration** (``studies/fewer-labels-passing/hypotheses.md``; pass
  ``registration=PASSING``): its points have no anchors (no arm of it ran in "Beyond the
  paper"); its saving factor reads the curve of its own CNN (``cnn-dc32``: 300, 1K and 3K), and
  with ``against=FIRST`` the first registration's fair CNN (width 16), as registered.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ganseg_lib.analysis.present.colours import ARM_COLORS, OTHER_COLOR
from ganseg_lib.analysis.stats import mean_ci
from ganseg_lib.analysis.study import fewer_verdicts, records
from ganseg_lib.analysis.study.fewer_verdicts import FIRST, Registration
from ganseg_lib.analysis.study.plots import size_axis
from ganseg_lib.analysis.study.saving import saving_factor
from ganseg_lib.paper import size_label

# arms of "Fewer labels" that "Beyond the paper" ran in the same configuration: (method,
# protocol, variant) of its arm
ANCHORED = {"cnn": ("cnn", "fair", ""), "gan-study": ("gan", "fair", "")}
ANCHOR_SIZES = (15_000, 30_000, 150_000)
SOURCES = {"fewer": 'seeds 100–107 ("Fewer labels")', "anchor": 'seeds 0–4 ("Beyond the paper")'}
CURVE_COLUMNS = ["arm", "label", "source", "n_patches", "seeds", "mean_auc", "ci_low", "ci_high"]
# the book's colours: the fair CNN blue and the fair GAN-CNN red, their variants lighter
ARM_COLOURS = {
    "cnn": ARM_COLORS["cnn"],
    "cnn-none": "#5dade2",
    "gan-study": ARM_COLORS["gan"],
    "gan-fixed": "#e67e22",
    "ssgan": ARM_COLORS["ssgan"],
    "gan-joint": "#117a65",
    # the second registration's: its CNN navy, its GAN-CNN dark red
    "cnn-dc32": "#1b2f6b",
    "gan-passing": "#7b241c",
}
SAVING_COLUMNS = [
    "arm",
    "labelled patches",
    "seeds",
    "mean AUC",
    "CNN-equivalent",
    "CNN seeds by size",
    "saving",
]


def _anchor_scores(
    results_dir: str | os.PathLike, registration: Registration = FIRST
) -> dict[tuple[str, int], pd.Series]:
    """The anchored arms' per-seed primary scores at the anchor sizes from "Beyond the paper"
    (none for a registration without such arms)."""
    anchored = {a: key for a, key in ANCHORED.items() if a in registration.arm}
    study = records.load_study(results_dir) if anchored else pd.DataFrame()
    out = {}
    for arm, key in anchored.items():
        for n in ANCHOR_SIZES:
            scores = records.arm_scores(study, key[0], key[1], n, key[2]) if len(study) else []
            if len(scores):
                out[arm, n] = scores
    return out


def fewer_efficiency(
    results_dir: str | os.PathLike = "results",
    data: str = "drive",
    registration: Registration = FIRST,
):
    """One row per (arm, size) of ``registration`` with records: the mean primary score over
    seeds, its 95% t interval and the number of seeds, from this study (``source`` "fewer")
    and, on DRIVE, the anchored arms' larger sizes from "Beyond the paper" (``source``
    "anchor")."""
    scores = fewer_verdicts.arm_scores(results_dir, data, registration=registration)
    groups = {("fewer", *k): v for k, v in scores.items()}
    if data == "drive":
        groups |= {("anchor", *k): v for k, v in _anchor_scores(results_dir, registration).items()}
    rows = []
    for (source, arm, n), scores in groups.items():
        mean, low, high = mean_ci(scores.to_numpy(float))
        label = registration.arm[arm].label
        rows.append(dict(zip(CURVE_COLUMNS, (arm, label, source, n, len(scores), mean, low, high))))
    order = {a.name: i for i, a in enumerate(registration.arms)}
    df = pd.DataFrame(rows, columns=CURVE_COLUMNS)
    return df.sort_values(
        ["arm", "n_patches"], key=lambda c: c.map(order) if c.name == "arm" else c
    )


def cnn_curve(
    results_dir: str | os.PathLike = "results", registration: Registration = FIRST
) -> dict[int, np.ndarray]:
    """The per-seed scores by size on DRIVE of the registration's CNN (its ``baseline``): this
    study's sizes and, where "Beyond the paper" ran it, the anchors'."""
    arm = registration.baseline
    scores = fewer_verdicts.arm_scores(results_dir, "drive", registration=registration)
    curve = {n: s.to_numpy(float) for (a, n), s in scores.items() if a == arm}
    anchors = _anchor_scores(results_dir, registration).items()
    curve |= {n: s.to_numpy(float) for (a, n), s in anchors if a == arm}
    return dict(sorted(curve.items()))


def fewer_savings(
    results_dir: str | os.PathLike = "results",
    n_resamples: int = 10_000,
    registration: Registration = FIRST,
    against: Registration | None = None,
):
    """The saving factor of every arm and size of ``registration`` on DRIVE (not its CNN's own)
    against the CNN curve of ``against`` (default: the same registration's), with its bootstrap
    95% CI; empty while that curve has fewer than two sizes."""
    against = registration if against is None else against
    curve = cnn_curve(results_dir, against)
    rows = []
    if len(curve) < 2:
        return pd.DataFrame(rows, columns=SAVING_COLUMNS)
    # the seeds behind each point of the curve: a CI over few seeds of a size is wide or
    # (with two) barely a CI at all
    curve_seeds = ", ".join(f"{size_label(n)}: {len(v)}" for n, v in curve.items())
    scores = fewer_verdicts.arm_scores(results_dir, "drive", registration=registration)
    for (arm, n), arm_scores in scores.items():
        if arm == registration.baseline:
            continue
        label = registration.arm[arm].label
        s = saving_factor(arm_scores.to_numpy(float), n, curve, n_resamples)
        factor = s.factor
        rows.append(
            {
                "arm": label,
                "labelled patches": n,
                "seeds": len(arm_scores),
                "mean AUC": s.arm_auc,
                "CNN-equivalent": factor if isinstance(factor, str) else s.equivalent,
                "CNN seeds by size": curve_seeds,
                "saving": s.text(f"the {label}"),
            }
        )
    return pd.DataFrame(rows, columns=SAVING_COLUMNS)


def plot_fewer_efficiency(points: pd.DataFrame, title: str = "") -> Figure:
    """Mean test AUC against labelled patches (log x), one colour per arm with its 95% interval
    bars: this study's seeds as filled circles, the anchors' as open squares on the same line."""
    fig = Figure(figsize=(8.4, 5.2), layout="constrained")
    ax = fig.subplots()
    if not len(points):
        ax.text(0.5, 0.5, "no records yet", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    arms = list(dict.fromkeys(points["arm"]))
    for i, arm in enumerate(arms):
        g = points[points["arm"] == arm].sort_values("n_patches")
        shift = 1.03 ** (i - (len(arms) - 1) / 2)  # arms side by side at a size
        x, y = g["n_patches"].to_numpy(float) * shift, g["mean_auc"].to_numpy(float)
        c = ARM_COLOURS.get(arm, OTHER_COLOR)
        ax.plot(x, y, color=c, lw=1.4, label=g["label"].iloc[0])
        for source, marker, face in (("fewer", "o", c), ("anchor", "s", "none")):
            sel = (g["source"] == source).to_numpy()
            lo, hi = g["ci_low"].to_numpy(float)[sel], g["ci_high"].to_numpy(float)[sel]
            err = np.where(np.isfinite([y[sel] - lo, hi - y[sel]]), [y[sel] - lo, hi - y[sel]], 0)
            ax.errorbar(
                x[sel], y[sel], yerr=err, ls="", marker=marker, mfc=face, color=c, capsize=3
            )
    size_axis(ax, sorted({int(n) for n in points["n_patches"]}))
    ax.set_ylabel("mean test AUC (best-validation checkpoint)")
    ax.set_title(title or "filled: " + SOURCES["fewer"] + "; open: " + SOURCES["anchor"])
    fig.legend(loc="outside lower center", ncols=2, fontsize="small")
    return fig
