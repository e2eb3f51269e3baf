"""The generator G and the discriminator-classifier DC net — seed slides "Proposed Model of GAN",
"Generator Architecture", "Discriminator/Classifier Architecture", "Testing Details".

> G takes in a 300-D standard normal noise vector to create a fake example, G(z) via a series of
> deconvolution operations.
> We incorporate a K+1-way softmax layer at output of discriminator, where now the prediction
> labels will be [Class 1, Class 2,..., Class K, FAKE].

Here K = 2 and the class order is [vessel, background, fake]. The slides give no layer sizes; the
DCGAN-style sizes below (kernel 4, stride 2, channel counts doubling with depth) are ours.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganseg_lib.deviations import declare
from ganseg_lib.paper import BACKGROUND, LEAKY_SLOPE, NOISE_DIM, PATCH_SIZE, VESSEL, K

NORMS = ("final", "instance", "none")
DENSE_NORMS = ("final", "none")  # the DC nets that a whole image is evaluated by in one pass
declare(
    aspect="DC net normalisation",
    paper="instance normalisation after every convolution",
    ours=lambda p: (
        'norm="final" in every profile (the paper profile included): one instance '
        "normalisation of the last hidden map, before the linear classifier; "
        'norm="none" (no normalisation) in the runs with the generator check\'s fix '
        '(the replication\'s re-run, the GAN arms of the study "Fewer labels")'
    ),
    reason="per-patch statistics followed by a non-linearity would make every pixel's patch a "
    "different function of shared feature maps; with the normalisation last, a whole image is "
    "evaluated exactly and fast in one dense pass (chapter 3)",
)
declare(
    aspect="test-time score",
    paper="y*(x) = argmax_y p_DC(c = y | x)",
    ours="p(vessel) / (p(vessel) + p(background)) ranks pixels for the ROC; labels by argmax "
    "over the real classes",
    reason="an AUC needs a score, not a label; renormalising over the real classes is what L_c "
    "trains and makes the GAN-CNN and CNN scores comparable",
)


def init_weights(module: nn.Module) -> None:
    """DCGAN initialisation: conv/deconv/linear weights ~ N(0, 0.02), norm scales ~ N(1, 0.02),
    all biases 0. The slides do not state an initialisation; this is Radford et al. 2016's."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.InstanceNorm2d, nn.BatchNorm2d, nn.GroupNorm)) and module.affine:
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def instance_norm(channels: int) -> nn.GroupNorm:
    """Instance normalisation with a learned scale and shift per channel, as ``GroupNorm`` with
    one group per channel: the same function as ``InstanceNorm2d(affine=True)`` (statistics per
    sample and channel, eps 1e-5) and the same parameters, computed by one fused kernel that
    trains the generator about 8% faster on a CPU (the benchmark appendix)."""
    return nn.GroupNorm(channels, channels, eps=1e-5, affine=True)


G_ARCHS = ("paper", "bnresize", "bnresize-noise")
declare(
    aspect="generator architecture (option)",
    paper="deconvolutions, each followed by instance normalisation and ReLU",
    ours='arch="paper" in the replication and the study "Beyond the paper"; arch="bnresize" '
    "(batch normalisation, nearest-neighbour ×2 and a 3×3 convolution instead of each stride-2 "
    "deconvolution) in the runs with the generator check's fix",
    reason="with the slide's generator no sample showed a vessel; batch norm (DCGAN's) was part "
    "of the recipe that made it learn, and resize-convolutions remove the deconvolutions' "
    "grid of dots (results/generator)",
)
declare(
    aspect="generator noise input (option)",
    paper="none: z is G's only randomness",
    ours='arch="bnresize-noise": "bnresize" with per-pixel noise of a learned scale before the '
    "last convolution, in the working generator (train.config.WORKING_GENERATOR)",
    reason="the generated patches lacked the real patches' pixel-scale texture; the one "
    "generator that passed the check had this input (results/generator)",
)


