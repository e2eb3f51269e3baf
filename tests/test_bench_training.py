"""The benchmark's training group: the FLOP counts of each method's step (against hand
calculations and PyTorch's FlopCounterMode), its cases at tiny widths, the ratio notes and the
same-seed determinism check. No timing is asserted."""

from __future__ import annotations

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from bench import flops as fl
from bench.cases import METHOD_CONFIG, TRAIN_METHODS, determinism_check, train_case
from bench.cases.training import _note_ratios
from bench.timing import Plan
from ganseg_lib.model.networks import DCNet, Generator, flops_per_patch
from ganseg_lib.train.checkpoint import build_state
from ganseg_lib.train.config import GENERATOR_FIX, TrainConfig
from ganseg_lib.train.step import Batch, train_step
from tests.test_bench import _training_row

# --- FLOP accounting ---------------------------------------------------------------------------


def hand_f_d(w: int, n: int) -> int:
    """DC net forward, one 64×64 patch, worked out by hand: 2 · c_in · 4·4 · c_out · out_h · out_w
    for conv1 (1→w, 31×31), conv2 (w→2w, 14×14), conv3 (2w→4w, 6×6), and the 6×6 classifier
    (4w→n, 1×1)."""
    return 2 * (
        1 * 16 * w * 31 * 31
        + w * 16 * 2 * w * 14 * 14
        + 2 * w * 16 * 4 * w * 6 * 6
        + 4 * w * 36 * n
    )


def hand_f_g(g: int) -> int:
    """Generator forward, one sample: every input value of a 4×4 deconvolution is scattered into
    16 positions of each output map: 2 · c_in · h_in · w_in · 16 · c_out per layer."""
    layers = [(300, 1, 8 * g), (8 * g, 4, 4 * g), (4 * g, 8, 2 * g), (2 * g, 16, g), (g, 32, 1)]
    return sum(2 * c_in * side * side * 16 * c_out for c_in, side, c_out in layers)


def hand_f_g_resize(g: int) -> int:
    """The generator with resize-convolutions (arch "bnresize"): the same first deconvolution,
    then per ×2 step a 3×3 convolution at the output resolution: 2 · c_in · 9 · c_out · side²."""
    first = 2 * 300 * 1 * 16 * 8 * g
    layers = [(8 * g, 8, 4 * g), (4 * g, 16, 2 * g), (2 * g, 32, g), (g, 64, 1)]
    return first + sum(2 * c_in * 9 * c_out * side * side for c_in, side, c_out in layers)


def hand_f_e(w: int, n: int) -> int:
    """DCNet.embed: the DC net's forward without the 6×6 classifier (4w → n)."""
    return hand_f_d(w, n) - 2 * 4 * w * 36 * n


def test_hand_counts_match_the_networks_layer_table():
    assert hand_f_d(2, 3) == 150_272  # 61,504 + 50,176 + 36,864 + 1,728
    assert hand_f_g(2) == 415_744  # 153,600 + 4 × 65,536
    for w in (2, 5, 16):
        assert flops_per_patch(DCNet(3, width=w)) == hand_f_d(w, 3)
        assert flops_per_patch(DCNet(2, width=w)) == hand_f_d(w, 2)
        assert flops_per_patch(DCNet(3, width=w, norm="none")) == hand_f_d(w, 3)
        assert flops_per_patch(Generator(w)) == hand_f_g(w)
        assert flops_per_patch(Generator(w, arch="bnresize")) == hand_f_g_resize(w)


