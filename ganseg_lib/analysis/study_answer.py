"""The study's answer in plain language — "does adversarial learning reduce manual annotation
here, and why?" — written from the verdicts of :mod:`ganseg_lib.analysis.study_verdicts` and the
label-efficiency data, so that it says what the records show when the book is built (and "not
yet measured" where they show nothing)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ganseg_lib.analysis.study import N_SEEDS, arm_scores, compare_arms
from ganseg_lib.analysis.study_verdicts import (
    EQUIVALENT,
    INCONCLUSIVE,
    NOT_YET_RUN,
    REFUTED,
    SUPPORTED,
    Verdict,
    effect_text,
)
from ganseg_lib.analysis.text import fmt, fmt_share, fmt_signed
from ganseg_lib.experiment.study import SCARCE_SIZE, TUNING_SIZE
from ganseg_lib.paper import size_label

# What each verdict means for the question, per hypothesis; {effect} is the verdict's effect.
SENTENCES: dict[str, dict[str, str]] = {
    "H1": {
        SUPPORTED: "**Yes, at 15K labelled patches, against a fair baseline**: with augmentation, "
        "a validation-chosen checkpoint and its own tuned learning rate and β1, the CNN is still "
        "beaten by GAN-CNN ({effect}).",
        REFUTED: "**No — against a fair baseline the CNN is the better segmenter at 15K** "
        "({effect}).",
        EQUIVALENT: "**No measurable gain against a fair baseline at 15K**: the difference lies "
        "within ±0.0075 AUC, half the smallest gain the paper calls significant ({effect}).",
        INCONCLUSIVE: "**Not settled yet at 15K**: the fair comparison neither shows a gain nor "
        "excludes one ({effect}).",
        NOT_YET_RUN: "**Not yet measured.** The fair-protocol GAN-CNN and CNN runs at 15K have "
        "no records yet, so whether the replication's GAN-CNN advantage survives a fair baseline "
        "is still open.",
    },
    "H4": {
        SUPPORTED: "The fair gain shrinks as labelled data grows ({effect}), as the paper says.",
        REFUTED: "The fair gain grows with labelled data ({effect}), against the paper's account.",
        INCONCLUSIVE: "Whether the fair gain shrinks from 15K to 150K is not settled ({effect}).",
        NOT_YET_RUN: "How the fair gain changes from 15K to 150K is not yet measured.",
    },
    "H2": {
        SUPPORTED: "Under the paper's protocol, {names} — fakes that carry no information about "
        "the data — recover at least half of GAN-CNN's gain ({which}): that much of the gain "
        "needs no trained generator, as a regulariser of the DC net would.",
        REFUTED: "Fakes that carry no information about the data do not recover a significant "
        "part of GAN-CNN's gain, and the trained generator beats them ({which}): the "
        "generator's fakes matter.",
        "mixed": "The two fake sources without information about the data disagree ({which}): "
        "{names} recovers at least half of GAN-CNN's gain, while the trained generator beats "
        "{others}.",
        "blocked": "Under the paper's protocol the GAN-CNN gain itself is not significant in "
        "these runs, so the rule cannot say whether fakes without information about the data "
        "recover it ({effect}).",
        INCONCLUSIVE: "Whether fakes without information about the data recover GAN-CNN's gain "
        "is not settled ({which}).",
        NOT_YET_RUN: "Whether fakes without information about the data (a frozen random "
        "generator, Gaussian noise) recover GAN-CNN's gain is not yet measured.",
    },
    "H5": {
        SUPPORTED: "The adversarial signal fades during training: {effect}; in the last "
        "intervals the DC net rejects (nearly) every fake and L_adv is under 1% of its loss.",
        REFUTED: "The adversarial signal does not fade by the registered rule: {effect}; at the "
        "end of most runs the DC net still misses some fakes, or L_adv is still 1% or more of "
        "its loss.",
        INCONCLUSIVE: "Whether the adversarial signal fades is not settled: {effect}.",
        NOT_YET_RUN: "Whether the adversarial signal fades by the end of training is not yet "
        "measured.",
    },
    "H3": {
        SUPPORTED: "The K+1 semi-supervised GAN, which adds unlabelled patches as the paper's "
        "future work proposes (and trains its generator by feature matching), beats GAN-CNN "
        "({effect}).",
        REFUTED: "The K+1 semi-supervised GAN, which adds unlabelled patches as the paper's "
        "future work proposes, scores below GAN-CNN ({effect}); it also trains its generator "
        "by feature matching, so this prices the whole method, not the unlabelled patches "
        "alone.",
        EQUIVALENT: "The K+1 semi-supervised GAN, which adds unlabelled patches as the paper's "
        "future work proposes, changes nothing measurable against GAN-CNN ({effect}).",
        INCONCLUSIVE: "Whether unlabelled patches add to GAN-CNN is not settled ({effect}).",
        NOT_YET_RUN: "Whether unlabelled patches (the paper's future work 1) add to GAN-CNN is "
        "not yet measured.",
    },
}


def _interim(v: Verdict) -> str:
    if v.complete or v.verdict == NOT_YET_RUN:
        return ""
    return f" *(Interim: {v.runs} of {N_SEEDS} seeds per arm so far.)*"


def _sentence(v: Verdict) -> str:
    return SENTENCES[v.id][v.verdict].format(effect=v.effect) + _interim(v)


H2_SOURCES = {"H2a": "the frozen random generator", "H2b": "Gaussian noise"}


def _h2_sentence(a: Verdict, b: Verdict) -> str:
    """One sentence for H2a and H2b, naming the fake source behind each label: supported where
    one is and the other is not refuted; *mixed* where one is supported and the other refuted;
    refuted where both are; *blocked* where the rule's precondition fails."""
    pair = (a, b)
    labels = {v.verdict for v in pair}
    sources = {v.verdict: H2_SOURCES[v.id] for v in pair}
    if all(v.blocked for v in pair):
        return SENTENCES["H2"]["blocked"].format(effect=a.effect)
    if labels == {SUPPORTED, REFUTED}:
        label = "mixed"
    elif SUPPORTED in labels:
        label = SUPPORTED
    elif labels == {REFUTED}:
        label = REFUTED
    elif labels == {NOT_YET_RUN}:
        label = NOT_YET_RUN
    else:
        label = INCONCLUSIVE
    names = " and ".join(H2_SOURCES[v.id] for v in pair if v.verdict == SUPPORTED)
    which = "; ".join(
        f"{H2_SOURCES[v.id]}: {v.verdict_text}, {fmt_share(v.estimate)} of the gain"
        for v in pair
        if v.verdict != NOT_YET_RUN
    )
    return SENTENCES["H2"][label].format(which=which, names=names, others=sources.get(REFUTED))


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


