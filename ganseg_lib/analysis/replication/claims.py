"""The paper's claims from the run records: each with the paper's number, ours and the verdict
of its rule (:mod:`ganseg_lib.analysis.replication.rules`).

Claims 1 and 2 compare the methods at 15K and 30K, claim 3 is the equivalence at 150K (with what
its CI excludes, :func:`reach_text`), claims 4 and 6 calibrate the pipeline against the paper's
levels and the literature, claims 5 and 7 are size trends (a trend in training length too under a
fixed iteration budget, :func:`size_trend_caveat`). :func:`evaluate_claims` gives them all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ganseg_lib.analysis.present.text import (
    excluded_text,
    fmt,
    fmt_ci,
    fmt_p,
    fmt_share,
    fmt_signed,
    missing,
)
from ganseg_lib.analysis.replication.aggregate import (
    SizeComparison,
    compare_size,
    degradation,
    per_seed_scores,
    size_gain,
)
from ganseg_lib.analysis.replication.rules import (
    LARGE,
    LARGER,
    LITERATURE_DATA_FACTOR,
    LITERATURE_MARGIN,
    MIDDLE,
    NOT_TESTED,
    RELATIVE_RULE,
    SMALL,
    SMALLER,
    equivalence_margin,
    equivalence_verdict,
    level_verdict,
    literature_reference,
    literature_verdict,
    relative_verdict,
)
from ganseg_lib.analysis.stats import tost, welch_power
from ganseg_lib.paper import PAPER_RESULTS, size_label

KINDS = ("comparison", "equivalence", "size trend", "calibration")


@dataclass(frozen=True)
class Claim:
    """One claim of the paper: what it says, its number, ours, and the verdict of its rule."""

    id: str
    kind: str
    claim: str
    paper: str
    ours: str
    verdict: str
    rule: str
    share: float = math.nan  # our effect / the paper's (relative claims)
    short: str = ""  # a few words for the summary
    detail: str = ""  # the test behind the verdict, where the label alone would hide it
    reach: str = ""  # for an equivalence: which effect sizes its CI excludes, and the margin's

    @property
    def verdict_text(self) -> str:
        """The verdict with our share of the paper's effect where the magnitude differs."""
        if self.verdict in (SMALLER, LARGER):
            return f"{self.verdict} ({fmt_share(self.share)} of the paper's)"
        return f"{self.verdict} ({self.detail})" if self.detail else self.verdict


def _share(estimate: float, paper: float) -> float:
    return estimate / paper if paper and not missing(estimate) else math.nan


def _mean(scores) -> float:
    return float(np.mean(scores)) if len(scores) else math.nan


def _difference_text(c: SizeComparison) -> str:
    if missing(c.difference):
        return "needs runs of both methods"
    text = f"GAN−CNN {fmt_signed(c.difference)}"
    if c.seeds is None:
        return text + f" (no test: {len(c.gan_scores)} vs {len(c.cnn_scores)} seeds)"
    text += f" {fmt_ci(c.seeds.ci_low, c.seeds.ci_high)}, Welch p = {fmt_p(c.seeds.p_value)}"
    if c.seeds_paired:
        text += f"; paired by seed p = {fmt_p(c.seeds_paired.p_value)}"
    if c.images_paired:
        text += (
            f"; paired by image p = {fmt_p(c.images_paired.p_value)} "
            f"({c.images_favouring_gan} of {c.n_images} images favour GAN-CNN)"
        )
    return text


def comparison_claims(cmp: dict[int, SizeComparison]) -> list[Claim]:
    """Claims 1 and 2: GAN-CNN beats CNN significantly at 15K and 30K."""
    out = []
    for cid, n in (("1", SMALL), ("2", MIDDLE)):
        c, paper = cmp[n], PAPER_RESULTS[n]
        d_paper = paper["gan"] - paper["cnn"]
        ci = (c.seeds.ci_low, c.seeds.ci_high) if c.seeds else (math.nan, math.nan)
        verdict = relative_verdict(c.difference, *ci, c.seeds.p_value if c.seeds else None, d_paper)
        out.append(
            Claim(
                cid,
                "comparison",
                f"GAN-CNN beats CNN at {size_label(n)}, significantly",
                f"GAN−CNN {d_paper:+.3f}, p = {fmt_p(paper['p'])}",
                _difference_text(c),
                verdict,
                RELATIVE_RULE,
                _share(c.difference, d_paper),
                f"GAN-CNN beats CNN at {size_label(n)}",
            )
        )
    return out


