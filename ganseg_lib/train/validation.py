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
from ganseg_lib.paper import FAKE, K


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
def validate(dcnet: DCNet, val: ValidationSet, batch_size: int = 1024) -> dict[str, float | None]:
    """The validation AUC and, for a K+1-way DC net, the mean p(fake | validation real pixel):
    how much of the real, held-out data the DC net takes for fake."""
    device = next(dcnet.parameters()).device
    was_training = dcnet.training
    dcnet.eval()
    data = torch.as_tensor(val.patches)
    scores, p_fake = [], []
    for i in range(0, len(data), batch_size):
        logits = dcnet(to_input(data[i : i + batch_size].to(device))).float()
        scores.append(vessel_probability(logits).cpu())
        if logits.shape[1] == K + 1:
            p_fake.append(torch.softmax(logits, dim=1)[:, FAKE].cpu())
    dcnet.train(was_training)
    score = torch.cat(scores).numpy()
    one_class = val.is_vessel.all() or not val.is_vessel.any()
    return {
        "val_auc": float("nan") if one_class else float(roc_auc_score(val.is_vessel, score)),
        "p_fake_val": float(torch.cat(p_fake).mean()) if p_fake else None,
    }
