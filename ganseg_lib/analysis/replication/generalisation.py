"""Does the GAN-CNN generalise better than the CNN? GAN−CNN on the other dataset's test images.

The paper motivates the GAN by representation learning; a representation that is learnt, not
memorised, should carry over to another camera and population. From the cross-dataset results
(:func:`ganseg_lib.evaluate.cross.cross_table`), for each source → target, profile, labelled
patches, weights and scaling at which both the GAN-CNN and the CNN of a protocol have results
(the paper's protocol: arms ``gan`` and ``cnn``; the study's fair protocol: the arms of the chosen
learning rate and β1, :func:`ganseg_lib.analysis.study.records.protocol_arms`):

* the difference of their mean AUC on the target's test images, GAN − CNN (Welch across seeds,
  95% CI; the paired test by seed beside it, a seed being the same labelled patches);
* the difference of their drops, drop = own test AUC − target AUC: a GAN-CNN that generalises
  better either scores higher on the target or loses less of its own level.
"""

from __future__ import annotations

import math

import pandas as pd

from ganseg_lib.analysis.present.text import fmt_ci, fmt_signed
from ganseg_lib.analysis.stats import compare_arms

KEYS = ["source", "target", "profile", "n_patches", "weights", "scaling"]
ARMS = ("gan", "cnn")  # the paper's protocol: the arm is the bare method name
PAPER_ARMS = {"paper": ARMS}


def _difference(gan: pd.Series, cnn: pd.Series) -> tuple[str, float, float]:
    """(GAN − CNN with its 95% CI, Welch p, paired-by-seed p), by
    :func:`~ganseg_lib.analysis.stats.compare_arms`; NaN p without 2 seeds a side."""
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


def generalisation_table(
    table: pd.DataFrame, arms: dict[str, tuple[str, str]] | None = None
) -> pd.DataFrame:
    """One row per (protocol, source → target, profile, size, weights, scaling) with both arms:
    seeds, GAN−CNN in target AUC and in drop, each with its CI and p-values (``arms``: the
    (GAN-CNN, CNN) arm names per protocol, the paper's by default;
    :func:`ganseg_lib.analysis.study.records.protocol_arms` adds the study's)."""
    rows = []
    for protocol, (gan_arm, cnn_arm) in (arms or PAPER_ARMS).items():
        for row in _protocol_rows(table, gan_arm, cnn_arm):
            rows.append({"protocol": protocol, **row})
    return pd.DataFrame(rows)


def _protocol_rows(table: pd.DataFrame, gan_arm: str, cnn_arm: str) -> list[dict]:
    rows = []
    runs = table[table["arm"].isin((gan_arm, cnn_arm))] if len(table) else table
    for key, group in runs.groupby(KEYS, sort=True) if len(runs) else []:
        gan, cnn = (
            group[group["arm"] == arm].set_index("seed").sort_index() for arm in (gan_arm, cnn_arm)
        )
        if not len(gan) or not len(cnn):
            continue
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
    return rows