def gain_references(df: pd.DataFrame) -> dict[str, float]:
    """The GAN−CNN gains an equivalence is read against: the paper's at 15K and 30K, and ours
    at the same sizes where both methods have runs."""
    refs = {}
    for who, n in (("paper", SMALL), ("paper", MIDDLE), ("ours", SMALL), ("ours", MIDDLE)):
        if who == "paper":
            refs[f"the paper's {size_label(n)} gain"] = (
                PAPER_RESULTS[n]["gan"] - PAPER_RESULTS[n]["cnn"]
            )
            continue
        gan, cnn = per_seed_scores(df, n, "gan"), per_seed_scores(df, n, "cnn")
        if len(gan) and len(cnn):
            refs[f"our {size_label(n)} gain"] = float(np.mean(gan) - np.mean(cnn))
    return refs


def reach_text(df: pd.DataFrame, low: float, high: float, margin: float) -> str:
    """What an equivalence verdict excludes: which reference gains lie outside the 95% CI of
    the difference, and which the margin itself would call equivalent to no effect."""
    refs = gain_references(df)
    text = f"95% CI {fmt_ci(low, high)}: " + excluded_text(low, high, refs)
    admitted = [f"{name} ({value:+.4f})" for name, value in refs.items() if abs(value) < margin]
    if admitted:
        text += f"; the ±{margin:g} margin would also call {' and '.join(admitted)} equivalent"
    return text


def size_trend_caveat(df: pd.DataFrame) -> str:
    """Under a fixed iteration budget a size trend is also a trend in epochs and in learning-
    rate decays: the profile's numbers for the sizes of ``df`` ('' without a fixed budget)."""
    from ganseg_lib.train.profiles import get_profile

    profiles = sorted(set(df["profile"])) if len(df) and "profile" in df else []
    if len(profiles) != 1:
        return ""
    try:
        profile = get_profile(profiles[0])
    except Exception:  # a profile this version does not know: nothing to say about its budget
        return ""
    if not profile.iterations:
        return ""
    sizes = sorted(int(n) for n in df["n_patches"].unique())
    return (
        f"Size trends (claims 3, 5, 7a, 7b) compare sizes trained for the same "
        f"{profile.iterations:,} iterations, so each is also a trend in training length: "
        f"{profile.epochs_text(sizes)}; {profile.decay_text(sizes)}."
    )


