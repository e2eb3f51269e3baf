"""Failure is loud, contained and recoverable: kills, corruption, divergence, locks, fuzzing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from ganseg_lib.data.drive import read_drive_image
from ganseg_lib.data.patches import sample_patch_centers
from ganseg_lib.data.user_image import read_user_image
from ganseg_lib.errors import DataError
from ganseg_lib.evaluate.record import RunRecord, read_record, write_record
from ganseg_lib.experiment.grid import cell_lock, run_grid
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.train import step
from ganseg_lib.train.checkpoint import read_checkpoint
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.loop import RunData, train
from ganseg_lib.train.monitor import Diverged, detect_collapse
from ganseg_lib.train.validation import ValidationSet
from tests.test_drive import write_fake_drive


def hist(fake, acc):
    return [
        {"iteration": 100 * (i + 1), "fake_detect": f, "real_acc": a}
        for i, (f, a) in enumerate(zip(fake, acc))
    ]


def test_collapse_is_detected_only_when_both_conditions_hold():
    assert detect_collapse(hist([1.0] * 4, [0.9, 0.88, 0.86, 0.84])).startswith("GAN collapse")
    assert detect_collapse(hist([1.0] * 4, [0.9, 0.9, 0.91, 0.9])) is None  # accuracy holds
    assert detect_collapse(hist([1.0, 0.9, 1.0, 1.0], [0.9, 0.8, 0.7, 0.6])) is None
    assert detect_collapse(hist([None] * 4, [0.9, 0.8, 0.7, 0.6])) is None  # the CNN


def test_nan_loss_stops_the_run_as_failed(tmp_path, monkeypatch):
    from ganseg_lib.data.patches import PatchParams, make_patch_set
    from tests.test_training import TRAIN, VAL, tiny

    data = RunData(make_patch_set(TRAIN, PatchParams(200)), ValidationSet.from_records(VAL, 128, 0))
    real = step.loss_classification
    monkeypatch.setattr(
        step, "loss_classification", lambda logits, y: real(logits, y) * float("nan")
    )
    with pytest.raises(Diverged, match="non-finite L_c at iteration 1"):
        train(tiny("cnn"), tmp_path / "r", data, log=lambda *a: None)


def test_record_checksum_detects_edits(tmp_path):
    path = tmp_path / "r.json"
    config = TrainConfig("cnn", "phantom", 200, iterations=1)
    record = RunRecord("smoke", "ok", config, "runs/x", {}, {}, {}, evaluation={"mean_auc": 0.9})
    write_record(path, record)
    assert read_record(path).evaluation["mean_auc"] == 0.9
    assert read_record(path) == record
    rec = json.loads(path.read_text())
    rec["evaluation"]["mean_auc"] = 0.99
    path.write_text(json.dumps(rec))
    with pytest.raises(DataError, match="checksum mismatch"):
        read_record(path)


def test_truncated_checkpoint_is_reported(tmp_path):
    from ganseg_lib.data.patches import PatchParams, make_patch_set
    from tests.test_training import TRAIN, VAL, tiny

    data = RunData(make_patch_set(TRAIN, PatchParams(200)), ValidationSet.from_records(VAL, 128, 0))
    train(tiny("cnn"), tmp_path / "r", data, log=lambda *a: None)
    path = tmp_path / "r" / "checkpoint.pt"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DataError, match="corrupted"):
        read_checkpoint(path)
    with pytest.raises(DataError, match="corrupted"):
        train(tiny("cnn"), tmp_path / "r", data, resume=True, log=lambda *a: None)


def test_a_cell_lock_is_exclusive_and_released(tmp_path):
    with cell_lock(tmp_path, "smoke", "phantom", "gan-n200-s0") as first:
        assert first
        with cell_lock(tmp_path, "smoke", "phantom", "gan-n200-s0") as second:
            assert not second
        with cell_lock(tmp_path, "smoke", "phantom", "cnn-n200-s0") as other_cell:
            assert other_cell
    with cell_lock(tmp_path, "smoke", "phantom", "gan-n200-s0") as again:
        assert again  # released when the first runner left the cell


@pytest.mark.slow
def test_grid_runners_share_cells_and_skip_recorded_ones(tmp_path):
    """A cell locked by another runner is left to it; a later runner finds it recorded."""
    setup = Setup.resolve("smoke", "phantom", None, tmp_path / "results", tmp_path / "runs")
    kw = dict(sizes=[200], seeds=[0], device="cpu")
    lines = []
    with cell_lock(tmp_path / "results", "smoke", "phantom", "gan-n200-s0") as held:
        assert held  # as if another runner were training the GAN-CNN cell
        paths = run_grid(setup, log=lines.append, **kw)
    assert [p.name for p in paths] == ["gan-n200-s0.json", "cnn-n200-s0.json"]
    assert any("gan-n200-s0: another grid runner is working on it" in x for x in lines)
    assert not paths[0].exists() and read_record(paths[1]).status == "ok"
    lines.clear()
    run_grid(setup, log=lines.append, **kw)  # the other runner "died": this one takes over
    assert read_record(paths[0]).status == "ok"
    assert any("cnn-n200-s0: recorded, skipped" in x for x in lines)


FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

TRAIN_ARGS = [
    "train",
    "--method",
    "gan",
    "--data",
    "phantom",
    "--n-patches",
    "200",
    "--iterations",
    "24",
    "--eval-every",
    "2",
    "--width",
    "4",
    "--g-width",
    "4",
]


def _train(out, *extra, wait=True):
    env = os.environ | {"TQDM_DISABLE": "1", "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "ganseg_lib.cli", *TRAIN_ARGS, "--out", str(out), *extra]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if wait:
        assert proc.wait(timeout=600) == 0, proc.stderr.read().decode()
    return proc


@pytest.mark.slow
def test_sigkill_then_resume_gives_the_uninterrupted_run(tmp_path):
    _train(tmp_path / "full")
    full = read_checkpoint(tmp_path / "full" / "checkpoint.pt")
    rng = np.random.default_rng(0)
    for trial in range(2):
        out = tmp_path / f"killed{trial}"
        proc = _train(out, wait=False)
        # wait for the first checkpoint, then kill at a random moment of the training
        deadline = time.time() + 300
        while not (out / "checkpoint.pt").exists() and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(float(rng.uniform(0.0, 1.5)))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _train(out, "--resume")
        resumed = read_checkpoint(out / "checkpoint.pt")
        assert resumed["iteration"] == full["iteration"] == 24
        for part in ("dcnet", "generator"):
            for k, v in full[part].items():
                assert torch.equal(v, resumed[part][k]), (trial, part, k)
        lines = [json.loads(x) for x in (out / "history.jsonl").read_text().splitlines()]
        assert [h["iteration"] for h in lines] == list(range(2, 25, 2))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(blob=st.binary(max_size=3000), which=st.sampled_from(["image", "manual", "mask"]))
def test_fuzzed_drive_files_give_data_errors(tmp_path_factory, blob, which):
    root = tmp_path_factory.mktemp("fuzz")
    write_fake_drive(root, ids={"training": ["21"], "test": []})
    name = {
        "image": "images/21_training.tif",
        "manual": "1st_manual/21_manual1.gif",
        "mask": "mask/21_training_mask.gif",
    }[which]
    (root / "training" / name).write_bytes(blob)
    with pytest.raises(DataError, match=name.split("/")[1]):
        read_drive_image(root, "training", "21")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(blob=st.binary(max_size=2000))
def test_fuzzed_user_images_give_data_errors(tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("u") / "eye.png"
    path.write_bytes(blob)
    with pytest.raises(DataError, match="eye.png"):
        read_user_image(path)


@settings(max_examples=40, deadline=None)
@given(
    masks=st.lists(
        st.tuples(st.integers(0, 2**32 - 1), st.floats(0, 0.2), st.floats(0, 0.2)),
        min_size=1,
        max_size=4,
    ),
    n=st.integers(2, 200),
    seed=st.integers(0, 1000),
)
def test_fuzzed_patch_sampler_is_exact_or_refuses(masks, n, seed):
    centre_masks = []
    for s, pv, pb in masks:
        rng = np.random.default_rng(s)
        centre_masks.append((rng.random((20, 30)) < pv, rng.random((20, 30)) < pb))
    n_vessel = sum(int(v.sum()) for v, _ in centre_masks)
    n_bg = sum(int(b.sum()) for _, b in centre_masks)
    if n - n // 2 > n_vessel or n // 2 > n_bg:
        with pytest.raises(DataError, match=f"n_patches={n}"):
            sample_patch_centers(centre_masks, n, seed)
        return
    centers, labels, index = sample_patch_centers(centre_masks, n, seed)
    assert len(centers) == n and labels.sum() == n - n // 2
    for (r, c), lab, i in zip(centers, labels, index):
        assert centre_masks[i][0 if lab == 1 else 1][r, c]


def test_nan_in_a_probability_map_is_refused():
    from ganseg_lib.evaluate.metrics import evaluate_maps

    m = np.full((10, 10), 0.5)
    m[3, 3] = np.inf
    ves = np.zeros((10, 10), bool)
    ves[:5] = True
    with pytest.raises(ValueError, match="NaN or Inf"):
        evaluate_maps([m], [ves], [np.ones((10, 10), bool)], ["x"], 0.5)


def test_same_seed_same_record_numbers(tmp_path):
    from ganseg_lib.data.patches import PatchParams, make_patch_set
    from ganseg_lib.evaluate.run import EvalData, evaluate_run
    from tests.conftest import toy_record
    from tests.test_training import TRAIN, VAL, tiny

    data = RunData(
        make_patch_set(TRAIN, PatchParams(200, seed=1)),
        ValidationSet.from_records(VAL, 128, 0),
    )
    test = [toy_record(96, 80, seed=s, split="test") for s in (20, 21)]
    records = []
    for name in ("a", "b"):
        train(tiny("gan"), tmp_path / name, data, log=lambda *a: None)
        path = evaluate_run(
            tmp_path / name,
            EvalData(test, VAL),
            tmp_path / f"res-{name}",
            "smoke",
            log=lambda *a: None,
        )
        records.append(read_record(path))
    assert records[0].evaluation == records[1].evaluation
    assert records[0].training["val_auc_curve"] == records[1].training["val_auc_curve"]


def test_mask_saved_as_rgb_png_still_loads_or_fails_clearly(tmp_path):
    root = write_fake_drive(tmp_path / "D", ids={"training": ["21"], "test": []})
    path = root / "training" / "mask" / "21_training_mask.gif"
    Image.fromarray(np.full((584, 565, 3), 255, np.uint8)).save(path, format="GIF")
    rec = read_drive_image(root, "training", "21")
    assert rec.fov.all()


def test_a_closed_stdout_pipe_ends_the_cli_quietly():
    """``ganseg report | head -1``: the reader leaves early; no traceback, exit status 1."""
    script = (
        "import sys\n"
        "from ganseg_lib import cli\n"
        "def flood(args):\n"
        "    for i in range(200_000):\n"
        "        print('| row', i, '|')\n"
        "cli.results.cmd_report = flood\n"
        "sys.exit(cli.main(['report']))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout.readline().startswith(b"| row 0")
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
