"""Every checked generator of "Fewer labels" at a glance, beside the runs where the generator
passed: the check's two numbers (two-sample accuracy against real validation patches, diversity
ratio) of each run, the pass region shaded.

The rule is the training chapter's (:mod:`ganseg_lib.evaluate.generator_check`): diversity
ratio ≥ 0.5, two-sample accuracy ≤ 0.95 and vessels seen in the samples; a filled marker is a
run that passes all three. The runs are those of DRIVE: the replication's re-run with the
working generator (paper protocol, 15K and 30K labelled patches,
``results/generator/working.json``), the exploratory probes at 1K
(``results/generator/probes/probes.json``), the second registration's ``gan-passing`` runs and
the first registration's GAN arms, checked after the fact.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ganseg_lib.analysis.replication.generator import WORKING_FILE, as_run
from ganseg_lib.analysis.study.fewer_generators import (
    PROBES,
    checked_arms,
    checked_generators,
    probe_run,
)
from ganseg_lib.evaluate.generator_check import MAX_TWO_SAMPLE_ACCURACY, MIN_DIVERSITY_RATIO
from ganseg_lib.experiment import fewer_labels as plan
from ganseg_lib.experiment import fewer_labels_passing as passing

WORKING = "where it passed: re-run, paper protocol, 15K–30K"
PROBE = "probes: 1K, lr 2e-4 (exploratory)"
PASSING = "second registration: gan-passing, 1K"
# one marker per group; the first registration's arms follow in the plan's order
MARKERS = {WORKING: "o", PROBE: "D", PASSING: "s"}
FIRST_MARKERS = ("^", "v", "<", ">", "P", "X")


def _first_group(arm: str) -> str:
    return f"first registration: {arm} (after the fact)"


def check_points(results_dir: str | os.PathLike = "results") -> pd.DataFrame:
    """One row per checked generator on DRIVE: its group, cell, labelled patches, two-sample
    accuracy, diversity ratio and whether it passes the whole rule (look included)."""
    rows = []

    def add(group: str, cell: str, run) -> None:
        rows.append(
            {
                "group": group,
                "cell": cell,
                "labelled patches": run.n_patches,
                "two-sample accuracy": run.two_sample_accuracy,
                "diversity ratio": run.diversity_ratio,
                "passes": run.passes,
            }
        )

    generator = Path(results_dir) / "generator"
    for path, group in ((generator / WORKING_FILE, WORKING), (Path(results_dir) / PROBES, PROBE)):
        entries = json.loads(path.read_text()) if path.is_file() else {}
        for e in entries.values():
            if group == PROBE:
                run = probe_run(e, group)
            else:
                run = as_run(e["cell"], group, "library", e, e["config"]["iterations"])
            add(group, e["cell"], run)
    for cell, run in checked_generators(results_dir, "drive", passing.PROFILE).items():
        add(PASSING, cell, run)
    arms = checked_arms(results_dir, "drive", plan.PROFILE)
    for cell, run in checked_generators(results_dir, "drive", plan.PROFILE).items():
        add(_first_group(arms[cell]), cell, run)
    return pd.DataFrame(rows)


def plot_check_map(points: pd.DataFrame, title: str = "") -> Figure:
    """Two-sample accuracy (x) against diversity ratio (y) of every run in ``points``
    (:func:`check_points`), one marker per group, filled where the run passes; the pass region
    (accuracy ≤ 0.95, ratio ≥ 0.5) shaded."""
    fig = Figure(figsize=(8, 4.6), layout="constrained")
    ax = fig.add_subplot()
    low = min([0.85, *points["two-sample accuracy"]]) - 0.01 if len(points) else 0.84
    top = max([1.2, *points["diversity ratio"]]) + 0.05 if len(points) else 1.25
    width, height = MAX_TWO_SAMPLE_ACCURACY - low, top - MIN_DIVERSITY_RATIO
    ax.add_patch(Rectangle((low, MIN_DIVERSITY_RATIO), width, height, color="0.92", zorder=0))
    ax.axvline(MAX_TWO_SAMPLE_ACCURACY, color="0.4", lw=0.8, ls="--")
    ax.axhline(MIN_DIVERSITY_RATIO, color="0.4", lw=0.8, ls="--")
    ax.text(low + 0.003, top - 0.04, "pass region (and vessels seen)", va="top", fontsize=8)
    groups = list(dict.fromkeys(points["group"])) if len(points) else []
    markers = MARKERS | {_first_group(a.name): m for a, m in zip(plan.ARMS, FIRST_MARKERS)}
    order = [*MARKERS, *(g for g in groups if g not in MARKERS)]
    colours = {g: f"C{i}" for i, g in enumerate(order)}
    for group in (g for g in order if g in groups):
        df = points[points["group"] == group]
        for k, (passes, part) in enumerate(df.groupby("passes")):
            ax.scatter(
                part["two-sample accuracy"],
                part["diversity ratio"],
                marker=markers.get(group, "o"),
                facecolors=colours[group] if passes else "none",
                edgecolors=colours[group],
                label=f"{group}: {int(df['passes'].sum())} of {len(df)} pass" if k == 0 else None,
                zorder=3,
            )
    ax.set_xlim(low, 1.002)
    ax.set_ylim(0, top)
    ax.set_xlabel("two-sample accuracy (0.5: not told from real patches)")
    ax.set_ylabel("diversity ratio (generated / real)")
    if groups:
        fig.legend(loc="outside lower center", fontsize=7, ncols=2, title="filled: passes")
    if title:
        ax.set_title(title)
    return fig
