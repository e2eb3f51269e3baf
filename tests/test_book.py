"""The book: chapter sources, parameters, Colab copies, and a whole smoke build."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import jupytext
import pytest

from ganseg_lib import book
from ganseg_lib.errors import ConfigError

SOURCES = book.chapter_sources()
EXPECTED = ["01_data", "02_gan_theory", "03_architecture", "04_training", "05_results", "06_report"]


def test_the_six_chapters_exist():
    assert [s.stem for s in SOURCES] == EXPECTED


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_chapter_source_is_clean(source):
    nb = jupytext.read(source)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    # the parameters cell holds typed assignments only
    for line in tagged[0].source.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            assert re.match(r"^\w+: [\w\[\]| .]+ = ", line), line
    titles = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("# ")]
    assert len(titles) == 1


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_papermill_help_notebook(tmp_path, source):
    nb = book.to_ipynb(source, tmp_path / f"{source.stem}.ipynb")
    out = subprocess.run(
        [sys.executable, "-m", "papermill", "--help-notebook", str(nb)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in ("profile", "data", "drive_dir", "results_dir", "runs_dir"):
        assert name in out
    if source.stem == "04_training":
        assert "n_patches" in out


def test_unknown_parameter_is_an_error(tmp_path):
    nb = book.to_ipynb(SOURCES[0], tmp_path / "a.ipynb")
    with pytest.raises(ConfigError, match=r"unknown parameter\(s\) \['n_patchez'\]"):
        book.check_parameters(nb, {"profile": "smoke", "n_patchez": 3})


def test_colab_copies_are_in_sync():
    stale = book.sync_colab(check=True)
    assert not stale, f"run `ganseg notebooks sync`: {stale} differ from notebooks/*.py"


def test_training_chapter_runs_once_per_size(tmp_path):
    runs = book.plan("smoke", "phantom", "", tmp_path, tmp_path, (15_000, 30_000, 150_000))
    names = [r.output.name for r in runs]
    assert names.count("04_training_n30000.ipynb") == 1 and len(names) == 8
    assert [r.parameters["n_patches"] for r in runs if "n_patches" in r.parameters] == [
        15_000,
        30_000,
        150_000,
    ]


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_smoke_book_builds(tmp_path):
    """CI builds the whole book with the smoke profile: every chapter, the table, a ROC figure."""
    env = os.environ | {"GANSEG_PROGRESS": "0"}
    cmd = [
        sys.executable,
        "-m",
        "ganseg_lib.cli",
        "book",
        "--profile",
        "smoke",
        "--results",
        str(tmp_path / "results"),
        "--runs",
        str(tmp_path / "runs"),
    ]
    subprocess.run(cmd, check=True, cwd=book.ROOT, env=env)
    html = book.ROOT / "book" / "_build" / "html"
    assert (html / "index.html").is_file()
    for name in EXPECTED[:3] + [
        "04_training_n15000",
        "04_training_n30000",
        "04_training_n150000",
        "05_results",
        "06_report",
    ]:
        page = html / "book" / "chapters" / f"{name}.html"
        assert page.is_file(), page
    results = (html / "book" / "chapters" / "05_results.html").read_text()
    assert "<table" in results and "0.931" in results  # the paper's number beside ours
    assert re.search(r"<img[^>]+src=\"[^\"]+\.png\"", results)
    report = (html / "book" / "chapters" / "06_report.html").read_text()
    assert "replicated" in report.lower()
    assert "ROC" in results
