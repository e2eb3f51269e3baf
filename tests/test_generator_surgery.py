"""The suspects' changes to a built generator, against direct references (numpy flips, the
unchanged network)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from ganseg_lib.experiment import generator_surgery as gs
from ganseg_lib.model.networks import Generator


def test_batch_norm_generator_swaps_every_normalisation():
    g = Generator(4)
    gs.batch_norm_generator(g)
    assert not any(isinstance(m, nn.GroupNorm) for m in g.modules())
    assert sum(isinstance(m, nn.BatchNorm2d) for m in g.modules()) == 4
    assert g(torch.zeros(2, 300)).shape == (2, 1, 64, 64)


def test_resize_conv_generator_leaves_no_stride_two_deconvolution():
    g = Generator(4)
    gs.resize_conv_generator(g)
    strided = [m for m in g.modules() if isinstance(m, nn.ConvTranspose2d) and m.stride == (2, 2)]
    assert strided == []
    assert sum(isinstance(m, nn.Upsample) for m in g.modules()) == 4
    assert g(torch.zeros(2, 300)).shape == (2, 1, 64, 64)


def test_random_flips_match_numpy_flips_of_each_image():
    x = torch.arange(6 * 2 * 3 * 4, dtype=torch.float32).view(6, 2, 3, 4)
    rng = torch.Generator().manual_seed(0)
    got = gs.random_flips(x, rng).numpy()
    rng = torch.Generator().manual_seed(0)
    lr = torch.rand(6, generator=rng).lt(0.5).numpy()
    ud = torch.rand(6, generator=rng).lt(0.5).numpy()
    assert lr.any() and (~lr).any() and ud.any() and (~ud).any()  # the seed covers all cases
    for i, image in enumerate(x.numpy()):
        want = image[:, :, ::-1] if lr[i] else image
        want = want[:, ::-1, :] if ud[i] else want
        np.testing.assert_array_equal(got[i], want)


def test_flips_reach_every_pixel_and_keep_the_gradient():
    """Over many draws a fake's last row lands in row 0 (and its last column in column 0), and
    the gradient of a loss on the flipped patch reaches all of G's parameters."""
    x = torch.zeros(400, 1, 64, 64)
    x[:, :, -1, :] = 1.0
    x[:, :, :, -1] = 2.0
    flipped = gs.random_flips(x, torch.Generator().manual_seed(0))
    assert (flipped[:, 0, 0, 1:-1] == 1.0).float().mean().item() == pytest.approx(0.5, abs=0.1)
    assert (flipped[:, 0, 1:-1, 0] == 2.0).float().mean().item() == pytest.approx(0.5, abs=0.1)
    g = Generator(4, arch="bnresize")
    gs.flip_fakes(g)
    g(torch.randn(4, 300)).sum().backward()
    assert all(p.grad is not None for p in g.parameters())


def test_flip_fakes_flips_only_while_training():
    torch.manual_seed(0)
    g = Generator(4, arch="bnresize").eval()
    z = torch.randn(64, 300)
    with torch.no_grad():
        before = g(z)
        gs.flip_fakes(g)
        assert torch.equal(g(z), before)  # eval: the check sees G itself
        g.train()
        plain = Generator(4, arch="bnresize").train()
        plain.load_state_dict(g.state_dict())
        trained = g(z)
        reference = plain(z)
    candidates = torch.stack(
        [reference, reference.flip(-1), reference.flip(-2), reference.flip(-1).flip(-2)]
    )
    same = (candidates == trained.unsqueeze(0)).flatten(2).all(-1)  # (4 flips, 64 patches)
    assert same.any(0).all()  # each patch is one of its four flips
    assert not same[0].all()  # and some are flipped


def test_pixel_noise_starts_as_the_identity_and_learns_its_scale():
    torch.manual_seed(0)
    g = Generator(4, arch="bnresize").eval()
    z = torch.randn(3, 300)
    with torch.no_grad():
        before = g(z)
    gs.inject_pixel_noise(g)
    noise = g.net.deconv_out[1]
    assert isinstance(noise, gs.PixelNoise)
    with torch.no_grad():
        torch.testing.assert_close(g(z), before)  # scale 0: the same network
        noise.scale.fill_(0.5)
        a, b = g(z), g(z)
    assert not torch.equal(a, b)  # fresh noise per call
    g(z).sum().backward()
    assert noise.scale.grad is not None and noise.scale.grad.abs().sum() > 0


