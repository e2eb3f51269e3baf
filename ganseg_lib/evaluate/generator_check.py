"""Did the generator learn? Its samples measured against real patches of held-out training images.

The paper shows no generated patch and no measure of G. The book's reading of the adversarial
result rests on whether G made patches like the data, so each generator is checked by three
things, with a fixed pass rule:

* **diversity ratio** — the mean pairwise L2 distance between N generated patches divided by the
  same between N real patches (:func:`diversity_ratio`). 0 means every sample is the same patch
  (mode collapse); about 1 means the samples differ from each other as much as real patches do;
  well above 1, that they are noisier than the data (the two-sample test then catches them).
* **two-sample accuracy** — the held-out accuracy of a classifier told to tell generated from real
  patches (a classifier two-sample test, Lopez-Paz & Oquab 2017;
  :mod:`ganseg_lib.evaluate.two_sample`).
  The classifier is scikit-learn's ``HistGradientBoostingClassifier`` on 27 simple features of a
  patch (``patch_features``: intensity quantiles, first and second differences, the radially
  averaged power spectrum, the centre's contrast, the darkest line); it trains on a stratified
  half and is scored on the other half. 0.5 means it cannot tell them apart; 1.0 always can.
* **vessels visible** — a person looks at the samples
  (:func:`ganseg_lib.montage.samples_beside_real` shows them beside real patches) and says whether
  dark, vessel-like lines appear.

A generator passes when diversity ratio ≥ :data:`MIN_DIVERSITY_RATIO`, two-sample accuracy ≤
:data:`MAX_TWO_SAMPLE_ACCURACY` and vessels are visible. Real patches come from the validation
images (DRIVE 37–40, never trained on) and never from the test images; they are drawn at run time
and never written into a committed file.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass

import numpy as np
import torch

from ganseg_lib.evaluate.two_sample import (
    FEATURE_GROUPS,
    feature_aucs,
    group_accuracies,
    patch_features,
    two_sample_accuracy,
    without_spectrum,
)
from ganseg_lib.model.networks import Generator
from ganseg_lib.montage import save_montage

MIN_DIVERSITY_RATIO = 0.5
MAX_TWO_SAMPLE_ACCURACY = 0.95
N_CHECK = 1000  # generated and real patches per check


@dataclass(frozen=True)
class GeneratorCheck:
    """The numbers of one generator's check (see the module docstring for each)."""

    diversity_ratio: float  # fake_distance / real_distance
    fake_distance: float  # mean pairwise L2 distance between generated patches, in [-1, 1] units
    real_distance: float  # the same between real patches
    two_sample_accuracy: float  # held-out accuracy of the generated-vs-real classifier
    n_fake: int
    n_real: int

    def passes_numbers(self) -> bool:
        """The numeric half of the pass rule (the other half is a person's look at the samples)."""
        return (
            self.diversity_ratio >= MIN_DIVERSITY_RATIO
            and self.two_sample_accuracy <= MAX_TWO_SAMPLE_ACCURACY
        )

    def passes(self, vessels_visible: bool) -> bool:
        """The pass rule: diverse enough, hard enough to tell from real, and vessels visible."""
        return self.passes_numbers() and vessels_visible

    def to_json(self) -> dict:
        return asdict(self)


def to_unit(patches: np.ndarray) -> np.ndarray:
    """uint8 patches (N, 64, 64) → float64 in [-1, 1], the networks' input range."""
    patches = np.asarray(patches)
    if patches.ndim != 3:
        raise ValueError(f"patches must have shape (N, h, w), got {patches.shape}")
    return patches.astype(np.float64) / 127.5 - 1.0


def mean_pairwise_distance(patches: np.ndarray) -> float:
    """Mean L2 distance ‖a − b‖ over all pairs a ≠ b of the (N, h, w) uint8 patches, in the
    [-1, 1] input range."""
    x = torch.from_numpy(to_unit(patches).reshape(len(patches), -1))
    if len(x) < 2:
        raise ValueError("a pairwise distance needs at least 2 patches")
    d = torch.cdist(x, x)
    # two different uint8 patches are at least 2/255 apart: anything closer is the same patch,
    # and only the rounding of cdist's matrix-product form kept it off 0
    d[d < 1e-3] = 0.0
    n = len(x)
    return float(d.sum() / (n * (n - 1)))


def diversity_ratio(fake: np.ndarray, real: np.ndarray) -> float:
    """Mean pairwise L2 distance between generated patches ÷ the same between real patches."""
    return mean_pairwise_distance(fake) / mean_pairwise_distance(real)


