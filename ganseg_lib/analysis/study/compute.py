"""The study's compute: runs planned per method (tuning and tiers), runs recorded, the hours per
run the records measured, and the plan's projected total at that rate."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ganseg_lib.analysis.study.records import N_SEEDS
from ganseg_lib.experiment.study import PLAN, TUNED, TUNING_GRID, TUNING_SIZE
from ganseg_lib.train.methods import METHODS

PRIOR_ESTIMATE_HOURS = 16.0  # tier 1, estimated before the first run
PRIOR_GAN_MINUTES = 13.0  # one GAN-CNN run on one thread beside another runner (benchmark)


def planned_runs(tiers: Sequence[int] = (1,), tuning: bool = True) -> Counter:
    """Runs per method in the tuning stage (unless ``tuning`` is false) and ``tiers`` of the plan
    (a tuned method's chosen tuning run is also its fair 15K seed-0 cell, so it is counted once;
    no arm of tier 2 is such a cell)."""
    count: Counter = Counter()
    for method in dict.fromkeys(TUNED.values()) if tuning else ():
        count[method] += len(TUNING_GRID)
    for arm in PLAN:
        if arm.tier not in tiers:
            continue
        for n in arm.sizes:
            count[arm.method] += N_SEEDS
            tuned = arm.method in TUNED.values() and not arm.variant
            if arm.protocol == "fair" and tuned and n == TUNING_SIZE:
                count[arm.method] -= 1
    return count


def runs_of_tiers(
    df: pd.DataFrame, tiers: Sequence[int] = (1,), tuning: bool = True
) -> pd.DataFrame:
    """The records of the tuning stage (unless ``tuning`` is false) and of the arms and sizes of
    ``tiers`` (a tier-2 run, e.g. an instance-norm one scored patch by patch, does not enter
    tier 1's rates)."""
    if not len(df):
        return df
    cells = {(a.method, a.protocol, a.variant, n) for a in PLAN if a.tier in tiers for n in a.sizes}
    keys = zip(df["method"], df["protocol"], df["variant"], df["n_patches"])
    keep = np.array([k in cells for k in keys], dtype=bool)
    if tuning:
        fair = (df["protocol"] == "fair") & (df["variant"] == "")
        keep |= (fair & (df["n_patches"] == TUNING_SIZE)).to_numpy()
    return df[keep]


def _run_hours(rec) -> float | None:
    t = rec.timing.get("train_seconds")
    if t is None:
        return None
    return (float(t) + float(rec.timing.get("eval_seconds") or 0.0)) / 3600


def compute_table(
    df: pd.DataFrame, tiers: Sequence[int] = (1,), tuning: bool = True
) -> pd.DataFrame:
    """Per method: runs planned (tuning unless ``tuning`` is false, and ``tiers``), runs
    recorded, the mean hours per run the records measured (training and evaluation, one thread
    each) and the projected total hours of the plan at that rate (blank until a method has a
    timed record)."""
    planned = planned_runs(tiers, tuning)
    df = runs_of_tiers(df, tiers, tuning)
    rows = []
    for method in planned:
        recs = list(df[df["method"] == method]["record"]) if len(df) else []
        hours = [h for h in (_run_hours(r) for r in recs) if h is not None]
        per_run = float(np.mean(hours)) if hours else math.nan
        rows.append(
            {
                "method": METHODS[method].label,
                "runs planned": planned[method],
                "runs recorded": len(recs),
                "hours recorded": float(sum(hours)),
                "minutes per run": per_run * 60,
                "projected hours": per_run * planned[method],
                "devices": "; ".join(sorted({r.device for r in recs})) or "–",
            }
        )
    return pd.DataFrame(rows)


def recorded_text(df: pd.DataFrame, tiers: Sequence[int] = (1,), tuning: bool = True) -> str:
    """'r of the p runs of tier t (and the tuning stage) recorded, f failed, h h of training and
    evaluation': how far the plan's ``tiers`` have run, from the records."""
    compute = compute_table(df, tiers, tuning)
    runs = runs_of_tiers(df, tiers, tuning)
    failed = int((runs["status"] != "ok").sum()) if len(runs) else 0
    what = "tier " + " and ".join(map(str, tiers)) + (" and the tuning stage" if tuning else "")
    return (
        f"{int(compute['runs recorded'].sum())} of the {int(compute['runs planned'].sum())} runs "
        f"of {what} recorded, {failed} failed, {float(compute['hours recorded'].sum()):.1f} h of "
        "training and evaluation"
    )
