"""CHASE_DB1: Child Heart and Health Study in England retinal images (Fraz et al., IEEE TBME 2012).

28 colour fundus images (999×960 JPEG, left and right eye of 14 children) with two manual vessel
annotations, ``manual/*_1stHO.png`` (first observer) and ``manual_2ndHO/*_2ndHO.png`` (second
observer), and no field-of-view masks. Licence CC BY 4.0; like DRIVE, the project reads it from a
folder (``chase_dir`` or ``GANSEG_CHASE_DIR``) and ships only a SHA-256 manifest of its files
(``manifests/chase_db1.sha256``), never the images.

Split and ground truth: the protocol common in the literature, as described in the README of the
data folder (``shared/data/CHASE_DB1.README.md``; used e.g. by IterNet and LadderNet): the first 20
images (``Image_01L`` … ``Image_10R``) for training, the last 8 (``Image_11L`` … ``Image_14R``) for
testing, the first observer as ground truth.

Field of view: derived from each image by :func:`ganseg_lib.data.fov.derive_fov` (a threshold just
above the black frame relative to the image's contrast, largest component, holes filled, convex
hull; see that module). It contains 99.8–100 % of the first observer's vessel pixels in each image.

Layout::

    CHASE_DB1/images/Image_NNX.jpg
    CHASE_DB1/manual/Image_NNX_1stHO.png
    CHASE_DB1/manual_2ndHO/Image_NNX_2ndHO.png     (NN = 01…14, X = L or R)
"""

from __future__ import annotations

import os
from pathlib import Path

from ganseg_lib.data.drive import (
    _binary,
    _read,
    find_dataset_dir,
    read_manifest,
    verify_manifest,
)
from ganseg_lib.data.fov import derive_fov
from ganseg_lib.data.record import SPLITS, FundusRecord
from ganseg_lib.errors import DataError

CHASE_SHAPE = (960, 999)  # rows, cols
_ALL_IDS = [f"{n:02d}{eye}" for n in range(1, 15) for eye in "LR"]
CHASE_IDS = {"training": _ALL_IDS[:20], "test": _ALL_IDS[20:]}
ENV_VAR = "GANSEG_CHASE_DIR"
MANIFEST = "chase_db1.sha256"
OBSERVERS = (1, 2)


def chase_files(image_id: str, observer: int = 1) -> dict[str, str]:
    """Relative paths of one CHASE_DB1 image and of one observer's manual annotation of it."""
    if observer not in OBSERVERS:
        raise DataError(f"observer must be one of {OBSERVERS}, got {observer!r}")
    folder, suffix = ("manual", "1stHO") if observer == 1 else ("manual_2ndHO", "2ndHO")
    return {
        "image": f"images/Image_{image_id}.jpg",
        "manual": f"{folder}/Image_{image_id}_{suffix}.png",
    }


def find_chase_dir(
    chase_dir: str | os.PathLike | None = None, required: bool = True
) -> Path | None:
    """The CHASE_DB1 folder: the argument, else ``$GANSEG_CHASE_DIR``; checked to hold
    ``images/`` and ``manual/``."""
    return find_dataset_dir(
        "CHASE_DB1", chase_dir, ENV_VAR, "--chase-dir", ("images", "manual"), required
    )


def read_chase_image(
    chase_dir: str | os.PathLike, split: str, image_id: str, observer: int = 1
) -> FundusRecord:
    """Read and validate one CHASE_DB1 image and its manual annotation; derive its FOV mask."""
    files = {k: Path(chase_dir) / v for k, v in chase_files(image_id, observer).items()}
    rgb = _read(files["image"], "RGB")
    if rgb.shape[:2] != CHASE_SHAPE:
        raise DataError(
            f"{files['image']}: expected {CHASE_SHAPE[0]}×{CHASE_SHAPE[1]} pixels, "
            f"got {rgb.shape[0]}×{rgb.shape[1]}"
        )
    manual = _read(files["manual"], "L")
    if manual.shape != rgb.shape[:2]:
        raise DataError(
            f"{files['manual']}: size {manual.shape[0]}×{manual.shape[1]} differs from the image "
            f"{files['image'].name} ({rgb.shape[0]}×{rgb.shape[1]})"
        )
    vessels = _binary(manual, files["manual"])
    fov = derive_fov(rgb)
    if fov.all():
        raise DataError(f"{files['image']}: no dark frame around the retina; cannot derive its FOV")
    return FundusRecord(image_id, split, rgb, vessels, fov)


def load_chase(
    chase_dir: str | os.PathLike | None, split: str, observer: int = 1
) -> list[FundusRecord]:
    """All images of one CHASE_DB1 split (20 training, 8 test), validated."""
    if split not in SPLITS:
        raise DataError(f"split must be one of {SPLITS}, got {split!r}")
    root = find_chase_dir(chase_dir)
    return [read_chase_image(root, split, i, observer) for i in CHASE_IDS[split]]


def read_chase_manifest(path: str | os.PathLike | None = None) -> dict[str, str]:
    """The shipped manifest: relative path → SHA-256 of each of the 84 CHASE_DB1 files."""
    return read_manifest(path, name=MANIFEST)


def verify_chase(chase_dir: str | os.PathLike, manifest: dict[str, str] | None = None) -> list[str]:
    """Check every file of the manifest; return one line per problem (empty when all match)."""
    root = Path(chase_dir)
    if not root.is_dir():
        raise DataError(f"CHASE_DB1 folder {root} does not exist")
    return verify_manifest(root, read_chase_manifest() if manifest is None else manifest)
