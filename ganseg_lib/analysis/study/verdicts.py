"""The verdicts of the study's pre-registered hypotheses H1–H5, each by the rule fixed in
``studies/beyond-the-paper/hypotheses.md`` before the first run, with Holm-adjusted p-values.

* **H1** (fair GAN-CNN − fair CNN at 15K) and **H3** (fair K+1 SSL GAN − fair GAN-CNN at 15K) —
  :func:`difference_verdict`: *supported* when the difference > 0 with Welch p < 0.05,
  *refuted* when < 0 with p < 0.05, *equivalent* when neither and the TOST p (margin ±0.0075)
  < 0.05, else *inconclusive*.
* **H2a / H2b** (frozen-generator / noise fakes, paper protocol at 15K) —
  :func:`ablation_verdict`: needs GAN-CNN − CNN > 0 with p < 0.05 (else *inconclusive*);
  *supported* when ablation − CNN > 0 with p < 0.05 and the share (ablation − CNN) / (GAN-CNN −
  CNN) ≥ 0.5; *refuted* when ablation − CNN is not significantly > 0 and GAN-CNN − ablation > 0
  with p < 0.05; else *inconclusive*.
* **H4** (the fair gain shrinks from 15K to 150K) — :func:`contrast_verdict` on (gan − cnn at
  15K) − (gan − cnn at 150K), a Welch–Satterthwaite contrast of four groups.
* **H5** (the adversarial signal fades, paper-protocol GAN-CNN at 15K) — :func:`fading_verdict`:
  a run *fades* when fake detection ≥ 0.99 and the L_adv share of the DC loss < 0.01 in each of
  its last 5 history intervals (:func:`ganseg_lib.analysis.study.game.fades`); *supported* when
  at least 4 of the 5 runs fade, *refuted* when at most 1 does, else *inconclusive*.

A hypothesis whose runs have no record is *not yet run*; one with fewer than the planned seeds
is judged on the seeds it has and marked *interim* (its label may still change). A failed run
counts as missing, and the verdict says how many failed. Where the paper has a number (the 15K
difference for H1 and H2's gain, the 15K − 150K contrast for H4), the effect gives ours as a
share of it. The p-value beside a verdict is that of the test that decides it (for the
compound H2 rule the largest p of the tests its verdict needs, an intersection–union test);
:func:`holm` adjusts the five tested p-values (H1, H2a, H2b, H3, H4; H5 is a count, untested).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd
from scipy import stats

from ganseg_lib.analysis.present.text import fmt, fmt_ci, fmt_p, fmt_share, fmt_signed
from ganseg_lib.analysis.replication.rules import equivalence_margin
from ganseg_lib.analysis.stats import SIGNIFICANCE, contrast_test, holm, tost, welch_test
from ganseg_lib.analysis.study.game import (
    FADE_INTERVALS,
    fades,
    last_intervals,
    onset_text,
    p_fake_text,
)
from ganseg_lib.analysis.study.records import N_SEEDS, arm_label, arm_runs, arm_scores
from ganseg_lib.paper import PAPER_RESULTS, size_label

SUPPORTED, REFUTED, EQUIVALENT = "supported", "refuted", "equivalent"
INCONCLUSIVE, NOT_YET_RUN = "inconclusive", "not yet run"
LABELS = (SUPPORTED, REFUTED, EQUIVALENT, INCONCLUSIVE, NOT_YET_RUN)
MARGIN = equivalence_margin()  # ±0.0075, as in the replication report
SHARE = 0.5  # H2: the share of the GAN-CNN gain an ablation must recover
FADE_SUPPORT, FADE_REFUTE = 4, 1  # H5: at least 4 of 5 runs fade; at most 1
SMALL, LARGE = 15_000, 150_000
TESTED = ("H1", "H2a", "H2b", "H3", "H4")  # the Holm family
PAPER_GAIN = {n: PAPER_RESULTS[n]["gan"] - PAPER_RESULTS[n]["cnn"] for n in (SMALL, LARGE)}
PAPER_CONTRAST = PAPER_GAIN[SMALL] - PAPER_GAIN[LARGE]  # H4's contrast in the paper: +0.013
CLAIMS = {
    "H1": "Against a fair baseline, GAN-CNN still beats the CNN at 15K.",
    "H2a": "Fakes of a frozen random generator recover most of the paper-protocol gain.",
    "H2b": "Noise fakes (the patches' mean and sd) recover most of the paper-protocol gain.",
    "H3": "Unlabelled data (K+1 SSL GAN) adds to GAN-CNN at 15K (fair protocol).",
    "H4": "The fair GAN-CNN gain over the CNN shrinks from 15K to 150K.",
    "H5": "By the end of a paper-protocol GAN-CNN run the adversarial signal has faded.",
}


@dataclass(frozen=True)
class Verdict:
    """One hypothesis' verdict: the label, the effect with its CI as text, and the p-value of
    the test that decided it (NaN when untested); ``complete`` when every planned seed is in."""

    id: str
    claim: str
    verdict: str
    effect: str
    estimate: float = math.nan
    ci_low: float = math.nan  # the 95% CI of ``estimate``; NaN where none is computed (H2's
    ci_high: float = math.nan  # share: the effect text gives the CIs of its two differences)
    p_value: float = math.nan
    complete: bool = False
    runs: str = ""  # seeds per group, "5 and 5"
    holm_p: float = math.nan
    failed: int = 0  # failed runs among the verdict's groups (they count as missing)
    blocked: bool = False  # H2: the rule's precondition (a significant GAN-CNN gain) fails
    planned: int = N_SEEDS  # the seeds planned per arm

    @property
    def verdict_text(self) -> str:
        """The label, with "interim" while seeds are missing, and the number of failed runs."""
        failed = f"; {self.failed} failed" if self.failed else ""
        if self.verdict == NOT_YET_RUN or (self.complete and not failed):
            return self.verdict
        interim = "" if self.complete else "interim: "
        return f"{self.verdict} ({interim}{self.runs} of {self.planned} seeds per arm{failed})"


def _runs_text(*groups: pd.Series) -> str:
    """Seeds per group, in the order of the test's groups: "3 and 3", "5, 5, 2 and 2"."""
    counts = [str(len(g)) for g in groups]
    return counts[0] if len(counts) == 1 else f"{', '.join(counts[:-1])} and {counts[-1]}"


