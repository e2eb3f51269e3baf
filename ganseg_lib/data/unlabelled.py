"""The unlabelled pool: patches of random FOV pixels of the training images, drawn without
looking at the ground truth — the "large amount of unlabelled data" of the paper's future work.

Label-blind by construction: only the field of view and the preprocessed image are read, never
``record.vessels``, so that changing the ground truth cannot change the pool (a test checks it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ganseg_lib.data.patches import allocate, extract_patches
from ganseg_lib.data.preprocessing import preprocess
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.errors import require_int


def unlabelled_pool(records: Sequence[FundusRecord], n: int, seed: int) -> np.ndarray:
    """``n`` uint8 64×64 patches centred on FOV pixels drawn uniformly without replacement,
    spread over the images as evenly as their FOVs allow."""
    require_int("n_unlabelled", n, 1)
    rng = np.random.default_rng([seed, 104_729])
    fovs = [np.flatnonzero(r.fov) for r in records]
    alloc = allocate(np.array([len(f) for f in fovs]), n, rng)
    out = []
    for record, fov, k in zip(records, fovs, alloc):
        chosen = np.sort(rng.choice(fov, size=int(k), replace=False))
        centers = np.stack(np.unravel_index(chosen, record.fov.shape), axis=1)
        out.append(extract_patches(preprocess(record).image_u8, centers))
    pool = np.concatenate(out)
    return pool[rng.permutation(len(pool))]
