"""Data: ``patches.make_patch_set`` (with a per-step breakdown) and ``phantom.make_phantom``."""

from __future__ import annotations

import time

from bench.cases.common import Settings, guard, make_row
from bench.timing import measure


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
    """Seconds of ``make_patch_set`` (reading the images not counted), with the seconds of each
    of its steps from one more pass."""
    from ganseg_lib.data.patches import PatchParams, make_patch_set

    t0 = time.perf_counter()
    records = training_records(s)
    load_s = time.perf_counter() - t0
    params = PatchParams(n_patches=s.n_patches, seed=0)
    t = measure(lambda: make_patch_set(records, params, s.data), s.slow)
    stages = patch_stage_seconds(records, params)
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


def patch_stage_seconds(records, params) -> dict[str, float]:
    """One pass through the same steps as ``make_patch_set``, timed step by step."""
    from ganseg_lib.data.patches import (
        background_centres,
        extract_patches,
        sample_patch_centers,
        vessel_centres,
    )
    from ganseg_lib.data.preprocessing import preprocess

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
    return stages


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
        guard(lambda: bench_patches(s, log), "data/patches", log),
        guard(lambda: bench_phantom(s, log), "data/phantom", log),
    ]