def _complete(df: pd.DataFrame, groups: Sequence[tuple[str, str, int]]) -> bool:
    """Every planned seed of every group is recorded (ok or failed)."""
    return all(len(arm_runs(df, m, p, n)) >= N_SEEDS for m, p, n in groups)


def _failed(df: pd.DataFrame, groups: Sequence[tuple[str, str, int]]) -> int:
    """How many recorded runs of the groups failed (they have no score)."""
    return sum(
        len(arm_runs(df, m, p, n)) - len(arm_scores(df, m, p, n))
        for m, p, n in dict.fromkeys(groups)
    )


def _of_paper(
    diff: float, paper: float | None, low: float = math.nan, high: float = math.nan
) -> str:
    """' (56% of the paper's +0.015)'; '' where the paper has no number. With our 95% CI
    [``low``, ``high``], it also says when the paper's value lies outside it."""
    if paper is None:
        return ""
    outside = not (math.isnan(low) or math.isnan(high)) and not low <= paper <= high
    where = "; the paper's value lies outside our 95% CI" if outside else ""
    return f" ({fmt_share(diff / paper)} of the paper's {fmt_signed(paper, 3)}{where})"


def effect_text(name: str, diff: float, test, paper: float | None = None) -> str:
    """'name +0.0011 [-0.0035, +0.0058], Welch p = 0.57' (the test's CI and p where there is a
    test), set against the paper's value where it has one."""
    text = f"{name} {fmt_signed(diff)}"
    if test is None:
        return text + _of_paper(diff, paper)
    text += f" {fmt_ci(test.ci_low, test.ci_high)}, Welch p = {fmt_p(test.p_value)}"
    return text + _of_paper(diff, paper, test.ci_low, test.ci_high)


