"""The mechanism of the study "Fewer labels": what the DC net of every GAN run believes at its
end (:func:`run_diagnostics`, :func:`diagnostics_table`): at its last logged iteration,
p(fake | labelled / validation real) (and p(fake | unlabelled real) for the SSL GAN), fake
detection and the adversarial share of the DC loss
(:data:`~ganseg_lib.analysis.study.progress.DIAGNOSTICS`), as the second registration lists them
under "Descriptive, not tested", for both registrations; and what the generator of each GAN
arm draws at the end of its lowest-seed run per size (:func:`study_samples`). The generator
check of the passing GAN-CNN's runs is :mod:`~ganseg_lib.analysis.study.fewer_generators`.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from ganseg_lib.analysis.study.fewer_verdicts import FIRST, Registration, study_runs
from ganseg_lib.analysis.study.progress import DIAGNOSTICS
from ganseg_lib.paper import size_label


def run_diagnostics(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per successful run of ``runs`` (:func:`~ganseg_lib.analysis.study.fewer_verdicts.
    study_runs`) whose history has adversarial metrics: arm, size, seed, its primary score and
    :data:`~ganseg_lib.analysis.study.progress.DIAGNOSTICS` at its last logged iteration (a
    column no run has, such as p(fake | unlabelled) without an SSL GAN, is left out)."""
    from ganseg_lib.evaluate.record import read_record

    rows = []
    for row in runs[runs["ok"]].itertuples() if len(runs) else []:
        last = (read_record(row.path).history or [{}])[-1]
        if last.get("fake_detect") is None:
            continue  # a CNN: no fake class
        rows.append(
            {"arm": row.arm, "labelled patches": row.n_patches, "seed": row.seed}
            | {"test AUC": row.score}
            | {column: last.get(key) for column, key in DIAGNOSTICS}
        )
    columns = ["arm", "labelled patches", "seed", "test AUC", *(c for c, _ in DIAGNOSTICS)]
    out = pd.DataFrame(rows, columns=columns)
    return out.dropna(axis=1, how="all") if len(out) else out


def diagnostics_table(
    results_dir: str | os.PathLike = "results", registration: Registration = FIRST
) -> pd.DataFrame:
    """:func:`run_diagnostics` of a registration's study runs (default: the first registration)
    on DRIVE and then CHASE_DB1, with a ``data`` column first; columns no run has are left out."""
    frames = [
        run_diagnostics(study_runs(results_dir, data, registration)).assign(data=data)
        for data in ("drive", "chase")
    ]
    out = pd.concat([f for f in frames if len(f)] or frames[:1]).dropna(axis=1, how="all")
    return out[["data", *(c for c in out.columns if c != "data")]] if len(out) else out


def study_samples(
    results_dir: str | os.PathLike = "results",
    registration: Registration = FIRST,
    data: str = "drive",
) -> dict[str, np.ndarray]:
    """The generator at the end of a registration's study runs on ``data``: per GAN arm and
    size, the final row of 8 samples of the kept montage (``<cell>.samples.png``, one row per
    logged stage of training, the last at its end) of its lowest seed that has one, keyed
    ``"<arm>, <size>, seed <s>"`` in the order arm, size; uint8 (8, 64, 64) each."""
    from ganseg_lib.analysis.present.samples import read_samples
    from ganseg_lib.evaluate.record import samples_path

    runs = study_runs(results_dir, data, registration)
    out: dict[str, np.ndarray] = {}
    if not len(runs):
        return out
    order = {a.name: i for i, a in enumerate(registration.arms)}
    gan = [a.name for a in registration.arms if a.method != "cnn"]
    runs = runs[runs["ok"] & runs["arm"].isin(gan)].sort_values(
        ["arm", "n_patches", "seed"], key=lambda c: c.map(order) if c.name == "arm" else c
    )
    for (arm, n), group in runs.groupby(["arm", "n_patches"], sort=False):
        for row in group.itertuples():
            montage = samples_path(row.path)
            if montage.is_file():
                out[f"{arm}, {size_label(n)}, seed {row.seed}"] = read_samples(montage)[-8:]
                break
    return out
