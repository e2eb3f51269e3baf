"""The answer of a registration of "Fewer labels" as it stands, for the opening of its section.

The answer is written from the records when the page is built (:func:`fewer_answer`): how many
of the registration's planned runs are recorded and what the missing ones need, the verdict of
every hypothesis that rests on a test by its registered rule (its effect with the 95% CI and
the seeds behind it), and, on a data source without one, the mean test AUC of each arm at each
size over the seeds so far. A registration without interim verdicts (the first) gives a
hypothesis no label until its cells are complete
(:data:`~ganseg_lib.analysis.study.fewer_verdicts.AWAITING`); the second registers interim
verdicts and its answer marks them so.
"""

from __future__ import annotations

import math
import os

import pandas as pd

from ganseg_lib.analysis.present.text import fmt_ci, fmt_p, fmt_signed, join_and, missing
from ganseg_lib.analysis.study.fewer_verdicts import (
    AWAITING,
    FIRST,
    PLANNED,
    FewerVerdict,
    Registration,
    arm_scores,
    cell_counts,
    evaluate,
    registration_path,
)
from ganseg_lib.analysis.study.progress import compute_left, tuning_records
from ganseg_lib.analysis.study.verdicts import NOT_YET_RUN
from ganseg_lib.experiment import fewer_labels as plan
from ganseg_lib.paper import size_label

DATA_NAMES = {"drive": "DRIVE", "chase": "CHASE_DB1"}


def _tested(v: FewerVerdict) -> bool:
    """Whether a verdict rests on a test: a label other than "not yet run" or "no verdict until
    its cells are complete", with a confidence interval (two seeds or more in every group)."""
    return v.verdict not in (NOT_YET_RUN, AWAITING) and not math.isnan(v.ci_low)


def _effect_text(v: FewerVerdict) -> str:
    """'+0.0061 [+0.0020, +0.0102]': the effect with its 95% CI ('' where none is computed)."""
    return " ".join((fmt_signed(v.estimate), fmt_ci(v.ci_low, v.ci_high))).strip()


def _verdict_line(v: FewerVerdict) -> str:
    """'L1: **supported**, +0.0061 [+0.0020, +0.0102], p = 0.0040 (Holm 0.012; 8 and 8 seeds)':
    the label, the effect with its 95% CI, the p of the test that decided it with its
    Holm-adjusted p ('Holm ≤ 0.086 while L1, L2 and L3a untested' while its family has untested
    members), and the seeds; an interim verdict's label already gives its seeds."""
    effect = _effect_text(v)
    notes = []
    if v.holm_untested:  # an upper bound while its family has untested members
        notes.append(f"Holm ≤ {fmt_p(v.holm_p)} while {join_and(v.holm_untested)} untested")
    elif not missing(v.holm_p):
        notes.append(f"Holm {fmt_p(v.holm_p)}")
    if v.complete and not v.failed:
        notes.append(f"{v.runs} seeds")
    p = f", p = {fmt_p(v.p_value)}" if not missing(v.p_value) else ""
    return f"{v.id}: **{v.verdict_text}**, {effect}{p}" + (f" ({'; '.join(notes)})" * bool(notes))


def means_so_far(results_dir: str | os.PathLike, data: str, registration: Registration) -> str:
    """Each arm's mean test AUC (best-validation checkpoint) per size over its scored runs so
    far, the sizes in the plan's order, e.g. 'at 1K, cnn 0.9228 (1 seed), gan-study 0.9351 (1
    seed)'; '' without runs."""
    scores = arm_scores(results_dir, data, registration=registration)
    order = {a.name: i for i, a in enumerate(registration.arms)}
    parts = []
    for n in sorted({n for _, n in scores}, key=plan.run_order):
        means = [
            f"{arm} {s.mean():.4f} ({len(s)} seed{'s' * (len(s) > 1)})"
            for (arm, size), s in sorted(scores.items(), key=lambda kv: order[kv[0][0]])
            if size == n and len(s)
        ]
        parts.append(f"at {size_label(n)}, " + ", ".join(means))
    return "; ".join(parts)


def duration_text(hours: float) -> str:
    """'40 minutes' under an hour, else '1 hour' or '3 hours' (rounded)."""
    count, unit = (max(1, round(hours * 60)), "minute") if hours < 1 else (round(hours), "hour")
    return f"{count} {unit}{'s' * (count != 1)}"