def difference_verdict(
    hid: str,
    a: pd.Series,
    b: pd.Series,
    name: str,
    complete: bool,
    paper: float | None = None,
    *,
    claim: str | None = None,
    margin: float = MARGIN,
) -> Verdict:
    """H1 and H3: a − b by Welch across seeds, TOST ±``margin`` (:data:`MARGIN`) for
    equivalence (``paper``: the paper's a − b, where it has one; ``claim``: the hypothesis'
    claim, by default the one of :data:`CLAIMS`)."""
    claim = CLAIMS[hid] if claim is None else claim
    runs = _runs_text(a, b)
    if not len(a) or not len(b):
        return Verdict(hid, claim, NOT_YET_RUN, f"{name}: no runs yet", runs=runs)
    diff = float(a.mean() - b.mean())
    if len(a) < 2 or len(b) < 2:
        return Verdict(
            hid,
            claim,
            INCONCLUSIVE,
            effect_text(name, diff, None, paper) + " (no test yet)",
            diff,
            complete=False,
            runs=runs,
        )
    w = welch_test(a, b)
    eq = tost(a, b, margin)
    effect = effect_text(name, diff, w, paper) + f"; TOST ±{margin:g} p = {fmt_p(eq.p_value)}"
    if w.p_value < SIGNIFICANCE:
        label, p = (SUPPORTED if diff > 0 else REFUTED), w.p_value
    elif eq.p_value < SIGNIFICANCE:
        label, p = EQUIVALENT, eq.p_value
    else:
        label, p = INCONCLUSIVE, w.p_value
    return Verdict(hid, claim, label, effect, diff, w.ci_low, w.ci_high, p, complete, runs)


def ablation_verdict(
    hid: str, ablation: pd.Series, gan: pd.Series, cnn: pd.Series, name: str, complete: bool
) -> Verdict:
    """H2a / H2b: does an ablation's fake source recover ≥ half of the GAN-CNN gain?"""
    runs = _runs_text(ablation, gan, cnn)
    if not len(ablation) or not len(gan) or not len(cnn):
        return Verdict(
            hid,
            CLAIMS[hid],
            NOT_YET_RUN,
            f"needs paper-protocol runs of {name}, GAN-CNN and CNN at 15K",
            runs=runs,
        )
    gain = float(gan.mean() - cnn.mean())
    recovered = float(ablation.mean() - cnn.mean())
    share = recovered / gain if gain else math.nan
    if min(len(ablation), len(gan), len(cnn)) < 2:
        effect = f"{name} − CNN {fmt_signed(recovered)}, share {fmt_share(share)} (no test yet)"
        return Verdict(hid, CLAIMS[hid], INCONCLUSIVE, effect, share, runs=runs)
    gc, ac, ga = welch_test(gan, cnn), welch_test(ablation, cnn), welch_test(gan, ablation)
    effect = (
        f"share (ablation − CNN) / (GAN-CNN − CNN) = {fmt_share(share)}; "
        f"{effect_text(name + ' − CNN', recovered, ac)}; "
        f"{effect_text('GAN-CNN − CNN', gain, gc, PAPER_GAIN[SMALL])}; "
        f"{effect_text('GAN-CNN − ' + name, gan.mean() - ablation.mean(), ga)}"
    )
    gan_helps = gain > 0 and gc.p_value < SIGNIFICANCE
    recovers = recovered > 0 and ac.p_value < SIGNIFICANCE
    generator_matters = gan.mean() - ablation.mean() > 0 and ga.p_value < SIGNIFICANCE
    if not gan_helps:
        label, p = INCONCLUSIVE, gc.p_value
        effect += " (the rule needs GAN-CNN − CNN > 0 with p < 0.05)"
    elif recovers and share >= SHARE:
        label, p = SUPPORTED, max(gc.p_value, ac.p_value)
    elif not recovers and generator_matters:
        label, p = REFUTED, max(gc.p_value, ga.p_value)
    else:
        label, p = INCONCLUSIVE, max(gc.p_value, ac.p_value)
    return Verdict(
        hid,
        CLAIMS[hid],
        label,
        effect,
        share,
        p_value=p,
        complete=complete,
        runs=runs,
        blocked=not gan_helps,
    )


