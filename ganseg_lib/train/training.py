"""Training the GAN-CNN and the CNN baseline — seed slides "Semi-Supervised Learning with GAN" and
"Training Details".

> ADAM optimizer for both the G and DC net. Slope of leaky ReLU = 0.1. Initial learning rate =
> 10^-4 (for both G and DC). Decay factor of 0.8 after every 20 epochs. Mini-batch size of 64.

Each iteration of ``method="gan"``:

1. DC step: minimise L_c (a labelled real batch) + L_adv (a batch of G(z), z ~ N(0, I_300));
2. G step: minimise the non-saturating L_G on a fresh batch of G(z).

``method="cnn"`` is step 1 without L_adv, on a K-output DC net: the generator is the only
difference between the two methods.

Adam betas are (0.5, 0.999): the slides give none, and β1 = 0.5 is the DCGAN value (Radford et
al. 2016), chosen there because the default 0.9 oscillated in adversarial training. The CNN
baseline uses the same betas so that optimiser settings do not differ between the methods.

Budgets are given in iterations or (possibly fractional) epochs of the labelled patches; the
learning rate is multiplied by 0.8 every 20 epochs in either case. A run writes, in its folder:
``config.json``, ``history.jsonl`` (one line per interval), ``checkpoint.pt`` (atomic; everything
needed to resume bit-for-bit) and ``samples/`` (fixed-noise grids of G's patches, as ``.npy``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from ganseg_lib.data.patches import PatchParams, PatchSet, cached_patch_set, extract_patches
from ganseg_lib.data.preprocessing import preprocess
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.errors import ConfigError, DataError
from ganseg_lib.model.losses import loss_adversarial, loss_classification, loss_generator
from ganseg_lib.model.networks import (
    FAKE,
    NOISE_DIM,
    NORMS,
    DCNet,
    Generator,
    K,
    vessel_probability,
)

METHODS = ("gan", "cnn")
CHECKPOINT = "checkpoint.pt"


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a run. ``iterations`` or ``epochs`` sets the budget."""

    method: str
    data: str
    n_patches: int
    seed: int = 0
    iterations: int | None = None
    epochs: float | None = None
    width: int = 32  # DC net channels of the first convolution (ours; the slides give none)
    g_width: int = 32  # generator channels before its output layer
    norm: str = "final"  # DC net normalisation, see networks.DCNet
    batch_size: int = 64
    lr: float = 1e-4
    lr_decay: float = 0.8
    decay_every_epochs: float = 20.0
    betas: tuple[float, float] = (0.5, 0.999)
    eval_every: int = 100  # iterations between history lines, validation and checkpoints
    n_validation_pixels: int = 4096
    n_samples: int = 16  # fixed-noise generator samples saved per interval
    bf16: bool = False

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ConfigError(f"--method must be one of {METHODS}, got {self.method!r}")
        if self.norm not in NORMS:
            raise ConfigError(f"--norm must be one of {NORMS}, got {self.norm!r}")
        if self.data not in ("drive", "phantom"):
            raise ConfigError(f"--data must be drive or phantom, got {self.data!r}")
        if not isinstance(self.n_patches, int) or self.n_patches < 2:
            raise ConfigError(f"--n-patches must be an integer >= 2, got {self.n_patches!r}")
        if (self.iterations is None) == (self.epochs is None):
            raise ConfigError("give exactly one of --iterations and --epochs")
        if self.iterations is not None and self.iterations < 1:
            raise ConfigError(f"--iterations must be >= 1, got {self.iterations}")
        if self.epochs is not None and not self.epochs > 0:
            raise ConfigError(f"--epochs must be > 0, got {self.epochs}")
        for name in ("width", "g_width", "batch_size", "eval_every", "n_validation_pixels"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not self.lr > 0:
            raise ConfigError(f"lr must be > 0, got {self.lr}")

    @property
    def iterations_per_epoch(self) -> int:
        return math.ceil(self.n_patches / self.batch_size)

    @property
    def total_iterations(self) -> int:
        if self.iterations is not None:
            return self.iterations
        return max(1, round(self.epochs * self.iterations_per_epoch))

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> TrainConfig:
        d = dict(d)
        d["betas"] = tuple(d["betas"])
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ConfigError(f"unknown configuration keys: {sorted(unknown)}")
        return cls(**d)


class Diverged(RuntimeError):
    """Training produced a NaN or Inf loss; the run is marked failed, never averaged."""


COLLAPSE_WINDOW = 4  # history intervals
COLLAPSE_FAKE_DETECT = 0.99
COLLAPSE_ACC_DROP = 0.05


def detect_collapse(history: list[dict], window: int = COLLAPSE_WINDOW) -> str | None:
    """A GAN collapse: for ``window`` consecutive intervals the DC net caught ≥ 99% of the fakes
    while its real-class accuracy fell by ≥ 0.05. Returns the reason, or None.

    The generator then no longer produces anything the DC net mistakes for real patches, so the
    adversarial signal is gone and the classifier is being pushed off the real data.
    """
    for end in range(window, len(history) + 1):
        stretch = history[end - window : end]
        if any(h.get("fake_detect") is None for h in stretch):
            continue
        caught = all(h["fake_detect"] >= COLLAPSE_FAKE_DETECT for h in stretch)
        drop = stretch[0]["real_acc"] - stretch[-1]["real_acc"]
        if caught and drop >= COLLAPSE_ACC_DROP:
            return (
                f"GAN collapse at iterations {stretch[0]['iteration']}–{stretch[-1]['iteration']}: "
                f"fake detection ≥ {COLLAPSE_FAKE_DETECT} while real-class accuracy fell by "
                f"{drop:.3f}"
            )
    return None


def resolve_device(device: str = "auto") -> torch.device:
    """'auto' is CUDA when available, else CPU."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except RuntimeError as err:
        raise ConfigError(f"--device: {err}") from err
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"--device {device}: CUDA is not available on this machine")
    return dev


def class_index(labels: np.ndarray | torch.Tensor):
    """Patch labels (1 = vessel, 0 = background) → DC net class indices (0 = vessel, 1 = bg)."""
    return 1 - labels


# --- validation --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ValidationSet:
    """Random FOV pixels of the validation images: patches (uint8) and vessel truth."""

    patches: np.ndarray
    is_vessel: np.ndarray

    @classmethod
    def from_records(cls, records: list[FundusRecord], n_pixels: int, seed: int) -> ValidationSet:
        """Uniformly drawn FOV pixels (all classes, vessel edges included), like the test metric."""
        if not records:
            raise DataError("the validation split is empty")
        rng = np.random.default_rng([seed, 7919])
        per_image = np.full(len(records), n_pixels // len(records))
        per_image[: n_pixels % len(records)] += 1
        patches, truth = [], []
        for rec, n in zip(records, per_image):
            fov = np.flatnonzero(rec.fov)
            chosen = rng.choice(fov, size=min(int(n), len(fov)), replace=False)
            centers = np.stack(np.unravel_index(chosen, rec.fov.shape), axis=1)
            patches.append(extract_patches(preprocess(rec).image_u8, centers))
            truth.append(rec.vessels[centers[:, 0], centers[:, 1]])
        return cls(np.concatenate(patches), np.concatenate(truth))


def to_input(patches_u8: torch.Tensor) -> torch.Tensor:
    """uint8 (B, 64, 64) → float (B, 1, 64, 64) in [-1, 1] (as preprocessing.to_unit_range)."""
    return (patches_u8.float() / 127.5 - 1.0).unsqueeze(1)


@torch.inference_mode()
def score_patches(
    dcnet: DCNet, patches_u8: np.ndarray | torch.Tensor, batch_size: int = 1024
) -> np.ndarray:
    """Vessel probability p(vessel)/(p(vessel)+p(background)) for each patch (eval mode)."""
    device = next(dcnet.parameters()).device
    was_training = dcnet.training
    dcnet.eval()
    data = torch.as_tensor(patches_u8)
    out = []
    for i in range(0, len(data), batch_size):
        x = to_input(data[i : i + batch_size].to(device))
        out.append(vessel_probability(dcnet(x).float()).cpu())
    dcnet.train(was_training)
    return torch.cat(out).numpy() if out else np.zeros(0, np.float32)


def validation_auc(dcnet: DCNet, val: ValidationSet) -> float:
    """ROC AUC (scikit-learn) of the DC net's vessel score on the validation pixels."""
    if val.is_vessel.all() or not val.is_vessel.any():
        return float("nan")
    return float(roc_auc_score(val.is_vessel, score_patches(dcnet, val.patches)))


# --- the run -----------------------------------------------------------------------------------


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


def build_state(config: TrainConfig, device: torch.device) -> RunState:
    """Fresh networks and optimisers, seeded from ``config.seed``."""
    torch.manual_seed(config.seed)
    n_out = K + 1 if config.method == "gan" else K
    dcnet = DCNet(n_out, width=config.width, norm=config.norm).to(device)
    generator = Generator(config.g_width).to(device) if config.method == "gan" else None
    step = max(1, round(config.decay_every_epochs * config.iterations_per_epoch))

    def adam(params):
        return torch.optim.Adam(params, lr=config.lr, betas=config.betas)

    opt_d = adam(dcnet.parameters())
    opt_g = adam(generator.parameters()) if generator is not None else None
    sched_d = torch.optim.lr_scheduler.StepLR(opt_d, step, gamma=config.lr_decay)
    sched_g = torch.optim.lr_scheduler.StepLR(opt_g, step, gamma=config.lr_decay) if opt_g else None
    rng = torch.Generator().manual_seed(config.seed)
    order = torch.randperm(config.n_patches, generator=rng)
    return RunState(0, dcnet, generator, opt_d, opt_g, sched_d, sched_g, rng, order, 0, 0.0)


def _state_dict(state: RunState, config: TrainConfig) -> dict:
    def sd(x):
        return x.state_dict() if x is not None else None

    return {
        "format": 1,
        "config": config.to_json(),
        "iteration": state.iteration,
        "dcnet": sd(state.dcnet),
        "generator": sd(state.generator),
        "opt_d": sd(state.opt_d),
        "opt_g": sd(state.opt_g),
        "sched_d": sd(state.sched_d),
        "sched_g": sd(state.sched_g),
        "rng": state.rng.get_state(),
        "order": state.order,
        "position": state.position,
        "elapsed": state.elapsed,
    }


def save_checkpoint(path: Path, state: RunState, config: TrainConfig) -> None:
    """Write atomically: serialise to memory, write a temporary file with its SHA-256, rename."""
    buf = io.BytesIO()
    torch.save(_state_dict(state, config), buf)
    payload = buf.getvalue()
    digest = hashlib.sha256(payload).hexdigest()
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(digest.encode() + b"\n" + payload)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_checkpoint(path: Path, map_location: str | torch.device = "cpu") -> dict:
    """Load a checkpoint after checking its SHA-256; a damaged file is reported, never loaded."""
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise DataError(f"{path}: cannot read the checkpoint ({err})") from err
    digest, sep, payload = raw.partition(b"\n")
    if not sep or hashlib.sha256(payload).hexdigest().encode() != digest:
        raise DataError(f"{path}: checkpoint is corrupted (SHA-256 mismatch); it was not loaded")
    return torch.load(io.BytesIO(payload), map_location=map_location, weights_only=False)


def load_state(ckpt: dict, config: TrainConfig, device: torch.device) -> RunState:
    state = build_state(config, device)
    state.dcnet.load_state_dict(ckpt["dcnet"])
    state.opt_d.load_state_dict(ckpt["opt_d"])
    state.sched_d.load_state_dict(ckpt["sched_d"])
    if state.generator is not None:
        state.generator.load_state_dict(ckpt["generator"])
        state.opt_g.load_state_dict(ckpt["opt_g"])
        state.sched_g.load_state_dict(ckpt["sched_g"])
    state.rng.set_state(ckpt["rng"])
    state.order = ckpt["order"]
    state.position = ckpt["position"]
    state.iteration = ckpt["iteration"]
    state.elapsed = ckpt["elapsed"]
    return state


def load_dcnet(path: str | os.PathLike, device: str | torch.device = "cpu") -> DCNet:
    """The trained DC net of a checkpoint (or of a run folder), in eval mode."""
    path = Path(path)
    if path.is_dir():
        path = path / CHECKPOINT
    ckpt = read_checkpoint(path, device)
    config = TrainConfig.from_json(ckpt["config"])
    n_out = K + 1 if config.method == "gan" else K
    dcnet = DCNet(n_out, width=config.width, norm=config.norm).to(device)
    dcnet.load_state_dict(ckpt["dcnet"])
    return dcnet.eval()


def next_batch(state: RunState, batch_size: int) -> torch.Tensor:
    """Indices of the next mini-batch; a new permutation starts each epoch (drawn from ``rng``)."""
    n = len(state.order)
    if state.position + batch_size > n:
        state.order = torch.randperm(n, generator=state.rng)
        state.position = 0
    idx = state.order[state.position : state.position + batch_size]
    state.position += batch_size
    return idx


class Interval:
    """Running means of the per-iteration metrics between two history lines."""

    KEYS = ("L_c", "L_adv", "L_G", "real_acc", "fake_detect")

    def __init__(self) -> None:
        self.sums = {k: 0.0 for k in self.KEYS}
        self.counts = {k: 0 for k in self.KEYS}
        self.n = 0
        self.patches = 0
        self.seconds = 0.0

    def add(self, metrics: dict[str, torch.Tensor], patches: int, seconds: float) -> None:
        for k, v in metrics.items():
            self.sums[k] += float(v)
            self.counts[k] += 1
        self.n += 1
        self.patches += patches
        self.seconds += seconds

    def means(self) -> dict[str, float | None]:
        # a metric the method does not have (L_adv of the CNN) is None, not 0
        return {k: (self.sums[k] / self.counts[k] if self.counts[k] else None) for k in self.KEYS}


def train_step(
    state: RunState, config: TrainConfig, x: torch.Tensor, y: torch.Tensor
) -> dict[str, torch.Tensor]:
    """One iteration: the DC step (L_c [+ L_adv]) then, for the GAN, the G step (L_G)."""
    device = x.device
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=config.bf16)
    dcnet, generator = state.dcnet, state.generator
    metrics: dict[str, torch.Tensor] = {}
    with autocast:
        logits_real = dcnet(x).float()
        l_c = loss_classification(logits_real, y)
        loss_d = l_c
        if generator is not None:
            z = torch.randn(len(x), NOISE_DIM, generator=state.rng).to(device)
            with torch.no_grad():
                fake = generator(z)
            logits_fake = dcnet(fake).float()
            l_adv = loss_adversarial(logits_fake)
            loss_d = l_c + l_adv
    state.opt_d.zero_grad(set_to_none=True)
    loss_d.backward()
    state.opt_d.step()
    metrics["L_c"] = l_c.detach()
    metrics["real_acc"] = (logits_real[:, :K].argmax(1) == y).float().mean().detach()
    if generator is not None:
        metrics["L_adv"] = l_adv.detach()
        metrics["fake_detect"] = (logits_fake.argmax(1) == FAKE).float().mean().detach()
        z = torch.randn(len(x), NOISE_DIM, generator=state.rng).to(device)
        dcnet.requires_grad_(False)  # the G step needs gradients through D, not for D's weights
        with autocast:
            l_g = loss_generator(dcnet(generator(z)).float())
        state.opt_g.zero_grad(set_to_none=True)
        l_g.backward()
        dcnet.requires_grad_(True)
        state.opt_g.step()
        state.sched_g.step()
        metrics["L_G"] = l_g.detach()
    state.sched_d.step()
    state.iteration += 1
    return metrics


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


