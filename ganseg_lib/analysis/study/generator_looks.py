"""A person's look at the 32 samples of each checked generator of the second registration of
"Fewer labels" (``results/generator/fewer-labels-passing/<data>/<cell>.samples.png``): are
dark, vessel-like lines there, and what is — the third part of the generator check's pass rule,
as :mod:`ganseg_lib.analysis.replication.sample_looks` is for the training chapter's runs.
Keyed ``"<data>/<cell>"``: CHASE_DB1's cells have DRIVE's names.
"""

from __future__ import annotations

from ganseg_lib.analysis.replication.sample_looks import Look

PASSING_LOOKS: dict[str, Look] = {}