def test_pixel_noise_needs_a_resize_generator():
    with pytest.raises(ValueError, match="bnresize"):
        gs.inject_pixel_noise(Generator(4))


def test_averaged_generator_is_the_exponential_moving_average_of_weights_and_buffers():
    torch.manual_seed(0)
    g = Generator(4, arch="bnresize")
    ema = gs.averaged_generator(g, decay=0.9)
    want = {}
    for step in range(3):
        with torch.no_grad():
            for p in g.parameters():
                p.add_(torch.randn_like(p))
        g(torch.randn(8, 300))  # batch norm's running statistics move too
        ema.update_parameters(g)
        now = g.state_dict()
        if step == 0:  # the first update copies G
            want = {k: v.detach().clone().float() for k, v in now.items()}
            continue
        want = {
            k: v if k.endswith("num_batches_tracked") else 0.9 * v + 0.1 * now[k].float()
            for k, v in want.items()
        }
    got = ema.module.state_dict()
    for key, value in want.items():
        if not key.endswith("num_batches_tracked"):
            torch.testing.assert_close(got[key].float(), value, msg=key)


def test_bilinear_generator_resizes_bilinearly_and_needs_resizing():
    g = Generator(4, arch="bnresize")
    gs.bilinear_generator(g)
    layers = [m for m in g.modules() if isinstance(m, nn.Upsample)]
    assert layers and all(m.mode == "bilinear" and m.align_corners is False for m in layers)
    x = torch.rand(1, 2, 4, 4)
    want = torch.nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    torch.testing.assert_close(layers[0](x), want)
    with pytest.raises(ValueError, match="bnresize"):
        gs.bilinear_generator(Generator(4))


@pytest.mark.parametrize(
    "name", ["fix+flips+pixel_noise+ema", "fix+flips+pixel_noise+dc_width32+spectral"]
)
def test_a_short_run_of_the_last_suspects_trains_checks_and_keeps_its_generator(
    tmp_path, monkeypatch, name
):
    """The whole chain of a suspect on top of the fix (flips, pixel noise, and the weight average
    or the spectral term) on toy images: it trains, is checked on the sampled generator, keeps
    its weights and reports the check on the seen region and by feature group."""
    from ganseg_lib.data.patches import PatchParams, make_patch_set
    from ganseg_lib.experiment import generator_suspects as gsx
    from ganseg_lib.experiment.suspect_list import SUSPECTS
    from tests.conftest import toy_record

    monkeypatch.setattr(gsx, "cpu_gan", _tiny_cpu_gan(gsx.cpu_gan))
    records = [toy_record(96, 80, seed=s) for s in range(2)]
    real = make_patch_set([toy_record(96, 80, seed=9)], PatchParams(60, seed=1), "phantom").patches
    suspect = SUSPECTS[name]
    got = gsx.short_run(
        suspect,
        3,
        real,
        records,
        n_patches=64,
        check_every=3,
        tail=2,
        out=tmp_path / "o",
        keep=tmp_path / "k",
    )
    assert got["iterations"] == 3 and len(got["checks"]) == 1
    assert set(got["group_accuracies"]) == set(gc_groups())
    assert 0.0 <= got["two_sample_accuracy_seen"] <= 1.0
    assert (tmp_path / "o" / f"{suspect.name}.samples.png").is_file()
    kept = torch.load(tmp_path / "k" / f"{suspect.name}.generator.pt", weights_only=True)
    assert any("deconv_out.1.scale" in k for k in kept)  # the pixel noise's scale is kept
    assert 0.0 <= got["two_sample_accuracy_without_spectrum"] <= 1.0
    # the kept weights rebuild the checked generator, pixel noise and all, for a recheck
    rebuilt = gsx.kept_generator(name, 3, keep=tmp_path / "k")
    assert any(isinstance(m, gs.PixelNoise) for m in rebuilt.modules())
    for key, value in rebuilt.state_dict().items():
        torch.testing.assert_close(value, kept[key])
    again = gsx.recheck(name, got, real, keep=tmp_path / "k")
    assert set(again) == {"two_sample_accuracy_without_spectrum", "two_sample_accuracy_recheck"}


def gc_groups():
    from ganseg_lib.evaluate.two_sample import FEATURE_GROUPS

    return FEATURE_GROUPS


def _tiny_cpu_gan(cpu_gan):
    """cpu_gan with the budget of a test: batch 8, a few validation pixels."""

    def tiny(n_patches, seed, iterations, **fields):
        return cpu_gan(n_patches, seed, iterations, batch_size=8, **fields)

    return tiny
