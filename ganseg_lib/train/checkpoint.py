"""The state of a run and its checkpoint: networks, optimisers, schedules and random state,
written atomically with a SHA-256 so that a run resumes bit-for-bit and a damaged file is never
loaded (the file format, and the one loader of every kept DC net: :mod:`.weights`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import torch

from ganseg_lib.model.networks import DCNet, Generator
from ganseg_lib.paper import K
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.run_folder import RunFolder
from ganseg_lib.train.weights import build_dcnet, load_kept_dcnet, save_weights
from ganseg_lib.train.weights import read_checkpoint as read_checkpoint  # also imported from here
from ganseg_lib.train.weights import write_with_digest as write_with_digest

CHECKPOINT_FORMAT = 1


@dataclass
class RunState:
    """What a checkpoint holds besides the config: models, optimisers, schedulers, RNG."""

    iteration: int
    dcnet: DCNet
    generator: Generator | None
    opt_d: torch.optim.Optimizer
    opt_g: torch.optim.Optimizer | None
    sched_d: torch.optim.lr_scheduler.LRScheduler
    sched_g: torch.optim.lr_scheduler.LRScheduler | None
    rng: torch.Generator
    order: torch.Tensor  # the current epoch's permutation of the labelled patches
    position: int  # next index into ``order``
    elapsed: float  # training seconds so far
    best_auc: float = float("-inf")  # the best validation AUC so far (fair protocol)
    best_iteration: int | None = None
    best_dcnet: dict | None = None  # the DC net's weights at ``best_iteration`` (on the CPU)
    noise_stats: tuple[float, float] | None = None  # mean, sd of the labelled input patches


# Training keeps weights and activations channels-last: oneDNN's convolutions and transposed
# convolutions run faster in that layout on CPUs and GPUs alike (the benchmark appendix).
TRAIN_MEMORY_FORMAT = torch.channels_last


def memory_format(config: TrainConfig) -> torch.memory_format:
    """The layout of a run's networks and batches: channels-last, or the contiguous layout
    that the replication's step ran in."""
    return torch.contiguous_format if config.step == "replication" else TRAIN_MEMORY_FORMAT


def build_state(config: TrainConfig, device: torch.device) -> RunState:
    """Fresh networks and optimisers, seeded from ``config.seed``."""
    torch.manual_seed(config.seed)
    layout = {"device": device, "memory_format": memory_format(config)}
    dcnet = build_dcnet(config).to(**layout)
    generator = (
        Generator(
            config.g_width, n_classes=K if config.spec.conditional else 0, arch=config.g_arch
        ).to(**layout)
        if config.spec.has_generator
        else None
    )
    step = config.decay_step

    def adam(params):
        return torch.optim.Adam(params, lr=config.lr, betas=config.betas)

    opt_d = adam(dcnet.parameters())
    opt_g = adam(generator.parameters()) if config.spec.trains_generator else None
    sched_d = torch.optim.lr_scheduler.StepLR(opt_d, step, gamma=config.lr_decay)
    sched_g = torch.optim.lr_scheduler.StepLR(opt_g, step, gamma=config.lr_decay) if opt_g else None
    rng = torch.Generator().manual_seed(config.seed)
    order = torch.randperm(config.n_patches, generator=rng)
    return RunState(0, dcnet, generator, opt_d, opt_g, sched_d, sched_g, rng, order, 0, 0.0)


def _state_dict(state: RunState, config: TrainConfig) -> dict:
    def sd(x):
        return x.state_dict() if x is not None else None

    return {
        "format": CHECKPOINT_FORMAT,
        "config": config.to_json(),
        "iteration": state.iteration,
        "dcnet": sd(state.dcnet),
        "generator": sd(state.generator),
        "opt_d": sd(state.opt_d),
        "opt_g": sd(state.opt_g),
        "sched_d": sd(state.sched_d),
        "sched_g": sd(state.sched_g),
        "rng": state.rng.get_state(),
        # torch's CPU stream: G's pixel noise (g_arch "bnresize-noise") draws from it on a CPU
        # (on a GPU it draws from the device's stream, which is not kept: a resumed GPU run
        # with pixel noise is not bit-identical)
        "torch_rng": torch.get_rng_state(),
        "order": state.order,
        "position": state.position,
        "elapsed": state.elapsed,
        "best_auc": state.best_auc,
        "best_iteration": state.best_iteration,
        "best_dcnet": state.best_dcnet,
    }


def save_checkpoint(path: Path, state: RunState, config: TrainConfig) -> None:
    """Write atomically: serialise to memory, write a temporary file with its SHA-256, rename."""
    save_weights(path, _state_dict(state, config))


def load_state(ckpt: dict, config: TrainConfig, device: torch.device) -> RunState:
    state = build_state(config, device)
    state.dcnet.load_state_dict(ckpt["dcnet"])
    state.opt_d.load_state_dict(ckpt["opt_d"])
    state.sched_d.load_state_dict(ckpt["sched_d"])
    if state.generator is not None:
        state.generator.load_state_dict(ckpt["generator"])
    if state.opt_g is not None:
        state.opt_g.load_state_dict(ckpt["opt_g"])
        state.sched_g.load_state_dict(ckpt["sched_g"])
    state.rng.set_state(ckpt["rng"].cpu())  # a checkpoint read onto a GPU moved it there
    if "torch_rng" in ckpt:  # (checkpoints before it: nothing drew from the global stream)
        torch.set_rng_state(ckpt["torch_rng"].cpu())
    state.order = ckpt["order"]
    state.position = ckpt["position"]
    state.iteration = ckpt["iteration"]
    state.elapsed = ckpt["elapsed"]
    state.best_auc = ckpt.get("best_auc", float("-inf"))
    state.best_iteration = ckpt.get("best_iteration")
    state.best_dcnet = ckpt.get("best_dcnet")
    return state


def load_dcnet(
    path: str | os.PathLike, device: str | torch.device = "cpu", which: str = "last"
) -> DCNet:
    """The trained DC net of a checkpoint (or of a run folder), in eval mode: the ``last``
    weights, or the ``best`` (highest validation AUC, kept by the fair protocol)."""
    path = Path(path)
    if path.is_dir():
        path = RunFolder(path).checkpoint
    return load_kept_dcnet(path, which, device)[0]
