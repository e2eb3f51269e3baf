"""Green channel, CLAHE and scaling against a direct scikit-image computation."""

from __future__ import annotations

import numpy as np
from skimage import exposure

from ganseg_lib.data.preprocessing import (
    ClaheParams,
    clahe,
    green_channel,
    preprocess,
    to_unit_range,
)
from tests.conftest import toy_record


def test_green_channel_is_channel_one():
    rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    assert np.array_equal(green_channel(rgb), rgb[..., 1])


def test_clahe_matches_scikit_image_reference():
    rec = toy_record(120, 100)
    params = ClaheParams(clip_limit=0.02, kernel_size=32)
    expected = exposure.equalize_adapthist(rec.rgb[..., 1], kernel_size=32, clip_limit=0.02)
    got = clahe(rec.rgb[..., 1], params)
    assert got.dtype == np.uint8
    assert np.abs(got.astype(float) / 255 - expected).max() <= 0.5 / 255 + 1e-9


def test_clahe_raises_local_vessel_contrast_in_dim_regions():
    # a dim, low-contrast left half and a bright right half, each crossed by a faint dark line
    rng = np.random.default_rng(1)
    img = np.where(np.arange(256)[None, :] < 128, 40.0, 170.0) + rng.normal(0, 2, (256, 256))
    img[120:124, :] -= 6
    img = np.clip(img, 0, 255).astype(np.uint8)
    out = clahe(img, ClaheParams()).astype(float)
    img = img.astype(float)

    def line_contrast(a, cols):
        return a[100:110, cols].mean() - a[120:124, cols].mean()

    left = slice(20, 100)
    assert line_contrast(out, left) > 2 * line_contrast(img, left)


def test_unit_range_and_fov_travel():
    rec = toy_record()
    pre = preprocess(rec)
    assert np.array_equal(pre.fov, rec.fov)
    assert pre.image.dtype == np.float32 and -1 <= pre.image.min() and pre.image.max() <= 1
    assert to_unit_range(np.array([0, 255], np.uint8)).tolist() == [-1.0, 1.0]
