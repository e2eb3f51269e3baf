"""The benchmark suite's pure pieces: FLOP accounting (against hand calculations and PyTorch's
FlopCounterMode), the timing loop's bookkeeping, the goal logic and the results writers.
No timing is asserted."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from bench import flops as fl
from bench.cases import (
    METHOD_CONFIG,
    TRAIN_METHODS,
    ConvCase,
    determinism_check,
    make_row,
    summarise_ceilings,
    train_case,
)
from bench.cases.training import _note_ratios
from bench.goals import MISS, NA, NOT_RUN, PASS, PATCH_GOAL_N, evaluate_goals, judge
from bench.report import (
    fmt,
    markdown_table,
    read_results,
    render_markdown,
    render_text,
    text_table,
    write_results,
)
from bench.run import make_settings, parse_args
from bench.timing import Plan, Timing, measure
from ganseg_lib.model.dense import predict_dense_logits
from ganseg_lib.model.networks import DCNet, Generator, flops_per_patch
from ganseg_lib.train.checkpoint import build_state
from ganseg_lib.train.config import GENERATOR_FIX, TrainConfig
from ganseg_lib.train.step import Batch, train_step

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


def hand_dense(w: int, n: int, rows: int, cols: int) -> int:
    return (
        2 * 16 * w * (rows + 58) * (cols + 58)
        + 2 * w * 16 * 2 * w * (rows + 52) * (cols + 52)
        + 2 * 2 * w * 16 * 4 * w * (rows + 40) * (cols + 40)
        + 2 * 36 * 4 * w * n * rows * cols
    )


def test_dense_flops_by_hand_and_by_flop_counter():
    w, n, h, cols = 2, 3, 40, 36
    assert fl.dense_image_flops(w, n, h, cols) == hand_dense(w, n, h, cols)
    tiled = fl.dense_image_flops(w, n, h, cols, tile=16)  # tiles of 16, 16 and 8 rows
    assert tiled == 2 * hand_dense(w, n, 16, cols) + hand_dense(w, n, 8, cols)
    torch.manual_seed(0)
    net = DCNet(n, width=w).eval()
    image = np.random.default_rng(0).uniform(-1, 1, (h, cols)).astype(np.float32)
    for tile in (None, 16):
        counter = FlopCounterMode(display=False)
        with counter:
            predict_dense_logits(net, image, tile=tile)
        convs = counter.get_flop_counts()["Global"][torch.ops.aten.convolution]
        assert convs == fl.dense_image_flops(w, n, h, cols, tile)


def test_dense_nominal_per_pixel():
    w, n = 16, 3
    per = fl.dense_layer_flops_per_position(w, n)
    assert per == {
        "conv1": 2 * 16 * 16,
        "conv2": 2 * 16 * 16 * 32,
        "conv3": 2 * 32 * 16 * 64,
        "head": 2 * 36 * 64 * 3,
    }
    assert fl.dense_nominal_flops_per_pixel(w, n) == sum(per.values())


def test_conv_and_matmul_counts():
    case = ConvCase("c", "c", 64, 32, 64, (31, 31), stride=2)
    assert case.out_hw == (14, 14)
    assert case.flops == 2 * 64 * 32 * 16 * 64 * 14 * 14
    assert ConvCase("c", "c", 64, 32, 64, (31, 31), 2, backward=True).flops == 3 * case.flops
    dil = ConvCase("d", "d", 1, 64, 128, (36, 172), dilation=4)
    assert dil.out_hw == (24, 160)
    assert fl.conv2d_flops(1, 8, 8, 3, (5, 5), groups=8) == 2 * 1 * 9 * 8 * 25
    assert fl.matmul_flops(2, 3, 4) == 48
    with pytest.raises(ValueError):
        fl.conv2d_flops(1, 6, 8, 3, (5, 5), groups=4)


# --- timing bookkeeping (no times asserted) ----------------------------------------------------


def test_measure_counts_warmup_and_repetitions():
    calls = []
    t = measure(lambda: calls.append(1), Plan(warmup=2, reps=3, min_rep_s=0.0, budget_s=1e9))
    assert t.warmup_calls == 2 and t.calls_per_rep == 1 and len(t.reps) == 3
    assert len(calls) == 2 + 3 and not t.truncated
    t = measure(lambda: None, Plan(warmup=0, reps=4, min_rep_s=0.0, budget_s=0.0))
    assert t.warmup_calls == 1 and len(t.reps) == 1 and t.truncated  # budget spent after one
    t = measure(lambda: None, Plan(warmup=5, reps=1, min_rep_s=0.0, warmup_budget_s=0.0))
    assert t.warmup_calls == 1  # warm-up budget spent after the first call
    assert Timing(2.0, [1.0, 2.0, 3.0]).spread == 1.0
    assert Timing(2.0, [2.0]).spread == 0.0


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


# --- goals -------------------------------------------------------------------------------------


def test_judge():
    assert judge(0.6, 0.6, ">=") == PASS
    assert judge(0.59, 0.6, ">=") == MISS
    assert judge(5.0, 5.0, "<=") == PASS
    assert judge(5.01, 5.0, "<=") == MISS
    assert judge(None, 1.0, ">=") == NOT_RUN
    assert judge(float("nan"), 1.0, ">=") == NOT_RUN
    with pytest.raises(ValueError):
        judge(1.0, 1.0, ">")


def _training_row(method, w, variant, patches_per_s, gflops, status="ok"):
    return make_row(
        f"training/{method}/w{w}/{variant}",
        "training",
        f"{method} {w}",
        variant,
        patches_per_s,
        "patches/s",
        gflops=gflops,
        status=status,
    )


def _ceiling_row(variant, gflops):
    key = f"ceiling/conv/x/{variant}"
    return make_row(key, "ceiling", "conv", variant, gflops, "GFLOP/s", None, gflops)


def synthetic_results(shape=(584, 565), n_patches=150_000, auc=None) -> dict:
    rows = [
        make_row(
            "ceiling/conv/x/fp32-cl", "ceiling", "conv", "fp32-cl", 100.0, "GFLOP/s", None, 100.0
        ),
        make_row("ceiling/conv/x/fp32", "ceiling", "conv", "fp32", 80.0, "GFLOP/s", None, 80.0),
        make_row(
            "ceiling/conv/x/bf16-cl", "ceiling", "conv", "bf16-cl", 500.0, "GFLOP/s", None, 500.0
        ),
        _training_row("gan", 16, "fp32", 300.0, 60.0),  # 60 % of 100: PASS
        _training_row("gan", 16, "bf16", 450.0, 90.0),  # 1.5×: MISS
        _training_row("gan", 16, "channels_last", 330.0, 66.0),
        _training_row("gan", 32, "fp32", 100.0, 59.0),  # MISS
        _training_row("gan", 32, "bf16", None, None, status="failed"),
        make_row(
            "inference/dense/w16",
            "inference",
            "dense",
            "fp32",
            1.0,
            "s/image",
            gflops=50.0,
            details={"image_shape": list(shape)},
        ),
        make_row(
            "inference/patchwise/w16",
            "inference",
            "pw",
            "fp32",
            20.0,
            "s/image",
            gflops=20.0,
            details={"image_shape": list(shape), "n_pixels": 5000},
        ),
        make_row(
            "inference/memory/w16",
            "inference",
            "mem",
            "fp32",
            4.5,
            "GB",
            details={"image_shape": list(shape), "growth_bytes": 4e9},
        ),
        make_row(
            "data/patches",
            "data",
            "patches",
            "drive",
            4.0,
            "s",
            details={"n_patches": n_patches, "n_images": 16, "data": "drive"},
        ),
    ]
    if auc is not None:
        rows.append(
            make_row(
                "auc/w16",
                "auc",
                "auc",
                "bf16 − fp32",
                auc,
                "AUC",
                details={
                    "auc_fp32": 0.9,
                    "auc_bf16": 0.9 + auc,
                    "iterations": 100,
                    "width": 16,
                    "seeds": [0],
                },
            )
        )
    return {
        "created": "2026-01-01T00:00:00+00:00",
        "machine": {"load_average": [0.0, 0.0, 0.0]},
        "machine_summary": "test machine",
        "settings": {"train_widths": [16, 32], "dense_widths": [16, 32], "data": "drive"},
        "ceilings": summarise_ceilings(rows),
        "rows": rows,
        "notes": ["a note | with a pipe"],
    }


def test_ceiling_is_the_best_fp32_convolution():
    c = synthetic_results()["ceilings"]
    assert c["conv_fp32"] == 100.0 and c["conv_fp32_key"] == "ceiling/conv/x/fp32-cl"
    assert c["conv_bf16"] == 500.0 and c["matmul_fp32"] is None


def test_goal_evaluation():
    goals = {g["id"]: g for g in evaluate_goals(synthetic_results())}
    assert goals["train-ceiling-w16"]["status"] == PASS
    assert math.isclose(goals["train-ceiling-w16"]["measured"], 0.60)
    assert "best variant bf16: 90%" in goals["train-ceiling-w16"]["detail"]
    assert goals["train-ceiling-w32"]["status"] == MISS
    assert goals["bf16-speed-w16"]["status"] == MISS
    assert math.isclose(goals["bf16-speed-w16"]["measured"], 1.5)
    assert goals["bf16-speed-w32"]["status"] == NOT_RUN
    assert "failed" in goals["bf16-speed-w32"]["detail"]
    assert goals["bf16-auc"]["status"] == NOT_RUN and "--auc-check" in goals["bf16-auc"]["detail"]
    assert goals["dense-speedup-w16"]["status"] == PASS  # 20 / 1 = 20×
    assert goals["dense-ceiling-w16"]["status"] == PASS  # 50 of 100
    assert goals["dense-memory-w16"]["status"] == MISS  # 4.5 GB
    assert goals["dense-speedup-w32"]["status"] == NOT_RUN
    assert goals["patches-150k"]["status"] == PASS


def test_goals_not_judged_off_their_conditions():
    goals = {g["id"]: g for g in evaluate_goals(synthetic_results((96, 565), 4000, auc=0.01))}
    for gid in ("dense-speedup-w16", "dense-ceiling-w16", "dense-memory-w16", "patches-150k"):
        assert goals[gid]["status"] == NA and goals[gid]["measured"] is not None
    assert goals["bf16-auc"]["status"] == MISS  # |0.01| > 0.003
    ok = {g["id"]: g for g in evaluate_goals(synthetic_results(auc=-0.002))}
    assert ok["bf16-auc"]["status"] == PASS


def test_goals_without_a_ceiling_are_not_run():
    results = synthetic_results()
    results["ceilings"] = {}
    goals = {g["id"]: g for g in evaluate_goals(results)}
    assert goals["train-ceiling-w16"]["status"] == NOT_RUN
    assert goals["dense-ceiling-w16"]["status"] == NOT_RUN


# --- tables and files --------------------------------------------------------------------------


def test_tables():
    text = text_table(("a", "bb"), [["1", "2"], ["333", "4"]])
    lines = text.splitlines()
    assert lines[0].split() == ["a", "bb"] and lines[3].split() == ["333", "4"]
    md = markdown_table(("a", "b"), [["x|y", "z"]])
    assert md.splitlines() == ["| a | b |", "|---|---|", "| x\\|y | z |"]
    assert fmt(None) == "—" and fmt(float("nan")) == "—"
    assert fmt(1234.4) == "1,234" and fmt(12.34) == "12.3" and fmt(1.234) == "1.23"
    assert fmt(0.01234) == "0.0123" and fmt(0) == "0"


def test_results_round_trip(tmp_path):
    results = synthetic_results()
    results["goals"] = evaluate_goals(results)
    results["rows"][0]["details"]["nan"] = float("nan")
    paths = write_results(results, tmp_path, "machine-2026-01-01-0000", "latest")
    assert [p.name for p in paths] == [
        "machine-2026-01-01-0000.json",
        "latest.json",
        "latest.md",
    ]
    back = read_results(paths[0])
    assert back == read_results(paths[1])
    assert back["rows"][0]["details"]["nan"] is None  # non-finite numbers become null
    del results["rows"][0]["details"]["nan"], back["rows"][0]["details"]["nan"]
    assert back == json.loads(json.dumps({"schema": 1, **results}))
    md = paths[2].read_text(encoding="utf-8")
    assert md == render_markdown(back)
    assert "| GAN-CNN training, width 16, fp32" in md and "MISS" in md and "PASS" in md
    assert not md.startswith("#")  # meant for inclusion into a book page
    text = render_text(back)
    assert "Goals" in text and "test machine" in text
    (tmp_path / "bad.json").write_text(json.dumps({"schema": 99}))
    with pytest.raises(ValueError):
        read_results(tmp_path / "bad.json")


def test_cli_arguments():
    args = parse_args(["--quick", "--only", "data,training", "--auc-check"])
    assert args.quick and args.only == {"data", "training"} and args.auc_check == 1000
    assert parse_args([]).auc_check is None
    with pytest.raises(SystemExit):
        parse_args(["--only", "nonsense"])
    assert parse_args([]).methods == TRAIN_METHODS
    assert parse_args(["--methods", "ssgan,gan-fix"]).methods == ("ssgan", "gan-fix")
    with pytest.raises(SystemExit):
        parse_args(["--methods", "frozen"])


def test_full_settings_meet_the_goal_conditions():
    full = make_settings(parse_args(["--data", "phantom"]), torch.device("cpu"))
    assert full.train_widths == (16, 32) and full.dense_widths == (16, 32)
    assert full.n_patches == PATCH_GOAL_N and full.patch_images == 16
    assert full.image_rows is None and full.compile and full.n_patchwise_pixels == 5000
    assert full.matmul_size >= 2048 and full.data == "phantom"
    quick = make_settings(parse_args(["--quick", "--data", "phantom"]), torch.device("cpu"))
    assert quick.train_widths == (16,) and not quick.compile and quick.image_rows < 584
    assert full.train_methods == TRAIN_METHODS and full.check_steps > 0
