"""``--data chase`` wherever ``--data drive`` works: the setup carries the CHASE_DB1 folder,
resolved once, and the commands take ``--chase-dir``."""

from __future__ import annotations

import numpy as np
import pytest

from ganseg_lib.cli import build_parser, main
from ganseg_lib.data import chase
from ganseg_lib.data.patches import PatchSet
from ganseg_lib.errors import DataError
from ganseg_lib.experiment.setup import Setup
from tests.test_chase import chase_path  # noqa: F401  (fixture)


def fake_folder(root):
    (root / "images").mkdir(parents=True)
    (root / "manual").mkdir()
    return root


def test_setup_resolves_the_chase_folder_once(tmp_path, monkeypatch):
    monkeypatch.delenv(chase.ENV_VAR, raising=False)
    folder = fake_folder(tmp_path / "CHASE")
    setup = Setup.resolve("cpu", "chase", chase_dir=folder)
    assert (setup.data, setup.chase_dir, setup.profile.name) == ("chase", str(folder), "cpu")
    config = setup.config("cnn", 15000, 0)
    assert setup.record_path(config).as_posix() == "results/cpu/chase/cnn-n15000-s0.json"
    assert setup.run_folder(config).path.as_posix() == "runs/cpu/chase/cnn-n15000-s0"
    monkeypatch.setenv(chase.ENV_VAR, str(folder))
    assert Setup.resolve("cpu", "chase").chase_dir == str(folder)  # from the environment
    monkeypatch.delenv(chase.ENV_VAR)
    with pytest.raises(DataError, match="GANSEG_CHASE_DIR"):
        Setup.resolve("cpu", "chase")
    with pytest.raises(DataError, match=r"nowhere \(from --chase-dir\) does not exist"):
        Setup.resolve(None, "chase", chase_dir=tmp_path / "nowhere")
    assert Setup.resolve("smoke", "phantom").chase_dir is None


def test_every_data_command_takes_chase_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(chase.ENV_VAR, raising=False)
    parser = build_parser()
    folder = str(fake_folder(tmp_path / "CHASE"))
    for argv in (
        ["patches", "--n-patches", "10", "--out", "p.npz"],
        ["train", "--method", "cnn", "--n-patches", "10", "--iterations", "1", "--out", "r"],
        ["evaluate", "runs/x"],
        ["grid", "--profile", "cpu", "--sizes", "15000", "30000"],
    ):
        args = parser.parse_args([*argv, "--data", "chase", "--chase-dir", folder])
        assert (args.data, args.chase_dir) == ("chase", folder)
    out = str(tmp_path / "p.npz")
    assert main(["patches", "--data", "chase", "--n-patches", "10", "--out", out]) == 2
    assert "pass --chase-dir DIR or set GANSEG_CHASE_DIR" in capsys.readouterr().err


@pytest.mark.slow
def test_patches_on_chase_hold_out_its_last_four_training_images(chase_path, tmp_path):  # noqa: F811
    setup = Setup.resolve(None, "chase", chase_dir=chase_path)
    train, validation = setup.training_images()
    assert [r.image_id for r in validation] == ["09L", "09R", "10L", "10R"]
    assert [r.image_id for r in train] == chase.CHASE_IDS["training"][:16]
    assert [r.image_id for r in setup.eval_data().test] == chase.CHASE_IDS["test"]
    out = tmp_path / "chase.npz"
    argv = ["patches", "--data", "chase", "--chase-dir", str(chase_path), "--n-patches", "200"]
    assert main([*argv, "--out", str(out)]) == 0
    patches = PatchSet.load(out)
    assert len(patches) == 200 and 0 < np.mean(patches.labels) < 1
