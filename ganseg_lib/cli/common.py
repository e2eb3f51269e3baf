"""What several sub-commands share: the data-source arguments."""

from __future__ import annotations

import argparse


def add_data_args(p: argparse.ArgumentParser, default: str = "auto") -> None:
    """``--data`` and the dataset folders, resolved once by the command into a ``Setup``."""
    p.add_argument(
        "--data", default=default, help="drive, chase, phantom or auto (DRIVE when found)"
    )
    p.add_argument("--drive-dir", default=None, help="DRIVE folder (default: $GANSEG_DRIVE_DIR)")
    p.add_argument(
        "--chase-dir", default=None, help="CHASE_DB1 folder (default: $GANSEG_CHASE_DIR)"
    )