def study_answer(verdicts: Sequence[Verdict], efficiency: pd.DataFrame) -> str:
    """The answer as Markdown paragraphs: whether (H1, H4, the label-efficiency data), why
    (H2a/b, H5), and the unlabelled data of the paper's future work (H3)."""
    v = {x.id: x for x in verdicts}
    whether = " ".join(s for s in (_sentence(v["H1"]), _sentence(v["H4"])) if s)
    annotation = annotation_sentence(efficiency)
    if annotation:
        whether += " " + annotation
    why = f"{_h2_sentence(v['H2a'], v['H2b'])} {_sentence(v['H5'])}"
    protocol = protocol_sentence(efficiency)
    if protocol:
        why += " " + protocol
    done = sum(x.verdict != NOT_YET_RUN for x in verdicts)
    status = (
        f"{done} of {len(verdicts)} hypotheses have records behind them"
        + (
            "; interim verdicts may still change"
            if any(not x.complete and x.verdict != NOT_YET_RUN for x in verdicts)
            else ""
        )
        + "."
    )
    return "\n\n".join(
        [
            f"**Does adversarial learning reduce manual annotation here?** {whether}",
            f"**Why?** {why}",
            f"**Unlabelled data.** {_sentence(v['H3'])}",
            f"*Status: {status}*",
        ]
    )


# Tier 2's comparisons beside the answer: (what, arm a, arm b, size, score column); each reads
# a − b, an arm being (method, protocol, variant). The paper's normalisation is compared on the
# sampled test pixels, the only score its per-pixel net has (see normalisation_table).
TIER_TWO = (
    ("fair GAN-CNN − fair CNN", ("gan", "fair", ""), ("cnn", "fair", ""), SCARCE_SIZE, "score"),
    ("K+1 SSL GAN − fair CNN", ("ssgan", "fair", ""), ("cnn", "fair", ""), SCARCE_SIZE, "score"),
    (
        "class-conditional GAN − fair GAN-CNN",
        ("cgan", "fair", ""),
        ("gan", "fair", ""),
        TUNING_SIZE,
        "score",
    ),
    (
        "with the paper's normalisation, fair GAN-CNN − fair CNN (sampled test pixels)",
        ("gan", "fair", "-norminstance"),
        ("cnn", "fair", "-norminstance"),
        TUNING_SIZE,
        "score_sampled",
    ),
    (
        "with the joint reading of L_c, paper-protocol GAN-CNN − paper-protocol GAN-CNN as "
        "replicated",
        ("gan", "paper", "-lcjoint"),
        ("gan", "paper", ""),
        TUNING_SIZE,
        "score",
    ),
)


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


def tier_two_answer(df: pd.DataFrame) -> str:
    """Descriptive, not a registered test: tier 2's three main methods at 3K (a fifth of the
    paper's smallest size), the class-conditional generator (the paper's future work 2), the
    paper's normalisation and the joint reading of L_c at 15K — each as a difference with its
    CI."""
    parts = [
        f"{what}: {difference_text(df, a, b, n, column)} at {size_label(n)}"
        for what, a, b, n, column in TIER_TWO
    ]
    return (
        "**Tier 2 (exploratory, no registered hypothesis).** With fewer labels, class-specific "
        "fakes, the paper's normalisation and the joint L_c — " + "; ".join(parts) + "."
    )
