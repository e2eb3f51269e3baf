"""Everything that determines a run (:class:`TrainConfig`) — seed slide "Training Details".

> ADAM optimizer for both the G and DC net. Slope of leaky ReLU = 0.1. Initial learning rate =
> 10^-4 (for both G and DC). Decay factor of 0.8 after every 20 epochs. Mini-batch size of 64.

The named profiles that fill it in are in :mod:`ganseg_lib.train.profiles`.

Errors name the field (``n_patches must be …``); the command line maps fields to its flags.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import asdict, dataclass

from ganseg_lib.data.source import DATA_SOURCES
from ganseg_lib.deviations import declare, deviation
from ganseg_lib.errors import ConfigError, require_int
from ganseg_lib.model.networks import G_ARCHS, NORMS
from ganseg_lib.paper import (
    BATCH_SIZE,
    DECAY_EVERY_EPOCHS,
    LEARNING_RATE,
    LR_DECAY,
)
from ganseg_lib.train.methods import CLASSIFICATIONS, G_LOSSES, METHODS, PROTOCOLS, Method

STEPS = ("fused", "replication")  # the training iteration, see ganseg_lib.train.step
UNLABELLED_POOL = 50_000  # unlabelled FOV patches of the training images (ssgan)

ADAM_BETAS = deviation(
    (0.5, 0.999),
    aspect="Adam betas",
    paper="not given",
    ours="{value} for both networks and both methods",
    reason="β1 = 0.5 is the DCGAN value (the default 0.9 oscillates in adversarial training); "
    "the CNN uses the same so that only the generator differs",
)


# What the generator check found that the GAN-CNN's generator needs to learn the patches
# (results/generator, ganseg_lib.experiment.generator_suspects): the DC loss's real-data term, a
# DC net without normalisation (its final instance norm hid the generator's grain), batch norm
# with resize-convolutions in G, and DCGAN's learning rate 2e-4 for both networks (at the
# slides' 1e-4 no vessel shows within the cpu budget). A comparison gives its CNN the same DC net
# and optimiser (experiment.grid drops the fields that a method cannot take).
GENERATOR_FIX = {"real_not_fake": True, "norm": "none", "g_arch": "bnresize", "lr": 2e-4}
declare(
    aspect="the generator check's fix (option)",
    paper="not stated (lr 1e-4 for both networks; instance norm in both)",
    ours='in the replication\'s re-run and the GAN arms of the study "Fewer labels": the '
    "DC loss's real-data term, a DC net without normalisation, G with batch norm and "
    "resize-convolutions, lr 2e-4 for both networks (the re-run's CNN gets the same DC net "
    "and optimiser)",
    reason="without it the generator never drew a vessel: the DC net called every patch fake, "
    "and its final instance norm hid the generator's grain; at lr 1e-4 no vessel showed within "
    "5,000 iterations (results/generator)",
)

# The generator that passed the check (results/generator, fix+flips+pixel_noise+dc_width32+
# spectral): the fix, G with per-pixel noise, the fakes flipped at random before the DC net,
# and one more G update per iteration on the spectral term. Its DC net had width 32: the
# "cpu-dc32" profile (train.profiles) runs it on the cpu budget.
WORKING_GENERATOR = GENERATOR_FIX | {
    "g_arch": "bnresize-noise",
    "fake_flips": True,
    "spectral_weight": 1.0,
}
declare(
    aspect="the working generator (option)",
    paper="not stated",
    ours="in the replication's second re-run: the fix, per-pixel noise in G, random flips of "
    "the fakes, a spectral term for G (weight 1) and a DC net of width 32 (the CNN's too)",
    reason="the first generator that passed the check, in a short run (diversity ratio 0.87, "
    "two-sample accuracy 0.92, vessels; seed 0; results/generator)",
)


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
    batch_size: int = BATCH_SIZE
    lr: float = LEARNING_RATE
    lr_decay: float = LR_DECAY
    decay_every_epochs: float = DECAY_EVERY_EPOCHS
    betas: tuple[float, float] = ADAM_BETAS
    eval_every: int = 100  # iterations between history lines, validation and checkpoints
    n_validation_pixels: int = 4096
    n_samples: int = 16  # fixed-noise generator samples saved per interval
    bf16: bool = False  # bfloat16 autocast (mixed precision) on a CPU or a GPU
    protocol: str = "paper"  # "paper", or "fair": augmentation and best-validation checkpoint
    g_loss: str | None = None  # generator objective; None: the method's default
    n_unlabelled: int = 0  # unlabelled real patches (methods that learn from them)
    # L_c over the K real classes ("conditional", the replication's reading of the slide) or
    # over all K+1 outputs ("joint", Odena 2016), for the DC nets with a fake class
    classification: str = "conditional"
    # the DC net also learns its labelled real patches as "not fake", −E_x log(1 − p_DC(fake | x))
    # (adversarial methods; False: the replication's DC loss, L_c + L_adv)
    real_not_fake: bool = False
    # the weight of the unsupervised terms of the DC loss (L_adv [+ L_unl] [+ the real-data
    # term]) against L_c: Salimans et al. (2016)'s unlabeled_weight; 1: the paper's sum
    adv_weight: float = 1.0
    # the generator's architecture (networks.G_ARCHS): "paper", the slide's; "bnresize", batch
    # norm and resize-convolutions, the fix that the generator check found (results/generator)
    g_arch: str = "paper"
    # the fakes flipped at random before the DC net sees them (train.augment.random_flips)
    fake_flips: bool = False
    # > 0: one more G update per iteration on this × the spectral term (model.spectrum)
    spectral_weight: float = 0.0
    # the training iteration (ganseg_lib.train.step): "fused", or "replication", the step
    # that made the replication's committed cpu records on DRIVE
    step: str = "fused"

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ConfigError(
                f"method must be one of {tuple(METHODS)}, got {self.method!r}", "method"
            )
        if self.protocol not in PROTOCOLS:
            raise ConfigError(
                f"protocol must be one of {PROTOCOLS}, got {self.protocol!r}", "protocol"
            )
        if self.g_loss is not None and self.g_loss not in G_LOSSES:
            raise ConfigError(f"g_loss must be one of {G_LOSSES}, got {self.g_loss!r}", "g_loss")
        if self.classification not in CLASSIFICATIONS:
            raise ConfigError(
                f"classification must be one of {CLASSIFICATIONS}, got {self.classification!r}",
                "classification",
            )
        if self.classification == "joint" and not self.spec.adversarial:
            raise ConfigError(
                "classification: the joint L_c needs a fake class (an adversarial method)",
                "classification",
            )
        if self.step not in STEPS:
            raise ConfigError(f"step must be one of {STEPS}, got {self.step!r}", "step")
        if self.step == "replication" and (
            self.method not in ("gan", "cnn")
            or self.protocol != "paper"
            or self.classification != "conditional"
            or self.real_not_fake
            or self.adv_weight != 1.0
            or self.bf16
            or self.g_arch != "paper"
            or self.fake_flips
            or self.spectral_weight
        ):
            raise ConfigError(
                "step: the replication's step trains the paper-protocol GAN-CNN and CNN only "
                "(conditional L_c, no real-data term, weight 1, no bf16, the slide's generator)",
                "step",
            )
        if self.adv_weight != 1.0 and not (self.spec.adversarial and self.adv_weight > 0):
            raise ConfigError(
                "adv_weight: a weight other than 1 needs a fake class and must be > 0, got "
                f"{self.adv_weight!r}",
                "adv_weight",
            )
        if self.real_not_fake and not self.spec.adversarial:
            raise ConfigError(
                "real_not_fake: the real-data term needs a fake class (an adversarial method)",
                "real_not_fake",
            )
        if self.spec.unlabelled:
            require_int("n_unlabelled", self.n_unlabelled, 1)
        elif self.n_unlabelled:
            raise ConfigError(f"n_unlabelled: method {self.method} uses no unlabelled data")
        if self.g_arch not in G_ARCHS:
            raise ConfigError(f"g_arch must be one of {G_ARCHS}, got {self.g_arch!r}", "g_arch")
        if self.g_arch != "paper" and not self.spec.has_generator:
            raise ConfigError(f"g_arch: method {self.method} has no generator", "g_arch")
        for name in ("fake_flips", "spectral_weight"):
            if getattr(self, name) and not self.spec.trains_generator:
                raise ConfigError(f"{name}: method {self.method} trains no generator", name)
        if not self.spectral_weight >= 0:
            raise ConfigError(
                f"spectral_weight must be >= 0, got {self.spectral_weight}", "spectral_weight"
            )
        if self.norm not in NORMS:
            raise ConfigError(f"norm must be one of {NORMS}, got {self.norm!r}", "norm")
        if self.data not in DATA_SOURCES:
            raise ConfigError(f"data must be one of {DATA_SOURCES}, got {self.data!r}", "data")
        require_int("n_patches", self.n_patches, 2)
        if (self.iterations is None) == (self.epochs is None):
            raise ConfigError("give exactly one of iterations and epochs", "iterations")
        if self.iterations is not None:
            require_int("iterations", self.iterations, 1)
        if self.epochs is not None and not self.epochs > 0:
            raise ConfigError(f"epochs must be > 0, got {self.epochs}", "epochs")
        for name in ("width", "g_width", "batch_size", "eval_every", "n_validation_pixels"):
            require_int(name, getattr(self, name), 1)
        if not self.lr > 0:
            raise ConfigError(f"lr must be > 0, got {self.lr}", "lr")

    @property
    def spec(self) -> Method:
        return METHODS[self.method]

    @property
    def generator_loss(self) -> str:
        return self.g_loss or self.spec.default_g_loss

    @property
    def arm(self) -> str:
        """The method with whatever sets it apart from the paper's protocol: ``gan``,
        ``gan-fair-lr0.0003-b0.9``, ``ssgan-fair-lr0.0001-b0.5-gpaper``."""
        name = self.method
        if self.protocol != "paper":
            name += f"-{self.protocol}"
        if self.protocol != "paper" or (self.lr, self.betas) != (LEARNING_RATE, ADAM_BETAS):
            name += f"-lr{self.lr:g}-b{self.betas[0]:g}"
        if self.g_loss is not None and self.g_loss != self.spec.default_g_loss:
            name += f"-g{self.g_loss}"
        if self.adv_weight != 1.0:
            name += f"-w{self.adv_weight:g}"
        # (the step variant is not in the name: a record made by another step is not current)
        if self.spec.unlabelled and self.n_unlabelled != UNLABELLED_POOL:
            name += f"-u{self.n_unlabelled}"
        if self.g_arch != "paper":
            name += f"-G{self.g_arch}"
        if self.fake_flips:
            name += "-flips"
        if self.spectral_weight:
            name += f"-spec{self.spectral_weight:g}"
        return name + variant_suffix(self.classification, self.norm, self.real_not_fake)

    @property
    def cell(self) -> str:
        """The run's name in a grid, shared by its run folder and its record: ``gan-n15000-s0``."""
        return cell_name(self.arm, self.n_patches, self.seed)

    @property
    def adversarial(self) -> bool:
        """Whether the DC net has the (K+1)-th, fake class."""
        return self.spec.adversarial

    @property
    def decay_step(self) -> int:
        """Iterations between two learning-rate decays (every ``decay_every_epochs`` epochs)."""
        return max(1, round(self.decay_every_epochs * self.iterations_per_epoch))

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


def field_default(name: str):
    """The default of a :class:`TrainConfig` field (the command line's defaults come from here)."""
    return {f.name: f.default for f in dataclasses.fields(TrainConfig)}[name]


def variant_suffix(
    classification: str = "conditional", norm: str = "final", real_not_fake: bool = False
) -> str:
    """What sets a run's DC net apart from the replication's: ``-lcjoint`` (the K+1-way reading
    of L_c), ``-norminstance`` (instance norm after every convolution), ``-realnotfake`` (the
    real-data term in the DC loss); empty for none."""
    suffix = f"-lc{classification}" if classification != "conditional" else ""
    suffix += f"-norm{norm}" if norm != "final" else ""
    return suffix + ("-realnotfake" if real_not_fake else "")


def cell_name(arm: str, n_patches: int, seed: int) -> str:
    """``gan-n15000-s0``: an (arm, labelled patches, seed) cell of a grid."""
    return f"{arm}-n{n_patches}-s{seed}"
