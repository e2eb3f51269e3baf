"""The answer of a registration of "Fewer labels" as it stands, for the opening of its section.

The answer is written from the records when the page is built (:func:`fewer_answer`): how many
of the registration's planned cells are recorded, the verdict of every hypothesis that has one
by its registered rule (its effect with the 95% CI and the seeds behind it), and, while none
has, the mean test AUC of each arm at each size over the seeds recorded so far. A registration
without interim verdicts (the first) gives a hypothesis no label until its cells are complete
(:data:`~ganseg_lib.analysis.study.fewer_verdicts.AWAITING`); the second registers interim
verdicts and its answer calls them so.
"""

from __future__ import annotations

import os

from ganseg_lib.analysis.present.text import fmt_ci, fmt_signed
from ganseg_lib.analysis.study.fewer_verdicts import (
    AWAITING,
    FIRST,
    PLANNED,
    FewerVerdict,
    Registration,
    evaluate,
    registration_path,
    study_runs,
)
from ganseg_lib.analysis.study.progress import tuning_records
from ganseg_lib.analysis.study.verdicts import NOT_YET_RUN
from ganseg_lib.experiment import fewer_labels as plan

DATA_NAMES = {"drive": "DRIVE", "chase": "CHASE_DB1"}


def _verdict_line(v: FewerVerdict) -> str:
    """'L1 (DRIVE): **supported**, +0.0061 [+0.0020, +0.0102] (8 and 8 seeds)'."""
    effect = " ".join((fmt_signed(v.estimate), fmt_ci(v.ci_low, v.ci_high))).strip()
    return f"{v.id} ({DATA_NAMES[v.data]}): **{v.verdict_text}**, {effect} ({v.runs} seeds)"


def means_so_far(results_dir: str | os.PathLike, data: str, registration: Registration) -> str:
    """Each arm's mean test AUC (best-validation checkpoint) per size over its successful runs so
    far, e.g. 'at 1K, cnn 0.9228 (1 seed), gan-study 0.9351 (1 seed)'; '' without runs."""
    runs = study_runs(results_dir, data, registration)
    runs = runs[runs["ok"]] if len(runs) else runs
    order = {a.name: i for i, a in enumerate(registration.arms)}
    parts = []
    for n in sorted(set(runs["n_patches"]), key=plan.run_order):
        at = runs[runs["n_patches"] == n]
        arms = sorted(set(at["arm"]), key=order.__getitem__)
        means = []
        for arm in arms:
            scores = at[at["arm"] == arm]["score"]
            means.append(f"{arm} {scores.mean():.4f} ({len(scores)} seed{'s' * (len(scores) > 1)})")
        parts.append(f"at {n:,}, " + ", ".join(means))
    return "; ".join(parts)


def fewer_answer(
    results_dir: str | os.PathLike = "results", registration: Registration = FIRST
) -> str:
    """Markdown: where the registration stands — its recorded / planned tuning runs and cells on
    DRIVE and CHASE_DB1, its verdicts so far (interim where it registers them), and while no
    hypothesis has a verdict, the means so far."""
    path = registration_path(results_dir, registration)
    verdicts = [
        v for data in ("drive", "chase") for v in evaluate(results_dir, data, path, registration)
    ]
    counts = []
    for data, name in DATA_NAMES.items():
        runs = study_runs(results_dir, data, registration)
        planned = len(plan.planned_cells(data == "chase", registration.arms))
        counts.append(f"{len(runs)} of {planned} {name} cells")
    tuned = sum(len(a.grid) for a in registration.arms) * len(plan.TUNING_SEEDS)
    tuning = sum(1 for _ in tuning_records(results_dir, registration.arms, registration.profile))
    text = (
        f"**Where it stands:** {tuning} of {tuned} tuning runs, {counts[0]} and {counts[1]} "
        "are recorded."
    )
    decided = [v for v in verdicts if v.verdict not in (NOT_YET_RUN, AWAITING)]
    if decided:
        kind = "interim verdicts on the seeds so far" if registration.interim else "verdicts"
        complete = [v for v in decided if v.complete]
        text += f" The {kind} ({len(complete)} of {len(verdicts)} complete): "
        text += "; ".join(_verdict_line(v) for v in decided) + "."
    else:
        text += (
            f" No hypothesis has a verdict yet ({len(verdicts)} verdicts to reach, "
            f"{sum(v.data == 'drive' for v in verdicts)} on DRIVE; each needs "
            f"{PLANNED['drive']} DRIVE or {PLANNED['chase']} CHASE_DB1 seeds per group"
            + (", an interim one a run of each group" if registration.interim else "")
            + ")."
        )
        for data, name in DATA_NAMES.items():
            means = means_so_far(results_dir, data, registration)
            if means:
                text += f" Mean test AUC so far on {name} (best-validation checkpoint): {means}."
    return text
