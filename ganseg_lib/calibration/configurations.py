"""Every configuration of the digits calibration that was run, in the order it was run, each
changing one thing and saying why. The record (``results/calibration/digits.json``) holds the
results of all of them; :data:`HEADLINE` names the one the verdict speaks of."""

from __future__ import annotations

from ganseg_lib.calibration.training import CalibrationConfig

CONFIGURATIONS: tuple[CalibrationConfig, ...] = (
    CalibrationConfig(
        name="reference",
        note="the improved-GAN MNIST settings, narrowed for 64 pixels; 3,000 updates",
    ),
    # One change at a time from the reference, each towards a choice of the vessel GAN or away
    # from a detail of the reference implementation, to see which of them matters.
    CalibrationConfig(
        name="learned-fake-logit",
        fake_logit="learned",
        note="an explicit, learnt K+1-th logit, as in the project's DC net",
    ),
    CalibrationConfig(
        name="weight-1",
        unlabelled_weight=1.0,
        note="λ = 1: L_c + L_unl + L_adv, the weighting of the project's ssgan arm",
    ),
    CalibrationConfig(
        name="nonsat-generator",
        generator_loss="nonsat",
        note="G by the non-saturating L_G instead of feature matching, as the vessel GAN",
    ),
    CalibrationConfig(
        name="paper-lr",
        lr=1e-4,
        note="learning rate 1e-4 (the paper's) instead of 3e-3, both arms",
    ),
    CalibrationConfig(
        name="no-noise",
        input_noise=0.0,
        hidden_noise=0.0,
        note="no Gaussian noise layers, both arms",
    ),
    CalibrationConfig(
        name="no-weight-norm",
        weight_norm=False,
        note="plain linear layers (PyTorch's initialisation) instead of weight normalisation, "
        "both arms",
    ),
    CalibrationConfig(
        name="weight-average",
        ema=0.999,
        note="test on an exponential average of the classifier's weights (decay 0.999), as the "
        "reference tests on averaged weights",
    ),
)
HEADLINE = "reference"  # fixed before any configuration was run


def configuration(name: str) -> CalibrationConfig:
    """The configuration called ``name``."""
    for config in CONFIGURATIONS:
        if config.name == name:
            return config
    raise KeyError(f"no configuration {name!r}; there are {[c.name for c in CONFIGURATIONS]}")
