"""``ganseg book``: execute every chapter (:mod:`ganseg_lib.book.execution`), then
``jupyter-book build -W --keep-going`` over the executed copies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ganseg_lib.analysis.present.display import BOOK_ENV
from ganseg_lib.book.chapters import CHAPTERS, ROOT
from ganseg_lib.book.execution import execute, plan
from ganseg_lib.errors import ConfigError

WORK = ROOT / ".cache" / "book-src"  # the chapters as .ipynb, papermill's input


def build(
    profile: str = "smoke",
    data: str = "auto",
    drive_dir: str | None = None,
    results_dir: Path = ROOT / "results",
    runs_dir: Path = ROOT / "runs",
    html: bool = True,
    log=print,
    chase_dir: str | None = None,
) -> Path:
    """Execute every chapter and build the HTML; return the path of ``index.html`` (with
    ``html=False``, the folder of the executed chapters)."""
    from ganseg_lib.experiment.setup import Setup

    setup = Setup.resolve(
        profile,
        data,
        drive_dir,
        Path(results_dir).resolve(),
        Path(runs_dir).resolve(),
        chase_dir=chase_dir,
    )
    _set_chapter_environment()
    log(f"ganseg book: profile {setup.profile.name}, data {setup.data}")
    runs = plan(setup)
    for i, run in enumerate(runs, start=1):
        log(f"[{i}/{len(runs)}] {run.source.name}")
        execute(run, WORK, log)
    if not html:
        return CHAPTERS
    index = jupyter_book_html(log)
    log(f"book: {index}")
    return index


def _set_chapter_environment() -> None:
    """What the executing chapters see: no progress bars in the pages, glued figures and
    tables for the builder, a backend that needs no display."""
    os.environ["TQDM_DISABLE"] = "1"  # progress goes to this terminal, not into the pages
    os.environ[BOOK_ENV] = "1"  # the chapters glue their figures and tables for the builder
    os.environ.setdefault("MPLBACKEND", "Agg")


def jupyter_book_html(log=print) -> Path:
    """``jupyter-book build`` of the executed chapters, warnings as errors; the ``index.html``."""
    log("jupyter-book build (warnings are errors)")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")  # the CLI of this environment
    cmd = [
        str(jupyter_book),
        "build",
        str(ROOT),
        "--warningiserror",
        "--keep-going",
        "--builder",
        "html",
        "--path-output",
        str(ROOT / "book"),
    ]
    proc = subprocess.run(cmd, cwd=ROOT)
    if proc.returncode != 0:
        raise ConfigError(f"jupyter-book build failed (exit {proc.returncode}); see above")
    return ROOT / "book" / "_build" / "html" / "index.html"
