"""The study "Fewer labels": its plan (tuning grids, new seeds, the order of the cells), the choice
of each tuned arm on validation AUC only, and the weight of the unsupervised terms of the DC
loss."""

from __future__ import annotations

import pytest
import torch

from ganseg_lib.errors import ConfigError
from ganseg_lib.evaluate.record import RunRecord, write_record
from ganseg_lib.experiment import fewer_labels as F
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.model.losses import loss_adversarial, loss_classification
from ganseg_lib.train.checkpoint import build_state
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.step import Batch, train_step


def _setup(tmp, data="phantom"):
    return Setup.resolve(F.PROFILE, data, None, tmp / "results", tmp / "runs")


def _record(config: TrainConfig, best_val_auc: float | None, status: str = "ok") -> RunRecord:
    return RunRecord(
        F.PROFILE,
        status,
        config,
        "runs/x",
        {"best_val_auc": best_val_auc},
        {},
        {},
        evaluation={"mean_auc": 0.5} if status == "ok" else None,
    )


def test_the_plan_uses_new_seeds_and_a_fixed_tuning_budget(tmp_path):
    setup = _setup(tmp_path)
    assert not set(F.SEEDS) & {0, 1, 2, 3, 4} and len(F.SEEDS) >= 8
    assert len(F.CHASE_SEEDS) >= 5
    tuning = F.tuning_cells(setup)
    # the CNN without norm, the fixed GAN-CNN, the SSL GAN, the joint L_c; seeds 0–1
    assert len(tuning) == 2 * (4 + 4 + 8 + 8)
    assert len({c.cell for _, c in tuning}) == len(tuning)  # every candidate its own record
    assert {c.n_patches for _, c in tuning} == {F.TUNING_SIZE}
    # the SSL GAN's half fraction: each level of each knob in half of the candidates
    for key in ("adv_weight", "g_loss", "lr", "n_unlabelled"):
        levels = [c[key] for c in F.SSGAN_GRID]
        assert all(levels.count(v) == 4 for v in set(levels)), key
    drive = F.planned_cells()
    assert len(drive) == len(set(drive)) == len(F.SEEDS) * sum(len(a.sizes) for a in F.ARMS)
    sizes = [n for _, n, _ in drive]
    first = len(F.SEEDS) * sum(1_000 in a.sizes for a in F.ARMS)
    assert set(sizes[:first]) == {1_000}  # the primary contrasts first
    chase = F.planned_cells(chase=True)
    assert {a.name for a, _, _ in chase} == {"cnn", "cnn-none", "gan-fixed", "ssgan", "gan-joint"}
    # every GAN arm but the study's own has the generator check's networks
    for arm in F.ARMS:
        config = F.arm_config(setup, arm, 1_000, 100, arm.grid[0] if arm.grid else {})
        fixed = config.spec.has_generator and arm.name != "gan-study"
        assert (config.g_arch == "bnresize") == fixed, arm.name
        assert (config.norm == "none") == (fixed or arm.name == "cnn-none"), arm.name


def test_an_arm_is_chosen_on_mean_validation_auc_and_waits_for_its_tuning(tmp_path):
    setup = _setup(tmp_path)
    arm = F.ARM["gan-fixed"]
    cells = [c for a, c in F.tuning_cells(setup) if a is arm]
    assert F.chosen(setup, arm) is None
    scores = {0: (0.90, 0.92), 1: (0.95, 0.80), 2: (0.93, 0.93), 3: (0.91, 0.94)}
    for i, candidate in enumerate(arm.grid):
        for seed, score in zip(F.TUNING_SEEDS, scores[i]):
            config = F.arm_config(setup, arm, F.TUNING_SIZE, seed, candidate)
            assert config in cells
            write_record(setup.record_path(config), _record(config, score))
    assert F.chosen(setup, arm) == arm.grid[2]  # the highest mean (0.93), not the highest run
    assert F.chosen(setup, F.ARM["cnn"]) == {}  # untuned: its fixed fields only
    other = _setup(tmp_path / "other")  # another data source's setup takes DRIVE's choice
    cell = F.resolve_cell(other, setup, arm, 1_000, 100)
    assert (
        cell.real_not_fake
        and cell.g_arch == "bnresize"
        and cell.lr == arm.grid[2]["lr"]
        and cell.seed == 100
    )
    assert not other.record_path(cell).exists()


