"""The measurements. Each returns result rows (dicts, see :func:`make_row`).

A row's ``key`` names it for the goals (``training/gan/w16/fp32``), ``value``/``unit`` is its
headline, ``gflops`` the achieved rate from :mod:`bench.flops` counts (None where FLOPs are not
the point), ``details`` everything else, including the raw timing (``bench.timing.Timing``).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from bench import flops as fl
from bench.timing import Plan, Timing, measure

ROOT = Path(__file__).resolve().parents[1]
RESULT_PREFIX = "BENCH-RESULT "
# fp32: the library's step (channels-last); contiguous: the same step in the default layout;
# replication: the step that made the committed cpu records (two generator batches per GAN-CNN
# iteration, real and fake through the DC net separately, default layout) — the "before".
TRAIN_VARIANTS = ("replication", "fp32", "contiguous", "bf16", "compile")
BATCH = 64
POOL = 1024  # random uint8 patches the training benchmark draws its mini-batches from


@dataclass
class Settings:
    """What to measure and how hard (``quick`` shrinks everything)."""

    quick: bool
    device: torch.device
    threads: int
    data: str  # "drive" or "phantom"
    drive_dir: Path | None
    train_widths: tuple[int, ...]
    dense_widths: tuple[int, ...]
    compile: bool
    compile_timeout_s: float
    fast: Plan  # cheap calls: ceilings, training iterations, phantoms
    slow: Plan  # expensive calls: whole images, patch sets
    matmul_size: int
    dense_conv_rows: int  # output rows of the dense-path convolution of the ceiling
    dense_conv_cols: int
    n_patchwise_pixels: int
    image_rows: int | None  # crop the inference image to this many rows (quick runs)
    patch_images: int
    n_patches: int
    auc_iterations: int | None = None
    auc_seeds: tuple[int, ...] = (0,)
    auc_width: int = 16
    auc_n_patches: int = 15_000
    auc_phantom_images: int = 20
    auc_validation_pixels: int = 4096
    variants: tuple[str, ...] = TRAIN_VARIANTS
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k != "notes"}
        d["device"] = str(self.device)
        d["drive_dir"] = str(self.drive_dir) if self.drive_dir else None
        d["fast"], d["slow"] = self.fast.__dict__, self.slow.__dict__
        return d


def make_row(
    key: str,
    group: str,
    name: str,
    variant: str,
    value: float | None,
    unit: str,
    timing: Timing | None = None,
    gflops: float | None = None,
    note: str = "",
    details: dict | None = None,
    status: str = "ok",
    vs_ceiling: bool = True,
) -> dict:
    d = dict(details or {})
    if timing is not None:
        d["timing"] = timing.to_json()
    return {
        "key": key,
        "group": group,
        "name": name,
        "variant": variant,
        "value": value,
        "unit": unit,
        "gflops": gflops,
        "spread": timing.spread if timing is not None else None,
        "note": note,
        "status": status,
        "vs_ceiling": vs_ceiling,
        "details": d,
    }


def failed_row(key: str, group: str, name: str, variant: str, err: BaseException | str) -> dict:
    text = err if isinstance(err, str) else f"{type(err).__name__}: {err}"
    return make_row(key, group, name, variant, None, "", note=text[:300], status="failed")


def _sync(device: torch.device) -> Callable[[], None] | None:
    return torch.cuda.synchronize if device.type == "cuda" else None


# --- ceilings ----------------------------------------------------------------------------------


def bench_matmul(s: Settings, dtype: torch.dtype) -> dict:
    n = s.matmul_size
    label = {torch.float32: "fp32", torch.bfloat16: "bf16"}[dtype]
    g = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=g).to(s.device, dtype)
    b = torch.randn(n, n, generator=g).to(s.device, dtype)
    c = torch.empty(n, n, device=s.device, dtype=dtype)
    t = measure(lambda: torch.mm(a, b, out=c), s.fast, _sync(s.device))
    gflops = fl.matmul_flops(n, n, n) / t.seconds / 1e9
    return make_row(
        f"ceiling/matmul/{label}",
        "ceiling",
        f"matmul {n}×{n}",
        label,
        gflops,
        "GFLOP/s",
        t,
        gflops,
        details={"n": n},
        vs_ceiling=False,
    )


@dataclass(frozen=True)
class ConvCase:
    key: str
    name: str
    n: int
    c_in: int
    c_out: int
    hw: tuple[int, int]  # input height, width
    stride: int = 1
    dilation: int = 1
    kernel: int = 4
    backward: bool = False  # forward + input gradient + weight gradient (3 × the forward)

    @property
    def out_hw(self) -> tuple[int, int]:
        span = self.dilation * (self.kernel - 1)
        return tuple((x - span - 1) // self.stride + 1 for x in self.hw)

    @property
    def flops(self) -> int:
        f = fl.conv2d_flops(self.n, self.c_in, self.c_out, self.kernel, self.out_hw)
        return 3 * f if self.backward else f


def conv_cases(s: Settings) -> list[ConvCase]:
    """Representative convolutions, at width 32 (the paper profile's DC net):

    * the DC net's conv2 in training: N = 64, 32 → 64 channels, 4×4 stride 2 on 31×31;
      forward only, and forward + backward;
    * the dense path's conv3: one image slab, 64 → 128 channels, 4×4 dilation 4.
    """
    rows, cols = s.dense_conv_rows, s.dense_conv_cols
    return [
        ConvCase("dc-conv2-fwd", "DC conv2 fwd (N64 32→64 k4 s2 31²)", 64, 32, 64, (31, 31), 2),
        ConvCase(
            "dc-conv2-fwdbwd",
            "DC conv2 fwd+bwd (N64 32→64 k4 s2 31²)",
            64,
            32,
            64,
            (31, 31),
            2,
            backward=True,
        ),
        ConvCase(
            "dense-conv3",
            f"dense conv3 (64→128 k4 d4 → {rows}×{cols})",
            1,
            64,
            128,
            (rows + 12, cols + 12),
            dilation=4,
        ),
    ]


def bench_conv(s: Settings, case: ConvCase, dtype: torch.dtype, channels_last: bool) -> dict:
    label = {torch.float32: "fp32", torch.bfloat16: "bf16"}[dtype] + (
        "-cl" if channels_last else ""
    )
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    g = torch.Generator().manual_seed(0)
    x = torch.randn(case.n, case.c_in, *case.hw, generator=g).to(s.device, dtype)
    w = (0.05 * torch.randn(case.c_out, case.c_in, case.kernel, case.kernel, generator=g)).to(
        s.device, dtype
    )
    x, w = x.contiguous(memory_format=fmt), w.contiguous(memory_format=fmt)
    if case.backward:
        x.requires_grad_(True)
        w.requires_grad_(True)
        grad = torch.randn(case.n, case.c_out, *case.out_hw, generator=g).to(s.device, dtype)
        grad = grad.contiguous(memory_format=fmt)

        def fn():
            y = F.conv2d(x, w, stride=case.stride, dilation=case.dilation)
            gx, gw = torch.autograd.grad(y, (x, w), grad)
            return gx, gw

    else:

        @torch.inference_mode()
        def fn():
            return F.conv2d(x, w, stride=case.stride, dilation=case.dilation)

    t = measure(fn, s.fast, _sync(s.device))
    gflops = case.flops / t.seconds / 1e9
    return make_row(
        f"ceiling/conv/{case.key}/{label}",
        "ceiling",
        case.name,
        label,
        gflops,
        "GFLOP/s",
        t,
        gflops,
        details={"flops": case.flops, "out_hw": case.out_hw},
    )


def bench_ceilings(s: Settings, log) -> tuple[list[dict], dict]:
    """Matrix products (fp32, bf16) and convolutions; the fp32 convolution ceiling is the best
    fp32 convolution rate measured here (contiguous or channels-last)."""
    rows = []
    for dtype in (torch.float32, torch.bfloat16):
        rows.append(_guard(lambda dtype=dtype: bench_matmul(s, dtype), "ceiling/matmul", log))
    for case in conv_cases(s):
        layouts = [(torch.float32, False), (torch.float32, True)]
        if not case.backward:
            layouts.append((torch.bfloat16, True))
        for dtype, cl in layouts:
            rows.append(
                _guard(
                    lambda case=case, dtype=dtype, cl=cl: bench_conv(s, case, dtype, cl),
                    f"ceiling/conv/{case.key}",
                    log,
                )
            )
    ceilings = summarise_ceilings(rows)
    return rows, ceilings


def summarise_ceilings(rows: list[dict]) -> dict:
    """{'matmul_fp32', 'matmul_bf16', 'conv_fp32', 'conv_fp32_key', 'conv_bf16'} from rows."""
    ok = [r for r in rows if r.get("status", "ok") == "ok" and r.get("gflops")]

    def best(prefix: str, suffixes: tuple[str, ...]) -> dict | None:
        cands = [r for r in ok if r["key"].startswith(prefix) and r["variant"] in suffixes]
        return max(cands, key=lambda r: r["gflops"], default=None)

    out: dict = {}
    for name, prefix, suffixes in (
        ("matmul_fp32", "ceiling/matmul/", ("fp32",)),
        ("matmul_bf16", "ceiling/matmul/", ("bf16",)),
        ("conv_fp32", "ceiling/conv/", ("fp32", "fp32-cl")),
        ("conv_bf16", "ceiling/conv/", ("bf16", "bf16-cl")),
    ):
        r = best(prefix, suffixes)
        out[name] = r["gflops"] if r else None
        out[name + "_key"] = r["key"] if r else None
    return out


def _guard(fn: Callable[[], dict], key: str, log) -> dict:
    """Run one case; a failure becomes a 'failed' row instead of ending the suite."""
    try:
        row = fn()
    except Exception as err:  # noqa: BLE001 - any failure is recorded, the suite goes on
        log(f"  {key}: FAILED {type(err).__name__}: {err}")
        log(traceback.format_exc(limit=3))
        return failed_row(key, key.split("/")[0], key, "", err)
    if row["value"] is not None:
        log(f"  {row['key']}: {row['value']:.4g} {row['unit']}")
    return row


# --- training ----------------------------------------------------------------------------------


def train_case(
    method: str, width: int, variant: str, device: torch.device, plan: Plan, data: str = "phantom"
) -> dict:
    """patches/s of ``training.train_step`` at the given widths (G and DC net both ``width``),
    mini-batch 64, drawn like ``training.train`` does from a pool of random uint8 patches
    (throughput does not depend on the pixel values)."""
    from ganseg_lib.train.checkpoint import build_state
    from ganseg_lib.train.config import TrainConfig
    from ganseg_lib.train.step import Batch, next_batch, train_step
    from ganseg_lib.train.validation import to_input

    if variant not in TRAIN_VARIANTS:
        raise ValueError(f"variant must be one of {TRAIN_VARIANTS}, got {variant!r}")
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
    if variant in ("contiguous", "replication"):
        _to_layout(state, torch.contiguous_format)
    g = torch.Generator().manual_seed(1)
    patches = torch.randint(0, 256, (POOL, 64, 64), generator=g, dtype=torch.uint8).to(device)
    labels = torch.randint(0, 2, (POOL,), generator=g).to(device)
    memory_format = (
        torch.contiguous_format if variant in ("contiguous", "replication") else torch.channels_last
    )
    warmup = plan.warmup
    if variant == "compile":
        state.dcnet = torch.compile(state.dcnet)
        if state.generator is not None:
            state.generator = torch.compile(state.generator)
        warmup = max(warmup, 3)  # the DC step, the G step and their no-grad/frozen variants

    step_fn = replication_step if variant == "replication" else train_step

    def step():
        idx = next_batch(state, BATCH).to(device)
        x = to_input(patches[idx]).contiguous(memory_format=memory_format)
        step_fn(state, config, Batch(x, labels[idx]))

    if variant == "compile":  # every warm-up call is needed: each compiles another graph
        plan = Plan(warmup, plan.reps, plan.min_rep_s, plan.budget_s)
    t = measure(step, plan, _sync(device))
    counts = fl.training_flops(method, width, width, BATCH, variant == "replication")
    gflops = counts.nominal / t.seconds / 1e9
    name = f"{'GAN-CNN' if method == 'gan' else 'CNN'} width {width}"
    note = ""
    if variant == "compile":
        note = f"first {t.warmup_calls} calls (compilation) {t.warmup_seconds:.0f} s"
    return make_row(
        f"training/{method}/w{width}/{variant}",
        "training",
        name,
        variant,
        BATCH / t.seconds,
        "patches/s",
        t,
        gflops,
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


def replication_step(state, config, batch) -> None:
    """The GAN-CNN / CNN iteration that made the committed ``cpu`` records (for the before/after
    comparison): the DC step on a batch of fakes from one noise draw, real and fake patches
    through the DC net in two calls, then the G step on a second, fresh batch of fakes."""
    from ganseg_lib.model.losses import loss_adversarial, loss_classification, loss_generator
    from ganseg_lib.paper import NOISE_DIM

    x, y = batch.x, batch.y
    dcnet, generator = state.dcnet, state.generator
    loss_d = loss_classification(dcnet(x).float(), y)
    if generator is not None:
        z = torch.randn(len(x), NOISE_DIM, generator=state.rng).to(x.device)
        with torch.no_grad():
            fake = generator(z)
        loss_d = loss_d + loss_adversarial(dcnet(fake).float())
    state.opt_d.zero_grad(set_to_none=True)
    loss_d.backward()
    state.opt_d.step()
    if generator is not None:
        z = torch.randn(len(x), NOISE_DIM, generator=state.rng).to(x.device)
        dcnet.requires_grad_(False)
        l_g = loss_generator(dcnet(generator(z)).float())
        state.opt_g.zero_grad(set_to_none=True)
        l_g.backward()
        dcnet.requires_grad_(True)
        state.opt_g.step()


def bench_training(s: Settings, log) -> list[dict]:
    rows = []
    for width in s.train_widths:
        for method in ("gan", "cnn"):
            base = None
            for variant in s.variants:
                key = f"training/{method}/w{width}/{variant}"
                if variant == "compile":
                    if not s.compile:
                        rows.append(
                            make_row(
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
                        )
                        continue
                    row = compile_case(s, method, width, log)
                else:
                    row = _guard(
                        lambda m=method, w=width, v=variant: train_case(
                            m, w, v, s.device, s.fast, s.data
                        ),
                        key,
                        log,
                    )
                if variant == "replication" and row["status"] == "ok":
                    base = row
                if variant != "replication" and base is not None and row["status"] == "ok":
                    ratio = row["value"] / base["value"]
                    extra = f"{ratio:.2f}× the replication's step" + (
                        " (slower)" if ratio < 1 else ""
                    )
                    row["note"] = f"{extra}; {row['note']}" if row["note"] else extra
                rows.append(row)
    return rows


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


# --- worker subprocesses -----------------------------------------------------------------------


def run_worker(spec: dict, timeout_s: float) -> dict:
    """Run ``python -m bench.worker SPEC`` in its own process group; return its result dict, or
    {'error': ...} on failure or timeout (the whole group is killed then)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("TORCHINDUCTOR_COMPILE_THREADS", "1")  # compile in-process: no worker pool
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.worker", json.dumps(spec)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        import signal

        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the worker's own group, started above
        except ProcessLookupError:
            pass
        proc.communicate()
        return {"error": f"timed out after {timeout_s:.0f} s"}
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    tail = [ln for ln in stderr.strip().splitlines() if ln.strip()][-1:] or ["no output"]
    return {"error": f"worker exited with {proc.returncode}: {tail[0]}"}


# --- whole-image inference ---------------------------------------------------------------------


def _vm_kib(field_name: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def reset_peak_rss() -> str:
    """Reset the kernel's resident-set high-water mark ("5" to /proc/self/clear_refs, Linux);
    return the method that the peak will be read with."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return "VmHWM after clear_refs"
    except OSError:
        return "ru_maxrss (not reset: includes the start-up peak)"


def peak_rss_bytes() -> int:
    hwm = _vm_kib("VmHWM")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return 1024 * (hwm if hwm is not None else maxrss)


def current_rss_bytes() -> int:
    rss = _vm_kib("VmRSS")
    if rss is None:
        return 1024 * resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return 1024 * rss


def dense_memory_probe(width: int, image_path: str, device: torch.device) -> dict:
    """Peak memory of one ``predict_dense`` call in this (fresh) process: the peak resident set
    (and on a GPU the peak allocated GPU memory), and its growth over the resident set before."""
    from ganseg_lib.model.dense import predict_dense
    from ganseg_lib.model.networks import DCNet

    image = np.load(image_path)
    torch.manual_seed(0)
    dcnet = DCNet(3, width=width).eval().to(device)
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats(device)
    before = current_rss_bytes()
    method = reset_peak_rss()
    t0 = time.perf_counter()
    predict_dense(dcnet, image, device=device)
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    peak = peak_rss_bytes()
    out = {
        "peak_bytes": peak,
        "baseline_bytes": before,
        "growth_bytes": peak - before,
        "method": method,
        "cold_seconds": seconds,
        "image_shape": list(image.shape),
        "gpu_peak_bytes": None,
    }
    if device.type == "cuda":
        out["gpu_peak_bytes"] = int(torch.cuda.max_memory_allocated(device))
    return out


def inference_image(s: Settings) -> tuple[np.ndarray, str]:
    """The preprocessed ([-1, 1]) green channel of DRIVE test image 01, else of a test phantom;
    cropped to ``s.image_rows`` central rows in quick runs."""
    from ganseg_lib.data.preprocessing import preprocess

    if s.data == "drive":
        from ganseg_lib.data.drive import read_drive_image

        record, source = read_drive_image(s.drive_dir, "test", "01"), "DRIVE test 01"
    else:
        from ganseg_lib.data.phantom import make_phantom

        record, source = make_phantom(0, "test", 0), "phantom test 000"
    image = preprocess(record).image
    if s.image_rows is not None and s.image_rows < image.shape[0]:
        r0 = (image.shape[0] - s.image_rows) // 2
        image = image[r0 : r0 + s.image_rows]
        source += f", rows {r0}–{r0 + s.image_rows - 1}"
    return np.ascontiguousarray(image, dtype=np.float32), source


def dense_case(s: Settings, width: int, image: np.ndarray, source: str) -> dict:
    """Seconds per whole image of ``dense.predict_dense`` (random weights: the work does not
    depend on them) and its rate from :func:`bench.flops.dense_image_flops`."""
    from ganseg_lib.model.dense import dense_tile_rows, predict_dense
    from ganseg_lib.model.networks import DCNet

    h, w = image.shape
    torch.manual_seed(0)
    dcnet = DCNet(3, width=width).eval().to(s.device)
    tile = dense_tile_rows(dcnet, h, w, 2**30)  # predict_dense's default memory budget
    flops = fl.dense_image_flops(width, dcnet.n_outputs, h, w, tile)
    t = measure(lambda: predict_dense(dcnet, image), s.slow, _sync(s.device))
    return make_row(
        f"inference/dense/w{width}",
        "inference",
        f"dense, width {width}",
        "fp32",
        t.seconds,
        f"s/image {h}×{w}",
        t,
        flops / t.seconds / 1e9,
        note=f"tile {tile} rows; {flops / (h * w) / 1e3:.0f} kFLOP/pixel",
        details={
            "image_shape": [h, w],
            "image": source,
            "width": width,
            "tile_rows": tile,
            "flops": flops,
            "flops_per_pixel": flops / (h * w),
            "nominal_flops_per_pixel": fl.dense_nominal_flops_per_pixel(width, dcnet.n_outputs),
        },
    )


def patchwise_case(s: Settings, width: int, image: np.ndarray, source: str) -> dict:
    """``dense.predict_patchwise`` (batches of 1024) on random pixels, extrapolated to the image."""
    from ganseg_lib.model.dense import predict_patchwise
    from ganseg_lib.model.networks import DCNet, flops_per_patch

    h, w = image.shape
    torch.manual_seed(0)
    dcnet = DCNet(3, width=width).eval().to(s.device)
    n = min(s.n_patchwise_pixels, h * w)
    flat = np.random.default_rng(0).choice(h * w, size=n, replace=False)
    pixels = np.stack(np.unravel_index(flat, (h, w)), axis=1)
    t = measure(lambda: predict_patchwise(dcnet, image, pixels), s.slow, _sync(s.device))
    per_pixel = t.seconds / n
    return make_row(
        f"inference/patchwise/w{width}",
        "inference",
        f"patch-wise reference, width {width}",
        "fp32",
        per_pixel * h * w,
        f"s/image {h}×{w} (extrapolated)",
        t,
        flops_per_patch(dcnet) * n / t.seconds / 1e9,
        note=(
            f"extrapolated from {n:,} random pixels (batches of 1024): "
            f"{per_pixel * 1e3:.3f} ms/pixel × {h * w:,} pixels"
        ),
        details={
            "image_shape": [h, w],
            "image": source,
            "width": width,
            "n_pixels": n,
            "seconds_per_pixel": per_pixel,
        },
    )


def memory_case(s: Settings, width: int, image_path: str, shape, source: str) -> dict:
    """Peak memory of one dense map, measured by :func:`dense_memory_probe` in a fresh process."""
    spec = {
        "task": "dense_memory",
        "width": width,
        "image_path": image_path,
        "device": str(s.device),
        "threads": s.threads,
    }
    out = run_worker(spec, 600)
    if "error" in out:
        raise RuntimeError(out["error"])
    gpu = s.device.type == "cuda"
    value = out["gpu_peak_bytes"] if gpu else out["peak_bytes"]
    where = "GPU memory allocated" if gpu else "resident set"
    h, w = shape
    return make_row(
        f"inference/memory/w{width}",
        "inference",
        f"dense peak memory, width {width}",
        "fp32",
        value / 1e9,
        "GB",
        note=(
            f"peak {where} of a fresh process making one {h}×{w} map "
            f"(+{out['growth_bytes'] / 1e9:.2f} GB resident during the call; {out['method']})"
        ),
        details={"image": source, "width": width, **out},
        vs_ceiling=False,
    )


def bench_inference(s: Settings, log) -> list[dict]:
    rows = []
    image, source = inference_image(s)
    with tempfile.TemporaryDirectory(prefix="ganseg-bench-") as tmp:
        image_path = str(Path(tmp) / "image.npy")
        np.save(image_path, image)
        for width in s.dense_widths:
            dense_row = _guard(
                lambda w=width: dense_case(s, w, image, source), f"inference/dense/w{width}", log
            )
            patch_row = _guard(
                lambda w=width: patchwise_case(s, w, image, source),
                f"inference/patchwise/w{width}",
                log,
            )
            if dense_row["status"] == "ok" and patch_row["status"] == "ok":
                ratio = patch_row["value"] / dense_row["value"]
                dense_row["note"] += f"; {ratio:.0f}× faster than patch-wise"
                dense_row["details"]["speedup_vs_patchwise"] = ratio
            mem_row = _guard(
                lambda w=width: memory_case(s, w, image_path, image.shape, source),
                f"inference/memory/w{width}",
                log,
            )
            rows += [dense_row, patch_row, mem_row]
    return rows


# --- data ------------------------------------------------------------------------------------


def training_records(s: Settings):
    """The images patches are cut from: the first ``patch_images`` of the 16 training images
    (DRIVE 21–36, or phantoms), as ``split_validation`` leaves them."""
    from ganseg_lib.data.source import N_VALIDATION

    n = min(s.patch_images, 20 - N_VALIDATION)
    if s.data == "drive":
        from ganseg_lib.data.drive import DRIVE_IDS, read_drive_image

        return [read_drive_image(s.drive_dir, "training", i) for i in DRIVE_IDS["training"][:n]]
    from ganseg_lib.data.phantom import make_phantom

    return [make_phantom(0, "training", i) for i in range(n)]


def bench_patches(s: Settings, log) -> dict:
    from ganseg_lib.data.patches import (
        PatchParams,
        background_centres,
        extract_patches,
        make_patch_set,
        sample_patch_centers,
        vessel_centres,
    )
    from ganseg_lib.data.preprocessing import preprocess

    t0 = time.perf_counter()
    records = training_records(s)
    load_s = time.perf_counter() - t0
    params = PatchParams(n_patches=s.n_patches, seed=0)
    t = measure(lambda: make_patch_set(records, params, s.data), s.slow)
    # one more pass through the same steps as make_patch_set, timed step by step
    stages = {}
    t0 = time.perf_counter()
    pre = [preprocess(r, params.clahe) for r in records]
    stages["preprocess (CLAHE)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    masks = [
        (vessel_centres(r.vessels, r.fov), background_centres(r.vessels, r.fov)) for r in records
    ]
    stages["centre masks (skeleton, dilation)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    centers, _, index = sample_patch_centers(masks, params.n_patches, params.seed)
    stages["sampling"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i, p in enumerate(pre):
        extract_patches(p.image_u8, centers[index == i])
    stages["extraction"] = time.perf_counter() - t0
    breakdown = ", ".join(f"{k} {v:.2f} s" for k, v in stages.items())
    return make_row(
        "data/patches",
        "data",
        f"make_patch_set, {s.n_patches:,} patches",
        s.data,
        t.seconds,
        "s",
        t,
        note=f"{len(records)} images (reading them: {load_s:.1f} s, not counted); one pass: "
        + breakdown,
        details={
            "n_patches": s.n_patches,
            "n_images": len(records),
            "data": s.data,
            "read_seconds": load_s,
            "stages_seconds": stages,
        },
        vs_ceiling=False,
    )


def bench_phantom(s: Settings, log) -> dict:
    from ganseg_lib.data.phantom import make_phantom

    counter = iter(range(10**6))
    t = measure(lambda: make_phantom(0, "training", next(counter)), s.slow)
    return make_row(
        "data/phantom",
        "data",
        "make_phantom, 584×565",
        "phantom",
        t.seconds,
        "s/image",
        t,
        note="one synthetic fundus image with its ground truth",
        vs_ceiling=False,
    )


def bench_data(s: Settings, log) -> list[dict]:
    return [
        _guard(lambda: bench_patches(s, log), "data/patches", log),
        _guard(lambda: bench_phantom(s, log), "data/phantom", log),
    ]


# --- bf16 accuracy -----------------------------------------------------------------------------


def bench_auc(s: Settings, log) -> list[dict]:
    """Train the GAN-CNN in fp32 and in bf16 for ``auc_iterations`` iterations on the phantom
    (same seeds, so the same initial weights and data order) and compare validation AUCs."""
    from ganseg_lib.data.patches import PatchParams, make_patch_set
    from ganseg_lib.data.phantom import load_phantom
    from ganseg_lib.data.source import split_validation
    from ganseg_lib.train.config import TrainConfig
    from ganseg_lib.train.loop import RunData, train
    from ganseg_lib.train.run_folder import RunFolder
    from ganseg_lib.train.validation import ValidationSet

    os.environ["TQDM_DISABLE"] = "1"
    n_it = s.auc_iterations
    train_recs, val_recs = split_validation(load_phantom("training", s.auc_phantom_images, seed=0))
    validation = ValidationSet.from_records(val_recs, s.auc_validation_pixels, seed=0)
    aucs: dict[str, list[float]] = {"fp32": [], "bf16": []}
    seconds: dict[str, float] = {"fp32": 0.0, "bf16": 0.0}
    for seed in s.auc_seeds:
        data = RunData(
            make_patch_set(train_recs, PatchParams(s.auc_n_patches, seed), "phantom"), validation
        )
        for label in ("fp32", "bf16"):
            config = TrainConfig(
                method="gan",
                data="phantom",
                n_patches=s.auc_n_patches,
                seed=seed,
                iterations=n_it,
                width=s.auc_width,
                g_width=s.auc_width,
                eval_every=n_it,
                n_validation_pixels=s.auc_validation_pixels,
                bf16=label == "bf16",
            )
            with tempfile.TemporaryDirectory(prefix="ganseg-bench-auc-") as run_dir:
                t0 = time.perf_counter()
                train(config, run_dir, data, device=str(s.device), log=lambda *a, **k: None)
                seconds[label] += time.perf_counter() - t0
                auc = RunFolder(run_dir).read_history()[-1]["val_auc"]
            aucs[label].append(float(auc))
            log(f"  auc seed {seed} {label}: {auc:.4f}")
    mean = {k: float(np.mean(v)) for k, v in aucs.items()}
    delta = mean["bf16"] - mean["fp32"]
    return [
        make_row(
            f"auc/w{s.auc_width}",
            "auc",
            f"validation AUC, GAN-CNN width {s.auc_width}",
            "bf16 − fp32",
            delta,
            "AUC",
            note=(
                f"fp32 {mean['fp32']:.4f}, bf16 {mean['bf16']:.4f} after {n_it} iterations on "
                f"{s.auc_n_patches:,} phantom patches, seeds {list(s.auc_seeds)}; training "
                f"{seconds['fp32']:.0f} s fp32, {seconds['bf16']:.0f} s bf16"
            ),
            details={
                "auc_fp32": mean["fp32"],
                "auc_bf16": mean["bf16"],
                "per_seed": aucs,
                "seeds": list(s.auc_seeds),
                "iterations": n_it,
                "width": s.auc_width,
                "n_patches": s.auc_n_patches,
                "validation_pixels": s.auc_validation_pixels,
                "train_seconds": seconds,
            },
            vs_ceiling=False,
        )
    ]
