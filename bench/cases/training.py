"""Training throughput: ``train.step.train_step`` of each method of
:data:`~bench.cases.common.TRAIN_METHODS` (the GAN-CNN, the CNN, the K+1 SSL GAN and the GAN-CNN
with the generator fix), mini-batch 64, in each variant of
:data:`~bench.cases.common.TRAIN_VARIANTS` (the replication's step, the library's step
channels-last and contiguous, bf16 autocast, torch.compile in a fresh process, where a
same-seed determinism check follows the timing)."""

from __future__ import annotations

import time
from collections.abc import Callable

import torch

from bench import flops as fl
from bench.cases.common import (
    TRAIN_METHODS,
    TRAIN_VARIANTS,
    Settings,
    device_sync,
    failed_row,
    guard,
    make_row,
)
from bench.cases.isolated import run_worker
from bench.timing import Plan, Timing, measure
from ganseg_lib.train.config import GENERATOR_FIX, TrainConfig
from ganseg_lib.train.step import replication_step  # the replication's step, from the library

BATCH = 64
POOL = 1024  # random uint8 patches the training benchmark draws its mini-batches from
DEFAULT_LAYOUT = ("contiguous", "replication")  # the variants that keep the default layout
# what each method of the group sets in TrainConfig (besides widths, data and bf16)
METHOD_CONFIG: dict[str, dict] = {
    "gan": {"method": "gan"},
    "cnn": {"method": "cnn"},
    "ssgan": {"method": "ssgan", "n_unlabelled": POOL},  # its unlabelled batch: B more patches
    "gan-fix": {"method": "gan", **GENERATOR_FIX},
}
METHOD_NAMES = {
    "gan": "GAN-CNN",
    "cnn": "CNN",
    "ssgan": "K+1 SSL GAN",
    "gan-fix": "GAN-CNN + generator fix",
}
REPLICATED = ("gan", "cnn")  # the methods that the replication's step trains
assert set(METHOD_CONFIG) == set(METHOD_NAMES) == set(TRAIN_METHODS)


def train_case(
    method: str,
    width: int,
    variant: str,
    device: torch.device,
    plan: Plan,
    data: str = "phantom",
    check_steps: int = 0,
) -> dict:
    """patches/s of ``training.train_step`` at the given widths (G and DC net both ``width``),
    mini-batch 64, drawn like ``training.train`` does from a pool of random uint8 patches
    (throughput does not depend on the pixel values). ``check_steps`` > 0 (the compile variant):
    then the same-seed check of :func:`determinism_check` over that many iterations."""
    if variant not in TRAIN_VARIANTS:
        raise ValueError(f"variant must be one of {TRAIN_VARIANTS}, got {variant!r}")
    if variant == "replication" and method not in REPLICATED:
        raise ValueError(f"the replication's step trains {REPLICATED} only, not {method!r}")
    config, state = _variant_state(method, width, variant, device, data)
    step = _step_on_random_pool(state, config, variant, device)
    if variant == "compile":  # every warm-up call is needed: each compiles another graph
        # the DC step, the G step and their no-grad/frozen variants
        plan = Plan(max(plan.warmup, 3), plan.reps, plan.min_rep_s, plan.budget_s)
    t = measure(step, plan, device_sync(device))
    row = _training_row(method, width, variant, t, config)
    if check_steps > 0:
        check = determinism_check(method, width, device, check_steps, data, variant)
        row["details"]["determinism"] = check
        row["note"] = f"{row['note']}; {_check_note(check)}" if row["note"] else _check_note(check)
    return row


def _config(method: str, width: int, variant: str, data: str) -> TrainConfig:
    if method not in METHOD_CONFIG:
        raise ValueError(f"method must be one of {tuple(METHOD_CONFIG)}, got {method!r}")
    return TrainConfig(
        **METHOD_CONFIG[method],
        data=data,
        n_patches=POOL,
        iterations=1,
        width=width,
        g_width=width,
        bf16=variant == "bf16",
    )


def _variant_state(method: str, width: int, variant: str, device: torch.device, data: str):
    """The configuration and training state of one variant: bf16 autocast or not, the default
    layout or channels-last, compiled networks or not."""
    from ganseg_lib.train.checkpoint import build_state

    config = _config(method, width, variant, data)
    state = build_state(config, device)
    if variant in DEFAULT_LAYOUT:
        _to_layout(state, torch.contiguous_format)
    if variant == "compile":
        dcnet = state.dcnet
        state.dcnet = torch.compile(dcnet)
        # feature matching (ssgan's G loss) calls DCNet.embed: compiled too
        state.dcnet.embed = torch.compile(dcnet.embed)
        if state.generator is not None:
            state.generator = torch.compile(state.generator)
    return config, state


def _step_on_random_pool(state, config, variant: str, device: torch.device) -> Callable[[], None]:
    """One training iteration of the variant on a mini-batch drawn from random uint8 patches
    (and, for the methods that learn from unlabelled patches, B of a second pool, drawn as
    ``train.loop`` draws them)."""
    from ganseg_lib.train.step import Batch, next_batch, train_step
    from ganseg_lib.train.validation import to_input

    g = torch.Generator().manual_seed(1)
    patches = torch.randint(0, 256, (POOL, 64, 64), generator=g, dtype=torch.uint8).to(device)
    labels = torch.randint(0, 2, (POOL,), generator=g).to(device)
    unlabelled = None
    if config.spec.unlabelled:
        unlabelled = torch.randint(0, 256, (POOL, 64, 64), generator=g, dtype=torch.uint8)
        unlabelled = unlabelled.to(device)
    layout = torch.contiguous_format if variant in DEFAULT_LAYOUT else torch.channels_last
    step_fn = replication_step if variant == "replication" else train_step

    def step():
        idx = next_batch(state, BATCH).to(device)
        x = to_input(patches[idx]).contiguous(memory_format=layout)
        u = None
        if unlabelled is not None:
            pick = torch.randint(0, POOL, (BATCH,), generator=state.rng).to(device)
            u = to_input(unlabelled[pick]).contiguous(memory_format=layout)
        step_fn(state, config, Batch(x, labels[idx], u))

    return step


