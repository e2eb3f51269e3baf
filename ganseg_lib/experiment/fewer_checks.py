"""The generator check of the study "Fewer labels", made by its grid as the records arrive.

The second registration registers it (``studies/fewer-labels-passing/hypotheses.md``): every run
of ``gan-passing``, tuning included, is checked by the training chapter's check
(:func:`ganseg_lib.evaluate.generator_check.check_run`: 1,000 generated patches against 1,000
validation patches of the same data source) and its verdicts say how many pass. The first
registration registers none; its GAN arms' study cells are checked after the fact, into a folder
of their own, and decide nothing. Each check is one entry of
``results/<folder>/<data>/checks.json`` keyed by cell, with the generator's 32 samples in
``<cell>.samples.png`` beside it. A run is checked once, and only against the last checkpoint
of the run that made its record; a runner killed mid-check leaves it unchecked, and the next
pass of any runner checks it. A check that fails, or a record that
cannot be read, is logged and passed over: the checks decide no run, so they never stop the
grid.
"""

from __future__ import annotations

import json
from pathlib import Path

from filelock import FileLock

from ganseg_lib.atomic import is_temporary, write_text_atomic
from ganseg_lib.errors import ConfigError, DataError
from ganseg_lib.evaluate.record import read_record
from ganseg_lib.experiment import fewer_labels as plan
from ganseg_lib.experiment import fewer_labels_passing as passing
from ganseg_lib.experiment.fewer_labels import arm_of, stage_of
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
    run of its GAN arm (``gan-passing``) at a planned stage, tuning included; the first, every
    study cell of a GAN arm (not its tuning runs). A run of no arm of the plan is not checked."""
    if profile not in CHECK_FOLDERS:
        return False
    arms = passing.ARMS if profile == passing.PROFILE else plan.ARMS
    arm, stage = arm_of(config, arms), stage_of(config, config.data)
    if arm is None or stage is None or arm.method == "cnn":
        return False
    return profile == passing.PROFILE or stage != "tuning"


def read_checks(path: Path) -> dict[str, dict]:
    """The checks kept in ``path`` (a ``checks.json``), by cell; {} without the file."""
    return json.loads(path.read_text()) if path.is_file() else {}


def add_check(path: Path, entry: dict) -> Path:
    """Add one check (``entry``, keyed by its ``cell``) to the check file ``path``: under a
    lock, re-read, merged and written atomically, so that neither a grid runner nor a check by
    hand (``generator_suspects --check``) loses another's entry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(path.with_name(f".{path.name}.lock")):
        checks = read_checks(path) | {entry["cell"]: entry}
        write_text_atomic(path, json.dumps(checks, indent=1) + "\n")
    return path


def recorded(setup: Setup, log=print, passed: set[str] | None = None) -> list[TrainConfig]:
    """The configurations of ``setup``'s successful records whose generators its registration
    checks (:func:`checked_by_rule`). A record that cannot be read is passed over, and named
    unless its file name is in ``passed`` (to which it is added)."""
    passed = set() if passed is None else passed
    out = []
    folder = setup.results_dir / setup.profile.name / setup.data
    for path in sorted(folder.glob("*.json")):
        if is_temporary(path):  # another runner's write under way
            continue
        try:
            record = read_record(path)
        except DataError as e:
            if path.name not in passed:
                passed.add(path.name)
                log(f"[check] {e}: passed over")
            continue
        if record.ok and checked_by_rule(setup.profile.name, record.config):
            out.append(record.config)
    return out


def finished(setup: Setup, config: TrainConfig) -> bool:
    """Whether the run folder's checkpoint is the end of the run that made the record of
    ``config``: the same configuration, at its last iteration. A checkpoint of the same cell
    trained again (a stale record's retraining under way) is not, and is not checked."""
    from ganseg_lib.train.weights import read_checkpoint

    try:
        ckpt = read_checkpoint(setup.run_folder(config).checkpoint)
        same = TrainConfig.from_json(ckpt["config"]) == config
    except (DataError, ConfigError, KeyError, TypeError):  # damaged: not the recorded run's end
        return False
    return same and ckpt.get("iteration") == config.total_iterations


