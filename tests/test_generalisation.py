"""GAN−CNN on the other dataset's test images, against scipy's tests."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from ganseg_lib.analysis.generalisation import generalisation_table


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
