"""Each probe of the passing generator changes only what it names from the run that passed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ganseg_lib.errors import ConfigError
from ganseg_lib.experiment import generator_probes as GP
from ganseg_lib.train.config import TrainConfig

WORKING = Path(__file__).resolve().parents[1] / "results" / "generator" / "working.json"
PASSED = "gan-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n15000-s0"


def test_each_probe_differs_from_the_run_that_passed_in_its_named_changes_only():
    passed = TrainConfig.from_json(json.loads(WORKING.read_text())[PASSED]["config"])
    assert set(GP.PROBES) == {
        "1k-paper-lr2e-4",
        "15k-fair-lr2e-4",
        "1k-fair-lr2e-4",
        "1k-fair-pool-lr2e-4",
    }
    for name, changes in GP.PROBES.items():
        config = GP.probe_config(name)
        differ = {
            k for k in passed.__dataclass_fields__ if getattr(config, k) != getattr(passed, k)
        }
        assert differ == set(changes), name
        assert all(getattr(config, k) == v for k, v in changes.items()), name
    # the pool probe: the SSL GAN's DC loss with the GAN-CNN's generator objective, and the
    # labelled real-data term kept
    pool = GP.probe_config("1k-fair-pool-lr2e-4")
    assert pool.spec.unlabelled and pool.generator_loss == "paper" and pool.real_not_fake


def test_an_unknown_probe_is_refused_by_name_before_any_work(tmp_path):
    with pytest.raises(ConfigError, match="unknown probe 'nope'"):
        GP.main(["--names", "nope", "--out", str(tmp_path), "--runs", str(tmp_path)])
    assert not any(tmp_path.iterdir())
