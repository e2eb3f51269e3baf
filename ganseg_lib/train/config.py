"""Everything that determines a run (:class:`TrainConfig`) and the named profiles that fill it in
(:data:`PROFILES`) — seed slide "Training Details".

> ADAM optimizer for both the G and DC net. Slope of leaky ReLU = 0.1. Initial learning rate =
> 10^-4 (for both G and DC). Decay factor of 0.8 after every 20 epochs. Mini-batch size of 64.

Profiles:

* ``smoke`` — DRIVE when found, else the phantom; tiny networks, 60 iterations, 4 test images:
  builds the whole book in minutes on 2 CPU cores (CI builds the book with it). Its numbers show
  that the pipeline works, not what the method achieves.
* ``cpu`` — DRIVE at a budget that a 2-core CPU finishes in hours: DC net and generator of width
  16, 5,000 iterations of mini-batch 64 per run (320K labelled patches seen: ~21 epochs of 15K,
  ~11 of 30K, ~2 of 150K), 5 seeds. The records in ``results/cpu/drive`` were made with it.
* ``paper`` — DRIVE with the slides' hyper-parameters and width 32, 60 epochs per run (the
  learning rate decays by 0.8 at epochs 20 and 40), 5 seeds; meant for a GPU. It keeps our one
  architectural deviation (a single final instance norm, ``norm="final"``).

Errors name the field (``n_patches must be …``); the command line maps fields to its flags.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from ganseg_lib.data.source import DATA_SOURCES
from ganseg_lib.deviations import declare, deviation
from ganseg_lib.errors import ConfigError, require_int
from ganseg_lib.paper import (
    BATCH_SIZE,
    DECAY_EVERY_EPOCHS,
    LEARNING_RATE,
    LR_DECAY,
    PAPER_SIZES,
)
from ganseg_lib.train.methods import CLASSIFICATIONS, G_LOSSES, METHODS, PROTOCOLS, Method

STEPS = ("fused", "replication")  # the training iteration, see ganseg_lib.train.step
NORMS = ("final", "instance")  # DC net normalisation, see ganseg_lib.model.networks.DCNet

ADAM_BETAS = deviation(
    (0.5, 0.999),
    aspect="Adam betas",
    paper="not given",
    ours="{value} for both networks and both methods",
    reason="β1 = 0.5 is the DCGAN value (the default 0.9 oscillates in adversarial training); "
    "the CNN uses the same so that only the generator differs",
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
        ):
            raise ConfigError(
                "step: the replication's step trains the paper-protocol GAN-CNN and CNN only "
                "(conditional L_c, no real-data term, weight 1, no bf16)",
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


declare(
    aspect="layer sizes and widths",
    paper="not given (deconvolutions / convolutions, instance norm, (L)ReLU)",
    ours=lambda p: (
        "DCGAN-style kernel 4, stride 2, channels doubling with depth; DC net width "
        f"{p.width}, generator width {p.g_width}; tanh output, DCGAN initialisation"
    ),
    reason="the standard architecture family the paper builds on (Radford et al. 2016); widths "
    "fit the profile's compute",
)
declare(
    aspect="training budget",
    paper="not given (learning rate × 0.8 every 20 epochs)",
    ours=lambda p: p.budget_text(),
    reason="what the profile's hardware finishes; the paper states no number of epochs",
)
declare(
    aspect="epochs differ between dataset sizes",
    paper="not given (presumably the same number of epochs at every size)",
    ours=lambda p: p.epochs_text(),
    reason="a fixed iteration budget gives every size the same compute; it also confounds the "
    "dataset size with the number of epochs, so that a small set is seen many more times",
)
declare(
    aspect="learning-rate decay",
    paper="× 0.8 after every 20 epochs",
    ours=lambda p: p.decay_text(),
    reason="the slides' schedule applied per epoch of the labelled patches; with a fixed "
    "iteration budget it fires a different number of times per size",
)
declare(
    aspect="repetitions",
    paper="not given",
    ours=lambda p: (
        f"{len(p.seeds)} seeds per size and method (seed = patch sample and initialisation)"
    ),
    reason="a Welch test needs repetitions; seeds are the unit of our tests",
)


def _plain(overrides: dict) -> bool:
    """Whether a profile run's overrides keep the paper's protocol and DC loss (the runs that a
    profile's other step variant made)."""
    return all(overrides.get(k, field_default(k)) == field_default(k) for k in _LOSS_FIELDS)


_LOSS_FIELDS = ("protocol", "classification", "real_not_fake", "adv_weight", "norm", "bf16")


@dataclass(frozen=True)
class Profile:
    """A named set of runs: data, budget, widths, seeds and the evaluation's test images."""

    name: str
    data: str | None  # None: DRIVE when found, else the phantom
    sizes: tuple[int, ...] = PAPER_SIZES
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    iterations: int | None = None
    epochs: float | None = None
    width: int = 32
    g_width: int = 32
    eval_every: int = 250
    n_validation_pixels: int = 4096
    n_test_images: int | None = None  # None: all
    n_validation_images: int | None = None  # None: all 4
    # (data source, step variant) where the profile's evidence was made by another step than
    # "fused": the cpu profile's DRIVE records by the replication's step
    steps: tuple[tuple[str, str], ...] = ()

    def step_for(self, data: str, method: str) -> str:
        """The step variant of this profile's runs of ``method`` on ``data``."""
        step = dict(self.steps).get(data, "fused")
        return step if method in ("gan", "cnn") else "fused"

    def config(self, method: str, n_patches: int, seed: int, data: str, **overrides) -> TrainConfig:
        """A run of this profile; ``overrides`` set other fields (protocol, lr, ...). A method
        that learns from unlabelled patches gets a pool of :data:`UNLABELLED_POOL` by default."""
        if METHODS[method].unlabelled:
            overrides = {"n_unlabelled": UNLABELLED_POOL} | overrides
        if self.step_for(data, method) != "fused" and _plain(overrides):
            overrides = {"step": self.step_for(data, method)} | overrides
        return TrainConfig(
            method=method,
            data=data,
            n_patches=n_patches,
            seed=seed,
            iterations=self.iterations,
            epochs=self.epochs,
            width=self.width,
            g_width=self.g_width,
            eval_every=self.eval_every,
            n_validation_pixels=self.n_validation_pixels,
            **overrides,
        )

    def budget_text(self) -> str:
        if self.iterations:
            return (
                f"profile {self.name}: {self.iterations:,} iterations of mini-batch {BATCH_SIZE} "
                f"per run, learning rate × {LR_DECAY} every {DECAY_EVERY_EPOCHS:g} epochs"
            )
        return f"profile {self.name}: {self.epochs:g} epochs per run"

    def epochs_text(self, sizes: Sequence[int] | None = None) -> str:
        """Epochs of the labelled patches per size under this profile's budget (``sizes``: those
        sizes instead of the profile's, e.g. a study plan's)."""
        return f"profile {self.name}: epochs per run " + self._per_size(
            lambda c: f"{c.total_iterations / c.iterations_per_epoch:.1f}", sizes
        )

    def decay_text(self, sizes: Sequence[int] | None = None) -> str:
        """How many times the learning rate decays in a run, per size (StepLR steps once per
        iteration, so the last iteration runs at lr × decay^⌊(iterations − 1) / step⌋)."""
        return f"profile {self.name}: the decay fires " + self._per_size(
            lambda c: f"{(c.total_iterations - 1) // c.decay_step}×", sizes
        )

    def _per_size(self, describe, sizes: Sequence[int] | None = None) -> str:
        return ", ".join(
            f"{describe(self.config('cnn', n, self.seeds[0], 'phantom'))} at {n:,}"
            for n in (self.sizes if sizes is None else sizes)
        )


PROFILES = {
    "smoke": Profile(
        "smoke",
        data=None,
        seeds=(0, 1),
        iterations=60,
        width=8,
        g_width=8,
        eval_every=20,
        n_validation_pixels=1024,
        n_test_images=deviation(
            4,
            aspect="test images (smoke profile)",
            paper="20",
            ours="the first {value} test images and 2 validation images in the smoke profile",
            reason="keeps the smoke profile, which only checks the pipeline, to minutes",
        ),
        n_validation_images=2,
    ),
    "cpu": Profile(
        "cpu",
        data="drive",
        iterations=5_000,
        width=16,
        g_width=16,
        eval_every=250,
        steps=(("drive", "replication"),),  # its DRIVE records; CHASE_DB1's ran the fused step
    ),
    "paper": Profile("paper", data="drive", epochs=60, width=32, g_width=32, eval_every=500),
    # the study "Beyond the paper" (ganseg_lib.experiment.study): the cpu budget and widths
    "study": Profile("study", data="drive", iterations=5_000, width=16, g_width=16, eval_every=250),
    # the study "Fewer labels" (ganseg_lib.experiment.fewer_labels): the same budget and widths,
    # fewer labelled patches, new seeds (the earlier profiles use 0–4)
    "scarce": Profile(
        "scarce",
        data="drive",
        sizes=(300, 1_000, 3_000),
        seeds=tuple(range(100, 108)),
        iterations=5_000,
        width=16,
        g_width=16,
        eval_every=250,
    ),
}
UNLABELLED_POOL = 50_000  # unlabelled FOV patches of the training images (ssgan)
EVIDENCE_PROFILE = "cpu"  # the profile of the committed DRIVE records


def get_profile(name: str) -> Profile:
    if name not in PROFILES:
        raise ConfigError(f"profile must be one of {sorted(PROFILES)}, got {name!r}", "profile")
    return PROFILES[name]
