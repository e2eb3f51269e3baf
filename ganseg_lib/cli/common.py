"""What several sub-commands share: the data-source and profile arguments, taken from the
library's registries, and hidden aliases for renamed flags."""

from __future__ import annotations

import argparse


def add_data_args(p: argparse.ArgumentParser, default: str | None = "auto") -> None:
    """``--data`` and the dataset folders, resolved once by the command into a ``Setup``."""
    from ganseg_lib.data.source import DATA_SOURCES

    p.add_argument(
        "--data",
        default=default,
        choices=(*DATA_SOURCES, "auto"),
        help="data source (auto: DRIVE when found, else the phantom)",
    )
    add_dataset_dirs(p)


def add_dataset_dirs(p: argparse.ArgumentParser) -> None:
    """``--drive-dir`` and ``--chase-dir``: where the datasets are when not in the environment."""
    p.add_argument("--drive-dir", default=None, help="DRIVE folder (default: $GANSEG_DRIVE_DIR)")
    p.add_argument(
        "--chase-dir", default=None, help="CHASE_DB1 folder (default: $GANSEG_CHASE_DIR)"
    )


def add_profile_arg(p: argparse.ArgumentParser, default: str, help: str) -> None:
    """``--profile``, one of the named profiles of :data:`ganseg_lib.train.profiles.PROFILES`."""
    from ganseg_lib.train.profiles import PROFILES

    p.add_argument("--profile", default=default, choices=list(PROFILES), help=help)


def add_hidden_alias(p: argparse.ArgumentParser, flag: str, dest: str, **kwargs) -> None:
    """An old name of a renamed flag: still accepted, not shown in ``--help``."""
    p.add_argument(flag, dest=dest, default=argparse.SUPPRESS, help=argparse.SUPPRESS, **kwargs)
