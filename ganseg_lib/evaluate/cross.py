"""Cross-dataset evaluation: a run's kept DC net on another data source's test images.

A record's DC net (``<cell>.dcnet.pt`` beside ``<cell>.json``, kept by
:func:`ganseg_lib.evaluate.run.keep_artifacts`) predicts the test images of a target data source
(DRIVE-trained on CHASE_DB1, CHASE_DB1-trained on DRIVE), with

* ``native`` scaling: each image as it is (what :func:`ganseg_lib.evaluate.run.evaluate_run` does
  on the model's own data), or
* ``rescaled``: scale normalisation as ``ganseg predict`` does it
  (:func:`ganseg_lib.model.scale.predict_scaled`): the image resized so that its FOV diameter
  (:func:`ganseg_lib.data.fov.fov_diameter` of the target's FOV mask) equals the training data's
  (:data:`ganseg_lib.data.fov.DRIVE_FOV_DIAMETER`, :data:`~ganseg_lib.data.fov.CHASE_FOV_DIAMETER`),
  predicted, and the map resized back.

The decision threshold is the model's own (chosen on the validation images of its training data
and stored in its record), never one chosen on the target. The metrics are those of
:func:`ganseg_lib.evaluate.metrics.evaluate_maps`: AUC per image inside the FOV (mean ± sd),
pooled AUC and PR-AUC, and accuracy, sensitivity, specificity and F1 at the threshold.

Each (record, target, scaling) gives one small JSON of numbers,
``results/cross/<source>-to-<target>/<cell>.<scaling>.json`` (``<cell>-best`` for the
best-validation weights), and :func:`cross_table` / :func:`cross_summary` tabulate them.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ganseg_lib.atomic import write_text_atomic
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.errors import ConfigError, DataError
from ganseg_lib.evaluate.metrics import evaluate_maps
from ganseg_lib.evaluate.record import CROSS_FOLDER, RunRecord, read_record, record_with_weights
from ganseg_lib.model.networks import DENSE_NORMS

SCALINGS = ("native", "rescaled")
WEIGHTS = ("last", "best")
CROSS_DIR = Path("results") / CROSS_FOLDER
COLUMNS = (
    "source",
    "target",
    "scaling",
    "weights",
    "profile",
    "method",
    "n_patches",
    "seed",
    "cell",
    "arm",
    "n_images",
    "mean_auc",
    "sd_auc",
    "pooled_auc",
    "pooled_pr_auc",
    "f1",
    "sensitivity",
    "specificity",
    "threshold",
    "mean_scale",
    "own_mean_auc",
    "path",
)


@dataclass(frozen=True, eq=False)
class RecordModel:
    """A record's kept DC net and the numbers cross-dataset prediction needs from its record."""

    record: RunRecord
    path: Path  # the record's JSON
    which: str  # "last" or "best"
    dcnet: object  # ganseg_lib.model.networks.DCNet, in eval mode
    threshold: float  # chosen on the validation images of its own training data
    own_mean_auc: float  # its test mean AUC on its own data source

    @property
    def source(self) -> str:
        return self.record.config.data

    @property
    def name(self) -> str:
        return self.record.cell + ("-best" if self.which == "best" else "")


def load_record_model(
    path: str | os.PathLike, which: str = "last", device: str = "cpu"
) -> RecordModel:
    """Read a record and its kept DC-net weights (checked against their SHA-256)."""
    from ganseg_lib.train.weights import load_kept_dcnet

    if which not in WEIGHTS:
        raise ConfigError(f"weights must be one of {WEIGHTS}, got {which!r}", "weights")
    path = Path(path)
    record, source = record_with_weights(path)
    dcnet, _ = load_kept_dcnet(source, which, device)
    if which == "last":
        threshold, evaluation = record.validation_threshold, record.evaluation
    else:
        evaluation = record.evaluation_best or {}
        threshold = evaluation.get("thresholded", {}).get("threshold")
    if threshold is None:
        raise DataError(f"{path}: no validation threshold for the {which!r} DC net")
    if dcnet.norm not in DENSE_NORMS:  # no exact dense path: a whole image is ~10⁶ patch passes
        raise ConfigError(
            f"{path}: a DC net with norm={dcnet.norm!r} has no whole-image path; cross-dataset "
            f"evaluation needs norm in {DENSE_NORMS}",
            "norm",
        )
    return RecordModel(
        record,
        path,
        which,
        dcnet,
        float(threshold),
        float(evaluation["mean_auc"]),
    )


def cross_maps(
    model: RecordModel, images: Sequence[FundusRecord], scaling: str, device: str = "cpu"
) -> tuple[list[np.ndarray], list[float]]:
    """The probability map of each image (0 outside its FOV) and the scale factor applied."""
    from ganseg_lib.model.scale import TRAINING_FOV_DIAMETER, predict_scaled

    if scaling not in SCALINGS:
        raise ConfigError(f"scaling must be one of {SCALINGS}, got {scaling!r}", "scaling")
    diameter = TRAINING_FOV_DIAMETER.get(model.source)
    if scaling == "rescaled" and diameter is None:
        raise ConfigError(
            f"{model.path}: trained on {model.source}, which has no fixed scale; use native",
            "scaling",
        )
    target = diameter if scaling == "rescaled" else None
    maps, factors = [], []
    for rec in images:
        prob, factor = predict_scaled(model.dcnet, rec.rgb, rec.fov, target, device, rec.image_id)
        maps.append(prob)
        factors.append(float(factor))
    return maps, factors


