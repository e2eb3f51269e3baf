"""A generator's samples, read back from the committed montage and shown as panels: what the
check's third part (a person's look) and the chapters' sample figures see.

* :func:`read_samples` — a ``<name>.samples.png`` (:func:`ganseg_lib.montage.save_montage`) back
  to its patches;
* :func:`plot_sample_panels` — grids of patches as titled panels in one grey scale.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ganseg_lib.paper import PATCH_SIZE


def read_samples(path: str | Path, ncols: int = 8, gap: int = 2) -> np.ndarray:
    """A committed ``<name>.samples.png`` (:func:`ganseg_lib.montage.montage` of generated
    patches, ``ncols`` per row, ``gap`` pixels apart) → uint8 (N, 64, 64)."""
    from PIL import Image

    image = np.asarray(Image.open(path).convert("L"))
    step = PATCH_SIZE + gap
    nrows = (image.shape[0] + gap) // step
    return np.stack(
        [
            image[r * step : r * step + PATCH_SIZE, c * step : c * step + PATCH_SIZE]
            for r in range(nrows)
            for c in range(ncols)
        ]
    )


def plot_sample_panels(grids: dict[str, np.ndarray], ncols: int = 8, per_row: int = 3) -> Figure:
    """Patch grids as panels, ``per_row`` panels a row, in one grey scale (0–255), each titled
    with its key: generated samples beside real patches."""
    from ganseg_lib.montage import montage

    if not grids:
        raise ValueError("no sample grids to plot")
    nrows = -(-len(grids) // per_row)
    patch_rows = max(-(-len(p) // ncols) for p in grids.values())  # a panel's height, in patches
    fig = Figure(
        figsize=(4.2 * per_row, (4.2 * patch_rows / ncols + 0.5) * nrows), layout="constrained"
    )
    axes = fig.subplots(nrows, per_row, squeeze=False).ravel()
    for ax in axes:
        ax.axis("off")
    for ax, (title, patches) in zip(axes, grids.items()):
        ax.imshow(montage(np.asarray(patches), ncols), cmap="gray", vmin=0, vmax=255)
        ax.set_title(title, fontsize=10)
    return fig