def contrast_verdict(
    hid: str,
    groups: Sequence[pd.Series],
    complete: bool,
    *,
    claim: str | None = None,
    sizes: tuple[int, int] = (SMALL, LARGE),
    paper: float | None = PAPER_CONTRAST,
) -> Verdict:
    """H4: (gan − cnn at 15K) − (gan − cnn at 150K) by the Welch–Satterthwaite contrast of the
    four ``groups`` (gan and cnn at ``sizes[0]``, then at ``sizes[1]``): *supported* when > 0
    with p < 0.05, *refuted* when < 0 with p < 0.05, else *inconclusive* (``paper``: the
    paper's contrast, where it has one)."""
    claim = CLAIMS[hid] if claim is None else claim
    at = [size_label(n) for n in sizes]
    runs = _runs_text(*groups)
    if any(not len(g) for g in groups):
        return Verdict(
            hid,
            claim,
            NOT_YET_RUN,
            f"needs fair GAN-CNN and CNN runs at {at[0]} and {at[1]}",
            runs=runs,
        )
    estimate = float(groups[0].mean() - groups[1].mean() - groups[2].mean() + groups[3].mean())
    name = f"(GAN-CNN − CNN at {at[0]}) − (GAN-CNN − CNN at {at[1]})"
    if any(len(g) < 2 for g in groups):
        return Verdict(
            hid,
            claim,
            INCONCLUSIVE,
            f"{name} {fmt_signed(estimate)}{_of_paper(estimate, paper)} (no test yet)",
            estimate,
            runs=runs,
        )
    t = contrast_test(groups, [1, -1, -1, 1])
    gains = (groups[0].mean() - groups[1].mean(), groups[2].mean() - groups[3].mean())
    effect = (
        f"{name} {fmt_signed(estimate)} {fmt_ci(t.ci_low, t.ci_high)}, p = {fmt_p(t.p_value)}"
        + _of_paper(estimate, paper, t.ci_low, t.ci_high)
        + f"; GAN-CNN − CNN {fmt_signed(gains[0])} at {at[0]}, {fmt_signed(gains[1])} at {at[1]}"
    )
    if t.p_value < SIGNIFICANCE:
        label = SUPPORTED if estimate > 0 else REFUTED
    else:
        label = INCONCLUSIVE
    return Verdict(
        hid, claim, label, effect, estimate, t.ci_low, t.ci_high, t.p_value, complete, runs
    )


def fading_verdict(hid: str, runs: pd.DataFrame) -> Verdict:
    """H5 from the paper-protocol GAN-CNN runs at 15K: how many of the planned runs fade. A
    failed run, or one without the history, counts as missing: never as fading, and never as
    not fading (a run that could not be judged keeps *refuted* out of reach as a missing one
    does)."""
    if not len(runs):
        return Verdict(hid, CLAIMS[hid], NOT_YET_RUN, "needs paper-protocol GAN-CNN runs at 15K")
    ok = [r for r in runs["record"] if r.ok]
    judged = [f for f in (fades(r.history) for r in ok) if f is not None]
    k, n = sum(judged), len(judged)
    unjudged = max(0, N_SEEDS - n)  # missing, failed, or without the history
    tail = last_intervals(ok)
    detect = [h["fake_detect"] for h in tail if h.get("fake_detect") is not None]
    share = [h["adv_share"] for h in tail if h.get("adv_share") is not None]
    effect = f"{k} of {n} runs fade"
    low = high = math.nan
    if n:
        ci = stats.binomtest(k, n).proportion_ci(0.95)
        low, high = float(ci.low), float(ci.high)
        effect += f" (share {fmt_share(k / n)}, 95% CI {fmt_share(low)}–{fmt_share(high)})"
    if detect and share:
        effect += (
            f"; last {FADE_INTERVALS} intervals: fake detection {fmt(min(detect), 3)}–"
            f"{fmt(max(detect), 3)}, L_adv share {max(share):.1e} at most"
        )
    effect += p_fake_text(tail) + onset_text([r.history or [] for r in ok])
    if k >= FADE_SUPPORT:
        label = SUPPORTED
    elif k + unjudged <= FADE_REFUTE:
        label = REFUTED
    else:
        label = INCONCLUSIVE
    return Verdict(
        hid,
        CLAIMS[hid],
        label,
        effect,
        k / n if n else math.nan,
        low,
        high,
        math.nan,
        len(runs) >= N_SEEDS,
        str(n),
        failed=len(runs) - len(ok),
    )