def cross_evaluate(
    model: RecordModel,
    target: str,
    images: Sequence[FundusRecord],
    scaling: str = "native",
    device: str = "cpu",
) -> dict:
    """The cross-dataset metrics of one model on ``images`` (a target's test images), as a
    JSON-ready dict of numbers: no maps, no curves."""
    if not images:
        raise DataError(f"no {target} test images to evaluate on")
    t0 = time.perf_counter()
    maps, factors = cross_maps(model, images, scaling, device)
    ev = evaluate_maps(
        maps,
        [r.vessels for r in images],
        [r.fov for r in images],
        [r.image_id for r in images],
        model.threshold,
    )
    cfg = model.record.config
    return {
        "source": model.source,
        "target": target,
        "scaling": scaling,
        "weights": model.which,
        "record": str(model.path),
        "record_sha256": json.loads(model.path.read_text()).get("sha256"),
        "profile": model.record.profile,
        "cell": model.record.cell,
        "arm": cfg.arm,
        "method": cfg.method,
        "n_patches": cfg.n_patches,
        "seed": cfg.seed,
        "threshold": model.threshold,
        "own_mean_auc": model.own_mean_auc,
        "image_ids": ev.image_ids,
        "scale_factors": factors,
        "per_image_auc": ev.per_image_auc,
        "mean_auc": ev.mean_auc,
        "sd_auc": ev.sd_auc,
        "pooled_auc": ev.pooled_auc,
        "pooled_pr_auc": ev.pooled_pr_auc,
        "thresholded": ev.thresholded,
        "seconds": time.perf_counter() - t0,
    }


def cross_path(cross_dir: str | os.PathLike, model: RecordModel, target: str, scaling: str) -> Path:
    """``cross_dir/<source>-to-<target>/<cell>[-best].<scaling>.json``."""
    return Path(cross_dir) / f"{model.source}-to-{target}" / f"{model.name}.{scaling}.json"


def write_cross(path: str | os.PathLike, result: dict) -> Path:
    """Write one result atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text_atomic(path, json.dumps(result, indent=1, sort_keys=True) + "\n")


def run_cross(
    record_paths: Sequence[str | os.PathLike],
    target: str,
    images: Sequence[FundusRecord],
    scalings: Sequence[str] = SCALINGS,
    weights: Sequence[str] = ("last",),
    cross_dir: str | os.PathLike = CROSS_DIR,
    device: str = "cpu",
    log=print,
) -> list[Path]:
    """Evaluate each record's kept DC net(s) on a target's test images at each scaling and write
    one JSON per (record, weights, scaling); ``best`` is skipped for a record that kept none."""
    written = []
    for record_path in record_paths:
        for which in weights:
            if which == "best" and read_record(record_path).evaluation_best is None:
                log(f"{record_path}: no best-validation weights kept; skipped")
                continue
            model = load_record_model(record_path, which, device)
            for scaling in scalings:
                result = cross_evaluate(model, target, images, scaling, device)
                path = write_cross(cross_path(cross_dir, model, target, scaling), result)
                written.append(path)
                log(
                    f"{model.name} ({model.source}) on {target}, {scaling}: mean AUC "
                    f"{result['mean_auc']:.4f} ± {result['sd_auc']:.4f} (own test "
                    f"{model.own_mean_auc:.4f}; scale ×{np.mean(result['scale_factors']):.2f}, "
                    f"{result['seconds']:.0f} s) → {path}"
                )
    return written


def cross_table(cross_dir: str | os.PathLike = CROSS_DIR):
    """Every cross-dataset result under ``cross_dir`` as a DataFrame, one row per (record,
    weights, target, scaling), sorted."""
    import pandas as pd

    rows = []
    for path in sorted(Path(cross_dir).glob("*-to-*/*.json")):
        try:
            r = json.loads(path.read_text())
        except (OSError, ValueError) as err:
            raise DataError(f"{path}: not a readable cross-dataset result ({err})") from err
        th = r.get("thresholded", {})
        rows.append(
            {
                **{k: r.get(k) for k in COLUMNS if k in r},
                "arm": r.get("arm") or re.sub(r"-n\d+-s\d+$", "", r.get("cell", "")),
                "n_images": len(r.get("per_image_auc", [])),
                "f1": th.get("f1"),
                "sensitivity": th.get("sensitivity"),
                "specificity": th.get("specificity"),
                "mean_scale": float(np.mean(r["scale_factors"]))
                if r.get("scale_factors")
                else None,
                "path": str(path),
            }
        )
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    keys = ["source", "target", "profile", "method", "n_patches", "weights", "seed", "scaling"]
    return df.sort_values(keys, ignore_index=True) if len(df) else df


def cross_summary(table):
    """Mean ± sd over seeds of each (source → target, profile, arm, labelled patches, weights,
    scaling), where the arm is the method with its protocol and hyper-parameters: columns
    ``mean_auc``, ``sd_over_seeds``, ``own_mean_auc`` (the same models on their own data's test
    images), ``drop`` (own − cross) and ``n_seeds``."""
    keys = ["source", "target", "profile", "arm", "method", "n_patches", "weights", "scaling"]
    if not len(table):
        return table.reindex(
            columns=keys + ["mean_auc", "sd_over_seeds", "own_mean_auc", "drop", "n_seeds"]
        )
    g = table.groupby(keys, sort=True)
    out = g.agg(
        mean_auc=("mean_auc", "mean"),
        sd_over_seeds=("mean_auc", "std"),
        own_mean_auc=("own_mean_auc", "mean"),
        n_seeds=("seed", "nunique"),
    ).reset_index()
    out["drop"] = out["own_mean_auc"] - out["mean_auc"]
    return out[keys + ["mean_auc", "sd_over_seeds", "own_mean_auc", "drop", "n_seeds"]]