def _flops(config, replication: bool) -> fl.TrainingFlops:
    return fl.training_flops(
        config.method,
        config.width,
        config.g_width,
        BATCH,
        replication,
        g_arch=config.g_arch,
        feature_matching=config.generator_loss == "fm",
    )


def _training_row(method: str, width: int, variant: str, t: Timing, config) -> dict:
    """The row of one variant: patches/s, and the rate on the FLOP count of its step."""
    counts = _flops(config, variant == "replication")
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


# --- same-seed determinism ---------------------------------------------------------------------


def dcnet_weights_after(
    method: str, width: int, variant: str, device: torch.device, steps: int, data: str = "phantom"
) -> dict[str, torch.Tensor]:
    """The DC net's weights (fp32, on the CPU) after ``steps`` iterations of the variant from a
    fresh state of seed 0 on the benchmark's random pools."""
    config, state = _variant_state(method, width, variant, device, data)
    step = _step_on_random_pool(state, config, variant, device)
    for _ in range(steps):
        step()
    net = getattr(state.dcnet, "_orig_mod", state.dcnet)  # a compiled net's own module
    return {k: v.detach().float().cpu().clone() for k, v in net.state_dict().items()}


def determinism_check(
    method: str,
    width: int,
    device: torch.device,
    steps: int,
    data: str = "phantom",
    variant: str = "compile",
    reference: str = "fp32",
) -> dict:
    """Two runs of ``steps`` iterations of ``variant`` from the same seed: whether their DC-net
    weights are identical, and the largest absolute difference from a run of ``reference`` (the
    eager step, same layout) of the same seed and length."""
    t0 = time.perf_counter()
    first = dcnet_weights_after(method, width, variant, device, steps, data)
    second = dcnet_weights_after(method, width, variant, device, steps, data)
    eager = dcnet_weights_after(method, width, reference, device, steps, data)
    return {
        "steps": steps,
        "variant": variant,
        "reference": reference,
        "same_seed_identical": all(torch.equal(first[k], second[k]) for k in first),
        "same_seed_max_abs_diff": _max_abs_diff(first, second),
        "max_abs_diff_vs_reference": _max_abs_diff(first, eager),
        "max_abs_weight": max(v.abs().max().item() for v in eager.values()),
        "seconds": time.perf_counter() - t0,
    }


def _max_abs_diff(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> float:
    return max((a[k] - b[k]).abs().max().item() for k in a)


def _check_note(check: dict) -> str:
    same = "identical" if check["same_seed_identical"] else "DIFFERENT"
    return (
        f"same seed twice, {check['steps']} steps: {same} DC-net weights; "
        f"max |Δw| vs {check['reference']} {check['max_abs_diff_vs_reference']:.2g}"
    )


# --- the group ---------------------------------------------------------------------------------


def bench_training(s: Settings, log) -> list[dict]:
    """Every variant of every method at each width; each row says how it compares with the
    library's fp32 (channels-last) step and, for the GAN-CNN and the CNN, with the replication's
    step of the same method and width."""
    rows = []
    for width in s.train_widths:
        for method in s.train_methods:
            variants = [v for v in s.variants if v != "replication" or method in REPLICATED]
            found = [_variant_row(s, method, width, v, log) for v in variants]
            _note_ratios(found)
            rows += found
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


def _note_ratios(rows: list[dict]) -> None:
    """Note each measured row's patches/s against the replication's step and against the fp32
    (channels-last) step of the same method and width (also in ``details``)."""
    ok = {r["variant"]: r for r in rows if r["status"] == "ok"}
    for row in ok.values():
        extra = []
        for base, name, key in (
            ("replication", "the replication's step", "vs_replication"),
            ("fp32", "fp32 channels-last", "vs_fp32"),
        ):
            if base in ok and row["variant"] not in (base, "replication"):
                ratio = row["value"] / ok[base]["value"]
                row["details"][key] = ratio
                extra.append(f"{ratio:.2f}× {name}" + (" (slower)" if ratio < 1 else ""))
        if extra:
            row["note"] = "; ".join(extra + ([row["note"]] if row["note"] else []))


def _train_name(method: str, width: int) -> str:
    return f"{METHOD_NAMES.get(method, method)} width {width}"


def compile_case(s: Settings, method: str, width: int, log) -> dict:
    """torch.compile in a fresh process, killed after ``compile_timeout_s`` (the timing and the
    determinism check together)."""
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
        "check_steps": s.check_steps,
    }
    out = run_worker(spec, s.compile_timeout_s)
    if "error" in out:
        log(f"  {key}: FAILED {out['error']}")
        return failed_row(key, "training", _train_name(method, width), "compile", out["error"])
    log(f"  {key}: {out['value']:.4g} {out['unit']}")
    return out
