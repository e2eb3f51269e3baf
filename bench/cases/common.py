"""What every group of measurements shares: the settings, the result row, and the guard that
turns a failing case into a 'failed' row.

A row's ``key`` names it for the goals (``training/gan/w16/fp32``), ``value``/``unit`` is its
headline, ``gflops`` the achieved rate from :mod:`bench.flops` counts (None where FLOPs are not
the point), ``details`` everything else, including the raw timing (``bench.timing.Timing``).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch

from bench.timing import Plan, Timing

ROOT = Path(__file__).resolve().parents[2]
# fp32: the library's step (channels-last); contiguous: the same step in the default layout;
# replication: the step that made the committed cpu records (two generator batches per GAN-CNN
# iteration, real and fake through the DC net separately, default layout) — the "before".
TRAIN_VARIANTS = ("replication", "fp32", "contiguous", "bf16", "compile")
# the GAN-CNN, the CNN, the K+1 SSL GAN and the GAN-CNN with the generator fix
# (train.config.GENERATOR_FIX); the replication's step trains the first two only
TRAIN_METHODS = ("gan", "cnn", "ssgan", "gan-fix")


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
    train_methods: tuple[str, ...] = TRAIN_METHODS
    check_steps: int = 20  # iterations of the compile variant's same-seed check (0: none)
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


def device_sync(device: torch.device) -> Callable[[], None] | None:
    """What a timing must call to wait for the device (None on the CPU)."""
    return torch.cuda.synchronize if device.type == "cuda" else None


def guard(fn: Callable[[], dict], key: str, log) -> dict:
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
