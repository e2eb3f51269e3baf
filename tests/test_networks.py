"""Generator and DC net: shapes, layer order, parameter counts and FLOPs against hand counts,
the final-norm deviation against a numpy re-implementation, and the test-time vessel score."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.special import softmax
from torch import nn

from ganseg_lib.model.networks import (
    DCNet,
    Generator,
    count_parameters,
    flops_per_patch,
    layer_table,
    predict_label,
    vessel_probability,
)
from ganseg_lib.paper import BACKGROUND, FAKE, NOISE_DIM, VESSEL


def generator_params(w: int) -> int:
    """By hand: deconvolutions without bias (a norm follows), norms 2·C, output deconv + bias."""
    deconvs = NOISE_DIM * 8 * w * 16 + 8 * w * 4 * w * 16 + 4 * w * 2 * w * 16 + 2 * w * w * 16
    norms = 2 * (8 * w + 4 * w + 2 * w + w)
    return deconvs + norms + w * 16 + 1


def dcnet_params(n: int, w: int, norm: str) -> int:
    """By hand: three 4×4 convs (bias only without a following norm), norms, 6×6 classifier."""
    weights = 1 * w * 16 + w * 2 * w * 16 + 2 * w * 4 * w * 16
    classifier = 4 * w * 36 * n + n
    if norm == "final":
        return weights + (w + 2 * w + 4 * w) + 2 * 4 * w + classifier
    if norm == "none":  # every convolution has a bias, nothing else
        return weights + (w + 2 * w + 4 * w) + classifier
    return weights + 2 * (w + 2 * w + 4 * w) + classifier


@pytest.mark.parametrize("width", [4, 8])
def test_generator_parameter_count_matches_hand_count(width):
    assert count_parameters(Generator(width)) == generator_params(width)


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("norm", ["final", "instance", "none"])
@pytest.mark.parametrize("width", [4, 8])
def test_dcnet_parameter_count_matches_hand_count(n, norm, width):
    assert count_parameters(DCNet(n, width, norm)) == dcnet_params(n, width, norm)


def bnresize_generator_params(w: int) -> int:
    """By hand: the first deconvolution as the paper's; then 3×3 convolutions (bias only on the
    output one), batch norms 2·C."""
    first = NOISE_DIM * 8 * w * 16
    convs = 8 * w * 4 * w * 9 + 4 * w * 2 * w * 9 + 2 * w * w * 9 + w * 9 + 1
    return first + convs + 2 * (8 * w + 4 * w + 2 * w + w)


@pytest.mark.parametrize("width", [4, 8])
def test_bnresize_generator_counts_shapes_and_layers(width):
    g = Generator(width, arch="bnresize")
    assert count_parameters(g) == bnresize_generator_params(width)
    norms = [m for m in g.modules() if isinstance(m, (nn.BatchNorm2d, nn.GroupNorm))]
    assert len(norms) == 4 and all(isinstance(m, nn.BatchNorm2d) for m in norms)
    assert not any(isinstance(m, nn.ConvTranspose2d) and m.stride == (2, 2) for m in g.modules())
    ups = [m for m in g.modules() if isinstance(m, nn.Upsample)]
    assert len(ups) == 4 and all(m.mode == "nearest" and m.scale_factor == 2 for m in ups)
    torch.manual_seed(0)
    x = g(torch.randn(3, NOISE_DIM))
    assert x.shape == (3, 1, 64, 64) and x.abs().max() <= 1
    # nearest ×2 and a 3×3 convolution equal torch's interpolate + conv2d, by hand
    block = g.net.deconv1
    h = torch.randn(2, 8 * width, 4, 4)
    expected = torch.nn.functional.conv2d(
        torch.nn.functional.interpolate(h, scale_factor=2, mode="nearest"),
        block[1].weight,
        padding=1,
    )
    torch.testing.assert_close(block(h), expected)
    with pytest.raises(ValueError, match="arch must be one of"):
        Generator(width, arch="dcgan")


def test_width_32_counts():
    # the numbers quoted in the book
    assert count_parameters(Generator(32)) == 1_918_401
    assert count_parameters(DCNet(3, 32)) == 178_659
    assert count_parameters(DCNet(2, 32)) == 174_050


def test_generator_maps_noise_to_patches_in_tanh_range():
    torch.manual_seed(0)
    g = Generator(4)
    z = 50 * torch.randn(5, NOISE_DIM)  # far outside N(0, I): the output must still be in range
    x = g(z)
    assert x.shape == (5, 1, 64, 64)
    assert x.min() >= -1 and x.max() <= 1
    assert x.std() > 0
    assert g.sample_noise(3).shape == (3, NOISE_DIM)


def test_generator_has_instance_norm_and_relu_after_every_hidden_deconvolution():
    layers = list(Generator(4).net)
    deconvs = [i for i, m in enumerate(layers) if isinstance(m, nn.ConvTranspose2d)]
    assert len(deconvs) == 5
    for i in deconvs[:-1]:
        norm = layers[i + 1]  # instance norm: one group per channel
        assert isinstance(norm, nn.GroupNorm) and norm.affine
        assert norm.num_groups == norm.num_channels == layers[i].out_channels
        assert isinstance(layers[i + 2], nn.ReLU)
    assert isinstance(layers[deconvs[-1] + 1], nn.Tanh)
    sizes = [row["output_shape"] for row in layer_table(Generator(4)) if row["type"] == "Tanh"]
    assert sizes == [(1, 64, 64)]
    spatial = [
        row["output_shape"][1:] for row in layer_table(Generator(4)) if "deconv" in row["name"]
    ]
    assert spatial == [(4, 4), (8, 8), (16, 16), (32, 32), (64, 64)]


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("norm", ["final", "instance"])
def test_dcnet_output_and_hidden_shapes(n, norm):
    net = DCNet(n, 4, norm)
    assert net(torch.randn(7, 1, 64, 64)).shape == (7, n)
    convs = [r["output_shape"] for r in layer_table(net) if r["type"] == "Conv2d"]
    assert convs == [(4, 31, 31), (8, 14, 14), (16, 6, 6), (n, 1, 1)]


def test_instance_variant_normalises_after_each_conv_then_leaky_relu():
    net = DCNet(3, 4, "instance")
    layers = list(net.features)
    convs = [i for i, m in enumerate(layers) if isinstance(m, nn.Conv2d)]
    assert len(convs) == 3
    for i in convs:
        norm, act = layers[i + 1], layers[i + 2]
        assert isinstance(norm, nn.InstanceNorm2d) and norm.affine
        assert norm.num_features == layers[i].out_channels
        assert isinstance(act, nn.LeakyReLU) and act.negative_slope == 0.1
    assert isinstance(net.final_norm, nn.Identity)


def test_final_variant_has_one_norm_before_the_classifier():
    net = DCNet(3, 4, "final")
    assert not any(isinstance(m, nn.InstanceNorm2d) for m in net.features)
    assert isinstance(net.final_norm, nn.InstanceNorm2d) and net.final_norm.affine
    slopes = [m.negative_slope for m in net.features if isinstance(m, nn.LeakyReLU)]
    assert slopes == [0.1, 0.1, 0.1]


def test_final_norm_is_per_patch_instance_norm_then_linear_classifier():
    """Re-implement the head in numpy: biased variance over the 6×6 map, eps 1e-5, affine."""
    torch.manual_seed(1)
    net = DCNet(3, 4, "final")
    with torch.no_grad():
        net.final_norm.weight.normal_(1, 0.5)
        net.final_norm.bias.normal_(0, 0.5)
    x = torch.rand(4, 1, 64, 64) * 2 - 1
    with torch.no_grad():
        h = net.features(x).double().numpy()  # (4, 16, 6, 6), after the last LeakyReLU
        got = net(x).double().numpy()
    mu = h.mean(axis=(2, 3), keepdims=True)
    var = ((h - mu) ** 2).mean(axis=(2, 3), keepdims=True)
    gamma = net.final_norm.weight.detach().double().numpy()[None, :, None, None]
    beta = net.final_norm.bias.detach().double().numpy()[None, :, None, None]
    normed = gamma * (h - mu) / np.sqrt(var + 1e-5) + beta
    w = net.classifier.weight.detach().double().numpy()
    b = net.classifier.bias.detach().double().numpy()
    expected = np.einsum("bcij,kcij->bk", normed, w) + b
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_flops_match_hand_count():
    w, n = 4, 3
    expected = 2 * (
        16 * w * 31 * 31  # conv1: 1·4·4 inputs per output value
        + w * 16 * 2 * w * 14 * 14
        + 2 * w * 16 * 4 * w * 6 * 6
        + 4 * w * 36 * n
    )
    assert flops_per_patch(DCNet(n, w)) == expected
    # a deconvolution scatters every input value into 4·4·C_out outputs
    g_expected = 2 * (
        NOISE_DIM * 16 * 8 * w
        + 8 * w * 4 * 4 * 16 * 4 * w
        + 4 * w * 8 * 8 * 16 * 2 * w
        + 2 * w * 16 * 16 * 16 * w
        + w * 32 * 32 * 16 * 1
    )
    assert flops_per_patch(Generator(w)) == g_expected


@pytest.mark.parametrize("module", [Generator(4), DCNet(3, 4), DCNet(2, 4, "instance")])
def test_layer_table_adds_up(module):
    rows = layer_table(module)
    assert sum(r["parameters"] for r in rows) == count_parameters(module)
    assert sum(r["flops"] for r in rows) == flops_per_patch(module)
    assert all({"name", "type", "output_shape", "parameters", "flops"} <= set(r) for r in rows)


def test_init_weights_is_dcgan():
    torch.manual_seed(0)
    net = DCNet(3, 32)
    w = net.features.conv3.weight.detach()
    assert abs(w.mean().item()) < 1e-3 and abs(w.std().item() - 0.02) < 1e-3
    assert torch.all(net.features.conv3.bias == 0) and torch.all(net.classifier.bias == 0)
    gamma = net.final_norm.weight.detach()
    assert abs(gamma.mean().item() - 1) < 0.01 and 0.01 < gamma.std().item() < 0.03
    assert torch.all(net.final_norm.bias == 0)


def test_vessel_probability_is_softmax_over_real_classes():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=3, size=(50, 3))
    expected = softmax(logits[:, :2], axis=1)[:, VESSEL]
    got3 = vessel_probability(torch.from_numpy(logits))
    got2 = vessel_probability(torch.from_numpy(logits[:, :2].copy()))
    np.testing.assert_allclose(got3.numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(got2.numpy(), expected, rtol=1e-12)
    shifted = logits.copy()
    shifted[:, FAKE] += 100  # the fake logit is ignored
    np.testing.assert_allclose(vessel_probability(torch.from_numpy(shifted)).numpy(), expected)


def test_vessel_probability_is_stable_for_huge_logits():
    logits = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e4], [3e4, 3e4, -1e4]])
    p = vessel_probability(logits)
    assert torch.all(torch.isfinite(p))
    np.testing.assert_allclose(p.numpy(), [1.0, 0.0, 0.5])


def test_predict_label_is_argmax_over_real_classes():
    logits = torch.tensor([[2.0, 1.0, 9.0], [0.0, 3.0, 9.0], [1.0, 1.0, 0.0]])
    np.testing.assert_array_equal(predict_label(logits).numpy(), [VESSEL, BACKGROUND, VESSEL])
    np.testing.assert_array_equal(predict_label(logits[:, :2]).numpy(), [0, 1, 0])


def test_invalid_arguments_raise():
    with pytest.raises(ValueError, match="norm"):
        DCNet(3, 4, "batch")
    with pytest.raises(ValueError, match="n_outputs"):
        DCNet(4, 4)
    with pytest.raises(ValueError, match="shape"):
        DCNet(3, 4)(torch.zeros(1, 1, 65, 65))
    with pytest.raises(ValueError, match="shape"):
        Generator(4)(torch.zeros(2, 100))
    with pytest.raises(ValueError, match="logits"):
        vessel_probability(torch.zeros(3, 4))


def test_the_generators_instance_norm_is_torchs_instance_norm():
    """GroupNorm with one group per channel computes InstanceNorm2d(affine=True)."""
    from ganseg_lib.model.networks import instance_norm

    torch.manual_seed(0)
    x = torch.randn(5, 6, 8, 8) * 3 + 1
    ours, reference = instance_norm(6), nn.InstanceNorm2d(6, affine=True)
    nn.init.normal_(ours.weight)
    nn.init.normal_(ours.bias)
    reference.load_state_dict(ours.state_dict())
    torch.testing.assert_close(ours(x), reference(x), rtol=1e-5, atol=1e-5)
