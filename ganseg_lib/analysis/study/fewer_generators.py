"""The generator check of every run of a registration's checked arm in the study "Fewer labels"
(the second registration's every ``gan-passing`` run), as
``studies/fewer-labels-passing/hypotheses.md`` fixes it: "Each verdict on ``gan-passing`` says
how many of its generators pass; the verdicts do not depend on it."

The checks are those of the training chapter
(:mod:`ganseg_lib.evaluate.generator_check`: diversity ratio ≥ 0.5, two-sample accuracy ≤ 0.95,
vessels seen). The study's grid makes them as the records arrive
(:mod:`ganseg_lib.experiment.fewer_checks`), one entry per cell in
``results/generator/fewer-labels-passing/<data>/checks.json``, with each generator's 32 samples
in ``<cell>.samples.png`` beside it; by hand, per data source ::

    python -m ganseg_lib.experiment.generator_suspects --check RUN_DIRS \\
        --out results/generator/fewer-labels-passing/drive --into checks.json \\
        --records results/scarce-dc32/drive          # CHASE_DB1: chase, and --data chase

The third part of the pass rule, a person's look at those samples, is
:data:`~ganseg_lib.analysis.study.generator_looks.PASSING_LOOKS`.

The first registration registers no check. Its GAN arms' study cells are checked after the fact
into ``results/generator/fewer-labels/<data>`` (and, by hand, the tuning runs of each arm's
chosen candidate), looked at in
:data:`~ganseg_lib.analysis.study.first_looks.FIRST_LOOKS`: descriptive, deciding nothing
registered.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from ganseg_lib.analysis.present.text import span
from ganseg_lib.analysis.replication.generator import WORKING_FILE, CheckedRun, as_run
from ganseg_lib.analysis.study.first_looks import FIRST_LOOKS
from ganseg_lib.analysis.study.generator_looks import PASSING_LOOKS, PROBE_LOOKS
from ganseg_lib.errors import DataError
from ganseg_lib.evaluate.two_sample import FEATURE_GROUPS
from ganseg_lib.experiment import fewer_labels as plan
from ganseg_lib.experiment import fewer_labels_passing as passing
from ganseg_lib.experiment.fewer_checks import CHECK_FOLDERS as FOLDERS
from ganseg_lib.experiment.fewer_checks import CHECKS, recorded
from ganseg_lib.experiment.fewer_labels import arm_of
from ganseg_lib.paper import size_label
from ganseg_lib.train.config import TrainConfig

PROBES = Path("generator") / "probes" / "probes.json"  # experiment.generator_probes
CHANGES = {
    passing.PROFILE: "the passing generator, second registration of Fewer labels",
    plan.PROFILE: "the generator of a GAN arm, first registration of Fewer labels",
}
CHANGE = CHANGES[passing.PROFILE]


def check_folder(results_dir: str | os.PathLike, data: str, profile: str = passing.PROFILE) -> Path:
    """Where the checks of the runs of ``profile``'s registration on ``data`` and their samples
    are kept."""
    if profile not in FOLDERS:
        raise DataError(f"profile {profile!r}: no generator checks (known: {', '.join(FOLDERS)})")
    return Path(results_dir) / FOLDERS[profile] / data


def checked_generators(
    results_dir: str | os.PathLike = "results", data: str = "drive", profile: str = passing.PROFILE
) -> dict[str, CheckedRun]:
    """The checked generators of ``profile``'s registration on ``data`` by cell, each with the
    look at its samples (:data:`PASSING_LOOKS`, or :data:`FIRST_LOOKS` for the first
    registration; without one it does not pass: "samples not looked at")."""
    path = check_folder(results_dir, data, profile) / CHECKS
    entries = json.loads(path.read_text()) if path.is_file() else {}
    looks = PASSING_LOOKS if profile == passing.PROFILE else FIRST_LOOKS
    out = {}
    for cell, entry in entries.items():
        run = as_run(cell, CHANGES[profile], "library", entry, entry["iterations"])
        out[cell] = replace(run, look=looks.get(f"{data}/{cell}"))
    return out


def checked_arms(
    results_dir: str | os.PathLike = "results", data: str = "drive", profile: str = plan.PROFILE
) -> dict[str, str]:
    """The arm of each checked run of ``profile``'s registration on ``data`` by cell
    (:func:`~ganseg_lib.analysis.study.progress.arm_of` on the configuration the check
    recorded); "?" where no arm of the registration made it."""
    path = check_folder(results_dir, data, profile) / CHECKS
    entries = json.loads(path.read_text()) if path.is_file() else {}
    arms = passing.ARMS if profile == passing.PROFILE else plan.ARMS
    out = {}
    for cell, entry in entries.items():
        arm = arm_of(TrainConfig.from_json(entry["config"]), arms)
        out[cell] = arm.name if arm else "?"
    return out


def due_cells(
    results_dir: str | os.PathLike = "results", data: str = "drive", profile: str = passing.PROFILE
) -> list[str]:
    """The cells whose generators should be checked so far: those of ``profile``'s successful
    records that its rule names (:func:`~ganseg_lib.experiment.fewer_checks.recorded`) and those
    checked besides (by hand), so that a recorded run not checked yet is counted as such."""
    from ganseg_lib.experiment.setup import Setup
    from ganseg_lib.train.profiles import get_profile

    setup = Setup(get_profile(profile), data, data, results_dir=Path(results_dir))
    named = {c.cell for c in recorded(setup, log=lambda line: None)}
    return sorted(named | set(checked_generators(results_dir, data, profile)))


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
        f"{k} {what}" for k, what in ((missing, "not checked yet"), (unseen, "not looked at")) if k
    ]
    return text + (f" ({', '.join(notes)})" if notes else "")


def check_scope(data: str, cells: Iterable[str], checked: dict[str, CheckedRun]) -> str:
    """The words that scope a sentence on these checks: "so far" while one of ``cells`` (the
    due runs) is not checked yet, and "tuning runs included" where a checked run on ``data`` is
    a tuning run (:func:`~ganseg_lib.experiment.fewer_labels.is_tuning`: DRIVE, 1K, seeds 0–1),
    e.g. ' so far (tuning runs included)'; '' for a complete set of study runs."""
    so_far = " so far" * any(c not in checked for c in cells)
    tuning = any(plan.is_tuning(data, r.n_patches, r.seed) for r in checked.values())
    return so_far + " (tuning runs included)" * tuning


def check_rows(checked: dict[str, CheckedRun], arms: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per checked generator: its arm (with ``arms``, by cell), size, seed, the check's
    numbers, p(fake | labelled real) and fake detection at its last logged iteration, and
    whether it passes (or what it misses)."""
    rows = [
        {
            **({"arm": arms.get(cell, "?")} if arms is not None else {}),
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
    order = (["arm"] if arms is not None else []) + ["labelled patches", "seed"]
    return pd.DataFrame(rows).sort_values(order) if rows else pd.DataFrame()


def _group_row(entries: list[dict]) -> dict[str, str]:
    """The range over ``entries`` of the check's accuracy on each feature group, on all but the
    spectrum and on all features."""
    row = {
        group: span([e["group_accuracies"][group] for e in entries], "{:.3f}")
        for group in FEATURE_GROUPS
    }
    row["all but the spectrum"] = span(
        [e["two_sample_accuracy_without_spectrum"] for e in entries], "{:.3f}"
    )
    row["all"] = span([e["two_sample_accuracy"] for e in entries], "{:.3f}")
    return row


def group_table(results_dir: str | os.PathLike = "results", data: str = "drive") -> pd.DataFrame:
    """Which kind of difference tells the passing generator's samples from real patches, where
    it passed and here: per feature group of the check's classifier
    (:data:`~ganseg_lib.evaluate.two_sample.FEATURE_GROUPS`, then all but the spectrum, then
    all), the range of the two-sample accuracy on that group alone over the runs of the
    replication's re-run with this generator that pass the check (``generator/working.json``:
    paper protocol, lr 2e-4, 15K and 30K) and over this registration's checked generators of
    ``data`` per size and learning rate (fair protocol, tuning runs included), each column
    naming how many of its runs pass; 0.5: no difference. Descriptive (not registered); empty
    without checks here."""
    path = check_folder(results_dir, data) / CHECKS
    here = json.loads(path.read_text()) if path.is_file() else {}
    if not here:
        return pd.DataFrame()
    columns = {}
    working = Path(results_dir) / "generator" / WORKING_FILE
    entries = json.loads(working.read_text()) if working.is_file() else {}
    passed = [
        e for c, e in entries.items() if as_run(c, CHANGE, "library", e, e["iterations"]).passes
    ]
    if passed:
        sizes = "–".join(size_label(n) for n in sorted({e["config"]["n_patches"] for e in passed}))
        label = f"where it passed: paper protocol, {sizes} ({len(passed)} runs that pass)"
        columns[label] = _group_row(passed)
    checked = checked_generators(results_dir, data)
    for n, lr in sorted({(e["config"]["n_patches"], e["config"]["lr"]) for e in here.values()}):
        cells = [
            c for c, e in here.items() if (e["config"]["n_patches"], e["config"]["lr"]) == (n, lr)
        ]
        passing = sum(checked[c].passes for c in cells)
        runs = f"{len(cells)} run{'s' * (len(cells) > 1)}"
        lr_text = f"{lr:.0e}".replace("e-0", "e-")  # 0.0003 → 3e-4
        label = f"here: fair protocol, {size_label(n)}, lr {lr_text} ({runs}, {passing} pass)"
        columns[label] = _group_row([here[c] for c in cells])
    return pd.DataFrame(columns).rename_axis("features").reset_index()


def probe_run(entry: dict, group: str) -> CheckedRun:
    """One exploratory probe's check (an entry of ``probes.json``) as a run of ``group``, with
    the study's look at its samples (``PROBE_LOOKS``; the re-run that the probes change keeps
    the training chapter's look)."""
    run = as_run(entry["cell"], group, "library", entry, entry["config"]["iterations"])
    return replace(run, look=PROBE_LOOKS.get(entry["cell"]))


def probe_table(results_dir: str | os.PathLike = "results") -> pd.DataFrame:
    """The exploratory probes of :mod:`ganseg_lib.experiment.generator_probes` beside the run
    they change (the working generator's re-run at 15K, seed 0, where it passed): per run, its
    labelled patches, protocol, lr and unlabelled pool, the check's numbers, a person's look at
    its samples (:data:`~ganseg_lib.analysis.study.generator_looks.PROBE_LOOKS`) and whether it
    passes; empty until a probe is checked."""
    path = Path(results_dir) / PROBES
    probes = json.loads(path.read_text()) if path.is_file() else {}
    if not probes:
        return pd.DataFrame()
    working_path = Path(results_dir) / "generator" / WORKING_FILE
    working = json.loads(working_path.read_text()) if working_path.is_file() else {}
    # the run each probe changes: 15K, seed 0 (its look is the training chapter's)
    cell, entry = next(
        (
            (c, e)
            for c, e in working.items()
            if (e["config"]["n_patches"], e["config"]["seed"]) == (15_000, 0)
        ),
        (None, None),
    )
    if entry is None:
        raise DataError(f"{working_path}: no check of the run the probes change (15K, seed 0)")
    steps = entry["config"]["iterations"]
    runs = [("where it passed", as_run(cell, "where it passed", "library", entry, steps), entry)]
    for name, e in probes.items():
        runs.append((name, probe_run(e, name), e))
    rows = []
    for what, run, entry in runs:
        rows.append(
            {
                "run": what,
                "labelled patches": run.n_patches,
                "protocol": run.protocol,
                "lr": entry["config"]["lr"],
                "unlabelled pool": entry["config"].get("n_unlabelled") or 0,
                "two-sample accuracy": run.two_sample_accuracy,
                "without the spectrum": run.without_spectrum,
                "diversity ratio": run.diversity_ratio,
                "samples": run.look.what if run.look else "not looked at yet",
                "passes": "yes" if run.passes else "no: " + "; ".join(run.failures()),
            }
        )
    return pd.DataFrame(rows)
