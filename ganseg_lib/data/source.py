"""Choosing a data source: DRIVE from a folder, or the project's synthetic phantom.

``data="auto"`` picks DRIVE when a folder is given or ``$GANSEG_DRIVE_DIR`` points at one, else the
phantom, so that everything runs offline on a fresh machine.

Validation split: the paper trains on all 20 DRIVE training images. We hold out the last
``n_validation`` training images (DRIVE 37–40 by default) to choose thresholds and to monitor
training, so that the test images are never used for any decision.
"""

from __future__ import annotations

import os

from ganseg_lib.data.drive import find_drive_dir, load_drive
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.errors import DataError

DATA_SOURCES = ("drive", "phantom")
N_VALIDATION = 4


def resolve_data(data: str = "auto", drive_dir: str | os.PathLike | None = None) -> str:
    """'drive' or 'phantom'; 'auto' is DRIVE when it can be found."""
    if data == "auto":
        return "drive" if find_drive_dir(drive_dir, required=False) is not None else "phantom"
    if data not in DATA_SOURCES:
        raise DataError(f"--data must be one of {DATA_SOURCES + ('auto',)}, got {data!r}")
    return data


def load_split(
    data: str, split: str, drive_dir: str | os.PathLike | None = None, seed: int = 0
) -> list[FundusRecord]:
    """The 20 images of a split ('training', 'test') of DRIVE or of the phantom (seeded)."""
    data = resolve_data(data, drive_dir)
    if data == "drive":
        return load_drive(drive_dir, split)
    from ganseg_lib.data.phantom import load_phantom

    return load_phantom(split, n_images=20, seed=seed)


def split_validation(
    records: list[FundusRecord], n_validation: int = N_VALIDATION
) -> tuple[list[FundusRecord], list[FundusRecord]]:
    """Training images → (images to train on, last ``n_validation`` images for validation)."""
    if not 0 <= n_validation < len(records):
        raise DataError(f"n_validation must be in [0, {len(records)}), got {n_validation}")
    cut = len(records) - n_validation
    return records[:cut], records[cut:]
