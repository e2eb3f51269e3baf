"""The suspects of the generator check's short runs
(:mod:`ganseg_lib.experiment.generator_suspects`): each names one change to the paper-protocol
GAN-CNN of the ``cpu`` profile — a field of :class:`~ganseg_lib.train.config.TrainConfig` or a
change to the built networks (:mod:`ganseg_lib.experiment.generator_surgery`) — and says what
it changes. (a) is the DC loss's real-data term; (b)–(g) build on it one at a time, then
DCGAN's recipe whole and less one part; (h)–(m) build on the whole fix
(:data:`~ganseg_lib.train.config.GENERATOR_FIX`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ganseg_lib.train.config import GENERATOR_FIX


@dataclass(frozen=True)
class Suspect:
    """One short run: the fields of :class:`TrainConfig` it sets, and the generator's changes."""

    name: str
    what: str
    config: dict = field(default_factory=dict)
    g_norm: str = "instance"  # "instance" (the replication's) or "batch"
    lr_g: float | None = None  # None: the DC net's
    beta1_g: float | None = None  # None: the DC net's
    g_steps: int = 1  # generator steps per DC step
    dc_final_norm: bool = True  # False: the DC net's final instance norm removed
    g_upsample: str = "deconv"  # "deconv" (the slide's) or "resize": nearest ×2 + 3×3 conv
    fake_flips: bool = False  # True: fakes flipped at random before the DC net sees them
    pixel_noise: bool = False  # True: per-pixel noise before G's last convolution
    bilinear: bool = False  # True: bilinear, not nearest-neighbour, resizing in G
    g_ema: float = 0.0  # > 0: the check samples an exponential moving average of G's weights


RNF = {"real_not_fake": True}
SUSPECTS = {
    s.name: s
    for s in (
        Suspect("baseline", "the replication's paper-protocol GAN-CNN, unchanged"),
        Suspect(
            "real_not_fake",
            "(a) the DC loss adds −E_x log(1 − p_DC(fake | x)) on labelled real patches",
            {"real_not_fake": True},
        ),
        # (b)–(d) on top of (a): without the real-data term the DC net calls every patch fake,
        # which leaves the generator no signal to judge its other parts by
        Suspect(
            "real_not_fake+g_batchnorm",
            "(a) and (b) batch norm instead of instance norm in G",
            RNF,
            g_norm="batch",
        ),
        Suspect(
            "real_not_fake+g_width64",
            "(a) and (c) generator width 64, not 16",
            RNF | {"g_width": 64},
        ),
        Suspect(
            "real_not_fake+lr_g2e-4",
            "(a) and (d) G's Adam at DCGAN's lr 2e-4, β1 0.5 (the DC net's unchanged)",
            RNF,
            lr_g=2e-4,
        ),
        Suspect("real_not_fake+g_steps2", "(a) and (d) two G steps per DC step", RNF, g_steps=2),
        Suspect(
            "real_not_fake+dc_no_final_norm",
            "(a) and (e) no final instance norm in the DC net: per-patch, per-channel statistics "
            "hide from the classifier how strongly a feature fires over the whole patch",
            RNF,
            dc_final_norm=False,
        ),
        # (f) the DCGAN recipe at once, on top of (a): batch norm in G, both nets at lr 2e-4,
        # and the DC net without its final norm; then (g) G's deconvolutions swapped for
        # resize-convolutions, which cannot make a checkerboard (Odena et al. 2016, Distill)
        Suspect(
            "real_not_fake+dcgan",
            "(a) and (f) DCGAN's recipe: batch norm in G, both nets at lr 2e-4 (β1 0.5), no "
            "final instance norm in the DC net",
            RNF | {"lr": 2e-4},
            g_norm="batch",
            dc_final_norm=False,
        ),
        # (f) less one part at a time: which of its three changes mattered
        Suspect(
            "real_not_fake+dcgan-keep_dc_norm",
            "(a) and (f) but the DC net keeps its final instance norm",
            RNF | {"lr": 2e-4},
            g_norm="batch",
        ),
        Suspect(
            "real_not_fake+dcgan-keep_g_instance_norm",
            "(a) and (f) but G keeps instance norm",
            RNF | {"lr": 2e-4},
            dc_final_norm=False,
        ),
        Suspect(
            "real_not_fake+dcgan-keep_lr",
            "(a) and (f) but both nets keep lr 1e-4",
            RNF,
            g_norm="batch",
            dc_final_norm=False,
        ),
        Suspect(
            "real_not_fake+dcgan+resize",
            "(a), (f) and (g) G upsamples by nearest-neighbour resizing and a 3×3 convolution "
            "instead of a 4×4 stride-2 deconvolution",
            RNF | {"lr": 2e-4},
            g_norm="batch",
            dc_final_norm=False,
            g_upsample="resize",
        ),
        # (h) on top of the fix (GENERATOR_FIX, built by the library): the fix's samples are
        # told from real ones by their last two rows and columns, which no gradient reaches,
        # and by too little power at the finest frequencies
        Suspect(
            "fix+flips",
            "the fix and (h) fakes flipped at random before the DC net sees them, so that "
            "G's last two rows and columns reach it",
            GENERATOR_FIX,
            fake_flips=True,
        ),
        Suspect(
            "fix+flips+pixel_noise",
            "the fix, (h) and (i) per-pixel noise with a learned scale before G's last "
            "convolution (StyleGAN's noise inputs), for the finest texture",
            GENERATOR_FIX,
            fake_flips=True,
            pixel_noise=True,
        ),
        Suspect(
            "fix+flips+bilinear",
            "the fix, (h) and (k) bilinear instead of nearest-neighbour resizing before each of "
            "G's convolutions, a smoother upsampling",
            GENERATOR_FIX,
            fake_flips=True,
            bilinear=True,
        ),
        Suspect(
            "fix+flips+pixel_noise+ema",
            "the fix, (h), (i) and (j) the check samples an exponential moving average of G's "
            "weights (decay 0.999; Yazıcı et al. 2019), not G's last weights",
            GENERATOR_FIX,
            fake_flips=True,
            pixel_noise=True,
            g_ema=0.999,
        ),
        Suspect(
            "fix+flips+pixel_noise+dc_width32",
            "the fix, (h), (i) and (l) a DC net of width 32, not the cpu profile's 16: a "
            "stronger judge of the finest texture that the samples lack",
            GENERATOR_FIX | {"width": 32},
            fake_flips=True,
            pixel_noise=True,
        ),
        Suspect(
            "fix+flips+pixel_noise+dc_width32+spectral",
            "the fix, (h), (i), (l) and (m) after each iteration one more G update on the distance "
            "between the mean radial log power spectrum of its samples and of the real batch "
            "(weight 1, not tuned; after Durall et al. 2020): the finest texture asked for "
            "directly. The check's spectrum features measure what this term matches, so only "
            "its other features and the look judge it independently",
            # the term is TrainConfig.spectral_weight: the library's step makes the extra update
            GENERATOR_FIX | {"width": 32, "spectral_weight": 1.0},
            fake_flips=True,
            pixel_noise=True,
        ),
    )
}
