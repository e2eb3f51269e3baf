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
EXPECTED = [
    "01_data",
    "02_gan_theory",
    "03_architecture",
    "04_training",
    "05_results",
    "06_report",
    "07_study",
    "08_calibration",
]


def test_the_eight_chapters_exist():
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
    declared = book.chapter_parameters(source)
    assert declared and all(f"{name}:" in out for name in declared)  # each chapter its own
    if source.stem == "04_training":
        assert "n_patches" in declared


def test_unknown_parameter_is_an_error(tmp_path):
    nb = book.to_ipynb(SOURCES[0], tmp_path / "a.ipynb")
    with pytest.raises(ConfigError, match=r"unknown parameter\(s\) \['n_patchez'\]"):
        book.check_parameters(nb, {"profile": "smoke", "n_patchez": 3})


def test_colab_copies_are_in_sync():
    stale = book.sync_colab(check=True)
    assert not stale, f"run `ganseg notebooks sync`: {stale} differ from notebooks/*.py"


def test_training_chapter_runs_once_per_size(tmp_path):
    from ganseg_lib.experiment.setup import Setup

    runs = book.plan(Setup.resolve("cpu", "phantom", None, tmp_path, tmp_path))
    names = [r.output.name for r in runs]
    assert names.count("04_training_n30000.ipynb") == 1 and len(names) == 10
    assert [r.parameters["n_patches"] for r in runs if "n_patches" in r.parameters] == [
        15_000,
        30_000,
        150_000,
    ]
    for run in runs:  # each chapter gets only the parameters it declares
        assert set(run.parameters) <= book.chapter_parameters(run.source)


def test_a_new_or_changed_record_executes_the_chapters_again(tmp_path):
    from ganseg_lib.experiment.setup import Setup

    setup = Setup.resolve("cpu", "phantom", None, tmp_path, tmp_path)
    assert setup.results_dir == tmp_path

    def keys():
        return [r.key for r in book.plan(setup)]

    before = keys()
    assert keys() == before  # nothing changed: every executed chapter stays up to date
    record = tmp_path / "study" / "drive" / "gan-n15000-s0.json"
    record.parent.mkdir(parents=True)
    record.write_text('{"status": "ok"}')
    added = keys()
    record.write_text('{"status": "failed"}')
    changed = keys()
    assert all(a != b for a, b in zip(before, added)) and all(
        a != b for a, b in zip(added, changed)
    )


def test_every_chapter_that_loads_data_is_offered_the_chase_folder(tmp_path):
    from ganseg_lib.experiment.setup import Setup

    setup = Setup.resolve("smoke", "phantom", None, tmp_path, tmp_path, chase_dir=tmp_path)
    for run in book.plan(setup):
        if "drive_dir" in run.parameters:
            assert run.parameters["chase_dir"] == str(tmp_path), run.source.name


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_smoke_book_builds(tmp_path):
    """CI builds the whole book with the smoke profile: every chapter, the table, a ROC figure."""
    env = os.environ | {"TQDM_DISABLE": "1"}
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
        "07_study",
        "08_calibration",
    ]:
        page = html / "book" / "chapters" / f"{name}.html"
        assert page.is_file(), page
    results = (html / "book" / "chapters" / "05_results.html").read_text()
    assert "<table" in results and "0.931" in results  # the paper's number beside ours
    assert re.search(r"<img[^>]+src=\"[^\"]+\.png\"", results)
    report = (html / "book" / "chapters" / "06_report.html").read_text()
    assert "replicated" in report.lower()
    assert "ROC" in results


# --- one repository URL ---------------------------------------------------------------------


def test_repository_url_is_the_same_everywhere():
    url = book.repository_url()
    assert book.config_repository_url() == url, "run `ganseg notebooks sync`"
    assert not book.sync_repository(check=True), "run `ganseg notebooks sync`"
    for copy in sorted(book.COLAB.glob("*.ipynb")):
        assert f'REPOSITORY = \\"{url}\\"' in copy.read_text(), copy.name


def test_sync_writes_a_new_address_everywhere(tmp_path):
    new = "https://codeberg.org/someone/ganseg-fork"
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        book.PYPROJECT.read_text().replace(book.repository_url(), new), encoding="utf-8"
    )
    config = tmp_path / "_config.yml"
    config.write_text(book.CONFIG.read_text())
    source = tmp_path / "02_gan_theory.py"
    source.write_text(SOURCES[1].read_text())
    names = book.sync_repository(pyproject=pyproject, config=config, sources=[source])
    assert names == ["_config.yml", "02_gan_theory.py"]
    assert book.config_repository_url(config) == new
    cell = jupytext.read(source).cells[1]
    assert "remove-cell" in cell.metadata["tags"]
    assert f'REPOSITORY = "{new}"' in cell.source

    # the rest of the chapter is untouched
    def rest(path):
        return [(c.source, c.metadata) for c in jupytext.read(path).cells[2:]]

    assert rest(source) == rest(SOURCES[1])
    assert not book.sync_repository(
        check=True, pyproject=pyproject, config=config, sources=[source]
    )


