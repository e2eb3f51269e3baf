"""No file runs code when it is loaded: checkpoints, record weights and shipped models are read
as tensors and plain data only (``torch.load(..., weights_only=True)``), and a file holding
anything else is refused with one line naming it."""

from __future__ import annotations

import io
import os
import pathlib
import pickle
import subprocess
import sys

import pytest
import torch
from PIL import Image

from ganseg_lib import models
from ganseg_lib.cli import main
from ganseg_lib.errors import DataError
from ganseg_lib.predict import load_predictor
from ganseg_lib.train.checkpoint import read_checkpoint, write_with_digest
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.weights import load_kept_dcnet
from tests.test_predict import fundus, save_random_checkpoint

ROOT = pathlib.Path(__file__).resolve().parents[1]


class Planted:
    """An object whose unpickling creates the file ``marker``: what a hostile file would do."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.marker),))


def crafted_payload(marker: pathlib.Path) -> bytes:
    """A ``torch.save`` payload shaped like a checkpoint, with a planted object in it."""
    config = TrainConfig(method="cnn", data="drive", n_patches=64, iterations=1, width=4)
    buf = io.BytesIO()
    torch.save({"config": config.to_json(), "dcnet": Planted(marker)}, buf)
    return buf.getvalue()


def test_the_planted_object_does_run_code_when_unpickled(tmp_path):
    """The control: plain unpickling (what an unrestricted ``torch.load`` does to the payload)
    creates the marker file."""
    marker = tmp_path / "control-marker"
    pickle.loads(pickle.dumps(Planted(marker), protocol=2))  # torch.save's protocol
    assert marker.exists()


@pytest.fixture
def eye(tmp_path):
    rgb, _ = fundus()
    path = tmp_path / "eye.png"
    Image.fromarray(rgb).save(path)
    return path


def test_a_crafted_file_in_the_checkpoint_format_is_refused_without_running(tmp_path, eye, capsys):
    marker = tmp_path / "marker"
    crafted = tmp_path / "crafted.pt"
    write_with_digest(crafted, crafted_payload(marker))  # a correct SHA-256 header
    argv = ["predict", str(eye), "--checkpoint", str(crafted), "--out", str(tmp_path / "m.png")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(crafted) in err
    assert "not a ganseg checkpoint" in err and "was not loaded" in err
    assert not marker.exists()
    with pytest.raises(DataError, match="objects other than tensors and numbers"):
        read_checkpoint(crafted)
    assert not marker.exists() and not (tmp_path / "m.png").exists()


def test_a_crafted_raw_torch_file_is_refused_by_python_m_ganseg_lib(tmp_path, eye):
    marker = tmp_path / "marker"
    crafted = tmp_path / "crafted.pt"
    crafted.write_bytes(crafted_payload(marker))  # a plain torch.save file, no header
    out = subprocess.run(
        [sys.executable, "-m", "ganseg_lib", "predict", str(eye), "--checkpoint", str(crafted)]
        + ["--out", str(tmp_path / "m.png")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ | {"OMP_NUM_THREADS": "1"},
        timeout=120,
    )
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and str(crafted) in lines[0] and "not a ganseg checkpoint" in lines[0]
    assert "Traceback" not in out.stderr
    assert not marker.exists()


def test_files_that_are_no_checkpoints_are_named(tmp_path):
    junk = tmp_path / "junk.pt"
    write_with_digest(junk, b"not a torch payload")
    with pytest.raises(DataError, match="junk.pt: not a ganseg checkpoint: torch cannot read it"):
        read_checkpoint(junk)
    tensor = tmp_path / "tensor.pt"
    buf = io.BytesIO()
    torch.save(torch.zeros(3), buf)
    write_with_digest(tensor, buf.getvalue())
    with pytest.raises(DataError, match="holds a Tensor, not a dictionary"):
        read_checkpoint(tensor)


def test_a_training_checkpoint_and_every_shipped_model_still_load(tmp_path):
    run = save_random_checkpoint(tmp_path / "run")
    dcnet, kept = load_kept_dcnet(run / "checkpoint.pt")
    assert not dcnet.training and kept["iteration"] == 0 and kept["rng"].dtype == torch.uint8
    assert load_predictor(run).dcnet.state_dict().keys() == dcnet.state_dict().keys()
    shipped = models.read_manifest()
    assert shipped, "the package ships at least one model"
    for m in shipped:
        pred = load_predictor(m.name)
        assert pred.checkpoint == models.MODELS_DIR / m.weights
        assert pred.threshold == pytest.approx(m.validation_threshold)
