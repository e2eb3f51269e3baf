"""The fixed rules that give each claim of the paper its verdict, stated before any number.

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
  (:func:`~ganseg_lib.analysis.replication.claims.second_dataset_claims`) the paper's DRIVE
  difference is D.
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
claim without the runs it needs is *not tested*. The claims themselves, with the paper's number
and ours, are built from the run records in :mod:`ganseg_lib.analysis.replication.claims`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ganseg_lib.analysis.present.text import missing
from ganseg_lib.analysis.stats import SIGNIFICANCE, Equivalence
from ganseg_lib.paper import LITERATURE, PAPER_RESULTS

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


RELATIVE_RULE = (
    "same sign, Welch p < 0.05 and the paper's difference inside our 95% CI; beyond it: "
    "direction replicated, smaller/larger effect; p ≥ 0.05: inconclusive if the paper's "
    "difference is inside the CI, else not replicated"
)


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
