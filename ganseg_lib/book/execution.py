"""Executing the chapters with papermill: the plan of a build (the training chapter once per
dataset size) and one execution, skipped when its executed copy is up to date.

A chapter whose executed copy was made from the same source, parameters and run records (the
key in ``<page>.key`` beside it) is not run again, so an interrupted build continues where it
stopped; training runs are reused through their records in any case
(:mod:`ganseg_lib.experiment.grid`).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ganseg_lib.atomic import replacing
from ganseg_lib.book.chapters import (
    CHAPTERS,
    KERNEL,
    ROOT,
    chapter_parameters,
    chapter_sources,
    to_ipynb,
)
from ganseg_lib.errors import ConfigError

EVIDENCE_DIR = ROOT / "results"  # the committed run records, which every build renders
TRAINING_CHAPTER = "04_training"
CELL_TIMEOUT_S = 4 * 3600  # the training chapter of the cpu profile trains for hours


@dataclass(frozen=True)
class ChapterRun:
    """One papermill execution: a source chapter, its output name and its parameters."""

    source: Path
    output: Path
    parameters: dict = field(default_factory=dict)
    records: str = ""  # digest of the run records the chapter reads (records_digest)

    @property
    def key(self) -> str:
        """What an executed chapter depends on: its source, its parameters and the records, so
        that a new or changed record executes it again."""
        blob = json.dumps(
            {"p": self.parameters, "src": self.source.read_text(), "records": self.records},
            sort_keys=True,
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def records_digest(results_dir: Path) -> str:
    """A digest of every record file under ``results_dir`` (path and content)."""
    digest = hashlib.sha256()
    for path in sorted(Path(results_dir).rglob("*.json")) if Path(results_dir).is_dir() else ():
        digest.update(str(path.relative_to(results_dir)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _shown(path: Path) -> Path:
    """A folder as the chapters receive it (and may print it): relative to the project, where
    papermill runs them, when it lies inside it — no page shows the build machine's paths."""
    path = Path(path).resolve()
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def plan(setup) -> list[ChapterRun]:
    """Every execution of a book build, in order (training before results); each chapter gets
    only the parameters it declares."""
    offered = {
        "profile": setup.profile.name,
        "data": setup.data,
        "drive_dir": setup.drive_dir or "",
        "chase_dir": setup.chase_dir or "",
        "results_dir": str(_shown(setup.results_dir)),
        "runs_dir": str(_shown(setup.runs_dir)),
        "evidence_dir": str(_shown(EVIDENCE_DIR)),
    }
    records = records_digest(setup.results_dir)
    runs = []
    for src in chapter_sources():
        wanted = chapter_parameters(src)
        params = {k: v for k, v in offered.items() if k in wanted}
        if src.stem == TRAINING_CHAPTER:
            for n in setup.profile.sizes:
                runs.append(
                    ChapterRun(
                        src,
                        CHAPTERS / f"{src.stem}_n{n}.ipynb",
                        params | {"n_patches": n},
                        records,
                    )
                )
        else:
            runs.append(ChapterRun(src, CHAPTERS / f"{src.stem}.ipynb", params, records))
    return runs


def check_parameters(notebook: Path, parameters: dict) -> None:
    """Unknown parameter names are an error (papermill itself only warns)."""
    import papermill

    known = set(papermill.inspect_notebook(str(notebook)))
    if not known:
        raise ConfigError(f"{notebook}: no cell tagged 'parameters'")
    unknown = sorted(set(parameters) - known)
    if unknown:
        raise ConfigError(
            f"{notebook.name}: unknown parameter(s) {unknown}; it takes {sorted(known)}"
        )


def execute(run: ChapterRun, work: Path, log=print) -> bool:
    """Run one chapter with papermill unless an up-to-date executed copy exists; True if run."""
    import papermill

    stamp = run.output.with_suffix(".key")
    if run.output.exists() and stamp.exists() and stamp.read_text() == run.key:
        log(f"  {run.output.name}: up to date")
        return False
    src_nb = to_ipynb(run.source, work / f"{run.source.stem}.ipynb")
    check_parameters(src_nb, run.parameters)
    run.output.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    log(f"  {run.output.name}: running {run.parameters}")
    with replacing(run.output) as tmp:  # a page that fails leaves the previous one in place
        papermill.execute_notebook(
            str(src_nb),
            str(tmp),
            parameters=run.parameters,
            kernel_name=KERNEL,
            cwd=str(ROOT),
            progress_bar=sys.stderr.isatty(),
            log_output=False,
            execution_timeout=CELL_TIMEOUT_S,
        )
        _finish_page(tmp, run.parameters.get("n_patches"))
    stamp.write_text(run.key)
    log(f"  {run.output.name}: {time.perf_counter() - t0:.0f} s")
    return True


def _finish_page(path: Path, n_patches: int | None) -> None:
    """Hide papermill's injected cell (the page's banner states the parameters) and, on the
    training pages, put the dataset size into the title so that the three pages differ."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if n_patches and cell.cell_type == "markdown" and cell.source.startswith("# "):
            title, _, rest = cell.source.partition("\n")
            cell.source = f"{title}: {n_patches // 1000}K labelled patches\n{rest}"
            n_patches = None  # only the first title
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
    nbformat.write(nb, path)
