"""A person's look at the 32 samples of each generator of the first registration of "Fewer
labels", checked after the fact (``results/generator/fewer-labels/<data>/<cell>.samples.png``):
are dark, vessel-like lines there, and what is — the third part of the generator check's pass
rule, as :mod:`ganseg_lib.analysis.study.generator_looks` is for the second registration's and
the probes'. Descriptive: the registration decides nothing by it.

The looks are data, written down one per checked generator as its samples arrive: they live in
``first_looks.json`` beside this module, grouped by arm (``{"arms": [{"arm": <which arm, at
which candidate>, "looks": {"<data>/<cell>": {"vessels": bool, "what": str}}}]}``).
"""

from __future__ import annotations

import json
from importlib import resources

from ganseg_lib.analysis.replication.sample_looks import Look

LOOKS_FILE = "first_looks.json"


def load_first_looks(text: str) -> dict[str, Look]:
    """Each look of a ``first_looks.json`` text, keyed ``"<data>/<cell>"``; a key written twice,
    or a look without ``vessels`` or ``what``, is an error naming it."""
    looks: dict[str, Look] = {}
    for group in json.loads(text)["arms"]:
        for key, entry in group["looks"].items():
            if key in looks:
                raise ValueError(f"{LOOKS_FILE}: {key!r} is looked at twice")
            if set(entry) != {"vessels", "what"} or not isinstance(entry["vessels"], bool):
                raise ValueError(f"{LOOKS_FILE}: {key!r} needs a bool 'vessels' and a 'what'")
            looks[key] = Look(entry["vessels"], entry["what"])
    return looks


FIRST_LOOKS: dict[str, Look] = load_first_looks(
    resources.files(__package__).joinpath(LOOKS_FILE).read_text(encoding="utf-8")
)
