"""The training loop: train (or resume) one run in its folder, logging a history line, the
validation AUC, a checkpoint and generator samples every ``eval_every`` iterations."""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from ganseg_lib.atomic import write_text_atomic
from ganseg_lib.data.patches import PatchParams, PatchSet, cached_patch_set
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.errors import ConfigError
from ganseg_lib.model.networks import Generator
from ganseg_lib.paper import NOISE_DIM
from ganseg_lib.progress import progress_bar
from ganseg_lib.train.augment import augment, dihedral_indices
from ganseg_lib.train.checkpoint import (
    build_state,
    load_state,
    memory_format,
    read_checkpoint,
    save_checkpoint,
)
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.device import resolve_device, threads_label
from ganseg_lib.train.monitor import COLLAPSE_WINDOW, Diverged, Interval, detect_collapse
from ganseg_lib.train.run_folder import RunFolder
from ganseg_lib.train.step import Batch, class_index, next_batch, train_step
from ganseg_lib.train.validation import ValidationSet, to_input, validate


@dataclass(frozen=True)
class RunData:
    """What a run trains and validates on."""

    patches: PatchSet
    validation: ValidationSet
    unlabelled: np.ndarray | None = None  # uint8 N×64×64, for the methods that use it


def prepare_data(
    config: TrainConfig, train_records: list[FundusRecord], val_records: list[FundusRecord]
) -> RunData:
    """Patch set (cached) from the training images, validation pixels from the others, and the
    label-blind unlabelled pool from the training images when the method uses one."""
    from ganseg_lib.data.unlabelled import unlabelled_pool

    patches = cached_patch_set(
        train_records, PatchParams(config.n_patches, config.seed), config.data
    )
    validation = ValidationSet.from_records(val_records, config.n_validation_pixels, seed=0)
    unlabelled = (
        unlabelled_pool(train_records, config.n_unlabelled, config.seed)
        if config.spec.unlabelled
        else None
    )
    return RunData(patches, validation, unlabelled)


