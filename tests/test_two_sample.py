"""The classifier two-sample test (:mod:`ganseg_lib.evaluate.two_sample`): chance on two halves of
one distribution, certain against a constant, and each feature's AUC scikit-learn's."""

from __future__ import annotations

import numpy as np
import pytest

from ganseg_lib.evaluate import two_sample as ts


def test_real_against_real_is_chance(phantom_patches):
    acc = ts.two_sample_accuracy(phantom_patches[:500], phantom_patches[500:])
    assert acc == pytest.approx(0.5, abs=0.08)


def test_real_against_constant_is_always_told_apart(phantom_patches):
    constant = np.full_like(phantom_patches[:500], 128)
    assert ts.two_sample_accuracy(constant, phantom_patches[500:]) >= 0.99


def test_features_have_the_documented_count(phantom_patches):
    assert ts.patch_features(phantom_patches[:7]).shape == (7, ts.N_FEATURES)


def test_feature_aucs_are_sklearns_roc_auc_of_each_feature_folded(phantom_patches):
    from sklearn.metrics import roc_auc_score

    real, other = phantom_patches[:300], phantom_patches[300:600]
    dark = (other // 2).astype(np.uint8)  # every intensity halved: the mean tells them apart
    aucs = ts.feature_aucs(dark, real)
    assert list(aucs) == sorted(aucs, key=lambda k: -aucs[k]) and len(aucs) == ts.N_FEATURES
    assert set(aucs) == set(ts.FEATURE_NAMES)
    column = ts.FEATURE_NAMES.index("mean")
    y = np.r_[np.ones(300), np.zeros(300)]
    x = np.r_[ts.patch_features(dark)[:, column], ts.patch_features(real)[:, column]]
    assert aucs["mean"] == pytest.approx(max(roc_auc_score(y, x), 1 - roc_auc_score(y, x)))
    assert aucs["mean"] > 0.9
    same = ts.feature_aucs(other, real)
    assert all(0.5 <= v < 0.7 for v in same.values())  # two halves of one distribution


def test_group_accuracies_use_only_each_groups_columns(phantom_patches):
    """A difference in brightness alone: the intensity group tells the sets apart as the whole
    test does, the spectrum (shares of power, blind to a scale) cannot."""
    real, other = phantom_patches[:300], phantom_patches[300:600]
    dark = (other // 2).astype(np.uint8)
    groups = ts.group_accuracies(dark, real)
    assert set(groups) == set(ts.FEATURE_GROUPS)
    assert sorted(c for cols in ts.FEATURE_GROUPS.values() for c in cols) == list(
        range(ts.N_FEATURES)
    )
    assert groups["intensity"] > 0.95 and ts.two_sample_accuracy(dark, real) > 0.95
    assert groups["spectrum"] < 0.75
