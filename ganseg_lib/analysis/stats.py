"""The tests behind every verdict: Welch across seeds, paired by seed or test image, contrasts,
TOST equivalence, a Welch test's power, Holm's adjustment, t intervals and a ratio bootstrap.

Every p-value and interval comes from scipy (``ttest_ind``, ``ttest_rel``) or from the t and
non-central t distributions of ``scipy.stats``; the tests in ``tests/test_stats.py`` compare each
function with scipy.

Which unit each test treats as independent:

* **Welch across seeds** (:func:`welch_test` on per-seed mean AUCs): the training runs. A seed
  fixes the patch sample and the initialisation, so seeds are independent repetitions of the
  whole experiment. This is the test the slides name, and the one the verdicts use.
* **paired by seed** (:func:`paired_test` on per-seed mean AUCs): the seeds again, but each
  seed's GAN-CNN run is set against the CNN run that drew the same labelled patches; it gains
  power only when a seed's patch sample moves both methods the same way.
* **paired by test image** (:func:`paired_test` on per-image AUCs averaged over seeds): the 20
  test images. It sees how the two trained methods differ across images, not how much a result
  changes from one training to the next, so its p-value understates the uncertainty about the
  method.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ganseg_lib.deviations import declare

SIGNIFICANCE = 0.05  # every test is two-sided at this level (TOST: each one-sided test)

declare(
    aspect="p-value unit",
    paper="Welch's t-test, unit not stated",
    ours="Welch's t-test across the per-seed mean AUCs decides the verdicts; the paired test by "
    "seed and the paired and Welch tests across the test images (per-image AUCs averaged over "
    "seeds) are reported beside it",
    reason="the seed is what varies between repetitions of the experiment; a test across images "
    "ignores the variation between trainings",
)


@dataclass(frozen=True)
class Comparison:
    """A two-sample comparison a − b: the test's statistic, p-value, and the CI of the
    difference of means."""

    test: str
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    difference: float
    ci_low: float
    ci_high: float
    statistic: float
    df: float
    p_value: float

    def to_json(self) -> dict:
        return asdict(self)


def _comparison(test: str, a: np.ndarray, b: np.ndarray, res, diff: float, confidence: float):
    ci = res.confidence_interval(confidence)
    values = (a.mean(), b.mean(), diff, ci.low, ci.high, res.statistic, res.df, res.pvalue)
    return Comparison(test, len(a), len(b), *(float(v) for v in values))


def welch_test(a: Sequence[float], b: Sequence[float], confidence: float = 0.95) -> Comparison:
    """Welch's t-test (Welch 1947; ``scipy.stats.ttest_ind(equal_var=False)``): t = (ā − b̄) /
    sqrt(s_a²/n_a + s_b²/n_b), Welch–Satterthwaite df, two-sided p.

    Parameters
    ----------
    a, b : array_like
        Two independent samples (per-seed mean AUCs), at least 2 values each (a ``ValueError``
        otherwise).
    confidence : float, default 0.95
        Level of the confidence interval of mean(a) − mean(b).

    Returns
    -------
    Comparison
        ``difference``, ``ci_low``, ``ci_high``, ``statistic``, ``df``, ``p_value``.

    Examples
    --------
    >>> import ganseg_lib
    >>> r = ganseg_lib.welch_test([0.951, 0.953, 0.950, 0.954], [0.946, 0.949, 0.947, 0.944])
    >>> round(r.difference, 4), round(r.ci_low, 4), round(r.ci_high, 4), round(r.p_value, 4)
    (0.0055, 0.0021, 0.0089, 0.0076)
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) < 2 or len(b) < 2:
        raise ValueError(
            f"Welch's t-test needs at least 2 values per group, got {len(a)} and {len(b)}"
        )
    res = stats.ttest_ind(a, b, equal_var=False)
    return _comparison("welch", a, b, res, a.mean() - b.mean(), confidence)


