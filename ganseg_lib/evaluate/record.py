"""The run record: one JSON file per trained run, holding numbers only (no image pixels).

``results/<profile>/<data>/<cell>.json`` is written by :func:`write_record` (atomically, with the
SHA-256 of its canonical JSON) and read by :func:`read_record`, which refuses a damaged or edited
file. :func:`load_results` turns a results folder into a pandas DataFrame, one row per run, whose
``record`` column holds the :class:`RunRecord`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from ganseg_lib.atomic import is_temporary, write_text_atomic
from ganseg_lib.errors import DataError
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.device import threads_label

RECORD_FORMAT = 1
STATUSES = ("ok", "failed")
# ``results/cross/`` holds cross-dataset evaluations (:mod:`ganseg_lib.evaluate.cross`) and
# ``results/generator/`` the generator checks (``experiment.generator_suspects``, ``.._probes``),
# not run records: every other ``results/<profile>/<data>/`` folder holds run records only.
CROSS_FOLDER = "cross"
GENERATOR_FOLDER = "generator"
NOT_RECORDS = (CROSS_FOLDER, GENERATOR_FOLDER)


@dataclass(frozen=True)
class RunRecord:
    """What a finished (or failed) run leaves behind.

    ``evaluation`` is :meth:`ganseg_lib.evaluate.metrics.Evaluation.to_json` (None for a failed
    run); ``training`` summarises the run's history; ``timing`` and ``provenance`` say how long
    it took and where and with what code it ran.
    """

    profile: str
    status: str
    config: TrainConfig
    run_dir: str
    training: dict
    timing: dict
    provenance: dict
    failure: str | None = None
    evaluation: dict | None = None
    validation_threshold: float | None = None
    # every history line of the run (records made before histories were kept have none)
    history: list[dict] | None = None
    # the test evaluation of the checkpoint with the best validation AUC (fair protocol), with
    # its "iteration"
    evaluation_best: dict | None = None
    format: int = RECORD_FORMAT
    extra: dict = field(default_factory=dict)  # keys this version does not know

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise DataError(f"record status must be one of {STATUSES}, got {self.status!r}")

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.evaluation is not None

    @property
    def cell(self) -> str:
        return self.config.cell

    @property
    def device(self) -> str:
        """The device of the provenance; records made before :func:`threads_label` existed say
        "1 threads", read as "1 thread"."""
        device = self.provenance.get("device", "?")
        return device.replace(" 1 threads)", f" {threads_label(1)})")

    def to_json(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        out["config"] = self.config.to_json()
        if out["validation_threshold"] is None and self.status == "failed":
            del out["validation_threshold"]  # failed records never had one
        for optional in ("history", "evaluation_best"):
            if out[optional] is None:
                del out[optional]
        return {**out, **self.extra}

    @classmethod
    def from_json(cls, d: dict) -> RunRecord:
        names = {f.name for f in fields(cls)} - {"extra"}
        known = {k: v for k, v in d.items() if k in names}
        known["config"] = TrainConfig.from_json(with_step(d))
        extra = {k: v for k, v in d.items() if k not in names and k != "sha256"}
        return cls(**known, extra=extra)


# Records made before this time ran the replication's step (two generator batches per
# iteration, real and fake through the DC net in two calls); their configurations predate the
# ``step`` field. The fused step replaced it in the commit of this date.
FUSED_STEP_SINCE = "2026-11-29T01:16:25Z"


def with_step(d: dict) -> dict:
    """A record's configuration with its step variant: as recorded, or, for a record made before
    the field existed, the step that made it (``replication`` for a paper-protocol GAN-CNN or CNN
    made before :data:`FUSED_STEP_SINCE`, else ``fused``)."""
    config = dict(d["config"])
    if "step" not in config:
        created = (d.get("provenance") or {}).get("created") or ""
        old = created and created < FUSED_STEP_SINCE
        paper = config.get("protocol", "paper") == "paper" and config.get("method") in (
            "gan",
            "cnn",
        )
        config["step"] = "replication" if old and paper else "fused"
    return config


def record_path(results_dir: str | os.PathLike, profile: str, config: TrainConfig) -> Path:
    """``results_dir/<profile>/<data>/<cell>.json``."""
    return Path(results_dir) / profile / config.data / f"{config.cell}.json"


def weights_path(path: str | os.PathLike) -> Path:
    """Where a record's trained DC-net weights lie: ``<cell>.dcnet.pt`` beside ``<cell>.json``."""
    return Path(path).with_suffix(".dcnet.pt")


