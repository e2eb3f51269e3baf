"""CHASE_DB1: the split, the loader's validation and errors, the manifest and ``data verify``.

Tests that need the data skip with a reason when it is absent; the error tests build small fake
folders."""

from __future__ import annotations

import hashlib
import re
import shutil

import numpy as np
import pytest
from PIL import Image

from ganseg_lib.cli import main
from ganseg_lib.data import chase
from ganseg_lib.data.fov import derive_fov
from ganseg_lib.errors import DataError
from tests.test_fov import chase_dir


@pytest.fixture(scope="module")
def chase_path():
    path = chase_dir()
    if path is None:
        pytest.skip("CHASE_DB1 not found: set GANSEG_CHASE_DIR to run the CHASE_DB1 tests")
    return path


def test_standard_split_ids():
    assert chase.CHASE_IDS["training"][0] == "01L" and chase.CHASE_IDS["training"][-1] == "10R"
    assert chase.CHASE_IDS["test"] == ["11L", "11R", "12L", "12R", "13L", "13R", "14L", "14R"]
    assert len(set(chase.CHASE_IDS["training"]) | set(chase.CHASE_IDS["test"])) == 28
    assert chase.chase_files("11L") == {
        "image": "images/Image_11L.jpg",
        "manual": "manual/Image_11L_1stHO.png",
    }
    assert chase.chase_files("11L", observer=2)["manual"] == "manual_2ndHO/Image_11L_2ndHO.png"


def test_manifest_holds_hashes_of_every_file_only():
    manifest = chase.read_chase_manifest()
    assert len(manifest) == 84
    for name, digest in manifest.items():
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
        assert re.fullmatch(
            r"(images/Image_\d\d[LR]\.jpg|manual(_2ndHO)?/Image_\d\d[LR]_\w+\.png)", name
        )


def test_load_split_reads_chase_with_derived_fov(chase_path, monkeypatch):
    from ganseg_lib.data.source import load_split, resolve_data

    test = load_split("chase", "test", chase_dir=chase_path)
    assert [r.image_id for r in test] == chase.CHASE_IDS["test"]
    rec = test[0]
    assert rec.split == "test" and rec.shape == chase.CHASE_SHAPE
    reference = np.asarray(Image.open(chase_path / "manual" / "Image_11L_1stHO.png")) > 0
    np.testing.assert_array_equal(rec.vessels, reference)
    np.testing.assert_array_equal(rec.fov, derive_fov(rec.rgb))
    assert 0.05 < rec.vessels[rec.fov].mean() < 0.15  # vessel fraction inside the FOV
    monkeypatch.setenv(chase.ENV_VAR, str(chase_path))
    assert resolve_data("chase") == "chase"
    training = chase.load_chase(None, "training")
    assert [r.image_id for r in training] == chase.CHASE_IDS["training"]
    assert all(r.split == "training" for r in training)


def test_verify_real_folder_and_cli(chase_path, monkeypatch, capsys):
    assert chase.verify_chase(chase_path) == []
    assert main(["data", "verify", "--data", "chase", "--chase-dir", str(chase_path)]) == 0
    assert "84 of 84 files match" in capsys.readouterr().out
    monkeypatch.setenv(chase.ENV_VAR, str(chase_path))
    assert main(["data", "verify", "--data", "chase"]) == 0


def test_verify_reports_a_changed_and_a_missing_file(chase_path, tmp_path, capsys):
    root = tmp_path / "CHASE_DB1"
    shutil.copytree(chase_path, root)
    (root / "images" / "Image_03L.jpg").write_bytes(b"changed")
    (root / "manual" / "Image_05R_1stHO.png").unlink()
    problems = chase.verify_chase(root)
    expected = hashlib.sha256(b"changed").hexdigest()[:12]
    assert problems[0].startswith("images/Image_03L.jpg: SHA-256 " + expected)
    assert problems[1] == "manual/Image_05R_1stHO.png: missing" and len(problems) == 2
    assert main(["data", "verify", "--data", "chase", "--chase-dir", str(root)]) == 1
    out = capsys.readouterr()
    assert "82 of 84 files match" in out.out and out.err.count("\n") == 2


