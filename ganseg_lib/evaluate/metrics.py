"""Metrics — seed slides "Testing Details" and "Results".

> In retinal vessel segmentation literature, area under the Receiver Operation Curve, i.e., AUC is
> taken as a standard metric of comparison. [...] p-value (Welch's t-test) indicates that there is
> significant difference between the mean AUCs of the proposed method and simple CNN.

Everything is computed by scikit-learn; nothing here re-implements an AUC. The statistical tests
between methods are in :mod:`ganseg_lib.analysis.stats`.
Only pixels inside the field of view count (the convention of the DRIVE literature). The ROC
curves of the slides are pooled over the 20 test images: all their FOV pixels in one curve.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from ganseg_lib.deviations import declare

MAX_ROC_POINTS = 512
declare(
    aspect="evaluated pixels",
    paper="not stated",
    ours="pixels inside the FOV of the test images; mean of per-image AUCs, and a pooled ROC",
    reason="the convention of the DRIVE literature",
)
declare(
    aspect="decision threshold",
    paper="not stated",
    ours="the threshold maximising F1 on the validation images' pixels",
    reason="thresholded metrics must not be tuned on the test images",
)


def fov_pixels(
    prob: np.ndarray, vessels: np.ndarray, fov: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and truth of the pixels inside the FOV (outside pixels are excluded, not zeroed)."""
    if prob.shape != fov.shape or vessels.shape != fov.shape:
        raise ValueError(
            f"shapes differ: map {prob.shape}, vessels {vessels.shape}, fov {fov.shape}"
        )
    if not np.isfinite(prob[fov]).all():
        raise ValueError("the probability map has NaN or Inf inside the FOV")
    return prob[fov], vessels[fov]


def image_auc(prob: np.ndarray, vessels: np.ndarray, fov: np.ndarray) -> float:
    """ROC AUC of one image over its FOV pixels, against the manual annotation."""
    return float(roc_auc_score(*reversed(fov_pixels(prob, vessels, fov))))


def downsample_curve(x: np.ndarray, y: np.ndarray, n: int = MAX_ROC_POINTS) -> tuple[list, list]:
    """At most ``n`` points of a curve, always keeping its two ends."""
    if len(x) <= n:
        return x.tolist(), y.tolist()
    idx = np.unique(np.round(np.linspace(0, len(x) - 1, n)).astype(int))
    return x[idx].tolist(), y[idx].tolist()


@dataclass(frozen=True)
class ThresholdMetrics:
    """Pixel metrics at a fixed threshold (vessel = score ≥ threshold), FOV pixels pooled."""

    threshold: float
    accuracy: float
    sensitivity: float
    specificity: float
    f1: float


def threshold_metrics(scores: np.ndarray, truth: np.ndarray, threshold: float) -> ThresholdMetrics:
    pred = scores >= threshold
    tp = float(np.sum(pred & truth))
    tn = float(np.sum(~pred & ~truth))
    fp = float(np.sum(pred & ~truth))
    fn = float(np.sum(~pred & truth))
    return ThresholdMetrics(
        threshold=float(threshold),
        accuracy=(tp + tn) / max(tp + tn + fp + fn, 1.0),
        sensitivity=tp / max(tp + fn, 1.0),
        specificity=tn / max(tn + fp, 1.0),
        f1=2 * tp / max(2 * tp + fp + fn, 1.0),
    )


def choose_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """The threshold that maximises F1 on *validation* pixels (never on the test images)."""
    precision, recall, thresholds = precision_recall_curve(truth, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return float(thresholds[int(np.argmax(f1[:-1]))])


@dataclass(frozen=True)
class Evaluation:
    """Per-image and pooled metrics of one run on a set of images."""

    image_ids: list[str]
    per_image_auc: list[float]
    mean_auc: float
    sd_auc: float
    pooled_auc: float
    pooled_pr_auc: float
    roc_fpr: list[float]
    roc_tpr: list[float]
    thresholded: dict
    # the same metrics on a fixed sample of FOV pixels (ganseg_lib.evaluate.sampled), when taken
    sampled: dict | None = None

    def to_json(self) -> dict:
        return asdict(self)


def evaluate_maps(
    maps: Sequence[np.ndarray],
    vessels: Sequence[np.ndarray],
    fovs: Sequence[np.ndarray],
    image_ids: Sequence[str],
    threshold: float,
) -> Evaluation:
    """AUC per image (mean ± sd, ddof=1), pooled AUC, pooled PR-AUC (average precision), pooled
    ROC down-sampled to ≤ 512 points, and accuracy/sensitivity/specificity/F1 at ``threshold``."""
    per_image, all_scores, all_truth = [], [], []
    for prob, ves, fov in zip(maps, vessels, fovs, strict=True):
        s, t = fov_pixels(prob, ves, fov)
        per_image.append(float(roc_auc_score(t, s)))
        all_scores.append(s)
        all_truth.append(t)
    scores, truth = np.concatenate(all_scores), np.concatenate(all_truth)
    fpr, tpr, _ = roc_curve(truth, scores)
    fpr_d, tpr_d = downsample_curve(fpr, tpr)
    return Evaluation(
        image_ids=list(image_ids),
        per_image_auc=per_image,
        mean_auc=float(np.mean(per_image)),
        sd_auc=float(np.std(per_image, ddof=1)) if len(per_image) > 1 else 0.0,
        pooled_auc=float(roc_auc_score(truth, scores)),
        pooled_pr_auc=float(average_precision_score(truth, scores)),
        roc_fpr=fpr_d,
        roc_tpr=tpr_d,
        thresholded=asdict(threshold_metrics(scores, truth, threshold)),
    )
