"""Where and with what a record was made: the commit of the code this process runs, whether
the checkout differed from it, package versions, device, Python and time."""

from __future__ import annotations

import platform
import subprocess
import time
from importlib import metadata
from pathlib import Path

import torch

from ganseg_lib.train.device import device_label

PACKAGES = ("torch", "numpy", "scipy", "scikit-image", "scikit-learn", "ganseg")


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args],
            capture_output=True,
            text=True,
            timeout=10,
            cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def code_state() -> dict:
    """The commit checked out and whether tracked files differed from it (``git_dirty``)."""
    commit = (_git("rev-parse", "HEAD") or "").strip() or None
    status = _git("status", "--porcelain", "--untracked-files=no", "--", ":(top)ganseg_lib")
    return {"git_commit": commit, "git_dirty": None if status is None else bool(status.strip())}


# Read once, when the library is loaded: a long run's record names the code it ran, not the
# commit checked out when it finished (the checkout may move on while a grid runs).
CODE_AT_START = code_state()


def provenance(device: torch.device) -> dict:
    """Where and with what a record was made: the code of this process (:data:`CODE_AT_START`),
    package versions, device, Python, time."""
    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        **CODE_AT_START,
        "versions": versions,
        "device": device_label(device),
        "python": platform.python_version(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
