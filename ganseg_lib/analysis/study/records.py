"""The study "Beyond the paper" from its run records: the primary score of a run, the (lr, β1)
choice, a table per size, the label-efficiency data and the compute.

The records are ``results/study/drive/*.json`` (profile ``study``), the plan is
:mod:`ganseg_lib.experiment.study`, and the rules are fixed in
``studies/beyond-the-paper/hypotheses.md``:

* **primary score** (:func:`primary_score`): the mean AUC over the test images of the checkpoint
  with the best validation AUC under the *fair* protocol (``evaluation_best``), of the last
  checkpoint under the *paper* protocol (``evaluation``); a failed run has none (it counts as
  missing, and is listed);
* **arm**: a method under a protocol. A fair record belongs to its arm only when its (lr, β1)
  is the pair chosen on the validation images (:func:`ganseg_lib.experiment.study.chosen`); the
  other tuning runs inform the choice only;
* comparisons use Welch's test across the per-seed primary scores, with the paired test by seed
  beside it (:mod:`ganseg_lib.analysis.stats`).
"""

from __future__ import annotations

import math
import os

import pandas as pd

from ganseg_lib.analysis.present.text import fmt_ci, fmt_signed, missing
from ganseg_lib.analysis.stats import mean_ci, paired_test, welch_test
from ganseg_lib.evaluate.record import load_results
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.experiment.study import (
    PLAN,
    TUNED,
    TUNING_GRID,
    TUNING_SEED,
    TUNING_SIZE,
    chosen,
    study_config,
)
from ganseg_lib.train.config import get_profile, variant_suffix
from ganseg_lib.train.methods import METHODS

STUDY_PROFILE = "study"
STUDY_DATA = "drive"
N_SEEDS = len(get_profile(STUDY_PROFILE).seeds)  # the seeds each arm is planned with
BASELINE = ("cnn", "fair")  # every arm is compared with the fair CNN
# an arm: (method, protocol, variant), the variant "" unless the DC net differs (Arm.variant)
ARMS: tuple[tuple[str, str, str], ...] = tuple(
    dict.fromkeys((a.method, a.protocol, a.variant) for a in PLAN)
)
VARIANT_LABELS = {
    "-lcjoint": "joint L_c",
    "-norminstance": "instance norm",
    "-realnotfake": "real-data term",
}
STUDY_COLUMNS = (
    "protocol",
    "variant",
    "lr",
    "beta1",
    "in_arm",
    "score",
    "score_sampled",
    "score_last",
    "score_best",
    "best_iteration",
)


def arm_label(method: str, protocol: str, variant: str = "") -> str:
    """``GAN-CNN (fair)``, ``noise fakes (paper)``, ``CNN (fair, instance norm)``: an arm as the
    study's tables name it."""
    label = METHODS[method].label if method in METHODS else method
    extra = "".join(f", {VARIANT_LABELS.get(v, v)}" for v in _variant_parts(variant))
    return f"{label} ({protocol}{extra})"


def _variant_parts(variant: str) -> list[str]:
    return [f"-{v}" for v in variant.split("-") if v]


def record_variant(record) -> str:
    """The variant of a record's DC net (see :attr:`ganseg_lib.experiment.study.Arm.variant`)."""
    cfg = record.config
    return variant_suffix(cfg.classification, cfg.norm, cfg.real_not_fake)


def primary_score(record) -> float | None:
    """The pre-registered primary score: fair protocol, the best-validation checkpoint's mean
    test AUC (``evaluation_best``); paper protocol, the last checkpoint's (``evaluation``).
    None for a failed run, or a fair record without a best-validation evaluation."""
    evaluation = primary_evaluation(record)
    return None if evaluation is None else float(evaluation["mean_auc"])


def primary_evaluation(record) -> dict | None:
    """The evaluation the primary score reads (best-validation checkpoint under the fair
    protocol, last under the paper's); None for a failed run."""
    if not record.ok:
        return None
    return record.evaluation_best if record.config.protocol == "fair" else record.evaluation


def sampled_score(record) -> float | None:
    """The primary checkpoint's mean AUC on the fixed sample of test pixels
    (:mod:`ganseg_lib.evaluate.sampled`); None for records made before it was kept."""
    sampled = (primary_evaluation(record) or {}).get("sampled")
    return None if sampled is None else float(sampled["mean_auc"])


def study_setup(results_dir: str | os.PathLike = "results") -> Setup:
    """The study's profile on DRIVE with ``results_dir`` (no images are loaded)."""
    return Setup.resolve(STUDY_PROFILE, STUDY_DATA, results_dir=results_dir)


def chosen_pairs(results_dir: str | os.PathLike = "results") -> dict[str, tuple | None]:
    """Every method's (lr, β1) as :func:`ganseg_lib.experiment.study.chosen` fixes it from the
    tuning records (None while a tuning run of its tuned method is missing)."""
    setup = study_setup(results_dir)
    return {m: chosen(setup, m) for m in TUNED}


