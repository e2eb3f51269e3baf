"""The grid of "Fewer labels" checks the generators its registrations check, once each, as
their records arrive (:mod:`ganseg_lib.experiment.fewer_checks`), on synthetic records; the
check itself is tested in ``test_generator_check``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ganseg_lib.evaluate import generator_check as gc
from ganseg_lib.evaluate.record import RunRecord, write_record
from ganseg_lib.experiment import fewer_checks as FC
from ganseg_lib.experiment import fewer_labels as F
from ganseg_lib.experiment import fewer_labels_passing as P
from ganseg_lib.experiment.grid import cell_lock, run_plan
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.train.profiles import get_profile
from ganseg_lib.train.weights import save_weights


def _setup(tmp: Path, profile: str, data: str = "drive") -> Setup:
    """The study's setup on ``data`` without its images (the checks' patches are faked)."""
    return Setup(get_profile(profile), data, data, None, tmp / "results", tmp / "runs")


def _checkpoint(setup: Setup, config, trained=None, iteration: int | None = None) -> None:
    """The run folder of ``config`` with a checkpoint of the run of ``trained`` (default:
    ``config``) at ``iteration`` (default: its last); no weights, which the faked check needs
    not."""
    trained = config if trained is None else trained
    checkpoint = setup.run_folder(config).checkpoint
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    at = trained.total_iterations if iteration is None else iteration
    save_weights(checkpoint, {"config": trained.to_json(), "iteration": at})


def _recorded(setup: Setup, config, status: str = "ok", folder: bool = True):
    """A record of ``config`` and, with ``folder``, its run folder's last checkpoint."""
    evaluation = {"mean_auc": 0.9} if status == "ok" else None
    record = RunRecord(
        setup.profile.name, status, config, "runs/x", {}, {}, {}, evaluation=evaluation
    )
    write_record(setup.record_path(config), record)
    if folder:
        _checkpoint(setup, config)
    return config


def _fake_check(monkeypatch) -> tuple[list[str], list[dict]]:
    """check_run and the real patches replaced: the runs checked, and the patches' arguments."""
    checked, asked = [], []

    def check_run(run_dir, real, out, record):
        checked.append(Path(run_dir).name)
        assert Path(record).is_file() and Path(out).is_dir()
        return {"cell": Path(run_dir).name, "two_sample_accuracy": 0.9, "diversity_ratio": 0.8}

    def patches(data, **dirs):
        asked.append({"data": data, **dirs})
        return np.zeros((2, 64, 64), np.uint8)

    monkeypatch.setattr(gc, "check_run", check_run)
    monkeypatch.setattr(gc, "validation_patches", patches)
    return checked, asked


def test_each_registration_checks_the_runs_its_rule_names():
    second = _setup(Path("/nonexistent"), P.PROFILE)
    gan, cnn = P.ARM["gan-passing"], P.ARM["cnn-dc32"]
    assert FC.checked_by_rule(P.PROFILE, F.arm_config(second, gan, 1_000, 0, gan.grid[0]))
    assert FC.checked_by_rule(P.PROFILE, F.arm_config(second, gan, 300, 100, gan.grid[0]))
    assert not FC.checked_by_rule(P.PROFILE, F.arm_config(second, cnn, 1_000, 0, cnn.grid[0]))
    first = _setup(Path("/nonexistent"), F.PROFILE)
    for arm in F.ARMS:
        candidate = arm.grid[0] if arm.grid else {}
        study = F.arm_config(first, arm, 1_000, F.SEEDS[0], candidate)
        tuning = F.arm_config(first, arm, 1_000, F.TUNING_SEEDS[0], candidate)
        assert FC.checked_by_rule(F.PROFILE, study) == (arm.method != "cnn")
        assert not FC.checked_by_rule(F.PROFILE, tuning)  # the first's tuning: by hand only
        assert not FC.checked_by_rule("cpu", study)
    # a run of no arm of the plan (an lr outside every grid), or outside its stages
    odd = F.arm_config(second, gan, 1_000, 100, {**gan.grid[0], "lr": 5e-4})
    assert not FC.checked_by_rule(P.PROFILE, odd)
    assert not FC.checked_by_rule(P.PROFILE, F.arm_config(second, gan, 1_000, 7, gan.grid[0]))


