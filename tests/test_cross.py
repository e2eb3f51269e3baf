"""Cross-dataset evaluation: a record's kept DC net on another data source's test images, native
and scale-normalised, checked against scikit-learn and against the evaluation of a run."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import torch
from skimage.draw import disk as draw_disk
from sklearn.metrics import f1_score, roc_auc_score

from ganseg_lib.cli import main
from ganseg_lib.data.fov import CHASE_FOV_DIAMETER, DRIVE_FOV_DIAMETER, fov_diameter
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.errors import ConfigError, DataError
from ganseg_lib.evaluate.cross import (
    cross_evaluate,
    cross_maps,
    cross_summary,
    cross_table,
    load_record_model,
    run_cross,
)
from ganseg_lib.evaluate.record import RunRecord, weights_path, write_record
from ganseg_lib.model.inference import predict_map
from ganseg_lib.train.checkpoint import build_dcnet, write_with_digest
from ganseg_lib.train.config import TrainConfig


def make_record(
    folder,
    data="drive",
    seed=0,
    best=True,
    mean_auc=0.9,
    best_auc=0.92,
    val_auc=None,
    best_val_auc=None,
    **config,
):
    """A run record with kept DC-net weights (random, seeded; width 4), as evaluate_run keeps
    them: ``<cell>.json`` and ``<cell>.dcnet.pt`` with {"config", "last", "best"}. Validation
    AUCs (last interval, best of the run) default to the test AUCs."""
    config = TrainConfig(
        method="cnn", data=data, n_patches=64, iterations=1, width=4, seed=seed, **config
    )
    torch.manual_seed(seed)
    last = build_dcnet(config).state_dict()
    torch.manual_seed(seed + 100)
    best_state = build_dcnet(config).state_dict() if best else None

    def evaluation(auc, threshold):
        return {"mean_auc": auc, "sd_auc": 0.01, "thresholded": {"threshold": threshold}}

    record = RunRecord(
        profile="cpu",
        status="ok",
        config=config,
        run_dir="runs/x",
        training={
            "final": {"val_auc": mean_auc if val_auc is None else val_auc},
            "best_val_auc": best_auc if best_val_auc is None else best_val_auc,
        },
        timing={},
        provenance={},
        evaluation=evaluation(mean_auc, 0.31),
        validation_threshold=0.31,
        evaluation_best={"iteration": 1, **evaluation(best_auc, 0.47)} if best else None,
    )
    path = write_record(folder / data / f"{config.cell}.json", record)
    buf = io.BytesIO()
    torch.save({"config": config.to_json(), "last": last, "best": best_state}, buf)
    write_with_digest(weights_path(path), buf.getvalue())
    return path


def phantom_eye(h, w, radius, seed=0, image_id="eye"):
    """A fundus-like image: a textured disc of the given radius with dark vessel lines."""
    rng = np.random.default_rng(seed)
    fov = np.zeros((h, w), bool)
    fov[draw_disk((h / 2, w / 2), radius, shape=fov.shape)] = True
    rr, cc = np.mgrid[:h, :w]
    vessels = ((np.abs(rr - cc * 0.7 - 5) < 2) | (np.abs(cc - w // 3) < 2)) & fov
    texture = rng.integers(120, 200, size=(h, w)).astype(np.uint8)
    rgb = np.stack([texture, texture // 2, texture // 5], axis=-1)
    rgb[vessels] //= 3
    rgb[~fov] = 0
    return FundusRecord(image_id, "test", rgb, vessels, fov)


@pytest.fixture(scope="module")
def images():
    return [phantom_eye(200, 210, 90, seed=0, image_id="a"), phantom_eye(170, 180, 75, 1, "b")]


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    return make_record(tmp_path_factory.mktemp("results"))


def test_native_metrics_match_scikit_learn_on_the_run_evaluation_maps(record, images):
    model = load_record_model(record)
    assert model.threshold == 0.31 and model.own_mean_auc == 0.9 and model.source == "drive"
    result = cross_evaluate(model, "chase", images, "native")
    assert result["scale_factors"] == [1.0, 1.0]
    # reference: the maps of the evaluation path (predict_map), scored by scikit-learn
    maps = [predict_map(model.dcnet, r) for r in images]
    aucs = [roc_auc_score(r.vessels[r.fov], m[r.fov]) for m, r in zip(maps, images)]
    assert result["per_image_auc"] == pytest.approx(aucs, abs=1e-12)
    assert result["mean_auc"] == pytest.approx(np.mean(aucs))
    truth = np.concatenate([r.vessels[r.fov] for r in images])
    scores = np.concatenate([m[r.fov] for m, r in zip(maps, images)])
    assert result["pooled_auc"] == pytest.approx(roc_auc_score(truth, scores))
    assert result["thresholded"]["f1"] == pytest.approx(f1_score(truth, scores >= 0.31))
    assert result["threshold"] == 0.31 and result["weights"] == "last"


def test_rescaled_brings_each_fov_to_the_training_diameter(record, images):
    model = load_record_model(record)
    maps, factors = cross_maps(model, images, "rescaled")
    expected = [DRIVE_FOV_DIAMETER / fov_diameter(r.fov) for r in images]
    assert factors == pytest.approx(expected) and min(factors) > 2.5
    for m, r in zip(maps, images):
        assert m.shape == r.fov.shape and not m[~r.fov].any()
    # a different scale shows the net different inputs: the maps differ from the native ones
    native, _ = cross_maps(model, images, "native")
    assert not np.allclose(maps[0][images[0].fov], native[0][images[0].fov])


def test_best_weights_use_their_own_threshold_and_a_phantom_model_is_never_rescaled(tmp_path):
    path = make_record(tmp_path)
    last, best = load_record_model(path, "last"), load_record_model(path, "best")
    assert best.threshold == 0.47 and best.own_mean_auc == 0.92 and best.name.endswith("-best")
    w_last = next(iter(last.dcnet.state_dict().values()))
    w_best = next(iter(best.dcnet.state_dict().values()))
    assert not torch.equal(w_last, w_best)
    phantom = load_record_model(make_record(tmp_path, data="phantom"))
    with pytest.raises(ConfigError, match="no fixed scale"):
        cross_maps(phantom, [phantom_eye(60, 60, 25)], "rescaled")
    no_best = make_record(tmp_path / "nb", best=False)
    with pytest.raises(DataError, match="keeps no 'best' DC net"):
        load_record_model(no_best, "best")


def test_missing_or_damaged_weights_are_named(tmp_path):
    path = make_record(tmp_path)
    raw = bytearray(weights_path(path).read_bytes())
    raw[-10] ^= 0xFF
    weights_path(path).write_bytes(bytes(raw))
    with pytest.raises(DataError, match=r"\.dcnet\.pt: checkpoint is corrupted"):
        load_record_model(path)
    weights_path(path).unlink()
    with pytest.raises(DataError, match=r"\.dcnet\.pt: no DC-net weights beside the record"):
        load_record_model(path)


def test_results_are_numbers_only_and_tabulated(tmp_path, images):
    paths = [make_record(tmp_path / "res", seed=s, mean_auc=0.9 + s / 100) for s in (0, 1)]
    out = tmp_path / "cross"
    written = run_cross(
        paths, "chase", images, cross_dir=out, weights=("last", "best"), log=lambda line: None
    )
    names = sorted(p.relative_to(out).as_posix() for p in written)
    assert names == sorted(
        f"drive-to-chase/cnn-n64-s{s}{b}.{sc}.json"
        for s in (0, 1)
        for b in ("", "-best")
        for sc in ("native", "rescaled")
    )

    def leaves(x):
        if isinstance(x, dict):
            return [v for y in x.values() for v in leaves(y)]
        if isinstance(x, list):
            return [v for y in x for v in leaves(y)]
        return [x]

    body = json.loads(written[0].read_text())
    assert all(isinstance(v, (int, float, str)) for v in leaves(body))
    assert max(len(v) for v in body.values() if isinstance(v, list)) == len(images)
    table = cross_table(out)
    assert len(table) == 8 and set(table["n_images"]) == {2}
    summary = cross_summary(table)
    row = summary[(summary.weights == "last") & (summary.scaling == "native")].iloc[0]
    sel = table[(table.weights == "last") & (table.scaling == "native")]
    assert row.n_seeds == 2 and row.mean_auc == pytest.approx(sel.mean_auc.mean())
    assert row.own_mean_auc == pytest.approx(0.905)
    assert row["drop"] == pytest.approx(0.905 - sel.mean_auc.mean())
    assert len(cross_summary(cross_table(tmp_path / "empty"))) == 0
    # another arm (other hyper-parameters, same method and size) is summarised apart
    other = make_record(tmp_path / "res2", seed=0, mean_auc=0.8, lr=0.1)
    run_cross([other], "chase", images[:1], ("native",), cross_dir=out, log=lambda line: None)
    summary = cross_summary(cross_table(out))
    assert sorted(set(summary.arm)) == ["cnn", "cnn-lr0.1-b0.5"]
    assert summary[summary.arm == "cnn-lr0.1-b0.5"].n_seeds.tolist() == [1]


@pytest.mark.drive
def test_on_drive_native_equals_the_run_evaluation_and_rescaling_uses_the_chase_scale(
    drive_path, tmp_path, capsys, monkeypatch
):
    """A CHASE_DB1-'trained' model on DRIVE's test images: natively, the same AUCs as the run
    evaluation's path; rescaled by CHASE's FOV diameter over each DRIVE image's."""
    from ganseg_lib.data.drive import load_drive
    from ganseg_lib.evaluate.run import EvalData, _evaluate_dcnet

    test = load_drive(drive_path, "test")[:2]
    model = load_record_model(make_record(tmp_path, data="chase"))
    ev, _ = _evaluate_dcnet(model.dcnet, EvalData(test, test), torch.device("cpu"), None)
    native = cross_evaluate(model, "drive", test, "native")
    assert native["per_image_auc"] == pytest.approx(ev.per_image_auc, abs=1e-12)
    rescaled = cross_evaluate(model, "drive", test, "rescaled")
    diameters = [fov_diameter(r.fov) for r in test]
    assert rescaled["scale_factors"] == pytest.approx([CHASE_FOV_DIAMETER / d for d in diameters])
    assert all(1.65 < f < 1.75 for f in rescaled["scale_factors"])
    # the command: the same numbers in results/cross/chase-to-drive/
    monkeypatch.setattr(
        "ganseg_lib.experiment.setup.Setup.split", lambda self, name: test, raising=True
    )
    out = tmp_path / "cross"
    rec = str(model.path)
    assert main(["cross", rec, "--target", "drive", "--out", str(out), "--no-rescale"]) == 0
    saved = json.loads((out / "chase-to-drive" / "cnn-n64-s0.native.json").read_text())
    assert saved["per_image_auc"] == pytest.approx(native["per_image_auc"])
    assert not (out / "chase-to-drive" / "cnn-n64-s0.rescaled.json").exists()
    assert "mean AUC" in capsys.readouterr().out
