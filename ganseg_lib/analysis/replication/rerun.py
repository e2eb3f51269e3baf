"""The replication's comparisons run again with a variant of its GAN-CNN, beside the originals.

The generator check (:mod:`ganseg_lib.evaluate.generator_check`) found that the replication's
DC net calls every patch fake, real ones included, and that a real-data term in the DC loss
(``TrainConfig.real_not_fake``) keeps real patches out of the fake class. The variant's records
(``results/cpu/drive/gan-realnotfake-n<N>-s<seed>.json``: the paper's protocol and the ``cpu``
budget, the fused step) are set against the same CNN records as the original GAN-CNN, by the
same rule (:func:`~ganseg_lib.analysis.replication.rules.relative_verdict`, Welch across seeds),
so that the table says whether a claim's verdict changes. The CNN's records keep the
replication's step; the variant's GAN-CNN runs the fused one, which the table says.
"""

from __future__ import annotations

import os

import pandas as pd

from ganseg_lib.analysis.present.text import fmt_ci, fmt_p, fmt_share, fmt_signed
from ganseg_lib.analysis.replication.rules import relative_verdict
from ganseg_lib.analysis.stats import welch_test
from ganseg_lib.evaluate.record import load_results
from ganseg_lib.paper import PAPER_RESULTS, size_label

VARIANT = "gan-realnotfake"  # the arm of the GAN-CNN with the DC loss's real-data term
CLAIM_OF_SIZE = {15_000: "1", 30_000: "2"}


def _scores(df: pd.DataFrame, arm: str, n: int) -> pd.Series:
    ok = [r for r in df["record"] if r.ok and r.config.arm == arm and r.config.n_patches == n]
    return pd.Series(
        [r.evaluation["mean_auc"] for r in ok], index=[r.config.seed for r in ok], dtype=float
    ).sort_index()


def _row(name: str, gan: pd.Series, cnn: pd.Series, n: int) -> dict:
    paper = PAPER_RESULTS[n]["gan"] - PAPER_RESULTS[n]["cnn"]
    row = {
        "GAN-CNN": name,
        "seeds (GAN-CNN, CNN)": f"{len(gan)}, {len(cnn)}",
        "GAN-CNN mean AUC": f"{gan.mean():.4f}" if len(gan) else "–",
    }
    if len(gan) < 2 or len(cnn) < 2:
        difference = fmt_signed(gan.mean() - cnn.mean()) if len(gan) and len(cnn) else "–"
        return {**row, "GAN−CNN [95% CI]": difference, "Welch p": "–", "verdict": "not tested"}
    w = welch_test(gan, cnn)
    verdict = relative_verdict(w.difference, w.ci_low, w.ci_high, w.p_value, paper)
    share = f" ({fmt_share(w.difference / paper)} of the paper's {paper:+.3f})"
    return {
        **row,
        "GAN−CNN [95% CI]": f"{fmt_signed(w.difference)} {fmt_ci(w.ci_low, w.ci_high)}",
        "Welch p": fmt_p(w.p_value),
        "verdict": verdict + share,
    }


def rerun_table(results_dir: str | os.PathLike = "results") -> pd.DataFrame:
    """Claims 1 and 2 (GAN-CNN beats the CNN at 15K and at 30K), each with the original GAN-CNN
    and with the variant, against the same CNN records; sizes where the variant has no record
    are left out."""
    df = load_results(results_dir, profile="cpu", data="drive")
    rows = []
    for n, claim in CLAIM_OF_SIZE.items():
        variant = _scores(df, VARIANT, n) if len(df) else pd.Series(dtype=float)
        if not len(variant):
            continue
        cnn = _scores(df, "cnn", n)
        for name, gan in (
            ("as replicated", _scores(df, "gan", n)),
            ("with the real-data term", variant),
        ):
            rows.append({"claim": claim, "size": size_label(n), **_row(name, gan, cnn, n)})
    return pd.DataFrame(rows)


def rerun_sentence(table: pd.DataFrame) -> str:
    """Whether a verdict changes, claim by claim ('' without records of the variant)."""
    if not len(table):
        return ""
    parts = []
    for claim, group in table.groupby("claim", sort=True):
        before, after = group.iloc[0], group.iloc[1]
        if after["verdict"] == "not tested":
            parts.append(
                f"claim {claim} ({before['size']}): GAN-CNN − CNN {after['GAN−CNN [95% CI]']} "
                f"on {after['seeds (GAN-CNN, CNN)']} seeds so far, not yet tested (a test needs "
                f"2 seeds a side), beside {before['verdict']} as replicated"
            )
            continue
        same = before["verdict"].split(" (")[0] == after["verdict"].split(" (")[0]
        parts.append(
            f"claim {claim} ({before['size']}): {after['verdict']} with the real-data term "
            f"({after['seeds (GAN-CNN, CNN)']} seeds), "
            + ("the same verdict as" if same else "against")
            + f" {before['verdict']} as replicated"
        )
    return "With the real-data term in the DC loss: " + "; ".join(parts) + "."
