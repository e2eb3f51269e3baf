"""Random dihedral augmentation of labelled patches (the study's fair protocol).

The eight symmetries of the square (rotations by 0°, 90°, 180°, 270°, each with or without a
mirror) are applied *about the centre pixel*: a patch is labelled by its pixel (32, 32), which
on a 64×64 grid is not the geometric centre (31.5, 31.5), so a plain ``torch.rot90`` or ``flip``
would move the labelled pixel by one. Here every transform keeps pixel (32, 32) in place and the
patch's label stays exact; the one row or column that would come from outside the patch (index
64) repeats the border (index 63). The DC net never sees pixels 62 and 63 anyway
(:data:`ganseg_lib.model.dense.RECEPTIVE_FIELD`).

:func:`random_flips` flips generated patches (``TrainConfig.fake_flips``): no label to keep,
and flipped, G's last two rows and columns reach the DC net as its first ones.
"""

from __future__ import annotations

import torch

from ganseg_lib.paper import PATCH_SIZE

CENTRE = PATCH_SIZE // 2  # 32: the labelled pixel
# (row, col) offsets from the centre → new offsets, for the eight symmetries:
# identity, rot90, rot180, rot270, and each composed with a left-right mirror.
_MATRICES = (
    ((1, 0), (0, 1)),
    ((0, -1), (1, 0)),
    ((-1, 0), (0, -1)),
    ((0, 1), (-1, 0)),
    ((1, 0), (0, -1)),
    ((0, 1), (1, 0)),
    ((-1, 0), (0, 1)),
    ((0, -1), (-1, 0)),
)


def dihedral_indices() -> torch.Tensor:
    """(8, 64·64) flat source indices: output pixel p of transform t is input pixel
    ``index[t, p]``, a symmetry about (32, 32) with out-of-patch sources clamped to the border."""
    r, c = torch.meshgrid(torch.arange(PATCH_SIZE), torch.arange(PATCH_SIZE), indexing="ij")
    dr, dc = r - CENTRE, c - CENTRE
    out = []
    for (a, b), (d, e) in _MATRICES:
        # the inverse of an orthogonal integer matrix is its transpose
        sr = (CENTRE + a * dr + d * dc).clamp(0, PATCH_SIZE - 1)
        sc = (CENTRE + b * dr + e * dc).clamp(0, PATCH_SIZE - 1)
        out.append((sr * PATCH_SIZE + sc).flatten())
    return torch.stack(out)


def augment(x: torch.Tensor, rng: torch.Generator, index: torch.Tensor) -> torch.Tensor:
    """Each patch of ``x`` (B, 1, 64, 64) under a random one of the eight symmetries, drawn from
    ``rng`` (so that a resumed run draws the same ones)."""
    t = torch.randint(0, len(index), (len(x),), generator=rng)
    flat = x.reshape(len(x), -1)
    return flat.gather(1, index[t].to(x.device)).reshape(x.shape)


def random_flips(x: torch.Tensor, rng: torch.Generator | None = None) -> torch.Tensor:
    """(B, C, H, W) → each image flipped left–right with probability ½ and, independently,
    up–down with probability ½ (differentiable: a flip only moves pixels)."""
    b = x.shape[0]
    lr = torch.rand(b, generator=rng).lt(0.5).to(x.device).view(b, 1, 1, 1)
    ud = torch.rand(b, generator=rng).lt(0.5).to(x.device).view(b, 1, 1, 1)
    x = torch.where(lr, x.flip(-1), x)
    return torch.where(ud, x.flip(-2), x)
