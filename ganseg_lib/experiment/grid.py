"""The experiment grid: methods × labelled-patch counts × seeds, resumable across sessions.

Each cell is one run folder ``runs/<profile>/<data>/<method>-n<N>-s<seed>/`` and one record
``results/<profile>/<data>/<method>-n<N>-s<seed>.json``. A cell whose record exists (with the same
configuration) is skipped; a cell with a checkpoint resumes from it; a run whose losses become
NaN/Inf is recorded as failed (``status: "failed"``) and never averaged. A lock per cell lets
several grid runners share one results folder (e.g. one per core): each takes the next cell that
is neither recorded nor being run by another.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from ganseg_lib.data.source import load_split, resolve_data, split_validation
from ganseg_lib.errors import ConfigError
from ganseg_lib.evaluate.results import (
    EvalData,
    cell_name,
    evaluate_run,
    read_record,
    record_path,
    write_record,
)
from ganseg_lib.train.profiles import METHODS, Profile
from ganseg_lib.train.training import (
    CHECKPOINT,
    Diverged,
    TrainConfig,
    prepare_data,
    resolve_device,
    train,
)


@contextlib.contextmanager
def cell_lock(results_dir: Path, profile: str, data: str, cell: str) -> Iterator[bool]:
    """An exclusive, non-blocking lock on one grid cell; yields False when another process
    holds it.

    Grid runners on the same results folder (e.g. one per core, each with ``--threads 1``) thus
    share the work: each takes the next cell that is neither recorded nor locked. The lock is an
    ``fcntl.flock`` on ``results_dir/.<profile>.<data>.<cell>.lock``; the kernel releases it when
    its process ends, however it ends.
    """
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f".{profile}.{data}.{cell}.lock"
    with open(path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        fh.truncate(0)
        fh.write(str(os.getpid()))
        fh.flush()
        yield True


def cells(
    profile: Profile, sizes: Sequence[int], seeds: Sequence[int], methods: Sequence[str]
) -> list[tuple[int, int, str]]:
    """Seed-major order, so that an interrupted grid has every cell at the first seeds."""
    return [(seed, n, m) for seed in seeds for n in sizes for m in methods]


def run_dir_for(runs_dir: str | os.PathLike, profile: str, config: TrainConfig) -> Path:
    """``runs_dir/<profile>/<data>/<method>-n<N>-s<seed>``: where a cell's run folder lives."""
    return (
        Path(runs_dir)
        / profile
        / config.data
        / cell_name(config.method, config.n_patches, config.seed)
    )


def record_is_current(path: Path, config: TrainConfig) -> bool:
    if not path.is_file():
        return False
    return TrainConfig.from_json(read_record(path)["config"]) == config


def run_grid(
    profile: Profile,
    data: str | None = None,
    drive_dir: str | os.PathLike | None = None,
    sizes: Sequence[int] | None = None,
    seeds: Sequence[int] | None = None,
    methods: Sequence[str] = METHODS,
    runs_dir: str | os.PathLike = "runs",
    results_dir: str | os.PathLike = "results",
    device: str = "auto",
    log=print,
) -> list[Path]:
    """Train and evaluate every missing cell; return the record paths of all cells."""
    data = resolve_data(data or profile.data or "auto", drive_dir)
    sizes = tuple(sizes or profile.sizes)
    seeds = tuple(profile.seeds if seeds is None else seeds)
    for m in methods:
        if m not in METHODS:
            raise ConfigError(f"method must be one of {METHODS}, got {m!r}")
    results_dir, runs_dir = Path(results_dir), Path(runs_dir)
    todo = cells(profile, sizes, seeds, methods)
    paths = []
    loaded = None  # (train, validation, evaluation data), read at the first cell to run
    busy = []  # cells another runner was working on
    for i, (seed, n, method) in enumerate(todo, start=1):
        config = profile.config(method, n, seed, data)
        path = record_path(results_dir, profile.name, config)
        paths.append(path)
        tag = f"[{i}/{len(todo)}] {path.stem}"
        if record_is_current(path, config):
            log(f"{tag}: recorded, skipped")
            continue
        with cell_lock(results_dir, profile.name, data, path.stem) as mine:
            if not mine:
                log(f"{tag}: another grid runner is working on it, skipped")
                busy.append(path.stem)
                continue
            if record_is_current(path, config):  # finished by another runner meanwhile
                log(f"{tag}: recorded, skipped")
                continue
            if loaded is None:
                train_records, val_records = split_validation(
                    load_split(data, "training", drive_dir)
                )
                test = load_split(data, "test", drive_dir)[: profile.n_test_images]
                eval_data = EvalData(test, val_records[: profile.n_validation_images])
                loaded = (train_records, val_records, eval_data)
            run_cell(profile, config, path, runs_dir, results_dir, loaded, device, tag, log)
    if busy:
        log(f"{len(busy)} cells were left to other grid runners: {', '.join(busy)}")
    return paths


def run_cell(
    profile: Profile,
    config: TrainConfig,
    path: Path,
    runs_dir: Path,
    results_dir: Path,
    loaded: tuple,
    device: str,
    tag: str,
    log=print,
) -> None:
    """Train (or resume) one cell and write its record: evaluated, or failed when it diverged."""
    train_records, val_records, eval_data = loaded
    run_dir = run_dir_for(runs_dir, profile.name, config)
    resume = (run_dir / CHECKPOINT).exists()
    log(f"{tag}: {'resuming' if resume else 'training'}")
    t0 = time.perf_counter()
    try:
        train(
            config,
            run_dir,
            prepare_data(config, train_records, val_records),
            device=device,
            resume=resume,
            log=log,
        )
    except Diverged as err:
        write_record(path, failed_record(profile.name, config, run_dir, str(err)))
        log(f"{tag}: FAILED ({err})")
        return
    evaluate_run(
        run_dir, eval_data, results_dir, profile.name, device=str(resolve_device(device)), log=log
    )
    log(f"{tag}: {time.perf_counter() - t0:.0f} s")


def failed_record(profile: str, config: TrainConfig, run_dir: Path, reason: str) -> dict:
    import torch

    from ganseg_lib.evaluate.results import RECORD_FORMAT, history_summary, provenance

    return {
        "format": RECORD_FORMAT,
        "profile": profile,
        "status": "failed",
        "failure": reason,
        "config": config.to_json(),
        "run_dir": str(run_dir),
        "evaluation": None,
        "training": history_summary(run_dir),
        "timing": {"train_seconds": None},
        "provenance": provenance(torch.device("cpu")),
    }
