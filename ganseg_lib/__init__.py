"""ganseg_lib — the library behind the ganseg replication book.

Lahiri, Ayush, Biswas & Mitra, *Generative Adversarial Learning for Reducing Manual Annotation in
Semantic Segmentation on Large Scale Microscopy Images* (CVPR Workshops 2017).

One folder per stage of the paper, one idea per module:

* ``paper`` — the slides' constants and numbers; ``deviations`` — where we differ, declared on
  the line that differs; ``errors`` — the library's two errors; ``atomic``, ``markers``,
  ``progress`` — atomic file writes, the README's generated blocks, progress bars;
* ``data/`` — DRIVE, the synthetic phantom, a user's own image, the data-source choice, green
  channel + CLAHE preprocessing, skeleton/dilation patch sampling;
* ``model/`` — generator, DC net, L_c / L_adv / L_G, exact whole-image (dense) inference;
* ``train/`` — the configuration and profiles, one training step, the loop, checkpoints, the
  run folder, files of weights (read as tensors only) and the one loader of a kept DC net;
* ``evaluate/`` — test-set metrics, the run record, evaluating a run;
* ``experiment/`` — the resolved setup of an entry point, the grid of runs;
* ``analysis/`` — the statistics behind every verdict, then by question: ``replication/`` (the
  paper's claims and their verdicts, tables, figures), ``study/`` (the studies beyond the paper)
  and ``present/`` (how both are shown);
* ``api`` — the public functions below; ``book``, ``cli`` — the book builder (needs a
  checkout) and the ``ganseg`` command.

The public API (``__all__``), documented in the book's appendix "API reference":

* :func:`segment` — the vessel probability map of a fundus image (what ``ganseg predict``
  writes); :func:`load_model`, :func:`list_models`, :func:`read_image`;
* :func:`load_dataset`, :func:`make_patches`, :func:`train_model`, :func:`evaluate_model` — what
  ``ganseg train`` and ``ganseg evaluate`` do;
* :func:`welch_test`, :func:`paired_test`, :func:`tost`, :func:`contrast_test`,
  :func:`welch_power`, :func:`holm` — the statistical tests behind the verdicts.

They are imported on first use, so that ``import ganseg_lib`` loads neither torch nor numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.2.0"

__all__ = [
    # ganseg_lib.api
    "segment",
    "load_model",
    "list_models",
    "read_image",
    "load_dataset",
    "make_patches",
    "train_model",
    "evaluate_model",
    # ganseg_lib.analysis.stats
    "welch_test",
    "paired_test",
    "tost",
    "contrast_test",
    "welch_power",
    "holm",
]
_STATS = ("welch_test", "paired_test", "tost", "contrast_test", "welch_power", "holm")

if TYPE_CHECKING:
    from ganseg_lib.analysis.stats import (
        contrast_test,
        holm,
        paired_test,
        tost,
        welch_power,
        welch_test,
    )
    from ganseg_lib.api import (
        evaluate_model,
        list_models,
        load_dataset,
        load_model,
        make_patches,
        read_image,
        segment,
        train_model,
    )


def __getattr__(name: str):
    """Import a public name on first use (PEP 562)."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = "ganseg_lib.analysis.stats" if name in _STATS else "ganseg_lib.api"
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
