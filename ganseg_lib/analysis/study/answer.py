"""The study's answer in plain language — "does adversarial learning reduce manual annotation
here, and why?" — written from the verdicts of :mod:`ganseg_lib.analysis.study.verdicts` and the
label-efficiency data, so that it says what the records show when the book is built (and "not
yet measured" where they show nothing). The sentences around the verdicts (scope, exclusions,
descriptive comparisons) are in :mod:`ganseg_lib.analysis.study.context`."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ganseg_lib.analysis.present.text import fmt_share
from ganseg_lib.analysis.study.context import (
    annotation_sentence,
    difference_text,
    exclusion_sentence,
    fair_ablation_sentence,
    protocol_sentence,
    reference_effects,
    scope_sentence,
)
from ganseg_lib.analysis.study.records import N_SEEDS, STUDY_PROFILE
from ganseg_lib.analysis.study.verdicts import (
    EQUIVALENT,
    INCONCLUSIVE,
    NOT_YET_RUN,
    REFUTED,
    SUPPORTED,
    Verdict,
)
from ganseg_lib.experiment.study import SCARCE_SIZE, TUNING_SIZE
from ganseg_lib.paper import size_label
from ganseg_lib.train.profiles import get_profile

# What each verdict means for the question, per hypothesis; {effect} is the verdict's effect.
SENTENCES: dict[str, dict[str, str]] = {
    "H1": {
        SUPPORTED: "**Yes, at 15K labelled patches, against a fair baseline**: with augmentation, "
        "a validation-chosen checkpoint and its own tuned learning rate and β1, the CNN is still "
        "beaten by GAN-CNN ({effect}).",
        REFUTED: "**No — against a fair baseline the CNN is the better segmenter at 15K** "
        "({effect}).",
        EQUIVALENT: "**For this GAN-CNN, no measurable gain against a fair baseline at 15K**: "
        "the difference lies within ±0.0075 AUC, half the smallest gain the paper calls "
        "significant ({effect}).",
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
        REFUTED: "Under the paper's protocol, fakes that carry no information about the data do "
        "not recover a significant part of GAN-CNN's gain, and the trained generator beats them "
        "({which}): there, the generator's fakes matter.",
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
        SUPPORTED: "The adversarial signal fades during training: {effect}. In the last "
        "intervals the DC net calls every patch fake, the real ones included, so its fake "
        "detection of 1.0 does not mean that it tells fakes apart; L_adv is under 1% of its "
        "loss: from then on this GAN-CNN is trained by L_c alone. (H5 describes more than it "
        "predicts: the fading was visible in the replication's records before the study was "
        "registered.)",
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
        REFUTED: "The K+1 semi-supervised GAN as implemented here (L_unl with a generator "
        "trained by feature matching, tuned on lr and β1 only), which adds unlabelled patches "
        "as the paper's future work proposes, scores below GAN-CNN ({effect}). This is a "
        "finding about this implementation and its tuning, not about unlabelled data: it "
        "prices the whole method, and the method has not been shown to help on a problem "
        "where the answer is known.",
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


def study_answer(
    verdicts: Sequence[Verdict],
    efficiency: pd.DataFrame,
    df: pd.DataFrame | None = None,
    replication: pd.DataFrame | None = None,
) -> str:
    """The answer as Markdown paragraphs: whether (H1, H4, the label-efficiency data), why
    (H2a/b, H5), and the unlabelled data of the paper's future work (H3), each scoped to the
    implementation measured (``df``: the study records, for the scope and the fair-protocol
    ablations; ``replication``: the replication's efficiency rows, for what an equivalence
    verdict excludes)."""
    v = {x.id: x for x in verdicts}
    refs = reference_effects(efficiency, replication)
    whether = " ".join(
        s for s in (_sentence(v["H1"]), exclusion_sentence(v["H1"], refs), _sentence(v["H4"])) if s
    )
    caveat = trend_caveat(df)
    if caveat:
        whether += " " + caveat
    annotation = annotation_sentence(efficiency)
    if annotation:
        whether += " " + annotation
    why = f"{_h2_sentence(v['H2a'], v['H2b'])}"
    fair = fair_ablation_sentence(df) if df is not None and len(df) else ""
    if fair:
        why += " " + fair
    why += f" {_sentence(v['H5'])}"
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
    scope = scope_sentence(df) if df is not None and len(df) else ""
    return "\n\n".join(
        [
            f"**Does adversarial learning reduce manual annotation here?** {whether}",
            *([scope] if scope else []),
            f"**Why?** {why}",
            f"**Unlabelled data.** {_sentence(v['H3'])}",
            f"*Status: {status}*",
        ]
    )


def trend_caveat(df: pd.DataFrame | None, sizes: Sequence[int] | None = None) -> str:
    """Size trends under a fixed iteration budget are also trends in epochs and in learning-
    rate decays: the profile's numbers for the sizes measured ('' without records)."""
    if df is None or not len(df):
        return ""
    profile = get_profile(STUDY_PROFILE)
    sizes = sizes or sorted(int(n) for n in df["n_patches"].unique())
    return (
        "A change with size here is also a change in training length: at a fixed "
        f"{profile.iterations:,} iterations, {profile.epochs_text(sizes)}; "
        f"{profile.decay_text(sizes)}."
    )


# Tier 2's comparisons beside the answer: (what, arm a, arm b, size, score column); each reads
# a − b, an arm being (method, protocol, variant). The paper's normalisation is compared on the
# sampled test pixels, the only score its per-pixel net has (see
# ganseg_lib.analysis.study.tables.normalisation_table).
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
        "fakes, the paper's normalisation and the joint L_c — "
        + "; ".join(parts)
        + ". "
        + scarce_caveat()
    )


def scarce_caveat() -> str:
    """The 3K point trains as long as the others: a run there sees its labelled patches many
    more times, with more learning-rate decays (the profile's numbers)."""
    profile = get_profile(STUDY_PROFILE)
    return (
        f"At {size_label(SCARCE_SIZE)} a run is also much longer in epochs "
        f"({profile.epochs_text((SCARCE_SIZE, TUNING_SIZE))}; "
        f"{profile.decay_text((SCARCE_SIZE, TUNING_SIZE))}), so the 3K difference is not a "
        "pure effect of fewer labels."
    )
