"""The digits calibration: its split, the project's losses at K = 10 against direct computations,
a tiny end-to-end run, and the committed record's statistics re-derived with scipy."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy import stats

from ganseg_lib.calibration import (
    ARMS,
    CONFIGURATIONS,
    HEADLINE,
    SEEDS,
    CalibrationConfig,
    Classifier,
    k_plus_one,
    read_record,
    split_digits,
    summarise,
    train_arm,
    update_record,
)
from ganseg_lib.calibration.record import run_seed
from ganseg_lib.model.losses import (
    loss_adversarial,
    loss_classification,
    loss_classification_joint,
    loss_generator,
    loss_unlabelled,
)
from ganseg_lib.paper import FAKE, K

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "results" / "calibration" / "digits.json"
TINY = CalibrationConfig(
    name="tiny", steps=4, batch_size=20, widths=(16, 8), generator_widths=(16,), noise_dim=8
)


# --- the split ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 3])
def test_split_has_five_labels_per_class_and_disjoint_sets(seed):
    split = split_digits(seed)
    assert np.bincount(split.y_lab, minlength=10).tolist() == [5] * 10
    lab, unl, test = set(split.labelled), set(split.unlabelled), set(split.test)
    assert not (lab & unl) and not (lab & test) and not (unl & test)
    assert len(lab | unl | test) == len(split.y) == 1797
    assert len(test) == 540  # 30%, stratified: every class is in the test split
    assert set(split.y_test) == set(range(10))
    assert split.x.min() >= 0 and split.x.max() <= 1


def test_split_is_seeded():
    a, b, c = split_digits(1), split_digits(1), split_digits(2)
    assert np.array_equal(a.labelled, b.labelled) and np.array_equal(a.test, b.test)
    assert not np.array_equal(a.labelled, c.labelled)


# --- the project's losses at K = 10 --------------------------------------------------------


def _lse(a: np.ndarray) -> np.ndarray:
    m = a.max(1)
    return m + np.log(np.exp(a - m[:, None]).sum(1))


def _softplus(a: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, a)


@pytest.fixture
def logits10():
    torch.manual_seed(0)
    return 4 * torch.randn(7, 10, dtype=torch.float64), torch.randint(0, 10, (7,))


def test_classification_loss_at_k10_is_the_cross_entropy_of_the_real_logits(logits10):
    logits, labels = logits10
    expected = F.cross_entropy(logits, labels)
    with_fake = torch.cat([logits, torch.full((7, 1), 50.0, dtype=torch.float64)], 1)
    for given in (logits, with_fake):  # K outputs, or K+1 with the fake logit left out
        got = loss_classification(given, labels, n_classes=10)
        assert got.item() == pytest.approx(expected.item(), rel=1e-12)
    joint = loss_classification_joint(with_fake, labels, n_classes=10)
    assert joint.item() == pytest.approx(F.cross_entropy(with_fake, labels).item(), rel=1e-12)


def test_unsupervised_losses_at_k10_match_salimans_with_a_zero_fake_logit(logits10):
    """With l_{K+1} = 0, L_unl = −E lse(l) + E softplus(lse(l)) on real images and
    L_adv = E softplus(lse(l)) on generated ones (Salimans et al. 2016, §5; the reference code)."""
    logits, _ = logits10
    lse = _lse(logits.numpy())
    full = k_plus_one(logits, 10)
    assert full.shape == (7, 11) and torch.all(full[:, 10] == 0)
    unl = loss_unlabelled(full, n_classes=10).item()
    adv = loss_adversarial(full, n_classes=10).item()
    assert unl == pytest.approx(-lse.mean() + _softplus(lse).mean(), rel=1e-10)
    assert adv == pytest.approx(_softplus(lse).mean(), rel=1e-10)
    assert loss_generator(full, n_classes=10).item() == pytest.approx(unl, rel=1e-12)


def test_fake_class_is_the_last_logit_for_any_k(logits10):
    logits, _ = logits10
    full = torch.cat([logits, torch.randn(7, 1, dtype=torch.float64)], 1)
    log_p = full.numpy() - _lse(full.numpy())[:, None]
    got = loss_adversarial(full, n_classes=10).item()
    assert got == pytest.approx(-log_p[:, 10].mean(), rel=1e-12)
    not_fake = loss_unlabelled(full, n_classes=10).item()
    assert not_fake == pytest.approx(-np.log1p(-np.exp(log_p[:, 10])).mean(), rel=1e-10)
    assert FAKE == K  # the paper's layout is the same: the fake class last
    with pytest.raises(ValueError):
        loss_adversarial(logits, n_classes=10)  # K logits are not a K+1 layout
    with pytest.raises(ValueError):
        loss_adversarial(full)  # the default K = 2 still wants three logits


def test_k_plus_one_passes_k_plus_one_logits_and_refuses_others():
    x = torch.randn(3, 11)
    assert k_plus_one(x, 10) is x
    with pytest.raises(ValueError):
        k_plus_one(torch.randn(3, 9), 10)


# --- the networks --------------------------------------------------------------------------


def test_data_dependent_init_standardises_the_first_batch():
    torch.manual_seed(0)
    net = Classifier(64, 10, widths=(32, 16), input_noise=0.0, hidden_noise=0.0)
    x = torch.rand(200, 64)
    net.initialise(x)
    net.eval()
    out = net(x).detach()
    torch.testing.assert_close(out.mean(0), torch.zeros(10), atol=1e-4, rtol=0)
    torch.testing.assert_close(out.std(0, unbiased=False), torch.ones(10), atol=1e-3, rtol=0)


def test_noise_is_off_at_evaluation():
    torch.manual_seed(0)
    net = Classifier(64, 10, widths=(8,))
    x = torch.rand(4, 64)
    net.eval()
    assert torch.equal(net(x), net(x))
    net.train()
    assert not torch.equal(net(x), net(x))


# --- a tiny end-to-end run -----------------------------------------------------------------


def test_tiny_run_gives_accuracies_in_unit_interval():
    torch.set_num_threads(1)
    result = run_seed(TINY, 0, log=lambda *_: None)
    assert set(result["accuracy"]) == set(ARMS)
    assert all(0.0 <= a <= 1.0 for a in result["accuracy"].values())
    assert np.array(result["generator_samples"]).shape == (16, 64)
    variant = replace(TINY, fake_logit="learned", ema=0.9, generator_loss="nonsat")
    assert 0.0 <= train_arm(split_digits(0), variant, "ssl_gan").accuracy <= 1.0
    plain = replace(TINY, weight_norm=False, input_noise=0.0, hidden_noise=0.0)
    assert 0.0 <= train_arm(split_digits(0), plain, "supervised").accuracy <= 1.0


def test_update_record_replaces_only_its_own_entry(tmp_path):
    path = tmp_path / "digits.json"
    seeds = [{"accuracy": {arm: 0.5 + 0.1 * i * j for j, arm in enumerate(ARMS)}} for i in (1, 2)]
    summary = summarise(seeds)
    for name, note in (("a", "first"), ("b", ""), ("a", "again")):
        entry = {"config": {"name": name, "note": note}, "seeds": seeds, "summary": summary}
        update_record(entry, path)
    record = read_record(path)
    assert [(e["config"]["name"], e["config"]["note"]) for e in record["configurations"]] == [
        ("a", "again"),
        ("b", ""),
    ]


# --- the committed record ------------------------------------------------------------------


@pytest.fixture(scope="module")
def committed():
    if not COMMITTED.exists():
        pytest.skip("no committed record")
    return json.loads(COMMITTED.read_text())


def test_record_holds_every_configuration_with_every_seed(committed):
    names = [e["config"]["name"] for e in committed["configurations"]]
    assert names == [c.name for c in CONFIGURATIONS] and HEADLINE in names
    for entry in committed["configurations"]:
        assert [s["seed"] for s in entry["seeds"]] == list(SEEDS)
        for seed in entry["seeds"]:
            assert set(seed["accuracy"]) == set(ARMS)
            assert seed["split"]["labelled"] == 50 and seed["split"]["test"] == 540
        assert entry["provenance"]["git_commit"] and entry["provenance"]["versions"]["torch"]


def _runs(committed):
    """Every run of the record: its configurations and its earlier runs, as (accuracies by seed,
    summary)."""
    for entry in committed["configurations"]:
        yield [s["accuracy"] for s in entry["seeds"]], entry["summary"]
    for run in committed.get("earlier_runs", []):
        yield list(run["accuracy"].values()), run["summary"]


def test_record_summary_is_rederived_by_scipy(committed):
    for seeds, summary in _runs(committed):
        gan = np.array([s["ssl_gan"] for s in seeds])
        sup = np.array([s["supervised"] for s in seeds])
        d = gan - sup
        res = stats.ttest_rel(gan, sup)
        half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
        got = summary["ssl_gan_minus_supervised"]
        assert got["difference"] == pytest.approx(d.mean(), abs=1e-12)
        assert got["p"] == pytest.approx(res.pvalue, rel=1e-9)
        assert got["ci_low"] == pytest.approx(d.mean() - half, abs=1e-12)
        assert got["ci_high"] == pytest.approx(d.mean() + half, abs=1e-12)
        assert got["clears_bar"] == bool(d.mean() >= 0.03 and res.pvalue < 0.05)
        for arm in ARMS:
            a = np.array([s[arm] for s in seeds])
            assert summary["arms"][arm]["mean"] == pytest.approx(a.mean(), abs=1e-12)
            assert summary["arms"][arm]["sd"] == pytest.approx(a.std(ddof=1), abs=1e-12)
