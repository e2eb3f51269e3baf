"""The study's methods and protocol: losses against hand-computed values, the label-blind
unlabelled pool, label-preserving augmentation, best-checkpoint selection on validation only,
the (lr, β1) choice, and every method training deterministically."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch

from ganseg_lib.data.patches import PatchParams, make_patch_set
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.data.unlabelled import unlabelled_pool
from ganseg_lib.errors import ConfigError
from ganseg_lib.evaluate.record import RunRecord, write_record
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.experiment.study import TUNING_GRID, chosen, resolve_cell, tuning_cells
from ganseg_lib.model.losses import (
    loss_classification,
    loss_classification_joint,
    loss_feature_matching,
    loss_generator_conditional,
    loss_unlabelled,
)
from ganseg_lib.model.networks import Generator
from ganseg_lib.train.augment import CENTRE, augment, dihedral_indices
from ganseg_lib.train.checkpoint import load_dcnet, read_checkpoint
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.loop import RunData, input_stats, train
from ganseg_lib.train.methods import METHODS
from ganseg_lib.train.run_folder import RunFolder
from ganseg_lib.train.validation import ValidationSet, validate
from tests.conftest import toy_record
from tests.test_training import tiny as tiny_config

TRAIN = [toy_record(96, 80, seed=s) for s in range(3)]
VAL = [toy_record(96, 80, seed=9)]


# --- losses ------------------------------------------------------------------------------------


def test_loss_unlabelled_is_minus_log_one_minus_p_fake():
    logits = torch.tensor([[1.0, 0.0, 2.0], [0.5, -1.0, -3.0]])
    p = torch.softmax(logits, dim=1)
    expected = -(torch.log(1 - p[0, 2]) + torch.log(1 - p[1, 2])) / 2
    assert loss_unlabelled(logits).item() == pytest.approx(expected.item(), rel=1e-6)
    # by hand for the first row: p_fake = e² / (e + 1 + e²)
    e = math.e
    row0 = -math.log(1 - e**2 / (e + 1 + e**2))
    assert loss_unlabelled(logits[:1]).item() == pytest.approx(row0, rel=1e-6)
    # stable where the DC net is sure a real patch is fake
    assert math.isfinite(loss_unlabelled(torch.tensor([[0.0, 0.0, 200.0]])).item())


def test_loss_feature_matching_is_the_squared_distance_of_the_means():
    real = torch.tensor([[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]])  # (2, 2, 1, 1): means 2, 3
    fake = torch.tensor([[[[0.0]], [[0.0]]], [[[2.0]], [[2.0]]]])  # means 1, 1
    assert loss_feature_matching(real, fake).item() == pytest.approx(((2 - 1) ** 2 + 2**2) / 2)
    assert loss_feature_matching(real, real).item() == 0.0
    with pytest.raises(ValueError, match="feature shapes differ"):
        loss_feature_matching(real, fake[:, :1])


def test_the_two_readings_of_l_c():
    """Conditional: the fake logit does not enter, so nothing keeps a real patch out of the fake
    class; joint: the K+1-way cross-entropy pushes the fake logit of a real patch down."""
    logits = torch.tensor([[2.0, 0.0, 1.0]], requires_grad=True)
    y = torch.tensor([0])
    e = math.e
    assert loss_classification_joint(logits, y).item() == pytest.approx(
        -math.log(e**2 / (e**2 + 1 + e))
    )
    assert loss_classification(logits, y).item() == pytest.approx(-math.log(e**2 / (e**2 + 1)))
    (grad_conditional,) = torch.autograd.grad(loss_classification(logits, y), logits)
    (grad_joint,) = torch.autograd.grad(loss_classification_joint(logits, y), logits)
    assert grad_conditional[0, 2] == 0  # the fake logit is free
    assert grad_joint[0, 2] > 0  # descent lowers it


def test_joint_reading_is_only_for_dc_nets_with_a_fake_class():
    assert tiny("gan", classification="joint").cell.startswith("gan-lcjoint")
    with pytest.raises(ConfigError, match="classification"):
        tiny("cnn", classification="joint")


def test_conditional_generator_loss_is_the_cross_entropy_of_its_class():
    logits = torch.tensor([[2.0, 0.0, 1.0], [0.0, 1.0, 3.0]])
    y = torch.tensor([0, 1])
    p = torch.softmax(logits, dim=1)
    expected = -(torch.log(p[0, 0]) + torch.log(p[1, 1])) / 2
    assert loss_generator_conditional(logits, y).item() == pytest.approx(expected.item())
    # by hand, first row: −log(e² / (e² + 1 + e))
    e = math.e
    row0 = -math.log(e**2 / (e**2 + 1 + e))
    assert loss_generator_conditional(logits[:1], y[:1]).item() == pytest.approx(row0)


def test_conditional_generator_makes_patches_of_the_asked_class():
    torch.manual_seed(0)
    g = Generator(4, n_classes=2).eval()
    z = torch.randn(3, 300)
    vessel, background = (
        g(z, torch.zeros(3, dtype=torch.long)),
        g(z, torch.ones(3, dtype=torch.long)),
    )
    assert vessel.shape == (3, 1, 64, 64) and not torch.equal(vessel, background)
    with pytest.raises(ValueError, match="needs y"):
        g(z)
    with pytest.raises(ValueError, match="needs y"):
        Generator(4)(z, torch.zeros(3, dtype=torch.long))


# --- the unlabelled pool -----------------------------------------------------------------------


def test_unlabelled_pool_is_label_blind():
    pool = unlabelled_pool(TRAIN, 300, seed=4)
    relabelled = [
        FundusRecord(r.image_id, r.split, r.rgb, np.zeros_like(r.vessels), r.fov) for r in TRAIN
    ]
    np.testing.assert_array_equal(pool, unlabelled_pool(relabelled, 300, seed=4))
    assert pool.shape == (300, 64, 64) and pool.dtype == np.uint8
    assert not np.array_equal(pool, unlabelled_pool(TRAIN, 300, seed=5))


def test_unlabelled_pool_centres_lie_in_the_fov():
    """A record whose FOV is a single column: every pooled patch is centred on it."""
    rec = TRAIN[0]
    fov = np.zeros_like(rec.fov)
    fov[:, 40] = True
    rgb = np.tile(np.arange(80, dtype=np.uint8)[None, :, None], (96, 1, 3))
    one = FundusRecord("column", "training", rgb, np.zeros_like(fov), fov)
    pool = unlabelled_pool([one], 50, seed=0)
    centre_values = pool[:, CENTRE, CENTRE]
    assert len(np.unique(centre_values)) == 1  # CLAHE output of column 40, the same everywhere


# --- augmentation ------------------------------------------------------------------------------


def test_dihedral_transforms_keep_the_labelled_pixel_and_form_the_group():
    index = dihedral_indices()
    assert index.shape == (8, 64 * 64)
    centre = CENTRE * 64 + CENTRE
    assert (index[:, centre] == centre).all()  # the labelled pixel never moves
    x = torch.arange(64 * 64, dtype=torch.float32)
    images = {tuple(x[index[t]].tolist()) for t in range(8)}
    assert len(images) == 8  # eight different symmetries
    # away from the border, rot90 applied four times is the identity, and matches torch.rot90
    rot = x[index[1]]
    inner = slice(2, 62)
    four = x
    for _ in range(4):
        four = four[index[1]]
    np.testing.assert_array_equal(
        four.reshape(64, 64)[inner, inner].numpy(), x.reshape(64, 64)[inner, inner].numpy()
    )
    # torch.rot90 turns about (31.5, 31.5), ours about (32, 32): one row apart
    turned = torch.rot90(x.reshape(64, 64), 1, (0, 1))
    assert torch.equal(rot.reshape(64, 64)[1:], turned[:-1])


def test_augmentation_preserves_every_patch_label():
    patches = make_patch_set(TRAIN, PatchParams(200, seed=0), "phantom")
    x = torch.from_numpy(patches.patches).float()[:, None]
    out = augment(x, torch.Generator().manual_seed(0), dihedral_indices())
    # the labelled (centre) pixel of each patch is untouched, so is its label
    assert torch.equal(out[:, 0, CENTRE, CENTRE], x[:, 0, CENTRE, CENTRE])
    assert not torch.equal(out, x)
    # the same generator state gives the same transforms (a resumed run draws the same ones)
    again = augment(x, torch.Generator().manual_seed(0), dihedral_indices())
    assert torch.equal(out, again)


# --- training every method ---------------------------------------------------------------------


def tiny(method: str, **kw) -> TrainConfig:
    """test_training's tiny configuration, with an unlabelled pool for the methods that use it."""
    return tiny_config(method, **({"n_unlabelled": 100 if METHODS[method].unlabelled else 0} | kw))


