"""The deviations table: every way the replication differs from (or adds to) the paper, generated
from the declarations in :data:`ganseg_lib.deviations.REGISTRY`.

A deviation is declared next to the constant or rule that makes it; importing the modules of
:data:`DECLARING_MODULES` fills the registry. The table always gives the settings of the
evidence profile (``cpu``, which produced the committed DRIVE records), and those of the
build's own profile beside them when it is another one.
"""

from __future__ import annotations

import importlib

import pandas as pd

from ganseg_lib.deviations import REGISTRY, Deviation
from ganseg_lib.train.profiles import EVIDENCE_PROFILE, Profile, get_profile

# Modules that declare deviations, in the order of the pipeline (a test checks that every module
# with a declaration is listed).
DECLARING_MODULES = (
    "ganseg_lib.data.preprocessing",
    "ganseg_lib.data.source",
    "ganseg_lib.data.patches",
    "ganseg_lib.model.networks",
    "ganseg_lib.model.inference",
    "ganseg_lib.train.config",
    "ganseg_lib.train.profiles",
    "ganseg_lib.train.step",
    "ganseg_lib.train.validation",
    "ganseg_lib.train.monitor",
    "ganseg_lib.evaluate.metrics",
    "ganseg_lib.evaluate.sampled",
    "ganseg_lib.evaluate.run",
    "ganseg_lib.analysis.stats",
)


def declared_deviations() -> list[Deviation]:
    """Every declared deviation, in pipeline order (module, then declaration)."""
    for name in DECLARING_MODULES:
        importlib.import_module(name)
    order = {name: i for i, name in enumerate(DECLARING_MODULES)}
    return sorted(REGISTRY.values(), key=lambda d: order.get(d.module, len(order)))


def deviations_table(profile: str | Profile | None = None) -> pd.DataFrame:
    """One row per deviation: the aspect, the paper's choice, ours under the evidence profile
    (and under ``profile`` when it differs), the reason and the module that declares it."""
    evidence = get_profile(EVIDENCE_PROFILE)
    build = get_profile(profile) if isinstance(profile, str) else profile
    profiles = [evidence] + ([build] if build is not None and build.name != evidence.name else [])
    labels = {
        evidence.name: f"ours: profile `{evidence.name}` (the published records)",
        **({build.name: f"ours: profile `{build.name}` (this build)"} if build else {}),
    }
    rows = []
    for d in declared_deviations():
        row = {"aspect": d.aspect, "paper": d.paper}
        for p in profiles:
            row[labels[p.name]] = d.ours_for(p)
        row["reason"] = d.reason
        row["declared in"] = f"`{d.module}`"
        rows.append(row)
    return pd.DataFrame(rows)
