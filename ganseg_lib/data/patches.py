"""Patch creation — seed slide "Preprocessing & Patch Creation".

> 64×64 dimensional patches were extracted and label of central pixel is assigned as the class
> label of the entire patch. Vessel patches from green channel image at pixels where I_gr^S = 1
> [skeleton of the ground truth]; background patches at pixels where I_gr^d = 0 [outside its
> morphological dilation].

Conventions (shared with ``ganseg_lib.model.dense``):

* the patch of pixel (r, c) is rows r−32 … r+31 and columns c−32 … c+31 of the preprocessed image,
  reflect-padded at the borders (:func:`pad_reflect`), so the centre sits at index (32, 32);
* label 1 = vessel, 0 = background (the class of the centre pixel);
* centres lie inside the FOV. The slides give no dilation radius; we use a disk of radius 3 px
  (:data:`DILATION_RADIUS`), which keeps background centres off the blurred vessel edges that the
  manual annotation is uncertain about, while still sampling close to the vessels.

Totals are exact and balanced (an odd N gives the vessel class the extra patch) and stratified
across the images as evenly as their centres allow.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import ndimage
from skimage.morphology import disk, skeletonize

from ganseg_lib.atomic import replacing
from ganseg_lib.data.preprocessing import ClaheParams, preprocess
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.deviations import deviation
from ganseg_lib.errors import DataError, require_int
from ganseg_lib.paper import LABEL_BACKGROUND, LABEL_VESSEL, PATCH_SIZE

HALF = PATCH_SIZE // 2
PAD = deviation(
    ((HALF, PATCH_SIZE - HALF - 1), (HALF, PATCH_SIZE - HALF - 1)),  # ((32, 31), (32, 31))
    aspect="patch labels and borders",
    paper="label of the central pixel",
    ours="label of the central pixel (index (32, 32) of the 64×64 patch); reflect padding "
    "{value} at the image border; centres inside the FOV",
    reason="the slides do not say how border pixels get a full patch",
)
DILATION_RADIUS = deviation(
    3,
    aspect="dilation radius for background centres",
    paper="not given",
    ours="disk of radius {value} px",
    reason="keeps background centres off the uncertain vessel edges while sampling close to the "
    "vessels",
)


def vessel_centres(vessels: np.ndarray, fov: np.ndarray) -> np.ndarray:
    """I_gr^S = 1 inside the FOV: the skeleton (scikit-image) of the ground truth."""
    return skeletonize(vessels) & fov


def background_centres(
    vessels: np.ndarray, fov: np.ndarray, radius: int = DILATION_RADIUS
) -> np.ndarray:
    """I_gr^d = 0 inside the FOV: outside the dilation of the ground truth by a disk."""
    dilated = ndimage.binary_dilation(vessels, structure=disk(radius))
    return ~dilated & fov


def pad_reflect(image: np.ndarray) -> np.ndarray:
    """Reflect-pad an H×W image by (32, 31) on each axis so that every pixel has a full patch."""
    if min(image.shape[:2]) <= HALF:
        raise DataError(
            f"image of size {image.shape[:2]} is too small: both sides must exceed {HALF}"
        )
    return np.pad(image, PAD, mode="reflect")


def extract_patches(image: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """The (N, 64, 64) patches of ``image`` centred at ``centers`` (N, 2; row, col), vectorised."""
    centers = np.asarray(centers, dtype=np.int64).reshape(-1, 2)
    h, w = image.shape[:2]
    if len(centers) and (
        centers.min() < 0 or (centers[:, 0] >= h).any() or (centers[:, 1] >= w).any()
    ):
        raise DataError(f"patch centres must lie inside the {h}×{w} image")
    windows = sliding_window_view(pad_reflect(image), (PATCH_SIZE, PATCH_SIZE))
    return windows[centers[:, 0], centers[:, 1]]


def allocate(available: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Split ``n`` draws over images as evenly as ``available`` allows (water-filling).

    Remainders go to randomly chosen images, so no image is favoured by its position.
    """
    available = np.asarray(available, dtype=np.int64)
    if n > available.sum():
        raise DataError(f"requested {n} centres but only {available.sum()} exist")
    alloc = np.zeros_like(available)
    remaining = n
    while remaining > 0:
        open_ = np.flatnonzero(alloc < available)
        share = remaining // len(open_)
        if share == 0:
            alloc[rng.choice(open_, size=remaining, replace=False)] += 1
            break
        give = np.minimum(share, available[open_] - alloc[open_])
        alloc[open_] += give
        remaining -= int(give.sum())
    return alloc


@dataclass(frozen=True)
class PatchParams:
    """Everything that determines a patch set (and its cache key)."""

    n_patches: int
    seed: int = 0
    dilation_radius: int = DILATION_RADIUS
    clahe: ClaheParams = field(default_factory=ClaheParams)

    def __post_init__(self) -> None:
        require_int("n_patches", self.n_patches, 2)
        require_int("dilation_radius", self.dilation_radius, 0)


