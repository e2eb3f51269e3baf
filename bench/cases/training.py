"""Training throughput: ``train.step.train_step`` of the GAN-CNN and the CNN, mini-batch 64, in
each variant of :data:`~bench.cases.common.TRAIN_VARIANTS` (the replication's step, the
library's step channels-last and contiguous, bf16 autocast, torch.compile in a fresh process)."""

from __future__ import annotations

from collections.abc import Callable

import torch

from bench import flops as fl
from bench.cases.common import TRAIN_VARIANTS, Settings, device_sync, failed_row, guard, make_row
from bench.cases.isolated import run_worker
from bench.timing import Plan, Timing, measure
from ganseg_lib.train.step import replication_step  # the replication's step, from the library

BATCH = 64
POOL = 1024  # random uint8 patches the training benchmark draws its mini-batches from
DEFAULT_LAYOUT = ("contiguous", "replication")  # the variants that keep the default layout


def train_case(
    method: str, width: int, variant: str, device: torch.device, plan: Plan, data: str = "phantom"
) -> dict:
    """patches/s of ``training.train_step`` at the given widths (G and DC net both ``width``),
    mini-batch 64, drawn like ``training.train`` does from a pool of random uint8 patches
    (throughput does not depend on the pixel values)."""
    if variant not in TRAIN_VARIANTS:
        raise ValueError(f"variant must be one of {TRAIN_VARIANTS}, got {variant!r}")
    config, state = _variant_state(method, width, variant, device, data)
    step = _step_on_random_pool(state, config, variant, device)
    if variant == "compile":  # every warm-up call is needed: each compiles another graph
        # the DC step, the G step and their no-grad/frozen variants
        plan = Plan(max(plan.warmup, 3), plan.reps, plan.min_rep_s, plan.budget_s)
    t = measure(step, plan, device_sync(device))
    return _training_row(method, width, variant, t)


def _variant_state(method: str, width: int, variant: str, device: torch.device, data: str):
    """The configuration and training state of one variant: bf16 autocast or not, the default
    layout or channels-last, compiled networks or not."""
    from ganseg_lib.train.checkpoint import build_state
    from ganseg_lib.train.config import TrainConfig

    config = TrainConfig(
        method=method,
        data=data,
        n_patches=POOL,
        iterations=1,
        width=width,
        g_width=width,
        bf16=variant == "bf16",
    )
    state = build_state(config, device)
    if variant in DEFAULT_LAYOUT:
        _to_layout(state, torch.contiguous_format)
    if variant == "compile":
        state.dcnet = torch.compile(state.dcnet)
        if state.generator is not None:
            state.generator = torch.compile(state.generator)
    return config, state


def _step_on_random_pool(state, config, variant: str, device: torch.device) -> Callable[[], None]:
    """One training iteration of the variant on a mini-batch drawn from random uint8 patches."""
    from ganseg_lib.train.step import Batch, next_batch, train_step
    from ganseg_lib.train.validation import to_input

    g = torch.Generator().manual_seed(1)
    patches = torch.randint(0, 256, (POOL, 64, 64), generator=g, dtype=torch.uint8).to(device)
    labels = torch.randint(0, 2, (POOL,), generator=g).to(device)
    layout = torch.contiguous_format if variant in DEFAULT_LAYOUT else torch.channels_last
    step_fn = replication_step if variant == "replication" else train_step

    def step():
        idx = next_batch(state, BATCH).to(device)
        x = to_input(patches[idx]).contiguous(memory_format=layout)
        step_fn(state, config, Batch(x, labels[idx]))

    return step


def _training_row(method: str, width: int, variant: str, t: Timing) -> dict:
    """The row of one variant: patches/s, and the rate on the FLOP count of its step."""
    counts = fl.training_flops(method, width, width, BATCH, variant == "replication")
    note = ""
    if variant == "compile":
        note = f"first {t.warmup_calls} calls (compilation) {t.warmup_seconds:.0f} s"
    return make_row(
        f"training/{method}/w{width}/{variant}",
        "training",
        _train_name(method, width),
        variant,
        BATCH / t.seconds,
        "patches/s",
        t,
        counts.nominal / t.seconds / 1e9,
        note=note,
        details={
            "seconds_per_iteration": t.seconds,
            "flops": counts.to_json(),
            "executed_gflops": counts.executed / t.seconds / 1e9,
        },
    )


def _to_layout(state, memory_format) -> None:
    """Move the networks (parameters keep their identity for the optimisers) to a layout."""
    state.dcnet.to(memory_format=memory_format)
    if state.generator is not None:
        state.generator.to(memory_format=memory_format)


def bench_training(s: Settings, log) -> list[dict]:
    """Every variant of both methods at each width; each row says how it compares with the
    replication's step of the same method and width."""
    rows = []
    for width in s.train_widths:
        for method in ("gan", "cnn"):
            base = None
            for variant in s.variants:
                row = _variant_row(s, method, width, variant, log)
                if variant == "replication" and row["status"] == "ok":
                    base = row
                if variant != "replication" and base is not None and row["status"] == "ok":
                    _note_ratio_to_replication(row, base)
                rows.append(row)
    return rows


def _variant_row(s: Settings, method: str, width: int, variant: str, log) -> dict:
    """One variant's row: measured here, in a fresh process (compile), or skipped."""
    key = f"training/{method}/w{width}/{variant}"
    if variant != "compile":
        return guard(lambda: train_case(method, width, variant, s.device, s.fast, s.data), key, log)
    if s.compile:
        return compile_case(s, method, width, log)
    return make_row(
        key,
        "training",
        _train_name(method, width),
        variant,
        None,
        "",
        note="skipped (quick run; --compile on to try it)"
        if s.quick
        else "skipped (--compile off)",
        status="skipped",
    )


def _note_ratio_to_replication(row: dict, base: dict) -> None:
    ratio = row["value"] / base["value"]
    extra = f"{ratio:.2f}× the replication's step" + (" (slower)" if ratio < 1 else "")
    row["note"] = f"{extra}; {row['note']}" if row["note"] else extra


def _train_name(method: str, width: int) -> str:
    return f"{'GAN-CNN' if method == 'gan' else 'CNN'} width {width}"


def compile_case(s: Settings, method: str, width: int, log) -> dict:
    """torch.compile in a fresh process, killed after ``compile_timeout_s``."""
    key = f"training/{method}/w{width}/compile"
    spec = {
        "task": "train",
        "method": method,
        "width": width,
        "variant": "compile",
        "device": str(s.device),
        "threads": s.threads,
        "plan": s.fast.__dict__,
        "data": s.data,
    }
    out = run_worker(spec, s.compile_timeout_s)
    if "error" in out:
        log(f"  {key}: FAILED {out['error']}")
        return failed_row(key, "training", _train_name(method, width), "compile", out["error"])
    log(f"  {key}: {out['value']:.4g} {out['unit']}")
    return out
