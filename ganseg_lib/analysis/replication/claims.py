"""The paper's claims and the fixed rules that give each a verdict from the run records.

Four kinds of claim, each with its own rule:

* **comparison and size trend** (GAN-CNN beats CNN at 15K and 30K; the CNN degrades faster; each
  method's gain from 15K to 150K) — :func:`relative_verdict`, which separates direction from
  magnitude. With our difference d, its 95% CI (Welch across seeds) and the paper's difference D:
  *replicated* when d has D's sign, p < 0.05 and D lies inside the CI; *direction replicated,
  smaller effect* (or *larger effect*) when d has D's sign and p < 0.05 but D lies beyond the CI
  (the claims give d / D, our share of the paper's effect); *not replicated* when d has the
  opposite sign with p < 0.05, or when p ≥ 0.05 and D lies outside the CI (our data exclude the
  paper's effect without showing one of their own); *inconclusive* when p ≥ 0.05 and D lies
  inside the CI, or with too few seeds for a test. A significant sign with the wrong size does
  not replicate the size, which is what the paper's table reports. On a second dataset
  (:func:`second_dataset_claims`) the paper's DRIVE difference is D.
* **equivalence** (claim 3: no difference at 150K) — :func:`equivalence_verdict`. "Not
  significant" is not evidence of no difference, so the claim is tested by TOST with the margin
  of :func:`equivalence_margin`: half the smallest GAN−CNN difference the paper reports as
  significant (0.015 at 15K, so ±0.0075). A 150K difference inside it is less than half of any
  effect the paper builds its conclusions on. *replicated* when the TOST p < 0.05; *not
  replicated* when it is not and Welch's p < 0.05 (a difference, not shown to be small);
  *inconclusive* otherwise. The power of the seed-level test to detect the paper's own 150K
  difference and the paired per-image test are reported beside it.
* **calibration** (each method's mean AUC at each size, and the literature comparison) —
  :func:`level_verdict`, :func:`literature_verdict`. These check that our pipeline reaches the
  paper's levels; both methods are judged, since a level that our CNN reaches as well says
  nothing about the GAN.

The verdicts use Welch's test across seeds (:mod:`ganseg_lib.analysis.stats` says why); a
claim without the runs it needs is *not tested*.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ganseg_lib.analysis.present.text import (
    excluded_text,
    fmt,
    fmt_ci,
    fmt_p,
    fmt_share,
    fmt_signed,
    missing,
)
from ganseg_lib.analysis.replication.aggregate import (
    SizeComparison,
    compare_size,
    degradation,
    per_seed_scores,
    size_gain,
)
from ganseg_lib.analysis.stats import (
    SIGNIFICANCE,
    Equivalence,
    tost,
    welch_power,
)
from ganseg_lib.paper import LITERATURE, PAPER_RESULTS, size_label

REPLICATED = "replicated"
SMALLER = "direction replicated, smaller effect"
LARGER = "direction replicated, larger effect"
INCONCLUSIVE = "inconclusive"
NOT_REPLICATED = "not replicated"
NOT_TESTED = "not tested"
RELATIVE_VERDICTS = (REPLICATED, SMALLER, LARGER, INCONCLUSIVE, NOT_REPLICATED, NOT_TESTED)
# calibration: how far our level is from the paper's (or from the literature's)
LEVEL_CLOSE, LEVEL_NEAR, LEVEL_FAR = "within 0.01", "within 0.03", "more than 0.03 away"
AT_LEAST, JUST_BELOW, BELOW = "at least the reference", "less than 0.02 below", "further below"
LEVEL_TOLERANCES = (0.01, 0.03)  # |ours − paper|
LITERATURE_MARGIN = 0.02
LITERATURE_DATA_FACTOR = 2  # claim 6 compares with methods trained on ≥ 2× more patches
SMALL, MIDDLE, LARGE = sorted(PAPER_RESULTS)
KINDS = ("comparison", "equivalence", "size trend", "calibration")


@dataclass(frozen=True)
class Claim:
    """One claim of the paper: what it says, its number, ours, and the verdict of its rule."""

    id: str
    kind: str
    claim: str
    paper: str
    ours: str
    verdict: str
    rule: str
    share: float = math.nan  # our effect / the paper's (relative claims)
    short: str = ""  # a few words for the summary
    detail: str = ""  # the test behind the verdict, where the label alone would hide it
    reach: str = ""  # for an equivalence: which effect sizes its CI excludes, and the margin's

    @property
    def verdict_text(self) -> str:
        """The verdict with our share of the paper's effect where the magnitude differs."""
        if self.verdict in (SMALLER, LARGER):
            return f"{self.verdict} ({fmt_share(self.share)} of the paper's)"
        return f"{self.verdict} ({self.detail})" if self.detail else self.verdict


