"""Figures and tables numbered by the builder: a chapter glues a named figure or table
(:class:`ganseg_lib.analysis.present.display.Captions` in the book) and the text cites it by name;
Sphinx numbers it ("Figure 2", "Table 1") and resolves every citation."""

from __future__ import annotations

import base64
import re

import nbformat
import pandas as pd
import pytest
from matplotlib.figure import Figure

from ganseg_lib.analysis.present import display as D

GLUE = "application/papermill.record/"


@pytest.fixture
def shown(monkeypatch):
    """What a chapter cell displays: (kind, content) in order."""
    import IPython.display
    import myst_nb.ext.glue as glue

    out = []

    def capture(obj, raw=False, metadata=None, **_):
        if raw:  # myst-nb's glue: a raw mime bundle, named in its metadata
            out.append(("glue", metadata["scrapbook"]["name"], sorted(obj)))
        else:  # IPython's Markdown and HTML keep their text in .data; a Table is itself
            out.append((type(obj).__name__, getattr(obj, "data", obj)))

    monkeypatch.setattr(IPython.display, "display", capture)
    monkeypatch.setattr(glue, "ipy_display", capture)
    return out


def test_the_book_glues_named_items_and_writes_their_directives(shown):
    page = D.Captions(book=True)
    fig = Figure(figsize=(1, 1))
    assert page.table(pd.DataFrame({"a": [1.5]}), "A *table*.", name="tbl-x") == 1
    assert page.figure(fig, "A figure.", name="fig-y") == 1
    assert shown[0] == ("glue", "tbl-x", [GLUE + "text/html", GLUE + "text/plain"])
    assert shown[1] == ("Markdown", "```{glue:table} tbl-x\n:name: tbl-x\n\nA *table*.\n```")
    assert shown[2] == ("glue", "fig-y", [GLUE + "image/png", GLUE + "text/plain"])
    assert shown[3] == ("Markdown", "```{glue:figure} fig-y\n:name: fig-y\n\nA figure.\n```")
    assert not any("Table 1." in str(item) for item in shown)  # no number written by hand


def test_outside_the_book_captions_carry_their_own_numbers(shown, monkeypatch):
    monkeypatch.delenv(D.BOOK_ENV, raising=False)
    page = D.Captions()
    assert not page.book
    page.table(pd.DataFrame({"a": [1]}), "first", name="tbl-a")
    page.figure(Figure(figsize=(1, 1)), "second", name="fig-b")
    assert shown[0][0] == "Table" and "Table 1. first" in shown[0][1]._repr_html_()
    assert shown[-1][0] == "HTML" and "Figure 1. second" in shown[-1][1]
    monkeypatch.setenv(D.BOOK_ENV, "1")
    assert D.Captions().book


def _glued(name: str, mime: str, data: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output(
        "display_data",
        data={GLUE + mime: data},
        metadata={"scrapbook": {"name": name, "mime_prefix": GLUE}},
    )


def _markdown(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/markdown": text})


def test_sphinx_numbers_glued_tables_and_figures_and_resolves_citations(tmp_path):
    """A notebook as a chapter leaves it: glued outputs and their directives in one cell, the
    text citing them. Built with the book's extension and warnings as errors."""
    sphinx_build = pytest.importorskip("sphinx.cmd.build")
    png = base64.b64encode(_png()).decode()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell("page.table(...)", metadata={"tags": ["remove-input"]})
    cell.outputs = [
        _glued("tbl-one", "text/html", D.table_html(pd.DataFrame({"a": [1.0]}))),
        _markdown(D.numbered_markdown("glue:table", "tbl-one", "The first table.")),
        _glued("fig-one", "image/png", png),
        _markdown(D.numbered_markdown("glue:figure", "fig-one", "The first figure.")),
    ]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Page\n\nSee {numref}`tbl-one` and {numref}`fig-one`."),
        cell,
    ]
    src = tmp_path / "src"
    src.mkdir()
    nbformat.write(nb, src / "index.ipynb")
    (src / "conf.py").write_text(
        'extensions = ["myst_nb", "ganseg_lib.book"]\n'
        'nb_execution_mode = "off"\n'
        'nb_render_markdown_format = "myst"\n'
        "numfig = True\n"
        'numfig_format = {"figure": "Figure %s", "table": "Table %s"}\n'
    )
    out = tmp_path / "html"
    assert sphinx_build.build_main(["-W", "-q", "-b", "html", str(src), str(out)]) == 0
    page = (out / "index.html").read_text()
    text = re.sub(r"<[^>]+>", "", page)
    assert "See Table 1 and Figure 1." in text
    assert re.search(r'<figure class="[^"]*ganseg-table-figure[^"]*" id="tbl-one">', page)
    assert "Table 1 The first table." in re.sub(r"\s+", " ", text)
    assert "Figure 1 The first figure." in re.sub(r"\s+", " ", text)


def _png() -> bytes:
    from ganseg_lib.analysis.present.display import png_bytes

    return png_bytes(Figure(figsize=(1, 1)))
