"""Building the book: jupytext → papermill (per chapter, the training chapter once per dataset
size) → ``jupyter-book build -W``.

The chapters' only source is ``notebooks/NN_name.py`` (jupytext percent format). Executed copies
go to ``book/chapters/``; Colab copies (output-free ``.ipynb``) to ``notebooks/colab/``, kept in
sync by :func:`sync_colab` and a test. The project's address is written once, as ``Repository``
in ``pyproject.toml``'s ``[project.urls]``; :func:`sync_colab` writes it into ``_config.yml`` and
into each chapter's bootstrap cell, and this module, loaded as a Sphinx extension, points the
pages' Binder and Colab buttons at the Colab copies.

A chapter whose executed copy is newer than its source and was run with the same parameters is
not run again, so an interrupted build continues where it stopped; training runs are reused
through their records in any case (:mod:`ganseg_lib.experiment.grid`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ganseg_lib.analysis.display import BOOK_ENV
from ganseg_lib.atomic import replacing
from ganseg_lib.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CHAPTERS = ROOT / "book" / "chapters"
EVIDENCE_DIR = ROOT / "results"  # the committed run records, which every build renders
COLAB = NOTEBOOKS / "colab"
KERNEL = "python3"
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


def chapter_sources() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def chapter_parameters(source: Path) -> set[str]:
    """The names a chapter declares in its cell tagged ``parameters`` (read with ``ast``)."""
    import ast

    import jupytext

    for cell in jupytext.read(source).cells:
        if "parameters" in cell.metadata.get("tags", []):
            tree = ast.parse(cell.source)
            return {
                target.id
                for node in tree.body
                if isinstance(node, ast.AnnAssign | ast.Assign)
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                if isinstance(target, ast.Name)
            }
    raise ConfigError(f"{source}: no cell tagged 'parameters'")


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


def to_ipynb(source: Path, target: Path) -> Path:
    """jupytext percent ``.py`` → ``.ipynb`` (no outputs), keeping the kernelspec."""
    import jupytext

    nb = jupytext.read(source)
    if nb.metadata.get("kernelspec", {}).get("name") != KERNEL:
        raise ConfigError(f"{source}: the jupytext header must declare kernelspec name {KERNEL!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(nb, target, fmt="ipynb")
    return target


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
    """Execute every chapter and build the HTML; return the path of ``index.html``."""
    from ganseg_lib.experiment.setup import Setup

    setup = Setup.resolve(
        profile,
        data,
        drive_dir,
        Path(results_dir).resolve(),
        Path(runs_dir).resolve(),
        chase_dir=chase_dir,
    )
    os.environ["TQDM_DISABLE"] = "1"  # progress goes to this terminal, not into the pages
    os.environ[BOOK_ENV] = "1"  # the chapters glue their figures and tables for the builder
    os.environ.setdefault("MPLBACKEND", "Agg")
    log(f"ganseg book: profile {setup.profile.name}, data {setup.data}")
    runs = plan(setup)
    work = ROOT / ".cache" / "book-src"
    for i, run in enumerate(runs, start=1):
        log(f"[{i}/{len(runs)}] {run.source.name}")
        execute(run, work, log)
    if not html:
        return CHAPTERS
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
    index = ROOT / "book" / "_build" / "html" / "index.html"
    log(f"book: {index}")
    return index


# --- the repository's address --------------------------------------------------------------------

PYPROJECT = ROOT / "pyproject.toml"
CONFIG = ROOT / "_config.yml"
INSTALL_ENV = "GANSEG_INSTALL_SPEC"  # overrides where the bootstrap cell installs ganseg_lib from
_BOOTSTRAP = re.compile(r'# %% tags=\["remove-cell"\]\n# Bootstrap.*?(?=\n# %%)', re.S)
_CONFIG_URL = re.compile(r"(?m)^(repository:\n(?:[ \t]+#.*\n)*[ \t]+url:[ \t]*)(\S+)")


def repository_url(pyproject: Path = PYPROJECT) -> str:
    """``Repository`` of ``[project.urls]`` in pyproject.toml: the one place the address is set."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    urls = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"].get("urls", {})
    url = urls.get("Repository", "").rstrip("/")
    if not re.fullmatch(r"https://[\w.-]+/[\w.-]+/[\w.-]+", url):
        raise ConfigError(f"{pyproject}: [project.urls] Repository must be https://host/owner/name")
    return url


def bootstrap_cell(url: str) -> str:
    """The first code cell of every chapter: install ganseg_lib where it is missing (Colab)."""
    return f"""# %% tags=["remove-cell"]
# Bootstrap (Colab, or any Python without ganseg_lib): install the library from the project's
# repository. Set {INSTALL_ENV} to install from elsewhere (a folder, a wheel, another URL).
import importlib
import importlib.util
import os
import subprocess
import sys

REPOSITORY = "{url}"  # pyproject.toml's [project.urls] Repository

if importlib.util.find_spec("ganseg_lib") is None:
    spec = os.environ.get("{INSTALL_ENV}") or f"ganseg @ git+{{REPOSITORY}}"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], check=True)
    importlib.invalidate_caches()
"""


def config_repository_url(config: Path = CONFIG) -> str:
    """``repository: url:`` of ``_config.yml`` (the launch buttons and the repository button)."""
    match = _CONFIG_URL.search(config.read_text(encoding="utf-8"))
    if match is None:
        raise ConfigError(f"{config}: no 'repository: url:' entry")
    return match.group(2)