def relative_verdict(
    estimate: float, ci_low: float, ci_high: float, p_value: float | None, paper: float
) -> str:
    """Direction and magnitude of our difference against the paper's (module docstring)."""
    if missing(estimate):
        return NOT_TESTED
    has_ci = not (missing(ci_low) or missing(ci_high))
    if missing(p_value) or not has_ci:
        return INCONCLUSIVE
    inside = ci_low <= paper <= ci_high
    if p_value >= SIGNIFICANCE:
        return INCONCLUSIVE if inside else NOT_REPLICATED
    if np.sign(estimate) != np.sign(paper):
        return NOT_REPLICATED
    if inside:
        return REPLICATED
    far = max(abs(ci_low), abs(ci_high))
    return SMALLER if abs(paper) > far else LARGER


def equivalence_margin(paper: dict[int, dict[str, float]] = PAPER_RESULTS) -> float:
    """Half the smallest GAN−CNN difference that the paper reports as significant."""
    significant = [v["gan"] - v["cnn"] for v in paper.values() if v["p"] < SIGNIFICANCE]
    return round(min(significant) / 2, 6)


def equivalence_verdict(equivalence: Equivalence | None, p_difference: float | None) -> str:
    """TOST p < 0.05: replicated; else Welch p < 0.05: not replicated; else inconclusive."""
    if equivalence is None:
        return INCONCLUSIVE
    if equivalence.p_value < SIGNIFICANCE:
        return REPLICATED
    if not missing(p_difference) and p_difference < SIGNIFICANCE:
        return NOT_REPLICATED
    return INCONCLUSIVE


def level_verdict(ours: float, paper: float) -> str:
    """|ours − paper| ≤ 0.01, ≤ 0.03, or more: calibration of the pipeline."""
    if missing(ours):
        return NOT_TESTED
    gap = abs(ours - paper)
    if gap <= LEVEL_TOLERANCES[0]:
        return LEVEL_CLOSE
    return LEVEL_NEAR if gap <= LEVEL_TOLERANCES[1] else LEVEL_FAR


def literature_reference(n_patches: int) -> tuple[str, int, float]:
    """The lowest-AUC method of the literature table trained on ≥ 2× ``n_patches``."""
    others = [
        row
        for row in LITERATURE
        if not row[0].startswith("GAN-CNN") and row[1] >= LITERATURE_DATA_FACTOR * n_patches
    ]
    return min(others, key=lambda row: row[2])


def literature_verdict(ours: float, reference: float) -> str:
    """≥ the reference; less than 0.02 below; further below."""
    if missing(ours):
        return NOT_TESTED
    if ours >= reference:
        return AT_LEAST
    return JUST_BELOW if ours > reference - LITERATURE_MARGIN else BELOW


def _share(estimate: float, paper: float) -> float:
    return estimate / paper if paper and not missing(estimate) else math.nan


def _mean(scores) -> float:
    return float(np.mean(scores)) if len(scores) else math.nan


def _difference_text(c: SizeComparison) -> str:
    if missing(c.difference):
        return "needs runs of both methods"
    text = f"GAN−CNN {fmt_signed(c.difference)}"
    if c.seeds is None:
        return text + f" (no test: {len(c.gan_scores)} vs {len(c.cnn_scores)} seeds)"
    text += f" {fmt_ci(c.seeds.ci_low, c.seeds.ci_high)}, Welch p = {fmt_p(c.seeds.p_value)}"
    if c.seeds_paired:
        text += f"; paired by seed p = {fmt_p(c.seeds_paired.p_value)}"
    if c.images_paired:
        text += (
            f"; paired by image p = {fmt_p(c.images_paired.p_value)} "
            f"({c.images_favouring_gan} of {c.n_images} images favour GAN-CNN)"
        )
    return text


RELATIVE_RULE = (
    "same sign, Welch p < 0.05 and the paper's difference inside our 95% CI; beyond it: "
    "direction replicated, smaller/larger effect; p ≥ 0.05: inconclusive if the paper's "
    "difference is inside the CI, else not replicated"
)


