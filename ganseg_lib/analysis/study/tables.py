"""The study's tables: every arm at one size against the fair CNN, the price of the replication's
normalisation, and the (lr, β1) choice of the tuning stage.

Each takes the records of :func:`ganseg_lib.analysis.study.records.load_study` (or the results
folder) and returns a DataFrame; the study chapter only displays them.
"""

from __future__ import annotations

import math
import os

import pandas as pd

from ganseg_lib.analysis.present.text import fmt_ci, fmt_signed, missing
from ganseg_lib.analysis.stats import compare_arms
from ganseg_lib.analysis.study.records import (
    ARMS,
    BASELINE,
    arm_label,
    arm_runs,
    arm_scores,
    study_setup,
)
from ganseg_lib.experiment.study import (
    TUNED,
    TUNING_GRID,
    TUNING_SEED,
    TUNING_SIZE,
    chosen,
    study_config,
)
from ganseg_lib.train.methods import METHODS


def _mean_sd(x: pd.Series) -> str:
    if not len(x):
        return "no runs"
    sd = f" ± {x.std(ddof=1):.4f}" if len(x) > 1 else ""
    return f"{x.mean():.4f}{sd} ({len(x)})"


def size_table(df: pd.DataFrame, n_patches: int) -> pd.DataFrame:
    """Every arm recorded at one size: primary score mean ± sd over seeds (n), the difference to
    the fair CNN with its 95% CI (Welch across seeds), Welch's and the paired-by-seed p, and the
    last and best-validation checkpoints' mean test AUC side by side."""
    rows = []
    for method, protocol, variant in ARMS:
        runs = arm_runs(df, method, protocol, n_patches, variant)
        if not len(runs):
            continue
        # an instance-norm arm is scored on the sampled pixels, so its baseline is too
        column = "score_sampled" if "norm" in variant else "score"
        base = arm_scores(df, *BASELINE, n_patches, column=column)
        scores = arm_scores(df, method, protocol, n_patches, variant, column)
        welch, paired = (
            (None, None)
            if (method, protocol, variant) == (*BASELINE, "")
            else compare_arms(scores, base)
        )
        diff = scores.mean() - base.mean() if len(scores) and len(base) else math.nan
        if (method, protocol, variant) == (*BASELINE, ""):
            diff_text = "(baseline)"
        else:
            ci = fmt_ci(welch.ci_low, welch.ci_high) if welch else ""
            diff_text = f"{fmt_signed(diff)} {ci}".strip() if not missing(diff) else "–"
        ok = runs[runs["status"] == "ok"]
        rows.append(
            {
                "arm": arm_label(method, protocol, variant),
                "primary score": ("best-validation" if protocol == "fair" else "last")
                + (", sampled pixels" if column == "score_sampled" else ""),
                "mean AUC ± sd (seeds)": _mean_sd(scores),
                "failed": int((runs["status"] != "ok").sum()),
                "− fair CNN [95% CI]": diff_text,
                "Welch p": welch.p_value if welch else math.nan,
                "paired p (seeds)": paired.p_value if paired else math.nan,
                "last checkpoint": float(ok["score_last"].mean()) if len(ok) else math.nan,
                "best-val checkpoint": float(ok["score_best"].mean()) if len(ok) else math.nan,
                "best-val iteration": float(ok["best_iteration"].mean()) if len(ok) else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=SIZE_COLUMNS)


SIZE_COLUMNS = [
    "arm",
    "primary score",
    "mean AUC ± sd (seeds)",
    "failed",
    "− fair CNN [95% CI]",
    "Welch p",
    "paired p (seeds)",
    "last checkpoint",
    "best-val checkpoint",
    "best-val iteration",
]


def normalisation_table(df: pd.DataFrame, n_patches: int = TUNING_SIZE) -> pd.DataFrame:
    """The price of our one architectural deviation: per method, the fair arm with the
    replication's DC net (one final instance norm) beside the one with the paper's (instance
    norm after every convolution), both scored on the same sampled test pixels."""
    rows = []
    for method in ("gan", "cnn"):
        final, inst = (
            arm_scores(df, method, "fair", n_patches, v, "score_sampled")
            for v in ("", "-norminstance")
        )
        welch, paired = compare_arms(inst, final)
        diff = inst.mean() - final.mean() if len(inst) and len(final) else math.nan
        ci = fmt_ci(welch.ci_low, welch.ci_high) if welch else ""
        rows.append(
            {
                "method": METHODS[method].label,
                "final norm (ours)": _mean_sd(final),
                "instance norm (paper)": _mean_sd(inst),
                "instance − final [95% CI]": f"{fmt_signed(diff)} {ci}".strip()
                if not missing(diff)
                else "–",
                "Welch p": welch.p_value if welch else math.nan,
                "paired p (seeds)": paired.p_value if paired else math.nan,
            }
        )
    return pd.DataFrame(rows)


def study_sizes(df: pd.DataFrame) -> list[int]:
    """The sizes with at least one run of an arm, largest first (as the paper's table)."""
    return sorted({int(n) for n in df[df["in_arm"]]["n_patches"]}, reverse=True) if len(df) else []


def choice_table(results_dir: str | os.PathLike = "results") -> pd.DataFrame:
    """The (lr, β1) choice: per tuned method and pair of :data:`TUNING_GRID`, the tuning run's
    best validation AUC (fair protocol, 15K, seed 0) and its iteration, which pair is chosen
    (the highest; ties to the earlier pair; a failed run is never chosen), and, on the method's
    first row, the arms that use its choice."""
    setup = study_setup(results_dir)
    from ganseg_lib.evaluate.record import read_record  # records are read one by one here

    rows = []
    for method in dict.fromkeys(TUNED.values()):
        pair = chosen(setup, method)
        users = ", ".join(METHODS[m].label for m, t in TUNED.items() if t == method)
        for i, (lr, b1) in enumerate(TUNING_GRID):
            config = study_config(setup, method, "fair", TUNING_SIZE, TUNING_SEED, lr, b1)
            path = setup.record_path(config)
            rec = read_record(path) if path.is_file() else None
            if rec is not None and rec.config != config:
                rec = None
            best = rec.training.get("best_val_auc") if rec is not None and rec.ok else None
            hist = (rec.history or []) if rec is not None else []
            at = [h["iteration"] for h in hist if best is not None and h.get("val_auc") == best]
            rows.append(
                {
                    "method": METHODS[method].label,
                    "lr": f"{lr:g}",  # as written in TUNING_GRID, not to the table's digits
                    "β1": f"{b1:g}",
                    "status": rec.status if rec is not None else "not yet run",
                    "best validation AUC": math.nan if best is None else float(best),
                    "at iteration": at[0] if at else math.nan,
                    "chosen": ("pending" if pair is None else ("yes" if pair == (lr, b1) else "")),
                    "used by": users if i == 0 else "",  # once per method: rows stay short
                }
            )
    return pd.DataFrame(rows)
