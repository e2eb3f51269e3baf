"""Patch sampling and extraction: centres on the skeleton / outside the dilation, exact counts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage
from skimage.morphology import disk, skeletonize

from ganseg_lib.cli import main
from ganseg_lib.data.patches import (
    PatchParams,
    PatchSet,
    allocate,
    cached_patch_set,
    extract_patches,
    make_patch_set,
)
from ganseg_lib.data.preprocessing import preprocess
from ganseg_lib.errors import ConfigError, DataError
from tests.conftest import toy_record

RECORDS = [toy_record(96, 80, seed=s) for s in range(3)]


def check_patch_set(ps: PatchSet, records, radius: int) -> None:
    """The behaviour every patch set must have, whatever its size and seed."""
    for i, rec in enumerate(records):
        sel = ps.image_index == i
        rows, cols = ps.centers[sel].T
        labels = ps.labels[sel]
        skel = skeletonize(rec.vessels)
        dil = ndimage.binary_dilation(rec.vessels, structure=disk(radius))
        assert rec.fov[rows, cols].all()
        assert skel[rows[labels == 1], cols[labels == 1]].all()
        assert not dil[rows[labels == 0], cols[labels == 0]].any()
        # patch pixels equal the preprocessed image around the centre (reflect padding)
        img = preprocess(rec).image_u8
        padded = np.pad(img, ((32, 31), (32, 31)), mode="reflect")
        for r, c, patch in zip(rows[:5], cols[:5], ps.patches[sel][:5]):
            assert np.array_equal(patch, padded[r : r + 64, c : c + 64])
            assert patch[32, 32] == img[r, c]
    pairs = {(i, r, c) for i, (r, c) in zip(ps.image_index, ps.centers)}
    assert len(pairs) == len(ps)  # no centre drawn twice


@settings(max_examples=15, deadline=None)
@given(n=st.integers(2, 400), seed=st.integers(0, 2**32 - 1))
def test_patch_sets_for_random_sizes_and_seeds(n, seed):
    ps = make_patch_set(RECORDS, PatchParams(n, seed=seed))
    assert len(ps) == n and ps.patches.shape == (n, 64, 64) and ps.patches.dtype == np.uint8
    assert ps.labels.sum() == n - n // 2  # balanced; an odd N gives vessels the extra one
    check_patch_set(ps, RECORDS, 3)
    again = make_patch_set(RECORDS, PatchParams(n, seed=seed))
    assert np.array_equal(ps.patches, again.patches) and np.array_equal(ps.centers, again.centers)


def test_stratified_across_images():
    ps = make_patch_set(RECORDS, PatchParams(300, seed=1))
    counts = np.bincount(ps.image_index, minlength=3)
    assert counts.max() - counts.min() <= 2


def test_different_seeds_give_different_patches():
    a = make_patch_set(RECORDS, PatchParams(100, seed=1))
    b = make_patch_set(RECORDS, PatchParams(100, seed=2))
    assert not np.array_equal(a.centers, b.centers)


@given(
    available=st.lists(st.integers(0, 50), min_size=1, max_size=12),
    frac=st.floats(0, 1),
    seed=st.integers(0, 1000),
)
def test_allocate_is_exact_and_even(available, frac, seed):
    available = np.array(available)
    n = int(frac * available.sum())
    alloc = allocate(available, n, np.random.default_rng(seed))
    assert alloc.sum() == n and (alloc <= available).all() and (alloc >= 0).all()
    # water-filling: an image below the others' level is exhausted
    if n:
        level = alloc.max()
        assert ((alloc >= level - 1) | (alloc == available)).all()


def test_too_many_patches_is_a_clear_error():
    with pytest.raises(
        DataError, match=r"n_patches=100000 needs 50000 vessel \(skeleton\) centres"
    ):
        make_patch_set(RECORDS, PatchParams(100_000))


def test_bad_n_patches():
    with pytest.raises(ConfigError, match="n_patches must be an integer >= 2"):
        PatchParams(1)


def test_extract_rejects_outside_centres():
    with pytest.raises(DataError, match="inside the 96×80 image"):
        extract_patches(np.zeros((96, 80), np.uint8), np.array([[96, 0]]))


def test_cache_roundtrip_and_reuse(tmp_path):
    params = PatchParams(50, seed=3)
    first = cached_patch_set(RECORDS, params, "toy", tmp_path)
    files = list(tmp_path.glob("*.npz"))
    assert len(files) == 1
    second = cached_patch_set(RECORDS, params, "toy", tmp_path)
    assert np.array_equal(first.patches, second.patches) and second.params["n_patches"] == 50
    files[0].write_bytes(b"garbage")  # a damaged cache entry is rebuilt
    third = cached_patch_set(RECORDS, params, "toy", tmp_path)
    assert np.array_equal(first.centers, third.centers)


def test_cli_writes_npz(tmp_path, monkeypatch):
    monkeypatch.delenv("GANSEG_DRIVE_DIR", raising=False)
    out = tmp_path / "p.npz"
    assert (
        main(
            ["patches", "--data", "phantom", "--n-patches", "101", "--seed", "4", "--out", str(out)]
        )
        == 0
    )
    with np.load(out) as z:
        assert z["patches"].shape == (101, 64, 64) and z["labels"].shape == (101,)
        assert z["centers"].shape == (101, 2) and z["image_index"].shape == (101,)
        assert int(z["labels"].sum()) == 51


@pytest.mark.drive
def test_drive_skeleton_counts(drive_training):
    from ganseg_lib.data.patches import vessel_centres

    counts = [int(vessel_centres(r.vessels, r.fov).sum()) for r in drive_training]
    assert sum(counts) == 170_690 and min(counts) == 5_538 and max(counts) == 10_795


@pytest.mark.drive
def test_drive_150k_patches(drive_training):
    ps = make_patch_set(drive_training, PatchParams(150_000, seed=0), "drive")
    assert len(ps) == 150_000 and ps.labels.sum() == 75_000
    check_patch_set(ps, drive_training, 3)