def test_the_unsupervised_weight_scales_the_adversarial_terms_only():
    torch.manual_seed(0)
    x = torch.rand(4, 1, 64, 64) * 2 - 1
    y = torch.tensor([0, 1, 0, 1])
    losses = {}
    for w in (1.0, 0.5):
        config = TrainConfig(
            method="gan",
            data="phantom",
            n_patches=64,
            iterations=1,
            width=4,
            g_width=4,
            adv_weight=w,
        )
        state = build_state(config, torch.device("cpu"))
        metrics = train_step(
            state, config, Batch(x.contiguous(memory_format=torch.channels_last), y)
        )
        losses[w] = metrics
    # same seed, same first step: L_c and L_adv are equal, the share moves with the weight
    assert losses[0.5]["L_c"] == pytest.approx(float(losses[1.0]["L_c"]))
    assert losses[0.5]["L_adv"] == pytest.approx(float(losses[1.0]["L_adv"]))
    l_c, l_adv = float(losses[1.0]["L_c"]), float(losses[1.0]["L_adv"])
    assert float(losses[1.0]["adv_share"]) == pytest.approx(l_adv / (l_c + l_adv), rel=1e-5)
    assert float(losses[0.5]["adv_share"]) == pytest.approx(
        0.5 * l_adv / (l_c + 0.5 * l_adv), rel=1e-5
    )
    assert loss_classification and loss_adversarial  # the losses the step combines
    with pytest.raises(ConfigError, match="adv_weight"):
        TrainConfig(method="cnn", data="phantom", n_patches=64, iterations=1, adv_weight=0.5)
    named = TrainConfig(
        method="ssgan",
        data="phantom",
        n_patches=64,
        iterations=1,
        adv_weight=0.5,
        n_unlabelled=10_000,
    )
    assert named.cell.endswith("-w0.5-u10000-n64-s0")


def test_run_plan_waits_for_a_choice_and_skips_recorded_cells(tmp_path):
    from ganseg_lib.experiment.grid import run_plan

    setup = _setup(tmp_path)
    config = F.arm_config(setup, F.ARM["cnn"], 1_000, 100, {})
    write_record(setup.record_path(config), _record(config, 0.9))
    passes = []

    def plan():  # the first pass waits for a choice; the second finds the cell recorded
        passes.append(1)
        return [("drive", setup, None if len(passes) == 1 else config)]

    lines = []
    assert run_plan(plan, "cpu", "test", poll_s=0, log=lines.append) == 1
    assert len(passes) == 2 and lines[-1] == "test: all 1 cells recorded"


def test_progress_counts_each_record_for_its_arm_and_stage(tmp_path):
    from ganseg_lib.analysis.study.progress import progress_table
    from ganseg_lib.experiment.fewer_labels import arm_of

    setup = _setup(tmp_path, "drive")
    for arm in F.ARMS:  # every arm's cells are told apart, and a stranger is none of them
        for candidate in arm.grid or ({},):
            assert arm_of(F.arm_config(setup, arm, 1_000, 0, candidate)) is arm
    assert arm_of(setup.config("gan", 1_000, 0)) is None  # the paper's protocol
    fixed = F.ARM["gan-fixed"]
    cells = [
        F.arm_config(setup, fixed, F.TUNING_SIZE, 0, fixed.grid[1]),  # tuning
        F.arm_config(setup, fixed, 300, 100, fixed.grid[1]),  # DRIVE 300
        F.arm_config(setup, F.ARM["cnn"], 3_000, 101, {}),  # DRIVE 3K
        F.arm_config(setup, F.ARM["cnn"], 3_000, 5, {}),  # not a study seed: not counted
    ]
    for i, config in enumerate(cells):
        record = _record(config, 0.9, "ok" if i else "failed")
        write_record(tmp_path / "results" / F.PROFILE / "drive" / f"{config.cell}.json", record)
    table = progress_table(tmp_path / "results").set_index("arm")
    assert table.loc["gan-fixed", "tuning"] == "1 / 8" and table.loc["gan-fixed", "failed"] == 1
    assert table.loc["gan-fixed", "DRIVE 300"] == "1 / 8"
    assert table.loc["cnn", "DRIVE 3,000"] == "1 / 8" and table.loc["cnn", "tuning"] == "—"
    assert table.loc["gan-joint", "DRIVE 300"] == "—"  # at 1K only
    assert table.loc["gan-study", "CHASE_DB1 1,000"] == "—"
    assert table.loc["ssgan", "CHASE_DB1 1,000"] == "0 / 5"
    empty = progress_table(tmp_path / "none")
    assert (empty["failed"] == 0).all() and set(empty["arm"]) == set(F.ARM)


