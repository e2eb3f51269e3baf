"""Scale normalisation: a DC net sees an image at the scale of its training data.

The DC net sees 64×64 patches at its training scale; a camera with twice DRIVE's resolution would
otherwise show it vessels twice as wide as any it was trained on. :func:`predict_scaled` resizes
the image so that its FOV diameter (the width of the widest FOV row,
:func:`ganseg_lib.data.fov.fov_diameter`) equals that of the training data (DRIVE: 540 px,
CHASE_DB1: 920.5 px), predicts the whole-image map, and resizes the map back to the image's size
(bilinear). Used by ``ganseg predict`` (:mod:`ganseg_lib.predict`) and by cross-dataset evaluation
(:mod:`ganseg_lib.evaluate.cross`).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from ganseg_lib.data.fov import CHASE_FOV_DIAMETER, DRIVE_FOV_DIAMETER, fov_diameter
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.errors import DataError

# FOV diameter (px) of each training data source. The phantom has none: its frame size is a
# parameter and its vessel widths scale with it, so a phantom-trained model is never rescaled.
TRAINING_FOV_DIAMETER = {"drive": DRIVE_FOV_DIAMETER, "chase": CHASE_FOV_DIAMETER, "phantom": None}
RESCALE_TOLERANCE = 0.02  # no resampling when the scale factor is within 2 % of 1
MAX_SCALE = 4.0  # a factor beyond [1/4, 4] means a wrong FOV, not a different camera


def scale_factor(fov: np.ndarray, target_diameter: float) -> float:
    """The resize factor that brings the FOV's diameter to ``target_diameter`` pixels."""
    diameter = fov_diameter(fov)
    factor = target_diameter / diameter
    if not 1 / MAX_SCALE <= factor <= MAX_SCALE:
        raise DataError(
            f"FOV diameter {diameter:.0f} px needs a scale factor {factor:.2f}, outside "
            f"[{1 / MAX_SCALE:.2f}, {MAX_SCALE:.0f}]: the FOV was not found (pass --mask) or the "
            "image is not a fundus photograph (--no-rescale skips scale normalisation)"
        )
    return factor


def applied_scale(fov: np.ndarray, target_diameter: float | None) -> float:
    """The factor :func:`predict_scaled` resizes by: :func:`scale_factor`, or 1.0 when
    ``target_diameter`` is None or the factor is within ``RESCALE_TOLERANCE`` of 1."""
    factor = scale_factor(fov, target_diameter) if target_diameter is not None else 1.0
    return 1.0 if abs(factor - 1.0) <= RESCALE_TOLERANCE else factor


def _resize_rgb(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """uint8 RGB → (width, height) ``size``; Lanczos (anti-aliased when shrinking)."""
    return np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.LANCZOS))


def _resize_mask(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    im = Image.fromarray(mask.astype(np.uint8) * 255).resize(size, Image.Resampling.BILINEAR)
    return np.asarray(im) >= 128


def _resize_map(prob: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    im = Image.fromarray(prob.astype(np.float32), mode="F").resize(size, Image.Resampling.BILINEAR)
    return np.clip(np.asarray(im), 0.0, 1.0)


def predict_scaled(
    dcnet,
    rgb: np.ndarray,
    fov: np.ndarray,
    target_diameter: float | None,
    device="cpu",
    image_id: str = "image",
) -> tuple[np.ndarray, float]:
    """The vessel probability map (float32 H×W, 0 outside ``fov``) of an RGB image predicted
    with its FOV diameter brought to ``target_diameter`` (None: at its own scale), and the scale
    factor used (1.0 when within ``RESCALE_TOLERANCE`` of 1)."""
    from ganseg_lib.model.inference import predict_map

    height, width = fov.shape
    factor = applied_scale(fov, target_diameter)
    if factor == 1.0:
        work_rgb, work_fov = rgb, fov
    else:
        size = (max(1, round(width * factor)), max(1, round(height * factor)))
        work_rgb, work_fov = _resize_rgb(rgb, size), _resize_mask(fov, size)
        if not work_fov.any():
            work_fov = np.ones(work_fov.shape, bool)
    record = FundusRecord(image_id, "test", work_rgb, np.zeros(work_fov.shape, bool), work_fov)
    prob = predict_map(dcnet, record, device)
    if factor != 1.0:
        prob = _resize_map(prob, (width, height))
    prob = np.asarray(prob, dtype=np.float32).copy()
    prob[~fov] = 0.0
    return prob, factor
