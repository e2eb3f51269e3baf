"""The generator check's yardstick: what it says of real patches. Training patches checked
against the validation patches (``reference.json``, written by ``python -m
ganseg_lib.experiment.generator_suspects --reference``) are what a generator of the training data
itself would score; the same patches smoothed by a Gaussian first (``reference_blur.json``,
``--reference-blur``) show how fine a texture the check sees. The training chapter prints
:func:`reference_sentence` beside the check's verdict.
"""

from __future__ import annotations

import json
from pathlib import Path

from ganseg_lib.analysis.present.text import span as _span
from ganseg_lib.evaluate.generator_check import MAX_TWO_SAMPLE_ACCURACY

FOLDER = "generator"  # under the committed records (``results/``)


REFERENCE_FILE = "reference.json"  # training patches checked against validation patches
BLUR_FILE = "reference_blur.json"  # the same with the training patches smoothed first


def reference_sentence(folder: str | Path) -> str:
    """What a generator of the training data itself would score: the committed check of
    training patches against validation patches (``reference.json``, one entry per draw)."""
    path = Path(folder) / REFERENCE_FILE
    if not path.is_file():
        return ""
    draws = json.loads(path.read_text())
    acc = [d["two_sample_accuracy"] for d in draws]
    ratio = [d["diversity_ratio"] for d in draws]
    return (
        f"For scale: patches of the training images themselves, checked in the same way against "
        f"the validation patches, give two-sample accuracy {_span(acc, '{:.2f}')} and diversity "
        f"ratio {_span(ratio, '{:.2f}')} ({len(draws)} draws; {FOLDER}/{REFERENCE_FILE}). The "
        "training and validation images differ, so even a generator that drew the training "
        f"patches themselves would not score 0.5; the bar {MAX_TWO_SAMPLE_ACCURACY} lies above "
        "that." + _blur_sentence(Path(folder) / BLUR_FILE)
    )


def _blur_sentence(path: Path) -> str:
    """How the check scores the training patches smoothed by a Gaussian of each σ
    (``reference_blur.json``): how fine a texture it sees."""
    if not path.is_file():
        return ""
    draws = json.loads(path.read_text())
    sigmas = sorted({d["blur_sigma"] for d in draws})
    accuracy = {
        s: [d["two_sample_accuracy"] for d in draws if d["blur_sigma"] == s] for s in sigmas
    }
    parts = [f"σ {s:g} px: {_span(accuracy[s], '{:.3f}')}" for s in sigmas]
    n = len(draws) // len(sigmas)
    return (
        " Smoothed by a Gaussian before the check, the same patches score two-sample accuracy "
        f"{'; '.join(parts)} ({n} draws each; {FOLDER}/{BLUR_FILE}): the check tells apart "
        "patches that lack only the pixel-scale texture that a blur of half a pixel removes."
    )
