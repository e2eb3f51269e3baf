"""The named profiles that fill in a :class:`~ganseg_lib.train.config.TrainConfig`
(:data:`PROFILES`), and the deviations that a profile's budget makes.

* ``smoke`` — DRIVE when found, else the phantom; tiny networks, 60 iterations, 4 test images:
  builds the whole book in minutes on 2 CPU cores (CI builds the book with it). Its numbers show
  that the pipeline works, not what the method achieves.
* ``cpu`` — DRIVE at a budget that a 2-core CPU finishes in hours: DC net and generator of width
  16, 5,000 iterations of mini-batch 64 per run (320K labelled patches seen: ~21 epochs of 15K,
  ~11 of 30K, ~2 of 150K), 5 seeds. The records in ``results/cpu/drive`` were made with it.
* ``paper`` — DRIVE with the slides' hyper-parameters and width 32, 60 epochs per run (the
  learning rate decays by 0.8 at epochs 20 and 40), 5 seeds; meant for a GPU. It keeps our one
  architectural deviation (a single final instance norm, ``norm="final"``).
* ``study`` and ``scarce`` — the studies "Beyond the paper" and "Fewer labels";
  ``scarce-dc32`` — the second registration of "Fewer labels" (the generator that passed the
  check, with the DC net of width 32 it passed with).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ganseg_lib.deviations import declare, deviation
from ganseg_lib.errors import ConfigError
from ganseg_lib.paper import BATCH_SIZE, DECAY_EVERY_EPOCHS, LR_DECAY, PAPER_SIZES
from ganseg_lib.train.config import METHODS, UNLABELLED_POOL, TrainConfig, field_default

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


_LOSS_FIELDS = (
    "protocol",
    "classification",
    "real_not_fake",
    "adv_weight",
    "norm",
    "bf16",
    "g_arch",
    "fake_flips",
    "spectral_weight",
)


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
    # the replication's second re-run, with the working generator (config.WORKING_GENERATOR):
    # the cpu budget and generator width, the DC net of width 32 that the generator passed with
    "cpu-dc32": Profile(
        "cpu-dc32", data="drive", iterations=5_000, width=32, g_width=16, eval_every=250
    ),
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
# the second registration of "Fewer labels" (ganseg_lib.experiment.fewer_labels_passing): the
# scarce budget, sizes and seeds with the DC net of width 32 that the working generator passed
# the check with (G width 16, as in cpu-dc32)
PROFILES["scarce-dc32"] = replace(PROFILES["scarce"], name="scarce-dc32", width=32)
EVIDENCE_PROFILE = "cpu"  # the profile of the committed DRIVE records


def get_profile(name: str) -> Profile:
    if name not in PROFILES:
        raise ConfigError(f"profile must be one of {sorted(PROFILES)}, got {name!r}", "profile")
    return PROFILES[name]