def test_the_grid_checks_each_arrived_generator_once(tmp_path, monkeypatch):
    setup = _setup(tmp_path, P.PROFILE)
    gan, cnn = P.ARM["gan-passing"], P.ARM["cnn-dc32"]
    wanted = _recorded(setup, F.arm_config(setup, gan, 1_000, 0, gan.grid[0]))
    _recorded(setup, F.arm_config(setup, cnn, 1_000, 0, cnn.grid[0]))  # no generator
    _recorded(setup, F.arm_config(setup, gan, 1_000, 1, gan.grid[0]), status="failed")
    gone = _recorded(setup, F.arm_config(setup, gan, 1_000, 0, gan.grid[1]), folder=False)
    checked, asked = _fake_check(monkeypatch)
    assert [c.cell for c in FC.unchecked(setup)] == [wanted.cell]
    lines = []
    after = FC.checks_after(setup, None, lines.append)
    after()
    assert checked == [wanted.cell] and asked == [
        {"data": "drive", "drive_dir": None, "chase_dir": None}
    ]
    path = tmp_path / "results" / "generator" / "fewer-labels-passing" / "drive" / FC.CHECKS
    assert json.loads(path.read_text()) == {
        wanted.cell: {"cell": wanted.cell, "two_sample_accuracy": 0.9, "diversity_ratio": 0.8}
    }
    assert lines == [
        f"[check] {gone.cell}: no run folder in {setup.runs_dir}, not checked",
        f"[check] {wanted.cell}: two-sample accuracy 0.900, diversity ratio 0.80 ({path})",
    ]
    # checked once: the next pass checks nothing, loads no patches and names nothing again
    after()
    assert FC.unchecked(setup) == [] and len(lines) == 2
    assert checked == [wanted.cell] and len(asked) == 1
    # a profile outside the study checks nothing
    assert FC.unchecked(_setup(tmp_path, "smoke")) == []


def test_a_failed_check_or_an_unreadable_record_never_stops_the_grid(tmp_path, monkeypatch):
    setup = _setup(tmp_path, F.PROFILE)
    arm = F.ARM["gan-fixed"]
    bad, good = (
        _recorded(setup, F.arm_config(setup, arm, 1_000, seed, arm.grid[0])) for seed in F.SEEDS[:2]
    )
    checked, _ = _fake_check(monkeypatch)
    fake = gc.check_run

    def check_run(run_dir, real, out, record):
        if Path(run_dir).name == bad.cell:
            raise KeyError("p_fake_real")
        return fake(run_dir, real, out, record)

    monkeypatch.setattr(gc, "check_run", check_run)
    folder = setup.results_dir / F.PROFILE / "drive"
    (folder / "zz-broken.json").write_text("{not json")  # named, passed over
    (folder / f"{good.cell}.json.4242.tmp.json").write_text("{half")  # a write under way
    lines = []
    after = FC.checks_after(setup, None, lines.append)
    after()
    after()  # the failed check is not tried again
    assert checked == [good.cell]
    failed = [line for line in lines if "FAILED" in line]
    assert failed == [f"[check] {bad.cell}: FAILED (KeyError: 'p_fake_real'), not retried"]
    assert sum("zz-broken.json" in line and "passed over" in line for line in lines) == 1
    assert not any(".tmp.json" in line for line in lines)


