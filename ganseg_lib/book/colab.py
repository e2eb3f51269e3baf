"""The Colab copies of the chapters (``notebooks/colab/*.ipynb``): committed, output-free, made
from the sources by ``ganseg notebooks sync`` and compared by ``ganseg notebooks check``.

jupytext itself writes each copy (:func:`jupytext.writes`); what this module adds is what its
command line does not give: cell ids that depend only on the chapter and the cell's place (a
copy regenerated from a fresh checkout is byte-identical to the committed one, which the check
relies on; jupytext draws new random ids for each conversion), Colab's notebook metadata, and
one direction only, source to copy (``jupytext --sync`` takes the cells from whichever paired
file changed last, which may be the copy).
"""

from __future__ import annotations

import re
from pathlib import Path

from ganseg_lib.book.chapters import COLAB, chapter_sources
from ganseg_lib.book.repository import sync_repository


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


def colab_path(pagename: str) -> str | None:
    """The Colab copy behind a chapter page (the three training pages share one), or None."""
    match = re.fullmatch(r"book/chapters/(\d\d_[a-z_]+?)(?:_n\d+)?", pagename)
    return f"notebooks/colab/{match.group(1)}.ipynb" if match else None
