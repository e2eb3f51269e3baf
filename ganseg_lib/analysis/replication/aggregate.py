"""From run records to the numbers the claims are judged on: per-seed scores, per-size summaries,
per-image comparisons and the size gains.

Everything here works on the DataFrame of :func:`ganseg_lib.evaluate.record.load_results` (one
row per run, its :class:`~ganseg_lib.evaluate.record.RunRecord` in ``record``). A run's score is
its mean AUC over the test images; the unit of replication is the seed. Failed runs are listed
apart (:func:`failed_runs`) and never averaged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ganseg_lib.analysis.stats import (
    Comparison,
    ContrastTest,
    contrast_test,
    correlation,
    paired_test,
    welch_test,
)
from ganseg_lib.paper import PAPER_METHODS

SUMMARY_COLUMNS = (
    "n_patches",
    "method",
    "n_seeds",
    "seeds",
    "mean_auc",
    "sd_auc",
    "pooled_auc",
    "image_sd_auc",
    "n_failed",
)


def ok_runs(df: pd.DataFrame) -> pd.DataFrame:
    """The successful runs (status "ok" with an evaluation)."""
    return df[(df["status"] == "ok") & df["mean_auc"].notna()]


def failed_runs(df: pd.DataFrame) -> pd.DataFrame:
    """The failed runs, with the reason recorded: listed, never averaged."""
    bad = df[df["status"] != "ok"]
    out = bad[["method", "n_patches", "seed", "status"]].copy()
    out["reason"] = [r.failure or "" for r in bad["record"]]
    return out.reset_index(drop=True)


def _runs(df: pd.DataFrame, n_patches: int, method: str) -> pd.DataFrame:
    ok = ok_runs(df)
    return ok[(ok["n_patches"] == n_patches) & (ok["method"] == method)].sort_values("seed")


def per_seed_scores(df: pd.DataFrame, n_patches: int, method: str) -> np.ndarray:
    """Each successful run's mean test AUC at one size and method, ordered by seed."""
    return _runs(df, n_patches, method)["mean_auc"].to_numpy(dtype=float)


def common_seeds(df: pd.DataFrame, n_patches: int) -> list[int]:
    """The seeds both methods have at a size: the pairs of the paired tests."""
    seeds = [set(_runs(df, n_patches, m)["seed"]) for m in PAPER_METHODS]
    return sorted(int(s) for s in set.intersection(*seeds))


def seed_pairs(df: pd.DataFrame, n_patches: int) -> tuple[np.ndarray, np.ndarray]:
    """(GAN-CNN, CNN) scores of the seeds both methods have, in the same seed order."""
    seeds = common_seeds(df, n_patches)
    out = []
    for m in PAPER_METHODS:
        runs = _runs(df, n_patches, m)
        out.append(runs[runs["seed"].isin(seeds)]["mean_auc"].to_numpy(dtype=float))
    return out[0], out[1]