def comparison_claims(cmp: dict[int, SizeComparison]) -> list[Claim]:
    """Claims 1 and 2: GAN-CNN beats CNN significantly at 15K and 30K."""
    out = []
    for cid, n in (("1", SMALL), ("2", MIDDLE)):
        c, paper = cmp[n], PAPER_RESULTS[n]
        d_paper = paper["gan"] - paper["cnn"]
        ci = (c.seeds.ci_low, c.seeds.ci_high) if c.seeds else (math.nan, math.nan)
        verdict = relative_verdict(c.difference, *ci, c.seeds.p_value if c.seeds else None, d_paper)
        out.append(
            Claim(
                cid,
                "comparison",
                f"GAN-CNN beats CNN at {size_label(n)}, significantly",
                f"GAN−CNN {d_paper:+.3f}, p = {fmt_p(paper['p'])}",
                _difference_text(c),
                verdict,
                RELATIVE_RULE,
                _share(c.difference, d_paper),
                f"GAN-CNN beats CNN at {size_label(n)}",
            )
        )
    return out


def gain_references(df: pd.DataFrame) -> dict[str, float]:
    """The GAN−CNN gains an equivalence is read against: the paper's at 15K and 30K, and ours
    at the same sizes where both methods have runs."""
    refs = {}
    for who, n in (("paper", SMALL), ("paper", MIDDLE), ("ours", SMALL), ("ours", MIDDLE)):
        if who == "paper":
            refs[f"the paper's {size_label(n)} gain"] = (
                PAPER_RESULTS[n]["gan"] - PAPER_RESULTS[n]["cnn"]
            )
            continue
        gan, cnn = per_seed_scores(df, n, "gan"), per_seed_scores(df, n, "cnn")
        if len(gan) and len(cnn):
            refs[f"our {size_label(n)} gain"] = float(np.mean(gan) - np.mean(cnn))
    return refs


def reach_text(df: pd.DataFrame, low: float, high: float, margin: float) -> str:
    """What an equivalence verdict excludes: which reference gains lie outside the 95% CI of
    the difference, and which the margin itself would call equivalent to no effect."""
    refs = gain_references(df)
    text = f"95% CI {fmt_ci(low, high)}: " + excluded_text(low, high, refs)
    admitted = [f"{name} ({value:+.4f})" for name, value in refs.items() if abs(value) < margin]
    if admitted:
        text += f"; the ±{margin:g} margin would also call {' and '.join(admitted)} equivalent"
    return text


def size_trend_caveat(df: pd.DataFrame) -> str:
    """Under a fixed iteration budget a size trend is also a trend in epochs and in learning-
    rate decays: the profile's numbers for the sizes of ``df`` ('' without a fixed budget)."""
    from ganseg_lib.train.config import get_profile

    profiles = sorted(set(df["profile"])) if len(df) and "profile" in df else []
    if len(profiles) != 1:
        return ""
    try:
        profile = get_profile(profiles[0])
    except Exception:  # a profile this version does not know: nothing to say about its budget
        return ""
    if not profile.iterations:
        return ""
    sizes = sorted(int(n) for n in df["n_patches"].unique())
    return (
        f"Size trends (claims 3, 5, 7a, 7b) compare sizes trained for the same "
        f"{profile.iterations:,} iterations, so each is also a trend in training length: "
        f"{profile.epochs_text(sizes)}; {profile.decay_text(sizes)}."
    )


