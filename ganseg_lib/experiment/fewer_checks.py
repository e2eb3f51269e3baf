"""The generator check of the study "Fewer labels", made by its grid as the records arrive.

The second registration registers it (``studies/fewer-labels-passing/hypotheses.md``): every run
of ``gan-passing``, tuning included, is checked by the training chapter's check
(:func:`ganseg_lib.evaluate.generator_check.check_run`: 1,000 generated patches against 1,000
validation patches of the same data source) and its verdicts say how many pass. The first
registration registers none; its GAN arms' study cells are checked after the fact, into a folder
of their own, and decide nothing. Each check is one entry of
``results/<folder>/<data>/checks.json`` keyed by cell, with the generator's 32 samples in
``<cell>.samples.png`` beside it. A run is checked once; a runner killed mid-check leaves it
unchecked, and the next pass of any runner checks it.
"""

from __future__ import annotations

import json
from pathlib import Path

from filelock import FileLock

from ganseg_lib.atomic import write_text_atomic
from ganseg_lib.evaluate.record import read_record
from ganseg_lib.experiment import fewer_labels as plan
from ganseg_lib.experiment import fewer_labels_passing as passing
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.train.config import TrainConfig

# under the results folder, one folder per data source in each
CHECK_FOLDERS = {
    passing.PROFILE: Path("generator") / "fewer-labels-passing",  # registered
    plan.PROFILE: Path("generator") / "fewer-labels",  # after the fact, not registered
}
CHECKS = "checks.json"


def check_folder(setup: Setup) -> Path:
    """Where the checks of ``setup``'s registration on its data source are kept."""
    return setup.results_dir / CHECK_FOLDERS[setup.profile.name] / setup.data


def checked_by_rule(profile: str, config: TrainConfig) -> bool:
    """Whether ``profile``'s registration checks the generator of this run: the second, every
    GAN-CNN run (its one GAN arm, ``gan-passing``); the first, every study cell of a GAN arm
    (its seeds; not the tuning runs)."""
    if profile == passing.PROFILE:
        return config.method == "gan"
    study_seeds = set(plan.SEEDS) | set(plan.CHASE_SEEDS)
    return profile == plan.PROFILE and config.adversarial and config.seed in study_seeds


def read_checks(setup: Setup) -> dict[str, dict]:
    """The checks so far of ``setup``'s registration on its data source, by cell."""
    path = check_folder(setup) / CHECKS
    return json.loads(path.read_text()) if path.is_file() else {}


def unchecked(setup: Setup) -> list[TrainConfig]:
    """The runs of ``setup``'s registration and data source that its rule checks, that have a
    successful record and a run folder with a checkpoint, and no check yet (by cell name)."""
    if setup.profile.name not in CHECK_FOLDERS:
        return []
    done = read_checks(setup)
    out = []
    for path in sorted((setup.results_dir / setup.profile.name / setup.data).glob("*.json")):
        record = read_record(path)
        config = record.config
        if (
            record.ok
            and config.cell not in done
            and checked_by_rule(setup.profile.name, config)
            and setup.run_folder(config).checkpoint.is_file()
        ):
            out.append(config)
    return out


def check_arrived(setup: Setup, log=print) -> int:
    """Check every run of :func:`unchecked` (another runner's check in progress is passed
    over) and add each entry to ``checks.json`` as it is made; return how many were made."""
    from ganseg_lib.evaluate.generator_check import check_run, validation_patches
    from ganseg_lib.experiment.grid import cell_lock

    configs = unchecked(setup)
    if not configs:
        return 0
    folder = check_folder(setup)
    folder.mkdir(parents=True, exist_ok=True)
    real = validation_patches(setup.data, drive_dir=setup.drive_dir, chase_dir=setup.chase_dir)
    made = 0
    for config in configs:
        tag = f"{setup.profile.name}.check"  # a lock per cell, apart from the runs' locks
        with cell_lock(setup.results_dir, tag, setup.data, config.cell) as mine:
            if not mine or config.cell in read_checks(setup):
                continue
            entry = check_run(
                setup.run_folder(config).path, real, folder, setup.record_path(config)
            )
            with FileLock(folder / f".{CHECKS}.lock"):
                checks = read_checks(setup) | {config.cell: entry}
                write_text_atomic(folder / CHECKS, json.dumps(checks, indent=1) + "\n")
        made += 1
        log(
            f"[check] {config.cell}: two-sample accuracy {entry['two_sample_accuracy']:.3f}, "
            f"diversity ratio {entry['diversity_ratio']:.2f} ({folder / CHECKS})"
        )
    return made


def checks_after(drive: Setup, chase: Setup | None = None, log=print):
    """The step the study's grid runs before every pass (``after`` of
    :func:`~ganseg_lib.experiment.fewer_labels.run_fewer_labels`): :func:`check_arrived` on
    DRIVE, then on CHASE_DB1 when given."""

    def after() -> None:
        for setup in (drive, chase):
            if setup is not None:
                check_arrived(setup, log)

    return after
