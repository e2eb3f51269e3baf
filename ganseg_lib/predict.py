"""``ganseg predict``: vessel maps of fundus images from any camera, many images per call.

For each image: read and check it (:func:`ganseg_lib.data.user_image.read_user_image`), derive its
field of view (:func:`ganseg_lib.data.fov.derive_fov`) unless a mask is given, and

* **scale normalisation** — resize the image so that its FOV diameter (the width of the widest
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

The model is loaded once for all images, which are predicted side by side, one per CPU core
(``jobs``). A bad file (missing, not an image, grayscale, tiny) is
reported in one line that names it and skipped; the others are still written.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from ganseg_lib.data.fov import (
    CHASE_FOV_DIAMETER,
    DRIVE_FOV_DIAMETER,
    derive_fov,
    fov_diameter,
)
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.errors import ConfigError, DataError

DEFAULT_THRESHOLD = 0.5
# FOV diameter (px) of each training data source. The phantom has none: its frame size is a
# parameter and its vessel widths scale with it, so a phantom-trained model is never rescaled.
TRAINING_FOV_DIAMETER = {"drive": DRIVE_FOV_DIAMETER, "chase": CHASE_FOV_DIAMETER, "phantom": None}
RESCALE_TOLERANCE = 0.02  # no resampling when the scale factor is within 2 % of 1
MAX_SCALE = 4.0  # a factor beyond [1/4, 4] means a wrong FOV, not a different camera
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


def _checkpoint_path(checkpoint: str | os.PathLike) -> Path:
    path = Path(checkpoint)
    if path.is_dir():
        path = path / "checkpoint.pt"
    if not path.is_file():
        raise DataError(f"--checkpoint {checkpoint}: not a checkpoint file nor a run folder")
    return path


def find_validation_threshold(ckpt_path: Path, ckpt: dict) -> tuple[float | None, str]:
    """The model's validation threshold and where it was found, or (None, reason).

    Looked for, in order: a ``validation_threshold`` in the checkpoint itself; a run record
    (``*.json`` with a ``validation_threshold``) in the checkpoint's folder; the record that
    ``ganseg evaluate`` wrote for this run folder under ``results/<profile>/<data>/<cell>.json``
    (relative to the working directory), recognised by its ``run_dir``.
    """
    value = ckpt.get("validation_threshold")
    if _valid_threshold(value):
        return float(value), f"validation threshold stored in {ckpt_path.name}"
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


def load_predictor(checkpoint: str | os.PathLike, device: str = "cpu") -> Predictor:
    """Load a checkpoint (or a run folder's) once: its DC net, training data and threshold."""
    from ganseg_lib.train.checkpoint import load_dcnet, read_checkpoint

    path = _checkpoint_path(checkpoint)
    ckpt = read_checkpoint(path, "cpu")
    config = ckpt.get("config") or {}
    data = config.get("data", "drive")
    diameter = ckpt.get("fov_diameter") or TRAINING_FOV_DIAMETER.get(data)
    threshold, source = find_validation_threshold(path, ckpt)
    dcnet = load_dcnet(path, device)
    diameter = float(diameter) if diameter else None
    return Predictor(dcnet, path, data, diameter, threshold, source, device)


def scale_factor(fov: np.ndarray, target_diameter: float) -> float:
    """The resize factor that brings the FOV's diameter to ``target_diameter`` pixels."""
    diameter = fov_diameter(fov)
    factor = target_diameter / diameter
    if not 1 / MAX_SCALE <= factor <= MAX_SCALE:
        raise DataError(
            f"FOV diameter {diameter:.0f} px needs a scale factor {factor:.2f}, outside "
            f"[{1 / MAX_SCALE:.2f}, {MAX_SCALE:.0f}]: the FOV was not found (pass --mask) or the "
            "image is not a fundus photograph (--no-rescale skips scale normalisation)"
        )
    return factor


def _resize_rgb(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """uint8 RGB → (width, height) ``size``; Lanczos (anti-aliased when shrinking)."""
    return np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.LANCZOS))


