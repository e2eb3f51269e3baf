"""Whole-image inference: ``dense.predict_dense`` on one image against
``dense.predict_patchwise`` on random pixels extrapolated to the image, and the peak memory of
one dense map, measured in a fresh process."""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from bench import flops as fl
from bench.cases.common import Settings, device_sync, guard, make_row
from bench.cases.isolated import run_worker
from bench.timing import measure


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
    t = measure(lambda: predict_dense(dcnet, image), s.slow, device_sync(s.device))
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
    t = measure(lambda: predict_patchwise(dcnet, image, pixels), s.slow, device_sync(s.device))
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
            dense_row = guard(
                lambda w=width: dense_case(s, w, image, source), f"inference/dense/w{width}", log
            )
            patch_row = guard(
                lambda w=width: patchwise_case(s, w, image, source),
                f"inference/patchwise/w{width}",
                log,
            )
            if dense_row["status"] == "ok" and patch_row["status"] == "ok":
                ratio = patch_row["value"] / dense_row["value"]
                dense_row["note"] += f"; {ratio:.0f}× faster than patch-wise"
                dense_row["details"]["speedup_vs_patchwise"] = ratio
            mem_row = guard(
                lambda w=width: memory_case(s, w, image_path, image.shape, source),
                f"inference/memory/w{width}",
                log,
            )
            rows += [dense_row, patch_row, mem_row]
    return rows
