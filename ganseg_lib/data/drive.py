"""DRIVE: the Digital Retinal Images for Vessel Extraction database (Staal et al., IEEE TMI 2004).

Seed slide "DATASET": 20 training and 20 test images (565×584 RGB), each with a manual vessel
annotation (``1st_manual``) and a field-of-view mask. The database may not be redistributed, so the
project reads it from a folder (``--drive-dir`` or ``GANSEG_DRIVE_DIR``), ships only a SHA-256
manifest of its files, and can fetch it from a mirror with :func:`fetch_drive`.

Layout::

    DRIVE/training/{images/NN_training.tif, 1st_manual/NN_manual1.gif, mask/NN_training_mask.gif}
    DRIVE/test/{images/NN_test.tif, 1st_manual/NN_manual1.gif, mask/NN_test_mask.gif}
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from PIL import Image

from ganseg_lib.data.record import SPLITS, FundusRecord
from ganseg_lib.errors import DataError

DRIVE_SHAPE = (584, 565)  # rows, cols
DRIVE_IDS = {
    "training": [f"{i:02d}" for i in range(21, 41)],
    "test": [f"{i:02d}" for i in range(1, 21)],
}
ENV_VAR = "GANSEG_DRIVE_DIR"


@dataclass(frozen=True)
class Mirror:
    """A download location of DRIVE as two zip files, with their SHA-256 hashes."""

    name: str
    urls: dict[str, str]
    sha256: dict[str, str]


# The mirror and hashes that torch-em (constantinpape/torch-em, torch_em/data/datasets/drive.py)
# uses. The official source, https://drive.grand-challenge.org, needs a (free) registration.
TORCH_EM_MIRROR = Mirror(
    name="torch-em (Dropbox)",
    urls={
        "training": "https://www.dropbox.com/sh/z4hbbzqai0ilqht/AADp_8oefNFs2bjC2kzl2_Fqa/training.zip?dl=1",
        "test": "https://www.dropbox.com/sh/z4hbbzqai0ilqht/AABuUJQJ5yG5oCuziYzYu8jWa/test.zip?dl=1",
    },
    sha256={
        "training": "7101e19598e2b7aacdbd5e6e7575057b9154a4aaec043e0f4e28902bf4e2e209",
        "test": "d76c95c98a0353487ffb63b3bb2663c00ed1fde7d8fdfd8c3282c6e310a02731",
    },
)


def drive_files(split: str, image_id: str) -> dict[str, str]:
    """Relative paths of the image, manual annotation and FOV mask of one DRIVE image."""
    return {
        "image": f"{split}/images/{image_id}_{split}.tif",
        "manual": f"{split}/1st_manual/{image_id}_manual1.gif",
        "mask": f"{split}/mask/{image_id}_{split}_mask.gif",
    }


def find_dataset_dir(
    name: str,
    given: str | os.PathLike | None,
    env_var: str,
    flag: str,
    subfolders: tuple[str, ...],
    required: bool = True,
) -> Path | None:
    """A dataset's folder: ``given``, else ``$env_var``; checked to hold ``subfolders``.

    With ``required`` a missing or incomplete folder is a :class:`DataError` naming it and where
    it came from (``flag`` or ``env_var``); otherwise the answer is None.
    """
    source = flag
    if given is None:
        given, source = os.environ.get(env_var), env_var
    problem = None
    path = Path(given).expanduser() if given else None
    if path is None:
        problem = f"no {name} folder given: pass {flag} DIR or set {env_var}"
    elif not path.is_dir():
        problem = f"{name} folder {path} (from {source}) does not exist"
    else:
        missing = [sub for sub in subfolders if not (path / sub).is_dir()]
        if missing:
            problem = f"{name} folder {path}: missing sub-folder {missing[0]}"
    if problem is None:
        return path
    if required:
        raise DataError(problem)
    return None


def find_drive_dir(
    drive_dir: str | os.PathLike | None = None, required: bool = True
) -> Path | None:
    """The DRIVE folder: the argument, else ``$GANSEG_DRIVE_DIR``; checked to hold both splits."""
    subfolders = tuple(
        f"{split}/{sub}" for split in SPLITS for sub in ("images", "1st_manual", "mask")
    )
    return find_dataset_dir("DRIVE", drive_dir, ENV_VAR, "--drive-dir", subfolders, required)


def _read(path: Path, mode: str) -> np.ndarray:
    if not path.is_file():
        raise DataError(f"{path}: file is missing")
    try:
        with Image.open(path) as im:
            im.load()
            if im.mode != mode:
                im = im.convert(mode)
            return np.asarray(im).copy()
    except DataError:
        raise
    except Exception as err:  # PIL raises OSError, SyntaxError, ValueError... on bad files
        raise DataError(
            f"{path}: cannot be read as an image ({type(err).__name__}: {err})"
        ) from err


def _binary(arr: np.ndarray, path: Path) -> np.ndarray:
    values = np.unique(arr)
    if not set(values.tolist()) <= {0, 255} and not set(values.tolist()) <= {0, 1}:
        shown = ", ".join(str(v) for v in values[:6])
        raise DataError(f"{path}: expected a binary image (0/255), found values {shown}")
    return arr > 0


def read_drive_image(drive_dir: Path, split: str, image_id: str) -> FundusRecord:
    """Read and validate one DRIVE image, its manual annotation and its FOV mask."""
    files = {k: Path(drive_dir) / v for k, v in drive_files(split, image_id).items()}
    rgb = _read(files["image"], "RGB")
    if rgb.shape[:2] != DRIVE_SHAPE:
        raise DataError(
            f"{files['image']}: expected {DRIVE_SHAPE[0]}×{DRIVE_SHAPE[1]} pixels, "
            f"got {rgb.shape[0]}×{rgb.shape[1]}"
        )
    masks = {}
    for key in ("manual", "mask"):
        arr = _read(files[key], "L")
        if arr.shape != rgb.shape[:2]:
            raise DataError(
                f"{files[key]}: size {arr.shape[0]}×{arr.shape[1]} differs from the image "
                f"{files['image'].name} ({rgb.shape[0]}×{rgb.shape[1]})"
            )
        masks[key] = _binary(arr, files[key])
    if not masks["mask"].any():
        raise DataError(f"{files['mask']}: the field-of-view mask is empty")
    return FundusRecord(image_id, split, rgb, masks["manual"], masks["mask"])


def load_drive(drive_dir: str | os.PathLike | None, split: str) -> list[FundusRecord]:
    """All 20 images of one DRIVE split, validated."""
    if split not in SPLITS:
        raise DataError(f"split must be one of {SPLITS}, got {split!r}")
    root = find_drive_dir(drive_dir)
    return [read_drive_image(root, split, i) for i in DRIVE_IDS[split]]


# --- integrity ---------------------------------------------------------------------------------


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(path: Path | None = None, name: str = "drive.sha256") -> dict[str, str]:
    """A manifest in ``sha256sum`` format: relative path → SHA-256 (hashes, not data); without
    ``path``, the one shipped as ``ganseg_lib/data/manifests/<name>`` (DRIVE's by default)."""
    if path is None:
        text = resources.files("ganseg_lib.data").joinpath(f"manifests/{name}").read_text()
    else:
        try:
            text = Path(path).read_text()
        except OSError as err:
            raise DataError(f"{path}: cannot read the manifest ({err})") from err
    manifest = {}
    for line in text.splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            manifest[name.strip().removeprefix("./")] = digest
    return manifest


def verify_drive(drive_dir: str | os.PathLike, manifest: dict[str, str] | None = None) -> list[str]:
    """Check every file of the manifest; return one line per problem (empty when all match)."""
    root = Path(drive_dir)
    if not root.is_dir():
        raise DataError(f"DRIVE folder {root} does not exist")
    return verify_manifest(root, read_manifest() if manifest is None else manifest)


def verify_manifest(root: Path, manifest: dict[str, str]) -> list[str]:
    """Compare the files under ``root`` with a manifest; one line per missing or differing file."""
    problems = []
    for name, digest in sorted(manifest.items()):
        path = root / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif (actual := sha256_file(path)) != digest:
            problems.append(
                f"{name}: SHA-256 {actual[:12]}… differs from the manifest {digest[:12]}…"
            )
    return problems


def fetch_drive(
    dest: str | os.PathLike, mirror: Mirror = TORCH_EM_MIRROR, progress: bool = True
) -> Path:
    """Download DRIVE from ``mirror`` with pooch (SHA-256 checked, progress bar) and unpack to dest.

    The archives unpack into ``dest/training`` and ``dest/test``; an existing complete folder is
    kept. Returns ``dest``. Check the result with :func:`verify_drive`.
    """
    import pooch

    dest = Path(dest).expanduser()
    dest.mkdir(parents=True, exist_ok=True)
    downloads = dest / ".downloads"
    for split in SPLITS:
        if find_drive_dir(dest, required=False) is not None and all(
            (dest / p).is_file() for i in DRIVE_IDS[split] for p in drive_files(split, i).values()
        ):
            continue
        archive = pooch.retrieve(
            mirror.urls[split],
            known_hash=f"sha256:{mirror.sha256[split]}",
            fname=f"{split}.zip",
            path=downloads,
            progressbar=progress,
        )
        _unpack(Path(archive), dest, split)
    return dest


def _unpack(archive: Path, dest: Path, split: str) -> None:
    """Unzip into a temporary folder, find the split's folder inside and move it into place."""
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        try:
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(tmp)
        except zipfile.BadZipFile as err:
            raise DataError(f"{archive}: not a valid zip archive ({err})") from err
        candidates = [p for p in Path(tmp).rglob(split) if p.is_dir() and (p / "images").is_dir()]
        if not candidates:
            raise DataError(f"{archive}: no '{split}/images' folder inside the archive")
        target = dest / split
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(candidates[0]), target)
