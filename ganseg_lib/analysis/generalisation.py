"""Does the GAN-CNN generalise better than the CNN? GAN−CNN on the other dataset's test images.

The paper motivates the GAN by representation learning; a representation that is learnt, not
memorised, should carry over to another camera and population. From the cross-dataset results
(:func:`ganseg_lib.evaluate.cross.cross_table`), for each source → target, profile, labelled
patches, weights and scaling at which both the GAN-CNN and the CNN of the paper's protocol (arms
``gan`` and ``cnn``) have results:

* the difference of their mean AUC on the target's test images, GAN − CNN (Welch across seeds,
  95% CI; the paired test by seed beside it, a seed being the same labelled patches);
* the difference of their drops, drop = own test AUC − target AUC: a GAN-CNN that generalises
  better either scores higher on the target or loses less of its own level.
"""

from __future__ import annotations

import math

import pandas as pd

from ganseg_lib.analysis.study import compare_arms
from ganseg_lib.analysis.text import fmt_ci, fmt_signed

KEYS = ["source", "target", "profile", "n_patches", "weights", "scaling"]
ARMS = ("gan", "cnn")  # the paper's protocol: the arm is the bare method name


def _difference(gan: pd.Series, cnn: pd.Series) -> tuple[str, float, float]:
    """(GAN − CNN with its 95% CI, Welch p, paired-by-seed p), by the study's
    :func:`~ganseg_lib.analysis.study.compare_arms`; NaN p without 2 seeds a side."""
    welch, paired = compare_arms(gan, cnn)
    if welch is None:
        diff = gan.mean() - cnn.mean() if len(gan) and len(cnn) else math.nan
        return (
            (fmt_signed(diff) + " (no test)" if not math.isnan(diff) else "–"),
            math.nan,
            math.nan,
        )
    text = f"{fmt_signed(welch.difference)} {fmt_ci(welch.ci_low, welch.ci_high)}"
    return text, welch.p_value, paired.p_value if paired else math.nan


def generalisation_table(table: pd.DataFrame) -> pd.DataFrame:
    """One row per (source → target, profile, size, weights, scaling) with both arms: seeds,
    GAN−CNN in target AUC and in drop, each with its CI and p-values."""
    rows = []
    runs = table[table["arm"].isin(ARMS)] if len(table) else table
    for key, group in runs.groupby(KEYS, sort=True) if len(runs) else []:
        by_arm = {arm: group[group["arm"] == arm].set_index("seed").sort_index() for arm in ARMS}
        if any(not len(g) for g in by_arm.values()):
            continue
        gan, cnn = by_arm["gan"], by_arm["cnn"]
        auc, auc_p, auc_paired = _difference(gan["mean_auc"], cnn["mean_auc"])
        drop_gan, drop_cnn = (
            gan["own_mean_auc"] - gan["mean_auc"],
            cnn["own_mean_auc"] - cnn["mean_auc"],
        )
        drop, drop_p, _ = _difference(drop_gan, drop_cnn)
        row = dict(zip(KEYS, key))
        rows.append(
            {
                "source → target": f"{row['source']} → {row['target']}",
                "patches": int(row["n_patches"]),
                "scaling": row["scaling"],
                "weights": row["weights"],
                "seeds (GAN-CNN, CNN)": f"{len(gan)}, {len(cnn)}",
                "GAN-CNN target AUC": float(gan["mean_auc"].mean()),
                "CNN target AUC": float(cnn["mean_auc"].mean()),
                "GAN−CNN [95% CI]": auc,
                "Welch p": auc_p,
                "paired p (seeds)": auc_paired,
                "GAN−CNN in drop [95% CI]": drop,
                "drop p": drop_p,
            }
        )
    return pd.DataFrame(rows)
