"""``ganseg predict``: vessel maps of fundus images from any camera, many images per call.

For each image: read and check it (:func:`ganseg_lib.data.user_image.read_user_image`), derive its
field of view (:func:`ganseg_lib.data.fov.derive_fov`) unless a mask is given, and

* **scale normalisation** (:func:`ganseg_lib.model.scale.predict_scaled`) — resize the image so
  that its FOV diameter (the width of the widest
  FOV row, :func:`ganseg_lib.data.fov.fov_diameter`) equals that of the model's training data
  (DRIVE: 540 px), predict, and resize the map back to the image's size (bilinear). The DC net sees
  64×64 patches at its training scale; a camera with twice DRIVE's resolution would otherwise show
  it vessels twice as wide as any it was trained on. Skipped when the factor is within 2 % of 1,
  with ``rescale=False`` (``--no-rescale``), or for a model trained on the phantom (no fixed
  scale);
* the whole-image dense probability map of the DC net, zero outside the FOV;
* the vessel mask ``probability ≥ threshold``, with the model's validation threshold (the F1-optimal
  threshold on the validation images that ``ganseg evaluate`` stores in the run's record) when one
  is found, else ``DEFAULT_THRESHOLD`` = 0.5, the point where the vessel probability passes the
  others (``--threshold`` overrides either);
* an overlay: the vessels painted over the image.

The model is a training checkpoint or run folder, a record's kept weights ``<cell>.dcnet.pt``,
or a DC net shipped with the package (:mod:`ganseg_lib.models`; the best one by default). It is
loaded once for all images, which are predicted side by side, one per CPU core
(``jobs``). A bad file (missing, not an image, grayscale, tiny) is
reported in one line that names it and skipped; the others are still written.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from ganseg_lib.atomic import replacing
from ganseg_lib.data.fov import derive_fov
from ganseg_lib.errors import ConfigError, DataError
from ganseg_lib.model.scale import MAX_SCALE as MAX_SCALE
from ganseg_lib.model.scale import RESCALE_TOLERANCE as RESCALE_TOLERANCE
from ganseg_lib.model.scale import TRAINING_FOV_DIAMETER as TRAINING_FOV_DIAMETER
from ganseg_lib.model.scale import predict_scaled
from ganseg_lib.model.scale import scale_factor as scale_factor

DEFAULT_THRESHOLD = 0.5
OVERLAY_COLOUR = (0, 255, 64)
OVERLAY_ALPHA = 0.7


@dataclass(frozen=True, eq=False)
class Predictor:
    """A DC net loaded once, with what prediction needs to know about its training data."""

    dcnet: object  # ganseg_lib.model.networks.DCNet
    checkpoint: Path
    data: str  # the data source it was trained on
    fov_diameter: float | None  # the training data's FOV diameter, px (None: never rescale)
    threshold: float | None  # its validation threshold, when a record gives one
    threshold_source: str  # where ``threshold`` comes from, for the log
    device: str = "cpu"


def _checkpoint_path(checkpoint: str | os.PathLike | None) -> Path:
    """A checkpoint file, a run folder's, a record's kept weights (``<cell>.dcnet.pt``), a shipped
    model's file or name, or (``None``) the best shipped model."""
    from ganseg_lib.models import best_model, model_path

    if checkpoint is None:
        return best_model()
    path = Path(checkpoint)
    if path.is_dir():
        path = path / "checkpoint.pt"
    if not path.is_file():
        shipped = model_path(str(checkpoint))
        if shipped is not None:
            return shipped
        raise DataError(
            f"--checkpoint {checkpoint}: not a checkpoint file, a run folder nor a shipped model"
        )
    return path


def record_beside(path: Path) -> Path | None:
    """The run record of a record's kept weights: ``<cell>.json`` beside ``<cell>.dcnet.pt``."""
    if not path.name.endswith(".dcnet.pt"):
        return None
    record = path.with_name(path.name[: -len(".dcnet.pt")] + ".json")
    return record if record.is_file() else None


def find_validation_threshold(ckpt_path: Path, ckpt: dict) -> tuple[float | None, str]:
    """The model's validation threshold and where it was found, or (None, reason).

    Looked for, in order: a ``validation_threshold`` in the checkpoint itself (shipped models
    keep theirs); for a record's kept weights ``<cell>.dcnet.pt``, the record ``<cell>.json``
    beside it and nothing else; a run record (``*.json`` with a ``validation_threshold``) in the
    checkpoint's folder; the record that
    ``ganseg evaluate`` wrote for this run folder under ``results/<profile>/<data>/<cell>.json``
    (relative to the working directory), recognised by its ``run_dir``.
    """
    value = ckpt.get("validation_threshold")
    if _valid_threshold(value):
        return float(value), f"validation threshold stored in {ckpt_path.name}"
    if ckpt_path.name.endswith(".dcnet.pt"):
        record = record_beside(ckpt_path)
        value = json.loads(record.read_text()).get("validation_threshold") if record else None
        if _valid_threshold(value):
            return float(value), f"validation threshold of record {record}"
        return None, f"no run record with a validation threshold beside {ckpt_path.name}"
    run_dir = ckpt_path.parent
    candidates = sorted(run_dir.glob("*.json"))
    candidates += sorted(Path("results").glob(f"*/*/{run_dir.name}.json"))
    for path in candidates:
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict) or not _valid_threshold(record.get("validation_threshold")):
            continue
        if path.parent != run_dir and not _same_dir(record.get("run_dir"), run_dir):
            continue
        return float(record["validation_threshold"]), f"validation threshold of record {path}"
    return None, "no run record with a validation threshold found"


