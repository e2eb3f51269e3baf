"""Trained DC nets shipped with the package, so that ``ganseg predict IMAGE`` needs no training.

Each shipped model is two files in this folder, listed in ``manifest.json`` with the SHA-256 of
each:

* ``<name>.dcnet.pt`` — one DC net (width 16 in the ``cpu`` and ``study`` profiles, about 190 KB):
  a checkpoint that :func:`ganseg_lib.predict.load_predictor` reads, with its training
  configuration, the weights, the validation threshold (the F1-optimal threshold on the held-out
  validation images of its training data) and the training data's FOV diameter (for scale
  normalisation), written like every checkpoint with a SHA-256 header line;
* ``<name>.json`` — the run record that describes it, unchanged: training data, configuration,
  history and test evaluation.

:func:`add_model` ships a record's kept weights (``<cell>.dcnet.pt`` beside ``<cell>.json``, see
:func:`ganseg_lib.evaluate.record.weights_path`); :func:`best_model` is the default of
``ganseg predict``: of the DRIVE-trained models, the one with the highest validation AUC of its
record (the held-out validation images of its training data, never its test images, so that its
test AUC stays an honest estimate).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ganseg_lib.atomic import write_bytes_atomic, write_text_atomic
from ganseg_lib.errors import ConfigError, DataError

MODELS_DIR = Path(__file__).resolve().parent
MANIFEST = "manifest.json"
WEIGHTS = ("auto", "last", "best")
# What each data source's model is trained on (the validation images are held out, never trained
# on; ganseg_lib.data.source.split_validation).
TRAINED_ON = {
    "drive": "DRIVE training images 21–36 (37–40 held out for validation), first observer",
    "chase": "CHASE_DB1 images 01L–08R (09L–10R held out for validation), first observer",
    "phantom": "the project's synthetic fundus phantom (20 training images, seeded)",
}


@dataclass(frozen=True)
class ShippedModel:
    """One entry of the manifest."""

    name: str
    weights: str  # file name of the DC net, in the models folder
    sha256: str  # of the weights file, as ``sha256sum`` prints it
    record: str  # file name of its run record
    record_sha256: str
    data: str  # the data source it was trained on
    trained_on: str  # the same, in words
    profile: str
    method: str
    n_patches: int
    seed: int
    which: str  # "last" (the run's final weights) or "best" (best validation AUC)
    test_mean_auc: float  # its record's mean AUC on its own data's test images
    validation_threshold: float
    fov_diameter: float | None  # the training data's FOV diameter, px


def models_folder(models_dir: str | os.PathLike | None = None) -> Path:
    """``models_dir``, or (None) the package's own models folder."""
    return Path(models_dir) if models_dir is not None else MODELS_DIR


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (hex), as ``sha256sum`` prints it."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_manifest(models_dir: str | os.PathLike | None = None) -> list[ShippedModel]:
    """The shipped models listed in ``models_dir/manifest.json`` (empty when there is none)."""
    path = models_folder(models_dir) / MANIFEST
    if not path.is_file():
        return []
    try:
        entries = json.loads(path.read_text())["models"]
        names = {f.name for f in fields(ShippedModel)}
        return [ShippedModel(**{k: v for k, v in e.items() if k in names}) for e in entries]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise DataError(f"{path}: malformed model manifest ({err})") from err


def write_manifest(models: list[ShippedModel], models_dir: str | os.PathLike | None = None) -> Path:
    """Write the manifest atomically, models sorted by name."""
    path = models_folder(models_dir) / MANIFEST
    body = {"models": [asdict(m) for m in sorted(models, key=lambda m: m.name)]}
    return write_text_atomic(path, json.dumps(body, indent=1, ensure_ascii=False) + "\n")


def verify_models(models_dir: str | os.PathLike | None = None) -> list[str]:
    """One line per shipped file that is missing or whose SHA-256 differs from the manifest."""
    root = models_folder(models_dir)
    problems = []
    for m in read_manifest(root):
        for file, digest in ((m.weights, m.sha256), (m.record, m.record_sha256)):
            if not (root / file).is_file():
                problems.append(f"{root / file}: missing")
            elif file_sha256(root / file) != digest:
                problems.append(f"{root / file}: SHA-256 differs from {MANIFEST}")
    return problems