def due(
    setup: Setup, log=print, failed: set[str] | None = None
) -> tuple[list[TrainConfig], list[TrainConfig], list[TrainConfig]]:
    """The runs of :func:`recorded` with no check yet and not in ``failed``, in three lists:
    those whose run folder holds the recorded run's last checkpoint (:func:`finished`), which
    can be checked; those without a run folder; and those whose folder holds another checkpoint
    (the cell trained again, or a damaged file), which wait."""
    failed = set() if failed is None else failed
    if setup.profile.name not in CHECK_FOLDERS:
        return [], [], []
    done = read_checks(check_folder(setup) / CHECKS)
    ready, lost, waiting = [], [], []
    for config in recorded(setup, log, failed):
        if config.cell in done or config.cell in failed:
            continue
        if not setup.run_folder(config).checkpoint.is_file():
            lost.append(config)
        else:
            (ready if finished(setup, config) else waiting).append(config)
    return ready, lost, waiting


def unchecked(setup: Setup, log=print) -> list[TrainConfig]:
    """The runs of :func:`recorded` with no check yet whose run folder holds the recorded run's
    last checkpoint."""
    return due(setup, log)[0]


def check_arrived(
    setup: Setup, log=print, failed: set[str] | None = None, told: set[str] | None = None
) -> int:
    """Check every run that :func:`due` finds ready (another runner's check in progress is
    passed over) and add each entry to ``checks.json`` as it is made; return how many were
    made. ``failed`` (kept between passes by :func:`checks_after`) holds what is named once and
    not tried again: a check that failed, a recorded run without its run folder, an unreadable
    record. ``told`` holds the waiting runs already named: they are tried on every pass and
    named once. A check whose checkpoint changed while it was made is thrown away and tried
    again on a later pass."""
    from ganseg_lib.evaluate.generator_check import check_run, validation_patches
    from ganseg_lib.experiment.grid import cell_lock

    failed = set() if failed is None else failed
    told = set() if told is None else told
    configs, lost, waiting = due(setup, log, failed)
    for config in lost:
        failed.add(config.cell)
        log(f"[check] {config.cell}: no run folder in {setup.runs_dir}, not checked")
    for config in waiting:
        if config.cell not in told:
            told.add(config.cell)
            log(
                f"[check] {config.cell}: its run folder holds another checkpoint than the "
                "recorded run's last (trained again, or damaged): waiting"
            )
    if not configs:
        return 0
    folder = check_folder(setup)
    folder.mkdir(parents=True, exist_ok=True)  # the samples go beside the checks
    real = validation_patches(setup.data, drive_dir=setup.drive_dir, chase_dir=setup.chase_dir)
    made = 0
    for config in configs:
        tag = f"{setup.profile.name}.check"  # a lock per cell, apart from the runs' locks
        with cell_lock(setup.results_dir, tag, setup.data, config.cell) as mine:
            if not mine or config.cell in read_checks(folder / CHECKS):
                continue
            if not finished(setup, config):  # trained again since due() looked
                continue
            try:
                entry = check_run(
                    setup.run_folder(config).path, real, folder, setup.record_path(config)
                )
            except Exception as e:  # the check decides no run: the grid goes on without it
                failed.add(config.cell)
                log(f"[check] {config.cell}: FAILED ({type(e).__name__}: {e}), not retried")
                continue
            if not finished(setup, config):  # the checkpoint changed under the check
                continue
            path = add_check(folder / CHECKS, entry)
        made += 1
        log(
            f"[check] {config.cell}: two-sample accuracy {entry['two_sample_accuracy']:.3f}, "
            f"diversity ratio {entry['diversity_ratio']:.2f} ({path})"
        )
    return made


def checks_after(drive: Setup, chase: Setup | None = None, log=print):
    """The step the study's grid runs before every pass (``after`` of
    :func:`~ganseg_lib.experiment.fewer_labels.run_fewer_labels`): :func:`check_arrived` on
    DRIVE, then on CHASE_DB1 when given, each remembering its failed checks and the waiting
    runs it has named."""
    failed: dict[str, set[str]] = {}
    told: dict[str, set[str]] = {}

    def after() -> None:
        for setup in (drive, chase):
            if setup is not None:
                data = setup.data
                check_arrived(
                    setup, log, failed.setdefault(data, set()), told.setdefault(data, set())
                )

    return after
