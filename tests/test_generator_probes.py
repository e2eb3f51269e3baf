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
    expected = {
        "1k-paper-lr2e-4": {"n_patches"},
        "15k-fair-lr2e-4": {"protocol"},
        "1k-fair-lr2e-4": {"n_patches", "protocol"},
    }
    assert set(GP.PROBES) == set(expected)
    for name, changed in expected.items():
        config = GP.probe_config(name)
        differ = {
            k for k in passed.__dataclass_fields__ if getattr(config, k) != getattr(passed, k)
        }
        assert differ == changed, name
        n_patches, protocol, lr = GP.PROBES[name]
        assert (config.n_patches, config.protocol, config.lr) == (n_patches, protocol, lr)


def test_an_unknown_probe_is_refused_by_name_before_any_work(tmp_path):
    with pytest.raises(ConfigError, match="unknown probe 'nope'"):
        GP.main(["--names", "nope", "--out", str(tmp_path), "--runs", str(tmp_path)])
    assert not any(tmp_path.iterdir())
