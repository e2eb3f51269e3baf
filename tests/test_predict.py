"""``ganseg predict``: many images per call, bad files skipped, outputs, thresholds, and scale
normalisation (checked against scikit-image's resampling)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from skimage.draw import disk as draw_disk
from skimage.transform import rescale as sk_rescale

from ganseg_lib.cli import main
from ganseg_lib.data.fov import DRIVE_FOV_DIAMETER, derive_fov, fov_diameter
from ganseg_lib.errors import ConfigError, DataError
from ganseg_lib.predict import (
    DEFAULT_THRESHOLD,
    OVERLAY_COLOUR,
    collect_inputs,
    load_predictor,
    output_stems,
    overlay,
    predict_probability,
    scale_factor,
)


def save_random_checkpoint(run_dir, data="drive", width=4):
    """A DC net with random (seeded) weights, saved as training saves its checkpoints."""
    import torch

    from ganseg_lib.train.checkpoint import build_state, save_checkpoint
    from ganseg_lib.train.config import TrainConfig

    config = TrainConfig(method="cnn", data=data, n_patches=64, iterations=1, width=width)
    run_dir.mkdir(parents=True, exist_ok=True)
    save_checkpoint(run_dir / "checkpoint.pt", build_state(config, torch.device("cpu")), config)
    return run_dir


def fundus(h=120, w=130, seed=0):
    """A small synthetic fundus image: a textured disc with dark vessel lines on black."""
    rng = np.random.default_rng(seed)
    rgb = np.zeros((h, w, 3), np.uint8)
    fov = np.zeros((h, w), bool)
    fov[draw_disk((h / 2, w / 2), 0.45 * min(h, w), shape=fov.shape)] = True
    texture = rng.integers(120, 200, size=(h, w)).astype(np.uint8)
    rgb[..., 0], rgb[..., 1], rgb[..., 2] = texture, texture // 2, texture // 5
    rr, cc = np.mgrid[:h, :w]
    vessels = (np.abs(rr - cc * 0.6 - 10) < 2) | (np.abs(cc - w // 3) < 2)
    rgb[vessels] //= 3
    rgb[~fov] = 0
    return rgb, fov


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return save_random_checkpoint(tmp_path_factory.mktemp("run") / "cnn-drive")


@pytest.fixture(scope="module")
def predictor(run_dir):
    return load_predictor(run_dir)


def test_predictor_knows_its_training_scale_and_threshold(run_dir, tmp_path):
    pred = load_predictor(run_dir / "checkpoint.pt")
    assert pred.data == "drive" and pred.fov_diameter == DRIVE_FOV_DIAMETER
    assert pred.threshold is None and "no run record" in pred.threshold_source
    phantom = load_predictor(save_random_checkpoint(tmp_path / "ph", data="phantom"))
    assert phantom.fov_diameter is None  # the phantom has no fixed scale: never rescaled
    with pytest.raises(DataError, match="not a checkpoint file"):
        load_predictor(tmp_path / "nothing-here")


def test_validation_threshold_comes_from_the_run_record(tmp_path, monkeypatch):
    run = save_random_checkpoint(tmp_path / "runs" / "cnn-n64-s0")
    monkeypatch.chdir(tmp_path)
    record = tmp_path / "results" / "cpu" / "drive" / "cnn-n64-s0.json"
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"run_dir": str(run), "validation_threshold": 0.37}))
    pred = load_predictor(run)
    assert pred.threshold == pytest.approx(0.37) and str(record.name) in pred.threshold_source
    record.write_text(json.dumps({"run_dir": "elsewhere", "validation_threshold": 0.37}))
    assert load_predictor(run).threshold is None  # a record of another run folder is not used
    (run / "record.json").write_text(json.dumps({"validation_threshold": 0.41}))
    assert load_predictor(run).threshold == pytest.approx(0.41)


def test_scale_factor_brings_the_fov_to_the_training_diameter():
    fov = np.zeros((300, 300), bool)
    fov[draw_disk((150, 150), 135.4, shape=fov.shape)] = True
    assert fov_diameter(fov) == 271
    assert scale_factor(fov, DRIVE_FOV_DIAMETER) == pytest.approx(540 / 271)
    with pytest.raises(DataError, match="outside"):
        scale_factor(fov, 271 * 5)


def test_scale_normalisation_makes_the_map_scale_invariant(predictor):
    rgb, fov = fundus()
    own = replace(predictor, fov_diameter=fov_diameter(fov))  # trained at this image's scale
    native, factor = predict_probability(own, rgb, fov)
    assert factor == 1.0 and native.shape == fov.shape and not native[~fov].any()
    # the same eye photographed at twice the resolution (scikit-image's bilinear upscaling)
    big = np.round(sk_rescale(rgb, 2, order=1, channel_axis=-1, preserve_range=True))
    big = big.astype(np.uint8)
    big_fov = derive_fov(big)
    scaled, factor = predict_probability(own, big, big_fov)
    assert factor == pytest.approx(fov_diameter(fov) / fov_diameter(big_fov))
    unscaled, _ = predict_probability(own, big, big_fov, rescale=False)
    assert scaled.shape == big_fov.shape and not scaled[~big_fov].any()
    reference = sk_rescale(native, 2, order=1)  # the native map at the big image's size
    inside = big_fov & sk_rescale(fov.astype(float), 2, order=0).astype(bool)
    r_scaled = np.corrcoef(scaled[inside], reference[inside])[0, 1]
    r_unscaled = np.corrcoef(unscaled[inside], reference[inside])[0, 1]
    assert r_scaled > 0.75 and r_scaled > r_unscaled + 0.3, (r_scaled, r_unscaled)


def test_collect_inputs_and_output_names(tmp_path):
    (tmp_path / "d").mkdir()
    for name in ("b.png", "a.jpg", ".hidden.png"):
        (tmp_path / "d" / name).write_bytes(b"")
    (tmp_path / "d" / "sub").mkdir()
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "a.png").write_bytes(b"")
    files = collect_inputs([tmp_path / "x" / "a.png", tmp_path / "d", tmp_path / "d" / "b.png"])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["x/a.png", "d/a.jpg", "d/b.png"]
    assert output_stems(files) == ["a", "a-2", "b"]
    assert collect_inputs([tmp_path / "d"], exclude=tmp_path / "d") == []


def test_overlay_paints_only_the_vessels():
    rgb = np.full((4, 5, 3), 100, np.uint8)
    mask = np.zeros((4, 5), bool)
    mask[1, 2] = True
    out = overlay(rgb, mask, alpha=0.5)
    expected = np.round(0.5 * 100 + 0.5 * np.asarray(OVERLAY_COLOUR)).astype(np.uint8)
    np.testing.assert_array_equal(out[1, 2], expected)
    np.testing.assert_array_equal(out[~mask], rgb[~mask])


def test_cli_many_images_bad_files_skipped(tmp_path, run_dir, predictor, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    images = {}
    for i, name in enumerate(("eye1.png", "eye2.jpg")):
        rgb, _ = fundus(seed=i)
        Image.fromarray(rgb).save(folder / name, quality=95)
        images[name] = np.asarray(Image.open(folder / name).convert("RGB"))
    (folder / "notes.txt").write_text("not an image")
    Image.fromarray(np.zeros((100, 100), np.uint8)).save(folder / "gray.png")
    Image.fromarray(np.zeros((20, 30, 3), np.uint8)).save(folder / "tiny.png")
    single, _ = fundus(seed=5)
    Image.fromarray(single).save(tmp_path / "single.png")
    out = tmp_path / "out"
    argv = ["predict", str(folder), str(tmp_path / "single.png"), "--checkpoint", str(run_dir)]
    argv += ["--out-dir", str(out), "--npy", "--no-rescale", "--quiet", "--threshold", "0.45"]
    code = main(argv)
    captured = capsys.readouterr()
    errors = captured.err.strip().splitlines()
    assert code == 1 and len(errors) == 3
    for name, words in (
        ("gray.png", "not colour"),
        ("notes.txt", "cannot be read"),
        ("tiny.png", "too small"),
    ):
        assert any(str(folder / name) in e and words in e for e in errors), (name, errors)
    assert "3 images" in captured.out and "3 failed" in captured.out and "0.450" in captured.out
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{stem}_{kind}"
        for stem in ("eye1", "eye2", "single")
        for kind in ("prob.png", "prob.npy", "mask.png", "overlay.png")
    )
    rgb = images["eye2.jpg"]
    fov = derive_fov(rgb)
    expected, _ = predict_probability(predictor, rgb, fov, rescale=False)
    prob = np.load(out / "eye2_prob.npy")
    np.testing.assert_allclose(prob, expected, atol=1e-6)
    png = np.asarray(Image.open(out / "eye2_prob.png"))
    np.testing.assert_array_equal(png, np.round(prob * 255).astype(np.uint8))
    mask = np.asarray(Image.open(out / "eye2_mask.png")) > 0
    np.testing.assert_array_equal(mask, (prob >= 0.45) & fov)
    np.testing.assert_array_equal(
        np.asarray(Image.open(out / "eye2_overlay.png")), overlay(rgb, mask)
    )


def test_cli_single_out_form_and_argument_errors(tmp_path, run_dir, capsys):
    from ganseg_lib.predict import predict_files

    rgb, fov = fundus(seed=3)
    eye = tmp_path / "eye.png"
    Image.fromarray(rgb).save(eye)
    base = ["predict", str(eye), "--checkpoint", str(run_dir)]
    assert main(base + ["--out", str(tmp_path / "m.npy"), "--no-rescale"]) == 0
    prob = np.load(tmp_path / "m.npy")
    assert prob.shape == (120, 130) and not prob[~derive_fov(rgb)].any()
    capsys.readouterr()
    # a FOV 109 px wide would need ×4.95 to reach DRIVE's 540 px: refused, naming the file
    assert main(base + ["--out", str(tmp_path / "m.png")]) == 2
    err = capsys.readouterr().err
    assert str(eye) in err and "outside" in err and err.count("\n") == 1
    assert (
        main(["predict", str(eye), str(eye), "--checkpoint", str(run_dir), "--out", "m.png"]) == 2
    )
    assert "--out takes one image" in capsys.readouterr().err
    with pytest.raises(ConfigError, match="--mask applies to one image"):
        predict_files(load_predictor(run_dir), [eye, tmp_path], tmp_path / "o", mask=eye)
    assert DEFAULT_THRESHOLD == 0.5