def record_with_weights(path: str | os.PathLike) -> tuple[RunRecord, Path]:
    """A successful run's record and the file of its kept DC-net weights; a :class:`DataError`
    naming the file when the run failed or its weights were not kept."""
    record = read_record(path)
    if not record.ok:
        raise DataError(f"{path}: the run failed or was never evaluated; it has no model")
    source = weights_path(path)
    if not source.is_file():
        raise DataError(
            f"{source}: no DC-net weights beside the record (made before they were kept)"
        )
    return record, source


def samples_path(path: str | os.PathLike) -> Path:
    """Where a record's generator samples lie: ``<cell>.samples.png`` beside ``<cell>.json``."""
    return Path(path).with_suffix(".samples.png")


def record_checksum(body: dict) -> str:
    """SHA-256 of a record's canonical JSON, without its own ``sha256`` field."""
    body = {k: v for k, v in body.items() if k != "sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def write_record(path: str | os.PathLike, record: RunRecord) -> Path:
    """Write atomically (temporary file, then rename), with a SHA-256 of the content."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = record.to_json()
    body["sha256"] = record_checksum(body)
    return write_text_atomic(path, json.dumps(body, indent=1, sort_keys=True) + "\n")


def read_record(path: str | os.PathLike) -> RunRecord:
    """Read a record; a damaged or edited one (checksum mismatch) is an error, never used."""
    try:
        body = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise DataError(f"{path}: not a readable run record ({err})") from err
    if not isinstance(body, dict) or body.get("format") != RECORD_FORMAT:
        raise DataError(f"{path}: unknown record format")
    if "sha256" in body and body["sha256"] != record_checksum(body):
        raise DataError(f"{path}: record checksum mismatch (damaged or edited); not used")
    try:
        return RunRecord.from_json(body)
    except (KeyError, TypeError, ValueError) as err:
        raise DataError(f"{path}: malformed run record ({err})") from err


COLUMNS = (
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
)


def load_results(
    results_dir: str | os.PathLike,
    profile: str | None = None,
    data: str | None = None,
    paper_arms: bool = False,
):
    """All records under ``results_dir`` (optionally one profile / data source) as a DataFrame:
    one row per run with its configuration, AUCs and timings; ``record`` holds the
    :class:`RunRecord`. ``paper_arms``: only the runs of the paper's two arms (the bare GAN-CNN
    and CNN of its protocol), leaving out variants recorded beside them (e.g. ``-realnotfake``),
    which the replication's tables must not average in."""
    import pandas as pd

    rows = []
    for path in sorted(Path(results_dir).glob("*/*/*.json")):
        if path.parent.parent.name in NOT_RECORDS or is_temporary(path):  # a write under way
            continue
        rec = read_record(path)
        cfg, ev = rec.config, rec.evaluation or {}
        if (profile and rec.profile != profile) or (data and cfg.data != data):
            continue
        if paper_arms and cfg.arm != cfg.method:
            continue
        rows.append(
            {
                "profile": rec.profile,
                "data": cfg.data,
                "method": cfg.method,
                "n_patches": cfg.n_patches,
                "seed": cfg.seed,
                "status": rec.status,
                "mean_auc": ev.get("mean_auc"),
                "sd_auc": ev.get("sd_auc"),
                "pooled_auc": ev.get("pooled_auc"),
                "pr_auc": ev.get("pooled_pr_auc"),
                "iterations": cfg.iterations,
                "train_seconds": rec.timing.get("train_seconds"),
                "device": rec.device,
                "path": str(path),
                "record": rec,
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))
