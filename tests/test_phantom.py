"""The synthetic fundus phantom: determinism, record validity, and DRIVE-like statistics."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage
from skimage.morphology import skeletonize

from ganseg_lib.data.phantom import PhantomConfig, load_phantom, make_phantom
from ganseg_lib.data.record import FundusRecord

# A few DRIVE-sized phantoms from both splits, shared by the statistics tests (about 1 s).
N_DRIVE_SIZED = 6


@pytest.fixture(scope="module")
def drive_sized() -> tuple[list[FundusRecord], float]:
    """Phantoms at DRIVE's 584 x 565 and the mean seconds taken per image."""
    start = time.perf_counter()
    records = [make_phantom(7, ("training", "test")[i % 2], i) for i in range(N_DRIVE_SIZED)]
    return records, (time.perf_counter() - start) / N_DRIVE_SIZED


def _centre_and_radius(record: FundusRecord) -> tuple[float, float, float]:
    h, w = record.shape
    return (h - 1) / 2, (w - 1) / 2, float(np.sqrt(record.fov.sum() / np.pi))


def _smoothed_green(record: FundusRecord, weight: np.ndarray, sigma: float = 8.0) -> np.ndarray:
    """Green channel averaged over the pixels in ``weight`` (normalised convolution)."""
    green = record.rgb[..., 1].astype(float)
    num = ndimage.gaussian_filter(np.where(weight, green, 0.0), sigma)
    den = ndimage.gaussian_filter(weight.astype(float), sigma)
    return np.where(den > 0.2, num / np.maximum(den, 1e-9), np.nan)


def _disc_centre(record: FundusRecord) -> tuple[int, int]:
    """The brightest smoothed green spot: the optic disc."""
    smooth = _smoothed_green(record, record.fov)
    return np.unravel_index(np.nanargmax(smooth), smooth.shape)