def equivalence_claim(df: pd.DataFrame, c: SizeComparison) -> Claim:
    """Claim 3: at 150K the two methods are equivalent within ±margin (TOST across seeds)."""
    paper = PAPER_RESULTS[LARGE]
    d_paper = paper["gan"] - paper["cnn"]
    margin = equivalence_margin()
    gan, cnn = per_seed_scores(df, LARGE, "gan"), per_seed_scores(df, LARGE, "cnn")
    eq = tost(gan, cnn, margin) if len(gan) >= 2 and len(cnn) >= 2 else None
    rule = (
        f"TOST across seeds with margin ±{margin:g} (half the smallest difference the paper "
        "reports as significant) p < 0.05; else Welch p < 0.05: not replicated; else inconclusive"
    )
    reach = ""
    if missing(c.difference):
        ours, verdict, detail = "needs runs of both methods", NOT_TESTED, ""
    else:
        ours = f"GAN−CNN {fmt_signed(c.difference)}"
        if eq is not None:
            power = welch_power(
                d_paper, np.std(gan, ddof=1), np.std(cnn, ddof=1), len(gan), len(cnn)
            )
            ours += (
                f", 90% CI {fmt_ci(eq.ci_low, eq.ci_high)}, TOST p = {fmt_p(eq.p_value)}; "
                f"Welch p = {fmt_p(c.seeds.p_value)}, power to detect {d_paper:+.3f}: "
                f"{fmt_share(power)}"
            )
        if c.images_paired:
            ours += (
                f"; paired by image {fmt_signed(c.images_paired.difference)}, p = "
                f"{fmt_p(c.images_paired.p_value)} ({c.images_favouring_gan} of {c.n_images} "
                "images favour GAN-CNN)"
            )
        verdict = equivalence_verdict(eq, c.seeds.p_value if c.seeds else None)
        reach = reach_text(df, c.seeds.ci_low, c.seeds.ci_high, margin) if c.seeds else ""
        ours += f"; {reach}" if reach else ""
        detail = f"TOST p = {fmt_p(eq.p_value)}" if eq else ""
        if c.images_paired:
            detail += (
                f"; paired by image {fmt_signed(c.images_paired.difference)}, "
                f"p = {fmt_p(c.images_paired.p_value)}"
            )
    return Claim(
        "3",
        "equivalence",
        f"At 150K the difference is small and not significant (equivalent within ±{margin:g})",
        f"GAN−CNN {d_paper:+.3f}, p = {fmt_p(paper['p'])}",
        ours,
        verdict,
        rule,
        _share(c.difference, d_paper),
        f"equivalence at 150K within ±{margin:g}",
        detail.strip("; "),
        reach,
    )


def degradation_claim(df: pd.DataFrame) -> Claim:
    """Claim 5: (GAN−CNN at 15K) − (GAN−CNN at 150K) > 0: the CNN loses more AUC."""
    p_small, p_large = PAPER_RESULTS[SMALL], PAPER_RESULTS[LARGE]
    d_paper = (p_small["gan"] - p_small["cnn"]) - (p_large["gan"] - p_large["cnn"])
    estimate, test = degradation(df, SMALL, LARGE)
    if missing(estimate):
        ours = "needs runs of both methods at 15K and 150K"
    else:
        ours = f"difference of differences {fmt_signed(estimate)}"
        ours += (
            f" {fmt_ci(test.ci_low, test.ci_high)}, p = {fmt_p(test.p_value)}"
            if test
            else " (no test: fewer than 2 seeds in a group)"
        )
    ci = (test.ci_low, test.ci_high) if test else (math.nan, math.nan)
    return Claim(
        "5",
        "size trend",
        "The CNN degrades faster than GAN-CNN on smaller training sets",
        f"(GAN−CNN at 15K) − (GAN−CNN at 150K) = {d_paper:+.3f}",
        ours,
        relative_verdict(estimate, *ci, test.p_value if test else None, d_paper),
        RELATIVE_RULE + " (Welch–Satterthwaite test of the contrast)",
        _share(estimate, d_paper),
        "the CNN degrades faster",
    )


def gain_claims(df: pd.DataFrame) -> list[Claim]:
    """Claims 7a–b: each method's gain in mean AUC from 15K to 150K labelled patches."""
    out = []
    for letter, method, label in (("a", "gan", "GAN-CNN"), ("b", "cnn", "CNN")):
        d_paper = PAPER_RESULTS[LARGE][method] - PAPER_RESULTS[SMALL][method]
        gain = size_gain(df, method, SMALL, LARGE)
        t = gain.test
        if missing(gain.estimate):
            ours = "needs runs at 15K and 150K"
        elif t is None:
            ours = f"{fmt_signed(gain.estimate)} (no test)"
        else:
            ci_text = fmt_ci(t.ci_low, t.ci_high)
            ours = f"{fmt_signed(gain.estimate)} {ci_text}, Welch p = {fmt_p(t.p_value)}"
        ci = (t.ci_low, t.ci_high) if t else (math.nan, math.nan)
        out.append(
            Claim(
                f"7{letter}",
                "size trend",
                f"{label} gains AUC from 15K to 150K labelled patches (paper's table)",
                f"{d_paper:+.3f}",
                ours,
                relative_verdict(gain.estimate, *ci, t.p_value if t else None, d_paper),
                RELATIVE_RULE,
                _share(gain.estimate, d_paper),
                f"{label} gains from 15K to 150K",
            )
        )
    return out