class PixelNoise(nn.Module):
    """x + b ⊙ ε, ε ~ N(0, 1) one value per pixel shared by the channels, b a learned scale per
    channel starting at 0 (StyleGAN's noise input, Karras et al. 2019 §2)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.zeros(1, channels, 1, 1))

    def forward(self, x: Tensor) -> Tensor:
        noise = torch.randn(x.shape[0], 1, x.shape[2], x.shape[3], device=x.device, dtype=x.dtype)
        return x + self.scale * noise


def upsample_layer(c_in: int, c_out: int, arch: str, bias: bool) -> nn.Module:
    """×2 resolution: a 4×4 stride-2 deconvolution (``"paper"``), or nearest-neighbour resizing
    and a 3×3 convolution (``"bnresize"``)."""
    if arch == "paper":
        return nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=bias)
    return nn.Sequential(
        nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(c_in, c_out, 3, 1, 1, bias=bias)
    )


class Generator(nn.Module):
    """G: z ~ N(0, I_300) → a fake 64×64 patch in [-1, 1] — seed slide "Generator Architecture".

    > We apply instance normalization after every deconvolution followed by Rectified linear unit
    > (ReLU) as non linear activation.

    Layers: a 4×4 deconvolution of z (seen as a 300-channel 1×1 map) to 4×4×(8·width), then
    ConvTranspose2d(k=4, s=2, p=1) 4→8→16→32→64 with 4·width, 2·width, width, 1 channels.
    InstanceNorm2d(affine) + ReLU follow every deconvolution except the output one, which is
    followed by tanh instead (our choice, as in DCGAN; the slides say nothing about the output).
    Deconvolutions followed by a normalisation have no bias: the normalisation would remove it.

    ``n_classes > 0`` makes G(z, y) class-conditional (the paper's future work 2): the one-hot
    class y is appended to z, so the first deconvolution sees 300 + n_classes input channels.

    ``arch`` (:data:`G_ARCHS`): ``"paper"`` is the slide's G described above; ``"bnresize"``
    — DEVIATION from the slide, found by the generator check (``results/generator``) — has batch
    normalisation instead of instance normalisation (DCGAN's, Radford et al. 2016) and doubles
    the resolution by nearest-neighbour resizing and a 3×3 convolution instead of a stride-2
    deconvolution, which cannot draw a checkerboard (Odena, Dumoulin & Olah 2016). Same channels.
    ``"bnresize-noise"`` adds :class:`PixelNoise` between the last resizing and the last
    convolution (DEVIATION, the working generator's).
    """

    def __init__(self, width: int = 32, n_classes: int = 0, arch: str = "paper") -> None:
        super().__init__()
        if width < 1:
            raise ValueError(f"width must be >= 1, got {width}")
        if n_classes < 0:
            raise ValueError(f"n_classes must be >= 0, got {n_classes}")
        if arch not in G_ARCHS:
            raise ValueError(f"arch must be one of {G_ARCHS}, got {arch!r}")
        self.width = width
        self.n_classes = n_classes
        self.arch = arch
        norm = instance_norm if arch == "paper" else nn.BatchNorm2d
        channels = [8 * width, 4 * width, 2 * width, width]
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        layers["deconv0"] = nn.ConvTranspose2d(
            NOISE_DIM + n_classes, channels[0], 4, 1, 0, bias=False
        )
        layers["norm0"] = norm(channels[0])
        layers["relu0"] = nn.ReLU()
        for i, (c_in, c_out) in enumerate(zip(channels[:-1], channels[1:]), start=1):
            layers[f"deconv{i}"] = upsample_layer(c_in, c_out, arch, bias=False)
            layers[f"norm{i}"] = norm(c_out)
            layers[f"relu{i}"] = nn.ReLU()
        layers["deconv_out"] = upsample_layer(channels[-1], 1, arch, bias=True)
        if arch == "bnresize-noise":  # DEVIATION (declared above): noise before the last conv
            upsample, conv = layers["deconv_out"]
            layers["deconv_out"] = nn.Sequential(upsample, PixelNoise(channels[-1]), conv)
        layers["tanh"] = nn.Tanh()
        self.net = nn.Sequential(layers)
        self.apply(init_weights)

    def forward(self, z: Tensor, y: Tensor | None = None) -> Tensor:
        """(B, 300) noise [and (B,) class indices y for a conditional G] → (B, 1, 64, 64)."""
        if z.ndim != 2 or z.shape[1] != NOISE_DIM:
            raise ValueError(f"z must have shape (B, {NOISE_DIM}), got {tuple(z.shape)}")
        if (y is None) != (self.n_classes == 0):
            raise ValueError("a class-conditional generator needs y; an unconditional one none")
        if y is not None:
            z = torch.cat([z, F.one_hot(y, self.n_classes).to(z.dtype)], dim=1)
        return self.net(z.view(z.shape[0], z.shape[1], 1, 1))

    def sample_noise(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """n standard normal noise vectors on the generator's device."""
        device = next(self.parameters()).device
        return torch.randn(n, NOISE_DIM, generator=generator).to(device)

    def example_input(self) -> Tensor:
        """One noise vector, for shape and FLOP bookkeeping (unconditional G)."""
        return torch.zeros(1, NOISE_DIM, device=next(self.parameters()).device)


class DCNet(nn.Module):
    """The discriminator-classifier — seed slide "Discriminator/Classifier Architecture".

    > We apply instance normalization after every convolution followed by Leaky Rectified linear
    > unit (LReLU) as non linear activation.

    Input (B, 1, 64, 64). Three unpadded convolutions, kernel 4, stride 2 (64→31→14→6) with
    width, 2·width, 4·width channels, each followed by LeakyReLU(0.1); then the classifier, an
    unpadded 6×6 convolution to ``n_outputs`` logits, output (B, n_outputs). ``n_outputs=3`` is the
    GAN's K+1-way DC net over [vessel, background, fake]; ``n_outputs=2`` is the CNN baseline
    (same architecture, K outputs).

    ``norm`` chooses where instance normalisation sits:

    * ``"instance"`` — as the paper: conv → InstanceNorm2d(affine) → LeakyReLU, three times.
    * ``"final"`` (default) — DEVIATION from the slide: no normalisation between the convolutions,
      and a single InstanceNorm2d(affine) of the last hidden map (6×6, after its LeakyReLU)
      directly before the linear classifier. Reason: per-patch statistics followed by a
      non-linearity make every pixel's patch a different function of the shared feature maps, so a
      whole-image dense evaluation could not share work between overlapping patches. Statistics
      followed only by a linear map can be applied after a shared dense computation, which keeps
      the fast whole-image prediction of :mod:`ganseg_lib.model.dense` exact.
    * ``"none"`` — DEVIATION from the slide, found by the generator check (``results/generator``):
      no normalisation at all. With the final norm kept no generator sample showed a vessel; our
      reading is that per-patch, per-channel statistics hide from the DC net how strongly a
      feature fires over the whole patch (uniform grain normalises to the same map as a smooth
      patch). Dense evaluation is a plain fully convolutional pass.

    Convolutions followed by a normalisation have no bias (it would be removed); the others do.
    """

    def __init__(self, n_outputs: int = K + 1, width: int = 32, norm: str = "final") -> None:
        super().__init__()
        if norm not in NORMS:
            raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
        if n_outputs not in (K, K + 1):
            raise ValueError(f"n_outputs must be {K} (CNN) or {K + 1} (DC net), got {n_outputs}")
        if width < 1:
            raise ValueError(f"width must be >= 1, got {width}")
        self.n_outputs = n_outputs
        self.width = width
        self.norm = norm
        self.negative_slope = LEAKY_SLOPE
        channels = [1, width, 2 * width, 4 * width]
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        for i, (c_in, c_out) in enumerate(zip(channels[:-1], channels[1:]), start=1):
            layers[f"conv{i}"] = nn.Conv2d(c_in, c_out, 4, 2, 0, bias=norm != "instance")
            if norm == "instance":
                layers[f"norm{i}"] = nn.InstanceNorm2d(c_out, affine=True)
            layers[f"lrelu{i}"] = nn.LeakyReLU(LEAKY_SLOPE)
        self.features = nn.Sequential(layers)
        # norm="final": the deviation described in the class docstring — the only normalisation,
        # after the last LeakyReLU and followed by nothing but the linear classifier.
        self.final_norm: nn.Module = (
            nn.InstanceNorm2d(channels[-1], affine=True) if norm == "final" else nn.Identity()
        )
        self.classifier = nn.Conv2d(channels[-1], n_outputs, 6, 1, 0, bias=True)
        self.apply(init_weights)

    def forward(self, x: Tensor) -> Tensor:
        """(B, 1, 64, 64) patches → (B, n_outputs) logits."""
        if x.ndim != 4 or tuple(x.shape[1:]) != (1, PATCH_SIZE, PATCH_SIZE):
            raise ValueError(
                f"x must have shape (B, 1, {PATCH_SIZE}, {PATCH_SIZE}), got {tuple(x.shape)}"
            )
        return self.classifier(self.embed(x)).flatten(1)

    def embed(self, x: Tensor) -> Tensor:
        """The last hidden map, (B, 4·width, 6, 6): what the linear classifier sees (after the
        final normalisation). Feature matching (Salimans et al. 2016) compares its batch means."""
        return self.final_norm(self.features(x))

    def example_input(self) -> Tensor:
        """One blank patch, for shape and FLOP bookkeeping."""
        return torch.zeros(1, 1, PATCH_SIZE, PATCH_SIZE, device=next(self.parameters()).device)


def vessel_probability(logits: Tensor) -> Tensor:
    """Test-time vessel score p(vessel) / (p(vessel) + p(background)) from (B, 2 or 3) logits.

    This is the softmax over the K = 2 real-class logits only, i.e. sigmoid(l_vessel −
    l_background); a fake logit, if present, is ignored. Why: the fake class is not a label of
    real test pixels; renormalising over the K real classes gives the classifier's
    p_DC(y | x, y < K+1), the same quantity L_c trains (seed slide "Semi-Supervised Learning with
    GAN"), and makes the GAN-CNN's score comparable with the CNN's. It ranks pixels for the AUC.
    """
    _check_logits(logits)
    return torch.sigmoid(logits[:, VESSEL] - logits[:, BACKGROUND])


def predict_label(logits: Tensor) -> Tensor:
    """y*(x) = argmax_y p_DC(c = y | x) over the real classes: 0 = vessel, 1 = background.

    Seed slide "Testing Details". The argmax runs over the K real classes only, so a real test
    pixel is never labelled fake; on ties it returns vessel.
    """
    _check_logits(logits)
    return logits[:, :K].argmax(dim=1)


def _check_logits(logits: Tensor) -> None:
    if logits.ndim != 2 or logits.shape[1] not in (K, K + 1):
        raise ValueError(
            f"logits must have shape (B, {K}) or (B, {K + 1}), got {tuple(logits.shape)}"
        )


def count_parameters(module: nn.Module) -> int:
    """Number of trainable scalars."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def _layer_flops(layer: nn.Module, inp: Tensor, out: Tensor) -> int:
    """2 × multiply-adds of one conv / deconv / linear layer for the given (batch 1) shapes."""
    if isinstance(layer, nn.Conv2d):
        kh, kw = layer.kernel_size
        per_output = (layer.in_channels // layer.groups) * kh * kw
        return 2 * per_output * out[0].numel()
    if isinstance(layer, nn.ConvTranspose2d):
        kh, kw = layer.kernel_size
        # every input value is scattered into kh·kw positions of out_channels/groups maps
        per_input = (layer.out_channels // layer.groups) * kh * kw
        return 2 * per_input * inp[0].numel()
    if isinstance(layer, nn.Linear):
        return 2 * layer.in_features * layer.out_features
    return 0


def layer_table(module: nn.Module, example_input: Tensor | None = None) -> list[dict]:
    """One row per leaf layer run on one sample: name, type, output shape, parameters, FLOPs.

    FLOPs count 2 × multiply-adds of convolutions, deconvolutions and linear layers (biases,
    normalisations and activations count 0). The input defaults to ``module.example_input()``.
    """
    x = module.example_input() if example_input is None else example_input
    if x.shape[0] != 1:
        raise ValueError("layer_table needs a single-sample input (batch size 1)")
    rows: list[dict] = []
    handles = []
    for name, layer in module.named_modules():
        if list(layer.children()):
            continue

        def hook(layer: nn.Module, args: tuple, out: Tensor, name: str = name) -> None:
            rows.append(
                {
                    "name": name,
                    "type": type(layer).__name__,
                    "output_shape": tuple(out.shape[1:]),
                    "parameters": sum(p.numel() for p in layer.parameters()),
                    "flops": _layer_flops(layer, args[0], out),
                }
            )

        handles.append(layer.register_forward_hook(hook))
    try:
        with torch.no_grad():
            module(x)
    finally:
        for handle in handles:
            handle.remove()
    return rows


def flops_per_patch(module: nn.Module, example_input: Tensor | None = None) -> int:
    """FLOPs (2 × multiply-adds of conv/deconv/linear layers) for one sample."""
    return sum(row["flops"] for row in layer_table(module, example_input))
