"""The study's registered analyses that were computed late: the paired tests by seed and by test
image beside each tested hypothesis (H1–H4), and a CI for H2's share.

``studies/beyond-the-paper/hypotheses.md`` fixed, before the first run, that "the paired tests by
seed and by test image are reported beside" each Welch test and that "every verdict states the
effect size with its CI". The verdicts (:mod:`ganseg_lib.analysis.study.verdicts`) were reported
with the Welch tests only, and H2's share without a CI; this module adds what was registered.
The verdicts themselves are unchanged: they are decided by the Welch tests, as registered.

* **Paired by seed**: a[s] − b[s] over the seeds both arms have (same labelled patches):
  :func:`ganseg_lib.analysis.stats.paired_test`.
* **Paired by test image**: each arm's per-image AUC averaged over its seeds (the arm's primary
  evaluation), then a − b image by image (20 DRIVE test images): a paired t-test.
  For H4's contrast, the per-image contrast (a₁ − b₁) − (a₂ − b₂), one-sample t-test against 0.
* **H2's share** (ablation − CNN) / (GAN-CNN − CNN): a percentile bootstrap over seeds,
  each arm's seeds resampled independently (:func:`ganseg_lib.analysis.stats.bootstrap_ratio_ci`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ganseg_lib.analysis.present.text import fmt_ci, fmt_p, fmt_share, fmt_signed
from ganseg_lib.analysis.stats import Comparison, bootstrap_ratio_ci, compare_arms, paired_test
from ganseg_lib.analysis.study.records import arm_runs, arm_scores, primary_evaluation

SMALL, LARGE = 15_000, 150_000
Arm = tuple[str, str, int]  # (method, protocol, labelled patches)


def image_scores(df: pd.DataFrame, method: str, protocol: str, n_patches: int) -> pd.Series:
    """An arm's per-test-image AUC (its primary evaluation: best-validation weights under the
    fair protocol, last under the paper's) averaged over its recorded seeds; index: image id.
    Empty when the arm has no successful run."""
    runs = arm_runs(df, method, protocol, n_patches)
    evs = [e for e in (primary_evaluation(r) for r in runs.get("record", [])) if e is not None]
    if not evs:
        return pd.Series(dtype=float)
    ids = list(evs[0]["image_ids"])
    if any(list(e["image_ids"]) != ids for e in evs):
        raise ValueError(f"{method} ({protocol}) runs at {n_patches} saw different test images")
    return pd.Series(np.mean([e["per_image_auc"] for e in evs], axis=0), index=ids)


def image_paired(df: pd.DataFrame, a: Arm, b: Arm) -> Comparison | None:
    """a − b paired by test image (per-image AUCs averaged over seeds); None without runs."""
    sa, sb = image_scores(df, *a), image_scores(df, *b)
    common = [i for i in sa.index if i in sb.index]
    if len(common) < 2:
        return None
    return paired_test(sa[common], sb[common])


def image_contrast(df: pd.DataFrame, arms: tuple[Arm, Arm, Arm, Arm]) -> Comparison | None:
    """(a₁ − b₁) − (a₂ − b₂) per test image, paired t-test against 0 (H4's contrast)."""
    s = [image_scores(df, *arm) for arm in arms]
    common = [i for i in s[0].index if all(i in x.index for x in s)]
    if len(common) < 2:
        return None
    contrast = s[0][common] - s[1][common] - s[2][common] + s[3][common]
    return paired_test(contrast.to_numpy(), np.zeros(len(common)))


def _seed_paired(df: pd.DataFrame, a: Arm, b: Arm) -> Comparison | None:
    return compare_arms(arm_scores(df, *a), arm_scores(df, *b))[1]


@dataclass(frozen=True)
class PairedRow:
    """One registered comparison with its two paired tests (None where a test has too few
    units)."""

    hypothesis: str
    comparison: str
    difference: float
    by_seed: Comparison | None
    by_image: Comparison | None


# Each tested hypothesis' comparisons a − b, as registered: (hypothesis, name, a, b).
COMPARISONS: tuple[tuple[str, str, Arm, Arm], ...] = (
    ("H1", "fair GAN-CNN − fair CNN", ("gan", "fair", SMALL), ("cnn", "fair", SMALL)),
    ("H2a", "frozen-G fakes − CNN", ("frozen", "paper", SMALL), ("cnn", "paper", SMALL)),
    ("H2a", "GAN-CNN − frozen-G fakes", ("gan", "paper", SMALL), ("frozen", "paper", SMALL)),
    ("H2b", "noise fakes − CNN", ("noise", "paper", SMALL), ("cnn", "paper", SMALL)),
    ("H2b", "GAN-CNN − noise fakes", ("gan", "paper", SMALL), ("noise", "paper", SMALL)),
    ("H2", "GAN-CNN − CNN (paper protocol)", ("gan", "paper", SMALL), ("cnn", "paper", SMALL)),
    ("H3", "fair K+1 SSL GAN − fair GAN-CNN", ("ssgan", "fair", SMALL), ("gan", "fair", SMALL)),
)
H4_ARMS: tuple[Arm, Arm, Arm, Arm] = (
    ("gan", "fair", SMALL),
    ("cnn", "fair", SMALL),
    ("gan", "fair", LARGE),
    ("cnn", "fair", LARGE),
)


def paired_rows(df: pd.DataFrame) -> list[PairedRow]:
    """The registered paired tests of H1–H4 from the study records."""
    rows = []
    for hid, name, a, b in COMPARISONS:
        sa, sb = arm_scores(df, *a), arm_scores(df, *b)
        diff = float(sa.mean() - sb.mean()) if len(sa) and len(sb) else math.nan
        rows.append(PairedRow(hid, name, diff, _seed_paired(df, a, b), image_paired(df, a, b)))
    s = [arm_scores(df, *arm) for arm in H4_ARMS]
    diff = (
        float(s[0].mean() - s[1].mean() - s[2].mean() + s[3].mean())
        if all(len(x) for x in s)
        else math.nan
    )
    common = sorted(set.intersection(*(set(x.index) for x in s))) if all(len(x) for x in s) else []
    by_seed = None
    if len(common) >= 2:
        contrast = s[0][common] - s[1][common] - s[2][common] + s[3][common]
        by_seed = paired_test(contrast.to_numpy(), np.zeros(len(common)))
    rows.append(
        PairedRow(
            "H4",
            "(GAN-CNN − CNN at 15K) − (GAN-CNN − CNN at 150K), fair",
            diff,
            by_seed,
            image_contrast(df, H4_ARMS),
        )
    )
    return rows


def _test_cell(c: Comparison | None) -> str:
    if c is None:
        return "–"
    return f"{fmt_signed(c.difference)} {fmt_ci(c.ci_low, c.ci_high)}, p = {fmt_p(c.p_value)}"


def paired_table(df: pd.DataFrame) -> pd.DataFrame:
    """The registered paired tests as a table: hypothesis, comparison, difference of the seed
    means, paired by seed (seeds), paired by test image (images)."""
    return pd.DataFrame(
        [
            {
                "#": r.hypothesis,
                "comparison": r.comparison,
                "difference": fmt_signed(r.difference),
                "paired by seed [95% CI], p": _test_cell(r.by_seed)
                + (f" ({r.by_seed.n_a} seeds)" if r.by_seed else ""),
                "paired by test image [95% CI], p": _test_cell(r.by_image)
                + (f" ({r.by_image.n_a} images)" if r.by_image else ""),
            }
            for r in rows_or_empty(df)
        ]
    )


def rows_or_empty(df: pd.DataFrame) -> list[PairedRow]:
    return paired_rows(df) if len(df) else []


@dataclass(frozen=True)
class ShareInterval:
    """H2's share (ablation − CNN) / (GAN-CNN − CNN) with its percentile-bootstrap 95% CI."""

    hypothesis: str
    share: float
    ci_low: float
    ci_high: float
    n_resamples: int


def share_intervals(
    df: pd.DataFrame, n_resamples: int = 10_000, seed: int = 0
) -> list[ShareInterval]:
    """H2a's and H2b's shares with a bootstrap CI over seeds (paper protocol at 15K)."""
    out = []
    gan, cnn = arm_scores(df, "gan", "paper", SMALL), arm_scores(df, "cnn", "paper", SMALL)
    for hid, method in (("H2a", "frozen"), ("H2b", "noise")):
        abl = arm_scores(df, method, "paper", SMALL)
        if min(len(abl), len(gan), len(cnn)) < 2:
            continue
        share, low, high = bootstrap_ratio_ci(
            abl.to_numpy(), gan.to_numpy(), cnn.to_numpy(), n_resamples=n_resamples, seed=seed
        )
        out.append(ShareInterval(hid, share, low, high, n_resamples))
    return out


def share_text(intervals: list[ShareInterval]) -> str:
    """'H2a −26% [95% CI −92%, +31%]; H2b …' (bootstrap over seeds)."""
    return "; ".join(
        f"{s.hypothesis} {fmt_share(s.share)} (bootstrap 95% CI {fmt_share(s.ci_low)} to "
        f"{fmt_share(s.ci_high)}, {s.n_resamples:,} resamples of the seeds)"
        for s in intervals
    )
