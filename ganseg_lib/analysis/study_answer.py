"""The study's answer in plain language — "does adversarial learning reduce manual annotation
here, and why?" — written from the verdicts of :mod:`ganseg_lib.analysis.study_verdicts` and the
label-efficiency data, so that it says what the records show when the book is built (and "not
yet measured" where they show nothing)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ganseg_lib.analysis.study import N_SEEDS
from ganseg_lib.analysis.study_verdicts import (
    EQUIVALENT,
    INCONCLUSIVE,
    NOT_YET_RUN,
    REFUTED,
    SUPPORTED,
    Verdict,
)
from ganseg_lib.analysis.text import fmt, fmt_share

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
        SUPPORTED: "Under the paper's protocol, fakes that carry no information about the data "
        "recover at least half of GAN-CNN's gain ({which}): the gain behaves like a regulariser "
        "of the DC net, not like something learnt from the data's distribution.",
        REFUTED: "Fakes that carry no information about the data do not recover GAN-CNN's gain, "
        "and the trained generator beats them ({which}): the generator's fakes matter.",
        INCONCLUSIVE: "Whether fakes without information about the data recover GAN-CNN's gain "
        "is not settled ({which}).",
        NOT_YET_RUN: "Whether fakes without information about the data (a frozen random "
        "generator, Gaussian noise) recover GAN-CNN's gain is not yet measured.",
    },
    "H5": {
        SUPPORTED: "The adversarial signal fades during training: {effect}, so the DC net "
        "rejects (nearly) every fake and L_adv is a negligible part of its loss by the end; "
        "whatever the generator gives, it gives early.",
        REFUTED: "The adversarial signal does not fade: {effect}; the generator keeps the DC "
        "net busy to the end of training.",
        INCONCLUSIVE: "Whether the adversarial signal fades is not settled: {effect}.",
        NOT_YET_RUN: "Whether the adversarial signal fades by the end of training is not yet "
        "measured.",
    },
    "H3": {
        SUPPORTED: "Unlabelled patches, as the paper's future work proposes, add to GAN-CNN "
        "({effect}).",
        REFUTED: "Unlabelled patches, as the paper's future work proposes, make GAN-CNN worse "
        "({effect}).",
        EQUIVALENT: "Unlabelled patches, as the paper's future work proposes, change nothing "
        "measurable ({effect}).",
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


def _h2_sentence(a: Verdict, b: Verdict) -> str:
    """One sentence for H2a and H2b: supported if either is, refuted if both are."""
    labels = {a.verdict, b.verdict}
    if SUPPORTED in labels:
        label = SUPPORTED
    elif labels == {REFUTED}:
        label = REFUTED
    elif labels == {NOT_YET_RUN}:
        label = NOT_YET_RUN
    else:
        label = INCONCLUSIVE
    which = "; ".join(
        f"{'frozen generator' if v.id == 'H2a' else 'noise'}: {v.verdict_text}, "
        f"{fmt_share(v.estimate)} of the gain"
        for v in (a, b)
        if v.verdict != NOT_YET_RUN
    )
    return SENTENCES["H2"][label].format(which=which)


def annotation_sentence(efficiency: pd.DataFrame) -> str:
    """Descriptive, not a pre-registered test: fair GAN-CNN at 15K beside the fair CNN at 15K
    and 30K — how much labelled data the CNN needs to reach GAN-CNN's level."""

    def level(method: str, n: int):
        sel = efficiency[
            (efficiency["method"] == method)
            & (efficiency["protocol"] == "fair")
            & (efficiency["n_patches"] == n)
        ]
        return None if sel.empty else sel.iloc[0]

    gan, cnn15, cnn30 = level("gan", 15_000), level("cnn", 15_000), level("cnn", 30_000)
    if gan is None or cnn30 is None:
        return ""
    seeds = int(gan["seeds"])
    text = (
        f"In annotation terms (descriptive, not one of the registered tests): the fair GAN-CNN "
        f"trained on 15K labelled patches reaches {fmt(gan['mean_auc'], 4)} ({seeds} "
        f"seed{'' if seeds == 1 else 's'}), the fair CNN {fmt(cnn30['mean_auc'], 4)} with twice "
        f"as many (30K)"
    )
    if cnn15 is not None:
        text += f" and {fmt(cnn15['mean_auc'], 4)} with the same 15K"
    verdict = "at least matches" if gan["mean_auc"] >= cnn30["mean_auc"] else "stays below"
    return text + f"; GAN-CNN at 15K {verdict} the CNN at 30K."


def study_answer(verdicts: Sequence[Verdict], efficiency: pd.DataFrame) -> str:
    """The answer as Markdown paragraphs: whether (H1, H4, the label-efficiency data), why
    (H2a/b, H5), and the unlabelled data of the paper's future work (H3)."""
    v = {x.id: x for x in verdicts}
    whether = " ".join(s for s in (_sentence(v["H1"]), _sentence(v["H4"])) if s)
    annotation = annotation_sentence(efficiency)
    if annotation:
        whether += " " + annotation
    why = f"{_h2_sentence(v['H2a'], v['H2b'])} {_sentence(v['H5'])}"
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
