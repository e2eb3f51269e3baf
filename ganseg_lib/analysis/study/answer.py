"""The study's answer in plain language — "does adversarial learning reduce manual annotation
here, and why?" — written from the verdicts of :mod:`ganseg_lib.analysis.study.verdicts` and the
label-efficiency data, so that it says what the records show when the book is built (and "not
yet measured" where they show nothing)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from ganseg_lib.analysis.present.text import excluded_text, fmt, fmt_share, fmt_signed
from ganseg_lib.analysis.study.records import (
    N_SEEDS,
    STUDY_PROFILE,
    arm_label,
    arm_runs,
    arm_scores,
    compare_arms,
)
from ganseg_lib.analysis.study.verdicts import (
    EQUIVALENT,
    FADE_INTERVALS,
    INCONCLUSIVE,
    MARGIN,
    NOT_YET_RUN,
    REFUTED,
    SUPPORTED,
    Verdict,
    effect_text,
    onset_text,
    p_fake_text,
)
from ganseg_lib.experiment.study import SCARCE_SIZE, TUNING_SIZE
from ganseg_lib.paper import PAPER_RESULTS, size_label
from ganseg_lib.train.config import get_profile

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
    30K, and the replication's (``replication``: :func:`~ganseg_lib.analysis.study.records.
    replication_efficiency`) at the same sizes where it has them."""
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


def game_text(df: pd.DataFrame, method: str, protocol: str, n: int, variant: str = "") -> str:
    """An arm's game at the end of training, from its records: over the last intervals of its
    runs, fake detection, p(fake | labelled / validation real), the largest adversarial share,
    and when p(fake | labelled real) first reached 0.99."""
    runs = [r for r in arm_runs(df, method, protocol, n, variant).get("record", []) if r.ok]
    tail = [h for r in runs for h in (r.history or [])[-FADE_INTERVALS:]]
    if not tail:
        return f"{arm_label(method, protocol, variant)}: no run with a training history yet."
    detect = [h["fake_detect"] for h in tail if h.get("fake_detect") is not None]
    share = [h["adv_share"] for h in tail if h.get("adv_share") is not None]
    return (
        f"{arm_label(method, protocol, variant)} at {size_label(n)}, {len(runs)} runs, last "
        f"{FADE_INTERVALS} intervals: fake detection {fmt(min(detect), 3)}–{fmt(max(detect), 3)}"
        f"{p_fake_text(tail)}; adversarial share {max(share):.1e} at most"
        f"{onset_text([r.history or [] for r in runs])}."
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
        tails[key] = [
            h for r in runs.get("record", []) if r.ok for h in (r.history or [])[-FADE_INTERVALS:]
        ]
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