def seen_region(patches: np.ndarray) -> np.ndarray:
    """The part of each (N, 64, 64) patch that the DC net sees — rows and columns 0–61
    (:data:`ganseg_lib.model.dense.RECEPTIVE_FIELD`): pixels 62 and 63 never reach its output,
    so no gradient shapes them in G — edge-padded back to 64×64, for a diagnostic check of
    the generator on what it was trained through."""
    from ganseg_lib.model.dense import RECEPTIVE_FIELD

    pad = patches.shape[1] - RECEPTIVE_FIELD
    cut = np.asarray(patches)[:, :RECEPTIVE_FIELD, :RECEPTIVE_FIELD]
    return np.pad(cut, ((0, 0), (0, pad), (0, pad)), mode="edge")


def check_samples(fake: np.ndarray, real: np.ndarray, seed: int = 0) -> GeneratorCheck:
    """The check's numbers for generated and real uint8 patches (N, 64, 64)."""
    fake_d, real_d = mean_pairwise_distance(fake), mean_pairwise_distance(real)
    return GeneratorCheck(
        diversity_ratio=fake_d / real_d,
        fake_distance=fake_d,
        real_distance=real_d,
        two_sample_accuracy=two_sample_accuracy(fake, real, seed),
        n_fake=len(fake),
        n_real=len(real),
    )


def load_generator(path: str | os.PathLike, device: str | torch.device = "cpu") -> Generator:
    """The generator kept in a run's checkpoint (a run folder or its ``checkpoint.pt``), in eval
    mode; a :class:`DataError` when the run has none (the CNN, noise fakes)."""
    from pathlib import Path

    from ganseg_lib.errors import DataError
    from ganseg_lib.paper import K
    from ganseg_lib.train.checkpoint import read_checkpoint
    from ganseg_lib.train.config import TrainConfig
    from ganseg_lib.train.run_folder import RunFolder

    path = Path(path)
    if path.is_dir():
        path = RunFolder(path).checkpoint
    ckpt = read_checkpoint(path, device)
    if ckpt.get("generator") is None:
        raise DataError(f"{path}: the checkpoint keeps no generator")
    config = TrainConfig.from_json(ckpt["config"])
    generator = Generator(
        config.g_width, n_classes=K if config.spec.conditional else 0, arch=config.g_arch
    )
    generator.load_state_dict(ckpt["generator"])
    return generator.to(device).eval()


def generated_patches(generator: Generator, n: int = N_CHECK, seed: int = 0) -> np.ndarray:
    """n patches of G for noise drawn with ``seed`` (and its pixel noise, where it has one, from
    the global stream seeded alike, then restored), uint8 (N, 64, 64), made as the run's sample
    grids are (:func:`ganseg_lib.train.loop.generate_samples`)."""
    from ganseg_lib.train.loop import generate_samples

    noise = generator.sample_noise(n, torch.Generator().manual_seed(seed))
    with torch.random.fork_rng(devices=[]):  # a pixel-noise G draws from the global stream
        torch.manual_seed(seed)
        return generate_samples(generator, noise)


def validation_patches(
    data: str = "drive",
    n: int = N_CHECK,
    seed: int = 0,
    drive_dir: str | os.PathLike | None = None,
    chase_dir: str | os.PathLike | None = None,
) -> np.ndarray:
    """n real patches (half vessel, half background, as the training patches are made) of the
    validation images, the training images held out from training; never test images."""
    from ganseg_lib.data.patches import PatchParams, make_patch_set
    from ganseg_lib.data.source import load_split, split_validation

    training = load_split(data, "training", drive_dir, seed=seed, chase_dir=chase_dir)
    _, val = split_validation(training)
    return make_patch_set(val, PatchParams(n, seed), data).patches


def training_patches_check(
    data: str = "drive",
    n: int = N_CHECK,
    seed: int = 0,
    drive_dir: str | os.PathLike | None = None,
    blur_sigma: float = 0.0,
    chase_dir: str | os.PathLike | None = None,
) -> GeneratorCheck:
    """The check of a generator that drew the training patches themselves: n patches of the
    training images (the validation images held out, drawn with ``seed + 1``) against the
    validation patches of :func:`validation_patches` — the numbers a perfect generator of the
    training data would get, since training and validation images differ. ``blur_sigma`` > 0
    smooths each drawn patch by a Gaussian of that σ (pixels) first: a generator that draws the
    training data but not its finest texture. ``drive_dir``, ``chase_dir``: the data's folders
    (else ``$GANSEG_DRIVE_DIR``, ``$GANSEG_CHASE_DIR``)."""
    from scipy.ndimage import gaussian_filter

    from ganseg_lib.data.patches import PatchParams, make_patch_set
    from ganseg_lib.data.source import load_split, split_validation

    training = load_split(data, "training", drive_dir, seed=seed, chase_dir=chase_dir)
    train, _ = split_validation(training)
    drawn = make_patch_set(train, PatchParams(n, seed + 1), data).patches
    if blur_sigma > 0:
        smooth = gaussian_filter(drawn.astype(np.float64), (0, blur_sigma, blur_sigma))
        drawn = np.clip(np.rint(smooth), 0, 255).astype(np.uint8)
    return check_samples(drawn, validation_patches(data, n, seed, drive_dir, chase_dir), seed)


