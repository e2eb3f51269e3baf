"""Validation during training: random FOV pixels of the held-out training images, scored by the
DC net's vessel probability and summarised by a ROC AUC (never the test images)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from ganseg_lib.data.patches import extract_patches
from ganseg_lib.data.preprocessing import preprocess
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.errors import DataError
from ganseg_lib.model.networks import DCNet, vessel_probability


@dataclass(frozen=True, eq=False)
class ValidationSet:
    """Random FOV pixels of the validation images: patches (uint8) and vessel truth."""

    patches: np.ndarray
    is_vessel: np.ndarray

    @classmethod
    def from_records(cls, records: list[FundusRecord], n_pixels: int, seed: int) -> ValidationSet:
        """Uniformly drawn FOV pixels (all classes, vessel edges included), like the test metric."""
        if not records:
            raise DataError("the validation split is empty")
        rng = np.random.default_rng([seed, 7919])
        per_image = np.full(len(records), n_pixels // len(records))
        per_image[: n_pixels % len(records)] += 1
        patches, truth = [], []
        for rec, n in zip(records, per_image):
            fov = np.flatnonzero(rec.fov)
            chosen = rng.choice(fov, size=min(int(n), len(fov)), replace=False)
            centers = np.stack(np.unravel_index(chosen, rec.fov.shape), axis=1)
            patches.append(extract_patches(preprocess(rec).image_u8, centers))
            truth.append(rec.vessels[centers[:, 0], centers[:, 1]])
        return cls(np.concatenate(patches), np.concatenate(truth))


def to_input(patches_u8: torch.Tensor) -> torch.Tensor:
    """uint8 (B, 64, 64) → float (B, 1, 64, 64) in [-1, 1] (as preprocessing.to_unit_range)."""
    return (patches_u8.float() / 127.5 - 1.0).unsqueeze(1)


@torch.inference_mode()
def score_patches(
    dcnet: DCNet, patches_u8: np.ndarray | torch.Tensor, batch_size: int = 1024
) -> np.ndarray:
    """Vessel probability p(vessel)/(p(vessel)+p(background)) for each patch (eval mode)."""
    device = next(dcnet.parameters()).device
    was_training = dcnet.training
    dcnet.eval()
    data = torch.as_tensor(patches_u8)
    out = []
    for i in range(0, len(data), batch_size):
        x = to_input(data[i : i + batch_size].to(device))
        out.append(vessel_probability(dcnet(x).float()).cpu())
    dcnet.train(was_training)
    return torch.cat(out).numpy() if out else np.zeros(0, np.float32)


def validation_auc(dcnet: DCNet, val: ValidationSet) -> float:
    """ROC AUC (scikit-learn) of the DC net's vessel score on the validation pixels."""
    if val.is_vessel.all() or not val.is_vessel.any():
        return float("nan")
    return float(roc_auc_score(val.is_vessel, score_patches(dcnet, val.patches)))
