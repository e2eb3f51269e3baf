"""The segmentation maps of the results chapter: the GAN-CNN's and the CNN's vessel probability
maps of one test image, from a pair of trained DC nets that drew the same labelled patches.

A pair comes from the weights kept beside run records (``<cell>.dcnet.pt``, written with the
record by :func:`ganseg_lib.evaluate.run.keep_artifacts`) or, for records made before those files
existed, from the checkpoints in a build's own run folders (records are committed, run folders
are not).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ganseg_lib.analysis.replication.aggregate import common_seeds
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.evaluate.metrics import image_auc
from ganseg_lib.model.inference import predict_map
from ganseg_lib.model.networks import DCNet
from ganseg_lib.paper import PAPER_METHODS, size_label
from ganseg_lib.train.checkpoint import load_dcnet
from ganseg_lib.train.config import cell_name
from ganseg_lib.train.run_folder import RunFolder
from ganseg_lib.train.weights import load_kept_dcnet

# The paper's protocol only: a cell name with a suffix (``gan-fair-…``) is another arm.
WEIGHTS_NAME = re.compile(r"^gan-n(\d+)-s(\d+)\.dcnet\.pt$")


def load_weights(path: str | os.PathLike, which: str = "last", device: str = "cpu") -> DCNet:
    """The DC net of a record's weights file (``<cell>.dcnet.pt``: ``{"config", "last",
    "best"}``), in eval mode, after checking the file's SHA-256 header as checkpoints are
    checked; a damaged file is a :class:`DataError`, never loaded."""
    return load_kept_dcnet(path, which, device)[0]


def load_pair_dcnet(path: Path) -> DCNet:
    """A pair member: a weights file beside a record, or a run folder's checkpoint."""
    return load_weights(path) if path.name.endswith(".dcnet.pt") else load_dcnet(path)


@dataclass(frozen=True)
class MapPair:
    """Trained DC nets of the GAN-CNN and the CNN of one seed (the same labelled patches)."""

    source: str  # where the weights come from, in words
    profile: str
    data: str
    n_patches: int
    seed: int
    paths: dict[str, Path]  # method → weights file, checkpoint or run folder

    @property
    def label(self) -> str:
        return f"{self.source}, {size_label(self.n_patches)} labelled patches, seed {self.seed}"


def record_pair(
    results_dir: str | os.PathLike, profile: str, data: str | None = None, source: str = ""
) -> MapPair | None:
    """The pair with the fewest labelled patches and then the lowest seed whose two weights files
    lie under ``results_dir/<profile>/<data>/``, or None."""
    found = []
    for folder in sorted(Path(results_dir, profile).glob(data or "*")):
        for gan in folder.glob("gan-n*-s*.dcnet.pt"):
            match = WEIGHTS_NAME.match(gan.name)
            cnn = gan.with_name("cnn" + gan.name[3:])
            if match and cnn.is_file():
                n, seed = int(match[1]), int(match[2])
                found.append((n, seed, folder.name, {"gan": gan, "cnn": cnn}))
    if not found:
        return None
    n, seed, data_name, paths = min(found, key=lambda f: f[:3])
    return MapPair(source or f"records of profile {profile}", profile, data_name, n, seed, paths)


def run_folder_pair(
    df: pd.DataFrame, runs_dir: str | os.PathLike, sizes: Sequence[int], source: str = ""
) -> MapPair | None:
    """The pair of the lowest seed that both methods have at the first of ``sizes`` whose two run
    folders hold a checkpoint, among the records in ``df`` (one profile and data source)."""
    if not len(df):
        return None
    profile, data = str(df["profile"].iloc[0]), str(df["data"].iloc[0])
    for n in sizes:
        for seed in common_seeds(df, n):
            folders = {
                m: RunFolder.for_cell(runs_dir, profile, data, cell_name(m, n, seed))
                for m in PAPER_METHODS
            }
            if all(f.checkpoint.is_file() for f in folders.values()):
                paths = {m: f.path for m, f in folders.items()}
                return MapPair(
                    source or f"run folders of profile {profile}", profile, data, n, seed, paths
                )
    return None


def pair_maps(pair: MapPair, record: FundusRecord) -> dict[str, tuple[np.ndarray, float]]:
    """Each method's vessel probability map of ``record`` and the image's AUC over its FOV."""
    out = {}
    for method in PAPER_METHODS:
        prob = predict_map(load_pair_dcnet(pair.paths[method]), record)
        out[method] = (prob, image_auc(prob, record.vessels, record.fov))
    return out


def find_pair(
    results_dir: str | os.PathLike,
    own: pd.DataFrame,
    runs_dir: str | os.PathLike,
    profile: str,
    data: str,
    sizes: Sequence[int],
) -> MapPair | None:
    """The pair the results chapter shows: from the weights beside the study's records (paper
    protocol), else beside the evidence records, else beside this build's own records (profile
    ``profile``, data ``data``), else from this build's run folders; None when there is none."""
    from ganseg_lib.train.profiles import EVIDENCE_PROFILE

    drive = "drive"  # the chapter's evidence is DRIVE's; CHASE_DB1's records have a section
    return (
        record_pair(results_dir, "study", drive, "the study's records (paper protocol)")
        or record_pair(results_dir, EVIDENCE_PROFILE, drive, f"the {EVIDENCE_PROFILE} records")
        or record_pair(results_dir, profile, data, f"this build's runs (profile {profile})")
        or run_folder_pair(own, runs_dir, sizes, f"this build's run folders (profile {profile})")
    )