def test_no_check_is_lost_or_made_twice_between_writers(tmp_path, monkeypatch):
    setup = _setup(tmp_path, P.PROFILE)
    gan = P.ARM["gan-passing"]
    first, second = (
        _recorded(setup, F.arm_config(setup, gan, 1_000, seed, gan.grid[0]))
        for seed in F.TUNING_SEEDS
    )
    checked, _ = _fake_check(monkeypatch)
    fake = gc.check_run
    path = FC.check_folder(setup) / FC.CHECKS
    by_hand = {"cell": "gan-by-hand", "two_sample_accuracy": 0.5, "diversity_ratio": 1.0}

    def check_run(run_dir, real, out, record):  # another writer adds its entry meanwhile
        FC.add_check(path, by_hand)
        return fake(run_dir, real, out, record)

    monkeypatch.setattr(gc, "check_run", check_run)
    real_recorded = FC.recorded

    def recorded(*args):  # another runner checks `second` after the runs are listed
        out = real_recorded(*args)
        FC.add_check(path, {"cell": second.cell, "two_sample_accuracy": 0.7})
        return out

    monkeypatch.setattr(FC, "recorded", recorded)
    assert FC.check_arrived(setup, lambda line: None) == 1
    assert checked == [first.cell]  # `second` is not checked again
    checks = json.loads(path.read_text())
    assert set(checks) == {first.cell, second.cell, "gan-by-hand"}
    assert checks[second.cell]["two_sample_accuracy"] == 0.7


def test_a_check_another_runner_holds_is_passed_over_and_made_later(tmp_path, monkeypatch):
    setup = _setup(tmp_path, F.PROFILE)
    arm = F.ARM["ssgan"]
    config = _recorded(setup, F.arm_config(setup, arm, 300, F.SEEDS[0], arm.grid[0]))
    checked, _ = _fake_check(monkeypatch)
    lock = (setup.results_dir, f"{F.PROFILE}.check", setup.data, config.cell)
    with cell_lock(*lock) as mine:
        assert mine
        assert FC.check_arrived(setup, lambda line: None) == 0
    assert checked == []
    assert FC.check_arrived(setup, lambda line: None) == 1 and checked == [config.cell]
    assert (setup.results_dir / "generator" / "fewer-labels" / "drive" / FC.CHECKS).is_file()


def test_run_plan_runs_its_after_step_before_every_pass(tmp_path):
    passes, steps = [], []

    def plan():  # the first pass waits for a choice, the second has nothing left
        passes.append(len(steps))
        return [("drive", None, None)] if len(passes) == 1 else []

    assert (
        run_plan(
            plan, "cpu", "test", poll_s=0, log=lambda line: None, after=lambda: steps.append(1)
        )
        == 0
    )
    assert passes == [1, 2] and steps == [1, 1]


@pytest.mark.parametrize("with_chase", [True, False])
def test_the_grid_command_checks_drive_then_chase_before_every_pass(
    with_chase, tmp_path, monkeypatch
):
    from ganseg_lib.cli import main
    from ganseg_lib.experiment import fewer_labels_passing

    def resolve(profile, data="auto", *args, **kwargs):  # no images needed
        return _setup(tmp_path, profile, data if data in ("drive", "chase") else "drive")

    monkeypatch.setattr(Setup, "resolve", staticmethod(resolve))
    if with_chase:
        monkeypatch.setenv("GANSEG_CHASE_DIR", str(tmp_path / "chase"))
    else:
        monkeypatch.delenv("GANSEG_CHASE_DIR", raising=False)
    ran, checked = [], []
    monkeypatch.setattr(
        fewer_labels_passing,
        "run_fewer_labels_passing",
        lambda drive, chase, device, after: ran.append((drive, chase)) or after() or after(),
    )
    monkeypatch.setattr(
        FC,
        "check_arrived",
        lambda setup, log, failed, told: checked.append((setup.data, id(failed), id(told))),
    )
    out = ["--runs", str(tmp_path / "r"), "--results", str(tmp_path / "x")]
    assert main(["grid", "--profile", P.PROFILE, *out]) == 0
    ((drive, chase),) = ran
    assert (drive.profile.name, drive.data) == (P.PROFILE, "drive")
    assert [c[0] for c in checked] == (["drive", "chase"] if with_chase else ["drive"]) * 2
    # each data source keeps its own failed checks and named waiting runs from pass to pass
    per_data = {data: {tuple(ids) for d, *ids in checked if d == data} for data, *_ in checked}
    assert all(len(ids) == 1 for ids in per_data.values())
    kept = [i for ids in per_data.values() for i in next(iter(ids))]
    assert len(set(kept)) == 2 * len(per_data)
    assert (chase is not None) == with_chase