def _resize_mask(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    im = Image.fromarray(mask.astype(np.uint8) * 255).resize(size, Image.Resampling.BILINEAR)
    return np.asarray(im) >= 128


def _resize_map(prob: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    im = Image.fromarray(prob.astype(np.float32), mode="F").resize(size, Image.Resampling.BILINEAR)
    return np.clip(np.asarray(im), 0.0, 1.0)


def predict_probability(
    predictor: Predictor,
    rgb: np.ndarray,
    fov: np.ndarray,
    rescale: bool = True,
    image_id: str = "image",
) -> tuple[np.ndarray, float]:
    """The vessel probability map (float32 H×W, 0 outside ``fov``) and the scale factor used."""
    from ganseg_lib.model.inference import predict_map

    height, width = fov.shape
    rescale = rescale and predictor.fov_diameter is not None
    factor = scale_factor(fov, predictor.fov_diameter) if rescale else 1.0
    if abs(factor - 1.0) <= RESCALE_TOLERANCE:
        factor = 1.0
    if factor == 1.0:
        work_rgb, work_fov = rgb, fov
    else:
        size = (max(1, round(width * factor)), max(1, round(height * factor)))
        work_rgb, work_fov = _resize_rgb(rgb, size), _resize_mask(fov, size)
        if not work_fov.any():
            work_fov = np.ones(work_fov.shape, bool)
    record = FundusRecord(image_id, "test", work_rgb, np.zeros(work_fov.shape, bool), work_fov)
    prob = predict_map(predictor.dcnet, record, predictor.device)
    if factor != 1.0:
        prob = _resize_map(prob, (width, height))
    prob = np.asarray(prob, dtype=np.float32).copy()
    prob[~fov] = 0.0
    return prob, factor


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
    tmp = path.with_name(path.name + ".tmp.png")
    Image.fromarray(array).save(tmp, compress_level=1)
    os.replace(tmp, path)


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
        tmp = written[-1].with_name(written[-1].name + ".tmp.npy")
        np.save(tmp, prob)
        os.replace(tmp, written[-1])
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

    import torch
    from tqdm import tqdm

    out_dir = Path(out_dir)
    files = collect_inputs(inputs, exclude=out_dir)
    if not files:
        raise DataError(f"no input files in {', '.join(str(p) for p in inputs)}")
    if mask is not None and len(files) != 1:
        raise ConfigError(f"--mask applies to one image, got {len(files)} inputs", "mask")
    jobs = min(default_jobs() if jobs is None else jobs, len(files))
    if jobs < 1:
        raise ConfigError(f"--jobs must be >= 1, got {jobs}", "jobs")
    value, source = resolve_threshold(predictor, threshold)
    report = PredictReport(threshold=value, threshold_source=source)
    bar = tqdm(total=len(files), unit="image", disable=not progress, dynamic_ncols=True)

    def say(line: str) -> None:
        if warn is not None:
            warn(line)
        else:
            tqdm.write(line, file=sys.stderr)  # above the progress bar, which stays intact

    def run(path: Path, stem: str) -> tuple[Path, list[Path] | None, str | None]:
        try:
            return (
                path,
                predict_one(predictor, path, out_dir, stem, value, rescale, npy, mask),
                None,
            )
        except (ValueError, OSError, RuntimeError) as err:  # DataError, ConfigError, torch
            return path, None, str(err) if str(path) in str(err) else f"{path}: {err}"

    torch_threads = torch.get_num_threads()
    torch.set_num_threads(max(1, torch_threads // jobs))
    t0 = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for path, written, error in pool.map(run, files, output_stems(files)):
                if error is None:
                    report.written[path] = written
                else:
                    report.failed[path] = error
                    say(f"ganseg: error: {error}")
                bar.set_postfix_str(path.name, refresh=False)
                bar.update()
    finally:
        torch.set_num_threads(torch_threads)
        bar.close()
    report.seconds = time.perf_counter() - t0
    return report