def _level_text(scores) -> str:
    if not len(scores):
        return "no runs"
    sd = f" ± {np.std(scores, ddof=1):.4f}" if len(scores) > 1 else ""
    return f"{np.mean(scores):.4f}{sd} ({len(scores)} seed{'s' if len(scores) > 1 else ''})"


def level_claims(df: pd.DataFrame) -> list[Claim]:
    """Claims 4a–f: each method's mean AUC at each size, as calibration of the pipeline."""
    out = []
    letters = iter("abcdef")
    for method, label in (("gan", "GAN-CNN"), ("cnn", "CNN")):
        for n in sorted(PAPER_RESULTS):
            scores = per_seed_scores(df, n, method)
            paper = PAPER_RESULTS[n][method]
            out.append(
                Claim(
                    f"4{next(letters)}",
                    "calibration",
                    f"{label} mean AUC at {size_label(n)} (calibrates the pipeline; not "
                    "evidence for the GAN)",
                    f"{paper:.3f}",
                    _level_text(scores),
                    level_verdict(_mean(scores), paper),
                    "|ours − paper| within 0.01, within 0.03, or more than 0.03 away",
                )
            )
    return out


def literature_claims(df: pd.DataFrame) -> list[Claim]:
    """Claims 6a–b: GAN-CNN at 15K / 30K against methods trained on ≥ 2× more patches; our CNN
    is shown beside it, since a level both methods reach says nothing about the GAN."""
    out = []
    for letter, n in (("a", SMALL), ("b", MIDDLE)):
        name, n_ref, ref = literature_reference(n)
        gan, cnn = _mean(per_seed_scores(df, n, "gan")), _mean(per_seed_scores(df, n, "cnn"))
        out.append(
            Claim(
                f"6{letter}",
                "calibration",
                f"GAN-CNN at {size_label(n)} is comparable to methods trained on "
                f"≥ {LITERATURE_DATA_FACTOR}× more data (calibration, not evidence for the GAN)",
                f"{PAPER_RESULTS[n]['gan']:.3f} vs {name} ({size_label(n_ref)}) {ref:.3f}",
                f"GAN-CNN {fmt(gan, 4)}, CNN {fmt(cnn, 4)} vs {ref:.3f}",
                literature_verdict(gan, ref),
                f"ours ≥ {ref:.3f} ({name}, the lowest such AUC the paper reports); "
                f"less than {LITERATURE_MARGIN} below; further below",
            )
        )
    return out


def evaluate_claims(df: pd.DataFrame) -> list[Claim]:
    """Every claim of the paper with the paper's number, ours and the verdict of its rule."""
    cmp = {n: compare_size(df, n) for n in PAPER_RESULTS}
    return [
        *comparison_claims(cmp),
        equivalence_claim(df, cmp[LARGE]),
        *level_claims(df),
        degradation_claim(df),
        *literature_claims(df),
        *gain_claims(df),
    ]


def second_dataset_claims(df: pd.DataFrame) -> list[Claim]:
    """Claims 1 and 2 on another dataset's records, judged against the paper's DRIVE effect."""
    return comparison_claims({n: compare_size(df, n) for n in (SMALL, MIDDLE)})


def claims_table(claims: Sequence[Claim]) -> pd.DataFrame:
    """The claims as a DataFrame, one row each, the verdict with our share of the paper's effect."""
    rows = []
    for c in claims:
        row = asdict(c)
        row["verdict"] = c.verdict_text
        del row["share"], row["short"], row["detail"], row["reach"]  # reach: in "ours"
        rows.append(row)
    names = {"id": "#", "paper": "paper's number", "ours": "our number"}
    return pd.DataFrame(rows).rename(columns=names)


def rule_constants() -> pd.DataFrame:
    """The constants of the verdict rules, for the report to show before any number."""
    return pd.DataFrame(
        {
            "value": {
                "significance level (two-sided; TOST: each one-sided test)": SIGNIFICANCE,
                "equivalence margin of claim 3 (± AUC)": equivalence_margin(),
                "level tolerances (calibration)": str(LEVEL_TOLERANCES),
                "literature margin (calibration)": LITERATURE_MARGIN,
                "literature data factor": LITERATURE_DATA_FACTOR,
            }
        }
    ).astype(str)
