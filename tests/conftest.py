"""Shared fixtures. DRIVE tests run when DRIVE is found and skip with a reason otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from ganseg_lib.data.record import FundusRecord

ROOT = Path(__file__).resolve().parents[1]
_DEFAULT_DRIVE = ROOT.parent / "shared" / "data" / "DRIVE"


def drive_dir() -> Path | None:
    env = os.environ.get("GANSEG_DRIVE_DIR")
    path = Path(env) if env else _DEFAULT_DRIVE
    return path if (path / "training" / "images").is_dir() else None


@pytest.fixture(scope="session")
def drive_path() -> Path:
    path = drive_dir()
    if path is None:
        pytest.skip("DRIVE not found: set GANSEG_DRIVE_DIR to run the DRIVE tests")
    return path


@pytest.fixture(scope="session")
def drive_training(drive_path):
    from ganseg_lib.data.drive import load_drive

    return load_drive(drive_path, "training")


def toy_record(h: int = 96, w: int = 80, seed: int = 0, split: str = "training") -> FundusRecord:
    """A small record with a cross of vessels and a disc FOV (for fast tests)."""
    rng = np.random.default_rng(seed)
    rr, cc = np.mgrid[:h, :w]
    fov = (rr - h / 2) ** 2 + (cc - w / 2) ** 2 < (0.48 * min(h, w)) ** 2
    vessels = (np.abs(rr - h // 2) <= 2) | (np.abs(cc - w // 3) <= 1)
    rgb = rng.integers(60, 200, size=(h, w, 3), dtype=np.uint8)
    rgb[vessels, 1] //= 2
    rgb[~fov] = 0
    return FundusRecord(f"toy-{seed}", split, rgb, vessels & fov, fov)


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Patch caches of the tests go to a temporary folder, never to the user's cache."""
    old = os.environ.get("GANSEG_CACHE_DIR")
    os.environ["GANSEG_CACHE_DIR"] = str(tmp_path_factory.mktemp("ganseg-cache"))
    yield
    if old is None:
        os.environ.pop("GANSEG_CACHE_DIR", None)
    else:
        os.environ["GANSEG_CACHE_DIR"] = old


@pytest.fixture(scope="module")
def phantom_patches() -> np.ndarray:
    """1,000 real-like patches of the phantom, in random order."""
    from ganseg_lib.data.patches import PatchParams, make_patch_set
    from ganseg_lib.data.phantom import load_phantom

    records = load_phantom("training", n_images=2, seed=0)
    return make_patch_set(records, PatchParams(1000, seed=0), "phantom").patches
