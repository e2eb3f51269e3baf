"""Shipped models: ``ganseg models add`` ships a record's kept DC net with its record and SHA-256,
``ganseg predict`` without ``--checkpoint`` uses the best one, and the package's own models are
intact, listed in the manifest and described in the book's appendix (book/using.md)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from ganseg_lib import models
from ganseg_lib.cli import main
from ganseg_lib.data.fov import CHASE_FOV_DIAMETER, DRIVE_FOV_DIAMETER
from ganseg_lib.errors import ConfigError, DataError
from ganseg_lib.evaluate.record import read_record, weights_path
from ganseg_lib.models import (
    add_model,
    best_model,
    best_record,
    file_sha256,
    read_manifest,
    verify_models,
)
from ganseg_lib.predict import load_predictor
from ganseg_lib.train.checkpoint import read_checkpoint
from tests.test_cross import make_record
from tests.test_predict import fundus

ROOT = Path(__file__).resolve().parents[1]


def same_weights(dcnet, state) -> bool:
    return all(torch.equal(v, state[k]) for k, v in dcnet.state_dict().items())


def test_add_ships_the_chosen_weights_with_threshold_scale_and_record(tmp_path):
    rec = make_record(tmp_path / "results", mean_auc=0.90, best_auc=0.92)
    kept = read_checkpoint(weights_path(rec))
    shipped = tmp_path / "models"
    auto = add_model(rec, "auto", shipped)  # best-validation weights kept: chosen
    assert auto.name == "drive-cnn-n64-s0-best" and auto.which == "best"
    assert auto.test_mean_auc == 0.92 and auto.validation_threshold == 0.47
    last = add_model(rec, "last", shipped)
    assert last.name == "drive-cnn-n64-s0" and last.validation_threshold == 0.31
    manifest = read_manifest(shipped)
    assert [m.name for m in manifest] == ["drive-cnn-n64-s0", "drive-cnn-n64-s0-best"]
    for m in manifest:
        assert file_sha256(shipped / m.weights) == m.sha256
        assert read_record(shipped / m.record).cell == "cnn-n64-s0"  # checksum intact
        assert m.trained_on.startswith("DRIVE training images 21–36")
    assert verify_models(shipped) == []
    pred = load_predictor(shipped / last.weights)
    assert same_weights(pred.dcnet, kept["last"]) and pred.threshold == 0.31
    assert pred.fov_diameter == DRIVE_FOV_DIAMETER and pred.data == "drive"
    pred = load_predictor(shipped / auto.weights)
    assert same_weights(pred.dcnet, kept["best"]) and pred.threshold == 0.47
    # shipping again replaces the entry; without best-validation weights "auto" is the last
    rec2 = make_record(tmp_path / "r2", data="chase", mean_auc=0.95, best=False)
    m = add_model(rec2, "auto", shipped)
    assert m.which == "last" and m.fov_diameter == CHASE_FOV_DIAMETER
    add_model(rec2, "auto", shipped)
    assert len(read_manifest(shipped)) == 3
    # the default is a DRIVE model, the one with the highest validation AUC
    assert best_model(shipped) == shipped / "drive-cnn-n64-s0-best.dcnet.pt"
    assert best_model(shipped, data="chase") == shipped / "chase-cnn-n64-s0.dcnet.pt"


def test_the_default_model_and_best_record_are_chosen_on_validation_never_on_test(tmp_path):
    # a: the higher test AUC, the lower validation AUC; b: the other way round
    a = make_record(tmp_path / "a", seed=0, best=False, mean_auc=0.96, val_auc=0.90)
    b = make_record(tmp_path / "b", seed=1, best=False, mean_auc=0.94, val_auc=0.95)
    assert best_record([a, b]) == b
    shipped = tmp_path / "models"
    add_model(a, "auto", shipped)
    add_model(b, "auto", shipped)
    assert best_model(shipped) == shipped / "drive-cnn-n64-s1.dcnet.pt"


def test_a_records_kept_weights_load_with_the_records_threshold(tmp_path):
    rec = make_record(tmp_path)
    make_record(tmp_path, seed=1)  # another record in the same folder is never used
    pred = load_predictor(weights_path(rec))
    assert pred.threshold == 0.31 and rec.name in pred.threshold_source
    assert same_weights(pred.dcnet, read_checkpoint(weights_path(rec))["last"])


def test_bad_shipped_models_and_records_are_reported(tmp_path):
    with pytest.raises(ConfigError, match="no shipped model"):
        best_model(tmp_path / "none")
    rec = make_record(tmp_path / "results")
    m = add_model(rec, "last", tmp_path / "models")
    path = tmp_path / "models" / m.weights
    path.write_bytes(path.read_bytes() + b"x")
    assert verify_models(tmp_path / "models") == [f"{path}: SHA-256 differs from manifest.json"]
    with pytest.raises(DataError, match="SHA-256 differs"):
        best_model(tmp_path / "models")
    weights_path(rec).unlink()
    with pytest.raises(DataError, match="no DC-net weights beside the record"):
        add_model(rec, "auto", tmp_path / "models")
    no_best = make_record(tmp_path / "nb", best=False)
    with pytest.raises(DataError, match="keeps no best-validation evaluation"):
        add_model(no_best, "best", tmp_path / "models")


def test_best_record_counts_best_validation_weights_and_skips_records_without_weights(
    tmp_path, monkeypatch, capsys
):
    a = make_record(tmp_path / "a", seed=0, mean_auc=0.930, best_auc=0.920)
    b = make_record(tmp_path / "b", seed=1, mean_auc=0.925, best_auc=0.940)  # best weights win
    c = make_record(tmp_path / "c", seed=2, mean_auc=0.990, best_auc=0.990)
    weights_path(c).unlink()  # the highest AUC, but nothing to ship
    assert best_record([a, b, c, tmp_path / "missing.json"]) == b
    with pytest.raises(DataError, match="no run record with DC-net weights"):
        best_record([c])
    monkeypatch.setattr(models, "MODELS_DIR", tmp_path / "models")
    assert main(["models", "add", str(a), str(b), str(c), "--best"]) == 0
    assert [m.name for m in read_manifest()] == ["drive-cnn-n64-s1-best"]
    assert "test mean AUC 0.9400" in capsys.readouterr().out


def test_cli_models_add_then_predict_without_checkpoint(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(models, "MODELS_DIR", tmp_path / "models")
    rec = make_record(tmp_path / "results")
    assert main(["models", "add", str(rec), "--weights", "last"]) == 0
    assert "drive-cnn-n64-s0" in capsys.readouterr().out
    assert main(["models", "list"]) == 0
    assert "DRIVE training images" in capsys.readouterr().out
    rgb, _ = fundus(seed=3)
    Image.fromarray(rgb).save(tmp_path / "eye.png")
    out = tmp_path / "out"
    eye = str(tmp_path / "eye.png")  # small: predicted at its own scale
    assert main(["predict", eye, "--out-dir", str(out), "--quiet", "--no-rescale"]) == 0
    line = capsys.readouterr().out
    assert "threshold 0.310" in line and "drive-cnn-n64-s0.dcnet.pt" in line
    prob = np.asarray(Image.open(out / "eye_prob.png"))
    assert prob.shape == rgb.shape[:2]
    # by name, too
    npy = str(tmp_path / "m.npy")
    by_name = ["--checkpoint", "drive-cnn-n64-s0", "--no-rescale"]
    assert main(["predict", eye, "--out", npy, *by_name]) == 0
    assert np.load(tmp_path / "m.npy").shape == rgb.shape[:2]
    assert main(["predict", eye, "--out", npy, "--checkpoint", "no-such-model"]) == 2
    assert main(["models", "remove", "drive-cnn-n64-s0"]) == 0
    assert read_manifest() == [] and not list((tmp_path / "models").glob("*.dcnet.pt"))
    assert main(["models", "remove", "drive-cnn-n64-s0"]) == 2
    assert "not a checkpoint file, a run folder nor a shipped model" in capsys.readouterr().err


def test_readme_table_lists_each_model_with_its_cross_dataset_aucs(tmp_path):
    rec = make_record(tmp_path / "results", mean_auc=0.90, best_auc=0.92)
    add_model(rec, "auto", tmp_path / "models")
    cross = tmp_path / "cross" / "drive-to-chase"
    cross.mkdir(parents=True)
    (cross / "cnn-n64-s0-best.native.json").write_text(json.dumps({"mean_auc": 0.85}))
    (cross / "cnn-n64-s0-best.rescaled.json").write_text(json.dumps({"mean_auc": 0.925}))
    table = models.models_markdown(tmp_path / "models", tmp_path / "cross")
    row = table.splitlines()[2]
    assert row.startswith("| `drive-cnn-n64-s0-best` | DRIVE training images 21–36")
    assert row.endswith("| best | 0.9200 | chase: 0.8500 / 0.9250 |")
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{models.README_BEGIN}\nold\n{models.README_END}\nafter\n")
    assert models.update_readme(readme, tmp_path / "models", tmp_path / "cross")
    assert readme.read_text() == (
        f"# x\n\n{models.README_BEGIN}\n{table}\n{models.README_END}\nafter\n"
    )
    assert not models.update_readme(readme, tmp_path / "models", tmp_path / "cross")


def test_the_packages_shipped_models_are_intact_and_described():
    shipped = read_manifest()
    if not shipped:
        pytest.skip("no model shipped yet")
    assert verify_models() == []
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"ganseg_lib.models" = ["*.dcnet.pt", "*.json"]' in pyproject
    readme = (ROOT / "book" / "using.md").read_text()  # `ganseg models list --readme` writes it
    assert models.models_markdown(cross_dir=ROOT / "results" / "cross") in readme
    for m in shipped:
        assert m.name in readme and (models.MODELS_DIR / m.weights).stat().st_size < 1024**2
        record = read_record(models.MODELS_DIR / m.record)
        assert record.config.data == m.data and record.cell in m.name
        ckpt = read_checkpoint(models.MODELS_DIR / m.weights)
        assert ckpt["validation_threshold"] == m.validation_threshold
    best = max(shipped, key=lambda m: m.test_mean_auc)
    assert load_predictor().checkpoint == models.MODELS_DIR / best.weights
    assert json.loads((models.MODELS_DIR / "manifest.json").read_text())["models"]