def evaluate_hypotheses(df: pd.DataFrame) -> list[Verdict]:
    """H1–H5 (H2 as H2a and H2b) from the study records of
    :func:`~ganseg_lib.analysis.study.records.load_study`, Holm-adjusted."""
    fair, paper = "fair", "paper"
    s = {
        (m, p, n): arm_scores(df, m, p, n)
        for m in ("cnn", "gan", "ssgan", "frozen", "noise")
        for p in (fair, paper)
        for n in (SMALL, LARGE)
    }
    out = [
        difference_verdict(
            "H1",
            s["gan", fair, SMALL],
            s["cnn", fair, SMALL],
            "fair GAN-CNN − fair CNN",
            _complete(df, [("gan", fair, SMALL), ("cnn", fair, SMALL)]),
            PAPER_GAIN[SMALL],
        )
    ]
    groups_of = {"H1": [("gan", fair, SMALL), ("cnn", fair, SMALL)]}
    for hid, method in (("H2a", "frozen"), ("H2b", "noise")):
        groups = [(method, paper, SMALL), ("gan", paper, SMALL), ("cnn", paper, SMALL)]
        groups_of[hid] = groups
        out.append(
            ablation_verdict(
                hid,
                s[method, paper, SMALL],
                s["gan", paper, SMALL],
                s["cnn", paper, SMALL],
                arm_label(method, paper).removesuffix(" (paper)"),
                _complete(df, groups),
            )
        )
    out.append(
        difference_verdict(
            "H3",
            s["ssgan", fair, SMALL],
            s["gan", fair, SMALL],
            "fair K+1 SSL GAN − fair GAN-CNN",
            _complete(df, [("ssgan", fair, SMALL), ("gan", fair, SMALL)]),
        )
    )
    groups_of["H3"] = [("ssgan", fair, SMALL), ("gan", fair, SMALL)]
    keys = [("gan", fair, SMALL), ("cnn", fair, SMALL), ("gan", fair, LARGE), ("cnn", fair, LARGE)]
    groups_of["H4"] = keys
    out.append(contrast_verdict("H4", [s[k] for k in keys], _complete(df, keys)))
    out.append(fading_verdict("H5", arm_runs(df, "gan", paper, SMALL)))
    out = [replace(v, failed=_failed(df, groups_of[v.id])) if v.id in groups_of else v for v in out]
    adjusted = dict(zip(TESTED, holm([v.p_value for v in out if v.id in TESTED])))
    return [replace(v, holm_p=adjusted.get(v.id, math.nan)) for v in out]


def verdict_table(verdicts: Sequence[Verdict]) -> pd.DataFrame:
    """The verdicts for reading: hypothesis, verdict, effect with CI, p and Holm-adjusted p."""
    return pd.DataFrame(
        [
            {
                "#": v.id,
                "hypothesis": v.claim,
                "verdict": v.verdict_text,
                "effect [95% CI]": v.effect,
                "p": v.p_value,
                "Holm p": v.holm_p,
            }
            for v in verdicts
        ]
    )
