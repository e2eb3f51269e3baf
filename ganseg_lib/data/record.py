"""The record every data source returns: one fundus image with its ground truth and field of view.

DRIVE (``ganseg_lib.data.drive``) and the synthetic phantom (``ganseg_lib.data.phantom``) both
produce :class:`FundusRecord`, so every later step (preprocessing, patch sampling, evaluation)
is written once for both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ganseg_lib.errors import DataError

SPLITS = ("training", "test")


@dataclass(frozen=True, eq=False)
class FundusRecord:
    """One fundus image: ``rgb`` uint8 H×W×3, ``vessels`` bool H×W, ``fov`` bool H×W.

    ``image_id`` is the DRIVE number ("21") or the phantom's ("phantom-training-000");
    ``split`` is "training" or "test".
    """

    image_id: str
    split: str
    rgb: np.ndarray
    vessels: np.ndarray
    fov: np.ndarray

    def __post_init__(self) -> None:
        validate_record(self)

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.rgb.shape[0]), int(self.rgb.shape[1]))


def validate_record(record: FundusRecord) -> None:
    """Raise :class:`DataError` naming the image when types, shapes or values are inconsistent."""
    name = f"image {record.image_id!r}"
    if record.split not in SPLITS:
        raise DataError(f"{name}: split must be one of {SPLITS}, got {record.split!r}")
    rgb = record.rgb
    if (
        not isinstance(rgb, np.ndarray)
        or rgb.dtype != np.uint8
        or rgb.ndim != 3
        or rgb.shape[2] != 3
    ):
        raise DataError(
            f"{name}: rgb must be a uint8 H×W×3 array, got "
            f"{getattr(rgb, 'dtype', type(rgb))} {getattr(rgb, 'shape', '')}"
        )
    for field in ("vessels", "fov"):
        arr = getattr(record, field)
        if not isinstance(arr, np.ndarray) or arr.dtype != bool:
            raise DataError(
                f"{name}: {field} must be a bool array, got {getattr(arr, 'dtype', type(arr))}"
            )
        if arr.shape != rgb.shape[:2]:
            raise DataError(
                f"{name}: {field} has shape {arr.shape} but the image is {rgb.shape[:2]}"
            )
    if not record.fov.any():
        raise DataError(f"{name}: the field-of-view mask is empty")
