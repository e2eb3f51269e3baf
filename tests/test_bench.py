"""The benchmark suite's pure pieces: FLOP accounting of the dense path and the ceilings (against
hand calculations and PyTorch's FlopCounterMode; the training steps' counts are checked in
test_bench_training.py), the timing loop's bookkeeping, the goal logic and the results writers.
No timing is asserted."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from bench import flops as fl
from bench.cases import TRAIN_METHODS, ConvCase, make_row, summarise_ceilings
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
from ganseg_lib.model.networks import DCNet

# --- FLOP accounting ---------------------------------------------------------------------------


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
