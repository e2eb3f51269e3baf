"""A user's own fundus image for ``ganseg predict``: reading, checking, and a derived FOV mask.

Without a FOV mask, the field of view is derived by :func:`ganseg_lib.data.fov.derive_fov`: a
threshold just above the black frame around the camera's aperture, relative to the image's own
contrast (so that dark or unevenly lit images keep their whole retina), the largest component with
its holes filled, and its convex hull. An earlier version (Otsu's threshold on the red channel and
a 3 px erosion) cut dark parts of the retina out of the mask: on CHASE_DB1 it lost up to 18 % of an
image's annotated vessel pixels.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

from ganseg_lib.data import fov as fov_module
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.errors import DataError

MIN_SIDE = 64


def read_user_image(path: str | os.PathLike) -> np.ndarray:
    """An 8-bit RGB image as uint8 H×W×3; grayscale, RGBA, 16-bit or tiny images are refused."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file is missing")
    try:
        with Image.open(path) as im:
            im.load()
            mode, size = im.mode, im.size
            arr = np.asarray(im)
    except Exception as err:
        raise DataError(
            f"{path}: cannot be read as an image ({type(err).__name__}: {err})"
        ) from err
    if mode in ("RGBA", "LA", "PA"):
        raise DataError(f"{path}: has an alpha channel ({mode}); save it as 8-bit RGB")
    if mode in ("I;16", "I;16B", "I;16L", "I", "F") or arr.dtype != np.uint8:
        raise DataError(f"{path}: {mode} {arr.dtype} image; an 8-bit RGB image is needed")
    if mode in ("L", "1", "P") or arr.ndim != 3 or arr.shape[2] != 3:
        raise DataError(f"{path}: is {mode} (not colour); a colour (RGB) fundus image is needed")
    if min(size) < MIN_SIDE:
        raise DataError(
            f"{path}: {size[0]}×{size[1]} pixels is too small (at least {MIN_SIDE}×{MIN_SIDE})"
        )
    return arr.copy()


def derive_fov(rgb: np.ndarray) -> np.ndarray:
    """A field-of-view mask of an RGB fundus image (:func:`ganseg_lib.data.fov.derive_fov`)."""
    return fov_module.derive_fov(rgb)


def read_fov_mask(mask: str | os.PathLike, shape: tuple[int, int]) -> np.ndarray:
    """A user's FOV mask (any image; non-zero = inside), checked against the image's size."""
    try:
        with Image.open(mask) as im:
            fov = np.asarray(im.convert("L")) > 0
    except Exception as err:  # PIL raises OSError, SyntaxError, ValueError... on bad files
        raise DataError(f"{mask}: cannot be read as a mask ({type(err).__name__}: {err})") from err
    if fov.shape != tuple(shape):
        raise DataError(f"{mask}: size {fov.shape} differs from the image {tuple(shape)}")
    if not fov.any():
        raise DataError(f"{mask}: the field-of-view mask is empty")
    return fov


def user_record(path: str | os.PathLike, mask: str | os.PathLike | None = None) -> FundusRecord:
    """A :class:`FundusRecord` of a user's image (no ground truth: ``vessels`` is all False)."""
    rgb = read_user_image(path)
    fov = derive_fov(rgb) if mask is None else read_fov_mask(mask, rgb.shape[:2])
    return FundusRecord(Path(path).stem, "test", rgb, np.zeros(fov.shape, bool), fov)
