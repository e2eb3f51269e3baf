"""Files of trained weights, and the DC net such a file keeps.

Three kinds of file hold a DC net: a run's training checkpoint (``checkpoint.pt``, the weights
under ``dcnet`` and ``best_dcnet``), the weights kept beside a run record (``<cell>.dcnet.pt``,
under ``last`` and ``best``) and a shipped model (:mod:`ganseg_lib.models`, under ``dcnet``).
All three share one format and are read by one function:

* the first line is the SHA-256 (hex) of the rest, so that a damaged file is reported, never
  loaded;
* the rest is a ``torch.save`` payload of tensors, dictionaries, lists, numbers and strings only.
  It is read with ``torch.load(..., weights_only=True)`` (as safetensors and PyTorch recommend),
  so that a file can never run code when it is loaded: anything else is refused with a
  :class:`~ganseg_lib.errors.DataError` that names the file.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import Path

import torch

from ganseg_lib.atomic import write_bytes_atomic
from ganseg_lib.errors import ConfigError, DataError
from ganseg_lib.model.networks import DCNet
from ganseg_lib.paper import K
from ganseg_lib.train.config import TrainConfig

# Where each kind of file keeps its DC nets: the first key present is used.
DCNET_KEYS = {"last": ("dcnet", "last"), "best": ("best_dcnet", "best")}
_DIGEST = re.compile(rb"[0-9a-f]{64}")


def build_dcnet(config: TrainConfig) -> DCNet:
    """The DC net of a configuration: K+1 outputs when it trains against fakes, else K."""
    return DCNet(K + 1 if config.adversarial else K, width=config.width, norm=config.norm)


def write_with_digest(path: str | os.PathLike, payload: bytes) -> None:
    """Write ``<sha256 hex>\\n<payload>`` atomically (temporary file, fsync, rename)."""
    digest = hashlib.sha256(payload).hexdigest()
    write_bytes_atomic(path, digest.encode() + b"\n" + payload)


def save_weights(path: str | os.PathLike, contents: dict) -> None:
    """``torch.save`` ``contents`` (tensors, dicts, lists, numbers, strings) with its SHA-256."""
    buf = io.BytesIO()
    torch.save(contents, buf)
    write_with_digest(path, buf.getvalue())


def read_checkpoint(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict:
    """The contents of a checkpoint, record weights or shipped model, after checking its SHA-256;
    loaded as tensors and plain data only. A damaged file, a file of another format and a file
    holding any other object are each a :class:`DataError` naming the file, never loaded."""
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise DataError(f"{path}: cannot read the checkpoint ({err})") from err
    digest, sep, payload = raw.partition(b"\n")
    if not sep or not _DIGEST.fullmatch(digest):
        raise DataError(
            f"{path}: not a ganseg checkpoint (its first line is not a SHA-256); it was not loaded"
        )
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        raise DataError(f"{path}: checkpoint is corrupted (SHA-256 mismatch); it was not loaded")
    try:
        contents = torch.load(io.BytesIO(payload), map_location=map_location, weights_only=True)
    except Exception as err:  # torch's many ways of saying "this is no torch.save payload"
        reason = _refusal(err)
        if reason.startswith("Unsupported global") or reason.startswith("Unsupported class"):
            found = re.search(r"GLOBAL (\S+)", reason)
            what = f" ({found.group(1)})" if found else ""
            raise DataError(
                f"{path}: not a ganseg checkpoint: it holds objects other than tensors and "
                f"numbers{what}; it was not loaded"
            ) from None
        raise DataError(
            f"{path}: not a ganseg checkpoint: torch cannot read it ({reason}); it was not loaded"
        ) from None
    if not isinstance(contents, dict):
        raise DataError(
            f"{path}: not a ganseg checkpoint: it holds a {type(contents).__name__}, not a "
            "dictionary; it was not loaded"
        )
    return contents


def _refusal(err: Exception) -> str:
    """The gist of torch's error, on one line: the weights-only unpickler's own reason (it wraps
    it in advice to load the file unrestricted, which is exactly what must not be done here)."""
    text = " ".join(str(err).split()) or type(err).__name__
    found = re.search(r"WeightsUnpickler error: (.*?)(?: Check the documentation|$)", text)
    reason = (found.group(1) if found else text).split(". ")[0].rstrip(".")  # its first sentence
    return reason if len(reason) <= 160 else reason[:157] + "..."


def load_kept_dcnet(
    path: str | os.PathLike, which: str = "last", device: str | torch.device = "cpu"
) -> tuple[DCNet, dict]:
    """The DC net that a checkpoint, record weights or shipped model keeps, in eval mode on
    ``device``, and the file's contents: the ``last`` weights, or the ``best`` (highest
    validation AUC, kept by the fair protocol). Every loader of DC nets goes through here."""
    if which not in DCNET_KEYS:
        raise ConfigError(f"weights must be one of {tuple(DCNET_KEYS)}, got {which!r}", "weights")
    kept = read_checkpoint(path, "cpu")
    state = next((kept[k] for k in DCNET_KEYS[which] if kept.get(k) is not None), None)
    config = kept.get("config")
    if state is None or not isinstance(config, dict):
        raise DataError(f"{path}: keeps no {which!r} DC net")
    try:
        dcnet = build_dcnet(TrainConfig.from_json(config))
        dcnet.load_state_dict(state)
    except (ValueError, KeyError, TypeError, RuntimeError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DataError(f"{path}: its DC net does not fit its configuration ({reason})") from None
    return dcnet.to(device).eval(), kept