def test_run_plan_logs_its_progress_before_each_run(tmp_path, monkeypatch):
    from ganseg_lib.experiment import grid

    setup = _setup(tmp_path, F.PROFILE)
    cnn = F.ARM["cnn"]
    configs = [F.arm_config(setup, cnn, 1_000, seed, {}) for seed in F.SEEDS[:3]]
    _recorded(setup, configs[1])  # recorded by another runner already

    def run(setup, config, device, tag, log):  # a run that records its cell
        _recorded(setup, config)
        log(f"{tag}: ran")
        return True

    monkeypatch.setattr(grid, "run_cell_locked", run)
    lines = []
    plan = [("drive", setup, c) for c in configs]
    assert run_plan(lambda: plan, "cpu", "test", poll_s=0, log=lines.append) == 3
    assert lines == [
        "test: 1 of 3 cells recorded",
        f"[drive] {configs[0].cell}: ran",
        "test: 2 of 3 cells recorded",
        f"[drive] {configs[2].cell}: ran",
        "test: all 3 cells recorded",
    ]


def test_a_run_folder_that_is_not_the_recorded_runs_end_waits(tmp_path, monkeypatch):
    """A record whose run folder holds a checkpoint mid-run (the cell trained again), one of
    another configuration, or a damaged one, is not checked against it: it waits, named once,
    and is checked once the folder holds the recorded run's last checkpoint."""
    setup = _setup(tmp_path, P.PROFILE)
    gan = P.ARM["gan-passing"]
    config = _recorded(setup, F.arm_config(setup, gan, 1_000, 0, gan.grid[0]), folder=False)
    other = F.arm_config(setup, gan, 1_000, 0, gan.grid[1])
    checked, _ = _fake_check(monkeypatch)
    lines = []
    after = FC.checks_after(setup, None, lines.append)
    waiting = (
        f"[check] {config.cell}: its run folder holds another checkpoint than the recorded "
        "run's last (trained again, or damaged): waiting"
    )
    for trained, at in ((config, config.total_iterations // 2), (other, None)):
        _checkpoint(setup, config, trained, at)
        assert not FC.finished(setup, config) and FC.due(setup) == ([], [], [config])
        after()
        assert checked == [] and lines == [waiting]  # named once, on the first pass
    setup.run_folder(config).checkpoint.write_bytes(b"not a checkpoint")
    assert not FC.finished(setup, config) and FC.due(setup) == ([], [], [config])
    _checkpoint(setup, config)
    assert FC.finished(setup, config) and FC.unchecked(setup) == [config]
    after()
    assert checked == [config.cell] and len(lines) == 2 and FC.due(setup) == ([], [], [])


def test_a_check_whose_checkpoint_changed_under_it_is_thrown_away(tmp_path, monkeypatch):
    """The cell is trained again while its check is made: the check is not kept, and the run is
    checked on a later pass against its own last checkpoint."""
    setup = _setup(tmp_path, P.PROFILE)
    gan = P.ARM["gan-passing"]
    config = _recorded(setup, F.arm_config(setup, gan, 1_000, 0, gan.grid[0]))
    checked, _ = _fake_check(monkeypatch)
    fake = gc.check_run

    def retrained_meanwhile(run_dir, real, out, record):
        entry = fake(run_dir, real, out, record)
        if len(checked) == 1:  # the first check: a retraining writes its first checkpoint
            _checkpoint(setup, config, config, 100)
        return entry

    monkeypatch.setattr(gc, "check_run", retrained_meanwhile)
    lines = []
    after = FC.checks_after(setup, None, lines.append)
    after()
    path = FC.check_folder(setup) / FC.CHECKS
    assert checked == [config.cell] and FC.read_checks(path) == {} and lines == []
    _checkpoint(setup, config)  # the recorded run's end again
    after()
    assert checked == [config.cell] * 2 and list(FC.read_checks(path)) == [config.cell]