@pytest.fixture(scope="module")
def data() -> RunData:
    return RunData(
        make_patch_set(TRAIN, PatchParams(200, seed=0), "phantom"),
        ValidationSet.from_records(VAL, 256, seed=0),
        unlabelled_pool(TRAIN, 100, seed=1),
    )


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("protocol", ["paper", "fair"])
def test_every_method_trains_deterministically(tmp_path, data, method, protocol):
    config = tiny(method, protocol=protocol)
    train(config, tmp_path / "a", data, log=lambda *a: None)
    train(config, tmp_path / "b", data, log=lambda *a: None)
    a, b = (read_checkpoint(tmp_path / r / "checkpoint.pt") for r in "ab")
    for k in a["dcnet"]:
        assert torch.equal(a["dcnet"][k], b["dcnet"][k]), k
    history = RunFolder(tmp_path / "a").read_history()
    last = history[-1]
    assert np.isfinite(last["L_c"]) and np.isfinite(last["val_auc"])
    if METHODS[method].adversarial:
        for key in ("fake_detect", "p_fake_real", "p_fake_val", "adv_share"):
            assert 0 <= last[key] <= 1, key
        assert last["L_adv"] > 0 and 0 < last["adv_share"] < 1
    else:
        assert last["L_adv"] is None and last["p_fake_val"] is None
    assert (last["L_G"] is not None) == METHODS[method].trains_generator
    assert (last["p_fake_unl"] is not None) == METHODS[method].unlabelled
    assert (a["best_dcnet"] is not None) == (protocol == "fair")