def equivalence_claim(df: pd.DataFrame, c: SizeComparison) -> Claim:
    """Claim 3: at 150K the two methods are equivalent within ±margin (TOST across seeds)."""
    paper = PAPER_RESULTS[LARGE]
    d_paper = paper["gan"] - paper["cnn"]
    margin = equivalence_margin()
    gan, cnn = per_seed_scores(df, LARGE, "gan"), per_seed_scores(df, LARGE, "cnn")
    eq = tost(gan, cnn, margin) if len(gan) >= 2 and len(cnn) >= 2 else None
    rule = (
        f"TOST across seeds with margin ±{margin:g} (half the smallest difference the paper "
        "reports as significant) p < 0.05; else Welch p < 0.05: not replicated; else inconclusive"
    )
    reach = ""
    if missing(c.difference):
        ours, verdict, detail = "needs runs of both methods", NOT_TESTED, ""
    else:
        ours = f"GAN−CNN {fmt_signed(c.difference)}"
        if eq is not None:
            power = welch_power(
                d_paper, np.std(gan, ddof=1), np.std(cnn, ddof=1), len(gan), len(cnn)
            )
            ours += (
                f", 90% CI {fmt_ci(eq.ci_low, eq.ci_high)}, TOST p = {fmt_p(eq.p_value)}; "
                f"Welch p = {fmt_p(c.seeds.p_value)}, power to detect {d_paper:+.3f}: "
                f"{fmt_share(power)}"
            )
        if c.images_paired:
            ours += (
                f"; paired by image {fmt_signed(c.images_paired.difference)}, p = "
                f"{fmt_p(c.images_paired.p_value)} ({c.images_favouring_gan} of {c.n_images} "
                "images favour GAN-CNN)"
            )
        verdict = equivalence_verdict(eq, c.seeds.p_value if c.seeds else None)
        reach = reach_text(df, c.seeds.ci_low, c.seeds.ci_high, margin) if c.seeds else ""
        ours += f"; {reach}" if reach else ""
        detail = f"TOST p = {fmt_p(eq.p_value)}" if eq else ""
        if c.images_paired:
            detail += (
                f"; paired by image {fmt_signed(c.images_paired.difference)}, "
                f"p = {fmt_p(c.images_paired.p_value)}"
            )
    return Claim(
        "3",
        "equivalence",
        f"At 150K the difference is small and not significant (equivalent within ±{margin:g})",
        f"GAN−CNN {d_paper:+.3f}, p = {fmt_p(paper['p'])}",
        ours,
        verdict,
        rule,
        _share(c.difference, d_paper),
        f"equivalence at 150K within ±{margin:g}",
        detail.strip("; "),
        reach,
    )


def degradation_claim(df: pd.DataFrame) -> Claim:
    """Claim 5: (GAN−CNN at 15K) − (GAN−CNN at 150K) > 0: the CNN loses more AUC."""
    p_small, p_large = PAPER_RESULTS[SMALL], PAPER_RESULTS[LARGE]
    d_paper = (p_small["gan"] - p_small["cnn"]) - (p_large["gan"] - p_large["cnn"])
    estimate, test = degradation(df, SMALL, LARGE)
    if missing(estimate):
        ours = "needs runs of both methods at 15K and 150K"
    else:
        ours = f"difference of differences {fmt_signed(estimate)}"
        ours += (
            f" {fmt_ci(test.ci_low, test.ci_high)}, p = {fmt_p(test.p_value)}"
            if test
            else " (no test: fewer than 2 seeds in a group)"
        )
    ci = (test.ci_low, test.ci_high) if test else (math.nan, math.nan)
    return Claim(
        "5",
        "size trend",
        "The CNN degrades faster than GAN-CNN on smaller training sets",
        f"(GAN−CNN at 15K) − (GAN−CNN at 150K) = {d_paper:+.3f}",
        ours,
        relative_verdict(estimate, *ci, test.p_value if test else None, d_paper),
        RELATIVE_RULE + " (Welch–Satterthwaite test of the contrast)",
        _share(estimate, d_paper),
        "the CNN degrades faster",
    )


def gain_claims(df: pd.DataFrame) -> list[Claim]:
    """Claims 7a–b: each method's gain in mean AUC from 15K to 150K labelled patches."""
    out = []
    for letter, method, label in (("a", "gan", "GAN-CNN"), ("b", "cnn", "CNN")):
        d_paper = PAPER_RESULTS[LARGE][method] - PAPER_RESULTS[SMALL][method]
        gain = size_gain(df, method, SMALL, LARGE)
        t = gain.test
        if missing(gain.estimate):
            ours = "needs runs at 15K and 150K"
        elif t is None:
            ours = f"{fmt_signed(gain.estimate)} (no test)"
        else:
            ci_text = fmt_ci(t.ci_low, t.ci_high)
            ours = f"{fmt_signed(gain.estimate)} {ci_text}, Welch p = {fmt_p(t.p_value)}"
        ci = (t.ci_low, t.ci_high) if t else (math.nan, math.nan)
        out.append(
            Claim(
                f"7{letter}",
                "size trend",
                f"{label} gains AUC from 15K to 150K labelled patches (paper's table)",
                f"{d_paper:+.3f}",
                ours,
                relative_verdict(gain.estimate, *ci, t.p_value if t else None, d_paper),
                RELATIVE_RULE,
                _share(gain.estimate, d_paper),
                f"{label} gains from 15K to 150K",
            )
        )
    return out