def aggregate(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (size, method): seeds, mean ± sd (ddof 1) over seeds of the per-run mean AUC,
    mean pooled AUC, mean per-image sd, failed runs. Sizes increasing, GAN-CNN first."""
    rows = []
    for n in sorted(set(df["n_patches"])):
        for m in PAPER_METHODS:
            sel = _runs(df, n, m)
            n_failed = int(
                ((df["n_patches"] == n) & (df["method"] == m) & (df["status"] != "ok")).sum()
            )
            if sel.empty and not n_failed:
                continue
            scores = sel["mean_auc"].to_numpy(dtype=float)
            rows.append(
                {
                    "n_patches": int(n),
                    "method": m,
                    "n_seeds": len(sel),
                    "seeds": [int(s) for s in sel["seed"]],
                    "mean_auc": float(scores.mean()) if len(scores) else math.nan,
                    "sd_auc": float(scores.std(ddof=1)) if len(scores) > 1 else math.nan,
                    "pooled_auc": float(sel["pooled_auc"].mean()) if len(sel) else math.nan,
                    "image_sd_auc": float(sel["sd_auc"].mean()) if len(sel) else math.nan,
                    "n_failed": n_failed,
                }
            )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def per_image_scores(
    df: pd.DataFrame, n_patches: int, method: str, seeds: Sequence[int]
) -> tuple[list[str], np.ndarray]:
    """Each test image's AUC averaged over the runs of ``seeds``: (image ids, AUCs).

    Raises ValueError when the runs were evaluated on different images.
    """
    runs = _runs(df, n_patches, method)
    evs = [r.evaluation for r in runs[runs["seed"].isin(seeds)]["record"]]
    ids = evs[0]["image_ids"]
    if any(ev["image_ids"] != ids for ev in evs):
        raise ValueError(f"{method} runs at {n_patches} patches were evaluated on different images")
    return list(ids), np.mean([ev["per_image_auc"] for ev in evs], axis=0)


@dataclass(frozen=True)
class SizeComparison:
    """GAN-CNN vs CNN at one dataset size, by each unit of :mod:`ganseg_lib.analysis.stats`."""

    n_patches: int
    gan_scores: tuple[float, ...]
    cnn_scores: tuple[float, ...]
    seeds: Comparison | None  # Welch across per-seed mean AUCs (the verdicts' test)
    seeds_paired: Comparison | None  # paired by seed (same labelled patches)
    seed_correlation: float  # Pearson's r of the paired per-seed scores
    image_seeds: tuple[int, ...]  # the seeds both methods have (the per-image tests use them all)
    images: Comparison | None  # Welch across per-image AUCs, each averaged over image_seeds
    images_paired: Comparison | None  # paired by test image
    images_favouring_gan: int  # images on which GAN-CNN's AUC is the higher

    @property
    def image_seed(self) -> int | None:
        """The lowest seed both methods have (the one whose segmentation maps are shown)."""
        return self.image_seeds[0] if self.image_seeds else None

    @property
    def difference(self) -> float:
        """Mean GAN-CNN score minus mean CNN score (NaN when a method has no run)."""
        if not self.gan_scores or not self.cnn_scores:
            return math.nan
        return float(np.mean(self.gan_scores) - np.mean(self.cnn_scores))

    @property
    def n_images(self) -> int:
        return self.images_paired.n_a if self.images_paired else 0


def compare_size(df: pd.DataFrame, n_patches: int) -> SizeComparison:
    """Welch's test across seeds, the paired test by seed, and Welch's and the paired test across
    the test images (each image's AUC averaged over the seeds both methods have)."""
    gan, cnn = per_seed_scores(df, n_patches, "gan"), per_seed_scores(df, n_patches, "cnn")
    seeds = welch_test(gan, cnn) if len(gan) >= 2 and len(cnn) >= 2 else None
    pair_gan, pair_cnn = seed_pairs(df, n_patches)
    seeds_paired = paired_test(pair_gan, pair_cnn) if len(pair_gan) >= 2 else None
    common = common_seeds(df, n_patches)
    images = paired = None
    favouring = 0
    if common:
        ids_g, a = per_image_scores(df, n_patches, "gan", common)
        ids_c, b = per_image_scores(df, n_patches, "cnn", common)
        if len(a) >= 2 and len(b) >= 2:
            images = welch_test(a, b)
            if ids_g == ids_c:
                paired = paired_test(a, b)
                favouring = int((a > b).sum())
    return SizeComparison(
        int(n_patches),
        tuple(gan),
        tuple(cnn),
        seeds,
        seeds_paired,
        correlation(pair_gan, pair_cnn),
        tuple(common),
        images,
        paired,
        favouring,
    )


def image_comparison(df: pd.DataFrame) -> pd.DataFrame:
    """Per size and test image: GAN-CNN and CNN AUC, each averaged over the seeds both methods
    have, and their difference — the data of the per-image tests (one row per image and size)."""
    rows = []
    for n in sorted(set(ok_runs(df)["n_patches"])):
        seeds = common_seeds(df, n)
        if not seeds:
            continue
        ids, gan = per_image_scores(df, n, "gan", seeds)
        _, cnn = per_image_scores(df, n, "cnn", seeds)
        for image_id, a, b in zip(ids, gan, cnn):
            rows.append(
                {
                    "n_patches": int(n),
                    "image_id": image_id,
                    "seeds": len(seeds),
                    "gan": float(a),
                    "cnn": float(b),
                    "difference": float(a - b),
                }
            )
    return pd.DataFrame(
        rows, columns=["n_patches", "image_id", "seeds", "gan", "cnn", "difference"]
    )


def sizes_with_both(df: pd.DataFrame) -> list[int]:
    """The sizes at which both methods have a successful run, increasing."""
    return sorted(n for n in set(ok_runs(df)["n_patches"]) if common_seeds(df, n))


@dataclass(frozen=True)
class Gain:
    """How much one method's mean AUC rises from a small to a large training set."""

    method: str
    small: int
    large: int
    estimate: float
    test: ContrastTest | None  # Welch: large-size scores vs small-size scores


def size_gain(df: pd.DataFrame, method: str, small: int, large: int) -> Gain:
    """mean AUC at ``large`` − mean AUC at ``small`` across seeds, with Welch's test (NaN when
    a size has no run; no test with fewer than 2 seeds at a size)."""
    lo, hi = per_seed_scores(df, small, method), per_seed_scores(df, large, method)
    if not len(lo) or not len(hi):
        return Gain(method, small, large, math.nan, None)
    test = contrast_test([hi, lo], [1, -1]) if len(lo) >= 2 and len(hi) >= 2 else None
    return Gain(method, small, large, float(hi.mean() - lo.mean()), test)


def degradation(df: pd.DataFrame, small: int, large: int) -> tuple[float, ContrastTest | None]:
    """(GAN−CNN at ``small``) − (GAN−CNN at ``large``): how much faster the CNN loses AUC as the
    training set shrinks, with the Welch–Satterthwaite test of the contrast (1, −1, −1, 1)."""
    groups = [
        per_seed_scores(df, small, "gan"),
        per_seed_scores(df, small, "cnn"),
        per_seed_scores(df, large, "gan"),
        per_seed_scores(df, large, "cnn"),
    ]
    if any(not len(g) for g in groups):
        return math.nan, None
    estimate = float(groups[0].mean() - groups[1].mean() - groups[2].mean() + groups[3].mean())
    test = contrast_test(groups, [1, -1, -1, 1]) if all(len(g) >= 2 for g in groups) else None
    return estimate, test
