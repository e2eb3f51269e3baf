"""bf16 accuracy: the GAN-CNN trained in fp32 and in bf16 on the phantom, validation AUCs
compared (``--auc-check``)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.cases.common import Settings, make_row


def bench_auc(s: Settings, log) -> list[dict]:
    """Train the GAN-CNN in fp32 and in bf16 for ``auc_iterations`` iterations on the phantom
    (same seeds, so the same initial weights and data order) and compare validation AUCs."""
    from ganseg_lib.data.patches import PatchParams, make_patch_set
    from ganseg_lib.data.phantom import load_phantom
    from ganseg_lib.data.source import split_validation
    from ganseg_lib.train.loop import RunData
    from ganseg_lib.train.validation import ValidationSet

    os.environ["TQDM_DISABLE"] = "1"
    train_recs, val_recs = split_validation(load_phantom("training", s.auc_phantom_images, seed=0))
    validation = ValidationSet.from_records(val_recs, s.auc_validation_pixels, seed=0)
    aucs: dict[str, list[float]] = {"fp32": [], "bf16": []}
    seconds: dict[str, float] = {"fp32": 0.0, "bf16": 0.0}
    for seed in s.auc_seeds:
        data = RunData(
            make_patch_set(train_recs, PatchParams(s.auc_n_patches, seed), "phantom"), validation
        )
        for label in ("fp32", "bf16"):
            auc, took = _train_and_validate(s, seed, label == "bf16", data)
            seconds[label] += took
            aucs[label].append(auc)
            log(f"  auc seed {seed} {label}: {auc:.4f}")
    return [_auc_row(s, aucs, seconds)]


def _train_and_validate(s: Settings, seed: int, bf16: bool, data) -> tuple[float, float]:
    """One training run of the GAN-CNN in a temporary folder: its last validation AUC and the
    seconds it trained."""
    from ganseg_lib.train.config import TrainConfig
    from ganseg_lib.train.loop import train
    from ganseg_lib.train.run_folder import RunFolder

    config = TrainConfig(
        method="gan",
        data="phantom",
        n_patches=s.auc_n_patches,
        seed=seed,
        iterations=s.auc_iterations,
        width=s.auc_width,
        g_width=s.auc_width,
        eval_every=s.auc_iterations,
        n_validation_pixels=s.auc_validation_pixels,
        bf16=bf16,
    )
    with tempfile.TemporaryDirectory(prefix="ganseg-bench-auc-") as run_dir:
        t0 = time.perf_counter()
        train(config, run_dir, data, device=str(s.device), log=lambda *a, **k: None)
        seconds = time.perf_counter() - t0
        auc = RunFolder(Path(run_dir)).read_history()[-1]["val_auc"]
    return float(auc), seconds


def _auc_row(s: Settings, aucs: dict[str, list[float]], seconds: dict[str, float]) -> dict:
    """bf16 − fp32 of the mean validation AUC over the seeds."""
    mean = {k: float(np.mean(v)) for k, v in aucs.items()}
    return make_row(
        f"auc/w{s.auc_width}",
        "auc",
        f"validation AUC, GAN-CNN width {s.auc_width}",
        "bf16 − fp32",
        mean["bf16"] - mean["fp32"],
        "AUC",
        note=(
            f"fp32 {mean['fp32']:.4f}, bf16 {mean['bf16']:.4f} after {s.auc_iterations} "
            f"iterations on {s.auc_n_patches:,} phantom patches, seeds {list(s.auc_seeds)}; "
            f"training {seconds['fp32']:.0f} s fp32, {seconds['bf16']:.0f} s bf16"
        ),
        details={
            "auc_fp32": mean["fp32"],
            "auc_bf16": mean["bf16"],
            "per_seed": aucs,
            "seeds": list(s.auc_seeds),
            "iterations": s.auc_iterations,
            "width": s.auc_width,
            "n_patches": s.auc_n_patches,
            "validation_pixels": s.auc_validation_pixels,
            "train_seconds": seconds,
        },
        vs_ceiling=False,
    )
