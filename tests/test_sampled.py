"""The fixed sample of FOV pixels that scores instance-norm DC nets (study, tier 2)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score

from ganseg_lib.data.phantom import PhantomConfig, load_phantom
from ganseg_lib.data.preprocessing import preprocess
from ganseg_lib.evaluate.sampled import predict_sampled, sample_mask
from ganseg_lib.model.dense import predict_dense
from ganseg_lib.model.networks import DCNet
from ganseg_lib.paper import K

SMALL = PhantomConfig(height=96, width=104)


@pytest.fixture(scope="module")
def records():
    return load_phantom("test", n_images=2, seed=0, config=SMALL)


def test_sample_is_a_fixed_subset_of_the_fov(records):
    a, b = records
    mask = sample_mask(a, 500)
    assert mask.sum() == 500 and not (mask & ~a.fov).any()
    assert np.array_equal(mask, sample_mask(a, 500))  # the same pixels on every call
    assert not np.array_equal(np.argwhere(mask), np.argwhere(sample_mask(b, 500)))
    assert sample_mask(a, 10**9).sum() == a.fov.sum()  # all the FOV when it has fewer pixels


def test_sampled_prediction_of_a_final_norm_net_is_its_dense_map_there(records):
    torch.manual_seed(0)
    net = DCNet(K + 1, width=4).eval()
    rec = records[0]
    mask = sample_mask(rec, 300)
    sparse = predict_sampled(net, rec, mask)
    dense = predict_dense(net, preprocess(rec).image)
    np.testing.assert_allclose(sparse[mask], dense[mask], atol=1e-5)
    assert np.isnan(sparse[~mask]).all()


def test_instance_norm_runs_are_scored_on_the_sample(records):
    """An instance-norm net's test AUC is sklearn's over the sampled pixels; a final-norm net
    reports the same sample beside its whole-FOV numbers."""
    from ganseg_lib.evaluate.run import EvalData, _evaluate_dcnet

    torch.manual_seed(0)
    data = EvalData(records, records[:1])
    for norm in ("instance", "final"):
        net = DCNet(K + 1, width=4, norm=norm).eval()
        ev, _ = _evaluate_dcnet(net, data, torch.device("cpu"), None)
        expected = []
        for rec in records:
            mask = sample_mask(rec)
            scores = predict_sampled(net, rec, mask)[mask]
            expected.append(roc_auc_score(rec.vessels[mask], scores))
        assert ev.sampled["mean_auc"] == pytest.approx(np.mean(expected), abs=1e-6)
        if norm == "instance":
            assert ev.per_image_auc == pytest.approx(expected, abs=1e-6)
        else:  # the whole FOV
            whole = [
                roc_auc_score(r.vessels[r.fov], predict_dense(net, preprocess(r).image)[r.fov])
                for r in records
            ]
            assert ev.per_image_auc == pytest.approx(whole, abs=1e-5)


def test_add_sampled_gives_an_older_record_its_sampled_numbers_once(tmp_path, records):
    """From the kept weights: sklearn's AUC over the sampled pixels of each image's dense map,
    for the last and the best DC net; the rest of the record unchanged; a second call is a no-op."""
    from ganseg_lib.evaluate.cross import load_record_model
    from ganseg_lib.evaluate.migrate import add_sampled
    from ganseg_lib.evaluate.record import read_record
    from tests.test_cross import make_record

    path = make_record(tmp_path, data="phantom")
    before = read_record(path)
    assert add_sampled(path, records, log=lambda line: None)
    after = read_record(path)
    for which, field in (("last", "evaluation"), ("best", "evaluation_best")):
        net = load_record_model(path, which).dcnet
        expected = []
        for rec in records:
            mask = sample_mask(rec)
            dense = predict_dense(net, preprocess(rec).image)
            expected.append(roc_auc_score(rec.vessels[mask], dense[mask]))
        sampled = getattr(after, field)["sampled"]
        assert sampled["mean_auc"] == pytest.approx(np.mean(expected), abs=1e-5)
        assert sampled["n_pixels"] == [int(sample_mask(r).sum()) for r in records]
        assert "git_commit" in sampled and "added" in sampled
        rest = {k: v for k, v in getattr(after, field).items() if k != "sampled"}
        assert rest == getattr(before, field)
    assert after.config == before.config and after.history == before.history
    assert not add_sampled(path, records, log=lambda line: None)
