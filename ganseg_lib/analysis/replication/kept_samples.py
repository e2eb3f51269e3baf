"""The samples montages kept with the records, read for the book: how varied each run's last
eight generated patches are (``results/generator/kept_samples.json``, written by
``python -m ganseg_lib.experiment.generator_suspects --kept`` with
:func:`ganseg_lib.evaluate.generator_check.kept_samples_diversity`), by band of diversity ratio.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd

from ganseg_lib.evaluate.generator_check import MIN_DIVERSITY_RATIO

NOISIER = 1.1  # a kept montage's ratio above this: its samples differ more than real patches do
COLLAPSED = 0.1  # below this: the samples are nearly one patch


def _band(ratio: float) -> str:
    if ratio < COLLAPSED:
        return f"below {COLLAPSED} (collapsed)"
    if ratio < MIN_DIVERSITY_RATIO:
        return f"{COLLAPSED} to {MIN_DIVERSITY_RATIO}"
    if ratio <= NOISIER:
        return f"{MIN_DIVERSITY_RATIO} to {NOISIER} (about as varied as the data)"
    return f"above {NOISIER} (noisier than the data)"


BANDS = [_band(r) for r in (0.0, COLLAPSED, MIN_DIVERSITY_RATIO, NOISIER + 1)]


def read_kept(folder: str | Path) -> dict[str, float]:
    """Each kept samples montage (``<profile>/<data>/<cell>``) → the diversity ratio of its last
    row of 8 samples (the run's end)."""
    kept = json.loads((Path(folder) / "kept_samples.json").read_text())
    return {name: v["final_diversity_ratio"] for name, v in kept.items()}


def _family(name: str) -> str:
    """A record's family, its sizes and seeds dropped: ``study/drive/gan-n15000-s2`` →
    ``study/drive/gan``."""
    return re.sub(r"-n\d+-s\d+$", "", name)


def kept_table(kept: dict[str, float]) -> pd.DataFrame:
    """The kept montages per band of final diversity ratio, with the record families in each."""
    rows = []
    for band in BANDS:
        names = [n for n, r in kept.items() if _band(r) == band]
        families = Counter(_family(n) for n in names).most_common()
        rows.append(
            {
                "final diversity ratio": band,
                "montages": len(names),
                "records (profile/data/cell, × seeds and sizes)": ", ".join(
                    f"{f} ×{k}" for f, k in families
                )
                or "—",
            }
        )
    return pd.DataFrame(rows)


def kept_sentence(kept: dict[str, float]) -> str:
    """The kept montages in one sentence: how many end below the pass ratio, and how many are
    collapsed or noisier than the data."""
    n = Counter(_band(r) for r in kept.values())
    below = n[BANDS[0]] + n[BANDS[1]]
    return (
        f"Of {len(kept)} kept samples montages (the smoke profile left out), {below} end with a "
        f"diversity ratio below {MIN_DIVERSITY_RATIO} ({n[BANDS[0]]} below {COLLAPSED}), "
        f"{n[BANDS[2]]} between {MIN_DIVERSITY_RATIO} and {NOISIER}, and {n[BANDS[3]]} above "
        f"{NOISIER}."
    )
