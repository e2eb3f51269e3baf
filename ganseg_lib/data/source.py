"""Choosing a data source: DRIVE or CHASE_DB1 from a folder, or the project's synthetic phantom.

``data="auto"`` picks DRIVE when a folder is given or ``$GANSEG_DRIVE_DIR`` points at one, else the
phantom, so that everything runs offline on a fresh machine. CHASE_DB1 (``data="chase"``) is only
used when asked for; its folder is ``chase_dir`` or ``$GANSEG_CHASE_DIR``.

Validation split: the paper trains on all 20 DRIVE training images. We hold out the last
``n_validation`` training images (DRIVE 37–40, CHASE_DB1 09L–10R by default) to choose thresholds
and to monitor training, so that the test images are never used for any decision.
"""

from __future__ import annotations

import os

from ganseg_lib.data.chase import find_chase_dir, load_chase
from ganseg_lib.data.drive import find_drive_dir, load_drive
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.deviations import deviation
from ganseg_lib.errors import DataError

DATA_SOURCES = ("drive", "chase", "phantom")
N_VALIDATION = deviation(
    4,
    aspect="validation split",
    paper="20 training images (the slides name no validation set)",
    ours="the last {value} training images (DRIVE 37–40) held out, not trained on",
    reason="to monitor training and choose the decision threshold without ever using test images",
)


def resolve_data(
    data: str = "auto",
    drive_dir: str | os.PathLike | None = None,
    chase_dir: str | os.PathLike | None = None,
) -> str:
    """'drive', 'chase' or 'phantom'; 'auto' is DRIVE when it can be found, else the phantom
    (CHASE_DB1 is never chosen automatically). 'chase' checks its folder at once, so that a missing
    one is reported before any work starts."""
    if data == "auto":
        return "drive" if find_drive_dir(drive_dir, required=False) is not None else "phantom"
    if data not in DATA_SOURCES:
        raise DataError(f"--data must be one of {DATA_SOURCES + ('auto',)}, got {data!r}")
    if data == "chase":
        find_chase_dir(chase_dir)
    return data


def load_split(
    data: str,
    split: str,
    drive_dir: str | os.PathLike | None = None,
    seed: int = 0,
    chase_dir: str | os.PathLike | None = None,
) -> list[FundusRecord]:
    """The images of a split ('training', 'test'): DRIVE's 20 + 20, CHASE_DB1's 20 + 8 (folder
    ``chase_dir`` or ``$GANSEG_CHASE_DIR``), or 20 + 20 of the phantom (seeded)."""
    data = resolve_data(data, drive_dir, chase_dir)
    if data == "drive":
        return load_drive(drive_dir, split)
    if data == "chase":
        return load_chase(chase_dir, split)
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
