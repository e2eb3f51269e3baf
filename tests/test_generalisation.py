"""GAN−CNN on the other dataset's test images, against scipy's tests."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from ganseg_lib.analysis.replication.generalisation import generalisation_table


def _rows(arm, aucs, own, scaling="native"):
    return [
        {
            "source": "chase",
            "target": "drive",
            "profile": "cpu",
            "n_patches": 15_000,
            "weights": "last",
            "scaling": scaling,
            "arm": arm,
            "method": arm,
            "seed": seed,
            "mean_auc": auc,
            "own_mean_auc": own,
        }
        for seed, auc in enumerate(aucs)
    ]


def test_gan_minus_cnn_in_target_auc_and_in_drop():
    gan, cnn = [0.90, 0.91, 0.93], [0.89, 0.90, 0.90]
    table = pd.DataFrame(
        _rows("gan", gan, 0.95)
        + _rows("cnn", cnn, 0.94)
        + _rows("gan-fair-lr0.0003-b0.5", [0.5, 0.5], 0.9)  # another arm: not compared
        + _rows("gan", [0.9], 0.95, scaling="rescaled")  # no CNN at this scaling: no row
    )
    out = generalisation_table(table)
    assert len(out) == 1
    row = out.iloc[0]
    welch = stats.ttest_ind(gan, cnn, equal_var=False)
    assert row["GAN−CNN [95% CI]"].startswith(f"{sum(gan) / 3 - sum(cnn) / 3:+.4f} [")
    assert row["Welch p"] == pytest.approx(welch.pvalue)
    paired = stats.ttest_rel(gan, cnn)
    assert row["paired p (seeds)"] == pytest.approx(paired.pvalue)
    # drops: GAN 0.95 − AUC, CNN 0.94 − AUC: GAN−CNN in drop = 0.01 − (AUC difference)
    drop = 0.01 - (sum(gan) / 3 - sum(cnn) / 3)
    assert row["GAN−CNN in drop [95% CI]"].startswith(f"{drop:+.4f} [")
    assert row["seeds (GAN-CNN, CNN)"] == "3, 3"


def test_no_cross_results_give_an_empty_table():
    assert generalisation_table(pd.DataFrame()).empty


def test_each_protocol_compares_its_own_arms():
    fair = ("gan-fair-lr0.0003-b0.5", "cnn-fair-lr0.0003-b0.9")
    gan, cnn = [0.86, 0.87, 0.88], [0.85, 0.85, 0.86]
    table = pd.DataFrame(
        _rows("gan", [0.90, 0.91], 0.95)
        + _rows("cnn", [0.89, 0.90], 0.94)
        + _rows(fair[0], gan, 0.95)
        + _rows(fair[1], cnn, 0.95)
        + _rows("cnn-fair-lr0.0003-b0.5", [0.1, 0.1], 0.9)  # an arm of another (lr, β1)
    )
    out = generalisation_table(table, {"paper": ("gan", "cnn"), "fair": fair})
    assert list(out["protocol"]) == ["paper", "fair"]
    row = out.iloc[1]
    assert row["Welch p"] == pytest.approx(stats.ttest_ind(gan, cnn, equal_var=False).pvalue)
    assert row["CNN target AUC"] == pytest.approx(sum(cnn) / 3)
