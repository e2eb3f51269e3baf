"""The public API: what ``ganseg predict``, ``ganseg train`` and ``ganseg evaluate`` do, as
functions of arrays and folders, re-exported by :mod:`ganseg_lib` (``ganseg_lib.segment``).

* :mod:`ganseg_lib.api.segmentation` — :func:`read_image`, :func:`list_models`,
  :func:`load_model`, :func:`segment`;
* :mod:`ganseg_lib.api.training` — :func:`load_dataset`, :func:`make_patches`,
  :func:`train_model`, :func:`evaluate_model`.

Each function is a thin layer over the modules that made the book's numbers, so that a result of
the API is a result of the command line: :func:`segment` is the map ``ganseg predict`` writes,
:func:`train_model` the run ``ganseg train`` trains. Heavy modules (torch) are imported inside
the functions, so that importing the API stays light.
"""

from ganseg_lib.api.segmentation import list_models, load_model, read_image, segment
from ganseg_lib.api.training import (
    SPLITS,
    evaluate_model,
    load_dataset,
    make_patches,
    train_model,
)

__all__ = [
    "segment",
    "load_model",
    "list_models",
    "read_image",
    "load_dataset",
    "make_patches",
    "train_model",
    "evaluate_model",
    "SPLITS",
]
