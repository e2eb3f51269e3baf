"""A user's own fundus image for ``ganseg predict``: reading, checking, and a derived FOV mask.

Without a FOV mask, the field of view is derived from the red channel, which is the brightest
inside the camera's aperture and near black outside it: Gaussian smoothing (σ = 2 px), Otsu's
threshold, the largest connected component with its holes filled, and an erosion by 3 px that
keeps the bright rim of the aperture out of the mask.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage
from skimage.filters import gaussian, threshold_otsu
from skimage.morphology import disk

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
    """A field-of-view mask from the red channel (see the module docstring)."""
    red = gaussian(rgb[..., 0].astype(float), sigma=2, preserve_range=True)
    if np.ptp(red) < 1:
        return np.ones(red.shape, bool)  # a uniform image: no aperture to find
    mask = red > threshold_otsu(red)
    labels, n = ndimage.label(mask)
    if n == 0:
        return np.ones(red.shape, bool)
    largest = labels == (np.argmax(np.bincount(labels.ravel())[1:]) + 1)
    filled = ndimage.binary_fill_holes(largest)
    eroded = ndimage.binary_erosion(filled, structure=disk(3))
    return eroded if eroded.any() else filled


def user_record(path: str | os.PathLike, mask: str | os.PathLike | None = None) -> FundusRecord:
    """A :class:`FundusRecord` of a user's image (no ground truth: ``vessels`` is all False)."""
    rgb = read_user_image(path)
    if mask is None:
        fov = derive_fov(rgb)
    else:
        with Image.open(mask) as im:
            fov = np.asarray(im.convert("L")) > 0
        if fov.shape != rgb.shape[:2]:
            raise DataError(f"{mask}: size {fov.shape} differs from the image {rgb.shape[:2]}")
    return FundusRecord(Path(path).stem, "test", rgb, np.zeros(fov.shape, bool), fov)
