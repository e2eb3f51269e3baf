"""DRIVE loader, manifest verification and download."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import shutil
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganseg_lib.cli import main
from ganseg_lib.data import drive
from ganseg_lib.errors import DataError


def write_fake_drive(root: Path, ids=None, shape=drive.DRIVE_SHAPE) -> Path:
    """A DRIVE-shaped folder of random images (never real data), for loader tests."""
    rng = np.random.default_rng(0)
    for split in ("training", "test"):
        for image_id in (ids or drive.DRIVE_IDS)[split]:
            files = drive.drive_files(split, image_id)
            for key, rel in files.items():
                path = root / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                if key == "image":
                    arr = rng.integers(0, 256, size=(*shape, 3), dtype=np.uint8)
                    Image.fromarray(arr).save(path)
                else:
                    arr = np.zeros(shape, np.uint8)
                    arr[10:-10, 10:-10] = 255 if key == "mask" else 0
                    arr[shape[0] // 2, 10:-10] = 255
                    Image.fromarray(arr).save(path)
    return root


@pytest.fixture
def fake_drive(tmp_path):
    return write_fake_drive(tmp_path / "DRIVE", ids={"training": ["21", "22"], "test": ["01"]})


def test_fake_drive_loads(fake_drive):
    rec = drive.read_drive_image(fake_drive, "training", "21")
    assert rec.rgb.shape == (584, 565, 3) and rec.rgb.dtype == np.uint8
    assert rec.vessels.dtype == bool and rec.vessels.sum() == 565 - 20
    assert rec.fov.sum() == (584 - 20) * (565 - 20)


def test_missing_file_is_named(fake_drive):
    (fake_drive / "training/1st_manual/22_manual1.gif").unlink()
    with pytest.raises(DataError, match=r"22_manual1\.gif: file is missing"):
        drive.read_drive_image(fake_drive, "training", "22")


def test_truncated_image_is_named(fake_drive):
    path = fake_drive / "training/images/21_training.tif"
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(DataError, match=r"21_training\.tif: cannot be read"):
        drive.read_drive_image(fake_drive, "training", "21")


def test_wrong_size_is_named(fake_drive):
    path = fake_drive / "training/images/21_training.tif"
    Image.fromarray(np.zeros((100, 120, 3), np.uint8)).save(path)
    with pytest.raises(DataError, match=r"21_training\.tif: expected 584×565 pixels, got 100×120"):
        drive.read_drive_image(fake_drive, "training", "21")


def test_non_binary_ground_truth_is_named(fake_drive):
    path = fake_drive / "training/1st_manual/21_manual1.gif"
    arr = np.zeros(drive.DRIVE_SHAPE, np.uint8)
    arr[5, 5], arr[6, 6] = 128, 255
    Image.fromarray(arr).save(path)
    with pytest.raises(DataError, match=r"21_manual1\.gif: expected a binary image .* 128"):
        drive.read_drive_image(fake_drive, "training", "21")


def test_mismatched_mask_size_is_named(fake_drive):
    path = fake_drive / "training/mask/21_training_mask.gif"
    Image.fromarray(np.full((584, 560), 255, np.uint8)).save(path)
    with pytest.raises(DataError, match=r"21_training_mask\.gif: size 584×560 differs"):
        drive.read_drive_image(fake_drive, "training", "21")


def test_empty_fov_is_named(fake_drive):
    path = fake_drive / "training/mask/21_training_mask.gif"
    Image.fromarray(np.zeros(drive.DRIVE_SHAPE, np.uint8)).save(path)
    with pytest.raises(DataError, match=r"21_training_mask\.gif: the field-of-view mask is empty"):
        drive.read_drive_image(fake_drive, "training", "21")


def test_missing_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(drive.ENV_VAR, raising=False)
    with pytest.raises(DataError, match="no DRIVE folder given"):
        drive.find_drive_dir(None)
    with pytest.raises(DataError, match="does not exist"):
        drive.find_drive_dir(tmp_path / "nowhere")
    (tmp_path / "D" / "training" / "images").mkdir(parents=True)
    with pytest.raises(DataError, match="missing sub-folder training/1st_manual"):
        drive.find_drive_dir(tmp_path / "D")


def test_cli_missing_drive_exits_2(tmp_path, capsys):
    code = main(
        [
            "patches",
            "--data",
            "drive",
            "--drive-dir",
            str(tmp_path / "x"),
            "--n-patches",
            "10",
            "--out",
            str(tmp_path / "p.npz"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "does not exist" in err


# --- the real DRIVE ----------------------------------------------------------------------------


@pytest.mark.drive
def test_drive_training_records(drive_training):
    assert [r.image_id for r in drive_training] == drive.DRIVE_IDS["training"]
    fractions = [r.vessels[r.fov].mean() for r in drive_training]
    assert 0.08 < min(fractions) and max(fractions) < 0.17
    assert all(r.fov.mean() > 0.6 for r in drive_training)


@pytest.mark.drive
def test_drive_verifies_against_shipped_manifest(drive_path):
    assert len(drive.read_manifest()) == 120
    assert drive.verify_drive(drive_path) == []


def test_verify_names_what_differs(tmp_path, capsys):
    root = tmp_path / "D"
    (root / "training").mkdir(parents=True)
    (root / "training" / "a.txt").write_text("hello")
    (root / "training" / "b.txt").write_text("changed")
    manifest = tmp_path / "m.sha256"
    manifest.write_text(
        f"{hashlib.sha256(b'hello').hexdigest()}  ./training/a.txt\n"
        f"{hashlib.sha256(b'original').hexdigest()}  ./training/b.txt\n"
        f"{hashlib.sha256(b'x').hexdigest()}  ./training/c.txt\n"
    )
    problems = drive.verify_drive(root, drive.read_manifest(manifest))
    assert (
        problems[0].startswith("training/b.txt: SHA-256")
        and problems[1] == "training/c.txt: missing"
    )
    for sub in ("training", "test"):
        for s in ("images", "1st_manual", "mask"):
            (root / sub / s).mkdir(parents=True, exist_ok=True)
    code = main(["data", "verify", "--drive-dir", str(root), "--manifest", str(manifest)])
    err = capsys.readouterr().err
    assert code == 1 and "training/b.txt" in err and "training/c.txt: missing" in err


# --- download from a local HTTP server ---------------------------------------------------------


def _zip_split(src: Path, split: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path in sorted((src / split).rglob("*")):
            if path.is_file():
                zf.write(path, f"DRIVE/{path.relative_to(src)}")
    return buf.getvalue()


@pytest.fixture
def http_server(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_fetch_downloads_verifies_and_unpacks(tmp_path, http_server):
    served, url = http_server
    src = write_fake_drive(tmp_path / "src")
    hashes = {}
    for split in ("training", "test"):
        blob = _zip_split(src, split)
        (served / f"{split}.zip").write_bytes(blob)
        hashes[split] = hashlib.sha256(blob).hexdigest()
    mirror = drive.Mirror("local", {s: f"{url}/{s}.zip" for s in hashes}, hashes)
    dest = drive.fetch_drive(tmp_path / "dest", mirror, progress=False)
    manifest = {
        str(p.relative_to(src)): drive.sha256_file(p) for p in src.rglob("*") if p.is_file()
    }
    assert len(manifest) == 120 and drive.verify_drive(dest, manifest) == []
    assert len(drive.load_drive(dest, "test")) == 20


def test_fetch_rejects_wrong_hash(tmp_path, http_server):
    served, url = http_server
    (served / "training.zip").write_bytes(b"not the archive you are looking for")
    mirror = drive.Mirror("local", {"training": f"{url}/training.zip"}, {"training": "0" * 64})
    with pytest.raises(ValueError, match="SHA256"):
        drive.fetch_drive(tmp_path / "dest", mirror, progress=False)
    assert not (tmp_path / "dest" / "training").exists()
    shutil.rmtree(tmp_path / "dest")
