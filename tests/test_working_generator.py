"""The generator that passed the check, as the library trains it: G with pixel noise, the fakes
flipped at random, one more G update per iteration on the spectral term, and the profile and
cell names of its re-run. Against references: the suspects' own surgery, a hand-made step."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from ganseg_lib.errors import ConfigError
from ganseg_lib.experiment import generator_surgery as gs
from ganseg_lib.experiment.grid import applicable_overrides
from ganseg_lib.model.networks import Generator, PixelNoise
from ganseg_lib.train.checkpoint import build_state
from ganseg_lib.train.config import GENERATOR_FIX, WORKING_GENERATOR, TrainConfig
from ganseg_lib.train.loop import train
from ganseg_lib.train.profiles import get_profile
from ganseg_lib.train.run_folder import RunFolder
from ganseg_lib.train.step import Batch, make_fakes, train_step
from tests.test_training import TRAIN, VAL, assert_same_weights, tiny


def test_the_noise_generator_is_the_suspects_surgery_built_in():
    """Same layers, names and shapes as bnresize + inject_pixel_noise: the suspects' kept
    weights load into it."""
    built = Generator(4, arch="bnresize-noise")
    cut = Generator(4, arch="bnresize")
    gs.inject_pixel_noise(cut)
    assert [(k, v.shape) for k, v in built.state_dict().items()] == [
        (k, v.shape) for k, v in cut.state_dict().items()
    ]
    built.load_state_dict(cut.state_dict())
    assert isinstance(built.net.deconv_out[1], PixelNoise)
    assert built(torch.zeros(2, 300)).shape == (2, 1, 64, 64)


def _config(**fields) -> TrainConfig:
    profile = get_profile("cpu-dc32")
    return profile.config("gan", 64, 0, "drive", **(WORKING_GENERATOR | fields))


def test_the_working_generators_cells_and_profile():
    config = _config()
    assert (config.width, config.g_width, config.total_iterations) == (32, 16, 5_000)
    assert config.step == "fused"
    assert config.cell == (
        "gan-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n64-s0"
    )
    cnn = applicable_overrides(WORKING_GENERATOR, "cnn")
    assert cnn == {"norm": "none", "lr": 2e-4}  # the same DC net and optimiser, nothing of G
    assert applicable_overrides(GENERATOR_FIX, "gan") == GENERATOR_FIX
    for field, value in (("fake_flips", True), ("spectral_weight", 1.0)):
        with pytest.raises(ConfigError, match=f"{field}: method cnn trains no generator"):
            TrainConfig(method="cnn", data="drive", n_patches=64, iterations=1, **{field: value})
        with pytest.raises(ConfigError, match="the slide's generator"):
            TrainConfig(
                method="gan",
                data="drive",
                n_patches=64,
                iterations=1,
                step="replication",
                **{field: value},
            )
    with pytest.raises(ConfigError, match="spectral_weight must be >= 0"):
        _config(spectral_weight=-1.0)


def test_fakes_are_flipped_from_the_runs_own_random_stream():
    """With flips, make_fakes returns G's patches flipped as random_flips does with the same
    draws from state.rng; the two networks see the same z as without flips."""
    config = dataclasses.replace(_config(), width=4, g_width=4)
    plain = dataclasses.replace(config, fake_flips=False)
    a, b = build_state(config, torch.device("cpu")), build_state(plain, torch.device("cpu"))
    b.generator.load_state_dict(a.generator.state_dict())
    a.generator.eval(), b.generator.eval()  # batch norm's running statistics, no pixel noise
    for g in (a.generator, b.generator):
        g.net.deconv_out[1].scale.data.zero_()
    fake_a, _ = make_fakes(a, config, 6, "cpu")
    fake_b, _ = make_fakes(b, plain, 6, "cpu")
    want = gs.random_flips(fake_b, b.rng)  # the flips' draws follow z's on the same stream
    torch.testing.assert_close(fake_a, want)
    assert not torch.equal(fake_a, fake_b)


def test_a_step_adds_one_spectral_update_and_steps_gs_schedule_once():
    config = dataclasses.replace(_config(), width=4, g_width=4, batch_size=4)
    state = build_state(config, torch.device("cpu"))
    before = {k: v.clone() for k, v in state.generator.state_dict().items()}
    x = torch.rand(4, 1, 64, 64) * 2 - 1
    metrics = train_step(state, config, Batch(x, torch.tensor([0, 1, 0, 1])))
    assert metrics["L_spec"] > 0 and "L_G" in metrics
    assert state.sched_g.last_epoch == 1 and state.sched_d.last_epoch == 1
    assert state.opt_g.state[next(iter(state.generator.parameters()))]["step"] == 2  # two updates
    after = state.generator.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before)
    no_term = dataclasses.replace(config, spectral_weight=0.0)
    other = build_state(no_term, torch.device("cpu"))
    assert "L_spec" not in train_step(other, no_term, Batch(x, torch.tensor([0, 1, 0, 1])))
    assert other.opt_g.state[next(iter(other.generator.parameters()))]["step"] == 1


def test_the_library_loop_trains_it_logs_the_term_and_resumes_exactly(tmp_path):
    """The loop's history carries L_spec, and a run cut and resumed ends with the weights of
    the uninterrupted one, pixel noise included: its draws come from torch's global stream,
    which the checkpoint keeps (a resumed run's build reseeds the stream from the start)."""
    from ganseg_lib.data.patches import PatchParams, make_patch_set
    from ganseg_lib.train.loop import RunData
    from ganseg_lib.train.validation import ValidationSet

    patches = make_patch_set(TRAIN, PatchParams(200, seed=0), "phantom")
    toy_data = RunData(patches, ValidationSet.from_records(VAL, 256, seed=0))
    config = tiny("gan", iterations=7, **WORKING_GENERATOR)
    train(config, tmp_path / "full", toy_data, log=lambda *a: None)
    train(config, tmp_path / "cut", toy_data, stop_after=4, log=lambda *a: None)
    train(config, tmp_path / "cut", toy_data, resume=True, log=lambda *a: None)
    assert_same_weights(tmp_path / "full", tmp_path / "cut")
    history = RunFolder(tmp_path / "full").read_history()
    assert all(h["L_spec"] > 0 for h in history)


def test_a_checkpoint_from_before_the_global_stream_still_resumes(tmp_path):
    """Checkpoints written before "torch_rng" existed load: the run goes on from them."""
    from ganseg_lib.train.checkpoint import load_state, read_checkpoint, save_checkpoint

    config = dataclasses.replace(_config(), width=4, g_width=4)
    state = build_state(config, torch.device("cpu"))
    save_checkpoint(tmp_path / "checkpoint.pt", state, config)
    old = read_checkpoint(tmp_path / "checkpoint.pt")
    del old["torch_rng"]
    again = load_state(old, config, torch.device("cpu"))
    assert again.iteration == 0
    for key, value in state.generator.state_dict().items():
        torch.testing.assert_close(again.generator.state_dict()[key], value)


@pytest.mark.parametrize(
    "argv, match",
    [
        (["--working-generator"], "--working-generator runs with --profile cpu-dc32"),
        (["--working-generator", "--profile", "scarce"], "a study sets it per arm"),
    ],
)
def test_the_command_line_keeps_the_working_generator_to_its_profile(argv, match, tmp_path, capsys):
    from ganseg_lib.cli import main

    out = ["--runs", str(tmp_path / "r"), "--results", str(tmp_path / "x")]
    assert main(["grid", *argv, *out]) == 2
    assert match in capsys.readouterr().err
    assert not (tmp_path / "r").exists()  # refused before anything ran
