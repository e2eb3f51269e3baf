"""Building the book: jupytext → papermill (per chapter, the training chapter once per dataset
size) → ``jupyter-book build -W``.

* :mod:`~ganseg_lib.book.chapters` — the sources ``notebooks/NN_name.py`` (jupytext percent
  format), their parameters and their ``.ipynb`` form;
* :mod:`~ganseg_lib.book.execution` — the plan of a build and one papermill execution into
  ``book/chapters/``, skipped when up to date;
* :mod:`~ganseg_lib.book.builder` — ``ganseg book``: every execution, then ``jupyter-book``;
* :mod:`~ganseg_lib.book.colab` — the Colab copies in ``notebooks/colab/``
  (``ganseg notebooks sync|check``, and a test);
* :mod:`~ganseg_lib.book.repository` — the project's address, set once in ``pyproject.toml``,
  copied into ``_config.yml`` and the chapters' bootstrap cells;
* :mod:`~ganseg_lib.book.extension` — loaded by Sphinx as ``ganseg_lib.book``: the pages' Binder
  and Colab buttons open the Colab copies; glued tables are numbered as tables.
"""

from ganseg_lib.book.builder import build, jupyter_book_html
from ganseg_lib.book.chapters import (
    CHAPTERS,
    COLAB,
    KERNEL,
    NOTEBOOKS,
    ROOT,
    chapter_parameters,
    chapter_sources,
    to_ipynb,
)
from ganseg_lib.book.colab import colab_notebook, colab_path, sync_colab
from ganseg_lib.book.execution import (
    CELL_TIMEOUT_S,
    EVIDENCE_DIR,
    TRAINING_CHAPTER,
    ChapterRun,
    check_parameters,
    execute,
    plan,
    records_digest,
)
from ganseg_lib.book.extension import TABLE_FIGURE_CLASS, setup
from ganseg_lib.book.extension import _point_launch_buttons as _point_launch_buttons
from ganseg_lib.book.repository import (
    CONFIG,
    INSTALL_ENV,
    PYPROJECT,
    bootstrap_cell,
    config_repository_url,
    repository_url,
    sync_repository,
)

__all__ = [
    "CELL_TIMEOUT_S",
    "CHAPTERS",
    "COLAB",
    "CONFIG",
    "EVIDENCE_DIR",
    "INSTALL_ENV",
    "KERNEL",
    "NOTEBOOKS",
    "PYPROJECT",
    "ROOT",
    "TABLE_FIGURE_CLASS",
    "TRAINING_CHAPTER",
    "ChapterRun",
    "bootstrap_cell",
    "build",
    "chapter_parameters",
    "chapter_sources",
    "check_parameters",
    "colab_notebook",
    "colab_path",
    "config_repository_url",
    "execute",
    "jupyter_book_html",
    "plan",
    "records_digest",
    "repository_url",
    "setup",
    "sync_colab",
    "sync_repository",
    "to_ipynb",
]