@dataclass(frozen=True, eq=False)
class PatchSet:
    """Labelled patches: ``patches`` uint8 (N,64,64), ``labels`` (N,) 1 = vessel, 0 = background,
    ``centers`` (N,2) row/col in the source image, ``image_index`` (N,) into ``image_ids``."""

    patches: np.ndarray
    labels: np.ndarray
    centers: np.ndarray
    image_index: np.ndarray
    image_ids: tuple[str, ...]
    params: dict

    def __len__(self) -> int:
        return len(self.labels)

    def save(self, path: str | os.PathLike) -> Path:
        """Write an ``.npz`` atomically (temporary file, then rename)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as tmp:
            np.savez(
                tmp,
                patches=self.patches,
                labels=self.labels,
                centers=self.centers,
                image_index=self.image_index,
                image_ids=np.array(self.image_ids),
                params=np.array(json.dumps(self.params)),
            )
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> PatchSet:
        try:
            with np.load(path, allow_pickle=False) as z:
                return cls(
                    z["patches"],
                    z["labels"],
                    z["centers"],
                    z["image_index"],
                    tuple(str(s) for s in z["image_ids"]),
                    json.loads(str(z["params"])),
                )
        except (OSError, KeyError, ValueError) as err:
            raise DataError(f"{path}: not a readable patch file ({err})") from err


def sample_patch_centers(
    centre_masks: Sequence[tuple[np.ndarray, np.ndarray]], n_patches: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw exactly ``n_patches`` balanced, stratified centres without replacement.

    ``centre_masks`` holds (vessel_centres, background_centres) per image. Returns
    ``centers`` (N,2), ``labels`` (N,), ``image_index`` (N,), shuffled with ``seed``.
    """
    rng = np.random.default_rng(seed)
    wanted = {LABEL_VESSEL: n_patches - n_patches // 2, LABEL_BACKGROUND: n_patches // 2}
    centers, labels, index = [], [], []
    for label, slot in ((LABEL_VESSEL, 0), (LABEL_BACKGROUND, 1)):
        flat = [np.flatnonzero(masks[slot]) for masks in centre_masks]
        available = np.array([len(f) for f in flat])
        if wanted[label] > available.sum():
            name = "vessel (skeleton)" if label == LABEL_VESSEL else "background"
            raise DataError(
                f"n_patches={n_patches} needs {wanted[label]} {name} centres, but the "
                f"{len(flat)} images have only {available.sum()}: "
                f"request at most {2 * available.sum() + (label == LABEL_VESSEL)} patches"
            )
        alloc = allocate(available, wanted[label], rng)
        for i, (f, k) in enumerate(zip(flat, alloc)):
            chosen = np.sort(rng.choice(f, size=int(k), replace=False))
            shape = centre_masks[i][slot].shape
            centers.append(np.stack(np.unravel_index(chosen, shape), axis=1))
            labels.append(np.full(k, label, np.int8))
            index.append(np.full(k, i, np.int16))
    order = rng.permutation(n_patches)
    return (
        np.concatenate(centers).astype(np.int32)[order],
        np.concatenate(labels)[order],
        np.concatenate(index)[order],
    )


def make_patch_set(
    records: Sequence[FundusRecord], params: PatchParams, data_name: str = ""
) -> PatchSet:
    """Preprocess the images, sample centres and extract the patches (seed slide pipeline)."""
    pre = [preprocess(r, params.clahe) for r in records]
    masks = [
        (
            vessel_centres(r.vessels, r.fov),
            background_centres(r.vessels, r.fov, params.dilation_radius),
        )
        for r in records
    ]
    centers, labels, index = sample_patch_centers(masks, params.n_patches, params.seed)
    patches = np.empty((len(labels), PATCH_SIZE, PATCH_SIZE), np.uint8)
    for i, p in enumerate(pre):
        sel = index == i
        patches[sel] = extract_patches(p.image_u8, centers[sel])
    meta = {"data": data_name, **asdict(params)}
    return PatchSet(patches, labels, centers, index, tuple(r.image_id for r in records), meta)


def cache_key(params: PatchParams, data_name: str, image_ids: Sequence[str]) -> str:
    """A short hash of everything that determines the patch set."""
    blob = json.dumps({"data": data_name, "ids": list(image_ids), **asdict(params)}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def default_cache_dir() -> Path:
    """``$GANSEG_CACHE_DIR``, else ``~/.cache/ganseg``."""
    return Path(os.environ.get("GANSEG_CACHE_DIR", Path.home() / ".cache" / "ganseg"))


def cached_patch_set(
    records: Sequence[FundusRecord],
    params: PatchParams,
    data_name: str,
    cache_dir: str | os.PathLike | None = None,
) -> PatchSet:
    """:func:`make_patch_set`, reusing an ``.npz`` cache keyed by the parameters and image ids."""
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    key = cache_key(params, data_name, [r.image_id for r in records])
    path = cache_dir / f"patches-{data_name}-n{params.n_patches}-s{params.seed}-{key}.npz"
    if path.is_file():
        try:
            return PatchSet.load(path)
        except DataError:
            path.unlink()  # a damaged cache entry is rebuilt, never trusted
    patch_set = make_patch_set(records, params, data_name)
    patch_set.save(path)
    return patch_set
