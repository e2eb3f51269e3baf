"""The replication's tests against scipy: Welch, paired, contrast, TOST and power."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from ganseg_lib.analysis import stats


def test_welch_equals_scipy_and_the_formula():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0.93, 0.01, 20), rng.normal(0.92, 0.02, 20)
    res = stats.welch_test(a, b)
    ref = sps.ttest_ind(a, b, equal_var=False)
    assert res.p_value == ref.pvalue and res.statistic == ref.statistic
    va, vb = a.var(ddof=1) / 20, b.var(ddof=1) / 20
    df = (va + vb) ** 2 / (va**2 / 19 + vb**2 / 19)  # Welch–Satterthwaite
    half = sps.t.ppf(0.975, df) * np.sqrt(va + vb)
    assert res.df == pytest.approx(df)
    assert (res.ci_low, res.ci_high) == pytest.approx(
        (a.mean() - b.mean() - half, a.mean() - b.mean() + half)
    )
    with pytest.raises(ValueError, match="at least 2"):
        stats.welch_test([0.9], [0.8, 0.85])


def test_paired_equals_scipy():
    rng = np.random.default_rng(2)
    a = rng.normal(0.9, 0.02, 20)
    b = a - rng.normal(0.01, 0.005, 20)
    res = stats.paired_test(a, b)
    ref = sps.ttest_rel(a, b)
    assert res.p_value == ref.pvalue and res.df == ref.df
    ci = ref.confidence_interval(0.95)
    assert (res.ci_low, res.ci_high) == pytest.approx((ci.low, ci.high))
    assert res.difference == pytest.approx((a - b).mean())
    with pytest.raises(ValueError, match="equal-length"):
        stats.paired_test([0.9, 0.8], [0.8])


def test_contrast_test_reduces_to_welch_and_matches_its_formula():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0.9, 0.01, 5), rng.normal(0.88, 0.02, 4)
    two = stats.contrast_test([a, b], [1, -1])
    ref = sps.ttest_ind(a, b, equal_var=False)
    assert two.p_value == pytest.approx(ref.pvalue)
    assert two.statistic == pytest.approx(ref.statistic)
    groups = [rng.normal(0.9, 0.01, k) for k in (3, 4, 5, 6)]
    res = stats.contrast_test(groups, [1, -1, -1, 1])
    v = [g.var(ddof=1) / len(g) for g in groups]
    df = sum(v) ** 2 / sum(vi**2 / (len(g) - 1) for vi, g in zip(v, groups))
    est = groups[0].mean() - groups[1].mean() - groups[2].mean() + groups[3].mean()
    assert res.estimate == pytest.approx(est) and res.df == pytest.approx(df)
    assert res.p_value == pytest.approx(2 * sps.t.sf(abs(est / np.sqrt(sum(v))), df))
    with pytest.raises(ValueError, match="at least 2"):
        stats.contrast_test([[1.0], [1.0, 2.0]], [1, -1])


@pytest.mark.parametrize("margin", [0.002, 0.0075, 0.02])
def test_tost_welch_is_two_one_sided_scipy_tests(margin):
    rng = np.random.default_rng(3)
    a, b = rng.normal(0.948, 0.0012, 5), rng.normal(0.947, 0.0015, 5)
    eq = stats.tost(a, b, margin)
    lower = sps.ttest_ind(a + margin, b, equal_var=False, alternative="greater").pvalue
    upper = sps.ttest_ind(a - margin, b, equal_var=False, alternative="less").pvalue
    assert (eq.p_lower, eq.p_upper) == pytest.approx((lower, upper))
    assert eq.p_value == pytest.approx(max(lower, upper))
    # the 90% CI lies inside ±margin exactly when both one-sided tests reject at 5%
    inside = -margin < eq.ci_low and eq.ci_high < margin
    assert inside == (eq.p_value < 0.05)


def test_tost_paired_is_two_one_sided_scipy_paired_tests():
    rng = np.random.default_rng(4)
    a = rng.normal(0.95, 0.02, 20)
    b = a - rng.normal(0.001, 0.002, 20)
    eq = stats.tost(a, b, 0.0075, paired=True)
    lower = sps.ttest_rel(a + 0.0075, b, alternative="greater").pvalue
    upper = sps.ttest_rel(a - 0.0075, b, alternative="less").pvalue
    assert eq.test == "paired"
    assert eq.p_value == pytest.approx(max(lower, upper))
    with pytest.raises(ValueError, match="margin"):
        stats.tost(a, b, 0.0)


def test_tost_without_spread_is_nan_like_scipys_welch():
    a, b = [0.9] * 5, [0.9] * 5
    assert np.isnan(sps.ttest_ind(a, b, equal_var=False).pvalue)
    r = stats.tost(a, b, margin=0.0075)
    assert np.isnan(r.p_value) and r.difference == 0.0
    assert not r.p_value < 0.05  # never called equivalent


def test_welch_power_matches_a_simulation():
    rng = np.random.default_rng(5)
    diff, sd_a, sd_b, n = 0.002, 0.0012, 0.0015, 5
    power = stats.welch_power(diff, sd_a, sd_b, n, n)
    sims = 20_000
    a = rng.normal(diff, sd_a, (sims, n))
    b = rng.normal(0.0, sd_b, (sims, n))
    p = sps.ttest_ind(a, b, axis=1, equal_var=False).pvalue
    # the non-central t with the df of the true sds is an approximation of a few points
    assert power == pytest.approx((p < 0.05).mean(), abs=0.04)
    assert stats.welch_power(0.0, sd_a, sd_b, n, n) == pytest.approx(0.05, abs=0.005)


def test_correlation_needs_three_pairs():
    assert np.isnan(stats.correlation([1.0, 2.0], [1.0, 2.0]))
    assert stats.correlation([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == pytest.approx(-1.0)