def _level_text(scores) -> str:
    if not len(scores):
        return "no runs"
    sd = f" ± {np.std(scores, ddof=1):.4f}" if len(scores) > 1 else ""
    return f"{np.mean(scores):.4f}{sd} ({len(scores)} seed{'s' if len(scores) > 1 else ''})"


def level_claims(df: pd.DataFrame) -> list[Claim]:
    """Claims 4a–f: each method's mean AUC at each size, as calibration of the pipeline."""
    out = []
    letters = iter("abcdef")
    for method, label in (("gan", "GAN-CNN"), ("cnn", "CNN")):
        for n in sorted(PAPER_RESULTS):
            scores = per_seed_scores(df, n, method)
            paper = PAPER_RESULTS[n][method]
            out.append(
                Claim(
                    f"4{next(letters)}",
                    "calibration",
                    f"{label} mean AUC at {size_label(n)} (calibrates the pipeline; not "
                    "evidence for the GAN)",
                    f"{paper:.3f}",
                    _level_text(scores),
                    level_verdict(_mean(scores), paper),
                    "|ours − paper| within 0.01, within 0.03, or more than 0.03 away",
                )
            )
    return out


def literature_claims(df: pd.DataFrame) -> list[Claim]:
    """Claims 6a–b: GAN-CNN at 15K / 30K against methods trained on ≥ 2× more patches; our CNN
    is shown beside it, since a level both methods reach says nothing about the GAN."""
    out = []
    for letter, n in (("a", SMALL), ("b", MIDDLE)):
        name, n_ref, ref = literature_reference(n)
        gan, cnn = _mean(per_seed_scores(df, n, "gan")), _mean(per_seed_scores(df, n, "cnn"))
        out.append(
            Claim(
                f"6{letter}",
                "calibration",
                f"GAN-CNN at {size_label(n)} is comparable to methods trained on "
                f"≥ {LITERATURE_DATA_FACTOR}× more data (calibration, not evidence for the GAN)",
                f"{PAPER_RESULTS[n]['gan']:.3f} vs {name} ({size_label(n_ref)}) {ref:.3f}",
                f"GAN-CNN {fmt(gan, 4)}, CNN {fmt(cnn, 4)} vs {ref:.3f}",
                literature_verdict(gan, ref),
                f"ours ≥ {ref:.3f} ({name}, the lowest such AUC the paper reports); "
                f"less than {LITERATURE_MARGIN} below; further below",
            )
        )
    return out


def evaluate_claims(df: pd.DataFrame) -> list[Claim]:
    """Every claim of the paper with the paper's number, ours and the verdict of its rule."""
    cmp = {n: compare_size(df, n) for n in PAPER_RESULTS}
    return [
        *comparison_claims(cmp),
        equivalence_claim(df, cmp[LARGE]),
        *level_claims(df),
        degradation_claim(df),
        *literature_claims(df),
        *gain_claims(df),
    ]


def second_dataset_claims(df: pd.DataFrame) -> list[Claim]:
    """Claims 1 and 2 on another dataset's records, judged against the paper's DRIVE effect."""
    return comparison_claims({n: compare_size(df, n) for n in (SMALL, MIDDLE)})


def claims_table(claims: Sequence[Claim]) -> pd.DataFrame:
    """The claims as a DataFrame, one row each, the verdict with our share of the paper's effect."""
    rows = []
    for c in claims:
        row = asdict(c)
        row["verdict"] = c.verdict_text
        del row["share"], row["short"], row["detail"], row["reach"]  # reach: in "ours"
        rows.append(row)
    names = {"id": "#", "paper": "paper's number", "ours": "our number"}
    return pd.DataFrame(rows).rename(columns=names)
