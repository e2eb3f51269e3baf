"""Metrics and statistics against independent references; run records; predict."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from scipy import stats

from ganseg_lib.atomic import temporary_path
from ganseg_lib.cli import main
from ganseg_lib.errors import DataError
from ganseg_lib.evaluate.metrics import (
    choose_threshold,
    downsample_curve,
    evaluate_maps,
    image_auc,
    threshold_metrics,
)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(20, 400), ties=st.booleans())
def test_image_auc_equals_mann_whitney(seed, n, ties):
    rng = np.random.default_rng(seed)
    shape = (n // 10 + 2, 10)
    prob = rng.random(shape)
    if ties:
        prob = np.round(prob, 1)
    vessels = rng.random(shape) < 0.3
    vessels.flat[:2] = [True, False]
    fov = np.ones(shape, bool)
    pos, neg = prob[vessels], prob[~vessels]
    u = stats.mannwhitneyu(pos, neg).statistic
    assert image_auc(prob, vessels, fov) == pytest.approx(u / (len(pos) * len(neg)), abs=1e-12)


def test_fov_masking_excludes_outside_pixels():
    rng = np.random.default_rng(0)
    prob = rng.random((20, 20))
    vessels = rng.random((20, 20)) < 0.3
    fov = np.zeros((20, 20), bool)
    fov[5:15, 5:15] = True
    inside = image_auc(prob, vessels, fov)
    # anything outside the FOV may change without changing the AUC
    prob2, ves2 = prob.copy(), vessels.copy()
    prob2[~fov] = rng.random((~fov).sum())
    ves2[~fov] = ~ves2[~fov]
    assert image_auc(prob2, ves2, fov) == inside
    with pytest.raises(ValueError, match="NaN"):
        prob3 = prob.copy()
        prob3[10, 10] = np.nan
        image_auc(prob3, vessels, fov)


def test_threshold_metrics_by_hand():
    scores = np.array([0.9, 0.8, 0.3, 0.2, 0.6])
    truth = np.array([True, False, True, False, False])
    m = threshold_metrics(scores, truth, 0.5)  # predictions T T F F T: tp 1, fp 2, fn 1, tn 1
    assert (m.accuracy, m.sensitivity, m.specificity, m.f1) == pytest.approx(
        (2 / 5, 1 / 2, 1 / 3, 2 / 5)
    )
    assert choose_threshold(np.array([0.1, 0.4, 0.6, 0.9]), np.array([0, 0, 1, 1])) == 0.6


def test_evaluate_maps_pools_and_downsamples():
    rng = np.random.default_rng(3)
    maps, ves, fovs = [], [], []
    for _ in range(3):
        v = rng.random((60, 50)) < 0.2
        maps.append(np.clip(v * 0.3 + rng.random((60, 50)) * 0.8, 0, 1))
        ves.append(v)
        fovs.append(np.ones((60, 50), bool))
    ev = evaluate_maps(maps, ves, fovs, ["a", "b", "c"], 0.5)
    assert ev.mean_auc == pytest.approx(np.mean(ev.per_image_auc))
    assert ev.sd_auc == pytest.approx(np.std(ev.per_image_auc, ddof=1))
    assert len(ev.roc_fpr) <= 512 and ev.roc_fpr[0] == 0 and ev.roc_fpr[-1] == 1
    assert 0.5 < ev.pooled_auc < 1 and 0 < ev.pooled_pr_auc < 1
    x, y = downsample_curve(np.arange(10.0), np.arange(10.0), n=4)
    assert x[0] == 0 and x[-1] == 9 and len(x) == 4


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    from ganseg_lib.data.patches import PatchParams, make_patch_set
    from ganseg_lib.data.phantom import PhantomConfig, load_phantom
    from ganseg_lib.train.config import TrainConfig
    from ganseg_lib.train.loop import RunData, train
    from ganseg_lib.train.validation import ValidationSet

    small = PhantomConfig(height=96, width=104)
    recs = load_phantom("training", n_images=3, seed=0, config=small)
    config = TrainConfig(
        method="gan",
        data="phantom",
        n_patches=300,
        iterations=4,
        width=4,
        g_width=4,
        batch_size=16,
        eval_every=2,
        n_validation_pixels=200,
    )
    data = RunData(
        make_patch_set(recs[:2], PatchParams(300)), ValidationSet.from_records(recs[2:], 200, 0)
    )
    run_dir = tmp_path_factory.mktemp("run") / "r"
    train(config, run_dir, data, log=lambda *a: None)
    test = load_phantom("test", n_images=2, seed=0, config=small)
    return run_dir, recs[2:], test


def test_record_schema_round_trips(tmp_path, trained_run):
    from ganseg_lib.evaluate.record import RunRecord, load_results, read_record
    from ganseg_lib.evaluate.run import EvalData, evaluate_run

    run_dir, val, test = trained_run
    path = evaluate_run(
        run_dir,
        EvalData(test, val),
        tmp_path / "results",
        "smoke",
        save_maps=tmp_path / "maps",
        log=lambda *a: None,
    )
    assert path == tmp_path / "results" / "smoke" / "phantom" / "gan-n300-s0.json"
    rec = read_record(path)
    assert RunRecord.from_json(json.loads(json.dumps(rec.to_json()))) == rec
    assert rec.config.method == "gan" and rec.status == "ok"
    assert len(rec.evaluation["per_image_auc"]) == 2
    assert rec.training["intervals"] == 2 and rec.provenance["versions"]["torch"]
    m = np.load(tmp_path / "maps" / f"{test[0].image_id}.npy")
    assert m.shape == (96, 104) and m.dtype == np.float32
    df = load_results(tmp_path / "results")
    assert len(df) == 1 and df.loc[0, "mean_auc"] == rec.evaluation["mean_auc"]
    # generator checks and cross-dataset evaluations at a record's depth are not records
    for folder in ("generator/probes", "cross/drive"):
        (tmp_path / "results" / folder).mkdir(parents=True)
        (tmp_path / "results" / folder / "checks.json").write_text('{"a": {"cell": "a"}}')
    assert load_results(tmp_path / "results")["path"].tolist() == [str(path)]
    # nor is another process's write under way (atomic.temporary_path)
    temporary_path(path).write_text("{")
    assert load_results(tmp_path / "results")["path"].tolist() == [str(path)]
    (tmp_path / "results" / "smoke" / "phantom" / "bad.json").write_text("{")
    with pytest.raises(DataError, match="bad.json: not a readable run record"):
        load_results(tmp_path / "results")


def test_predict_on_a_user_image(tmp_path, trained_run):
    run_dir, _, test = trained_run
    img = tmp_path / "eye.png"
    Image.fromarray(test[0].rgb).save(img)
    out = tmp_path / "map.png"
    assert main(["predict", str(img), "--checkpoint", str(run_dir), "--out", str(out)]) == 0
    prob = np.asarray(Image.open(out))
    assert prob.shape == (96, 104) and prob[0, 0] == 0  # outside the derived FOV


@pytest.mark.parametrize(
    "kind, message",
    [
        ("gray", "is L (not colour)"),
        ("rgba", "has an alpha channel"),
        ("16bit", "8-bit RGB image is needed"),
        ("tiny", "too small"),
        ("garbage", "cannot be read as an image"),
    ],
)
def test_predict_refuses_bad_user_images(tmp_path, trained_run, capsys, kind, message):
    run_dir, _, _ = trained_run
    path = tmp_path / "x.png"
    if kind == "gray":
        Image.fromarray(np.zeros((100, 100), np.uint8)).save(path)
    elif kind == "rgba":
        Image.fromarray(np.zeros((100, 100, 4), np.uint8)).save(path)
    elif kind == "16bit":
        Image.fromarray(np.zeros((100, 100), np.uint16)).save(path)
    elif kind == "tiny":
        Image.fromarray(np.zeros((20, 30, 3), np.uint8)).save(path)
    else:
        path.write_bytes(b"\x89PNG not really")
    code = main(
        ["predict", str(path), "--checkpoint", str(run_dir), "--out", str(tmp_path / "o.png")]
    )
    err = capsys.readouterr().err
    assert code == 2 and message in err and "x.png" in err and err.count("\n") == 1


def test_derived_fov_finds_the_aperture():
    from ganseg_lib.data.phantom import make_phantom
    from ganseg_lib.data.user_image import derive_fov

    rec = make_phantom(0)
    fov = derive_fov(rec.rgb)
    covered = (fov & rec.fov).sum() / rec.fov.sum()
    assert covered > 0.97 and not (fov & ~rec.fov).any()  # the 3 px erosion costs ~1.5%
