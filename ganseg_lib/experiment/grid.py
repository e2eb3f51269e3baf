"""The experiment grid: methods × labelled-patch counts × seeds, resumable across sessions.

Each cell is one run folder ``runs/<profile>/<data>/<cell>/`` and one record
``results/<profile>/<data>/<cell>.json``. A cell whose record exists (with the same
configuration) is skipped; a cell with a checkpoint resumes from it; a run whose losses become
NaN/Inf is recorded as failed (``status: "failed"``) and never averaged. A lock per cell lets
several grid runners share one results folder (e.g. one per core): each takes the next cell that
is neither recorded nor being run by another.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from filelock import FileLock, Timeout

from ganseg_lib.errors import ConfigError
from ganseg_lib.evaluate.record import read_record, write_record
from ganseg_lib.evaluate.run import evaluate_run, failed_record
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.paper import PAPER_METHODS
from ganseg_lib.train.config import METHODS, TrainConfig
from ganseg_lib.train.device import resolve_device
from ganseg_lib.train.loop import prepare_data, train
from ganseg_lib.train.monitor import Diverged


@contextlib.contextmanager
def cell_lock(results_dir: Path, profile: str, data: str, cell: str) -> Iterator[bool]:
    """An exclusive, non-blocking lock on one grid cell; yields False when another process
    holds it.

    Grid runners on the same results folder (e.g. one per core, each with ``--threads 1``) thus
    share the work: each takes the next cell that is neither recorded nor locked. The lock is a
    :class:`filelock.FileLock` (``flock`` on POSIX) on the file
    ``results_dir/.<profile>.<data>.<cell>.lock``, which the system releases when its process
    ends, however it ends; the holder writes its process id into the file.
    """
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f".{profile}.{data}.{cell}.lock"
    lock = FileLock(path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        yield False
        return
    try:
        path.write_text(str(os.getpid()))  # the lock is on the file, not on this descriptor
        yield True
    finally:
        lock.release()


def cells(
    sizes: Sequence[int], seeds: Sequence[int], methods: Sequence[str]
) -> list[tuple[int, int, str]]:
    """Seed-major order, so that an interrupted grid has every cell at the first seeds."""
    return [(seed, n, m) for seed in seeds for n in sizes for m in methods]


def record_is_current(path: Path, config: TrainConfig) -> bool:
    return path.is_file() and read_record(path).config == config


def check_methods(methods: Sequence[str]) -> None:
    for m in methods:
        if m not in METHODS:
            raise ConfigError(f"methods must be among {METHODS}, got {m!r}", "methods")


def run_grid(
    setup: Setup,
    sizes: Sequence[int] | None = None,
    seeds: Sequence[int] | None = None,
    methods: Sequence[str] = PAPER_METHODS,
    device: str = "auto",
    log=print,
    overrides: dict | None = None,
) -> list[Path]:
    """Train and evaluate every missing cell; return the record paths of all cells.
    ``overrides`` sets other :class:`TrainConfig` fields of every cell (e.g. ``real_not_fake``;
    a field that a method cannot take is left out of that method's cells)."""
    check_methods(methods)
    todo = cells(
        tuple(sizes or setup.profile.sizes),
        tuple(setup.profile.seeds if seeds is None else seeds),
        methods,
    )
    paths, busy = [], []
    for i, (seed, n, method) in enumerate(todo, start=1):
        config = setup.config(method, n, seed, **applicable_overrides(overrides, method))
        paths.append(setup.record_path(config))
        if not run_cell_locked(setup, config, device, f"[{i}/{len(todo)}] {config.cell}", log):
            busy.append(config.cell)
    if busy:
        log(f"{len(busy)} cells were left to other grid runners: {', '.join(busy)}")
    return paths


def applicable_overrides(overrides: dict | None, method: str) -> dict:
    """The overrides a method can take: the DC loss's real-data term needs a fake class, a
    generator architecture a generator, the flips of the fakes and the spectral term a trained
    generator."""
    overrides = dict(overrides or {})
    if not METHODS[method].adversarial:
        overrides.pop("real_not_fake", None)
    if not METHODS[method].has_generator:
        overrides.pop("g_arch", None)
    if not METHODS[method].trains_generator:
        overrides.pop("fake_flips", None)
        overrides.pop("spectral_weight", None)
    return overrides


def run_cell_locked(setup: Setup, config: TrainConfig, device: str, tag: str, log=print) -> bool:
    """Run one cell unless it is recorded; False when another runner holds its lock."""
    path = setup.record_path(config)
    if record_is_current(path, config):
        log(f"{tag}: recorded, skipped")
        return True
    with cell_lock(setup.results_dir, setup.profile.name, setup.data, config.cell) as mine:
        if not mine:
            log(f"{tag}: another grid runner is working on it, skipped")
            return False
        if record_is_current(path, config):  # finished by another runner meanwhile
            log(f"{tag}: recorded, skipped")
            return True
        run_cell(setup, config, device, tag, log)
    return True


def run_cell(setup: Setup, config: TrainConfig, device: str, tag: str, log=print) -> None:
    """Train (or resume) one cell and write its record: evaluated, or failed when it diverged."""
    folder = setup.run_folder(config)
    resume = folder.checkpoint.exists()
    log(f"{tag}: {'resuming' if resume else 'training'}")
    t0 = time.perf_counter()
    try:
        train(
            config,
            folder.path,
            prepare_data(config, *setup.training_images()),
            device=device,
            resume=resume,
            log=log,
        )
    except Diverged as err:
        write_record(
            setup.record_path(config), failed_record(setup.profile.name, config, folder, str(err))
        )
        log(f"{tag}: FAILED ({err})")
        return
    evaluate_run(
        folder.path,
        setup.eval_data(),
        setup.results_dir,
        setup.profile.name,
        device=str(resolve_device(device)),
        log=log,
    )
    log(f"{tag}: {time.perf_counter() - t0:.0f} s")


def run_one_cell(
    profile_name: str,
    method: str,
    n_patches: int,
    seed: int,
    data: str | None,
    drive_dir: str | os.PathLike | None,
    runs_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    device: str = "auto",
    threads: int | None = None,
    log=print,
    chase_dir: str | os.PathLike | None = None,
) -> str:
    """Run one grid cell as :func:`run_grid` does (lock, skip when recorded, train or resume,
    evaluate, record) and return its record path; a picklable entry point for remote workers.

    ``threads`` sets torch's CPU threads. When another runner holds the cell's lock the cell is
    left to it and the (possibly not yet written) record path is returned.
    """
    check_methods([method])
    if threads:
        import torch

        torch.set_num_threads(threads)
    setup = Setup.resolve(profile_name, data, drive_dir, results_dir, runs_dir, chase_dir)
    config = setup.config(method, n_patches, seed)
    run_cell_locked(setup, config, device, config.cell, log)
    return str(setup.record_path(config))


def run_plan(plan, device: str, name: str, poll_s: float = 60.0, log=print, after=None) -> int:
    """Run a study's plan until every cell is recorded; return how many are. ``plan()`` lists
    (stage, setup, configuration) in the order the cells should run, the configuration None
    while the cell waits for a choice (e.g. a tuning stage). A cell another runner holds, or one
    that waits, is passed over and tried again on the next pass, after ``poll_s`` seconds when
    nothing could run; after each run the plan is made again (a finished tuning run may have
    settled a choice). ``after()``, when given, runs before every pass: what the study does with
    the records that have arrived (e.g. the generator checks of "Fewer labels"). Before each run
    the progress is logged: '<name>: 9 of 201 cells recorded'."""
    while True:
        if after is not None:
            after()
        cells = plan()
        recorded = [c is not None and record_is_current(s.record_path(c), c) for _, s, c in cells]
        waiting, done = 0, sum(recorded)
        ran = False
        for (stage, setup, config), current in zip(cells, recorded):
            if current:
                continue
            if config is None:
                waiting += 1
                continue
            log(f"{name}: {done} of {len(cells)} cells recorded")
            if run_cell_locked(setup, config, device, f"[{stage}] {config.cell}", log):
                ran = True
                break
            waiting += 1
        if not ran and waiting == 0:
            log(f"{name}: all {done} cells recorded")
            return done
        if not ran:
            log(
                f"{name}: {done} recorded, {waiting} waiting for other runners; next try in "
                f"{poll_s:.0f} s"
            )
            time.sleep(poll_s)
