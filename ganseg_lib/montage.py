"""Tiling patches into one image, for figures and for the generator samples kept with a record."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np


def montage(patches: np.ndarray, ncols: int = 8, gap: int = 2, fill: int = 255) -> np.ndarray:
    """Tile (N, h, w) patches into one image, ``ncols`` per row, separated by ``gap`` pixels."""
    patches = np.asarray(patches)
    if patches.ndim != 3 or len(patches) == 0:
        raise ValueError(f"patches must be a non-empty (N, h, w) array, got {patches.shape}")
    n, ph, pw = patches.shape
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    out = np.full((nrows * (ph + gap) - gap, ncols * (pw + gap) - gap), fill, patches.dtype)
    for i, p in enumerate(patches):
        r, c = divmod(i, ncols)
        out[r * (ph + gap) : r * (ph + gap) + ph, c * (pw + gap) : c * (pw + gap) + pw] = p
    return out


def save_montage(samples: np.ndarray, path: os.PathLike | str) -> None:
    """Generated patches only, 8 per row, as a PNG (a record's ``<cell>.samples.png``)."""
    from PIL import Image

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(montage(samples, ncols=8)).save(path)


def samples_beside_real(fake: np.ndarray, real: np.ndarray, n: int = 32, ncols: int = 8):
    """A figure: n generated patches (left) beside n real patches (right), in the same grey scale.

    Rendered when the book is built; the real patches are data and are never saved to a committed
    file.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 5.4))
    for ax, patches, title in ((axes[0], fake, "generated"), (axes[1], real, "real")):
        ax.imshow(montage(np.asarray(patches)[:n], ncols=ncols), cmap="gray", vmin=0, vmax=255)
        ax.set_title(title)
        ax.axis("off")
    fig.tight_layout()
    return fig
