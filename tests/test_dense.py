"""Whole-image prediction: the patch convention, the patch-wise reference against the DC net,
and the fast dense path against the reference (max |Δp| ≤ 1e-4) for random sizes, pixels and
weights."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ganseg_lib.data.patches import extract_patches, pad_reflect
from ganseg_lib.model.dense import (
    dense_tile_rows,
    predict_dense,
    predict_dense_logits,
    predict_patchwise,
    predict_patchwise_logits,
)
from ganseg_lib.model.networks import DCNet, vessel_probability

TOL = 1e-4


def random_net(n: int, width: int, seed: int, scale: float = 0.1, norm: str = "final") -> DCNet:
    """A DC net with random weights of a given scale and norm affine parameters far from 1/0."""
    torch.manual_seed(seed)
    net = DCNet(n, width, norm)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, torch.nn.Conv2d):
                m.weight.normal_(0, scale)
                if m.bias is not None:
                    m.bias.normal_(0, scale)
            if isinstance(m, torch.nn.InstanceNorm2d):
                m.weight.normal_(1, 0.5)
                m.bias.normal_(0, 0.5)
    return net


def random_image(h: int, w: int, seed: int, kind: str = "noise") -> np.ndarray:
    rng = np.random.default_rng(seed)
    image = rng.uniform(-1, 1, size=(h, w)).astype(np.float32)
    if kind == "flat":  # constant regions: windows with ~0 variance, where eps dominates
        image[: h // 2] = 0.25
        image[:, : w // 3] = -0.5
    return image


def test_patch_convention_centres_the_pixel_at_32():
    image = random_image(50, 70, 0)
    assert pad_reflect(image).shape == (50 + 63, 70 + 63)
    pixels = np.array([(0, 0), (49, 69), (10, 40), (33, 5)])
    for patch, (r, c) in zip(extract_patches(image, pixels), pixels):
        assert patch.shape == (64, 64)
        assert patch[32, 32] == image[r, c]
    # an interior pixel: rows r−32 … r+31, columns c−32 … c+31, untouched by the padding
    big = random_image(100, 100, 9)
    np.testing.assert_array_equal(extract_patches(big, np.array([[40, 35]]))[0], big[8:72, 3:67])
    # the corner pixel: reflection without repeating the edge (numpy "reflect")
    corner = extract_patches(image, np.array([[0, 0]]))[0]
    assert corner[31, 32] == image[1, 0] and corner[0, 32] == image[32, 0]
    assert corner[32, 63] == image[0, 31]


@pytest.mark.parametrize("norm", ["final", "instance", "none"])
def test_patchwise_reference_is_the_dc_net_on_each_patch(norm):
    net = random_net(3, 4, 0, norm=norm)
    image = random_image(40, 57, 3)
    pixels = np.array([[0, 0], [39, 56], [17, 29], [2, 55]])
    patches = torch.from_numpy(extract_patches(image, pixels))[:, None]
    with torch.no_grad():
        expected = net(patches).numpy()
    got = predict_patchwise_logits(net, image, pixels, batch_size=3)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    probs = predict_patchwise(net, image, pixels)
    np.testing.assert_allclose(probs, vessel_probability(torch.from_numpy(expected)).numpy())
    full = predict_patchwise(net, image)
    assert full.shape == (40, 57) and full.dtype == np.float32
    np.testing.assert_allclose(full[pixels[:, 0], pixels[:, 1]], probs, atol=1e-6)


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("norm", ["final", "none"])
def test_dense_equals_patchwise_on_a_whole_non_square_image(n, norm):
    net = random_net(n, 4, 1, norm=norm)
    image = random_image(40, 57, 4)
    ref_logits = predict_patchwise_logits(net, image)
    logits = predict_dense_logits(net, image)
    assert logits.shape == (40, 57, n)
    np.testing.assert_allclose(logits, ref_logits, rtol=1e-4, atol=1e-4)
    p = predict_dense(net, image)
    assert p.shape == (40, 57) and p.dtype == np.float32
    assert np.abs(p - predict_patchwise(net, image)).max() <= TOL
    assert 0 <= p.min() and p.max() <= 1


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    height=st.integers(33, 80),
    width=st.integers(33, 80),
    n=st.sampled_from([2, 3]),
    net_width=st.sampled_from([4, 8]),
    scale=st.sampled_from([0.02, 0.1, 0.3]),
    kind=st.sampled_from(["noise", "flat"]),
    norm=st.sampled_from(["final", "none"]),
    seed=st.integers(0, 2**16),
    data=st.data(),
)
def test_dense_equals_patchwise_for_random_sizes_pixels_and_weights(
    height, width, n, net_width, scale, kind, norm, seed, data
):
    net = random_net(n, net_width, seed, scale, norm)
    image = random_image(height, width, seed, kind)
    rows = st.integers(0, height - 1)
    cols = st.integers(0, width - 1)
    picked = data.draw(st.lists(st.tuples(rows, cols), min_size=1, max_size=30))
    corners = [(0, 0), (0, width - 1), (height - 1, 0), (height - 1, width - 1)]
    edges = [(1, width // 2), (height - 2, width - 3), (height // 2, 0), (31, width - 1)]
    pixels = np.array(picked + corners + edges)
    tile = data.draw(st.one_of(st.none(), st.integers(1, height)))

    dense_logits = predict_dense_logits(net, image, tile=tile)
    got = dense_logits[pixels[:, 0], pixels[:, 1]]
    p_fast = predict_dense(net, image, tile=tile)[pixels[:, 0], pixels[:, 1]]
    # the float32 reference, and a float64 one that shows how close both are to exact
    for ref_net in (net, copy.deepcopy(net).double()):
        ref_logits = predict_patchwise_logits(ref_net, image, pixels)
        scale = max(1.0, float(np.abs(ref_logits).max()))
        assert np.abs(got - ref_logits).max() <= 1e-4 * scale
        p_ref = vessel_probability(torch.from_numpy(ref_logits)).numpy()
        assert np.abs(p_fast - p_ref).max() <= TOL


def test_constant_image_gives_the_bias_of_the_normalised_constant():
    """Every window is constant, so the final norm outputs β_c and logits = b + Σ_c β_c ΣW_kc."""
    net = random_net(3, 4, 3, scale=0.3)
    image = np.full((40, 45), 0.3, np.float32)
    w = net.classifier.weight.detach().double().numpy()
    beta = net.final_norm.bias.detach().double().numpy()
    expected = net.classifier.bias.detach().double().numpy() + w.sum(axis=(2, 3)) @ beta
    dense = predict_dense_logits(net, image)
    np.testing.assert_allclose(dense, np.broadcast_to(expected, dense.shape), atol=1e-5)
    ref = predict_patchwise_logits(net, image, np.array([[0, 0], [20, 30]]))
    np.testing.assert_allclose(ref, np.broadcast_to(expected, ref.shape), atol=1e-4)


def test_tiling_does_not_change_the_result():
    net = random_net(3, 4, 2)
    image = random_image(47, 36, 5)
    whole = predict_dense_logits(net, image)
    for tile in (1, 5, 46):
        np.testing.assert_allclose(predict_dense_logits(net, image, tile=tile), whole, atol=1e-5)


def test_tile_size_follows_the_memory_budget():
    net = DCNet(3, 32)
    assert dense_tile_rows(net, 584, 565, 2**30) == 584  # a DRIVE image in one tile
    assert dense_tile_rows(net, 584, 565, 2**27) < 584
    assert dense_tile_rows(net, 584, 565, 1) == 1
    small = dense_tile_rows(net, 584, 565, 2**28)
    assert dense_tile_rows(net, 584, 565, 2**29) > small


def test_dense_refuses_instance_norm_nets():
    with pytest.raises(ValueError, match="norm in"):
        predict_dense(DCNet(3, 4, "instance"), random_image(40, 40, 0))


@pytest.mark.parametrize("shape", [(32, 40), (40, 32), (10, 10)])
def test_images_too_small_for_reflect_padding_are_refused(shape):
    net = DCNet(3, 4)
    image = np.zeros(shape, np.float32)
    with pytest.raises(ValueError, match="too small"):
        predict_dense(net, image)
    with pytest.raises(ValueError, match="too small"):
        predict_patchwise(net, image, np.array([[0, 0]]))


def test_pixels_outside_the_image_are_refused():
    with pytest.raises(ValueError, match="inside"):
        predict_patchwise(DCNet(3, 4), random_image(40, 40, 0), np.array([[40, 0]]))
