"""Training the calibration's two neural arms on one split: the K+1 semi-supervised GAN and the
same classifier on the labels alone, with the same optimiser and the same number of updates.

The GAN arm follows the improved-GAN MNIST reference (Salimans et al. 2016, §3.1 and §5; their
``train_mnist_feature_matching.py``), with the project's losses (:mod:`ganseg_lib.model.losses`)
at K = 10:

* classifier: L = L_c + λ (L_unl + L_adv), with L_c on a labelled batch, L_unl on an unlabelled
  batch and L_adv on a batch of G's images (the reference's ``loss_lab + w · loss_unl``, whose
  ``loss_unl`` is ½ (L_unl + L_adv): its λ is 0.5);
* generator: feature matching, L_FM = ‖E f(x_unl) − E f(G(z))‖² on the classifier's last hidden
  layer, on a second unlabelled batch, after each classifier update (or, as a variant, the
  non-saturating L_G = −E log{1 − p(y = K+1 | G(z))} that the project's vessel GAN uses).

The supervised arm minimises L_c alone. The number of updates is a fixed budget, the same for
both arms; no test image is seen before the final accuracy.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from ganseg_lib.calibration.digits import N_CLASSES, N_PIXELS, DigitsSplit
from ganseg_lib.calibration.networks import Classifier, Generator, k_plus_one
from ganseg_lib.model.losses import (
    loss_adversarial,
    loss_classification,
    loss_feature_matching,
    loss_generator,
    loss_unlabelled,
)


@dataclass(frozen=True)
class CalibrationConfig:
    """One configuration of the two neural arms. The defaults are the improved-GAN MNIST
    reference's, with narrower layers for 64 pixels and fewer updates for 1,207 unlabelled
    images."""

    name: str = "reference"
    labels_per_class: int = 5
    test_size: float = 0.3
    steps: int = 3000  # updates of each arm (reference: 300 epochs × 600 = 180,000)
    batch_size: int = 100  # labelled, unlabelled and generated images per update (reference 100)
    lr: float = 3e-3  # Adam, both networks, constant (reference 0.003)
    beta1: float = 0.5  # Adam β1 (reference 0.5)
    unlabelled_weight: float = 0.5  # λ of L_c + λ (L_unl + L_adv) (reference 0.5)
    widths: tuple[int, ...] = (256, 128, 64, 64, 64)  # classifier (reference 1000, 500, 250 ×3)
    generator_widths: tuple[int, ...] = (256, 256)  # generator (reference 500, 500)
    noise_dim: int = 100  # z ~ U(0, 1)^100 (reference)
    input_noise: float = 0.3  # σ of the noise added to the input (reference 0.3)
    hidden_noise: float = 0.5  # σ of the noise added to each hidden layer (reference 0.5)
    weight_norm: bool = True  # weight-normalised layers, data-dependent init (reference)
    fake_logit: str = "zero"  # "zero": K outputs, fake logit fixed at 0 (reference); "learned"
    init_examples: int = 500  # images for the data-dependent initialisation (reference 500)
    ema: float = 0.0  # decay of an average of the classifier's weights used at test; 0: none
    generator_loss: str = "fm"  # "fm": feature matching (reference); "nonsat": L_G
    note: str = ""  # what this configuration changes, and why

    def __post_init__(self) -> None:
        if self.fake_logit not in ("zero", "learned"):
            raise ValueError(f"fake_logit must be 'zero' or 'learned', got {self.fake_logit!r}")
        if self.generator_loss not in ("fm", "nonsat"):
            raise ValueError(
                f"generator_loss must be 'fm' or 'nonsat', got {self.generator_loss!r}"
            )
        if not 0 <= self.ema < 1:
            raise ValueError(f"ema must be in [0, 1), got {self.ema}")

    @property
    def n_outputs(self) -> int:
        return N_CLASSES if self.fake_logit == "zero" else N_CLASSES + 1


@dataclass
class ArmResult:
    """One arm's outcome on one split."""

    accuracy: float
    seconds: float
    history: dict = field(default_factory=dict)  # a few training quantities, every 10% of steps
    classifier: Classifier | None = None
    generator: Generator | None = None


class _Batches:
    """Mini-batches of indices: each pass over ``n`` items in a new random order (seeded); a set
    smaller than a batch is repeated in fresh permutations to fill it (the reference's labelled
    batches)."""

    def __init__(self, n: int, batch_size: int, rng: np.random.Generator) -> None:
        self.n, self.batch_size, self.rng = n, batch_size, rng
        self.order, self.position = np.empty(0, dtype=np.int64), 0

    def __next__(self) -> np.ndarray:
        while len(self.order) - self.position < self.batch_size:
            self.order = np.concatenate([self.order[self.position :], self.rng.permutation(self.n)])
            self.position = 0
        batch = self.order[self.position : self.position + self.batch_size]
        self.position += self.batch_size
        return batch


