"""Named run profiles: which data, budget, widths and seeds a replication uses.

* ``smoke`` — DRIVE when found, else the phantom; tiny networks, 60 iterations, 4 test images:
  builds the whole book in minutes on 2 CPU cores (CI builds the book with it). Its numbers show
  that the pipeline works, not what the method achieves.
* ``cpu`` — DRIVE at a budget that a 2-core CPU finishes in hours: DC net and generator of width
  16, 5,000 iterations of mini-batch 64 per run (320K labelled patches seen: ~21 epochs of 15K,
  ~11 of 30K, ~2 of 150K), 5 seeds.
* ``paper`` — DRIVE with the slides' hyper-parameters and width 32, 60 epochs per run (the
  learning rate decays by 0.8 at epochs 20 and 40), 5 seeds; meant for a GPU.

The paper does not state its number of epochs, its layer widths or its number of repetitions.
"""

from __future__ import annotations

from dataclasses import dataclass

from ganseg_lib.errors import ConfigError
from ganseg_lib.train.training import TrainConfig

PAPER_SIZES = (15_000, 30_000, 150_000)
METHODS = ("gan", "cnn")


@dataclass(frozen=True)
class Profile:
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
    n_test_images: int | None = None  # None: all 20
    n_validation_images: int | None = None  # None: all 4

    def config(self, method: str, n_patches: int, seed: int, data: str) -> TrainConfig:
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
        n_test_images=4,
        n_validation_images=2,
    ),
    "cpu": Profile("cpu", data="drive", iterations=5_000, width=16, g_width=16, eval_every=250),
    "paper": Profile("paper", data="drive", epochs=60, width=32, g_width=32, eval_every=500),
}


def get_profile(name: str) -> Profile:
    if name not in PROFILES:
        raise ConfigError(f"--profile must be one of {sorted(PROFILES)}, got {name!r}")
    return PROFILES[name]
