"""The study's headline: its pre-registered verdicts, the records behind them and the answer to
"does adversarial learning reduce manual annotation here?", as a Markdown block written between
two marker lines of the README (``ganseg report --study --readme README.md``).

The block states how many of the planned runs it was computed from, so a README written while
the grid runs says how far the grid had come.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ganseg_lib.analysis.study import label_efficiency
from ganseg_lib.analysis.study_answer import study_answer
from ganseg_lib.analysis.study_compute import compute_table
from ganseg_lib.analysis.study_verdicts import Verdict, evaluate_hypotheses
from ganseg_lib.analysis.text import fmt_p
from ganseg_lib.experiment.preregistration import (
    first_record_date,
    registration_commit,
    registration_status,
)

STUDY_BEGIN = "<!-- study: begin (written by `ganseg report --study --readme README.md`) -->"
STUDY_END = "<!-- study: end -->"
HYPOTHESES = Path("studies") / "beyond-the-paper" / "hypotheses.md"


def _p_cell(v: Verdict) -> str:
    if v.p_value != v.p_value:  # NaN: a count (H5) or no test yet
        return "–"
    return f"{fmt_p(v.p_value)} ({fmt_p(v.holm_p)})"


def verdict_rows(verdicts: list[Verdict]) -> list[str]:
    """The verdicts as the rows of a Markdown table: hypothesis, verdict, effect, p (Holm)."""
    rows = [
        "| # | hypothesis | verdict | effect [95% CI] | p (Holm) |",
        "|---|---|---|---|---|",
    ]
    for v in verdicts:
        effect = v.effect.replace("|", "\\|")
        rows.append(f"| {v.id} | {v.claim} | **{v.verdict_text}** | {effect} | {_p_cell(v)} |")
    return rows


def registration_line(df: pd.DataFrame, hypotheses: str | os.PathLike = HYPOTHESES) -> str:
    """Where and when the hypotheses were committed, beside the first record's date."""
    commit = registration_commit(hypotheses) if Path(hypotheses).is_file() else None
    first = first_record_date(df)
    status = registration_status(commit[1] if commit else None, first)
    if commit is None:
        return f"Hypotheses and verdict rules: `{HYPOTHESES.as_posix()}` — {status}."
    return (
        f"Hypotheses and verdict rules committed in `{commit[0][:7]}` on "
        f"{commit[1].isoformat()} (`{HYPOTHESES.as_posix()}`); first study record "
        f"{first.isoformat() if first else 'none yet'} — {status}."
    )


def study_markdown(df: pd.DataFrame, hypotheses: str | os.PathLike = HYPOTHESES) -> str:
    """The study's block: the verdicts table, the records and compute behind it, the
    registration, and the answer's first paragraph (the whole answer is in the chapter)."""
    if not len(df):
        return "No study run records yet."
    verdicts = evaluate_hypotheses(df)
    compute = compute_table(df)
    planned, recorded = int(compute["runs planned"].sum()), int(compute["runs recorded"].sum())
    failed = int((df["status"] != "ok").sum())
    hours = float(compute["hours recorded"].sum())
    answer = study_answer(verdicts, label_efficiency(df)).split("\n\n")[0]
    return "\n".join(
        [
            *verdict_rows(verdicts),
            "",
            f"Profile `study` (5,000 iterations, width 16), DRIVE, mean AUC over the 20 test "
            f"images per run; {recorded} of the {planned} runs of tier 1 and the tuning stage "
            f"recorded, {failed} failed, {hours:.1f} h of training and evaluation. p is that of "
            "the test deciding the verdict, Holm-adjusted over H1, H2a, H2b, H3 and H4 in "
            "brackets; a verdict marked interim is judged on the seeds recorded so far. "
            + registration_line(df, hypotheses),
            "",
            answer,
        ]
    )
