"""Data, patches, training and evaluation — what ``ganseg train`` and ``ganseg evaluate`` do,
as functions of images and run folders."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ganseg_lib.errors import ConfigError, DataError

if TYPE_CHECKING:
    from ganseg_lib.data.patches import PatchSet
    from ganseg_lib.data.record import FundusRecord
    from ganseg_lib.evaluate.record import RunRecord
    from ganseg_lib.train.config import TrainConfig

SPLITS = ("train", "validation", "training", "test")


def _dirs(source: str, data_dir: str | os.PathLike | None) -> tuple[str | None, str | None]:
    """(drive_dir, chase_dir) for ``data_dir`` given as the folder of ``source``."""
    folder = str(data_dir) if data_dir is not None else None
    return (folder, None) if source in ("auto", "drive") else (None, folder)


def _load(source: str, split: str, data_dir, seed: int = 0) -> tuple[str, list[FundusRecord]]:
    """The resolved source and its published split ('training' or 'test')."""
    from ganseg_lib.data.source import load_split, resolve_data

    drive_dir, chase_dir = _dirs(source, data_dir)
    source = resolve_data(source, drive_dir, chase_dir)
    drive_dir, chase_dir = _dirs(source, data_dir)
    return source, load_split(source, split, drive_dir, seed, chase_dir)


def load_dataset(
    name: str = "auto",
    split: str = "train",
    *,
    data_dir: str | os.PathLike | None = None,
    seed: int = 0,
) -> list[FundusRecord]:
    """The images of a data source, split as the book trains, validates and tests on them.

    Parameters
    ----------
    name : {"auto", "drive", "chase", "phantom"}, default "auto"
        DRIVE, CHASE_DB1 or the project's synthetic phantom; "auto" is DRIVE when its folder is
        found (``data_dir`` or ``$GANSEG_DRIVE_DIR``), else the phantom.
    split : {"train", "validation", "training", "test"}, default "train"
        "train": the training images a model is trained on (DRIVE 21–36); "validation": the
        last training images, held out to monitor training and choose thresholds (DRIVE 37–40);
        "training": both, the data set's published training split; "test": its test split.
    data_dir : str or os.PathLike, optional
        The data set's folder; default ``$GANSEG_DRIVE_DIR`` (DRIVE) or ``$GANSEG_CHASE_DIR``
        (CHASE_DB1). Ignored for the phantom.
    seed : int, default 0
        The phantom's seed (the book uses 0).

    Returns
    -------
    images : list of FundusRecord
        One :class:`ganseg_lib.data.record.FundusRecord` per image: ``rgb`` (uint8 H×W×3),
        ``vessels`` (bool H×W, the first observer's annotation), ``fov`` (bool H×W) and
        ``image_id``.

    Raises
    ------
    ganseg_lib.errors.DataError
        When ``name`` or ``split`` is unknown, or the data set's folder is missing or
        incomplete.

    Examples
    --------
    >>> import ganseg_lib
    >>> images = ganseg_lib.load_dataset("phantom", "train")
    >>> len(images), images[0].image_id, images[-1].image_id
    (16, 'phantom-training-000', 'phantom-training-015')
    >>> images[0].rgb.shape, images[0].vessels.dtype
    ((584, 565, 3), dtype('bool'))
    """
    from ganseg_lib.data.source import split_validation

    if split not in SPLITS:
        raise DataError(f"split must be one of {SPLITS}, got {split!r}")
    _, images = _load(name, "test" if split == "test" else "training", data_dir, seed)
    if split in ("train", "validation"):
        fit, held_out = split_validation(images)
        images = fit if split == "train" else held_out
    return images


def make_patches(
    images: Sequence[FundusRecord],
    n_patches: int,
    *,
    seed: int = 0,
    dilation_radius: int | None = None,
) -> PatchSet:
    """Labelled 64 × 64 training patches, balanced between vessel and background centres.

    The images are preprocessed (green channel, CLAHE); vessel centres are drawn from the
    skeleton of the annotation, background centres from outside its dilation, both inside the
    field of view and spread evenly over the images (seed slide "Preprocessing & Patch
    Creation", :mod:`ganseg_lib.data.patches`).

    Parameters
    ----------
    images : sequence of FundusRecord
        Annotated images, e.g. ``load_dataset(name, "train")``.
    n_patches : int
        How many patches; an odd number gives the vessel class the extra one.
    seed : int, default 0
        Seeds the draw of the centres.
    dilation_radius : int, optional
        Radius (px) of the disk the annotation is dilated by before background centres are
        drawn; default 3 (:data:`ganseg_lib.data.patches.DILATION_RADIUS`).

    Returns
    -------
    patches : ganseg_lib.data.patches.PatchSet
        ``patches`` (uint8, N × 64 × 64), ``labels`` (N; 1 vessel, 0 background), ``centers``
        (N × 2, row and column in the source image) and ``image_index`` (N, into ``images``).

    Raises
    ------
    ganseg_lib.errors.DataError
        When the images hold fewer vessel or background centres than asked for.

    Examples
    --------
    >>> import numpy as np
    >>> import ganseg_lib
    >>> images = ganseg_lib.load_dataset("phantom", "train")[:2]
    >>> patches = ganseg_lib.make_patches(images, 101, seed=0)
    >>> patches.patches.shape, patches.patches.dtype
    ((101, 64, 64), dtype('uint8'))
    >>> np.bincount(patches.labels).tolist()  # background, vessel
    [50, 51]
    """
    from ganseg_lib.data.patches import PatchParams, make_patch_set

    params = PatchParams(n_patches, seed)
    if dilation_radius is not None:
        params = PatchParams(n_patches, seed, dilation_radius)
    return make_patch_set(images, params)


def _config(config: TrainConfig | Mapping, data_dir) -> TrainConfig:
    """A :class:`TrainConfig` from itself or from a mapping of its fields ("auto" data
    resolved)."""
    import dataclasses

    from ganseg_lib.data.source import resolve_data
    from ganseg_lib.train.config import TrainConfig

    if isinstance(config, TrainConfig):
        return config
    if not isinstance(config, Mapping):
        raise ConfigError(f"config must be a TrainConfig or a mapping, got {type(config)}")
    fields = dict(config)
    unknown = set(fields) - {f.name for f in dataclasses.fields(TrainConfig)}
    if unknown:
        raise ConfigError(f"unknown configuration keys: {sorted(unknown)}")
    source = fields.get("data", "auto")
    fields["data"] = resolve_data(source, *_dirs(source, data_dir))
    if "betas" in fields:
        fields["betas"] = tuple(fields["betas"])
    return TrainConfig(**fields)


def train_model(
    config: TrainConfig | Mapping,
    out_dir: str | os.PathLike,
    *,
    data_dir: str | os.PathLike | None = None,
    device: str = "auto",
    resume: bool = False,
    verbose: bool = True,
) -> Path:
    """Train a DC net (GAN-CNN, CNN or a study arm) as ``ganseg train`` does.

    The patches are drawn from the ``"train"`` images of the configuration's data source
    (cached under ``$GANSEG_CACHE_DIR``), training is monitored on the ``"validation"`` images,
    and the run folder receives the configuration, a history line, a checkpoint and generator
    samples every ``eval_every`` iterations.

    Parameters
    ----------
    config : TrainConfig or mapping
        A :class:`ganseg_lib.train.config.TrainConfig`, or a mapping of its fields: at least
        ``method`` ("gan", "cnn", ...), ``n_patches`` and one of ``iterations`` and ``epochs``;
        ``data`` defaults to "auto".
    out_dir : str or os.PathLike
        The run folder, created if needed; it must not hold another run unless ``resume``.
    data_dir : str or os.PathLike, optional
        The data set's folder, as in :func:`load_dataset`.
    device : str, default "auto"
        "auto" (a GPU when there is one), "cpu", "cuda", "mps".
    resume : bool, default False
        Continue the run in ``out_dir`` from its checkpoint (same configuration only).
    verbose : bool, default True
        Print a line when training starts and ends.

    Returns
    -------
    run_dir : pathlib.Path
        ``out_dir``, holding the trained run: pass it to :func:`evaluate_model` or
        :func:`load_model`.

    Raises
    ------
    ganseg_lib.errors.ConfigError
        (a ``ValueError``) for an invalid configuration, or an ``out_dir`` that already holds a
        run (without ``resume``) or is not writable.
    ganseg_lib.train.monitor.Diverged
        When a loss becomes NaN or infinite, or training collapses.

    Examples
    --------
    A tiny CNN trained on the phantom in a few seconds:

    >>> import pathlib, tempfile
    >>> import ganseg_lib
    >>> config = {"method": "cnn", "data": "phantom", "n_patches": 256, "iterations": 20,
    ...           "width": 4, "eval_every": 10}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     run = ganseg_lib.train_model(config, pathlib.Path(folder) / "run", device="cpu",
    ...                                  verbose=False)
    ...     files = sorted(p.name for p in run.iterdir())
    >>> files
    ['checkpoint.pt', 'config.json', 'history.jsonl', 'samples']
    """
    from ganseg_lib.data.source import split_validation
    from ganseg_lib.train.loop import prepare_data, train

    config = _config(config, data_dir)
    _, images = _load(config.data, "training", data_dir)
    run_data = prepare_data(config, *split_validation(images))
    log = print if verbose else _quiet
    train(config, out_dir, run_data, device=device, resume=resume, log=log)
    return Path(out_dir)


def _quiet(*_args) -> None:
    """A ``log`` that prints nothing."""


def evaluate_model(
    run_dir: str | os.PathLike,
    *,
    data_dir: str | os.PathLike | None = None,
    results_dir: str | os.PathLike = "results",
    profile: str = "custom",
    device: str = "cpu",
    n_test_images: int | None = None,
    n_validation_images: int | None = None,
    verbose: bool = True,
) -> RunRecord:
    """Evaluate a trained run on its data source's test images, as ``ganseg evaluate`` does.

    Every test image is predicted exactly (dense inference); the decision threshold is the one
    that maximises F1 on the validation images, so that no test image is used for a decision.
    The record is written to ``results_dir/<profile>/<data>/<cell>.json``, the DC net's weights
    beside it.

    Parameters
    ----------
    run_dir : str or os.PathLike
        A finished run folder (:func:`train_model`).
    data_dir : str or os.PathLike, optional
        The data set's folder, as in :func:`load_dataset`.
    results_dir : str or os.PathLike, default "results"
        Where the record is written.
    profile : str, default "custom"
        The profile name the record is filed under.
    device : str, default "cpu"
        The torch device to predict on.
    n_test_images, n_validation_images : int, optional
        Evaluate on the first test and validation images only (default: all).
    verbose : bool, default True
        Print the mean AUC when done.

    Returns
    -------
    record : ganseg_lib.evaluate.record.RunRecord
        The run record: ``record.evaluation["mean_auc"]`` (mean of the per-image AUCs),
        ``["per_image_auc"]``, ``["pooled_auc"]``, ``["thresholded"]`` (accuracy,
        sensitivity, specificity, F1 at ``record.validation_threshold``), with the
        configuration, the training history and the provenance.

    Raises
    ------
    ganseg_lib.errors.ConfigError
        When ``run_dir`` is not a run folder or its training has not finished.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import ganseg_lib
    >>> config = {"method": "cnn", "data": "phantom", "n_patches": 256, "iterations": 20,
    ...           "width": 4, "eval_every": 10}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     run = ganseg_lib.train_model(config, pathlib.Path(folder) / "run", device="cpu",
    ...                                  verbose=False)
    ...     record = ganseg_lib.evaluate_model(
    ...         run, results_dir=pathlib.Path(folder) / "results", n_test_images=2,
    ...         n_validation_images=2, verbose=False)
    >>> record.status, record.config.cell, len(record.evaluation["per_image_auc"])
    ('ok', 'cnn-n256-s0', 2)
    >>> bool(0.5 < record.evaluation["mean_auc"] <= 1)
    True
    """
    from ganseg_lib.data.source import split_validation
    from ganseg_lib.evaluate.record import read_record
    from ganseg_lib.evaluate.run import EvalData, evaluate_run
    from ganseg_lib.train.config import TrainConfig
    from ganseg_lib.train.run_folder import RunFolder

    folder = RunFolder(Path(run_dir))
    if not folder.config.is_file():
        raise ConfigError(f"{run_dir}: no config.json (not a run folder)")
    config = TrainConfig.from_json(json.loads(folder.config.read_text()))
    _, test = _load(config.data, "test", data_dir)
    _, training = _load(config.data, "training", data_dir)
    _, validation = split_validation(training)
    data = EvalData(test[:n_test_images], validation[:n_validation_images])
    log = print if verbose else _quiet
    path = evaluate_run(run_dir, data, results_dir, profile, device, log=log)
    return read_record(path)
