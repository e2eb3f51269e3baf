"""Progress bars: tqdm on standard error, switched off by tqdm's own ``TQDM_DISABLE=1``.

The book builder, the tests and the benchmarks set ``TQDM_DISABLE=1`` so that no bar lands in a
page or a log; ``GANSEG_PROGRESS=0``, this library's former switch, is still read as an alias.
"""

from __future__ import annotations

import os
import sys
import warnings

DEPRECATED_SWITCH = "GANSEG_PROGRESS"


def progress_bar(**kwargs):
    """A :class:`tqdm.tqdm` on stderr. tqdm (≥ 4.66) reads ``TQDM_<ARGUMENT>`` variables as the
    defaults of its arguments, so ``TQDM_DISABLE=1`` turns it off unless ``disable`` is given."""
    from tqdm import tqdm

    if os.environ.get(DEPRECATED_SWITCH) == "0":
        warnings.warn(
            f"{DEPRECATED_SWITCH}=0 is deprecated: set TQDM_DISABLE=1", DeprecationWarning, 2
        )
        kwargs.setdefault("disable", True)
    kwargs.setdefault("file", sys.stderr)
    kwargs.setdefault("dynamic_ncols", True)
    return tqdm(**kwargs)
