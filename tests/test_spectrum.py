"""The working generator's spectral term against numpy's FFT and scipy's Gaussian blur."""

from __future__ import annotations

import numpy as np
import torch

from ganseg_lib.model import spectrum as sp


def test_radial_log_spectrum_matches_a_numpy_azimuthal_average():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 1, 64, 64))
    got = sp.radial_log_spectrum(torch.from_numpy(x), bins=16).numpy()
    power = np.abs(np.fft.fft2(x[:, 0] - x[:, 0].mean((1, 2), keepdims=True))) ** 2
    fy, fx = np.meshgrid(np.fft.fftfreq(64), np.fft.fftfreq(64), indexing="ij")
    ring = np.minimum((np.hypot(fx, fy) / np.hypot(0.5, 0.5) * 16 + 1e-9).astype(int), 15)
    want = np.stack(
        [np.log(np.array([p[ring == r].mean() for r in range(16)]) + 1e-8) for p in power]
    )
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


def test_spectral_loss_is_zero_on_the_real_batch_and_sees_a_blur():
    """The same batch: 0. A blurred copy (scipy's Gaussian, σ 1 px) lacks the finest rings:
    a positive loss whose gradient reaches the generated patches."""
    from scipy.ndimage import gaussian_filter

    rng = np.random.default_rng(1)
    real = torch.from_numpy(rng.normal(size=(8, 1, 64, 64)))
    blurred = torch.from_numpy(gaussian_filter(real.numpy(), (0, 0, 1, 1))).requires_grad_()
    assert sp.spectral_loss(real, real).item() == 0.0
    loss = sp.spectral_loss(blurred, real)
    assert loss.item() > 1.0
    loss.backward()
    assert blurred.grad is not None and blurred.grad.abs().sum() > 0