def test_same_seed_split_index_give_identical_arrays():
    a = make_phantom(3, "training", 5)
    b = make_phantom(3, "training", 5)
    assert a.image_id == b.image_id == "phantom-training-005"
    for field in ("rgb", "vessels", "fov"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


def test_different_index_or_seed_gives_a_different_image():
    base = make_phantom(3, "training", 5)
    for other in (make_phantom(3, "training", 6), make_phantom(4, "training", 5)):
        assert not np.array_equal(base.vessels, other.vessels)
        assert not np.array_equal(base.rgb, other.rgb)


def test_training_and_test_splits_are_different_images():
    training = load_phantom("training", n_images=2, seed=0)
    test = load_phantom("test", n_images=2, seed=0)
    assert [r.split for r in training + test] == ["training"] * 2 + ["test"] * 2
    for a in training:
        for b in test:
            assert not np.array_equal(a.vessels, b.vessels)


def test_load_phantom_matches_make_phantom_and_numbers_images():
    records = load_phantom("test", n_images=3, seed=2)
    assert [r.image_id for r in records] == [f"phantom-test-{i:03d}" for i in range(3)]
    np.testing.assert_array_equal(records[2].rgb, make_phantom(2, "test", 2).rgb)


def test_record_is_drive_shaped_with_a_circular_fov(drive_sized):
    records, _ = drive_sized
    for r in records:
        assert r.shape == (584, 565)
        assert r.rgb.dtype == np.uint8 and r.rgb.shape == (584, 565, 3)
        assert r.vessels.dtype == bool and r.fov.dtype == bool
        _, _, radius = _centre_and_radius(r)
        assert radius == pytest.approx(0.48 * 565, rel=0.01)
        # The FOV is a disc centred in the frame: its centroid is the frame centre.
        rows, cols = np.nonzero(r.fov)
        assert rows.mean() == pytest.approx(291.5, abs=1) and cols.mean() == pytest.approx(
            282, abs=1
        )


def test_vessels_lie_inside_the_fov_and_outside_is_black(drive_sized):
    records, _ = drive_sized
    for r in records:
        assert not (r.vessels & ~r.fov).any()
        assert r.rgb[~r.fov].max() <= 5


def test_vessel_fraction_and_skeleton_length_match_drive(drive_sized):
    records, _ = drive_sized
    for r in records:
        fraction = r.vessels.sum() / r.fov.sum()
        assert 0.09 <= fraction <= 0.17, (r.image_id, fraction)  # DRIVE: 0.087-0.168
        skeleton = int(skeletonize(r.vessels).sum())
        assert 5_500 <= skeleton <= 10_800, (r.image_id, skeleton)  # DRIVE's range


def test_vessels_are_darker_than_background_in_green(drive_sized):
    records, _ = drive_sized
    for r in records:
        green = r.rgb[..., 1].astype(float)
        background = green[r.fov & ~r.vessels].mean()
        assert green[r.vessels].mean() < background - 10, r.image_id


def test_colours_are_those_of_a_fundus(drive_sized):
    records, _ = drive_sized
    for r in records:
        red, green, blue = r.rgb[r.fov].astype(float).mean(axis=0)
        assert red > 1.5 * green > 1.5 * blue  # orange-red: red bright, blue low
        assert red > 100


def test_optic_disc_is_bright_and_off_centre_on_either_side(drive_sized):
    records, _ = drive_sized
    sides = set()
    for r in records:
        cy, cx, radius = _centre_and_radius(r)
        y, x = _disc_centre(r)
        assert 0.45 * radius < abs(x - cx) < 0.85 * radius, r.image_id
        assert abs(y - cy) < 0.2 * radius, r.image_id
        assert r.rgb[y, x, 1] > np.median(r.rgb[r.fov, 1]) + 40  # much brighter than background
        sides.add(np.sign(x - cx))
    # DRIVE holds left and right eyes; six fixed phantoms happen to include both.
    assert sides == {-1.0, 1.0}


def test_dark_macula_lies_across_the_centre_from_the_disc(drive_sized):
    records, _ = drive_sized
    for r in records:
        cy, cx, radius = _centre_and_radius(r)
        h, w = r.shape
        yy, xx = np.mgrid[0:h, 0:w]
        central = np.hypot(yy - cy, xx - cx) < 0.45 * radius  # away from the dark FOV rim
        background = r.fov & central & ~ndimage.binary_dilation(r.vessels, iterations=2)
        smooth = _smoothed_green(r, background)
        smooth[~central] = np.nan
        _, mac_x = np.unravel_index(np.nanargmin(smooth), smooth.shape)
        _, disc_x = _disc_centre(r)
        assert np.sign(mac_x - cx) != np.sign(disc_x - cx), r.image_id
        assert np.nanmin(smooth) < np.nanmedian(smooth) - 8  # a visibly dark spot


def test_vessels_taper_from_wide_at_the_disc_to_thin_tips(drive_sized):
    records, _ = drive_sized
    for r in records:
        _, _, radius = _centre_and_radius(r)
        skeleton = skeletonize(r.vessels)
        width = 2 * ndimage.distance_transform_edt(r.vessels)[skeleton] - 1  # local diameter
        rows, cols = np.nonzero(skeleton)
        disc_y, disc_x = _disc_centre(r)
        from_disc = np.hypot(rows - disc_y, cols - disc_x)
        assert np.percentile(width[from_disc < 0.25 * radius], 90) >= 6, r.image_id
        assert np.median(width[from_disc > 0.5 * radius]) <= 3.5, r.image_id
        assert np.mean(width <= 2) >= 0.25, r.image_id  # plenty of 1-2 px vessels


def test_generation_takes_well_under_a_second(drive_sized):
    _, seconds_per_image = drive_sized
    # About 0.1-0.2 s here; the bound is loose so that a busy test machine does not fail it.
    assert seconds_per_image < 1.5


@settings(max_examples=12, deadline=None)
@given(
    height=st.integers(64, 200),
    width=st.integers(64, 200),
    seed=st.integers(0, 2**32),
    split=st.sampled_from(["training", "test"]),
)
def test_any_frame_size_gives_a_valid_record(height, width, seed, split):
    r = make_phantom(seed, split, 0, PhantomConfig(height=height, width=width))
    assert r.rgb.shape == (height, width, 3) and r.vessels.shape == r.fov.shape == (height, width)
    assert not (r.vessels & ~r.fov).any()
    assert r.rgb[~r.fov].max(initial=0) <= 5
    assert r.fov.sum() == pytest.approx(np.pi * (0.48 * min(height, width)) ** 2, rel=0.1)


def test_small_frame_keeps_a_vessel_tree():
    r = make_phantom(0, "training", 0, PhantomConfig(height=128, width=160))
    assert r.shape == (128, 160)
    assert 0.02 < r.vessels.sum() / r.fov.sum() < 0.3


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"height": 10}, "height"),
        ({"width": 63}, "width"),
        ({"width": 200.0}, "width"),
        ({"fov_radius": 0.9}, "fov_radius"),
        ({"noise_std": -1.0}, "noise_std"),
        ({"vignetting": float("nan")}, "vignetting"),
        ({"n_nasal_trunks": 1.5}, "n_nasal_trunks"),
        ({"trunk_width": 2.0, "tip_width": 3.0}, "trunk_width"),
    ],
)
def test_bad_config_raises_naming_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=rf"PhantomConfig\.{name}\b"):
        PhantomConfig(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"split": "validation"}, "split"), ({"seed": -1}, "seed"), ({"index": -2}, "index")],
)
def test_bad_arguments_raise_naming_the_argument(kwargs, name):
    args = {"seed": 0, "split": "training", "index": 0} | kwargs
    with pytest.raises(ValueError, match=name):
        make_phantom(**args)