def check_generator(
    generator: Generator, real: np.ndarray, n: int = N_CHECK, seed: int = 0
) -> GeneratorCheck:
    """:func:`check_samples` of n patches of ``generator`` against the real patches."""
    return check_samples(generated_patches(generator, n, seed), real, seed)


def kept_samples_diversity(results_dir: os.PathLike | str, real_distance: float) -> dict[str, dict]:
    """The diversity ratio of the 8 generated patches in each row of every kept samples montage
    (``<cell>.samples.png``: one row per sample grid, evenly spread over the run, the last row at
    the run's end) under ``results_dir`` (the smoke profile's left out): each row's mean pairwise
    L2 ÷ ``real_distance``. Eight samples allow no two-sample test; a ratio near 0 shows a
    collapse, one well above 1 patches noisier than the data."""
    from pathlib import Path

    from PIL import Image

    from ganseg_lib.paper import PATCH_SIZE

    out = {}
    step = PATCH_SIZE + 2  # 2 px between the patches of a row; the rows themselves touch
    for path in sorted(Path(results_dir).glob("*/*/*.samples.png")):
        if path.parts[-3] == "smoke":  # the pipeline check's tiny networks
            continue
        image = np.asarray(Image.open(path))
        rows = []
        for top in range(0, image.shape[0], PATCH_SIZE):
            patches = np.stack(
                [
                    image[top : top + PATCH_SIZE, c : c + PATCH_SIZE]
                    for c in range(0, 8 * step, step)
                ]
            )
            rows.append(mean_pairwise_distance(patches) / real_distance)
        out[str(path.relative_to(results_dir)).removesuffix(".samples.png")] = {
            "diversity_ratio_per_row": rows,
            "final_diversity_ratio": rows[-1],
        }
    return out


def check_run(
    run_dir: os.PathLike | str, real: np.ndarray, out: os.PathLike | str, record=None
) -> dict:
    """Check the generator of a trained run folder (its last checkpoint) without training; its
    samples go to ``out/<cell>.samples.png``. ``record``: the run's record file, whose
    provenance gives the threads it trained on (None where there is none)."""
    import json
    from pathlib import Path

    from ganseg_lib.evaluate.record import read_record
    from ganseg_lib.train.config import TrainConfig
    from ganseg_lib.train.run_folder import RunFolder

    folder = RunFolder(Path(run_dir))
    config = TrainConfig.from_json(json.loads(folder.config.read_text()))
    generator = load_generator(folder.path)
    fake = generated_patches(generator, N_CHECK, config.seed)
    check = check_samples(fake, real, config.seed)
    save_montage(fake[:32], Path(out) / f"{config.cell}.samples.png")
    history = folder.read_history()
    return {
        "cell": config.cell,
        "config": config.to_json(),
        **check.to_json(),
        # the same test on the 62×62 pixels the DC net sees (seen_region)
        "two_sample_accuracy_seen": two_sample_accuracy(
            seen_region(fake), seen_region(real), config.seed
        ),
        # the test on one group of features at a time (FEATURE_GROUPS), and on all but the
        # spectrum's, which the working generator's spectral term matches
        "group_accuracies": group_accuracies(fake, real, config.seed),
        "two_sample_accuracy_without_spectrum": without_spectrum(fake, real, config.seed),
        # median log share of the power in each radial band (patch_features), coarse to fine
        "spectrum_medians": {
            name: np.median(patch_features(p)[:, list(FEATURE_GROUPS["spectrum"])], 0).tolist()
            for name, p in (("generated", fake), ("real", real))
        },
        # the five features that alone tell the generated patches best (ROC AUC)
        "feature_aucs": dict(list(feature_aucs(fake, real).items())[:5]),
        "p_fake_real": history[-1]["p_fake_real"],
        "fake_detect": history[-1]["fake_detect"],
        "val_auc": history[-1]["val_auc"],
        "iterations": history[-1]["iteration"],
        "train_seconds": history[-1]["elapsed_s"],
        "threads": _threads(read_record(record).device) if record else None,
    }


def _threads(device: str) -> int | None:
    """The CPU threads in a record's device line (``cpu (…, 1 thread)``), or None."""
    match = re.search(r"(\d+) threads?\)", device)
    return int(match.group(1)) if match else None