def test_bootstrap_installs_from_the_override(monkeypatch):
    """The bootstrap cell installs GANSEG_INSTALL_SPEC when set, else the repository."""
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, check: calls.append(cmd))
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    code = book.bootstrap_cell("https://example.org/o/r")
    monkeypatch.setenv("GANSEG_INSTALL_SPEC", "/wheels/ganseg-0.1.0-py3-none-any.whl")
    exec(compile(code, "bootstrap", "exec"), {})
    monkeypatch.delenv("GANSEG_INSTALL_SPEC")
    exec(compile(code, "bootstrap", "exec"), {})
    assert [c[-1] for c in calls] == [
        "/wheels/ganseg-0.1.0-py3-none-any.whl",
        "ganseg @ git+https://example.org/o/r",
    ]


def test_launch_buttons_open_the_colab_copy():
    assert (
        book.colab_path("book/chapters/04_training_n30000") == "notebooks/colab/04_training.ipynb"
    )
    assert book.colab_path("book/chapters/05_results") == "notebooks/colab/05_results.ipynb"
    assert book.colab_path("book/intro") is None
    context = {
        "header_buttons": [
            {
                "type": "group",
                "buttons": [
                    {
                        "url": "https://colab.research.google.com/github/o/r/blob/main/book/chapters/04_training_n15000.ipynb"
                    },
                    {
                        "url": "https://mybinder.org/v2/gh/o/r/main?urlpath=tree/book/chapters/04_training_n15000.ipynb"
                    },
                ],
            }
        ]
    }
    book._point_launch_buttons(None, "book/chapters/04_training_n15000", "page.html", context, None)
    urls = [b["url"] for b in context["header_buttons"][0]["buttons"]]
    assert all(u.endswith("notebooks/colab/04_training.ipynb") for u in urls), urls
    assert (book.ROOT / "notebooks/colab/04_training.ipynb").is_file()


# --- first screens: the answer first, the figure before any table, provenance folded -------------

README = book.ROOT / "README.md"
INTRO = book.ROOT / "book" / "intro.md"
ANSWER_PNG = "results/figures/answer.png"
# an abbreviated or full commit hash: 7 to 40 hex digits with at least one letter and one digit
COMMIT = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}\b")
ANSWERING = ("05_results", "06_report", "07_study")  # the chapters that answer a question


def _first_table_line(text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines()) if line.startswith("|"))


@pytest.mark.parametrize("page", [README, INTRO], ids=lambda p: p.name)
def test_the_figure_comes_before_any_table(page):
    text = page.read_text()
    figure = next(i for i, line in enumerate(text.splitlines()) if ANSWER_PNG in line)
    assert figure < _first_table_line(text)
    assert (book.ROOT / ANSWER_PNG).is_file()
    # the three answers open the page, each in one sentence, scoped to what was measured
    opening = text[: text.index(ANSWER_PNG)]
    for answer in ("**The paper:**", "**Our replication, the paper's protocol:**", "fair baseline"):
        assert answer in opening
    assert "+0.0084 at 15K (56% of the paper's +0.015)" in opening
    assert "+0.0011 [95% CI −0.0035, +0.0058]" in opening and "p = 0.0054" in opening


def test_readme_is_short_and_its_two_commands_come_early():
    lines = README.read_text().splitlines()
    assert len(lines) <= 110
    assert lines.index("make book") < 60 and lines.index("make test") < 60
    # the reference material lives in the book's appendix
    assert "book/using.md" in README.read_text()
    assert "file: book/using" in (book.ROOT / "_toc.yml").read_text()


@pytest.mark.parametrize("stem", ANSWERING)
def test_an_answering_chapter_states_its_answer_first(stem):
    cells = jupytext.read(book.NOTEBOOKS / f"{stem}.py").cells
    headings = [
        (i, line)
        for i, c in enumerate(cells)
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("## ")
    ]
    first, heading = headings[0]
    assert heading == "## The answer"
    shown = next(c for c in cells[first + 1 :] if c.cell_type == "code")
    if stem == "07_study":  # the generated answer, not a hand-written one
        assert "study_answer(" in shown.source
    else:
        assert "verdict_summary(" in shown.source


@pytest.mark.parametrize("stem", ANSWERING)
def test_provenance_is_folded_at_the_end(stem):
    cells = jupytext.read(book.NOTEBOOKS / f"{stem}.py").cells
    for cell in cells:
        if cell.cell_type == "code" and re.search(
            r"records_banner\(|registration_sentence\(", cell.source
        ):
            assert "hide-output" in cell.metadata.get("tags", []), cell.source[:80]
    last_heading = [
        c.source for c in cells if c.cell_type == "markdown" and "\n## " in "\n" + c.source
    ]
    assert last_heading[-1].startswith("## Provenance")


@pytest.mark.parametrize("page", [*SOURCES, INTRO, README], ids=lambda p: p.name)
def test_no_commit_hash_on_a_first_screen(page):
    head = "\n".join(page.read_text().splitlines()[:40])
    assert not COMMIT.findall(head)


def test_no_figure_or_table_number_is_written_by_hand():
    hand = re.compile(r"\b(Figures?|Tables?) \d")
    for source in SOURCES:
        for cell in jupytext.read(source).cells:
            if cell.cell_type == "markdown":
                assert not hand.search(cell.source), f"{source.name}: {cell.source[:80]}"
