"""The spectral term of the working generator: G's samples asked for the real patches' power
at every frequency.

Generators tend to miss the highest frequencies (Durall, Keuper & Keuper 2020); the generator
check found the same (results/generator: the generated patches hold less power in the two finest
of 8 bands, and training patches smoothed by half a pixel fail the check as the generators do).
The term compares the batch means of the radial log power spectrum; :mod:`ganseg_lib.train.step`
gives G one more update per iteration on it when ``TrainConfig.spectral_weight`` > 0.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


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
