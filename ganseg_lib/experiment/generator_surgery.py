"""Changes made to a built GAN's generator for the suspects' short runs
(:mod:`ganseg_lib.experiment.generator_suspects`): each takes the library's :class:`Generator`
and alters it in place, so that a suspect differs from its base run in one thing only.

* :func:`batch_norm_generator` — batch instead of instance normalisation (DCGAN's);
* :func:`resize_conv_generator` — nearest ×2 and a 3×3 convolution instead of each stride-2
  deconvolution (Odena et al. 2016), as the ``"bnresize"`` generator has;
* :func:`flip_fakes` — each fake flipped at random, left–right and up–down, before the DC net
  sees it, so that every pixel of G reaches the DC net's output;
* :func:`inject_pixel_noise` — per-pixel Gaussian noise with a learned per-channel scale before
  G's last convolution (StyleGAN's noise inputs, Karras et al. 2019, eq. in §2 "stochastic
  variation"), a source of the finest, pixel-level texture;
* :func:`bilinear_generator` — bilinear instead of nearest-neighbour resizing in a resize-
  convolution G, a smoother interpolation that leaves less of the 2-pixel period behind;
* :func:`averaged_generator` — an exponential moving average of G's weights and buffers, to be
  sampled instead of G (Yazıcı et al. 2019); training itself is unchanged;
and, not a change of G but a term for it, :func:`~ganseg_lib.model.spectrum.spectral_loss`
for an extra G update per iteration. The parts of the generator that passed the check live in
the library (pixel noise, flips of the fakes, the spectral term; ``TrainConfig`` fields) and are
imported here.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ganseg_lib.model.networks import PixelNoise, init_weights, upsample_layer
from ganseg_lib.train.augment import random_flips
from ganseg_lib.train.checkpoint import TRAIN_MEMORY_FORMAT


def batch_norm_generator(generator: nn.Module) -> None:
    """Swap every normalisation of G for BatchNorm2d (DCGAN's), initialised as DCGAN's."""
    for name, module in list(generator.net.named_children()):
        if isinstance(module, nn.GroupNorm):
            bn = nn.BatchNorm2d(module.num_channels)
            init_weights(bn)
            setattr(generator.net, name, bn.to(module.weight.device))
    generator.to(memory_format=TRAIN_MEMORY_FORMAT)


def resize_conv_generator(generator: nn.Module) -> None:
    """Swap each stride-2 deconvolution of G for the ``"bnresize"`` generator's upsampling layer
    (:func:`~ganseg_lib.model.networks.upsample_layer`: nearest ×2 and a 3×3 convolution, same
    channels, bias only where no normalisation follows), initialised as DCGAN's."""
    for name, module in list(generator.net.named_children()):
        if isinstance(module, nn.ConvTranspose2d) and module.stride == (2, 2):
            block = upsample_layer(
                module.in_channels, module.out_channels, "bnresize", module.bias is not None
            )
            block.apply(init_weights)
            setattr(generator.net, name, block.to(module.weight.device))
    generator.to(memory_format=TRAIN_MEMORY_FORMAT)


def bilinear_generator(generator: nn.Module) -> None:
    """Every ×2 resizing of a resize-convolution G becomes bilinear (``align_corners=False``)."""
    layers = [m for m in generator.modules() if isinstance(m, nn.Upsample)]
    if not layers:
        raise ValueError("bilinear resizing needs a resize-convolution generator ('bnresize')")
    for m in layers:
        m.mode, m.align_corners = "bilinear", False


def flip_fakes(generator: nn.Module) -> None:
    """While G trains, its patches come out flipped at random (:func:`random_flips`); in eval
    mode (the check, the samples) they do not. The DC net's receptive field ends before G's last
    two rows and columns (:data:`ganseg_lib.model.dense.RECEPTIVE_FIELD`); flipped, they reach
    it as its first rows and columns, so G learns them too."""

    def hook(module: nn.Module, _inputs, output: Tensor) -> Tensor:
        return random_flips(output) if module.training else output

    generator.register_forward_hook(hook)


def inject_pixel_noise(generator: nn.Module) -> None:
    """Insert :class:`PixelNoise` between the last ×2 resizing and the last convolution of a
    ``"bnresize"`` G (its ``deconv_out``: Upsample, Conv2d)."""
    last = generator.net.deconv_out
    if not (isinstance(last, nn.Sequential) and isinstance(last[0], nn.Upsample)):
        raise ValueError("pixel noise needs a resize-convolution generator (g_arch 'bnresize')")
    upsample, conv = last
    noise = PixelNoise(conv.in_channels).to(conv.weight.device)
    generator.net.deconv_out = nn.Sequential(upsample, noise, conv)
    generator.to(memory_format=TRAIN_MEMORY_FORMAT)


def averaged_generator(generator: nn.Module, decay: float) -> torch.optim.swa_utils.AveragedModel:
    """θ̄ ← decay · θ̄ + (1 − decay) · θ after each :meth:`update_parameters` (the batch norm's
    running statistics averaged too), the first update copying θ; sample ``.module``."""
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    return AveragedModel(generator, multi_avg_fn=get_ema_multi_avg_fn(decay), use_buffers=True)