def paired_test(a: Sequence[float], b: Sequence[float], confidence: float = 0.95) -> Comparison:
    """Paired t-test (``scipy.stats.ttest_rel``): t = mean(d) / (sd(d) / sqrt(n)), d = a − b,
    n − 1 df; a[i] and b[i] share a unit (a seed's patch set, or a test image).

    Parameters
    ----------
    a, b : array_like
        Paired samples of equal length, at least 2 (a ``ValueError`` otherwise).
    confidence : float, default 0.95
        Level of the confidence interval of mean(a − b).

    Returns
    -------
    Comparison
        As :func:`welch_test`, with ``test`` "paired".

    Examples
    --------
    >>> import ganseg_lib
    >>> r = ganseg_lib.paired_test([0.951, 0.953, 0.950, 0.954], [0.946, 0.949, 0.947, 0.944])
    >>> round(r.difference, 4), r.df, round(r.p_value, 4)
    (0.0055, 3.0, 0.0384)
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) != len(b) or len(a) < 2:
        raise ValueError(
            f"a paired test needs two equal-length samples of >= 2, got {len(a)}, {len(b)}"
        )
    res = stats.ttest_rel(a, b)
    return _comparison("paired", a, b, res, (a - b).mean(), confidence)


def compare_arms(a: pd.Series, b: pd.Series) -> tuple[Comparison | None, Comparison | None]:
    """(Welch across seeds, paired by seed) of two arms' per-seed scores a − b (Series indexed by
    seed); a test is None when it lacks 2 values per group (or 2 common seeds)."""
    welch = welch_test(a, b) if len(a) >= 2 and len(b) >= 2 else None
    common = sorted(set(a.index) & set(b.index))
    paired = paired_test(a[common], b[common]) if len(common) >= 2 else None
    return welch, paired


@dataclass(frozen=True)
class ContrastTest:
    """A linear contrast Σ w_i mean_i of independent groups, with a Welch–Satterthwaite t-test."""

    estimate: float
    se: float
    df: float
    statistic: float
    p_value: float
    ci_low: float
    ci_high: float


def contrast_test(
    groups: Sequence[Sequence[float]], weights: Sequence[float], confidence: float = 0.95
) -> ContrastTest:
    """t = Σ w_i x̄_i / sqrt(Σ w_i² s_i²/n_i), df by Welch–Satterthwaite, two-sided p.

    With two groups and weights (1, −1) this is Welch's t-test; with (1, −1, −1, 1) it is the
    difference of two differences (claim 5).

    Parameters
    ----------
    groups : sequence of array_like
        Independent samples, at least 2 values each (a ``ValueError`` otherwise).
    weights : sequence of float
        One weight per group.
    confidence : float, default 0.95
        Level of the confidence interval of the contrast.

    Returns
    -------
    ContrastTest
        ``estimate``, ``se``, ``df``, ``statistic``, ``p_value``, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> import ganseg_lib
    >>> groups = [[0.95, 0.96, 0.94], [0.93, 0.92, 0.94], [0.96, 0.95, 0.97], [0.95, 0.96, 0.94]]
    >>> r = ganseg_lib.contrast_test(groups, [1, -1, -1, 1])  # a difference of differences
    >>> round(r.estimate, 4), round(r.df, 1), round(r.p_value, 4)
    (0.01, 8.0, 0.4117)
    """
    arrays = [np.asarray(g, float) for g in groups]
    if len(arrays) != len(weights):
        raise ValueError(f"{len(arrays)} groups but {len(weights)} weights")
    if any(len(a) < 2 for a in arrays):
        raise ValueError("every group of a contrast test needs at least 2 values")
    w = np.asarray(weights, float)
    terms = np.array([wi**2 * a.var(ddof=1) / len(a) for wi, a in zip(w, arrays)])
    estimate = float(sum(wi * a.mean() for wi, a in zip(w, arrays)))
    se = float(np.sqrt(terms.sum()))
    dfree = float(terms.sum() ** 2 / sum(t**2 / (len(a) - 1) for t, a in zip(terms, arrays)))
    t = estimate / se
    p = float(2 * stats.t.sf(abs(t), dfree))
    half = float(stats.t.ppf(0.5 + confidence / 2, dfree) * se)
    return ContrastTest(estimate, se, dfree, float(t), p, estimate - half, estimate + half)


@dataclass(frozen=True)
class Equivalence:
    """A TOST result: the difference lies within ±margin when p_value < α."""

    test: str  # "welch" or "paired"
    margin: float
    difference: float
    p_lower: float  # H0: difference ≤ −margin
    p_upper: float  # H0: difference ≥ +margin
    ci_low: float  # the 1 − 2α CI: inside ±margin exactly when p_value < α
    ci_high: float
    df: float

    @property
    def p_value(self) -> float:
        return max(self.p_lower, self.p_upper)


def tost(
    a: Sequence[float], b: Sequence[float], margin: float, paired: bool = False
) -> Equivalence:
    """Two one-sided tests (Schuirmann 1987) of ``|mean(a) − mean(b)| < margin``.

    t_lower = (d + margin) / se against H0 d ≤ −margin, t_upper = (d − margin) / se against
    H0 d ≥ margin; p = max of the two one-sided p-values. se and df are Welch's (or the paired
    test's with ``paired``), as ``scipy.stats.ttest_ind(a + margin, b, equal_var=False,
    alternative="greater")`` and ``(a − margin, b, alternative="less")``.

    Parameters
    ----------
    a, b : array_like
        The two samples, at least 2 values each (equal length when ``paired``).
    margin : float
        The equivalence margin, > 0 (a ``ValueError`` otherwise).
    paired : bool, default False
        Use the paired test's se and df instead of Welch's.

    Returns
    -------
    Equivalence
        ``p_value`` (equivalent when below α), ``p_lower``, ``p_upper`` and the 90 % CI.

    Examples
    --------
    >>> import ganseg_lib
    >>> r = ganseg_lib.tost([0.951, 0.953, 0.950, 0.954], [0.946, 0.949, 0.947, 0.944], margin=0.01)
    >>> round(r.p_value, 4), round(r.ci_low, 4), round(r.ci_high, 4)
    (0.0089, 0.0028, 0.0082)
    """
    if not margin > 0:
        raise ValueError(f"margin must be > 0, got {margin}")
    a, b = np.asarray(a, float), np.asarray(b, float)
    base = paired_test(a, b) if paired else welch_test(a, b)
    d, dfree = base.difference, base.df
    if paired:
        se = float((a - b).std(ddof=1) / np.sqrt(len(a)))
    else:
        se = float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
    if se == 0:  # no spread in either sample: no t statistic, NaN as scipy's Welch test gives
        return Equivalence(base.test, margin, d, np.nan, np.nan, np.nan, np.nan, dfree)
    p_lower = float(stats.t.sf((d + margin) / se, dfree))
    p_upper = float(stats.t.cdf((d - margin) / se, dfree))
    half = float(stats.t.ppf(1 - SIGNIFICANCE, dfree) * se)
    return Equivalence(base.test, margin, d, p_lower, p_upper, d - half, d + half, dfree)


def welch_power(
    difference: float,
    sd_a: float,
    sd_b: float,
    n_a: int,
    n_b: int,
    alpha: float = SIGNIFICANCE,
) -> float:
    """Power of the two-sided Welch test for a true ``difference``: ``P(|T| > t_(1−α/2, ν))``,
    T non-central t (ν by Welch–Satterthwaite from the given sds, non-centrality difference / se)
    — the usual approximation, within a few points of a simulation at n = 5.

    Parameters
    ----------
    difference, sd_a, sd_b : float
        The true difference of means and the groups' standard deviations.
    n_a, n_b : int
        The groups' sizes, at least 2.
    alpha : float, default 0.05
        The test's two-sided level.

    Returns
    -------
    float
        The probability that the test rejects.

    Examples
    --------
    >>> import ganseg_lib
    >>> round(ganseg_lib.welch_power(0.002, 0.0015, 0.0015, 5, 5), 2)
    0.46
    """
    va, vb = sd_a**2 / n_a, sd_b**2 / n_b
    se = np.sqrt(va + vb)
    dfree = (va + vb) ** 2 / (va**2 / (n_a - 1) + vb**2 / (n_b - 1))
    crit = stats.t.ppf(1 - alpha / 2, dfree)
    ncp = difference / se  # far in the tail scipy's nct gives NaN: the power is then 1 or 0 to 1e-9
    power = stats.nct.sf(crit, dfree, ncp) + stats.nct.cdf(-crit, dfree, ncp)
    return float(power if np.isfinite(power) else stats.norm.sf(crit - abs(ncp)))


def correlation(a: Sequence[float], b: Sequence[float]) -> float:
    """Pearson's r of paired values (NaN with fewer than 3 pairs): whether pairing can help."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) < 3 or len(a) != len(b):
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def mean_ci(scores: Sequence[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): the t interval of the mean, x̄ ± t_(1−α/2, n−1) s / √n (NaN bounds
    below 2 values); ``scipy.stats.t.interval`` gives the same bounds."""
    x = np.asarray(scores, float)
    if not len(x):
        return float("nan"), float("nan"), float("nan")
    if len(x) < 2:
        return float(x.mean()), float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + confidence / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return float(x.mean()), float(x.mean()) - half, float(x.mean()) + half


def holm(p_values: Sequence[float | None]) -> list[float]:
    """Holm's step-down adjustment (Holm 1979): with p_(1) ≤ … ≤ p_(m), adjusted p_(i) =
    max_{j ≤ i} min(1, (m − j + 1) p_(j)). A missing p counts as 1 in the family (so m is the
    family's size) and stays missing; ``statsmodels``' ``multipletests(method="holm")`` gives
    the same values.

    Parameters
    ----------
    p_values : sequence of float or None
        The family's p-values; None or NaN for a test not run.

    Returns
    -------
    list of float
        The adjusted p-values, in the given order (NaN where missing).

    Examples
    --------
    >>> import ganseg_lib
    >>> ganseg_lib.holm([0.01, 0.04, 0.03, None])
    [0.04, 0.09, 0.09, nan]
    """
    p = np.array([1.0 if v is None or np.isnan(v) else float(v) for v in p_values])
    m = len(p)
    order = np.argsort(p, kind="stable")
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return [
        float("nan") if v is None or np.isnan(v) else float(a) for v, a in zip(p_values, adjusted)
    ]


def bootstrap_ratio_ci(
    numerator: Sequence[float],
    denominator: Sequence[float],
    baseline: Sequence[float],
    confidence: float = 0.95,
    n_resamples: int = 10_000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """(ratio, low, high) for (mean(numerator) − mean(baseline)) / (mean(denominator) −
    mean(baseline)), e.g. the share of a gain an ablation recovers: a percentile bootstrap
    (Efron & Tibshirani 1993, §13.3) with each of the three independent groups resampled with
    replacement (``scipy.stats.bootstrap``, ``paired=False``, ``method="percentile"``)."""
    groups = [np.asarray(x, float) for x in (numerator, denominator, baseline)]
    if min(len(g) for g in groups) < 2:
        raise ValueError("a bootstrap CI needs at least 2 values per group")

    def ratio(a, d, b, axis=-1):
        base = b.mean(axis=axis)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (a.mean(axis=axis) - base) / (d.mean(axis=axis) - base)

    point = float(ratio(*groups))
    res = stats.bootstrap(
        groups,
        ratio,
        paired=False,
        vectorized=True,
        confidence_level=confidence,
        n_resamples=n_resamples,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    ci = res.confidence_interval
    return point, float(ci.low), float(ci.high)