def _valid_threshold(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1


def _same_dir(recorded: object, run_dir: Path) -> bool:
    if not isinstance(recorded, str):
        return False
    try:
        return Path(recorded).resolve() == run_dir.resolve()
    except OSError:
        return False


def load_predictor(checkpoint: str | os.PathLike | None = None, device: str = "cpu") -> Predictor:
    """Load a model once: its DC net, training data and threshold. ``checkpoint`` is a training
    checkpoint or run folder, a record's kept weights ``<cell>.dcnet.pt`` (its last DC net), a
    shipped model (:mod:`ganseg_lib.models`, by file or name), or None: the best shipped model."""
    from ganseg_lib.train.weights import load_kept_dcnet

    path = _checkpoint_path(checkpoint)
    dcnet, ckpt = load_kept_dcnet(path, "last", device)
    data = ckpt["config"].get("data", "drive")
    diameter = ckpt.get("fov_diameter") or TRAINING_FOV_DIAMETER.get(data)
    threshold, source = find_validation_threshold(path, ckpt)
    diameter = float(diameter) if diameter else None
    return Predictor(dcnet, path, data, diameter, threshold, source, device)


def predict_probability(
    predictor: Predictor,
    rgb: np.ndarray,
    fov: np.ndarray,
    rescale: bool = True,
    image_id: str = "image",
) -> tuple[np.ndarray, float]:
    """The vessel probability map (float32 H×W, 0 outside ``fov``) and the scale factor used
    (:func:`ganseg_lib.model.scale.predict_scaled` at the model's training FOV diameter)."""
    target = predictor.fov_diameter if rescale else None
    return predict_scaled(predictor.dcnet, rgb, fov, target, predictor.device, image_id)


def overlay(rgb: np.ndarray, vessels: np.ndarray, alpha: float = OVERLAY_ALPHA) -> np.ndarray:
    """The image with the vessel mask painted over it in ``OVERLAY_COLOUR`` (alpha blending)."""
    out = rgb.astype(np.float32)
    colour = np.asarray(OVERLAY_COLOUR, np.float32)
    out[vessels] = (1 - alpha) * out[vessels] + alpha * colour
    return np.round(out).astype(np.uint8)


def collect_inputs(
    paths: Iterable[str | os.PathLike], exclude: str | os.PathLike | None = None
) -> list[Path]:
    """Files to predict: each file as given, each folder's files (sorted, not hidden, not in
    sub-folders); duplicates and files inside ``exclude`` (the output folder) left out."""
    excluded = Path(exclude).resolve() if exclude is not None else None
    files: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        found = (
            sorted(c for c in p.iterdir() if c.is_file() and not c.name.startswith("."))
            if p.is_dir()
            else [p]
        )
        for f in found:
            key = f.resolve()
            if key in seen or (excluded is not None and key.parent == excluded):
                continue
            seen.add(key)
            files.append(f)
    return files


def output_stems(files: Sequence[Path]) -> list[str]:
    """One output name per input: its stem, with ``-2``, ``-3`` … added when stems repeat."""
    counts: dict[str, int] = {}
    stems = []
    for f in files:
        n = counts.get(f.stem, 0) + 1
        counts[f.stem] = n
        stems.append(f.stem if n == 1 else f"{f.stem}-{n}")
    return stems


def _save_png(array: np.ndarray, path: Path) -> None:
    """Write atomically, with zlib level 1 (several times faster to encode than the default 6)."""
    with replacing(path) as tmp:
        Image.fromarray(array).save(tmp, compress_level=1)


@dataclass
class PredictReport:
    """What one call of :func:`predict_files` did."""

    written: dict[Path, list[Path]] = field(default_factory=dict)  # input → its output files
    failed: dict[Path, str] = field(default_factory=dict)  # input → the one-line error
    threshold: float = DEFAULT_THRESHOLD
    threshold_source: str = ""
    seconds: float = 0.0


def resolve_threshold(predictor: Predictor, threshold: float | None) -> tuple[float, str]:
    """The threshold to use: ``threshold`` when given, else the model's, else 0.5."""
    if threshold is not None:
        if not 0 < threshold < 1:
            raise ConfigError(f"--threshold must be in (0, 1), got {threshold}", "threshold")
        return float(threshold), "--threshold"
    if predictor.threshold is not None:
        return predictor.threshold, predictor.threshold_source
    return DEFAULT_THRESHOLD, f"default ({predictor.threshold_source})"


def predict_one(
    predictor: Predictor,
    path: Path,
    out_dir: Path,
    stem: str,
    threshold: float,
    rescale: bool = True,
    npy: bool = False,
    mask: str | os.PathLike | None = None,
) -> list[Path]:
    """Predict one image and write ``<stem>_prob.png`` (and ``.npy``), ``<stem>_mask.png`` and
    ``<stem>_overlay.png`` into ``out_dir``; return the paths written."""
    from ganseg_lib.data.user_image import read_fov_mask, read_user_image

    rgb = read_user_image(path)
    fov = derive_fov(rgb) if mask is None else read_fov_mask(mask, rgb.shape[:2])
    prob, _ = predict_probability(predictor, rgb, fov, rescale, image_id=path.stem)
    vessels = (prob >= threshold) & fov
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / f"{stem}_prob.png", out_dir / f"{stem}_mask.png"]
    _save_png(np.round(prob * 255).astype(np.uint8), written[0])
    _save_png(vessels.astype(np.uint8) * 255, written[1])
    written.append(out_dir / f"{stem}_overlay.png")
    _save_png(overlay(rgb, vessels), written[-1])
    if npy:
        written.append(out_dir / f"{stem}_prob.npy")
        with replacing(written[-1]) as tmp:
            np.save(tmp, prob)
    return written


