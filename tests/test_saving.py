"""The annotation-saving factor: interpolation on log N against numpy, no extrapolation, and a
bootstrap interval that contains the point estimate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ganseg_lib.analysis.study.saving import ABOVE, BELOW, equivalent_size, saving_factor

SIZES = [300, 1_000, 3_000, 15_000]
MEANS = [0.90, 0.92, 0.935, 0.947]


def test_equivalent_size_is_numpys_interpolation_on_log_n():
    for auc in (0.90, 0.91, 0.925, 0.94, 0.947):
        expected = math.exp(np.interp(auc, MEANS, np.log(SIZES)))
        assert equivalent_size(SIZES, MEANS, auc) == pytest.approx(expected)
    assert equivalent_size(SIZES, MEANS, 0.92) == pytest.approx(1_000)


def test_no_extrapolation_beyond_the_measured_curve():
    assert equivalent_size(SIZES, MEANS, 0.85) == BELOW
    assert equivalent_size(SIZES, MEANS, 0.96) == ABOVE
    with pytest.raises(ValueError, match="two sizes"):
        equivalent_size([1_000], [0.9], 0.9)


def test_saving_factor_point_and_interval():
    rng = np.random.default_rng(0)
    cnn = {n: m + rng.normal(0, 0.002, 8) for n, m in zip(SIZES, MEANS)}
    arm = 0.9275 + rng.normal(0, 0.002, 8)  # about the CNN's level at ~1,700 labels
    s = saving_factor(arm, 1_000, cnn, n_resamples=2_000)
    means = [cnn[n].mean() for n in SIZES]
    expected = math.exp(np.interp(arm.mean(), means, np.log(SIZES)))
    assert s.equivalent == pytest.approx(expected)
    assert s.factor == pytest.approx(expected / 1_000)
    assert s.factor_low <= s.factor <= s.factor_high
    assert "is worth ≈" in s.text("GAN-CNN") and "95% CI" in s.text()


def test_an_arm_off_the_curve_is_said_so():
    cnn = {n: [m, m + 0.001] for n, m in zip(SIZES, MEANS)}
    s = saving_factor([0.80, 0.81], 1_000, cnn, n_resamples=500)
    assert s.equivalent == BELOW and s.off_below == 1.0
    assert "not extrapolated" in s.text()


def test_a_group_of_one_seed_gets_no_interval():
    """One seed of the arm, or of a CNN point that N* lies beside, has no spread to resample:
    the point is given, the interval is not, and the text says why; a CNN point of one seed
    elsewhere on the curve does not take the interval away."""
    rng = np.random.default_rng(1)
    cnn = {n: m + rng.normal(0, 0.002, 8) for n, m in zip(SIZES, MEANS)}
    one = saving_factor([0.9275], 1_000, cnn, n_resamples=500)
    assert one.single == ("the arm",) and one.equivalent == pytest.approx(
        math.exp(np.interp(0.9275, [cnn[n].mean() for n in SIZES], np.log(SIZES)))
    )
    assert "no 95% CI while the arm has one seed" in one.text() and "95% CI ×" not in one.text()
    arm = 0.9275 + rng.normal(0, 0.002, 8)  # between the CNN's 1K and 3K points
    near = saving_factor(arm, 1_000, cnn | {1_000: [MEANS[1]]}, n_resamples=500)
    assert 1_000 < near.equivalent < 3_000 and near.single == ("the CNN at 1,000",)
    assert "no 95% CI while the CNN at 1,000 has one seed" in near.text()
    both = saving_factor(arm[:1], 1_000, cnn | {3_000: [MEANS[2]]}, n_resamples=500)
    assert both.single == ("the arm", "the CNN at 3,000") and "have one seed" in both.text()
    far = saving_factor(arm, 1_000, cnn | {15_000: [MEANS[3]]}, n_resamples=500)
    assert far.single == () and "95% CI ×" in far.text()