def _fake_chase(root, image_size=(999, 960), manual_values=(0, 255)):
    """One CHASE_DB1-shaped image (a bright disc on black) and its annotation."""
    (root / "images").mkdir(parents=True)
    (root / "manual").mkdir()
    w, h = image_size
    rr, cc = np.mgrid[:h, :w]
    disc = (rr - h / 2) ** 2 + (cc - w / 2) ** 2 < (0.45 * min(h, w)) ** 2
    rgb = np.zeros((h, w, 3), np.uint8)
    rgb[disc] = (180, 90, 40)
    Image.fromarray(rgb).save(root / "images" / "Image_01L.jpg")
    manual = np.where(np.abs(rr - h // 2) < 3, manual_values[1], manual_values[0])
    Image.fromarray(manual.astype(np.uint8)).save(root / "manual" / "Image_01L_1stHO.png")
    return disc


def test_reader_accepts_a_valid_fake(tmp_path):
    disc = _fake_chase(tmp_path)
    rec = chase.read_chase_image(tmp_path, "training", "01L")
    assert rec.vessels.sum() == 5 * 999
    assert (rec.fov ^ disc).sum() / disc.sum() < 0.01


@pytest.mark.parametrize(
    "problem, message",
    [
        ("no-dir", "does not exist"),
        ("no-manual-dir", "missing sub-folder manual"),
        ("no-env", "pass --chase-dir DIR or set GANSEG_CHASE_DIR"),
        ("size", "Image_01L.jpg: expected 960×999 pixels, got 500×400"),
        ("garbage", "Image_01L.jpg: cannot be read as an image"),
        ("missing", "Image_01L_1stHO.png: file is missing"),
        ("grey-manual", "Image_01L_1stHO.png: expected a binary image"),
    ],
)
def test_errors_name_the_file_or_folder(tmp_path, monkeypatch, problem, message):
    monkeypatch.delenv(chase.ENV_VAR, raising=False)
    root = tmp_path / "CHASE_DB1"
    if problem == "no-dir":
        root = tmp_path / "nowhere"
    elif problem == "no-manual-dir":
        (root / "images").mkdir(parents=True)
    elif problem == "size":
        _fake_chase(root, image_size=(400, 500))
    elif problem == "grey-manual":
        _fake_chase(root, manual_values=(0, 128))
    else:
        _fake_chase(root)
        if problem == "garbage":
            (root / "images" / "Image_01L.jpg").write_bytes(b"not a jpeg")
        elif problem == "missing":
            (root / "manual" / "Image_01L_1stHO.png").unlink()
    with pytest.raises(DataError, match=re.escape(message)) as info:
        if problem in ("no-dir", "no-manual-dir", "no-env"):
            chase.find_chase_dir(None if problem == "no-env" else root)
        else:
            chase.read_chase_image(root, "training", "01L")
    assert "\n" not in str(info.value)


def test_resolve_data_accepts_chase_and_keeps_old_signatures(tmp_path, monkeypatch):
    from ganseg_lib.data.source import DATA_SOURCES, load_split, resolve_data

    monkeypatch.delenv(chase.ENV_VAR, raising=False)
    assert "chase" in DATA_SOURCES
    assert resolve_data("phantom", None) == "phantom"
    assert len(load_split("phantom", "test", None, 0)) == 20
    with pytest.raises(DataError, match="GANSEG_CHASE_DIR"):
        resolve_data("chase")
    with pytest.raises(DataError, match="does not exist"):
        load_split("chase", "test", chase_dir=tmp_path / "nowhere")


def test_the_generator_checks_reference_reads_chase_from_the_folder_it_is_given(
    chase_path, monkeypatch
):
    """``training_patches_check`` and ``validation_patches`` take CHASE_DB1's folder as an
    argument: with ``$GANSEG_CHASE_DIR`` unset they read it from there, and the drawn patches
    are CHASE_DB1's (the same as through the variable)."""
    from ganseg_lib.evaluate import generator_check as gc

    monkeypatch.setenv("GANSEG_CHASE_DIR", str(chase_path))
    through_env = gc.validation_patches("chase", 60)
    monkeypatch.delenv("GANSEG_CHASE_DIR")
    given = gc.validation_patches("chase", 60, chase_dir=chase_path)
    np.testing.assert_array_equal(given, through_env)
    check = gc.training_patches_check("chase", 60, chase_dir=chase_path)
    assert check.n_fake == check.n_real == 60
    with pytest.raises(DataError, match="GANSEG_CHASE_DIR"):
        gc.training_patches_check("chase", 60)
