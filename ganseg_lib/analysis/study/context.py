"""The sentences around the study's verdicts: what the answer is about (its scope, the state of
the game it measured), what an *equivalent* verdict excludes, and the descriptive comparisons
beside the registered tests (what the fair protocol alone gives the CNN, the answer in annotation
terms, the fake-source ablations under the fair protocol). None of them is a registered test.
"""

from __future__ import annotations

import math

import pandas as pd

from ganseg_lib.analysis.present.text import excluded_text, fmt, fmt_signed
from ganseg_lib.analysis.stats import compare_arms
from ganseg_lib.analysis.study.game import FADE_INTERVALS, last_intervals
from ganseg_lib.analysis.study.records import arm_runs, arm_scores
from ganseg_lib.analysis.study.verdicts import EQUIVALENT, MARGIN, Verdict, effect_text
from ganseg_lib.experiment.study import TUNING_SIZE
from ganseg_lib.paper import PAPER_RESULTS, size_label


def _level(efficiency: pd.DataFrame, method: str, n: int, protocol: str = "fair"):
    """An arm's row of the label-efficiency table at one size, or None."""
    sel = efficiency[
        (efficiency["method"] == method)
        & (efficiency["protocol"] == protocol)
        & (efficiency["n_patches"] == n)
    ]
    return None if sel.empty else sel.iloc[0]


def _seeds(row) -> str:
    k = int(row["seeds"])
    return f"{k} seed{'' if k == 1 else 's'}"


def _mean(row) -> str:
    return f"{fmt(row['mean_auc'], 4)} ({_seeds(row)})"


def protocol_sentence(efficiency: pd.DataFrame) -> str:
    """Descriptive, not a pre-registered test: what the fair protocol alone gives the CNN at 15K,
    beside the GAN-CNN gain under the paper's protocol."""
    rows = {
        (m, p): _level(efficiency, m, 15_000, p) for m in ("cnn", "gan") for p in ("fair", "paper")
    }
    if any(r is None for r in rows.values()):
        return ""
    cnn_fair, cnn_paper = rows["cnn", "fair"], rows["cnn", "paper"]
    gan_fair, gan_paper = rows["gan", "fair"], rows["gan", "paper"]
    return (
        f"Beside the tests (descriptive): at 15K the fair protocol alone (augmentation, tuned "
        f"lr and β1, the best-validation checkpoint) takes the CNN from {_mean(cnn_paper)} to "
        f"{_mean(cnn_fair)}, "
        f"{fmt_signed(cnn_fair['mean_auc'] - cnn_paper['mean_auc'])}, while under the paper's "
        f"protocol the generator adds "
        f"{fmt_signed(gan_paper['mean_auc'] - cnn_paper['mean_auc'])} to the same CNN, and "
        f"GAN-CNN goes from {_mean(gan_paper)} to {_mean(gan_fair)} under the fair protocol."
    )


def annotation_sentence(efficiency: pd.DataFrame) -> str:
    """Descriptive, not a pre-registered test: fair GAN-CNN at 15K beside the fair CNN at 15K
    and 30K — how much labelled data the CNN needs to reach GAN-CNN's level."""
    gan = _level(efficiency, "gan", 15_000)
    cnn15, cnn30 = _level(efficiency, "cnn", 15_000), _level(efficiency, "cnn", 30_000)
    if gan is None or cnn30 is None:
        return ""
    text = (
        f"In annotation terms (descriptive, not one of the registered tests): the fair GAN-CNN "
        f"trained on 15K labelled patches reaches {_mean(gan)}, the fair CNN {_mean(cnn30)} "
        f"with twice as many (30K)"
    )
    if cnn15 is not None:
        text += f" and {_mean(cnn15)} with the same 15K"
    verdict = "at least matches" if gan["mean_auc"] >= cnn30["mean_auc"] else "stays below"
    return text + f"; by the means, GAN-CNN at 15K {verdict} the CNN at 30K."


def _gain(efficiency: pd.DataFrame, n: int, protocol: str) -> float | None:
    gan, cnn = _level(efficiency, "gan", n, protocol), _level(efficiency, "cnn", n, protocol)
    return None if gan is None or cnn is None else float(gan["mean_auc"] - cnn["mean_auc"])


def reference_effects(
    efficiency: pd.DataFrame, replication: pd.DataFrame | None = None
) -> dict[str, float]:
    """The effects an equivalence verdict is read against: the paper's GAN-CNN − CNN at 15K and
    30K, and the replication's (``replication``:
    :func:`~ganseg_lib.analysis.study.efficiency.replication_efficiency`) at the same sizes where
    it has them."""
    refs = {
        f"the paper's {size_label(n)} gain": PAPER_RESULTS[n]["gan"] - PAPER_RESULTS[n]["cnn"]
        for n in (15_000, 30_000)
    }
    for n in (15_000, 30_000):
        gain = None if replication is None else _gain(replication, n, "paper")
        if gain is not None:
            refs[f"the replication's {size_label(n)} gain"] = gain
    return refs


