"""The headline: the paper's results table with ours beside it and a summary of the verdicts,
written between two marker lines of the README (``ganseg report --readme README.md``) and shown
at the end of the report chapter.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from ganseg_lib.analysis.present.text import (
    DATA_LABELS,
    METHOD_LABELS,
    fmt,
    fmt_p,
    fmt_share,
    missing,
)
from ganseg_lib.analysis.replication.aggregate import ok_runs, per_seed_scores
from ganseg_lib.analysis.replication.claims import Claim, evaluate_claims, size_trend_caveat
from ganseg_lib.analysis.replication.compute import compute_used
from ganseg_lib.analysis.replication.tables import difference_cell, ours_cell, results_table
from ganseg_lib.markers import read_block as read_block  # the CLI's and tests' name
from ganseg_lib.markers import write_block as write_block
from ganseg_lib.paper import PAPER_METHODS, PAPER_RESULTS, size_label

HEADLINE_BEGIN = "<!-- headline: begin (written by `ganseg report --readme README.md`) -->"
HEADLINE_END = "<!-- headline: end -->"
CLAIM_OF_SIZE = {15_000: "1", 30_000: "2", 150_000: "3"}


def _effect_cell(claim: Claim | None) -> str:
    if claim is None:
        return ""
    return f"claim {claim.id}: {claim.verdict_text}"


def level_gaps(df: pd.DataFrame) -> dict[str, list[tuple[int, float]]]:
    """Per method: (size, our mean AUC − the paper's) at each of the paper's sizes we ran."""
    out = {}
    for m in PAPER_METHODS:
        gaps = []
        for n in sorted(PAPER_RESULTS):
            scores = per_seed_scores(df, n, m)
            if len(scores):
                gaps.append((n, float(scores.mean()) - PAPER_RESULTS[n][m]))
        out[m] = gaps
    return out


def verdict_summary(df: pd.DataFrame, claims: Sequence[Claim] | None = None) -> str:
    """The verdicts in sentences: each comparison and size-trend claim with our share of the
    paper's effect, and the levels of both methods as calibration of the pipeline."""
    claims = list(claims) if claims is not None else evaluate_claims(df)
    parts = []
    for c in claims:
        if c.kind == "calibration":
            continue
        share = ""
        if c.kind != "equivalence" and not missing(c.share):
            share = f", our effect {fmt_share(c.share)} of the paper's"
        detail = f" ({c.detail})" if c.detail else ""
        reach = f" — {c.reach}" if c.reach else ""
        parts.append(f"{c.short} (claim {c.id}): **{c.verdict}**{detail}{share}{reach}")
    text = "Verdicts: " + "; ".join(parts) + "."
    caveat = size_trend_caveat(df)
    if caveat and any(c.kind in ("size trend", "equivalence") for c in claims):
        text += " " + caveat
    gaps = level_gaps(df)
    if any(gaps.values()):
        levels = "; ".join(
            f"{METHOD_LABELS[m]} "
            + ", ".join(f"{gap:+.4f} at {size_label(n)}" for n, gap in gaps[m])
            for m in PAPER_METHODS
            if gaps[m]
        )
        text += (
            f" Our mean AUC minus the paper's: {levels}. Both methods are judged against the "
            "paper's levels, which calibrates our pipeline; a level our CNN reaches as well is "
            "no evidence for the GAN."
        )
    return text


def headline_markdown(
    df: pd.DataFrame, profile: str = "cpu", data: str = "drive", rerun: str = ""
) -> str:
    """The README's headline: the paper's table with ours beside it, the effect sizes against
    the paper's, the verdicts and the compute used — a Markdown block computed from the records;
    ``rerun``: the re-run's sentence (:func:`~ganseg_lib.analysis.replication.rerun.
    rerun_sentence`), appended when given."""
    ok = ok_runs(df)
    if not len(ok):
        return f"No successful run records of profile `{profile}` on {data} yet."
    table = results_table(df)
    claims = evaluate_claims(df)
    by_id = {c.id: c for c in claims}
    lines = [
        "| labelled patches | paper GAN-CNN / CNN (p) | ours GAN-CNN | ours CNN | "
        "GAN−CNN: paper / ours [95% CI] | p: Welch seeds / paired seeds / paired images | "
        "verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for _, r in table.iterrows():
        n = int(r["n_patches"])
        ours = {m: ours_cell(r, m, 4, with_seeds=True) for m in PAPER_METHODS}
        paper_diff = "–" if missing(r["paper_difference"]) else f"{r['paper_difference']:+.3f}"
        lines.append(
            f"| {r['size']} | {fmt(r['paper_gan'])} / {fmt(r['paper_cnn'])} "
            f"({fmt_p(r['paper_p'])}) | {ours['gan']} | {ours['cnn']} | "
            f"{paper_diff} / {difference_cell(r, 4)} | {fmt_p(r['p_seeds'])} / "
            f"{fmt_p(r['p_seeds_paired'])} / {fmt_p(r['p_images_paired'])} | "
            f"{_effect_cell(by_id.get(CLAIM_OF_SIZE.get(n, '')))} |"
        )
    compute = compute_used(df)
    hours = float(compute["total hours"].sum())
    n_images = len(ok["record"].iloc[0].evaluation["image_ids"])
    n_failed = int((df["status"] != "ok").sum())
    lines += [
        "",
        f"Mean AUC over the {n_images} test images, mean ± sd over seeds (number of seeds in "
        f"brackets); profile `{profile}`, {DATA_LABELS.get(data, data)}; {len(df)} run records, "
        f"{n_failed} failed; {hours:.1f} h of training and evaluation "
        f"({'; '.join(sorted(set(compute['devices'])))}). The 95% CI and the verdicts come from "
        "Welch's test across the per-seed mean AUCs; the paired tests pair the seeds (same "
        f"labelled patches) and the {n_images} test images (AUCs averaged over seeds).",
        "",
        verdict_summary(df, claims),
    ]
    if rerun:
        lines += ["", rerun]
    return "\n".join(lines)


def update_readme(path: str | os.PathLike, df, profile: str = "cpu", data: str = "drive") -> bool:
    """Replace the headline block of the README at ``path``; True when its text changed.

    Raises ValueError when the README has no block (the two marker lines).
    """
    return write_block(path, headline_markdown(df, profile, data), HEADLINE_BEGIN, HEADLINE_END)


def readme_headline(path: str | os.PathLike) -> str:
    """The text between the README's headline markers."""
    return read_block(path, HEADLINE_BEGIN, HEADLINE_END)
