"""The mechanism of the study "Fewer labels": what the DC net of every GAN run believes at its
end, and the generator check of every run of a registration's checked arm.

* **Diagnostics** (:func:`run_diagnostics`): per run of a cell, at its last logged iteration,
  p(fake | labelled / validation real) (and p(fake | unlabelled real) for the SSL GAN), fake
  detection and the adversarial share of the DC loss
  (:data:`~ganseg_lib.analysis.study.progress.DIAGNOSTICS`), as the second registration lists
  them under "Descriptive, not tested" and the issue's mechanism asks for both.
* **Generator check** of the second registration's every ``gan-passing`` run, as
  ``studies/fewer-labels-passing/hypotheses.md`` fixes it: "Each verdict on ``gan-passing``
  says how many of its generators pass; the verdicts do not depend on it."

The checks are those of the training chapter
(:mod:`ganseg_lib.evaluate.generator_check`: diversity ratio ≥ 0.5, two-sample accuracy ≤ 0.95,
vessels seen), written per data source by ::

    python -m ganseg_lib.experiment.generator_suspects --check RUN_DIRS \\
        --out results/generator/fewer-labels-passing/drive --into checks.json \\
        --records results/scarce-dc32/drive          # CHASE_DB1: chase, and --data chase

one entry per cell, with each generator's 32 samples in ``<cell>.samples.png`` beside it. The
third part of the pass rule, a person's look at those samples, is
:data:`~ganseg_lib.analysis.study.generator_looks.PASSING_LOOKS`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from ganseg_lib.analysis.replication.generator import CheckedRun, as_run
from ganseg_lib.analysis.study.generator_looks import PASSING_LOOKS
from ganseg_lib.analysis.study.progress import DIAGNOSTICS

FOLDER = Path("generator") / "fewer-labels-passing"  # under the results folder, one per data
CHECKS = "checks.json"
CHANGE = "the passing generator, second registration of Fewer labels"


def check_folder(results_dir: str | os.PathLike, data: str) -> Path:
    """Where the checks of ``data``'s runs and their samples are kept."""
    return Path(results_dir) / FOLDER / data


def checked_generators(
    results_dir: str | os.PathLike = "results", data: str = "drive"
) -> dict[str, CheckedRun]:
    """The checked generators of ``data`` by cell, each with the look at its samples
    (:data:`PASSING_LOOKS`; without one it does not pass: "samples not looked at")."""
    path = check_folder(results_dir, data) / CHECKS
    entries = json.loads(path.read_text()) if path.is_file() else {}
    out = {}
    for cell, entry in entries.items():
        run = as_run(cell, CHANGE, "library", entry, entry["iterations"])
        out[cell] = replace(run, look=PASSING_LOOKS.get(f"{data}/{cell}"))
    return out


def pass_text(cells: Iterable[str], checked: dict[str, CheckedRun]) -> str:
    """How many of these runs' generators pass the check, e.g. '7 of 8 generators pass the
    check (1 not checked yet)'; '' without runs."""
    cells = list(cells)
    if not cells:
        return ""
    runs = [checked[c] for c in cells if c in checked]
    passed = sum(r.passes for r in runs)
    text = f"{passed} of {len(cells)} generators pass the check"
    missing, unseen = len(cells) - len(runs), sum(r.look is None for r in runs)
    notes = [
        f"{missing} not checked yet" if missing else "",
        f"{unseen} not looked at" if unseen else "",
    ]
    notes = [n for n in notes if n]
    return text + (f" ({', '.join(notes)})" if notes else "")


def check_rows(checked: dict[str, CheckedRun]) -> pd.DataFrame:
    """One row per checked generator: size, seed, the check's numbers, p(fake | labelled real)
    and fake detection at its last logged iteration, and whether it passes (or what it misses)."""
    rows = [
        {
            "cell": cell,
            "labelled patches": r.n_patches,
            "seed": r.seed,
            "diversity ratio": r.diversity_ratio,
            "two-sample accuracy": r.two_sample_accuracy,
            "on the seen 62×62": r.two_sample_seen,
            "without the spectrum": r.without_spectrum,
            "p(fake | labelled)": r.p_fake_real,
            "fake detection": r.fake_detect,
            "samples": r.look.what if r.look else "not looked at yet",
            "passes": "yes" if r.passes else "no: " + "; ".join(r.failures()),
        }
        for cell, r in checked.items()
    ]
    return pd.DataFrame(rows).sort_values(["labelled patches", "seed"]) if rows else pd.DataFrame()


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
    results_dir: str | os.PathLike = "results", registration=None
) -> pd.DataFrame:
    """:func:`run_diagnostics` of a registration's study runs (default: the first registration)
    on DRIVE and then CHASE_DB1, with a ``data`` column first; columns no run has are left out."""
    from ganseg_lib.analysis.study.fewer_verdicts import FIRST, study_runs

    registration = FIRST if registration is None else registration
    frames = [
        run_diagnostics(study_runs(results_dir, data, registration)).assign(data=data)
        for data in ("drive", "chase")
    ]
    out = pd.concat([f for f in frames if len(f)] or frames[:1]).dropna(axis=1, how="all")
    return out[["data", *(c for c in out.columns if c != "data")]] if len(out) else out