def _checked(root: Path, model: ShippedModel) -> Path:
    path = root / model.weights
    if not path.is_file():
        raise DataError(f"{path}: shipped model listed in {MANIFEST} is missing")
    if file_sha256(path) != model.sha256:
        raise DataError(f"{path}: SHA-256 differs from {MANIFEST}; not loaded")
    return path


def shipped_validation_auc(root: Path, model: ShippedModel) -> float | None:
    """A shipped model's validation AUC, read from its record (:func:`validation_auc`)."""
    from ganseg_lib.evaluate.record import read_record

    try:
        return validation_auc(read_record(root / model.record), model.which)
    except DataError:
        return None


def best_model(models_dir: str | os.PathLike | None = None, data: str = "drive") -> Path:
    """The weights file of the default shipped model, its SHA-256 checked: of the models trained
    on ``data`` (any data source when none is), the one with the highest validation AUC of its
    record — chosen on validation images only, never on test AUC."""
    root = models_folder(models_dir)
    models = read_manifest(root)
    if not models:
        raise ConfigError(
            f"checkpoint: none given and no shipped model in {root} (pass a run folder)",
            "checkpoint",
        )
    pool = [m for m in models if m.data == data] or models
    scored = [(shipped_validation_auc(root, m) or float("-inf"), m.name, m) for m in pool]
    return _checked(root, max(scored, key=lambda x: (x[0], x[1]))[2])


def model_path(name: str, models_dir: str | os.PathLike | None = None) -> Path | None:
    """The weights file of the shipped model called ``name`` (or with that file name), checked;
    None when no shipped model has that name."""
    root = models_folder(models_dir)
    for m in read_manifest(root):
        if name in (m.name, m.weights):
            return _checked(root, m)
    return None


def validation_auc(record, which: str) -> float | None:
    """The validation AUC of a record's ``last`` or ``best`` weights (validation images of its
    own training data, never test images): the last interval's, or the best of the run."""
    training = record.training or {}
    if which == "best":
        return training.get("best_val_auc")
    return (training.get("final") or {}).get("val_auc")


def choose_weights(record, which: str = "auto") -> tuple[str, dict]:
    """("last" or "best", its test evaluation). ``auto``: the best-validation weights when the
    record kept them (fair protocol; chosen on validation AUC, so never worse there than the
    last), else the last. Test AUC plays no part in the choice."""
    if which not in WEIGHTS:
        raise ConfigError(f"weights must be one of {WEIGHTS}, got {which!r}", "weights")
    best = record.evaluation_best
    if which == "best" and best is None:
        raise DataError(f"record {record.cell}: keeps no best-validation evaluation")
    if which == "auto":
        which = "best" if best is not None else "last"
    return which, (best if which == "best" else record.evaluation)


def best_record(record_paths) -> Path:
    """Of several run records, the one whose kept DC net (weights as :func:`choose_weights`
    ``auto`` picks them) has the highest validation AUC — chosen on validation images only, so
    that the shipped model's test AUC is an honest estimate; records without weights beside them,
    without a validation AUC, failed or unreadable, are passed over."""
    from ganseg_lib.evaluate.record import read_record, weights_path

    scored = []
    for path in map(Path, record_paths):
        try:
            record = read_record(path)
        except DataError:
            continue
        if record.ok and weights_path(path).is_file():
            auc = validation_auc(record, choose_weights(record)[0])
            if auc is not None:
                scored.append((auc, str(path)))
    if not scored:
        raise DataError("no run record with DC-net weights beside it among the records given")
    return Path(max(scored)[1])