@pytest.mark.parametrize("w", [2, 16])
def test_training_flops_nominal_is_the_documented_convention(w):
    b = 64
    f_d, f_g = hand_f_d(w, 3), hand_f_g(w)
    gan = fl.training_flops("gan", w, w, b)
    # one G forward/backward (B); D forward/backward on B real + B fake; G step: D forward and
    # backward-to-input (B)
    assert gan.nominal == 3 * b * f_g + 2 * b * 3 * f_d + 2 * b * f_d
    assert gan.nominal == b * (3 * f_g + 8 * f_d)
    # the replication's step drew a second batch of fakes for the G step
    assert fl.training_flops("gan", w, w, b, replication=True).nominal == b * (4 * f_g + 8 * f_d)
    cnn = fl.training_flops("cnn", w, w, b)
    assert cnn.nominal == 3 * b * hand_f_d(w, 2)
    # executed: conv1's input gradient (2B patches) and deconv0's (B noise vectors) are skipped
    conv1, deconv0 = 2 * 16 * w * 31 * 31, 2 * 300 * 16 * 8 * w
    assert gan.executed == gan.nominal - b * (deconv0 + 2 * conv1)
    assert cnn.executed == cnn.nominal - b * conv1
    # the generator fix: the GAN-CNN's count with the resize-convolution generator
    fix = fl.training_flops("gan", w, w, b, g_arch="bnresize")
    assert fix.nominal == b * (3 * hand_f_g_resize(w) + 8 * f_d)
    assert fix.executed == fix.nominal - b * (deconv0 + 2 * conv1)
    # K+1 SSL GAN: D on B labelled + B unlabelled + B fake; feature matching's G step runs
    # embed on the B unlabelled patches (forward) and on the B fakes (forward, backward-to-input)
    f_e = hand_f_e(w, 3)
    ssgan = fl.training_flops("ssgan", w, w, b)
    assert ssgan.f_e == f_e
    assert ssgan.nominal == 3 * b * f_g + 3 * b * 3 * f_d + b * f_e + 2 * b * f_e
    assert ssgan.nominal == b * (3 * f_g + 9 * f_d + 3 * f_e)
    assert ssgan.executed == ssgan.nominal - b * (deconv0 + 3 * conv1)
    paper_g = fl.training_flops("ssgan", w, w, b, feature_matching=False)
    assert paper_g.nominal == b * (3 * f_g + 11 * f_d)
    with pytest.raises(ValueError):
        fl.training_flops("ssgan", w, w, b, replication=True)
    with pytest.raises(ValueError):
        fl.training_flops("frozen", w, w, b)


@pytest.mark.parametrize("method", TRAIN_METHODS)
def test_executed_flops_match_pytorch_flop_counter(method):
    w, b = 2, 4
    config = TrainConfig(
        **METHOD_CONFIG[method],
        data="phantom",
        n_patches=8,
        iterations=1,
        width=w,
        g_width=w,
    )
    state = build_state(config, torch.device("cpu"))
    x = torch.rand(b, 1, 64, 64) * 2 - 1
    y = torch.randint(0, 2, (b,))
    u = torch.rand(b, 1, 64, 64) * 2 - 1 if config.spec.unlabelled else None
    counter = FlopCounterMode(display=False)
    with counter:
        train_step(state, config, Batch(x, y, u))
    counts = fl.training_flops(config.method, w, w, b, g_arch=config.g_arch)
    assert counter.get_total_flops() == counts.executed


def test_the_generator_fix_is_what_the_gan_fix_method_trains():
    assert METHOD_CONFIG["gan-fix"] == {"method": "gan", **GENERATOR_FIX}
    assert set(METHOD_CONFIG) == set(TRAIN_METHODS)


# --- training cases (tiny widths, no timing asserted) ------------------------------------------


@pytest.mark.parametrize("method", ["ssgan", "gan-fix"])
def test_training_case_runs_the_method(method):
    plan = Plan(warmup=1, reps=1, min_rep_s=0.0, budget_s=0.0)
    row = train_case(method, 2, "fp32", torch.device("cpu"), plan)
    assert row["key"] == f"training/{method}/w2/fp32" and row["status"] == "ok"
    assert row["value"] > 0 and row["details"]["flops"]["nominal"] > 0
    with pytest.raises(ValueError):
        train_case(method, 2, "replication", torch.device("cpu"), plan)


def test_determinism_check_of_an_eager_step():
    check = determinism_check("ssgan", 2, torch.device("cpu"), 2, variant="fp32")
    assert check["same_seed_identical"] and check["same_seed_max_abs_diff"] == 0.0
    assert check["max_abs_diff_vs_reference"] == 0.0 and check["max_abs_weight"] > 0
    contiguous = determinism_check("gan-fix", 2, torch.device("cpu"), 2, variant="contiguous")
    assert contiguous["same_seed_identical"]
    assert 0 <= contiguous["max_abs_diff_vs_reference"] < 1e-3  # layouts sum differently


def test_ratio_notes():
    rows = [
        _training_row("gan", 16, "replication", 100.0, 1.0),
        _training_row("gan", 16, "fp32", 150.0, 1.5),
        _training_row("gan", 16, "compile", 120.0, 1.2),
        _training_row("gan", 16, "bf16", None, None, status="failed"),
    ]
    rows[2]["note"] = "compiled"
    _note_ratios(rows)
    assert rows[0]["note"] == "" and rows[1]["note"] == "1.50× the replication's step"
    assert rows[2]["note"] == (
        "1.20× the replication's step; 0.80× fp32 channels-last (slower); compiled"
    )
    assert rows[2]["details"]["vs_fp32"] == pytest.approx(0.8)
    assert "vs_fp32" not in rows[1]["details"] and rows[3]["note"] == ""