def test_frozen_generator_never_changes(tmp_path, data):
    train(tiny("frozen"), tmp_path / "r", data, log=lambda *a: None)
    ckpt = read_checkpoint(tmp_path / "r" / "checkpoint.pt")
    torch.manual_seed(1)  # build_state seeds the DC net first, then G: rebuild the same way
    from ganseg_lib.train.checkpoint import build_state

    fresh = build_state(tiny("frozen"), torch.device("cpu"))
    for k, v in fresh.generator.state_dict().items():
        assert torch.equal(v, ckpt["generator"][k]), k
    assert ckpt["opt_g"] is None


def test_noise_fakes_match_the_patches_mean_and_sd(data):
    mean, sd = input_stats(data.patches.patches)
    x = data.patches.patches.astype(np.float64) / 127.5 - 1
    assert mean == pytest.approx(x.mean()) and sd == pytest.approx(x.std())


def test_best_checkpoint_is_chosen_on_the_validation_images_only(tmp_path, data):
    """The kept 'best' DC net is the one with the highest validation AUC in the history; a
    validation set with the labels flipped makes a different choice, the test images none."""
    config = tiny("cnn", protocol="fair", iterations=12, eval_every=2)
    train(config, tmp_path / "r", data, log=lambda *a: None)
    history = RunFolder(tmp_path / "r").read_history()
    ckpt = read_checkpoint(tmp_path / "r" / "checkpoint.pt")
    aucs = [h["val_auc"] for h in history]
    assert ckpt["best_iteration"] == history[int(np.argmax(aucs))]["iteration"]
    best = load_dcnet(tmp_path / "r", which="best")
    assert validate(best, data.validation)["val_auc"] == pytest.approx(max(aucs), abs=1e-9)
    flipped = dataclasses.replace(
        data, validation=ValidationSet(data.validation.patches, ~data.validation.is_vessel)
    )
    train(config, tmp_path / "f", flipped, log=lambda *a: None)
    flipped_history = RunFolder(tmp_path / "f").read_history()
    assert (
        read_checkpoint(tmp_path / "f" / "checkpoint.pt")["best_iteration"]
        == (flipped_history[int(np.argmax([h["val_auc"] for h in flipped_history]))]["iteration"])
    )


# --- the study's choice of (lr, β1) ------------------------------------------------------------


def _record(config: TrainConfig, best_val_auc: float | None, status: str = "ok") -> RunRecord:
    return RunRecord(
        "study",
        status,
        config,
        "runs/x",
        {"best_val_auc": best_val_auc},
        {},
        {},
        evaluation={"mean_auc": 0.5} if status == "ok" else None,
    )


