"""The study "Beyond the paper" from its run records: its arms, the primary score of a run, the
(lr, β1) choice, and each arm's runs and per-seed scores.

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
  beside it (:func:`ganseg_lib.analysis.stats.compare_arms`).

The study's tables are built from these in :mod:`ganseg_lib.analysis.study.tables`, its
label-efficiency points in :mod:`ganseg_lib.analysis.study.efficiency`.
"""

from __future__ import annotations

import os

import pandas as pd

from ganseg_lib.evaluate.record import load_results
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.experiment.study import PLAN, TUNED, chosen, study_config
from ganseg_lib.train.config import variant_suffix
from ganseg_lib.train.methods import METHODS
from ganseg_lib.train.profiles import get_profile

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


def protocol_arms(results_dir: str | os.PathLike = "results") -> dict[str, tuple[str, str]]:
    """(GAN-CNN arm, CNN arm) per protocol, as the cross-dataset results name them: the paper's
    bare method names, and the fair protocol's arms at the (lr, β1) the study chose for each
    method on validation AUC (when it has chosen)."""
    methods = ("gan", "cnn")
    arms = {"paper": methods}
    pairs = chosen_pairs(results_dir)
    if all(pairs.get(m) for m in methods):
        arms["fair"] = tuple(f"{m}-fair-lr{pairs[m][0]:g}-b{pairs[m][1]:g}" for m in methods)
    return arms


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
