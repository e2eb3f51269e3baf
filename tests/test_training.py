"""Training: configuration errors, determinism, resumption, checkpoints, learning on the phantom."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch

from ganseg_lib.cli import main
from ganseg_lib.data.patches import PatchParams, make_patch_set
from ganseg_lib.errors import ConfigError, DataError
from ganseg_lib.train.checkpoint import load_dcnet, read_checkpoint
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.device import threads_label
from ganseg_lib.train.loop import RunData, train
from ganseg_lib.train.run_folder import RunFolder
from ganseg_lib.train.validation import ValidationSet
from tests.conftest import toy_record

TRAIN = [toy_record(96, 80, seed=s) for s in range(3)]
VAL = [toy_record(96, 80, seed=9)]


@pytest.fixture(scope="module")
def toy_data() -> RunData:
    patches = make_patch_set(TRAIN, PatchParams(200, seed=0), "phantom")
    return RunData(patches, ValidationSet.from_records(VAL, 256, seed=0))


def tiny(method="gan", **kw) -> TrainConfig:
    base = dict(
        method=method,
        data="phantom",
        n_patches=200,
        seed=1,
        iterations=6,
        width=4,
        g_width=4,
        batch_size=16,
        eval_every=3,
        n_validation_pixels=256,
    )
    return TrainConfig(**(base | kw))


def weights(run_dir) -> dict[str, torch.Tensor]:
    ckpt = read_checkpoint(run_dir / "checkpoint.pt")
    out = {f"d.{k}": v for k, v in ckpt["dcnet"].items()}
    if ckpt["generator"]:
        out |= {f"g.{k}": v for k, v in ckpt["generator"].items()}
    return out


def assert_same_weights(a, b):
    wa, wb = weights(a), weights(b)
    assert wa.keys() == wb.keys()
    for k in wa:
        assert torch.equal(wa[k], wb[k]), k


@pytest.mark.parametrize("method", ["gan", "cnn"])
def test_same_seed_same_weights(tmp_path, toy_data, method):
    train(tiny(method), tmp_path / "a", toy_data, log=lambda *a: None)
    train(tiny(method), tmp_path / "b", toy_data, log=lambda *a: None)
    assert_same_weights(tmp_path / "a", tmp_path / "b")
    train(tiny(method, seed=2), tmp_path / "c", toy_data, log=lambda *a: None)
    wa, wc = weights(tmp_path / "a"), weights(tmp_path / "c")
    assert not all(torch.equal(wa[k], wc[k]) for k in wa)


@pytest.mark.parametrize("method", ["gan", "cnn"])
def test_resume_gives_the_uninterrupted_weights(tmp_path, toy_data, method):
    config = tiny(method, iterations=7)  # 7: the last interval is shorter than eval_every
    train(config, tmp_path / "full", toy_data, log=lambda *a: None)
    train(config, tmp_path / "cut", toy_data, stop_after=4, log=lambda *a: None)
    assert read_checkpoint(tmp_path / "cut" / "checkpoint.pt")["iteration"] == 3
    train(config, tmp_path / "cut", toy_data, resume=True, log=lambda *a: None)
    assert_same_weights(tmp_path / "full", tmp_path / "cut")
    full, cut = (
        RunFolder(tmp_path / "full").read_history(),
        RunFolder(tmp_path / "cut").read_history(),
    )
    assert [h["iteration"] for h in cut] == [3, 6, 7]
    for a, b in zip(full, cut):
        assert a["L_c"] == b["L_c"] and a["val_auc"] == b["val_auc"]


def test_history_and_samples(tmp_path, toy_data):
    train(tiny("gan"), tmp_path / "r", toy_data, log=lambda *a: None)
    hist = RunFolder(tmp_path / "r").read_history()
    assert [h["iteration"] for h in hist] == [3, 6]
    for key in ("L_c", "L_adv", "L_G", "real_acc", "fake_detect", "val_auc", "patches_per_s"):
        assert np.isfinite(hist[-1][key]), key
    assert 0 <= hist[-1]["real_acc"] <= 1 and 0 <= hist[-1]["fake_detect"] <= 1
    samples = np.load(tmp_path / "r" / "samples" / "iter_0000006.npy")
    assert samples.shape == (16, 64, 64) and samples.dtype == np.uint8
    config = json.loads((tmp_path / "r" / "config.json").read_text())
    assert TrainConfig.from_json(config) == tiny("gan")


def test_lr_decays_by_08_every_20_epochs(tmp_path, toy_data):
    # 200 patches / batch 16 = 13 iterations per epoch; decay every 0.2 epochs = 3 iterations
    config = tiny("cnn", iterations=9, decay_every_epochs=0.2)
    train(config, tmp_path / "r", toy_data, log=lambda *a: None)
    lrs = [h["lr"] for h in RunFolder(tmp_path / "r").read_history()]
    assert lrs == pytest.approx([1e-4 * 0.8, 1e-4 * 0.8**2, 1e-4 * 0.8**3])


def test_existing_run_needs_resume(tmp_path, toy_data):
    train(tiny("cnn"), tmp_path / "r", toy_data, log=lambda *a: None)
    with pytest.raises(ConfigError, match="already holds a run"):
        train(tiny("cnn"), tmp_path / "r", toy_data, log=lambda *a: None)
    with pytest.raises(ConfigError, match="different configuration"):
        train(tiny("cnn", seed=5), tmp_path / "r", toy_data, resume=True, log=lambda *a: None)


def test_corrupted_checkpoint_is_reported_not_loaded(tmp_path, toy_data):
    train(tiny("cnn"), tmp_path / "r", toy_data, log=lambda *a: None)
    path = tmp_path / "r" / "checkpoint.pt"
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(DataError, match="corrupted"):
        load_dcnet(tmp_path / "r")


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(method="vae"), "method must be one of"),
        (dict(n_patches=1), "n_patches must be an integer >= 2"),
        (dict(iterations=None), "give exactly one of iterations and epochs"),
        (dict(epochs=2.0), "give exactly one of iterations and epochs"),
        (dict(norm="batch"), "norm must be one of"),
    ],
)
def test_bad_configurations_name_the_field(kw, message):
    """The library names the configuration field; the command line names its flag (below)."""
    with pytest.raises(ConfigError, match=f"^{message}") as err:
        tiny(**kw)
    assert err.value.field == ("iterations" if "exactly" in message else message.split()[0])


def test_an_unknown_method_is_one_line_naming_the_flag(tmp_path, capsys):
    argv = ["train", "--data", "phantom", "--n-patches", "10", "--iterations", "1"]
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--out-dir", str(tmp_path / "r"), "--method", "vae"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1
    assert "argument --method: invalid choice: 'vae'" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--method", "gan", "--n-patches", "1"], "--n-patches must be an integer >= 2"),
        (["--method", "gan", "--width", "0"], "--width must be an integer >= 1"),
        (["--method", "gan", "--data", "drive", "--drive-dir", "/nonexistent"], "does not exist"),
    ],
)
def test_cli_bad_configuration_exits_2(tmp_path, capsys, args, message):
    argv = [
        "train",
        "--data",
        "phantom",
        "--n-patches",
        "10",
        "--iterations",
        "1",
        "--out",
        str(tmp_path / "r"),
    ]
    code = main(argv + args)
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output(tmp_path, toy_data):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    with pytest.raises(ConfigError, match="not writable"):
        train(tiny("cnn"), ro / "r", toy_data, log=lambda *a: None)


def test_output_that_is_a_file(tmp_path, toy_data):
    (tmp_path / "f").write_text("")
    with pytest.raises(ConfigError, match="not writable"):
        train(tiny("cnn"), tmp_path / "f", toy_data, log=lambda *a: None)


@pytest.mark.parametrize("method", ["cnn", "gan"])
def test_short_training_on_the_phantom_beats_chance(tmp_path, method):
    from ganseg_lib.data.phantom import load_phantom
    from ganseg_lib.train.loop import prepare_data

    records = load_phantom("training", n_images=6, seed=0)
    config = TrainConfig(
        method=method,
        data="phantom",
        n_patches=2000,
        seed=0,
        iterations=150,
        width=8,
        g_width=8,
        eval_every=50,
        n_validation_pixels=2000,
    )
    data = prepare_data(config, records[:5], records[5:])
    train(config, tmp_path / "r", data, log=lambda *a: None)
    assert RunFolder(tmp_path / "r").read_history()[-1]["val_auc"] >= 0.9


def test_threads_label_names_one_thread_in_the_singular():
    assert [threads_label(k) for k in (1, 2, 16)] == ["1 thread", "2 threads", "16 threads"]