def add_model(
    record_path: str | os.PathLike,
    which: str = "auto",
    models_dir: str | os.PathLike | None = None,
) -> ShippedModel:
    """Ship a record's kept DC net: write ``<name>.dcnet.pt`` (the chosen weights, threshold and
    FOV diameter) and a copy of the record into ``models_dir`` and list both in the manifest
    (replacing an entry of the same name). ``name`` is ``<data>-<cell>``, ``-best`` added for
    best-validation weights."""
    from ganseg_lib.evaluate.record import record_with_weights
    from ganseg_lib.model.scale import TRAINING_FOV_DIAMETER
    from ganseg_lib.train.weights import read_checkpoint, save_weights

    record_path = Path(record_path)
    record, source = record_with_weights(record_path)
    which, evaluation = choose_weights(record, which)
    kept = read_checkpoint(source)
    if kept.get(which) is None:
        raise DataError(f"{source}: keeps no {which!r} DC net")
    threshold = (
        record.validation_threshold if which == "last" else evaluation["thresholded"]["threshold"]
    )
    data = record.config.data
    diameter = TRAINING_FOV_DIAMETER.get(data)
    name = f"{data}-{record.cell}" + ("-best" if which == "best" else "")
    root = models_folder(models_dir)
    root.mkdir(parents=True, exist_ok=True)
    shipped = {
        "config": kept["config"],
        "dcnet": kept[which],
        "which": which,
        "validation_threshold": float(threshold),
        "fov_diameter": diameter,
    }
    save_weights(root / f"{name}.dcnet.pt", shipped)
    copy = root / f"{name}.json"
    write_bytes_atomic(copy, record_path.read_bytes())
    model = ShippedModel(
        name=name,
        weights=f"{name}.dcnet.pt",
        sha256=file_sha256(root / f"{name}.dcnet.pt"),
        record=copy.name,
        record_sha256=file_sha256(copy),
        data=data,
        trained_on=TRAINED_ON.get(data, data),
        profile=record.profile,
        method=record.config.method,
        n_patches=record.config.n_patches,
        seed=record.config.seed,
        which=which,
        test_mean_auc=float(evaluation["mean_auc"]),
        validation_threshold=float(threshold),
        fov_diameter=diameter,
    )
    others = [m for m in read_manifest(root) if m.name != name]
    write_manifest([*others, model], root)
    return model


def remove_model(name: str, models_dir: str | os.PathLike | None = None) -> None:
    """Take a shipped model (its two files and its manifest entry) out of ``models_dir``."""
    root = models_folder(models_dir)
    models = read_manifest(root)
    gone = [m for m in models if m.name == name]
    if not gone:
        raise DataError(f"{root / MANIFEST}: no shipped model named {name!r}")
    for file in (gone[0].weights, gone[0].record):
        (root / file).unlink(missing_ok=True)
    write_manifest([m for m in models if m.name != name], root)


README_BEGIN = "<!-- shipped models: begin -->"
README_END = "<!-- shipped models: end -->"


def _auc(path: Path) -> str:
    try:
        return f"{json.loads(path.read_text())['mean_auc']:.4f}"
    except (OSError, ValueError, KeyError):
        return "–"


def models_markdown(
    models_dir: str | os.PathLike | None = None,
    cross_dir: str | os.PathLike = Path("results") / "cross",
) -> str:
    """The README's table of shipped models: what each was trained on, its weights, its test
    AUC on its own data, and its cross-dataset AUCs (``ganseg cross``) where they are recorded."""
    lines = [
        "| model | trained on | weights | mean AUC, own test images | other data's test images:"
        " native / scale-normalised |",
        "|---|---|---|---|---|",
    ]
    for m in sorted(read_manifest(models_dir), key=lambda m: -m.test_mean_auc):
        stem = m.record.removesuffix(".json").removeprefix(f"{m.data}-")
        cross = []
        for target in ("drive", "chase"):
            folder = Path(cross_dir) / f"{m.data}-to-{target}"
            if target != m.data and (folder / f"{stem}.native.json").is_file():
                native = _auc(folder / f"{stem}.native.json")
                cross.append(f"{target}: {native} / {_auc(folder / f'{stem}.rescaled.json')}")
        lines.append(
            f"| `{m.name}` | {m.trained_on}; {m.method}, {m.n_patches} labelled patches, "
            f"`{m.profile}` profile, seed {m.seed} | {m.which} | {m.test_mean_auc:.4f} | "
            f"{'; '.join(cross) or '–'} |"
        )
    return "\n".join(lines)


def update_readme(
    readme: str | os.PathLike,
    models_dir: str | os.PathLike | None = None,
    cross_dir: str | os.PathLike = Path("results") / "cross",
) -> bool:
    """Rewrite the block between the shipped-models markers of ``readme``; True when changed."""
    from ganseg_lib.markers import write_block

    body = models_markdown(models_dir, cross_dir)
    try:
        return write_block(readme, body, README_BEGIN, README_END)
    except ValueError:
        raise ConfigError(
            f"readme: {readme} has no {README_BEGIN} … {README_END} block", "readme"
        ) from None
