"""Where the study "Fewer labels" stands: its records against its plan, arm by arm.

The plan is :mod:`ganseg_lib.experiment.fewer_labels` (tuning at 1K, seeds 0–1; DRIVE at 300,
1K and 3K, seeds 100–107; CHASE_DB1 at 1K, seeds 100–104). A record belongs to an arm when its
method, protocol and the arm's fixed fields match and its remaining tuned fields are one
candidate of the arm's grid (:func:`arm_of`); a record counts for its stage by its seeds and
data. Until every cell has its record no verdict is computed: the page shows this table.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ganseg_lib.experiment import fewer_labels as plan
from ganseg_lib.experiment.fewer_labels import arm_of, stage_of
from ganseg_lib.train.config import TrainConfig


def _planned(arm: plan.Arm) -> dict[str, int]:
    """The runs the plan gives ``arm`` per stage."""
    out = {"tuning": len(arm.grid) * len(plan.TUNING_SEEDS)} if arm.grid else {}
    out |= {f"DRIVE {n:,}": len(plan.SEEDS) for n in plan.SIZES if n in arm.sizes}
    if arm.chase:
        out[f"CHASE_DB1 {plan.CHASE_SIZE:,}"] = len(plan.CHASE_SEEDS)
    return out


def _recorded(results_dir, arms, profile) -> tuple[dict, dict, dict]:
    """Per (arm, stage) the records so far, per arm its failed runs, and per (arm, data source)
    the wall seconds (training and evaluation) of its timed runs."""
    from ganseg_lib.evaluate.record import load_results

    counts: dict[tuple[str, str], int] = {}
    failed: dict[str, int] = {}
    seconds: dict[tuple[str, str], list[float]] = {}
    for data in ("drive", "chase"):
        folder = Path(results_dir) / profile / data
        df = load_results(results_dir, profile=profile, data=data) if folder.is_dir() else []
        for record in df["record"] if len(df) else []:
            arm, stage = arm_of(record.config, arms), stage_of(record.config, data)
            if arm is None or stage is None:
                continue
            counts[arm.name, stage] = counts.get((arm.name, stage), 0) + 1
            failed[arm.name] = failed.get(arm.name, 0) + (not record.ok)
            timing = record.timing or {}
            if record.ok and "train_seconds" in timing:
                wall = timing["train_seconds"] + timing.get("eval_seconds", 0.0)
                seconds.setdefault((arm.name, data), []).append(wall)
    return counts, failed, seconds


def progress_table(
    results_dir: str | os.PathLike = "results",
    arms: tuple[plan.Arm, ...] | None = None,
    profile: str = plan.PROFILE,
) -> pd.DataFrame:
    """One row per arm: its tuning records (of its grid × the tuning seeds), its DRIVE records
    per size (of the study's seeds) and its CHASE_DB1 records (of the CHASE_DB1 seeds), each as
    ``recorded / planned``; failed runs count as recorded and are listed apart. ``arms`` and
    ``profile``: another registration's (default: the first)."""
    arms = plan.ARMS if arms is None else arms
    counts, failed, _ = _recorded(results_dir, arms, profile)
    stages = ["tuning", *(f"DRIVE {n:,}" for n in plan.SIZES), f"CHASE_DB1 {plan.CHASE_SIZE:,}"]
    rows = []
    for arm in arms:
        planned = _planned(arm)
        row = {"arm": arm.name, "what": arm.label}
        for stage in stages:
            done = counts.get((arm.name, stage), 0)
            row[stage] = f"{done} / {planned[stage]}" if stage in planned else "—"
        row["failed"] = failed.get(arm.name, 0)
        rows.append(row)
    return pd.DataFrame(rows)


def compute_left(
    results_dir: str | os.PathLike = "results",
    arms: tuple[plan.Arm, ...] | None = None,
    profile: str = plan.PROFILE,
) -> tuple[float, int, list[str]]:
    """What the plan still needs: (hours of one CPU thread, missing runs, arms with missing runs
    and none timed yet). Each missing tuning run and cell counts at the mean wall time (training
    and evaluation) of its arm's runs so far on the same data source, or on the other where it
    has none there (CHASE_DB1's eight test images take less to evaluate than DRIVE's twenty);
    they ran on one thread of whatever CPU ran them. An arm without a timed run adds no hours
    and is named: the hours are then a lower bound."""
    arms = plan.ARMS if arms is None else arms
    counts, _, seconds = _recorded(results_dir, arms, profile)
    hours, missing, untimed = 0.0, 0, []
    for arm in arms:
        timed = [t for (name, _), ts in seconds.items() if name == arm.name for t in ts]
        for stage, planned in _planned(arm).items():
            left = max(0, planned - counts.get((arm.name, stage), 0))
            data = "chase" if stage.startswith("CHASE") else "drive"
            same = seconds.get((arm.name, data)) or timed
            missing += left
            hours += left * float(np.mean(same)) / 3600 if left and same else 0.0
            if left and not same and arm.name not in untimed:
                untimed.append(arm.name)
    return hours, missing, untimed


# a tuning run's diagnostics at its last logged iteration: (column, history key)
DIAGNOSTICS = (
    ("p(fake | labelled)", "p_fake_real"),
    ("p(fake | unlabelled)", "p_fake_unl"),
    ("p(fake | validation)", "p_fake_val"),
    ("fake detection", "fake_detect"),
    ("adversarial share", "adv_share"),
)


def _candidate_text(arm: plan.Arm, config: TrainConfig) -> str:
    """The tuned fields of a run, e.g. 'lr 1e-04, β1 0.5, adv_weight 0.5'."""
    parts = []
    for key in dict.fromkeys(k for c in arm.grid for k in c):
        value = getattr(config, key)
        if key == "betas":
            parts.append(f"β1 {value[0]}")
        else:
            parts.append(f"{key} {value:g}" if isinstance(value, float | int) else f"{key} {value}")
    return ", ".join(parts)


def tuning_table(
    results_dir: str | os.PathLike = "results",
    arms: tuple[plan.Arm, ...] | None = None,
    profile: str = plan.PROFILE,
) -> pd.DataFrame:
    """One row per tuning record on DRIVE (1K, seeds 0–1): its arm, its candidate, seed, best
    validation AUC (the choice's criterion) and its diagnostics at the last logged iteration
    (:data:`DIAGNOSTICS`; blank where the method has none); ``chosen`` marks the candidate each
    fully tuned arm keeps. ``arms`` and ``profile``: another registration's."""
    from ganseg_lib.experiment.setup import Setup
    from ganseg_lib.train.profiles import get_profile

    arms = plan.ARMS if arms is None else arms
    setup = Setup(get_profile(profile), "drive", "drive", results_dir=Path(results_dir))
    choices: dict[str, dict | None] = {}
    rows = []
    for arm, record, _ in tuning_records(results_dir, arms, profile):
        cfg = record.config
        if arm.name not in choices:
            choices[arm.name] = plan.chosen(setup, arm)
        choice = choices[arm.name]
        last = (record.history or [{}])[-1]
        row = {
            "arm": arm.name,
            "candidate": _candidate_text(arm, cfg),
            "seed": cfg.seed,
            "best val AUC": record.training.get("best_val_auc") if record.ok else None,
            "chosen": choice is not None
            and cfg == plan.arm_config(setup, arm, cfg.n_patches, cfg.seed, choice),
        }
        row |= {column: last.get(key) for column, key in DIAGNOSTICS}
        rows.append(row)
    order = {a.name: i for i, a in enumerate(arms)}
    columns = ["arm", "candidate", "seed", "best val AUC", "chosen", *(c for c, _ in DIAGNOSTICS)]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(
        ["arm", "candidate", "seed"], key=lambda c: c.map(order) if c.name == "arm" else c
    )


def tuning_records(
    results_dir: str | os.PathLike = "results",
    arms: tuple[plan.Arm, ...] | None = None,
    profile: str = plan.PROFILE,
):
    """(arm, record, path) of every tuning record on DRIVE (a tuned arm at 1K, seeds 0–1);
    ``arms`` and ``profile``: another registration's."""
    from ganseg_lib.evaluate.record import load_results

    folder = Path(results_dir) / profile / "drive"
    df = load_results(results_dir, profile=profile, data="drive") if folder.is_dir() else []
    for record, path in zip(df["record"], df["path"]) if len(df) else []:
        cfg = record.config
        arm = arm_of(cfg, arms)
        if arm is None or not arm.grid or cfg.seed not in plan.TUNING_SEEDS:
            continue
        if cfg.n_patches == plan.TUNING_SIZE:
            yield arm, record, Path(path)


def tuning_samples(
    results_dir: str | os.PathLike = "results",
    arms: tuple[plan.Arm, ...] | None = None,
    profile: str = plan.PROFILE,
) -> dict[str, np.ndarray]:
    """Per adversarial arm, the final row of 8 samples of each of its tuning runs' kept montage
    (``<cell>.samples.png``: one row per logged stage of training, the last at its end), in the
    order of the records; uint8 (8·runs, 64, 64). ``arms``, ``profile``: another
    registration's."""
    from ganseg_lib.analysis.present.samples import read_samples
    from ganseg_lib.evaluate.record import samples_path

    out: dict[str, list[np.ndarray]] = {}
    for arm, _, path in tuning_records(results_dir, arms, profile):
        montage = samples_path(path)
        if montage.is_file():
            out.setdefault(arm.name, []).append(read_samples(montage)[-8:])
    return {arm: np.concatenate(rows) for arm, rows in out.items()}
