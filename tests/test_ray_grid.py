"""The grid on Ray: the records of the local runner, a recorded cell skipped, a killed worker's
cell resumed from its checkpoint, and nothing of Ray imported unless asked for.

The Ray tests run a local Ray instance limited to 2 CPUs and skip with a reason when Ray is not
installed (``pip install ganseg[ray]``).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from ganseg_lib.cli import build_parser, main
from ganseg_lib.evaluate.record import read_record
from ganseg_lib.experiment.setup import Setup

SIZES, SEEDS, METHODS = [200, 400], [0], ["gan", "cnn"]


def smoke_setup(root) -> Setup:
    return Setup.resolve("smoke", "phantom", None, root / "results", root / "runs")


def test_cli_ray_flag_takes_an_optional_address():
    parse = build_parser().parse_args
    assert parse(["grid", "--profile", "smoke"]).ray is None
    assert parse(["grid", "--profile", "smoke", "--ray"]).ray == "local"
    assert parse(["grid", "--profile", "smoke", "--ray", "head:6379"]).ray == "head:6379"


def test_cli_ray_without_ray_says_how_to_install_it(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    code = main(["grid", "--profile", "smoke", "--ray", "--results", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [
        "ganseg: error: the grid on Ray needs Ray: pip install ganseg[ray]"
    ]
    assert not any(tmp_path.iterdir())  # nothing was run


def test_the_grid_and_the_cli_do_not_import_ray():
    code = (
        "import sys, ganseg_lib.cli, ganseg_lib.experiment.grid, ganseg_lib.experiment.ray_grid;"
        "ganseg_lib.cli.build_parser(); print('ray' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray", reason="Ray is not installed: pip install ganseg[ray]")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("GANSEG_DRIVE_DIR", raising=False)  # the workers inherit this environment
        mp.setenv("TQDM_DISABLE", "1")
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        try:
            yield ray
        finally:
            ray.shutdown()


@pytest.fixture(scope="module")
def local_records(tmp_path_factory):
    """The smoke grid (1 seed × 2 sizes × 2 methods) by the local runner, on one thread."""
    import torch

    from ganseg_lib.experiment.grid import run_grid

    root = tmp_path_factory.mktemp("local")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.delenv("GANSEG_DRIVE_DIR", raising=False)
            mp.setenv("TQDM_DISABLE", "1")
            paths = run_grid(smoke_setup(root), SIZES, SEEDS, METHODS, "cpu", log=lambda m: None)
    finally:
        torch.set_num_threads(threads)
    return {p.name: read_record(p) for p in paths}


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_ray_grid_writes_the_records_of_the_local_grid(ray_local, local_records, tmp_path):
    from ganseg_lib.experiment.ray_grid import run_grid_on_ray

    setup = smoke_setup(tmp_path)
    lines = []
    t0 = time.perf_counter()
    paths = run_grid_on_ray(setup, SIZES, SEEDS, METHODS, "cpu", threads=1, log=lines.append)
    print(f"Ray smoke grid: {len(paths)} cells in {time.perf_counter() - t0:.1f} s")
    assert sorted(p.name for p in paths) == sorted(local_records)
    for path in paths:
        assert path.parent == tmp_path / "results" / "smoke" / "phantom"
        record = read_record(path)
        assert record.status == "ok"
        assert (tmp_path / "runs" / "smoke" / "phantom" / path.stem / "checkpoint.pt").is_file()
        local = local_records[path.name]
        assert record.config == local.config
        # Same seed, same threads: the same weights, hence the same evaluation to the last bit.
        assert record.evaluation == local.evaluation, path.name
        assert record.evaluation["mean_auc"] == local.evaluation["mean_auc"]
    done = [x for x in lines if re.match(r"\[\d/4\] \S+: done in \d+ s$", x)]
    assert len(done) == 4, lines

    lines.clear()  # a second grid finds every cell recorded and submits nothing
    assert run_grid_on_ray(setup, SIZES, SEEDS, METHODS, "cpu", log=lines.append) == paths
    assert sorted(lines) == sorted(f"{p.stem}: recorded, skipped" for p in paths)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_killed_worker_s_cell_is_retried_and_resumes(ray_local, local_records, tmp_path):
    """SIGKILL the worker once the cell has a checkpoint: Ray retries the task, which resumes
    from the checkpoint and writes the record the uninterrupted run writes."""
    from ganseg_lib.experiment.ray_grid import run_grid_on_ray

    setup = smoke_setup(tmp_path)
    config = setup.config("gan", 200, 0)
    checkpoint = setup.run_folder(config).checkpoint
    lock = tmp_path / "results" / f".smoke.phantom.{config.cell}.lock"
    killed = []

    def kill_worker_after_first_checkpoint():
        deadline = time.monotonic() + 240
        while not checkpoint.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        pid = int(lock.read_text())  # the worker that holds the cell's lock
        assert pid != os.getpid()
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    killer = threading.Thread(target=kill_worker_after_first_checkpoint, daemon=True)
    killer.start()
    lines = []
    (path,) = run_grid_on_ray(setup, [200], [0], ["gan"], "cpu", log=lines.append)
    killer.join(timeout=5)
    assert killed, "the worker was not killed"
    done = [x for x in lines if x.startswith("[1/1] gan-n200-s0: done in ")]
    assert len(done) == 1, lines
    resumed = re.search(r"\(resumed at iteration (\d+)/60\)$", done[0])
    assert resumed and int(resumed.group(1)) >= 20, done[0]  # from a checkpoint, not from 0
    assert int(lock.read_text()) != killed[0]  # the retry ran in another worker
    record = read_record(path)
    assert record.status == "ok"
    assert record.evaluation == local_records[path.name].evaluation
