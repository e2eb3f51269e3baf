"""The experiment grid on Ray: one Ray task per (method, size, seed) cell.

:func:`run_grid_on_ray` is the local grid (:func:`ganseg_lib.experiment.grid.run_grid`) spread
over a Ray instance: a local one started on this machine (one cell per GPU, or per ``threads``
CPU cores), or a cluster reached by its address. Each task runs
:func:`ganseg_lib.experiment.grid.run_one_cell`, the code of the local runner, so records and run
folders land where the local runner puts them, a recorded cell is skipped and the per-cell lock
still keeps a Ray grid and local runners apart. A task whose worker dies (killed, out of memory,
node lost) is retried, and the retry resumes from the run folder's checkpoint; on a cluster the
run and results folders must therefore be on storage that every node sees at the same path.

Ray is an optional dependency (``pip install ganseg[ray]``) and is imported only here, only when
:func:`run_grid_on_ray` is called.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

from ganseg_lib.errors import ConfigError, DataError
from ganseg_lib.experiment.grid import cells, check_methods, record_is_current, run_one_cell
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.paper import PAPER_METHODS
from ganseg_lib.train.profiles import get_profile

RAY_MISSING = "the grid on Ray needs Ray: pip install ganseg[ray]"
RESUMED = re.compile(r"^resuming .* (at iteration \d+/\d+)$")
MAX_RETRIES = 3  # attempts after a worker died, each resuming from the cell's checkpoint


def import_ray():
    """The ``ray`` module, or a one-line :class:`ConfigError` telling how to install it."""
    try:
        import ray
    except ImportError:
        raise ConfigError(RAY_MISSING) from None
    return ray


def local_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def cell_task(kwargs: dict) -> tuple[str, list[str], float]:
    """One Ray task: run one cell; return its record path, the lines it logged and its seconds."""
    lines: list[str] = []

    def log(message) -> None:
        print(message, flush=True)  # streamed to the driver's console by Ray
        lines.append(str(message))

    t0 = time.perf_counter()
    path = run_one_cell(**kwargs, log=log)
    return path, lines, time.perf_counter() - t0


def run_grid_on_ray(
    setup: Setup,
    sizes: Sequence[int] | None = None,
    seeds: Sequence[int] | None = None,
    methods: Sequence[str] = PAPER_METHODS,
    device: str = "auto",
    address: str | None = None,
    threads: int = 1,
    log=print,
    max_retries: int = MAX_RETRIES,
) -> list[Path]:
    """Train and evaluate every missing cell as a Ray task; return the record paths of all cells.

    The arguments are those of :func:`~ganseg_lib.experiment.grid.run_grid`, plus: ``address``
    (None starts a local Ray instance with this machine's cores and GPUs; ``"auto"`` or
    ``HOST:6379`` connects to a running cluster; a Ray instance already initialised in this
    process is used as it is) and ``threads``, the CPUs (torch threads) of each task. A task also
    asks for one GPU when the cluster has GPUs and ``device`` is not ``"cpu"``. The setup's DRIVE
    folder, when given, must be the DRIVE folder on every node (else each node uses its own
    ``GANSEG_DRIVE_DIR``); its data source is resolved here, once, for all tasks.
    """
    ray = import_ray()
    _check_arguments(setup, methods, threads)
    todo = cells(
        tuple(sizes or setup.profile.sizes),
        tuple(setup.profile.seeds if seeds is None else seeds),
        methods,
    )
    paths, pending = _record_paths(setup, todo, log)
    if not pending:
        return paths
    with _ray_instance(ray, address):
        resources = ray.cluster_resources()
        gpus = _task_gpus(resources, threads, device)
        log(_plan_line(resources, len(pending), len(todo), threads, gpus))
        remote = ray.remote(cell_task).options(
            num_cpus=threads, num_gpus=gpus, max_retries=max_retries, retry_exceptions=False
        )
        refs = {
            remote.remote(_task_arguments(setup, config, device, threads)): path
            for config, path in pending
        }
        failures = _collect(ray, refs, len(todo), len(todo) - len(pending), log)
    if failures:
        _raise_first(failures)
    return paths


def _check_arguments(setup: Setup, methods: Sequence[str], threads: int) -> None:
    check_methods(methods)
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ConfigError(f"threads must be an integer >= 1, got {threads!r}", "threads")
    if get_profile(setup.profile.name) != setup.profile:
        raise ConfigError(
            f"profile {setup.profile.name!r}: Ray tasks run named profiles only", "profile"
        )


def _record_paths(setup: Setup, todo, log) -> tuple[list[Path], list[tuple]]:
    """The record path of every cell, and the (config, path) of those not recorded yet."""
    paths, pending = [], []
    for seed, n, method in todo:
        config = setup.config(method, n, seed)
        path = setup.record_path(config)
        paths.append(path)
        if record_is_current(path, config):
            log(f"{config.cell}: recorded, skipped")
        else:
            pending.append((config, path))
    return paths, pending


@contextmanager
def _ray_instance(ray, address: str | None):
    """The Ray instance of this process: the one already initialised, else one started here
    (connected to ``address``, or local with this machine's cores) and shut down after."""
    started = not ray.is_initialized()
    if started:
        if address:
            ray.init(address=address)
        else:
            ray.init(num_cpus=local_cores())
    try:
        yield
    finally:
        if started:
            ray.shutdown()


def _task_gpus(resources: dict, threads: int, device: str) -> int:
    """The GPUs each task asks for (one where the cluster has GPUs and ``device`` allows);
    a cluster with fewer CPUs than one task's ``threads`` is an error."""
    if resources.get("CPU", 0) < threads:
        raise ConfigError(
            f"--threads {threads}: the Ray cluster has {resources.get('CPU', 0):g} CPUs",
            "threads",
        )
    return 1 if device != "cpu" and resources.get("GPU", 0) > 0 else 0


def _plan_line(resources: dict, n_pending: int, n_cells: int, threads: int, gpus: int) -> str:
    return (
        f"Ray: {n_pending} of {n_cells} cells to run on {resources.get('CPU', 0):g} CPUs"
        f" and {resources.get('GPU', 0):g} GPUs, each with {threads} CPU thread(s)"
        + (" and 1 GPU" if gpus else "")
    )


def _task_arguments(setup: Setup, config, device: str, threads: int) -> dict:
    """The keyword arguments of :func:`~ganseg_lib.experiment.grid.run_one_cell` for one cell."""
    return dict(
        profile_name=setup.profile.name,
        method=config.method,
        n_patches=config.n_patches,
        seed=config.seed,
        data=setup.data,
        drive_dir=setup.drive_dir,
        chase_dir=setup.chase_dir,
        # absolute: a worker's working directory is not the driver's
        runs_dir=str(Path(setup.runs_dir).resolve()),
        results_dir=str(Path(setup.results_dir).resolve()),
        device=device,
        threads=threads,
    )


def _raise_first(failures: list[tuple[str, Exception]]) -> None:
    """Raise the first failed cell's error (a data or configuration error as itself), naming
    the cell and counting the others."""
    stem, err = failures[0]
    more = f" (and {len(failures) - 1} more failed cells)" if len(failures) > 1 else ""
    cause = getattr(err, "cause", None)
    if isinstance(cause, (DataError, ConfigError)):
        raise type(cause)(f"{stem}: {cause}{more}")
    raise RuntimeError(f"{stem}: {err}{more}") from err


def _collect(ray, refs: dict, n_cells: int, n_done: int, log) -> list[tuple[str, Exception]]:
    """Wait for the tasks, logging each cell as it completes; return the failed cells."""
    from ganseg_lib.progress import progress_bar

    failures = []
    bar = progress_bar(total=n_cells, initial=n_done, desc="cells", unit="cell")
    try:
        while refs:
            (ref,), _ = ray.wait(list(refs), num_returns=1)
            path = refs.pop(ref)
            n_done += 1
            tag = f"[{n_done}/{n_cells}] {path.stem}"
            try:
                _, lines, seconds = ray.get(ref)
            except ray.exceptions.RayError as err:
                failures.append((path.stem, err))
                log(f"{tag}: ERROR {str(err).splitlines()[0] if str(err) else type(err).__name__}")
            else:
                log(f"{tag}: {_outcome(lines, seconds)}")
            bar.update(1)
    finally:
        bar.close()
    return failures


def _outcome(lines: list[str], seconds: float) -> str:
    """What became of a finished task's cell, read from the lines it logged."""
    resumed = [m.group(1) for x in lines if (m := RESUMED.search(x))]
    if any("another grid runner is working on it" in x for x in lines):
        return "left to another grid runner"
    if any(x.endswith(": recorded, skipped") for x in lines):
        return "recorded meanwhile, skipped"
    status = "FAILED" if any(": FAILED (" in x for x in lines) else "done"
    return f"{status} in {seconds:.0f} s" + (f" (resumed {resumed[-1]})" if resumed else "")
