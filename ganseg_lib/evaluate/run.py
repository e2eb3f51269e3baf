"""Evaluating one trained run on the test images and writing its record.

:func:`evaluate_run` predicts every test image with the exact dense path, chooses the decision
threshold on the validation images, computes the metrics of :mod:`ganseg_lib.evaluate.metrics` and
writes the :class:`~ganseg_lib.evaluate.record.RunRecord`.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from ganseg_lib.atomic import replacing
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.deviations import declare
from ganseg_lib.errors import ConfigError
from ganseg_lib.evaluate.metrics import choose_threshold, evaluate_maps, fov_pixels
from ganseg_lib.evaluate.provenance import CODE_AT_START as CODE_AT_START  # its old home
from ganseg_lib.evaluate.provenance import provenance
from ganseg_lib.evaluate.record import (
    RunRecord,
    record_path,
    samples_path,
    weights_path,
    write_record,
)
from ganseg_lib.evaluate.sampled import predict_sampled, sample_mask, sample_summary
from ganseg_lib.model.inference import predict_map
from ganseg_lib.model.networks import DENSE_NORMS
from ganseg_lib.train.checkpoint import load_dcnet, read_checkpoint
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.monitor import detect_collapse
from ganseg_lib.train.run_folder import RunFolder

SAMPLE_GRIDS = 4  # generator sample grids kept with a record (evenly spread over the run)
declare(
    aspect="checkpoint evaluated",
    paper="not stated",
    ours="the last checkpoint of each run (no validation-based selection) in the replication; "
    "the study also evaluates the checkpoint with the best validation AUC",
    reason="the slides name no model selection; the last checkpoint needs no validation "
    "decision, so that both methods are treated alike",
)


def history_summary(folder: RunFolder) -> dict:
    """The record's summary of a run's history: last interval, best validation AUC, curve."""
    hist = folder.read_history()
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
    folder = RunFolder(Path(run_dir))
    if not folder.checkpoint.is_file():
        raise ConfigError(f"{folder.path}: no checkpoint (not a run folder, or not trained yet)")
    ckpt = read_checkpoint(folder.checkpoint)
    config = TrainConfig.from_json(ckpt["config"])
    if ckpt["iteration"] < config.total_iterations:
        raise ConfigError(
            f"{folder.path}: training stopped at iteration {ckpt['iteration']} of "
            f"{config.total_iterations}; resume it before evaluating"
        )
    dev = torch.device(device)
    t0 = time.perf_counter()
    ev, threshold = _evaluate_dcnet(load_dcnet(folder.checkpoint, dev), data, dev, save_maps)
    best = None
    if ckpt.get("best_dcnet") is not None:
        if ckpt["best_iteration"] == ckpt["iteration"]:  # the same weights: the same numbers
            best = {"iteration": ckpt["best_iteration"], **ev.to_json()}
        else:
            ev_best, _ = _evaluate_dcnet(
                load_dcnet(folder.checkpoint, dev, "best"), data, dev, None
            )
            best = {"iteration": ckpt["best_iteration"], **ev_best.to_json()}
    seconds = time.perf_counter() - t0
    collapse = detect_collapse(folder.read_history())
    record = RunRecord(
        profile=profile,
        status="failed" if collapse else "ok",
        failure=collapse,
        config=config,
        run_dir=str(folder.path),
        evaluation=ev.to_json(),
        validation_threshold=threshold,
        training=history_summary(folder),
        timing={
            "train_seconds": ckpt["elapsed"],
            "eval_seconds": seconds,
            "eval_seconds_per_image": seconds
            / ((len(data.test) + len(data.validation)) * (2 if best else 1)),
        },
        provenance=provenance(dev),
        history=folder.read_history(),
        evaluation_best=best,
    )
    path = record_path(results_dir, profile, config)
    keep_artifacts(folder, ckpt, path)
    path = write_record(path, record)
    log(
        f"{config.cell}: mean AUC {ev.mean_auc:.4f} ± {ev.sd_auc:.4f}, pooled "
        f"{ev.pooled_auc:.4f} ({seconds:.0f} s)"
    )
    return path


def _pixels(dcnet, records: list[FundusRecord]) -> list[np.ndarray]:
    """The pixels each image is scored on: its FOV, or for a net without an exact dense path
    (``norm="instance"``) the fixed sample of :func:`ganseg_lib.evaluate.sampled.sample_mask`."""
    return [r.fov if dcnet.norm in DENSE_NORMS else sample_mask(r) for r in records]


def _predict(dcnet, record: FundusRecord, pixels: np.ndarray, dev) -> np.ndarray:
    if dcnet.norm in DENSE_NORMS:
        return predict_map(dcnet, record, dev)
    return predict_sampled(dcnet, record, pixels, dev)


def _evaluate_dcnet(dcnet, data: EvalData, dev, save_maps):
    """Test metrics of one DC net, at the threshold that maximises F1 on the validation images,
    with (``"sampled"``) the same metrics on the fixed sample of FOV pixels of every test image."""
    val_pixels = _pixels(dcnet, data.validation)
    val = [
        fov_pixels(_predict(dcnet, r, m, dev), r.vessels, m)
        for r, m in zip(data.validation, val_pixels)
    ]
    threshold = choose_threshold(
        np.concatenate([v[0] for v in val]), np.concatenate([v[1] for v in val])
    )
    test_pixels = _pixels(dcnet, data.test)
    maps = []
    for rec, pixels in zip(data.test, test_pixels):
        maps.append(_predict(dcnet, rec, pixels, dev))
        if save_maps is not None:
            out = Path(save_maps)
            out.mkdir(parents=True, exist_ok=True)
            with replacing(out / f"{rec.image_id}.npy") as tmp:
                np.save(tmp, maps[-1].astype(np.float32))
    truth, ids = [r.vessels for r in data.test], [r.image_id for r in data.test]
    ev = evaluate_maps(maps, truth, test_pixels, ids, threshold)
    if dcnet.norm not in DENSE_NORMS:  # already scored on the sample
        return replace(ev, sampled=sample_summary(ev, test_pixels)), threshold
    masks = [sample_mask(r) for r in data.test]
    sampled = evaluate_maps(maps, truth, masks, ids, threshold)
    return replace(ev, sampled=sample_summary(sampled, masks)), threshold


def keep_artifacts(folder: RunFolder, ckpt: dict, path: Path) -> None:
    """Beside the record: the DC net's weights (last, and best when kept; small at width 16),
    so that re-evaluation never needs re-training, and a montage of generator samples at a few
    iterations (generated patches, not image data)."""
    from PIL import Image

    from ganseg_lib.montage import montage
    from ganseg_lib.train.weights import save_weights

    path.parent.mkdir(parents=True, exist_ok=True)
    weights = {"config": ckpt["config"], "last": ckpt["dcnet"], "best": ckpt.get("best_dcnet")}
    save_weights(weights_path(path), weights)
    grids = folder.read_samples()
    if grids:
        its = sorted(grids)
        picked = [its[round(i * (len(its) - 1) / (SAMPLE_GRIDS - 1))] for i in range(SAMPLE_GRIDS)]
        rows = [montage(grids[it][:8], ncols=8) for it in dict.fromkeys(picked)]
        with replacing(samples_path(path)) as tmp:
            Image.fromarray(np.concatenate(rows, axis=0)).save(tmp)


def failed_record(profile: str, config: TrainConfig, folder: RunFolder, reason: str) -> RunRecord:
    """The record of a run that diverged or collapsed: listed, never averaged."""
    return RunRecord(
        profile=profile,
        status="failed",
        failure=reason,
        config=config,
        run_dir=str(folder.path),
        evaluation=None,
        training=history_summary(folder),
        timing={"train_seconds": None},
        provenance=provenance(torch.device("cpu")),
    )
