"""Pre-registration: a study's hypotheses and verdict rules, committed before its first run.

A study lives in ``studies/<name>/hypotheses.md``: prose for the reader, and one fenced block
opened by ```` ```json hypotheses ```` that the report reads::

    {"study": "<name>", "records": "results/<profile>/<data>",
     "hypotheses": [{"id": "H1", "claim": "...", "test": "...", "rule": "..."}]}

The commit that added the file (``git log --diff-filter=A``) dates the registration. The report
sets that date beside the ``provenance.created`` date of the study's first run record and flags
a study whose first record predates its hypotheses: its rules may have been written after
seeing results. :func:`require_registered` lets a command refuse to start a study whose
hypotheses are not committed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from ganseg_lib.errors import ConfigError

BLOCK = re.compile(r"^```json hypotheses[ \t]*\n(.*?)^```", re.S | re.M)
HYPOTHESES_FILE = "hypotheses.md"
REGISTERED = "registered before the first run"
NO_RECORDS = "registered; no run records yet"
LATE = "FLAG: the first record predates the hypotheses"
UNCOMMITTED = "FLAG: hypotheses not committed"


@dataclass(frozen=True)
class Preregistration:
    """A study's committed hypotheses."""

    study: str
    path: Path
    records: str  # the folder of its run records, relative to the repository
    hypotheses: tuple[dict, ...]


def read_preregistration(path: str | os.PathLike) -> Preregistration:
    """Parse the ```` ```json hypotheses ```` block of a ``hypotheses.md``."""
    path = Path(path)
    match = BLOCK.search(path.read_text(encoding="utf-8"))
    if match is None:
        raise ConfigError(f"{path}: no ```json hypotheses block")
    try:
        body = json.loads(match.group(1))
    except json.JSONDecodeError as err:
        raise ConfigError(f"{path}: the hypotheses block is not JSON ({err})") from err
    missing = {"study", "records", "hypotheses"} - set(body)
    if missing:
        raise ConfigError(f"{path}: the hypotheses block lacks {sorted(missing)}")
    for h in body["hypotheses"]:
        if not {"id", "claim", "rule"} <= set(h):
            raise ConfigError(f"{path}: every hypothesis needs an id, a claim and a rule")
    return Preregistration(body["study"], path, body["records"], tuple(body["hypotheses"]))


def registration_commit(path: str | os.PathLike) -> tuple[str, datetime] | None:
    """The commit that first added ``path`` and its date (``git log --diff-filter=A --format=%H
    %cI``), or None when the file is not committed (or git is unavailable)."""
    path = Path(path).resolve()
    try:
        out = subprocess.run(
            ["git", "log", "--diff-filter=A", "--format=%H %cI", "--", path.name],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=path.parent,
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 2:
        return None
    return out[-2], datetime.fromisoformat(out[-1])  # git log lists the oldest last


def first_record_date(df: pd.DataFrame) -> datetime | None:
    """The earliest ``provenance.created`` of the records in ``df`` (None without any)."""
    dates = [r.provenance.get("created") for r in df["record"]] if len(df) else []
    dates = [datetime.fromisoformat(d) for d in dates if d]
    return min(dates) if dates else None


def registration_status(committed: datetime | None, first_record: datetime | None) -> str:
    """Registered before the first run, not yet run, or flagged (late or not committed)."""
    if committed is None:
        return UNCOMMITTED
    if first_record is None:
        return NO_RECORDS
    return REGISTERED if committed <= first_record else LATE


def registration_sentence(path: str | os.PathLike, df: pd.DataFrame) -> str:
    """The registering commit of the hypotheses at ``path`` and its date beside the date of the
    first record in ``df``, with :func:`registration_status` in bold."""
    commit = registration_commit(path) if Path(path).is_file() else None
    first = first_record_date(df)
    status = registration_status(commit[1] if commit else None, first)
    if commit is None:
        return f"Hypotheses and verdict rules: no commit found — **{status}**."
    return (
        f"Hypotheses and verdict rules registered in commit `{commit[0][:10]}` on "
        f"{commit[1].isoformat()}; first study record: "
        f"{first.isoformat() if first else 'none yet'} — **{status}**."
    )


def require_registered(path: str | os.PathLike) -> Preregistration:
    """The study's hypotheses, or a ConfigError when they are not committed yet."""
    registration = read_preregistration(path)
    if registration_commit(path) is None:
        raise ConfigError(
            f"{path}: commit the study's hypotheses before its first run (pre-registration)"
        )
    return registration


def preregistration_table(
    studies_dir: str | os.PathLike, root: str | os.PathLike = "."
) -> pd.DataFrame:
    """One row per study under ``studies_dir``: its hypotheses, the registering commit and its
    date, the first record's date and the status (:func:`registration_status`)."""
    from ganseg_lib.evaluate.record import load_results

    rows = []
    for path in sorted(Path(studies_dir).glob(f"*/{HYPOTHESES_FILE}")):
        reg = read_preregistration(path)
        commit = registration_commit(path)
        records = (Path(root) / reg.records).resolve()
        df = load_results(records.parent.parent)  # results/<profile>/<data>/*.json
        df = df[[Path(p).resolve().parent == records for p in df["path"]]]
        first = first_record_date(df)
        rows.append(
            {
                "study": reg.study,
                "hypotheses": ", ".join(h["id"] for h in reg.hypotheses),
                "registered in commit": commit[0][:10] if commit else "–",
                "registered on": commit[1].isoformat() if commit else "–",
                "first record": first.isoformat() if first else "–",
                "records": len(df),
                "status": registration_status(commit[1] if commit else None, first),
            }
        )
    columns = ["study", "hypotheses", "registered in commit", "registered on", "first record"]
    return pd.DataFrame(rows, columns=[*columns, "records", "status"])