def fewer_answer(
    results_dir: str | os.PathLike = "results", registration: Registration = FIRST
) -> str:
    """Markdown: where the registration stands — its recorded / planned tuning runs and cells on
    DRIVE and CHASE_DB1 (a cell counts with the candidate chosen on DRIVE), then per data source
    its verdicts that rest on a test (interim ones so marked, with their seeds), or, where it
    has none, each arm's mean so far."""
    path = registration_path(results_dir, registration)
    verdicts = [v for data in DATA_NAMES for v in evaluate(results_dir, data, path, registration)]
    counts = []
    for data, name in DATA_NAMES.items():
        recorded, planned = cell_counts(results_dir, data, registration)
        counts.append(f"{recorded} of {planned} {name} cells")
    tuned = sum(len(a.grid) for a in registration.arms) * len(plan.TUNING_SEEDS)
    tuning = sum(1 for _ in tuning_records(results_dir, registration.arms, registration.profile))
    text = (
        f"**Where it stands:** {tuning} of {tuned} tuning runs, {counts[0]} and {counts[1]} "
        "are recorded."
    )
    hours, missing, untimed = compute_left(results_dir, registration.arms, registration.profile)
    if missing:
        text += (
            f" The {missing} missing {'run needs' if missing == 1 else 'runs need'} "
            f"{'at least' if untimed else 'about'} {duration_text(hours)} of one CPU thread, "
            "each at its arm's mean time so far"
            + (f" ({', '.join(untimed)}: not timed yet)" if untimed else "")
            + "."
        )
    tested = [v for v in verdicts if _tested(v)]
    if tested:
        rest = "rests" if len(tested) == 1 else "rest"
        so_far = " so far" * any(not v.complete for v in verdicts)
        text += f" {len(tested)} of the {len(verdicts)} verdicts {rest} on a test{so_far}."
    else:
        text += (
            f" No hypothesis has a verdict yet ({len(verdicts)} verdicts to reach, "
            f"{sum(v.data == 'drive' for v in verdicts)} on DRIVE; each needs "
            f"{PLANNED['drive']} DRIVE or {PLANNED['chase']} CHASE_DB1 seeds per group"
            + (", an interim one two seeds per group" if registration.interim else "")
            + ")."
        )
    for data, name in DATA_NAMES.items():
        if mine := _verdict_lines(verdicts, data):
            text += f" On {name}: {mine}."
        elif means := means_so_far(results_dir, data, registration):
            text += f" Mean test AUC so far on {name} (best-validation checkpoint): {means}."
    return text


def _verdict_lines(verdicts: list[FewerVerdict], data: str) -> str:
    """The lines of :func:`_verdict_line` for ``data``'s verdicts that rest on a test, joined."""
    return "; ".join(_verdict_line(v) for v in verdicts if v.data == data and _tested(v))


def verdicts_so_far(
    results_dir: str | os.PathLike = "results", registration: Registration = FIRST
) -> str:
    """Markdown: the registration's verdicts that rest on a test, per data source, as in
    :func:`fewer_answer` ("On DRIVE: P1: **supported**, …"); "" while none does."""
    path = registration_path(results_dir, registration)
    parts = []
    for data, name in DATA_NAMES.items():
        if mine := _verdict_lines(evaluate(results_dir, data, path, registration), data):
            parts.append(f"On {name}: {mine}.")
    return " ".join(parts)


def _pending_text(v: FewerVerdict) -> str:
    """'; Holm counts L1, L2 and L3a, untested, as p = 1: an upper bound' ('' once its family
    is tested)."""
    if not v.holm_untested:
        return ""
    return f"; Holm counts {join_and(v.holm_untested)}, untested, as p = 1: an upper bound"


def fewer_table(verdicts: list[FewerVerdict]) -> pd.DataFrame:
    """The verdicts for the book: id, family, verdict (interim and failed runs marked), effect
    with its 95% CI, seeds per group, p of the deciding test, its Holm-adjusted p, and the
    effect in full (its seeds, the last checkpoint's effect, which effect sizes its CI excludes
    and, for the checked arm, how many of its generators pass)."""
    return pd.DataFrame(
        [
            {
                "id": v.id,
                "family": v.family,
                "verdict": v.verdict_text,
                "effect [95% CI]": _effect_text(v),
                "seeds": v.runs,
                "p": v.p_value,
                "p (Holm)": v.holm_p,
                "in full": v.effect + _pending_text(v),
            }
            for v in verdicts
        ],
        columns=["id", "family", "verdict", "effect [95% CI]", "seeds", "p", "p (Holm)", "in full"],
    )
