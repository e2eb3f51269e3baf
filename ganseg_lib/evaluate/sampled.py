"""A fixed random sample of FOV pixels per image: the test pixels of a DC net without a dense path.

A DC net with the paper's normalisation (``norm="instance"``: instance norm after every
convolution) normalises each 64×64 patch by that patch's own statistics, so its map of a whole
image needs one forward pass per pixel (:func:`ganseg_lib.model.dense.predict_patchwise`), about
330,000 patches for a DRIVE image. Such a net is scored on :data:`SAMPLED_PIXELS` pixels per image
instead, drawn uniformly from the FOV (all classes, vessel edges included) with a seed made from
the image's id, so that every run sees the same pixels. Every other net is scored on the same
pixels as well (its dense map read there), beside its whole-FOV numbers: the record's
``evaluation["sampled"]`` is the like-for-like comparison of the two normalisations.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence

import numpy as np
import torch

from ganseg_lib.data.preprocessing import preprocess
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.deviations import declare
from ganseg_lib.model.dense import predict_patchwise

SAMPLED_PIXELS = 10_000  # per image; an image with fewer FOV pixels gives all of them
SAMPLE_SALT = 104_729  # mixed into each image's seed, so the sample is independent of the
# training and validation draws


def sample_mask(record: FundusRecord, n_pixels: int = SAMPLED_PIXELS) -> np.ndarray:
    """Boolean (H, W): ``n_pixels`` FOV pixels of ``record``, the same on every call (seeded by
    the image's id), a subset of its FOV."""
    fov = np.flatnonzero(record.fov)
    rng = np.random.default_rng([zlib.crc32(record.image_id.encode()), SAMPLE_SALT])
    chosen = rng.choice(fov, size=min(n_pixels, len(fov)), replace=False)
    mask = np.zeros(record.fov.size, dtype=bool)
    mask[chosen] = True
    return mask.reshape(record.fov.shape)


def predict_sampled(
    dcnet, record: FundusRecord, mask: np.ndarray, device: str | torch.device = "cpu"
) -> np.ndarray:
    """The vessel probability at the pixels of ``mask`` (each its own patch, as in training),
    NaN elsewhere: a float32 (H, W) map that is only read at ``mask``."""
    pixels = np.argwhere(mask)
    out = np.full(mask.shape, np.nan, dtype=np.float32)
    dcnet = dcnet.to(device)
    out[mask] = predict_patchwise(dcnet, preprocess(record).image, pixels)
    return out


def sample_summary(evaluation, masks: Sequence[np.ndarray]) -> dict:
    """What a record keeps of the metrics on the sampled pixels: mean ± sd of the per-image AUCs,
    the pooled AUC, each image's pixel count and a SHA-256 of the sampled pixel indices (so that
    a record made with another sample, e.g. from another numpy, can be told apart)."""
    digest = hashlib.sha256()
    for mask in masks:
        digest.update(np.flatnonzero(mask).astype(np.int64).tobytes())
    return {
        "mean_auc": evaluation.mean_auc,
        "sd_auc": evaluation.sd_auc,
        "pooled_auc": evaluation.pooled_auc,
        "n_pixels": [int(m.sum()) for m in masks],
        "sample_sha256": digest.hexdigest(),
    }


declare(
    aspect="test pixels of an instance-norm DC net (study, tier 2)",
    paper="every FOV pixel of the 20 test images (the ROC on the combined test images)",
    ours=f"{SAMPLED_PIXELS:,} FOV pixels per test image, a fixed random sample (seeded by the "
    "image's id); the nets of the other arms are reported on the same pixels beside their "
    "whole-FOV numbers",
    reason="instance norm inside the net has no exact dense path: a whole DRIVE image takes "
    "≈330,000 patch forward passes on a CPU, 20 images per checkpoint",
)