def default_jobs() -> int:
    """Images predicted side by side: one per available CPU core, at most 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def predict_files(
    predictor: Predictor,
    inputs: Sequence[str | os.PathLike],
    out_dir: str | os.PathLike,
    threshold: float | None = None,
    rescale: bool = True,
    npy: bool = False,
    mask: str | os.PathLike | None = None,
    progress: bool = True,
    warn: Callable[[str], None] | None = None,
    jobs: int | None = None,
) -> PredictReport:
    """Predict every image of ``inputs`` (files or folders) into ``out_dir``, with a progress bar.

    ``jobs`` images (default :func:`default_jobs`) are predicted side by side by threads that
    share the one loaded DC net, each with an equal share of torch's CPU threads: one image per
    core parallelises the whole pipeline (decoding, FOV, CLAHE, PNG encoding), where torch's own
    threads only parallelise the convolutions. A file that fails is reported through ``warn``
    (default: standard error) in one line that names it, and skipped.
    """
    import time
    from concurrent.futures import ThreadPoolExecutor

    from tqdm import tqdm

    out_dir = Path(out_dir)
    files, jobs = _checked_inputs(inputs, out_dir, mask, jobs)
    value, source = resolve_threshold(predictor, threshold)
    report = PredictReport(threshold=value, threshold_source=source)
    say = warn if warn is not None else _above_the_bar

    def run(path: Path, stem: str) -> tuple[Path, list[Path] | None, str | None]:
        return _attempt(
            path, lambda: predict_one(predictor, path, out_dir, stem, value, rescale, npy, mask)
        )

    bar = tqdm(total=len(files), unit="image", disable=not progress, dynamic_ncols=True)
    t0 = time.perf_counter()
    with bar, _torch_threads_shared_by(jobs), ThreadPoolExecutor(max_workers=jobs) as pool:
        for path, written, error in pool.map(run, files, output_stems(files)):
            if error is None:
                report.written[path] = written
            else:
                report.failed[path] = error
                say(f"ganseg: error: {error}")
            bar.set_postfix_str(path.name, refresh=False)
            bar.update()
    report.seconds = time.perf_counter() - t0
    return report


def _checked_inputs(
    inputs: Sequence[str | os.PathLike],
    out_dir: Path,
    mask: str | os.PathLike | None,
    jobs: int | None,
) -> tuple[list[Path], int]:
    """The files to predict and the images to predict side by side (no more than files)."""
    files = collect_inputs(inputs, exclude=out_dir)
    if not files:
        raise DataError(f"no input files in {', '.join(str(p) for p in inputs)}")
    if mask is not None and len(files) != 1:
        raise ConfigError(f"--mask applies to one image, got {len(files)} inputs", "mask")
    jobs = min(default_jobs() if jobs is None else jobs, len(files))
    if jobs < 1:
        raise ConfigError(f"--jobs must be >= 1, got {jobs}", "jobs")
    return files, jobs


def _attempt(
    path: Path, predict: Callable[[], list[Path]]
) -> tuple[Path, list[Path] | None, str | None]:
    """(path, files written, None), or (path, None, a one-line error that names the file)."""
    try:
        return path, predict(), None
    except (ValueError, OSError, RuntimeError) as err:  # DataError, ConfigError, torch
        return path, None, str(err) if str(path) in str(err) else f"{path}: {err}"


def _above_the_bar(line: str) -> None:
    from tqdm import tqdm

    tqdm.write(line, file=sys.stderr)  # above the progress bar, which stays intact


@contextmanager
def _torch_threads_shared_by(jobs: int):
    """Give each of ``jobs`` threads an equal share of torch's CPU threads, restored after."""
    import torch

    torch_threads = torch.get_num_threads()
    torch.set_num_threads(max(1, torch_threads // jobs))
    try:
        yield
    finally:
        torch.set_num_threads(torch_threads)