def load_study(results_dir: str | os.PathLike = "results") -> pd.DataFrame:
    """The study's records (``results_dir/study/drive``) as :func:`load_results` gives them, plus
    each run's protocol, lr, β1, primary score, last and best-validation scores, and ``in_arm``:
    whether it is a run of the plan (paper protocol; fair with the chosen pair)."""
    df = load_results(results_dir, profile=STUDY_PROFILE, data=STUDY_DATA)
    setup = study_setup(results_dir)
    pairs = chosen_pairs(results_dir) if len(df) else {}
    extra = []
    for rec in df["record"]:
        cfg = rec.config
        best = rec.evaluation_best if rec.ok else None
        variant = record_variant(rec)
        kind = {"classification": cfg.classification, "norm": cfg.norm}
        kind["real_not_fake"] = cfg.real_not_fake
        if (cfg.method, cfg.protocol, variant) not in ARMS:
            planned = None
        elif cfg.protocol == "paper":
            planned = study_config(setup, cfg.method, "paper", cfg.n_patches, cfg.seed, **kind)
        elif pairs.get(cfg.method) is not None:
            planned = study_config(
                setup, cfg.method, "fair", cfg.n_patches, cfg.seed, *pairs[cfg.method], **kind
            )
        else:
            planned = None
        extra.append(
            {
                "protocol": cfg.protocol,
                "variant": variant,
                "lr": cfg.lr,
                "beta1": cfg.betas[0],
                "in_arm": planned is not None and cfg == planned,
                "score": primary_score(rec),
                "score_sampled": sampled_score(rec),
                "score_last": rec.evaluation["mean_auc"] if rec.ok else None,
                "score_best": best["mean_auc"] if best else None,
                "best_iteration": best["iteration"] if best else None,
            }
        )
    out = pd.concat(
        [df.reset_index(drop=True), pd.DataFrame(extra, columns=list(STUDY_COLUMNS))], axis=1
    )
    for col in ("score", "score_sampled", "score_last", "score_best", "best_iteration"):
        out[col] = pd.to_numeric(out[col], errors="coerce")
    return out


def arm_runs(
    df: pd.DataFrame, method: str, protocol: str, n_patches: int, variant: str = ""
) -> pd.DataFrame:
    """The arm's runs at one size (failed ones included), ordered by seed."""
    if not len(df):
        return df
    sel = df[
        df["in_arm"]
        & (df["method"] == method)
        & (df["protocol"] == protocol)
        & (df["variant"] == variant)
        & (df["n_patches"] == n_patches)
    ]
    return sel.sort_values("seed")


def arm_scores(
    df: pd.DataFrame,
    method: str,
    protocol: str,
    n_patches: int,
    variant: str = "",
    column: str = "score",
) -> pd.Series:
    """The arm's per-seed primary scores at one size (index: seed); failed runs left out.
    ``column="score_sampled"``: the same checkpoint's score on the sampled test pixels."""
    runs = arm_runs(df, method, protocol, n_patches, variant)
    if not len(runs):
        return pd.Series(dtype=float)
    runs = runs[runs[column].notna()]
    return pd.Series(runs[column].to_numpy(float), index=runs["seed"].to_numpy(int))


def compare_arms(a: pd.Series, b: pd.Series):
    """(Welch across seeds, paired by seed) of two arms' per-seed scores a − b; a test is None
    when it lacks 2 values per group (or 2 common seeds)."""
    welch = welch_test(a, b) if len(a) >= 2 and len(b) >= 2 else None
    common = sorted(set(a.index) & set(b.index))
    paired = paired_test(a[common], b[common]) if len(common) >= 2 else None
    return welch, paired


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


def label_efficiency(df: pd.DataFrame) -> pd.DataFrame:
    """AUC against labelled patches: per arm and size, the mean primary score over seeds with
    its 95% t interval and the number of seeds (the replication's DC net only: the variants are
    single-size arms, and instance-norm ones are scored on other pixels)."""
    rows = []
    for method, protocol, _ in (a for a in ARMS if not a[2]):
        for n in sorted(
            {
                a
                for arm in PLAN
                if (arm.method, arm.protocol, arm.variant) == (method, protocol, "")
                for a in arm.sizes
            }
        ):
            scores = arm_scores(df, method, protocol, n)
            if not len(scores):
                continue
            mean, lo, hi = mean_ci(scores)
            rows.append(
                {
                    "source": "study",
                    "arm": arm_label(method, protocol),
                    "method": method,
                    "protocol": protocol,
                    "n_patches": n,
                    "seeds": len(scores),
                    "mean_auc": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                }
            )
    return pd.DataFrame(rows, columns=EFFICIENCY_COLUMNS)


EFFICIENCY_COLUMNS = [
    "source",
    "arm",
    "method",
    "protocol",
    "n_patches",
    "seeds",
    "mean_auc",
    "ci_low",
    "ci_high",
]


def replication_efficiency(cpu: pd.DataFrame) -> pd.DataFrame:
    """The replication's points (profile ``cpu``, paper protocol, last checkpoint) in the shape
    of :func:`label_efficiency`, from :func:`ganseg_lib.evaluate.record.load_results`."""
    rows = []
    ok = cpu[(cpu["status"] == "ok") & cpu["mean_auc"].notna()] if len(cpu) else cpu
    for (method, n), group in ok.groupby(["method", "n_patches"]) if len(ok) else []:
        mean, lo, hi = mean_ci(group["mean_auc"].to_numpy(float))
        rows.append(
            {
                "source": "replication",
                "arm": f"{METHODS[method].label} (replication)",
                "method": method,
                "protocol": "paper",
                "n_patches": int(n),
                "seeds": len(group),
                "mean_auc": mean,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    return pd.DataFrame(rows, columns=EFFICIENCY_COLUMNS)
