"""The ``ganseg`` command line: choices from the library's registries, and renamed flags that
still work under their old names."""

from __future__ import annotations

from pathlib import Path

import pytest

from ganseg_lib.cli import build_parser, main
from ganseg_lib.data.source import DATA_SOURCES
from ganseg_lib.models import WEIGHTS
from ganseg_lib.train.profiles import PROFILES


@pytest.fixture(scope="module")
def parser():
    return build_parser()


@pytest.mark.parametrize("profile", list(PROFILES))
def test_every_named_profile_is_accepted(parser, profile):
    assert parser.parse_args(["book", "--profile", profile]).profile == profile
    assert parser.parse_args(["report", "--profile", profile]).profile == profile


@pytest.mark.parametrize("data", [*DATA_SOURCES, "auto"])
def test_every_data_source_is_accepted(parser, data):
    assert parser.parse_args(["patches", "--data", data, "--n-patches", "2", "--out", "p.npz"])
    assert parser.parse_args(["book", "--data", data]).data == data


@pytest.mark.parametrize(
    "argv",
    [
        ["book", "--profile", "nonesuch"],
        ["report", "--data", "nonesuch"],
        ["patches", "--data", "nonesuch", "--n-patches", "2", "--out", "p.npz"],
        ["models", "add", "r.json", "--weights", "nonesuch"],
    ],
)
def test_a_value_outside_the_registry_is_refused(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2 and "invalid choice: 'nonesuch'" in capsys.readouterr().err


def test_models_weights_are_the_library_s(parser):
    for which in WEIGHTS:
        assert parser.parse_args(["models", "add", "r.json", "--weights", which]).weights == which


def test_output_folders_are_out_dir_and_the_old_names_still_work(parser):
    fetch = ["data", "fetch", "drive"]
    assert parser.parse_args([*fetch, "--out-dir", "D"]).out_dir == Path("D")
    assert parser.parse_args([*fetch, "--dest", "D"]).out_dir == Path("D")
    cross = ["cross", "r.json", "--target", "chase"]
    assert parser.parse_args(cross).out_dir == Path("results") / "cross"
    assert parser.parse_args([*cross, "--out-dir", "C"]).out_dir == Path("C")
    assert parser.parse_args([*cross, "--out", "C"]).out_dir == Path("C")


def test_a_hidden_alias_stays_out_of_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["cross", "--help"])
    shown = capsys.readouterr().out
    assert "--out-dir" in shown and "--out " not in shown and "--out\n" not in shown
