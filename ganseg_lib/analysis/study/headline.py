"""The study's headline: its pre-registered verdicts, the records behind them and the answer to
"does adversarial learning reduce manual annotation here?", as a Markdown block written between
two marker lines of the README (``ganseg report --study --readme README.md``).

The block states how many of the planned runs it was computed from, so a README written while
the grid runs says how far the grid had come.
"""

from __future__ import annotations

import os

import pandas as pd

from ganseg_lib.analysis.present.text import fmt_p, missing
from ganseg_lib.analysis.study.answer import study_answer, tier_two_answer
from ganseg_lib.analysis.study.compute import recorded_text
from ganseg_lib.analysis.study.efficiency import label_efficiency
from ganseg_lib.analysis.study.records import STUDY_PROFILE
from ganseg_lib.analysis.study.verdicts import Verdict, evaluate_hypotheses
from ganseg_lib.experiment.preregistration import registration_sentence
from ganseg_lib.experiment.study import HYPOTHESES
from ganseg_lib.train.profiles import get_profile

STUDY_BEGIN = "<!-- study: begin (written by `ganseg report --study --readme README.md`) -->"
STUDY_END = "<!-- study: end -->"


def _p_cell(v: Verdict) -> str:
    if missing(v.p_value):  # a count (H5) or no test yet
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


def study_markdown(
    df: pd.DataFrame,
    hypotheses: str | os.PathLike = HYPOTHESES,
    replication: pd.DataFrame | None = None,
) -> str:
    """The study's block: the verdicts table, the tier-1 records and compute behind it, the
    registration, the answer's first paragraph (the whole answer is in the chapter), and tier
    2's differences with how far it has run."""
    if not len(df):
        return "No study run records yet."
    verdicts = evaluate_hypotheses(df)
    profile = get_profile(STUDY_PROFILE)
    ok = df[df["status"] == "ok"]
    n_images = len(ok["record"].iloc[0].evaluation["image_ids"]) if len(ok) else 0
    answer = study_answer(verdicts, label_efficiency(df), df, replication).split("\n\n")[0]
    return "\n".join(
        [
            *verdict_rows(verdicts),
            "",
            f"Profile `{STUDY_PROFILE}` ({profile.iterations:,} iterations, width "
            f"{profile.width}), DRIVE, mean AUC over the {n_images} test images per run; "
            f"{recorded_text(df)}. p is that of the test deciding "
            "the verdict, Holm-adjusted over H1, H2a, H2b, H3 and H4 in brackets; a verdict "
            "marked interim is judged on the seeds recorded so far. "
            + registration_sentence(hypotheses, df),
            "",
            answer,
            "",
            f"{tier_two_answer(df)} {recorded_text(df, (2,), tuning=False)}.",
        ]
    )
