"""The calibration's small networks: the MLP classifier/discriminator and the MLP generator of the
improved-GAN MNIST model (Salimans et al. 2016, §5 and their ``train_mnist_feature_matching.py``),
narrowed for 64-pixel inputs.

Reference (MNIST, 784 pixels): D = noise(0.3) → 1000 → noise(0.5) → 500 → noise(0.5) → 250 →
noise(0.5) → 250 → noise(0.5) → 250 → noise(0.5) → 10, weight-normalised ReLU layers with a
data-dependent initialisation; G = z ~ U(0, 1)^100 → 500 → 500 → 784, softplus and batch
normalisation, a weight-normalised sigmoid output. Here (64 pixels) the default widths are
256 → 128 → 64 → 64 → 64 for D and 256 → 256 for G.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class GaussianNoise(nn.Module):
    """x + N(0, σ²) while training, x at evaluation (the reference's ``GaussianNoiseLayer``)."""

    def __init__(self, sigma: float) -> None:
        super().__init__()
        self.sigma = sigma

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.sigma == 0:
            return x
        return x + self.sigma * torch.randn_like(x)


class WeightNormLinear(nn.Module):
    """y = x · (g ⊙ θ / ‖θ‖) + b: weight normalisation (Salimans & Kingma 2016, eq. 2), the
    reference's ``nn.DenseLayer``. θ ~ N(0, 0.1²); g is trained only with ``train_scale`` (the
    reference trains it in the output layer alone); :meth:`initialise` is the data-dependent
    initialisation of their §3."""

    def __init__(self, n_in: int, n_out: int, train_scale: bool = False) -> None:
        super().__init__()
        self.theta = nn.Parameter(0.1 * torch.randn(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))
        if train_scale:
            self.scale = nn.Parameter(torch.ones(n_out))
        else:
            self.register_buffer("scale", torch.ones(n_out))

    def forward(self, x: Tensor) -> Tensor:
        return x @ (self.theta * (self.scale / self.theta.norm(dim=0))) + self.bias

    @torch.no_grad()
    def initialise(self, x: Tensor) -> Tensor:
        """Set g and b so that this batch's outputs have zero mean and unit variance per unit
        (g = 1/σ, b = −μ/σ); return those outputs."""
        a = x @ (self.theta / self.theta.norm(dim=0))
        mean, std = a.mean(0), a.std(0, unbiased=False).clamp_min(1e-6)
        self.scale.copy_(1 / std)
        self.bias.copy_(-mean / std)
        return (a - mean) / std


class Classifier(nn.Module):
    """The discriminator/classifier: Gaussian noise before every layer, ReLU hidden layers, and
    ``n_outputs`` logits — K (the fake logit fixed at 0, as in the reference) or K+1 (an explicit
    fake logit, the layout of the project's DC net). With ``weight_norm=False`` the layers are
    plain ``nn.Linear`` (PyTorch's default initialisation)."""

    def __init__(
        self,
        n_in: int,
        n_outputs: int,
        widths: tuple[int, ...] = (256, 128, 64, 64, 64),
        input_noise: float = 0.3,
        hidden_noise: float = 0.5,
        weight_norm: bool = True,
    ) -> None:
        super().__init__()
        sizes = (n_in, *widths)
        if weight_norm:
            self.hidden = nn.ModuleList(WeightNormLinear(a, b) for a, b in zip(sizes, sizes[1:]))
            self.out = WeightNormLinear(sizes[-1], n_outputs, train_scale=True)
        else:
            self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
            self.out = nn.Linear(sizes[-1], n_outputs)
        self.noise = nn.ModuleList(
            GaussianNoise(input_noise if i == 0 else hidden_noise) for i in range(len(sizes))
        )

    def features(self, x: Tensor) -> Tensor:
        """The last hidden layer's activations, before its noise: f(x) of feature matching (the
        reference's ``layers[-3]``)."""
        h = x
        for noise, layer in zip(self.noise, self.hidden):
            h = F.relu(layer(noise(h)))
        return h

    def forward(self, x: Tensor) -> Tensor:
        return self.out(self.noise[-1](self.features(x)))

    @torch.no_grad()
    def initialise(self, x: Tensor) -> None:
        """Data-dependent initialisation of every weight-normalised layer, first to last, on the
        batch ``x`` (noise as in training); a no-op for plain linear layers."""
        h = x
        for noise, layer in zip(self.noise, [*self.hidden, self.out]):
            h = noise(h)
            if not isinstance(layer, WeightNormLinear):
                return
            h = layer.initialise(h)
            if layer is not self.out:
                h = F.relu(h)


def k_plus_one(logits: Tensor, n_classes: int) -> Tensor:
    """The K+1 logits the project's losses take: K outputs get a fake logit fixed at 0
    (Salimans et al. 2016, §5: l_{K+1} = 0 leaves the softmax unchanged up to a shift, so
    p(fake | x) = 1 / (Z(x) + 1) with Z(x) = Σ_k exp l_k); K+1 outputs pass unchanged."""
    if logits.shape[1] == n_classes + 1:
        return logits
    if logits.shape[1] != n_classes:
        raise ValueError(f"expected {n_classes} or {n_classes + 1} logits, got {logits.shape[1]}")
    return torch.cat([logits, logits.new_zeros(len(logits), 1)], dim=1)


class _BatchNormBias(nn.Module):
    """Batch normalisation with a learnt shift and no scale (the reference's
    ``batch_norm(g=None)``), always on the batch's own statistics, as its generator uses it."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(n))

    def forward(self, x: Tensor) -> Tensor:
        return F.batch_norm(x, None, None, training=True) + self.bias


class Generator(nn.Module):
    """G: z ~ U(0, 1)^noise_dim → [linear → batch norm → softplus] per width → a weight-normalised
    linear layer with a sigmoid: images with pixels in (0, 1)."""

    def __init__(
        self, n_out: int, noise_dim: int = 100, widths: tuple[int, ...] = (256, 256)
    ) -> None:
        super().__init__()
        self.noise_dim = noise_dim
        sizes = (noise_dim, *widths)
        self.hidden = nn.ModuleList(nn.Linear(a, b, bias=False) for a, b in zip(sizes, sizes[1:]))
        self.norms = nn.ModuleList(_BatchNormBias(b) for b in widths)
        self.out = WeightNormLinear(sizes[-1], n_out, train_scale=True)
        # The reference's output layer starts from Glorot-uniform weights of unit-norm columns.
        nn.init.xavier_uniform_(self.out.theta)

    def forward(self, z: Tensor) -> Tensor:
        h = z
        for layer, norm in zip(self.hidden, self.norms):
            h = F.softplus(norm(layer(h)))
        return torch.sigmoid(self.out(h))

    def sample(self, n: int) -> Tensor:
        """n images G(z), z ~ U(0, 1)^noise_dim (the reference's noise)."""
        return self(torch.rand(n, self.noise_dim, device=self.out.theta.device))
