"""The training loop: train (or resume) one run in its folder, logging a history line, the
validation AUC, a checkpoint and generator samples every ``eval_every`` iterations."""

from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from ganseg_lib.data.patches import PatchParams, PatchSet, cached_patch_set
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.errors import ConfigError
from ganseg_lib.model.networks import Generator
from ganseg_lib.paper import NOISE_DIM
from ganseg_lib.train.checkpoint import build_state, load_state, read_checkpoint, save_checkpoint
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.device import resolve_device, threads_label
from ganseg_lib.train.monitor import COLLAPSE_WINDOW, Diverged, Interval, detect_collapse
from ganseg_lib.train.run_folder import RunFolder, atomic_write_text
from ganseg_lib.train.step import class_index, next_batch, train_step
from ganseg_lib.train.validation import ValidationSet, to_input, validation_auc


@dataclass(frozen=True)
class RunData:
    """What a run trains and validates on."""

    patches: PatchSet
    validation: ValidationSet


def prepare_data(
    config: TrainConfig, train_records: list[FundusRecord], val_records: list[FundusRecord]
) -> RunData:
    """Patch set (cached) from the training images, validation pixels from the others."""
    patches = cached_patch_set(
        train_records, PatchParams(config.n_patches, config.seed), config.data
    )
    validation = ValidationSet.from_records(val_records, config.n_validation_pixels, seed=0)
    return RunData(patches, validation)


def _progress(total: int, initial: int, desc: str):
    from tqdm import tqdm

    disable = os.environ.get("GANSEG_PROGRESS", "1") == "0"
    return tqdm(
        total=total,
        initial=initial,
        desc=desc,
        disable=disable,
        mininterval=2.0,
        file=sys.stderr,
        dynamic_ncols=True,
    )


@torch.inference_mode()
def generate_samples(generator: Generator, noise: torch.Tensor) -> np.ndarray:
    """G's patches for fixed noise, as uint8 N×64×64 (eval mode, then back)."""
    was_training = generator.training
    generator.eval()
    fake = generator(noise).float().cpu().numpy()[:, 0]
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
    atomic_write_text(folder.config, json.dumps(config.to_json(), indent=2))
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
    folder.prepare()
    state = _start(config, folder, dev, resume, log)
    n_threads = torch.get_num_threads() if dev.type == "cpu" else None
    log(
        f"training {config.method.upper()} on {config.data}: {config.n_patches} patches, "
        f"{config.total_iterations} iterations, device {dev}"
        + (f" ({threads_label(n_threads)})" if n_threads else "")
        + (", bf16" if config.bf16 else "")
    )

    patches = torch.from_numpy(data.patches.patches).to(dev)
    labels = torch.from_numpy(class_index(data.patches.labels)).to(dev)
    fixed_noise = torch.randn(
        config.n_samples, NOISE_DIM, generator=torch.Generator().manual_seed(config.seed + 10_007)
    ).to(dev)
    end = (
        config.total_iterations if stop_after is None else min(stop_after, config.total_iterations)
    )
    interval = Interval()
    bar = _progress(config.total_iterations, state.iteration, config.method.upper())
    try:
        while state.iteration < end:
            t0 = time.perf_counter()
            idx = next_batch(state, config.batch_size).to(dev)
            metrics = train_step(state, config, to_input(patches[idx]), labels[idx])
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
                    "val_auc": validation_auc(state.dcnet, data.validation),
                    "patches_per_s": interval.patches / max(interval.seconds, 1e-9),
                    "elapsed_s": state.elapsed,
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
                        if k in ("L_c", "L_adv", "L_G", "real_acc", "fake_detect", "val_auc")
                        and v is not None
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