def test_the_choice_uses_the_best_validation_auc_and_waits_for_every_tuning_run(tmp_path):
    setup = Setup.resolve("study", "phantom", None, tmp_path / "results", tmp_path / "runs")
    cnn = [c for c in tuning_cells(setup) if c.method == "cnn"]
    assert [(c.lr, c.betas[0]) for c in cnn] == list(TUNING_GRID)
    scores = [0.90, 0.93, 0.95, 0.94]
    for config, score in zip(cnn[:3], scores):
        write_record(setup.record_path(config), _record(config, score))
    assert chosen(setup, "cnn") is None  # one tuning run is missing
    write_record(setup.record_path(cnn[3]), _record(cnn[3], None, status="failed"))
    assert chosen(setup, "cnn") == TUNING_GRID[2]  # the failed run is never chosen
    from ganseg_lib.experiment.study import PLAN

    arm = next(a for a in PLAN if a.method == "cnn" and a.protocol == "fair")
    cell = resolve_cell(setup, arm, 30_000, 3)
    assert (cell.lr, cell.betas[0], cell.protocol) == (*TUNING_GRID[2], "fair")
    assert resolve_cell(setup, next(a for a in PLAN if a.method == "gan"), 15_000, 0) is None
    instance = next(a for a in PLAN if a.method == "cnn" and a.norm == "instance")
    cell = resolve_cell(setup, instance, 15_000, 0)
    assert (cell.norm, cell.lr, cell.protocol) == ("instance", TUNING_GRID[2][0], "fair")
    assert cell.cell == "cnn-fair-lr0.0003-b0.5-norminstance-n15000-s0"  # its own record


def test_every_cell_of_the_plan_has_its_own_name(tmp_path):
    from ganseg_lib.experiment.study import PLAN, TUNED, resolve_cell, study_config

    setup = Setup.resolve("study", "phantom", None, tmp_path / "results", tmp_path / "runs")
    pair = {"cnn": TUNING_GRID[0], "gan": TUNING_GRID[1], "ssgan": TUNING_GRID[2]}
    names = set()
    for arm in PLAN:
        for n in arm.sizes:
            for seed in setup.profile.seeds:
                if arm.protocol == "paper":
                    cell = resolve_cell(setup, arm, n, seed)
                else:
                    variant = {"classification": arm.classification, "norm": arm.norm}
                    cell = study_config(
                        setup, arm.method, "fair", n, seed, *pair[TUNED[arm.method]], **variant
                    )
                names.add(cell.cell)
    assert len(names) == sum(len(a.sizes) for a in PLAN) * len(setup.profile.seeds)


def test_the_plan_runs_every_cell_once_the_hypotheses_cells_first(tmp_path):
    from ganseg_lib.experiment.study import PLAN, planned_cells

    setup = Setup.resolve("study", "phantom", None, tmp_path / "results", tmp_path / "runs")
    cells = planned_cells(setup, (1, 2))
    seeds = setup.profile.seeds
    assert len(cells) == len(set(cells)) == sum(len(a.sizes) for a in PLAN) * len(seeds)
    tiers = [arm.tier for arm, _, _ in cells]
    assert tiers == sorted(tiers)
    tier1 = [(arm.method, arm.protocol, n, seed) for arm, n, seed in cells if arm.tier == 1]
    h1_h3 = len(seeds) * 3  # fair cnn, gan, ssgan at 15K, every seed
    assert {(m, p, n) for m, p, n, _ in tier1[:h1_h3]} == {
        ("cnn", "fair", 15_000),
        ("gan", "fair", 15_000),
        ("ssgan", "fair", 15_000),
    }
    assert [s for *_, s in tier1[:h1_h3]] == sorted(s for *_, s in tier1[:h1_h3])  # seed-major
    h2 = tier1[h1_h3 : h1_h3 + 4 * len(seeds)]
    assert {p for _, p, _, _ in h2} == {"paper"}


def test_tier_two_runs_the_3k_point_and_future_work_2_first(tmp_path):
    from ganseg_lib.experiment.study import planned_cells

    setup = Setup.resolve("study", "phantom", None, tmp_path / "results", tmp_path / "runs")
    tier2 = [(a, n, s) for a, n, s in planned_cells(setup, (1, 2)) if a.tier == 2]
    seeds = len(setup.profile.seeds)
    first = tier2[: 4 * seeds]
    assert {(a.method, n) for a, n, _ in first} == {
        ("cnn", 3_000),
        ("gan", 3_000),
        ("ssgan", 3_000),
        ("cgan", 15_000),
    }
    assert [s for *_, s in first] == sorted(s for *_, s in first)  # seed-major
    assert {a.norm for a, _, _ in tier2[4 * seeds : 6 * seeds]} == {"instance"}
    assert {a.classification for a, _, _ in tier2[6 * seeds :]} == {"joint"}
