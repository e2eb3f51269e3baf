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
* :func:`spectral_loss` — not a change of G but a term for it: the distance between the mean
  radial log power spectrum of its samples and of real patches (after Durall et al. 2020, who
  show that generators miss the highest frequencies), for an extra G update per iteration.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ganseg_lib.model.networks import init_weights, upsample_layer
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


def random_flips(x: Tensor, rng: torch.Generator | None = None) -> Tensor:
    """(B, C, H, W) → each image flipped left–right with probability ½ and, independently,
    up–down with probability ½ (differentiable: a flip only moves pixels)."""
    b = x.shape[0]
    lr = torch.rand(b, generator=rng).lt(0.5).to(x.device).view(b, 1, 1, 1)
    ud = torch.rand(b, generator=rng).lt(0.5).to(x.device).view(b, 1, 1, 1)
    x = torch.where(lr, x.flip(-1), x)
    return torch.where(ud, x.flip(-2), x)


def flip_fakes(generator: nn.Module) -> None:
    """While G trains, its patches come out flipped at random (:func:`random_flips`); in eval
    mode (the check, the samples) they do not. The DC net's receptive field ends before G's last
    two rows and columns (:data:`ganseg_lib.model.dense.RECEPTIVE_FIELD`); flipped, they reach
    it as its first rows and columns, so G learns them too."""

    def hook(module: nn.Module, _inputs, output: Tensor) -> Tensor:
        return random_flips(output) if module.training else output

    generator.register_forward_hook(hook)


class PixelNoise(nn.Module):
    """x + b ⊙ ε, ε ~ N(0, 1) one value per pixel shared by the channels, b a learned scale per
    channel starting at 0 (StyleGAN's noise input, Karras et al. 2019 §2)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.zeros(1, channels, 1, 1))

    def forward(self, x: Tensor) -> Tensor:
        noise = torch.randn(x.shape[0], 1, x.shape[2], x.shape[3], device=x.device, dtype=x.dtype)
        return x + self.scale * noise


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


def radial_log_spectrum(x: Tensor, bins: int = 32) -> Tensor:
    """(B, 1, h, w) patches → (B, bins): log of the mean power |F(x − x̄)|² (the patch mean
    removed) over each of ``bins`` equal rings of radial frequency from 0 to the corner's
    √2 · ½ cycles per pixel — the azimuthal integration of Durall et al. 2020, eq. 3."""
    b, _, h, w = x.shape
    power = torch.fft.fft2(x[:, 0] - x[:, 0].mean((-2, -1), keepdim=True)).abs() ** 2
    f64 = {"dtype": torch.float64}
    fy, fx = torch.meshgrid(torch.fft.fftfreq(h, **f64), torch.fft.fftfreq(w, **f64), indexing="ij")
    # + 1e-9: a frequency on a ring's edge (the diagonals) joins the outer ring however rounded
    ring = (torch.sqrt(fx**2 + fy**2) / (0.5 * 2**0.5) * bins + 1e-9).long().clamp(max=bins - 1)
    onehot = nn.functional.one_hot(ring.flatten(), bins).to(power.dtype)  # (h·w, bins)
    mean_power = power.reshape(b, -1) @ onehot / onehot.sum(0)
    return torch.log(mean_power + 1e-8)


def spectral_loss(fake: Tensor, real: Tensor, bins: int = 32) -> Tensor:
    """L_spec = (1/bins) ‖ mean_i s(G(z_i)) − mean_j s(x_j) ‖², s = :func:`radial_log_spectrum`:
    the batch's mean spectrum matched to the real batch's (ours: a moment-matching form, where
    Durall et al. 2020 use a per-image binary cross-entropy of normalised spectra)."""
    target = radial_log_spectrum(real.detach(), bins).mean(0)
    return ((radial_log_spectrum(fake, bins).mean(0) - target) ** 2).mean()