def threads_label(k: int) -> str:
    """``"1 thread"``, ``"2 threads"``: how logs and records name the CPU threads of a run."""
    return f"{k} thread{'s' if k != 1 else ''}"


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
    run_dir = Path(run_dir)
    dev = resolve_device(device)
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        probe = run_dir / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as err:
        raise ConfigError(f"--out {run_dir}: not writable ({err.strerror or err})") from err
    ckpt_path = run_dir / CHECKPOINT
    config_path = run_dir / "config.json"
    history_path = run_dir / "history.jsonl"
    if ckpt_path.exists() and not resume:
        raise ConfigError(f"--out {run_dir} already holds a run: pass --resume or another --out")
    if resume and ckpt_path.exists():
        saved = TrainConfig.from_json(json.loads(config_path.read_text()))
        if saved != config:
            diff = {
                k: (v, getattr(config, k))
                for k, v in asdict(saved).items()
                if getattr(config, k) != v
            }
            raise ConfigError(f"--resume with a different configuration than {config_path}: {diff}")
        state = load_state(read_checkpoint(ckpt_path, dev), config, dev)
        _truncate_history(history_path, state.iteration)
        log(f"resuming {run_dir} at iteration {state.iteration}/{config.total_iterations}")
    else:
        state = build_state(config, dev)
        _atomic_write(config_path, json.dumps(config.to_json(), indent=2))
        history_path.write_text("")
    n_threads = torch.get_num_threads() if dev.type == "cpu" else None
    log(
        f"training {config.method.upper()} on {config.data}: {config.n_patches} patches, "
        f"{config.total_iterations} iterations, device {dev}"
        + (f" ({threads_label(n_threads)})" if n_threads else "")
        + (", bf16" if config.bf16 else "")
    )

    patches = torch.from_numpy(data.patches.patches).to(dev)
    labels = torch.from_numpy(class_index(data.patches.labels.astype(np.int64))).to(dev)
    fixed_noise = torch.randn(
        config.n_samples, NOISE_DIM, generator=torch.Generator().manual_seed(config.seed + 10_007)
    ).to(dev)
    (run_dir / "samples").mkdir(exist_ok=True)
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
                means = interval.means()
                line = {
                    "iteration": state.iteration,
                    "epoch": state.iteration / config.iterations_per_epoch,
                    "lr": state.opt_d.param_groups[0]["lr"],
                    **means,
                    "val_auc": validation_auc(state.dcnet, data.validation),
                    "patches_per_s": interval.patches / max(interval.seconds, 1e-9),
                    "elapsed_s": state.elapsed,
                }
                if state.generator is not None:
                    _save_samples(state.generator, fixed_noise, run_dir, state.iteration)
                with open(history_path, "a") as fh:
                    fh.write(json.dumps(line) + "\n")
                save_checkpoint(ckpt_path, state, config)
                collapse = detect_collapse(read_history(run_dir)[-COLLAPSE_WINDOW:])
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
    return ckpt_path


@torch.inference_mode()
def _save_samples(generator: Generator, noise: torch.Tensor, run_dir: Path, iteration: int) -> None:
    was_training = generator.training
    generator.eval()
    fake = generator(noise).float().cpu().numpy()[:, 0]
    generator.train(was_training)
    samples = np.round((fake + 1.0) * 127.5).clip(0, 255).astype(np.uint8)
    path = run_dir / "samples" / f"iter_{iteration:07d}.npy"
    tmp = path.with_name(path.name + ".tmp.npy")
    np.save(tmp, samples)
    os.replace(tmp, path)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _truncate_history(path: Path, iteration: int) -> None:
    """Drop history lines written after the checkpoint (a run killed between the two writes)."""
    if not path.exists():
        return
    lines = [ln for ln in path.read_text().splitlines() if ln.strip()]
    kept = [ln for ln in lines if json.loads(ln)["iteration"] <= iteration]
    _atomic_write(path, "".join(ln + "\n" for ln in kept))


def read_history(run_dir: str | os.PathLike) -> list[dict]:
    """The history lines of a run."""
    path = Path(run_dir) / "history.jsonl"
    return [json.loads(ln) for ln in path.read_text().splitlines() if ln.strip()]
