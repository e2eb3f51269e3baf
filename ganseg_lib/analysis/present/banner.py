"""The provenance banner: which data, which profile and which records produced a page's numbers
and figures."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ganseg_lib.evaluate.record import load_results
from ganseg_lib.train.profiles import EVIDENCE_PROFILE, Profile, get_profile


def banner(
    profile: str | Profile,
    data_name: str,
    data_requested: str = "auto",
    scope: str = "on this page",
) -> str:
    """A Markdown paragraph naming the data source and profile that produced the numbers and
    figures of ``scope`` (a chapter, or a section of one)."""
    p = get_profile(profile) if isinstance(profile, str) else profile
    if data_name == "drive":
        source = "DRIVE (the 20 training and 20 test images of Staal et al. 2004)"
    else:
        source = "the synthetic fundus phantom (`ganseg_lib.data.phantom`), not DRIVE"
        if data_requested == "auto":
            source += " — DRIVE was not found (set `GANSEG_DRIVE_DIR` to use it)"
    budget = f"{p.iterations:,} iterations" if p.iterations else f"{p.epochs:g} epochs"
    tests = "all 20" if p.n_test_images is None else f"the first {p.n_test_images}"
    text = (
        f"**Numbers and figures {scope}: data = {source}; profile = `{p.name}`** "
        f"({budget} per run, DC net width {p.width}, generator width {p.g_width}, "
        f"seeds {list(p.seeds)}, {tests} test images)."
    )
    if p.name == "smoke":
        text += (
            " The `smoke` profile only checks that the pipeline runs end to end: its networks are "
            "tiny and barely trained, so its numbers say nothing about the method."
        )
    return text


EVIDENCE_DATA = "drive"  # the committed records are DRIVE runs of EVIDENCE_PROFILE


def is_evidence(profile: str | Profile, data_name: str) -> bool:
    """Whether a build's own runs are the committed evidence (profile ``cpu`` on DRIVE)."""
    name = profile if isinstance(profile, str) else profile.name
    return name == EVIDENCE_PROFILE and data_name == EVIDENCE_DATA


def load_evidence(results_dir: str | os.PathLike) -> pd.DataFrame:
    """The committed records that the book's verdicts rest on: ``results_dir/cpu/drive``, the
    paper's two arms (variants recorded beside them are read on their own)."""
    return load_results(results_dir, profile=EVIDENCE_PROFILE, data=EVIDENCE_DATA, paper_arms=True)


def records_banner(df: pd.DataFrame, results_dir: str | os.PathLike, label: str) -> str:
    """A Markdown line naming a set of records: how many, where, when made, from which commits."""
    # a folder outside the project is named by its last parts only: no page shows the paths of
    # the machine that built it
    folder = Path(results_dir)
    shown = folder if not folder.is_absolute() else Path(folder.name)
    if not len(df):
        return f"**{label}: no run records under `{shown}`.**"
    created = sorted(r.provenance.get("created", "") for r in df["record"])
    commits = sorted({str(r.provenance.get("git_commit"))[:10] for r in df["record"]})
    profile, data = df["profile"].iloc[0], df["data"].iloc[0]
    return (
        f"**{label}: {len(df)} run record{'s' if len(df) != 1 else ''} under "
        f"`{shown / profile / data}`, created {created[0]} to {created[-1]}, "
        f"code commits {', '.join(commits)}.**"
    )