def test_the_tuning_table_lists_each_run_its_diagnostics_and_the_choice(tmp_path):
    import dataclasses

    from ganseg_lib.analysis.study.progress import tuning_table

    setup = _setup(tmp_path, "drive")
    arm = F.ARM["cnn-none"]
    history = {"p_fake_real": None, "fake_detect": None}
    for i, candidate in enumerate(arm.grid):
        for seed in F.TUNING_SEEDS:
            config = F.arm_config(setup, arm, F.TUNING_SIZE, seed, candidate)
            record = dataclasses.replace(_record(config, 0.90 + 0.01 * i), history=[history])
            write_record(setup.record_path(config), record)
    joint = F.ARM["gan-joint"]
    config = F.arm_config(setup, joint, F.TUNING_SIZE, 1, joint.grid[5])
    last = {"p_fake_real": 0.4, "p_fake_unl": None, "p_fake_val": 0.45, "fake_detect": 0.8}
    record = dataclasses.replace(_record(config, 0.8), history=[{"p_fake_real": 0.9}, last])
    write_record(setup.record_path(config), record)
    ssgan = F.ARM["ssgan"]
    config = F.arm_config(setup, ssgan, F.TUNING_SIZE, 0, ssgan.grid[0])
    write_record(setup.record_path(config), _record(config, 0.85))
    stranger = F.arm_config(setup, arm, 300, 100, arm.grid[0])  # a study cell, not tuning
    write_record(setup.record_path(stranger), _record(stranger, 0.99))
    table = tuning_table(tmp_path / "results")
    assert len(table) == len(arm.grid) * len(F.TUNING_SEEDS) + 2
    assert list(table["arm"].drop_duplicates()) == ["cnn-none", "ssgan", "gan-joint"]
    g = ssgan.grid[0]
    want = (  # in the order of the grid's fields
        f"adv_weight {g['adv_weight']:g}, g_loss {g['g_loss']}, lr {g['lr']:g}, "
        f"β1 {g['betas'][0]}, n_unlabelled {g['n_unlabelled']}"
    )
    assert table[table["arm"] == "ssgan"]["candidate"].tolist() == [want]
    chosen = table[table["chosen"]]
    assert set(chosen["candidate"]) == {"lr 0.0003, β1 0.9"}  # the last, best candidate
    assert len(chosen) == 2  # both of its seeds; gan-joint is not tuned yet: nothing chosen
    row = table[table["arm"] == "gan-joint"].iloc[0]
    assert row["candidate"] == "lr 0.0003, β1 0.5, adv_weight 1"
    assert row["p(fake | labelled)"] == 0.4 and row["p(fake | validation)"] == 0.45
    assert row["fake detection"] == 0.8 and row["best val AUC"] == 0.8


def test_tuning_samples_take_the_last_row_of_each_adversarial_runs_montage(tmp_path):
    import numpy as np
    from PIL import Image

    from ganseg_lib.analysis.study.progress import tuning_samples
    from ganseg_lib.montage import montage

    setup = _setup(tmp_path, "drive")
    arm = F.ARM["gan-fixed"]
    rng = np.random.default_rng(0)
    finals = []
    for seed in F.TUNING_SEEDS:
        config = F.arm_config(setup, arm, F.TUNING_SIZE, seed, arm.grid[0])
        path = setup.record_path(config)
        write_record(path, _record(config, 0.8))
        stages = rng.integers(0, 256, size=(24, 64, 64), dtype=np.uint8)  # three rows of 8
        Image.fromarray(montage(stages, 8)).save(path.with_suffix(".samples.png"))
        finals.append(stages[-8:])
    cnn = F.ARM["cnn-none"]
    config = F.arm_config(setup, cnn, F.TUNING_SIZE, 0, cnn.grid[0])
    write_record(setup.record_path(config), _record(config, 0.9))  # no montage: not shown
    got = tuning_samples(tmp_path / "results")
    assert list(got) == ["gan-fixed"]
    np.testing.assert_array_equal(got["gan-fixed"], np.concatenate(finals))
