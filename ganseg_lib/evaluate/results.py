"""Run records: one JSON file per trained run, holding numbers only (no DRIVE pixels).

``evaluate_run`` predicts every test image of a run's data source with the exact dense path,
chooses the decision threshold on the validation images, computes the metrics of
:mod:`ganseg_lib.evaluate.metrics` and writes ``results/<profile>/<data>/<method>-n<N>-s<seed>.json``
atomically. ``load_results`` turns such a folder into a pandas DataFrame, one row per run.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import torch

from ganseg_lib.data.preprocessing import preprocess
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.data.source import load_split, split_validation
from ganseg_lib.errors import ConfigError, DataError
from ganseg_lib.evaluate.metrics import choose_threshold, evaluate_maps, fov_pixels
from ganseg_lib.model.dense import predict_dense, predict_patchwise
from ganseg_lib.model.networks import DCNet
from ganseg_lib.train.training import (
    CHECKPOINT,
    TrainConfig,
    detect_collapse,
    load_dcnet,
    read_checkpoint,
    read_history,
    threads_label,
)

RECORD_FORMAT = 1
PACKAGES = ("torch", "numpy", "scipy", "scikit-image", "scikit-learn", "ganseg")


def predict_map(
    dcnet: DCNet, record: FundusRecord, device: str | torch.device = "cpu"
) -> np.ndarray:
    """The vessel probability map (float32 H×W) of one image: dense when exact, else patch-wise."""
    image = preprocess(record).image
    if dcnet.norm == "final":
        return predict_dense(dcnet, image, device=device)
    return predict_patchwise(dcnet, image)


def cell_name(method: str, n_patches: int, seed: int) -> str:
    """The name of a grid cell, shared by its run folder and its record: ``gan-n15000-s0``."""
    return f"{method}-n{n_patches}-s{seed}"


def record_name(config: TrainConfig) -> str:
    return f"{cell_name(config.method, config.n_patches, config.seed)}.json"


def record_path(results_dir: str | os.PathLike, profile: str, config: TrainConfig) -> Path:
    return Path(results_dir) / profile / config.data / record_name(config)


def provenance(device: torch.device) -> dict:
    """Where and with what a record was made."""
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                timeout=10,
                cwd=Path(__file__).resolve().parent,
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.SubprocessError):
        commit = None
    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    dev = str(device)
    if device.type == "cuda":
        dev += f" ({torch.cuda.get_device_name(device)})"
    else:
        machine = platform.processor() or platform.machine()
        dev += f" ({machine}, {threads_label(torch.get_num_threads())})"
    return {
        "git_commit": commit,
        "versions": versions,
        "device": dev,
        "python": platform.python_version(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def history_summary(run_dir: Path) -> dict:
    hist = read_history(run_dir)
    if not hist:
        return {}
    last = hist[-1]
    aucs = [h["val_auc"] for h in hist if h.get("val_auc") is not None]
    return {
        "intervals": len(hist),
        "final": {
            k: last.get(k) for k in ("L_c", "L_adv", "L_G", "real_acc", "fake_detect", "val_auc")
        },
        "best_val_auc": max(aucs) if aucs else None,
        "mean_patches_per_s": float(np.mean([h["patches_per_s"] for h in hist])),
        "train_seconds": last.get("elapsed_s"),
        "val_auc_curve": [[h["iteration"], h["val_auc"]] for h in hist],
    }


@dataclass(frozen=True)
class EvalData:
    """Test images and validation images of one data source (loaded once for many runs)."""

    test: list[FundusRecord]
    validation: list[FundusRecord]

    @classmethod
    def load(cls, data: str, drive_dir: str | os.PathLike | None = None) -> EvalData:
        _, validation = split_validation(load_split(data, "training", drive_dir))
        return cls(load_split(data, "test", drive_dir), validation)


def evaluate_run(
    run_dir: str | os.PathLike,
    data: EvalData,
    results_dir: str | os.PathLike = "results",
    profile: str = "custom",
    device: str = "cpu",
    save_maps: str | os.PathLike | None = None,
    log=print,
) -> Path:
    """Evaluate a finished run on the test images and write its record; return the path."""
    run_dir = Path(run_dir)
    ckpt_path = run_dir / CHECKPOINT
    if not ckpt_path.is_file():
        raise ConfigError(f"{run_dir}: no {CHECKPOINT} (not a run folder, or not trained yet)")
    ckpt = read_checkpoint(ckpt_path)
    config = TrainConfig.from_json(ckpt["config"])
    if ckpt["iteration"] < config.total_iterations:
        raise ConfigError(
            f"{run_dir}: training stopped at iteration {ckpt['iteration']} of "
            f"{config.total_iterations}; resume it before evaluating"
        )
    dev = torch.device(device)
    dcnet = load_dcnet(ckpt_path, dev)
    t0 = time.perf_counter()
    val_maps = [predict_map(dcnet, r, dev) for r in data.validation]
    val = [fov_pixels(m, r.vessels, r.fov) for m, r in zip(val_maps, data.validation)]
    threshold = choose_threshold(
        np.concatenate([v[0] for v in val]), np.concatenate([v[1] for v in val])
    )
    maps = []
    for rec in data.test:
        maps.append(predict_map(dcnet, rec, dev))
        if save_maps is not None:
            out = Path(save_maps)
            out.mkdir(parents=True, exist_ok=True)
            tmp = out / f"{rec.image_id}.tmp.npy"
            np.save(tmp, maps[-1].astype(np.float32))
            os.replace(tmp, out / f"{rec.image_id}.npy")
    seconds = time.perf_counter() - t0
    ev = evaluate_maps(
        maps,
        [r.vessels for r in data.test],
        [r.fov for r in data.test],
        [r.image_id for r in data.test],
        threshold,
    )
    collapse = detect_collapse(read_history(run_dir))
    record = {
        "format": RECORD_FORMAT,
        "profile": profile,
        "status": "failed" if collapse else "ok",
        "failure": collapse,
        "config": config.to_json(),
        "run_dir": str(run_dir),
        "evaluation": ev.to_json(),
        "validation_threshold": threshold,
        "training": history_summary(run_dir),
        "timing": {
            "train_seconds": ckpt["elapsed"],
            "eval_seconds": seconds,
            "eval_seconds_per_image": seconds / (len(data.test) + len(data.validation)),
        },
        "provenance": provenance(dev),
    }
    path = record_path(results_dir, profile, config)
    write_record(path, record)
    log(
        f"{record_name(config)}: mean AUC {ev.mean_auc:.4f} ± {ev.sd_auc:.4f}, pooled "
        f"{ev.pooled_auc:.4f} ({seconds:.0f} s) → {path}"
    )
    return path


def record_checksum(record: dict) -> str:
    """SHA-256 of the record's canonical JSON, without its own ``sha256`` field."""
    body = {k: v for k, v in record.items() if k != "sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def write_record(path: Path, record: dict) -> None:
    """Write atomically (temporary file, then rename), with a SHA-256 of the content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {**record, "sha256": record_checksum(record)}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)


def read_record(path: str | os.PathLike) -> dict:
    """Read a record; a damaged or edited one (checksum mismatch) is an error, never used."""
    try:
        record = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise DataError(f"{path}: not a readable run record ({err})") from err
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
        raise DataError(f"{path}: unknown record format")
    if "sha256" in record and record["sha256"] != record_checksum(record):
        raise DataError(f"{path}: record checksum mismatch (damaged or edited); not used")
    return record


def device_label(record: dict) -> str:
    """The device a record names in its provenance; records made before
    :func:`~ganseg_lib.train.training.threads_label` existed say "1 threads", read as "1 thread"."""
    device = record.get("provenance", {}).get("device", "?")
    return device.replace(" 1 threads)", f" {threads_label(1)})")


def load_results(
    results_dir: str | os.PathLike, profile: str | None = None, data: str | None = None
):
    """All records under ``results_dir`` (optionally one profile / data source) as a DataFrame:
    one row per run with its configuration, AUCs and timings; ``record`` holds the full dict."""
    import pandas as pd

    rows = []
    for path in sorted(Path(results_dir).glob("*/*/*.json")):
        rec = read_record(path)
        if (profile and rec["profile"] != profile) or (data and rec["config"]["data"] != data):
            continue
        cfg, ev = rec["config"], rec.get("evaluation") or {}
        rows.append(
            {
                "profile": rec["profile"],
                "data": cfg["data"],
                "method": cfg["method"],
                "n_patches": cfg["n_patches"],
                "seed": cfg["seed"],
                "status": rec["status"],
                "mean_auc": ev.get("mean_auc"),
                "sd_auc": ev.get("sd_auc"),
                "pooled_auc": ev.get("pooled_auc"),
                "pr_auc": ev.get("pooled_pr_auc"),
                "iterations": cfg["iterations"],
                "train_seconds": rec["timing"]["train_seconds"],
                "device": device_label(rec),
                "path": str(path),
                "record": rec,
            }
        )
    columns = [
        "profile",
        "data",
        "method",
        "n_patches",
        "seed",
        "status",
        "mean_auc",
        "sd_auc",
        "pooled_auc",
        "pr_auc",
        "iterations",
        "train_seconds",
        "device",
        "path",
        "record",
    ]
    return pd.DataFrame(rows, columns=columns)