def input_stats(patches_u8: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of the patches in the network's input range [-1, 1]."""
    x = patches_u8.astype(np.float64) / 127.5 - 1.0
    return float(x.mean()), float(x.std())


def _progress(total: int, initial: int, desc: str):
    return progress_bar(total=total, initial=initial, desc=desc, mininterval=2.0)


@torch.inference_mode()
def generate_samples(generator: Generator, noise: torch.Tensor) -> np.ndarray:
    """G's patches for fixed noise, as uint8 N×64×64 (eval mode, then back); a conditional G
    makes the classes in turn (vessel, background, vessel, ...)."""
    was_training = generator.training
    generator.eval()
    classes = None
    if generator.n_classes:
        classes = torch.arange(len(noise), device=noise.device) % generator.n_classes
    fake = generator(noise, classes).float().cpu().numpy()[:, 0]
    generator.train(was_training)
    return np.round((fake + 1.0) * 127.5).clip(0, 255).astype(np.uint8)


def _start(config: TrainConfig, folder: RunFolder, dev: torch.device, resume: bool, log):
    """A fresh state, or the checkpoint's when resuming (with the same configuration only)."""
    if folder.checkpoint.exists() and not resume:
        raise ConfigError(
            f"out {folder.path} already holds a run: resume it or choose another folder", "out"
        )
    if resume and folder.checkpoint.exists():
        saved = TrainConfig.from_json(json.loads(folder.config.read_text()))
        if saved != config:
            diff = {
                k: (v, getattr(config, k))
                for k, v in asdict(saved).items()
                if getattr(config, k) != v
            }
            raise ConfigError(f"resume with a different configuration than {folder.config}: {diff}")
        state = load_state(read_checkpoint(folder.checkpoint, dev), config, dev)
        folder.truncate_history(state.iteration)
        log(f"resuming {folder.path.name} at iteration {state.iteration}/{config.total_iterations}")
        return state
    write_text_atomic(folder.config, json.dumps(config.to_json(), indent=2))
    folder.history.write_text("")
    return build_state(config, dev)


def train(
    config: TrainConfig,
    run_dir: str | os.PathLike,
    data: RunData,
    device: str = "auto",
    resume: bool = False,
    stop_after: int | None = None,
    log=print,
) -> Path:
    """Train (or resume) a run in ``run_dir``; return the checkpoint path.

    ``stop_after`` ends the call after that many iterations in total (for tests of resumption);
    the run can then be continued with ``resume=True``.
    """
    folder = RunFolder(Path(run_dir))
    dev = resolve_device(device)
    if dev.type == "cuda":
        # cuDNN picks the fastest convolution algorithms for the fixed 64×64 shapes. A GPU run is
        # then reproducible up to that choice; the bit-for-bit claim (same seed, same threads →
        # same weights) is made for CPU runs, and a record names its device.
        torch.backends.cudnn.benchmark = True
    folder.prepare()
    state = _start(config, folder, dev, resume, log)
    n_threads = torch.get_num_threads() if dev.type == "cpu" else None
    log(
        f"training {config.method.upper()} on {config.data}: {config.n_patches} patches, "
        f"{config.total_iterations} iterations, device {dev}"
        + (f" ({threads_label(n_threads)})" if n_threads else "")
        + (", bf16" if config.bf16 else "")
    )

    if config.spec.unlabelled and data.unlabelled is None:
        raise ConfigError(f"method {config.method} needs unlabelled patches", "n_unlabelled")
    patches = torch.from_numpy(data.patches.patches).to(dev)
    labels = torch.from_numpy(class_index(data.patches.labels)).to(dev)
    unlabelled = torch.from_numpy(data.unlabelled).to(dev) if config.spec.unlabelled else None
    if config.spec.fakes == "noise":
        state.noise_stats = input_stats(data.patches.patches)
    symmetries = dihedral_indices() if config.protocol == "fair" else None
    fixed_noise = torch.randn(
        config.n_samples, NOISE_DIM, generator=torch.Generator().manual_seed(config.seed + 10_007)
    ).to(dev)
    end = (
        config.total_iterations if stop_after is None else min(stop_after, config.total_iterations)
    )
    interval = Interval()
    layout = memory_format(config)
    bar = _progress(config.total_iterations, state.iteration, config.method.upper())
    try:
        while state.iteration < end:
            t0 = time.perf_counter()
            idx = next_batch(state, config.batch_size).to(dev)
            x = to_input(patches[idx])
            if symmetries is not None:
                x = augment(x, state.rng, symmetries)
            x = x.contiguous(memory_format=layout)
            u = None
            if unlabelled is not None:
                pick = torch.randint(0, len(unlabelled), (config.batch_size,), generator=state.rng)
                u = to_input(unlabelled[pick.to(dev)]).contiguous(memory_format=layout)
            metrics = train_step(state, config, Batch(x, labels[idx], u))
            seconds = time.perf_counter() - t0
            state.elapsed += seconds
            bad = [k for k, v in metrics.items() if not math.isfinite(float(v))]
            if bad:
                raise Diverged(f"non-finite {', '.join(bad)} at iteration {state.iteration}")
            interval.add(metrics, config.batch_size, seconds)
            bar.update(1)
            if (
                state.iteration % config.eval_every == 0
                or state.iteration == config.total_iterations
            ):
                line = {
                    "iteration": state.iteration,
                    "epoch": state.iteration / config.iterations_per_epoch,
                    "lr": state.opt_d.param_groups[0]["lr"],
                    **interval.means(),
                    **validate(state.dcnet, data.validation),
                    "patches_per_s": interval.patches / max(interval.seconds, 1e-9),
                    "elapsed_s": state.elapsed,
                }
                if config.protocol == "fair" and line["val_auc"] > state.best_auc:
                    state.best_auc, state.best_iteration = line["val_auc"], state.iteration
                    state.best_dcnet = {
                        k: v.detach().cpu().clone() for k, v in state.dcnet.state_dict().items()
                    }
                if state.generator is not None:
                    folder.save_samples(
                        generate_samples(state.generator, fixed_noise), state.iteration
                    )
                folder.append_history(line)
                save_checkpoint(folder.checkpoint, state, config)
                collapse = detect_collapse(folder.read_history()[-COLLAPSE_WINDOW:])
                if collapse:
                    raise Diverged(collapse)
                bar.set_postfix(
                    {
                        k: f"{v:.3f}"
                        for k, v in line.items()
                        if k in ("L_c", "L_adv", "L_G", "fake_detect", "val_auc") and v is not None
                    }
                    | {"patch/s": f"{line['patches_per_s']:.0f}"},
                    refresh=False,
                )
                interval = Interval()
    finally:
        bar.close()
    if state.iteration == config.total_iterations:
        log(
            f"done: {state.iteration} iterations in {state.elapsed:.0f} s "
            f"({state.iteration * config.batch_size / max(state.elapsed, 1e-9):.0f} patches/s)"
        )
    return folder.checkpoint