def _classifier(config: CalibrationConfig) -> Classifier:
    return Classifier(
        N_PIXELS,
        config.n_outputs,
        config.widths,
        config.input_noise,
        config.hidden_noise,
        config.weight_norm,
    )


def _adam(module: torch.nn.Module, config: CalibrationConfig) -> torch.optim.Adam:
    params = [p for p in module.parameters() if p.requires_grad]
    return torch.optim.Adam(params, lr=config.lr, betas=(config.beta1, 0.999))


@torch.no_grad()
def _update_average(average: Classifier, model: Classifier, decay: float) -> None:
    for a, p in zip(average.state_dict().values(), model.state_dict().values()):
        a.lerp_(p, 1 - decay)


@torch.no_grad()
def accuracy(classifier: Classifier, x: np.ndarray, y: np.ndarray) -> float:
    """Test accuracy of the argmax over the K real-class logits (noise off)."""
    classifier.eval()
    logits = classifier(torch.from_numpy(x))[:, :N_CLASSES]
    return float((logits.argmax(1).numpy() == y).mean())


def train_arm(
    split: DigitsSplit, config: CalibrationConfig, arm: str, keep_models: bool = False
) -> ArmResult:
    """Train one arm on ``split`` — ``"ssl_gan"`` (L_c + λ(L_unl + L_adv), G by L_FM or L_G) or
    ``"supervised"`` (L_c alone) — and return its test accuracy. Seeded by ``split.seed``; both
    arms start from the same classifier weights before their data-dependent initialisation."""
    if arm not in ("ssl_gan", "supervised"):
        raise ValueError(f"arm must be 'ssl_gan' or 'supervised', got {arm!r}")
    t0 = time.perf_counter()
    torch.manual_seed(split.seed)
    rng = np.random.default_rng(split.seed)
    classifier = _classifier(config)
    x_lab, y_lab = torch.from_numpy(split.x_lab), torch.from_numpy(split.y_lab)
    x_unl = torch.from_numpy(split.x_unl)
    gan = arm == "ssl_gan"
    # Each arm initialises on the images it may use: the GAN on training images, labelled or
    # not (the reference: 500 training images); the supervised arm on its labelled images.
    pool = torch.cat([x_lab, x_unl]) if gan else x_lab
    classifier.train()
    classifier.initialise(
        pool[torch.from_numpy(rng.permutation(len(pool)))[: config.init_examples]]
    )
    opt_d = _adam(classifier, config)
    average = copy.deepcopy(classifier) if config.ema > 0 else None
    generator = opt_g = None
    if gan:
        generator = Generator(N_PIXELS, config.noise_dim, config.generator_widths)
        opt_g = _adam(generator, config)
    labelled = _Batches(len(x_lab), config.batch_size, rng)
    unlabelled = _Batches(len(x_unl), config.batch_size, rng)
    history: dict[str, list[float]] = {}
    every = max(1, config.steps // 10)
    for step in range(config.steps):
        classifier.train()
        il = next(labelled)
        if gan:
            xu = x_unl[next(unlabelled)]
            with torch.no_grad():
                fake = generator.sample(config.batch_size)
            logits = classifier(torch.cat([x_lab[il], xu, fake]))
            l_lab, l_unl, l_fake = logits.split([len(il), len(xu), len(fake)])
            l_c = loss_classification(l_lab, y_lab[il], n_classes=N_CLASSES)
            l_u = loss_unlabelled(k_plus_one(l_unl, N_CLASSES), n_classes=N_CLASSES)
            l_a = loss_adversarial(k_plus_one(l_fake, N_CLASSES), n_classes=N_CLASSES)
            loss = l_c + config.unlabelled_weight * (l_u + l_a)
        else:
            l_c = loss = loss_classification(classifier(x_lab[il]), y_lab[il], n_classes=N_CLASSES)
        opt_d.zero_grad(set_to_none=True)
        loss.backward()
        opt_d.step()
        if gan:
            classifier.requires_grad_(False)
            fake = generator.sample(config.batch_size)
            if config.generator_loss == "fm":
                with torch.no_grad():
                    real_features = classifier.features(x_unl[next(unlabelled)])
                l_g = loss_feature_matching(real_features, classifier.features(fake))
            else:
                l_g = loss_generator(k_plus_one(classifier(fake), N_CLASSES), n_classes=N_CLASSES)
            opt_g.zero_grad(set_to_none=True)
            l_g.backward()
            opt_g.step()
            classifier.requires_grad_(True)
        if average is not None:
            _update_average(average, classifier, config.ema)
        if (step + 1) % every == 0:
            values = {"step": step + 1, "L_c": l_c.item()}
            if gan:
                values |= {"L_unl": l_u.item(), "L_adv": l_a.item(), "L_G": l_g.item()}
            for key, value in values.items():
                history.setdefault(key, []).append(value)
    final = average if average is not None else classifier
    acc = accuracy(final, split.x_test, split.y_test)
    return ArmResult(
        acc,
        time.perf_counter() - t0,
        history,
        final if keep_models else None,
        generator if keep_models else None,
    )