def exclusion_sentence(v: Verdict, refs: dict[str, float]) -> str:
    """For an *equivalent* verdict: which effect sizes its 95% CI excludes, and the margin's
    reach ('' for other verdicts)."""
    if v.verdict != EQUIVALENT or math.isnan(v.ci_low):
        return ""
    admitted = [f"{name} ({value:+.4f})" for name, value in refs.items() if abs(value) < MARGIN]
    return f"What this equivalence excludes: {excluded_text(v.ci_low, v.ci_high, refs)}" + (
        f"; the ±{MARGIN:g} margin itself would call {' and '.join(admitted)} equivalent "
        "to no effect."
        if admitted
        else "."
    )


def _arms_difference(df: pd.DataFrame, name: str, a, b, n: int) -> str:
    return f"{name} {difference_text(df, a, b, n)}"


def fair_ablation_sentence(df: pd.DataFrame) -> str:
    """Descriptive, beside H2 (paper protocol): the same fake sources under the fair protocol."""
    gan = ("gan", "fair", "")
    parts = [
        _arms_difference(df, f"GAN-CNN − {what}", gan, (m, "fair", ""), TUNING_SIZE)
        for m, what in (("noise", "noise fakes"), ("frozen", "frozen-G fakes"))
    ]
    if any(p.endswith("not yet run") for p in parts):
        return ""
    return (
        "Under the fair protocol the same comparisons do not separate (descriptive, not a "
        "registered test): " + "; ".join(parts) + " at 15K; so the fakes matter under the "
        "paper's protocol only."
    )


def scope_sentence(df: pd.DataFrame) -> str:
    """What the answer is about: the operationalisation measured, the state of its game at the
    end of training (p(fake | real)), the one live-game variant and the smallest size."""
    tails = {}
    for key, (method, protocol, variant) in {
        "gan": ("gan", "fair", ""),
        "joint": ("gan", "paper", "-lcjoint"),
    }.items():
        runs = arm_runs(df, method, protocol, TUNING_SIZE, variant)
        tails[key] = last_intervals(runs.get("record", []))
    if not tails["gan"]:
        return ""
    real = [h["p_fake_real"] for h in tails["gan"] if h.get("p_fake_real") is not None]
    text = (
        "**What this answer is about.** It measures one operationalisation of the paper's "
        "method: the GAN-CNN with L_c read over the K real classes (the replication's reading "
        "of the slide), whose DC net ends up calling every patch fake, the real ones included "
        f"(fair protocol at 15K, last {FADE_INTERVALS} intervals: p(fake | labelled real) "
        f"{fmt(min(real), 3)}–{fmt(max(real), 3)}), so that its game ends early and it is "
        "trained by L_c alone from then on."
    )
    if tails["joint"]:
        share = [h["adv_share"] for h in tails["joint"] if h.get("adv_share") is not None]
        joint = [h["p_fake_real"] for h in tails["joint"] if h.get("p_fake_real") is not None]
        text += (
            " The one variant whose game stays live, the joint reading of L_c (p(fake | "
            f"labelled real) {fmt(min(joint), 2)}–{fmt(max(joint), 2)}, adversarial share up to "
            f"{fmt(max(share), 2)} in its last intervals), ran untuned under the paper's "
            "protocol and scores below the CNN: "
            + _arms_difference(
                df,
                "joint-L_c GAN-CNN − CNN (paper protocol)",
                ("gan", "paper", "-lcjoint"),
                ("cnn", "paper", ""),
                TUNING_SIZE,
            )
            + "; against the fair CNN "
            + difference_text(df, ("gan", "paper", "-lcjoint"), ("cnn", "fair", ""), TUNING_SIZE)
            + "."
        )
    sizes = sorted(int(n) for n in df["n_patches"].unique()) if len(df) else []
    if sizes:
        text += (
            f" Every run has {sizes[0]:,} labelled patches or more: where labels are scarce, "
            "the question is not yet measured."
        )
    return text


def difference_text(
    df: pd.DataFrame,
    a: tuple[str, str, str],
    b: tuple[str, str, str],
    n: int,
    column: str = "score",
) -> str:
    """'a − b' at ``n`` labelled patches from the records (arms as (method, protocol,
    variant)): the difference of the per-seed means, with the 95% CI and p of Welch's test
    where each arm has 2 seeds, and the seeds behind it; "not yet run" where an arm has none."""
    sa, sb = (arm_scores(df, *arm[:2], n, arm[2], column) for arm in (a, b))
    if not len(sa) or not len(sb):
        return "not yet run"
    welch, _ = compare_arms(sa, sb)
    difference = effect_text("", sa.mean() - sb.mean(), welch).strip()
    return f"{difference} ({len(sa)} and {len(sb)} seeds)"
