"""The replication's training step as a named step variant: the cpu profile keeps it on DRIVE,
old records are read with the step that made them, a record is current only with its step, and
the step draws two generator batches per iteration."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from ganseg_lib.errors import ConfigError
from ganseg_lib.evaluate.record import FUSED_STEP_SINCE, RunRecord, with_step, write_record
from ganseg_lib.experiment.grid import record_is_current
from ganseg_lib.paper import NOISE_DIM
from ganseg_lib.train.checkpoint import build_state
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.profiles import get_profile
from ganseg_lib.train.step import Batch, train_step


def test_the_cpu_profile_keeps_the_replications_step_on_drive_only():
    cpu, study = get_profile("cpu"), get_profile("study")
    assert cpu.config("gan", 15_000, 0, "drive").step == "replication"
    assert cpu.config("cnn", 15_000, 0, "drive").step == "replication"
    assert cpu.config("gan", 15_000, 0, "chase").step == "fused"  # its CHASE_DB1 records
    assert cpu.config("ssgan", 15_000, 0, "drive").step == "fused"
    assert cpu.config("gan", 15_000, 0, "drive", protocol="fair").step == "fused"
    assert cpu.config("gan", 15_000, 0, "drive", real_not_fake=True).step == "fused"
    assert study.config("gan", 15_000, 0, "drive").step == "fused"
    # a run with the generator check's generator is not one the replication's step made
    assert cpu.config("gan", 15_000, 0, "drive", g_arch="bnresize").step == "fused"
    for other, match in (
        ({"g_arch": "bnresize"}, "the slide's generator"),
        ({"protocol": "fair"}, "step"),
    ):
        with pytest.raises(ConfigError, match=match):
            TrainConfig(
                method="gan", data="drive", n_patches=64, iterations=1, step="replication", **other
            )
    with pytest.raises(ConfigError, match="step must be one of"):
        TrainConfig(method="gan", data="drive", n_patches=64, iterations=1, step="other")


def _body(config: TrainConfig, created: str) -> dict:
    body = {"config": config.to_json(), "provenance": {"created": created}}
    del body["config"]["step"]  # a record made before the field existed
    return body


def test_an_old_record_is_read_with_the_step_that_made_it():
    config = TrainConfig(method="gan", data="drive", n_patches=64, iterations=1)
    assert with_step(_body(config, "2026-11-25T21:02:53Z"))["step"] == "replication"
    assert with_step(_body(config, FUSED_STEP_SINCE))["step"] == "fused"
    fair = dataclasses.replace(config, protocol="fair")
    assert with_step(_body(fair, "2026-11-25T21:02:53Z"))["step"] == "fused"
    assert with_step({"config": config.to_json()})["step"] == "fused"  # as recorded


def test_a_record_is_current_only_with_its_step(tmp_path):
    fused = TrainConfig(method="cnn", data="drive", n_patches=64, iterations=1)
    replication = dataclasses.replace(fused, step="replication")
    path = tmp_path / "cnn-n64-s0.json"
    write_record(path, RunRecord("cpu", "ok", fused, "runs/x", {}, {}, {}))
    assert record_is_current(path, fused)
    assert not record_is_current(path, replication)  # a re-run would not mix two steps


def test_the_replication_step_draws_two_generator_batches():
    torch.manual_seed(0)
    x = torch.rand(4, 1, 64, 64) * 2 - 1
    y = torch.tensor([0, 1, 0, 1])
    draws = {}
    for step in ("fused", "replication"):
        config = TrainConfig(
            method="gan", data="phantom", n_patches=64, iterations=1, width=4, g_width=4, step=step
        )
        state = build_state(config, torch.device("cpu"))
        before = state.rng.get_state()
        metrics = train_step(state, config, Batch(x, y))
        assert {"L_c", "L_adv", "L_G", "fake_detect", "p_fake_real"} <= set(metrics)
        assert state.iteration == 1
        probe = torch.Generator()
        probe.set_state(before)
        n = 0
        while not torch.equal(probe.get_state(), state.rng.get_state()):
            torch.randn(len(x), NOISE_DIM, generator=probe)
            n += 1
            assert n < 4
        draws[step] = n
    assert draws == {"fused": 1, "replication": 2}


def test_the_replications_tables_read_the_paper_arms_only(tmp_path):
    from ganseg_lib.evaluate.record import load_results

    for real_not_fake in (False, True):
        config = TrainConfig(
            method="gan", data="drive", n_patches=64, iterations=1, real_not_fake=real_not_fake
        )
        rec = RunRecord("cpu", "ok", config, "runs/x", {}, {}, {}, evaluation={"mean_auc": 0.9})
        write_record(tmp_path / "cpu" / "drive" / f"{config.cell}.json", rec)
    assert len(load_results(tmp_path, "cpu", "drive")) == 2
    paper = load_results(tmp_path, "cpu", "drive", paper_arms=True)
    assert [r.config.cell for r in paper["record"]] == ["gan-n64-s0"]