def sync_repository(
    check: bool = False,
    pyproject: Path = PYPROJECT,
    config: Path = CONFIG,
    sources: list[Path] | None = None,
) -> list[str]:
    """Write the repository URL of ``pyproject`` into ``config`` (``_config.yml``) and the
    chapters' bootstrap cells (or, with ``check``, only compare); return the names that differ."""
    url = repository_url(pyproject)
    stale = []
    text = config.read_text(encoding="utf-8")
    if config_repository_url(config) != url:
        stale.append(config.name)
        if not check:
            config.write_text(_CONFIG_URL.sub(lambda m: m.group(1) + url, text, count=1))
    cell = bootstrap_cell(url).rstrip("\n") + "\n"
    for src in chapter_sources() if sources is None else sources:
        text = src.read_text(encoding="utf-8")
        if not _BOOTSTRAP.search(text):
            raise ConfigError(
                f"{src.name}: no bootstrap cell (a remove-cell starting '# Bootstrap')"
            )
        new = _BOOTSTRAP.sub(lambda _: cell, text, count=1)
        if new != text:
            stale.append(src.name)
            if not check:
                src.write_text(new, encoding="utf-8")
    return stale


# --- launch buttons (a Sphinx extension: `sphinx: extra_extensions` in _config.yml) -------------


def colab_path(pagename: str) -> str | None:
    """The Colab copy behind a chapter page (the three training pages share one), or None."""
    match = re.fullmatch(r"book/chapters/(\d\d_[a-z_]+?)(?:_n\d+)?", pagename)
    return f"notebooks/colab/{match.group(1)}.ipynb" if match else None


def _point_launch_buttons(app, pagename, templatename, context, doctree) -> None:
    # The theme links the executed copy (book/chapters/…, a build output that is not in the
    # repository); Binder and Colab must open the committed Colab copy instead.
    target = colab_path(pagename)
    if target is None:
        return

    def fix(item):
        if isinstance(item, dict):
            if isinstance(item.get("url"), str):
                item["url"] = re.sub(r"book/chapters/[\w]+\.ipynb", target, item["url"])
            for value in item.values():
                fix(value)
        elif isinstance(item, list):
            for value in item:
                fix(value)

    fix(context.get("header_buttons", []))


# --- numbered tables (a Sphinx extension, with the launch buttons) -----------------------------

try:
    from docutils import nodes as _nodes
except ModuleNotFoundError:  # the book's packages are not installed: no Sphinx build either
    _nodes = None

if _nodes is not None:

    class table_figure(_nodes.figure):  # noqa: N801 (docutils names node classes in lower case)
        """A glued table with its caption, numbered as a table ("Table 3"): the builder's table
        numbering covers only Markdown tables, not a notebook's HTML output."""


TABLE_FIGURE_CLASS = "ganseg-table-figure"  # book/_static/custom.css sets its caption on top


def _visit_table_figure(self, node) -> None:
    self.visit_figure(node)


def _depart_table_figure(self, node) -> None:
    self.depart_figure(node)


def _glue_table_directive():
    """``glue:table``: myst-nb's ``glue:figure`` made a :class:`table_figure` (what
    :class:`ganseg_lib.analysis.display.Captions` writes for a named table in the book)."""
    from myst_nb.ext.glue.directives import PasteFigureDirective

    class PasteTableDirective(PasteFigureDirective):
        def run(self):
            out = super().run()
            if not out or not isinstance(out[0], _nodes.figure):
                return out
            figure = out[0]
            table = table_figure(figure.rawsource, *figure.children, **figure.attributes)
            table.source, table.line = figure.source, figure.line
            table["classes"].append(TABLE_FIGURE_CLASS)
            for node_id in table["ids"]:  # the label must point at the node in the tree
                self.state.document.ids[node_id] = table
            return [table, *out[1:]]

    return PasteTableDirective


def setup(app) -> dict:
    app.connect("html-page-context", _point_launch_buttons, priority=900)
    app.add_enumerable_node(table_figure, "table", html=(_visit_table_figure, _depart_table_figure))
    app.add_directive_to_domain("glue", "table", _glue_table_directive())
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --- Colab copies ------------------------------------------------------------------------------


def colab_notebook(source: Path) -> str:
    """The output-free ``.ipynb`` text of a chapter, as committed in ``notebooks/colab/``."""
    import jupytext

    nb = jupytext.read(source)
    for i, cell in enumerate(nb.cells):
        cell.id = f"{source.stem}-{i:02d}"  # stable ids, so that a regenerated copy is identical
    nb.metadata.pop("jupytext", None)
    nb.metadata["accelerator"] = "GPU"
    nb.metadata["colab"] = {"provenance": [], "gpuType": "T4"}
    return jupytext.writes(nb, fmt="ipynb")


def sync_colab(check: bool = False) -> list[str]:
    """Write (or, with ``check``, compare) the repository URL in ``_config.yml`` and the
    bootstrap cells, then the Colab copies; return the names that differ."""
    COLAB.mkdir(parents=True, exist_ok=True)
    stale = sync_repository(check)
    for src in chapter_sources():
        target = COLAB / f"{src.stem}.ipynb"
        text = colab_notebook(src)
        if not target.exists() or target.read_text() != text:
            stale.append(target.name)
            if not check:
                target.write_text(text)
    return stale
