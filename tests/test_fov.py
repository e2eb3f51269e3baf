"""The derived field of view: against DRIVE's official masks, CHASE_DB1's annotated vessels,
the phantom's exact FOV, and scikit-image's convex hull."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage
from skimage.draw import disk as draw_disk
from skimage.filters import gaussian, threshold_otsu
from skimage.morphology import convex_hull_image
from skimage.morphology import disk as disk_footprint

from ganseg_lib.data.fov import (
    CHASE_FOV_DIAMETER,
    DRIVE_FOV_DIAMETER,
    convex_fill,
    derive_fov,
    fov_diameter,
)
from ganseg_lib.errors import DataError

ROOT = Path(__file__).resolve().parents[1]


def chase_dir() -> Path | None:
    env = os.environ.get("GANSEG_CHASE_DIR")
    path = Path(env) if env else ROOT.parent / "shared" / "data" / "CHASE_DB1"
    return path if (path / "images").is_dir() and (path / "manual").is_dir() else None


@pytest.fixture(scope="module")
def chase_path() -> Path:
    path = chase_dir()
    if path is None:
        pytest.skip("CHASE_DB1 not found: set GANSEG_CHASE_DIR to run the CHASE_DB1 tests")
    return path


@pytest.fixture(scope="module")
def drive_all(drive_path):
    from ganseg_lib.data.drive import load_drive

    return load_drive(drive_path, "training") + load_drive(drive_path, "test")


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def old_derive_fov(rgb: np.ndarray) -> np.ndarray:
    """The earlier user-image FOV (Otsu on the smoothed red channel, largest component, holes
    filled, 3 px erosion), kept here to measure what the new method changes."""
    red = gaussian(rgb[..., 0].astype(float), sigma=2, preserve_range=True)
    labels, _ = ndimage.label(red > threshold_otsu(red))
    largest = labels == (np.argmax(np.bincount(labels.ravel())[1:]) + 1)
    return ndimage.binary_erosion(ndimage.binary_fill_holes(largest), structure=disk_footprint(3))


def test_convex_fill_equals_scikit_image_convex_hull():
    rng = np.random.default_rng(0)
    for _ in range(200):
        h, w = rng.integers(5, 50, size=2)
        mask = rng.random((h, w)) < rng.uniform(0.005, 0.2)
        if mask.sum() < 3:
            continue
        expected = convex_hull_image(mask, offset_coordinates=False)
        np.testing.assert_array_equal(convex_fill(mask), expected)
    line = np.zeros((10, 10), bool)
    line[2:8, 4] = True  # collinear points: the hull is the segment itself
    np.testing.assert_array_equal(convex_fill(line), line)


def test_fov_diameter_of_discs_and_cut_discs():
    mask = np.zeros((300, 320), bool)
    mask[draw_disk((150, 160), 100.4, shape=mask.shape)] = True
    assert fov_diameter(mask) == 201  # the widest row of a radius-100 disc: 2·100 + 1 pixels
    cut = mask.copy()
    cut[:80] = cut[220:] = False  # an aperture cut off at the top and bottom keeps its width
    assert fov_diameter(cut) == 201
    with pytest.raises(DataError, match="non-empty"):
        fov_diameter(np.zeros((5, 5), bool))


def test_derived_fov_is_exact_on_the_phantom():
    from ganseg_lib.data.phantom import make_phantom

    for seed in range(3):
        rec = make_phantom(seed)
        np.testing.assert_array_equal(derive_fov(rec.rgb), rec.fov)


def test_image_without_a_dark_frame_is_all_fov():
    rng = np.random.default_rng(1)
    retina = rng.integers(90, 200, size=(120, 130, 3), dtype=np.uint8)  # cropped inside the FOV
    assert derive_fov(retina).all()
    assert derive_fov(np.full((80, 80, 3), 40, np.uint8)).all()
    with pytest.raises(DataError, match="H×W×3"):
        derive_fov(np.zeros((80, 80), np.uint8))


def test_derived_fov_matches_drive_official_masks(drive_all):
    ious = np.array([iou(derive_fov(r.rgb), r.fov) for r in drive_all])
    missed = [(r.fov & ~derive_fov(r.rgb)).sum() / r.fov.sum() for r in drive_all[:8]]
    print(f"DRIVE FOV IoU: min {ious.min():.4f}, mean {ious.mean():.4f} ({len(ious)} images)")
    assert ious.min() >= 0.97 and ious.mean() >= 0.98
    assert max(missed) <= 0.005  # nearly all of the official mask is inside the derived one


def test_derived_fov_on_dark_and_unevenly_lit_drive_images(drive_all):
    for rec in drive_all[::8]:
        h, w = rec.fov.shape
        ramp = 0.15 + 0.85 * np.arange(w) / (w - 1)  # 15 % light on the left, 100 % on the right
        dark = np.round(rec.rgb * 0.3).astype(np.uint8)
        uneven = np.round(rec.rgb * ramp[None, :, None]).astype(np.uint8)
        assert iou(derive_fov(dark), rec.fov) >= 0.97, rec.image_id
        assert iou(derive_fov(uneven), rec.fov) >= 0.97, rec.image_id


def test_drive_fov_diameter_constant_is_the_measured_one(drive_all):
    diameters = [fov_diameter(r.fov) for r in drive_all]
    assert np.median(diameters) == DRIVE_FOV_DIAMETER
    assert min(diameters) >= 530 and max(diameters) <= 545


def test_derived_fov_contains_chase_vessels(chase_path):
    new, old, diameters, worst = [], [], [], 1.0
    vessels_total = 0
    for image in sorted((chase_path / "images").glob("Image_*.jpg")):
        rgb = np.asarray(Image.open(image).convert("RGB"))
        manual = chase_path / "manual" / f"{image.stem}_1stHO.png"
        vessels = np.asarray(Image.open(manual).convert("L")) > 0
        fov = derive_fov(rgb)
        new.append((fov & vessels).sum())
        old.append((old_derive_fov(rgb) & vessels).sum())
        vessels_total += vessels.sum()
        diameters.append(fov_diameter(fov))
        worst = min(worst, (fov & vessels).sum() / vessels.sum())
        assert worst >= 0.995, image.name
    assert len(new) == 28
    pooled_new, pooled_old = sum(new) / vessels_total, sum(old) / vessels_total
    print(
        f"CHASE_DB1 vessel coverage: derived FOV {pooled_new:.4f} (worst image {worst:.4f}), "
        f"old FOV {pooled_old:.4f}"
    )
    assert pooled_new >= 0.998 and pooled_new > pooled_old
    assert np.median(diameters) == CHASE_FOV_DIAMETER
