"""The replication's tables: our numbers beside the paper's, the claims with their verdicts, the
deviations and the compute used — chapters "Results" and "Replication report".

Everything here works on the DataFrame of :func:`ganseg_lib.evaluate.results.load_results` (one row per
run record). Failed runs (``status == "failed"``) are listed apart and never averaged.

Statistics (all from :mod:`ganseg_lib.evaluate.metrics` or scipy):

* the **unit of replication is the seed**: a run's score is its mean AUC over the test images; per
  size and method we report the mean ± sd (ddof=1) of these scores over seeds, and compare the
  methods with Welch's t-test across them (the test the slides name; the slides do not say over
  what units their p-values were computed);
* extras: Welch's test and the paired t-test across the test images, each image's AUC averaged
  over the seeds both methods have — closer to a 20-image comparison the paper may have made;
* claim 5 (the CNN degrades faster) is a difference of differences across two sizes, tested with a
  Welch–Satterthwaite t-test of the linear contrast of four independent groups.

Verdict rules (:data:`SIGNIFICANCE`, :data:`LEVEL_TOLERANCES`, :data:`LITERATURE_MARGIN`):

* relative claims (GAN-CNN > CNN; CNN degrades faster): **replicated** when our difference has the
  paper's sign and p < 0.05; **partly replicated** when the sign agrees but p ≥ 0.05 or no test is
  possible (fewer than 2 seeds per group); **not replicated** when the sign is opposite (or zero);
* "no significant difference at 150K": **replicated** when p ≥ 0.05 and |difference| ≤ 0.01;
  **partly** when only one of the two holds (or no test is possible and |difference| ≤ 0.01);
  **not replicated** otherwise;
* levels (an AUC the paper reports): **replicated** when |ours − paper| ≤ 0.01, **partly** when
  ≤ 0.03, else **not replicated**;
* "comparable to the literature with less data": **replicated** when our GAN-CNN AUC at that size
  is at least the lowest AUC that the paper's table reports for a method trained on ≥ 2× as many
  patches (0.928, Maji et al., 60K), **partly** when it is less than 0.02 below, else **not**.

A claim without the runs it needs is **not tested**.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from ganseg_lib.evaluate.metrics import Comparison, paired_test, welch_test

# Seed slide "Results": mean AUC of GAN-CNN and CNN and the Welch p-value, per dataset size.
PAPER_RESULTS: dict[int, dict[str, float]] = {
    15_000: {"gan": 0.931, "cnn": 0.916, "p": 1e-5},
    30_000: {"gan": 0.945, "cnn": 0.921, "p": 1e-3},
    150_000: {"gan": 0.962, "cnn": 0.960, "p": 0.1},
}
# Seed slide "Results": "Comparison of mean AUC of some of the contemporary deep learning based
# retinal vessel segmentation algorithm" — (method, labelled patches, mean AUC), as reported.
LITERATURE: tuple[tuple[str, int, float], ...] = (
    ("Maji et al.", 60_000, 0.928),
    ("Lahiri et al.", 120_000, 0.950),
    ("Fu et al.", 330_000, 0.947),
    ("Liskowski et al.", 3_857_000, 0.963),
    ("GAN-CNN (Proposed)", 30_000, 0.945),
    ("GAN-CNN (Proposed)", 15_000, 0.931),
)
SIGNIFICANCE = 0.05
LEVEL_TOLERANCES = (0.01, 0.03)  # |ours − paper|: replicated, partly replicated
SMALL_DIFFERENCE = 0.01  # claim 3: a "small" GAN-CNN − CNN difference
LITERATURE_MARGIN = 0.02  # claim 6: "partly" when this close below the literature
LITERATURE_DATA_FACTOR = 2  # claim 6 compares with methods trained on ≥ 2× more patches
METHODS = ("gan", "cnn")
DATA_LABELS = {"drive": "DRIVE", "phantom": "the synthetic phantom"}
METHOD_LABELS = {"gan": "GAN-CNN", "cnn": "CNN"}
REPLICATED, PARTLY, NOT_REPLICATED, NOT_TESTED = (
    "replicated",
    "partly replicated",
    "not replicated",
    "not tested",
)


def size_label(n: int) -> str:
    """15000 → '15K'."""
    return f"{n // 1000}K" if n % 1000 == 0 else str(n)


# --- provenance banner --------------------------------------------------------------------------


def banner(
    profile_name: str, data_name: str, data_requested: str = "auto", scope: str = "on this page"
) -> str:
    """A Markdown paragraph naming the data source and profile that produced the numbers and
    figures of ``scope`` (a chapter, or a section of one)."""
    from ganseg_lib.train.profiles import get_profile

    p = get_profile(profile_name)
    if data_name == "drive":
        source = "DRIVE (the 20 training and 20 test images of Staal et al. 2004)"
    else:
        source = "the synthetic fundus phantom (`ganseg_lib.data.phantom`), not DRIVE"
        if data_requested == "auto":
            source += " — DRIVE was not found (set `GANSEG_DRIVE_DIR` to use it)"
    budget = f"{p.iterations:,} iterations" if p.iterations else f"{p.epochs:g} epochs"
    tests = "all 20" if p.n_test_images is None else f"the first {p.n_test_images}"
    text = (
        f"**Numbers and figures {scope}: data = {source}; profile = `{p.name}`** "
        f"({budget} per run, DC net width {p.width}, generator width {p.g_width}, "
        f"seeds {list(p.seeds)}, {tests} test images)."
    )
    if p.name == "smoke":
        text += (
            " The `smoke` profile only checks that the pipeline runs end to end: its networks are "
            "tiny and barely trained, so its numbers say nothing about the method."
        )
    return text


# --- aggregation --------------------------------------------------------------------------------


def ok_runs(df):
    """The successful runs (status "ok" with an evaluation)."""
    return df[(df["status"] == "ok") & df["mean_auc"].notna()]


def failed_runs(df):
    """The failed runs, with the reason recorded: listed, never averaged."""
    bad = df[df["status"] != "ok"]
    out = bad[["method", "n_patches", "seed", "status"]].copy()
    out["reason"] = [r.get("failure", "") for r in bad["record"]]
    return out.reset_index(drop=True)


def per_seed_scores(df, n_patches: int, method: str) -> np.ndarray:
    """Each successful run's mean test AUC at one size and method, ordered by seed."""
    ok = ok_runs(df)
    sel = ok[(ok["n_patches"] == n_patches) & (ok["method"] == method)].sort_values("seed")
    return sel["mean_auc"].to_numpy(dtype=float)


def aggregate(df):
    """One row per (size, method): seeds, mean ± sd over seeds of the per-run mean AUC, mean
    pooled AUC, mean per-image sd, failed runs. Sizes in increasing order, GAN-CNN first."""
    import pandas as pd

    rows = []
    ok = ok_runs(df)
    sizes = sorted(set(df["n_patches"]))
    for n in sizes:
        for m in METHODS:
            sel = ok[(ok["n_patches"] == n) & (ok["method"] == m)].sort_values("seed")
            n_failed = int(
                ((df["n_patches"] == n) & (df["method"] == m) & (df["status"] != "ok")).sum()
            )
            if sel.empty and not n_failed:
                continue
            scores = sel["mean_auc"].to_numpy(dtype=float)
            rows.append(
                {
                    "n_patches": int(n),
                    "method": m,
                    "n_seeds": len(sel),
                    "seeds": [int(s) for s in sel["seed"]],
                    "mean_auc": float(scores.mean()) if len(scores) else math.nan,
                    "sd_auc": float(scores.std(ddof=1)) if len(scores) > 1 else math.nan,
                    "pooled_auc": float(sel["pooled_auc"].mean()) if len(sel) else math.nan,
                    "image_sd_auc": float(sel["sd_auc"].mean()) if len(sel) else math.nan,
                    "n_failed": n_failed,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "n_patches",
            "method",
            "n_seeds",
            "seeds",
            "mean_auc",
            "sd_auc",
            "pooled_auc",
            "image_sd_auc",
            "n_failed",
        ],
    )


@dataclass(frozen=True)
class SizeComparison:
    """GAN-CNN vs CNN at one dataset size."""

    n_patches: int
    gan_scores: tuple[float, ...]
    cnn_scores: tuple[float, ...]
    seeds: Comparison | None  # Welch across per-seed mean AUCs
    image_seeds: tuple[int, ...]  # the seeds both methods have (the per-image tests use them all)
    images: Comparison | None  # Welch across per-image AUCs, each averaged over image_seeds
    images_paired: Comparison | None  # paired t-test on the same images

    @property
    def image_seed(self) -> int | None:
        """The lowest seed both methods have (the one whose segmentation maps are shown)."""
        return self.image_seeds[0] if self.image_seeds else None

    @property
    def difference(self) -> float:
        """Mean GAN-CNN score minus mean CNN score (NaN when a method has no run)."""
        if not self.gan_scores or not self.cnn_scores:
            return math.nan
        return float(np.mean(self.gan_scores) - np.mean(self.cnn_scores))


def per_image_scores(df, n_patches: int, method: str, seeds: Sequence[int]):
    """Each test image's AUC averaged over the runs of ``seeds``: (image ids, AUCs).

    Raises ValueError when the runs were evaluated on different images.
    """
    ok = ok_runs(df)
    sel = ok[(ok["n_patches"] == n_patches) & (ok["method"] == method) & ok["seed"].isin(seeds)]
    evs = [r["evaluation"] for r in sel.sort_values("seed")["record"]]
    ids = evs[0]["image_ids"]
    if any(ev["image_ids"] != ids for ev in evs):
        raise ValueError(f"{method} runs at {n_patches} patches were evaluated on different images")
    return list(ids), np.mean([ev["per_image_auc"] for ev in evs], axis=0)


def compare_size(df, n_patches: int) -> SizeComparison:
    """Welch's t-test (Welch 1947) across seeds, and Welch's and the paired t-test
    across the test images, each image's AUC averaged over the seeds both methods have."""
    gan, cnn = per_seed_scores(df, n_patches, "gan"), per_seed_scores(df, n_patches, "cnn")
    seeds = welch_test(gan, cnn) if len(gan) >= 2 and len(cnn) >= 2 else None
    ok = ok_runs(df)
    at = ok[ok["n_patches"] == n_patches]
    common = sorted(set(at[at["method"] == "gan"]["seed"]) & set(at[at["method"] == "cnn"]["seed"]))
    images = paired = None
    if common:
        ids_g, a = per_image_scores(df, n_patches, "gan", common)
        ids_c, b = per_image_scores(df, n_patches, "cnn", common)
        if len(a) >= 2 and len(b) >= 2:
            images = welch_test(a, b)
            if ids_g == ids_c:
                paired = paired_test(a, b)
    return SizeComparison(
        int(n_patches), tuple(gan), tuple(cnn), seeds, tuple(int(s) for s in common), images, paired
    )


def image_comparison(df):
    """Per size and test image: GAN-CNN and CNN AUC, each averaged over the seeds both methods
    have, and their difference — the data of the per-image tests (one row per image and size)."""
    import pandas as pd

    rows = []
    for n in sorted(set(ok_runs(df)["n_patches"])):
        cmp = compare_size(df, n)
        if not cmp.image_seeds:
            continue
        ids, gan = per_image_scores(df, n, "gan", cmp.image_seeds)
        _, cnn = per_image_scores(df, n, "cnn", cmp.image_seeds)
        for image_id, a, b in zip(ids, gan, cnn):
            rows.append(
                {
                    "n_patches": int(n),
                    "image_id": image_id,
                    "seeds": len(cmp.image_seeds),
                    "gan": float(a),
                    "cnn": float(b),
                    "difference": float(a - b),
                }
            )
    return pd.DataFrame(
        rows, columns=["n_patches", "image_id", "seeds", "gan", "cnn", "difference"]
    )


def _fmt(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}f}"


def _fmt_p(p: float | None) -> str:
    if p is None or math.isnan(p):
        return "–"
    return f"{p:.2g}" if p >= 1e-3 else f"{p:.1e}"


def results_table(df, sizes: Sequence[int] | None = None):
    """The slides' results table with ours beside it: one row per size (numbers, not strings).

    Columns: the paper's GAN-CNN and CNN AUC and p-value; ours: seeds per method, mean ± sd over
    seeds of the per-run mean AUC, mean pooled AUC, the difference GAN−CNN with its 95% CI and
    Welch p across seeds, and Welch's and the paired test's p across the test images (each
    image's AUC averaged over the ``image_seeds`` seeds both methods have).
    """
    import pandas as pd

    agg = aggregate(df)
    if sizes is None:
        sizes = sorted(set(agg["n_patches"]) | set(PAPER_RESULTS), reverse=True)
    rows = []
    for n in sizes:
        paper = PAPER_RESULTS.get(n, {})
        row = {
            "size": size_label(n),
            "n_patches": n,
            "paper_gan": paper.get("gan", math.nan),
            "paper_cnn": paper.get("cnn", math.nan),
            "paper_p": paper.get("p", math.nan),
        }
        for m in METHODS:
            sel = agg[(agg["n_patches"] == n) & (agg["method"] == m)]
            first = sel.iloc[0] if len(sel) else None
            row[f"{m}_seeds"] = int(first["n_seeds"]) if first is not None else 0
            row[f"{m}_mean"] = float(first["mean_auc"]) if first is not None else math.nan
            row[f"{m}_sd"] = float(first["sd_auc"]) if first is not None else math.nan
            row[f"{m}_pooled"] = float(first["pooled_auc"]) if first is not None else math.nan
        cmp = compare_size(df, n)
        row["difference"] = cmp.difference
        row["ci_low"] = cmp.seeds.ci_low if cmp.seeds else math.nan
        row["ci_high"] = cmp.seeds.ci_high if cmp.seeds else math.nan
        row["p_seeds"] = cmp.seeds.p_value if cmp.seeds else math.nan
        row["image_seeds"] = len(cmp.image_seeds)
        row["n_images"] = cmp.images.n_a if cmp.images else 0
        row["p_images"] = cmp.images.p_value if cmp.images else math.nan
        row["p_images_paired"] = cmp.images_paired.p_value if cmp.images_paired else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _ours_cell(row, method: str, digits: int, with_seeds: bool = False) -> str:
    """A results-table row's "mean ± sd" of one method (and its number of seeds)."""
    if not row[f"{method}_seeds"]:
        return "no runs"
    sd = "" if math.isnan(row[f"{method}_sd"]) else f" ± {row[f'{method}_sd']:.{digits}f}"
    seeds = f" ({row[f'{method}_seeds']})" if with_seeds else ""
    return f"{row[f'{method}_mean']:.{digits}f}{sd}{seeds}"


def _difference_cell(row, digits: int) -> str:
    """A results-table row's GAN−CNN difference with its 95% CI."""
    if math.isnan(row["difference"]):
        return "–"
    ci = ""
    if not math.isnan(row["ci_low"]):
        ci = f" [{row['ci_low']:+.{digits}f}, {row['ci_high']:+.{digits}f}]"
    return f"{row['difference']:+.{digits}f}{ci}"


def format_results_table(table):
    """:func:`results_table` as strings, with readable column names, for display."""
    import pandas as pd

    out = []
    for _, r in table.iterrows():
        ours = {m: _ours_cell(r, m, 3) for m in METHODS}
        diff = _difference_cell(r, 3)
        pooled = f"{_fmt(r['gan_pooled'])} / {_fmt(r['cnn_pooled'])}"
        out.append(
            {
                "dataset size": r["size"],
                "paper GAN-CNN": _fmt(r["paper_gan"]),
                "paper CNN": _fmt(r["paper_cnn"]),
                "paper p (Welch)": _fmt_p(r["paper_p"]),
                "ours GAN-CNN (mean ± sd over seeds)": ours["gan"],
                "ours CNN (mean ± sd over seeds)": ours["cnn"],
                "ours pooled AUC GAN-CNN / CNN": pooled,
                "seeds GAN-CNN / CNN": f"{r['gan_seeds']} / {r['cnn_seeds']}",
                "GAN−CNN [95% CI]": diff,
                "Welch p, seeds": _fmt_p(r["p_seeds"]),
                "seeds averaged per image": int(r["image_seeds"]),
                "Welch p, per-image": _fmt_p(r["p_images"]),
                "paired p, per-image": _fmt_p(r["p_images_paired"]),
            }
        )
    return pd.DataFrame(out)


def literature_table(df=None, label: str = "this replication"):
    """The slides' literature table, every row marked "as reported by the paper"; with ``df``,
    our GAN-CNN and CNN mean AUC per size are appended, marked ``label``."""
    import pandas as pd

    rows = [
        {
            "method": m,
            "dataset size": size_label(n),
            "mean AUC": f"{auc:.3f}",
            "source": "as reported by the paper",
        }
        for m, n, auc in LITERATURE
    ]
    if df is not None:
        agg = aggregate(df)
        for _, r in agg[agg["n_seeds"] > 0].iterrows():
            rows.append(
                {
                    "method": f"{METHOD_LABELS[r['method']]} (ours)",
                    "dataset size": size_label(int(r["n_patches"])),
                    "mean AUC": f"{r['mean_auc']:.3f}",
                    "source": label,
                }
            )
    return pd.DataFrame(rows)


def run_table(df):
    """Every run, failed ones included, one row each: the per-run numbers behind the aggregates.

    Sorted by size, method (GAN-CNN first) and seed. Thresholded metrics are at the threshold
    chosen on the validation images.
    """
    import pandas as pd

    rows = []
    order = {m: i for i, m in enumerate(METHODS)}
    frame = df.assign(_m=df["method"].map(order)).sort_values(["n_patches", "_m", "seed"])
    for _, r in frame.iterrows():
        rec = r["record"]
        ev = rec.get("evaluation") or {}
        th = ev.get("thresholded") or {}
        tr = rec.get("training") or {}
        final = tr.get("final") or {}
        train_s = rec["timing"].get("train_seconds")
        rows.append(
            {
                "size": size_label(int(r["n_patches"])),
                "method": METHOD_LABELS[r["method"]],
                "seed": int(r["seed"]),
                "status": r["status"]
                if r["status"] == "ok"
                else f"{r['status']}: {rec.get('failure', '')}",
                "mean AUC ± sd over images": (
                    f"{ev['mean_auc']:.4f} ± {ev['sd_auc']:.4f}" if ev else "–"
                ),
                "pooled AUC": _fmt(ev.get("pooled_auc"), 4),
                "PR-AUC": _fmt(ev.get("pooled_pr_auc")),
                "accuracy": _fmt(th.get("accuracy")),
                "F1": _fmt(th.get("f1")),
                "best val. AUC": _fmt(tr.get("best_val_auc")),
                "fake detection (end)": _fmt(final.get("fake_detect"), 2)
                if r["method"] == "gan"
                else "",
                "train min": _fmt(train_s / 60 if train_s else None, 1),
                "device": r["device"],
            }
        )
    return pd.DataFrame(rows)


# --- the headline (README) ----------------------------------------------------------------------

HEADLINE_BEGIN = "<!-- headline: begin (written by `ganseg report --readme README.md`) -->"
HEADLINE_END = "<!-- headline: end -->"


def headline_markdown(df, profile: str = "cpu", data: str = "drive") -> str:
    """The README's headline: the paper's table with ours beside it, the verdicts of the
    comparison claims and the compute used — a Markdown block computed from the records."""
    ok = ok_runs(df)
    if not len(ok):
        return f"No successful run records of profile `{profile}` on {data} yet."
    table = results_table(df)
    claims = {c.id: c for c in evaluate_claims(df)}
    claim_of = {15_000: "1", 30_000: "2", 150_000: "3"}
    lines = [
        "| labelled patches | paper GAN-CNN / CNN (p) | ours GAN-CNN | ours CNN | "
        "GAN−CNN [95% CI] | Welch p: seeds / images | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for _, r in table.iterrows():
        n = int(r["n_patches"])
        ours = {m: _ours_cell(r, m, 4, with_seeds=True) for m in METHODS}
        diff = _difference_cell(r, 4)
        claim = claims.get(claim_of.get(n, ""))
        verdict = f"claim {claim.id}: {claim.verdict}" if claim else ""
        lines.append(
            f"| {r['size']} | {_fmt(r['paper_gan'])} / {_fmt(r['paper_cnn'])} "
            f"({_fmt_p(r['paper_p'])}) | {ours['gan']} | {ours['cnn']} | {diff} | "
            f"{_fmt_p(r['p_seeds'])} / {_fmt_p(r['p_images'])} | {verdict} |"
        )
    compute = compute_used(df)
    hours = float(compute["total hours"].sum())
    n_images = len(ok["record"].iloc[0]["evaluation"]["image_ids"])
    n_failed = int((df["status"] != "ok").sum())
    counts = verdict_counts(list(claims.values()))
    lines += [
        "",
        f"Mean AUC over the {n_images} test images, mean ± sd over seeds "
        "(number of seeds in brackets); "
        f"profile `{profile}`, {DATA_LABELS.get(data, data)}; {len(df)} run records, "
        f"{n_failed} failed; "
        f"{hours:.1f} h of training and evaluation "
        f"({'; '.join(sorted(set(compute['devices'])))}). All {len(claims)} claims: "
        + ", ".join(f"{k} {v}" for k, v in counts.items() if v)
        + f". Welch p over seeds compares the per-seed mean AUCs; over images, the {n_images} "
        "per-image AUCs averaged over seeds.",
    ]
    return "\n".join(lines)


def update_readme(path: str | os.PathLike, df, profile: str = "cpu", data: str = "drive") -> bool:
    """Replace the headline block of the README at ``path``; True when its text changed.

    Raises ValueError when the README has no block (the two marker lines).
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if HEADLINE_BEGIN not in text or HEADLINE_END not in text:
        raise ValueError(f"{path}: no headline block (lines {HEADLINE_BEGIN!r} … {HEADLINE_END!r})")
    head, rest = text.split(HEADLINE_BEGIN, 1)
    _, tail = rest.split(HEADLINE_END, 1)
    new = f"{head}{HEADLINE_BEGIN}\n{headline_markdown(df, profile, data)}\n{HEADLINE_END}{tail}"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def readme_headline(path: str | os.PathLike) -> str:
    """The text between the README's headline markers."""
    text = Path(path).read_text(encoding="utf-8")
    return text.split(HEADLINE_BEGIN, 1)[1].split(HEADLINE_END, 1)[0].strip("\n")


# --- claims -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContrastTest:
    """A linear contrast Σ w_i mean_i of independent groups, with a Welch–Satterthwaite t-test."""

    estimate: float
    se: float
    df: float
    statistic: float
    p_value: float
    ci_low: float
    ci_high: float


def contrast_test(
    groups: Sequence[Sequence[float]], weights: Sequence[float], confidence: float = 0.95
) -> ContrastTest:
    """t = Σ w_i x̄_i / sqrt(Σ w_i² s_i²/n_i), df by Welch–Satterthwaite, two-sided p.

    With two groups and weights (1, −1) this is Welch's t-test (scipy ``ttest_ind(equal_var=
    False)``). Every group needs at least 2 values.
    """
    arrays = [np.asarray(g, float) for g in groups]
    if len(arrays) != len(weights):
        raise ValueError(f"{len(arrays)} groups but {len(weights)} weights")
    if any(len(a) < 2 for a in arrays):
        raise ValueError("every group of a contrast test needs at least 2 values")
    w = np.asarray(weights, float)
    terms = np.array([wi**2 * a.var(ddof=1) / len(a) for wi, a in zip(w, arrays)])
    estimate = float(sum(wi * a.mean() for wi, a in zip(w, arrays)))
    se = float(np.sqrt(terms.sum()))
    dfree = float(terms.sum() ** 2 / sum(t**2 / (len(a) - 1) for t, a in zip(terms, arrays)))
    t = estimate / se
    p = float(2 * stats.t.sf(abs(t), dfree))
    half = float(stats.t.ppf(0.5 + confidence / 2, dfree) * se)
    return ContrastTest(estimate, se, dfree, float(t), p, estimate - half, estimate + half)


@dataclass(frozen=True)
class Claim:
    """One claim of the paper: what it says, its number, ours, and the verdict by the rule."""

    id: str
    claim: str
    paper: str
    ours: str
    verdict: str
    rule: str


def relative_verdict(difference: float, p_value: float | None) -> str:
    """The paper's sign (positive) and p < 0.05: replicated; sign only: partly; else not."""
    if difference is None or math.isnan(difference):
        return NOT_TESTED
    if difference <= 0:
        return NOT_REPLICATED
    if p_value is not None and not math.isnan(p_value) and p_value < SIGNIFICANCE:
        return REPLICATED
    return PARTLY


def no_difference_verdict(difference: float, p_value: float | None) -> str:
    """Claim 3: p ≥ 0.05 and |difference| ≤ 0.01: replicated; one of the two: partly."""
    if difference is None or math.isnan(difference):
        return NOT_TESTED
    small = abs(difference) <= SMALL_DIFFERENCE
    if p_value is None or math.isnan(p_value):
        return PARTLY if small else NOT_REPLICATED
    not_significant = p_value >= SIGNIFICANCE
    if small and not_significant:
        return REPLICATED
    return PARTLY if (small or not_significant) else NOT_REPLICATED


def level_verdict(ours: float, paper: float) -> str:
    """|ours − paper| ≤ 0.01: replicated; ≤ 0.03: partly; else not."""
    if ours is None or math.isnan(ours):
        return NOT_TESTED
    gap = abs(ours - paper)
    if gap <= LEVEL_TOLERANCES[0]:
        return REPLICATED
    return PARTLY if gap <= LEVEL_TOLERANCES[1] else NOT_REPLICATED


def literature_reference(n_patches: int) -> tuple[str, int, float]:
    """The lowest-AUC method of the literature table trained on ≥ 2× ``n_patches``."""
    others = [
        row
        for row in LITERATURE
        if not row[0].startswith("GAN-CNN") and row[1] >= LITERATURE_DATA_FACTOR * n_patches
    ]
    return min(others, key=lambda row: row[2])


def literature_verdict(ours: float, reference: float) -> str:
    """≥ the reference: replicated; less than 0.02 below: partly; else not."""
    if ours is None or math.isnan(ours):
        return NOT_TESTED
    if ours >= reference:
        return REPLICATED
    return PARTLY if ours > reference - LITERATURE_MARGIN else NOT_REPLICATED


def _diff_text(cmp: SizeComparison) -> str:
    if math.isnan(cmp.difference):
        scores = {"gan": cmp.gan_scores, "cnn": cmp.cnn_scores}
        return " and ".join(f"no {METHOD_LABELS[m]} runs" for m, sc in scores.items() if not sc)
    text = f"GAN−CNN {cmp.difference:+.3f}"
    if cmp.seeds:
        text += (
            f" [{cmp.seeds.ci_low:+.3f}, {cmp.seeds.ci_high:+.3f}], Welch p = "
            f"{_fmt_p(cmp.seeds.p_value)} ({len(cmp.gan_scores)} vs {len(cmp.cnn_scores)} seeds)"
        )
    else:
        text += f" (no test: {len(cmp.gan_scores)} vs {len(cmp.cnn_scores)} seeds)"
    return text


def evaluate_claims(df) -> list[Claim]:
    """The paper's claims, each with the paper's number, ours and the verdict of its rule."""
    claims: list[Claim] = []
    cmp = {n: compare_size(df, n) for n in PAPER_RESULTS}
    rel_rule = "same sign as the paper and Welch p < 0.05 across seeds"
    for cid, n in (("1", 15_000), ("2", 30_000)):
        c, paper = cmp[n], PAPER_RESULTS[n]
        claims.append(
            Claim(
                cid,
                f"GAN-CNN beats CNN at {size_label(n)}, significantly",
                f"GAN−CNN {paper['gan'] - paper['cnn']:+.3f}, p = {_fmt_p(paper['p'])}",
                _diff_text(c),
                relative_verdict(c.difference, c.seeds.p_value if c.seeds else None),
                rel_rule,
            )
        )
    c, paper = cmp[150_000], PAPER_RESULTS[150_000]
    claims.append(
        Claim(
            "3",
            "At 150K the difference is small and not significant",
            f"GAN−CNN {paper['gan'] - paper['cnn']:+.3f}, p = {_fmt_p(paper['p'])}",
            _diff_text(c),
            no_difference_verdict(c.difference, c.seeds.p_value if c.seeds else None),
            f"Welch p ≥ {SIGNIFICANCE} and |GAN−CNN| ≤ {SMALL_DIFFERENCE}; one of them: partly",
        )
    )
    for letter, n in zip("abc", sorted(PAPER_RESULTS)):
        scores = cmp[n].gan_scores
        ours = float(np.mean(scores)) if scores else math.nan
        sd = f" ± {np.std(scores, ddof=1):.3f}" if len(scores) > 1 else ""
        claims.append(
            Claim(
                f"4{letter}",
                f"GAN-CNN mean AUC at {size_label(n)}",
                f"{PAPER_RESULTS[n]['gan']:.3f}",
                f"{ours:.3f}{sd} ({len(scores)} seed{'s' if len(scores) > 1 else ''})"
                if scores
                else "no runs",
                level_verdict(ours, PAPER_RESULTS[n]["gan"]),
                f"|ours − paper| ≤ {LEVEL_TOLERANCES[0]}; ≤ {LEVEL_TOLERANCES[1]}: partly",
            )
        )
    claims.append(_degradation_claim(df))
    for letter, n in (("a", 15_000), ("b", 30_000)):
        name, n_ref, ref = literature_reference(n)
        scores = cmp[n].gan_scores
        ours = float(np.mean(scores)) if scores else math.nan
        claims.append(
            Claim(
                f"6{letter}",
                f"GAN-CNN at {size_label(n)} is comparable to methods trained on "
                f"≥ {LITERATURE_DATA_FACTOR}× more data",
                f"{PAPER_RESULTS[n]['gan']:.3f} vs {name} ({size_label(n_ref)}) {ref:.3f}",
                f"{ours:.3f}" if scores else "no runs",
                literature_verdict(ours, ref),
                f"ours ≥ {ref:.3f} ({name}, the lowest such AUC the paper reports); "
                f"within {LITERATURE_MARGIN}: partly",
            )
        )
    return claims


def _degradation_claim(df) -> Claim:
    """Claim 5: (GAN−CNN) at the smallest size exceeds (GAN−CNN) at the largest size."""
    rule = (
        "(GAN−CNN at the smallest size) − (GAN−CNN at the largest) > 0, i.e. the CNN loses more, "
        "with a Welch–Satterthwaite contrast test p < 0.05 across seeds"
    )
    p_small, p_large = PAPER_RESULTS[15_000], PAPER_RESULTS[150_000]
    paper_text = (
        f"CNN drops {p_large['cnn'] - p_small['cnn']:.3f}, "
        f"GAN-CNN {p_large['gan'] - p_small['gan']:.3f} (150K → 15K)"
    )
    ok = ok_runs(df)
    sizes = sorted(
        n
        for n in set(ok["n_patches"])
        if len(per_seed_scores(df, n, "gan")) and len(per_seed_scores(df, n, "cnn"))
    )
    claim = "The CNN degrades faster than GAN-CNN on smaller training sets"
    if len(sizes) < 2:
        return Claim(
            "5", claim, paper_text, "needs runs of both methods at two sizes", NOT_TESTED, rule
        )
    small, large = sizes[0], sizes[-1]
    groups = [
        per_seed_scores(df, small, "gan"),
        per_seed_scores(df, small, "cnn"),
        per_seed_scores(df, large, "gan"),
        per_seed_scores(df, large, "cnn"),
    ]
    estimate = float(groups[0].mean() - groups[1].mean() - groups[2].mean() + groups[3].mean())
    drop_cnn = groups[3].mean() - groups[1].mean()
    drop_gan = groups[2].mean() - groups[0].mean()
    ours = (
        f"CNN drops {drop_cnn:+.3f}, GAN-CNN {drop_gan:+.3f} ({size_label(large)} → "
        f"{size_label(small)}); difference {estimate:+.3f}"
    )
    p = None
    if all(len(g) >= 2 for g in groups):
        t = contrast_test(groups, [1, -1, -1, 1])
        p = t.p_value
        ours += f" [{t.ci_low:+.3f}, {t.ci_high:+.3f}], p = {_fmt_p(p)}"
    else:
        ours += " (no test: fewer than 2 seeds in a group)"
    return Claim("5", claim, paper_text, ours, relative_verdict(estimate, p), rule)


def claims_table(claims: Sequence[Claim]):
    """The claims as a DataFrame (one row each)."""
    import pandas as pd

    return pd.DataFrame([asdict(c) for c in claims]).rename(
        columns={"id": "#", "paper": "paper's number", "ours": "our number"}
    )


def verdict_counts(claims: Sequence[Claim]) -> dict[str, int]:
    """How many claims got each verdict."""
    out = {v: 0 for v in (REPLICATED, PARTLY, NOT_REPLICATED, NOT_TESTED)}
    for c in claims:
        out[c.verdict] += 1
    return out


# --- deviations and compute ---------------------------------------------------------------------


def deviations(profile):
    """Every deviation from (or addition to) the paper, with its reason; values from the library."""
    import pandas as pd

    from ganseg_lib.data.drive import DRIVE_IDS
    from ganseg_lib.data.patches import DILATION_RADIUS
    from ganseg_lib.data.preprocessing import ClaheParams
    from ganseg_lib.data.source import N_VALIDATION

    cfg = profile.config("gan", 15_000, profile.seeds[0], profile.data or "phantom")
    clahe = ClaheParams()
    held_out = DRIVE_IDS["training"][-N_VALIDATION:]
    budget = (
        f"{profile.iterations:,} iterations of mini-batch {cfg.batch_size} per run"
        if profile.iterations
        else f"{profile.epochs:g} epochs per run"
    )
    rows = [
        (
            "DC net normalisation",
            "instance normalisation after every convolution",
            f'norm="{cfg.norm}": one instance normalisation of the last hidden map, before the '
            "linear classifier",
            "per-patch statistics followed by a non-linearity would make every pixel's patch a "
            "different function of shared feature maps; with the normalisation last, a whole "
            "image is evaluated exactly and fast in one dense pass (chapter 3)",
        ),
        (
            "validation split",
            "20 training images (the slides name no validation set)",
            f"training images {held_out[0]}–{held_out[-1]} ({N_VALIDATION}) held out, not trained "
            "on",
            "to monitor training and choose the decision threshold without ever using test images",
        ),
        (
            "CLAHE parameters",
            "not given",
            f"clip limit {clahe.clip_limit}, kernel {clahe.kernel_size} px, {clahe.nbins} bins "
            "(scikit-image), result quantised to 8 bits",
            "a tile several vessel widths across flattens uneven illumination without flattening "
            "vessels",
        ),
        (
            "dilation radius for background centres",
            "not given",
            f"disk of radius {DILATION_RADIUS} px",
            "keeps background centres off the uncertain vessel edges while sampling close to the "
            "vessels",
        ),
        (
            "layer sizes and widths",
            "not given (deconvolutions / convolutions, instance norm, (L)ReLU)",
            f"DCGAN-style kernel 4, stride 2, channels doubling with depth; DC net width "
            f"{cfg.width}, generator width {cfg.g_width}; tanh output, DCGAN initialisation",
            "the standard architecture family the paper builds on (Radford et al. 2016); widths "
            "fit the profile's compute",
        ),
        (
            "Adam betas",
            "not given",
            f"{tuple(cfg.betas)} for both networks and both methods",
            "β1 = 0.5 is the DCGAN value (the default 0.9 oscillates in adversarial training); "
            "the CNN uses the same so that only the generator differs",
        ),
        (
            "training budget",
            "not given (learning rate × 0.8 every 20 epochs)",
            f"profile {profile.name}: {budget}, learning rate × {cfg.lr_decay} every "
            f"{cfg.decay_every_epochs:g} epochs",
            "what the profile's hardware finishes; the paper states no number of epochs",
        ),
        (
            "repetitions",
            "not given",
            f"{len(profile.seeds)} seeds per size and method (seed = patch sample and "
            "initialisation)",
            "a Welch test needs repetitions; seeds are the unit of our tests",
        ),
        (
            "patch labels and borders",
            "label of the central pixel",
            "label of the central pixel (index (32, 32) of the 64×64 patch); reflect padding at "
            "the image border; centres inside the FOV",
            "the slides do not say how border pixels get a full patch",
        ),
        (
            "test-time score",
            "y*(x) = argmax_y p_DC(c = y | x)",
            "p(vessel) / (p(vessel) + p(background)) ranks pixels for the ROC; labels by argmax "
            "over the real classes",
            "an AUC needs a score, not a label; renormalising over the real classes is what L_c "
            "trains and makes the GAN-CNN and CNN scores comparable",
        ),
        (
            "evaluated pixels",
            "not stated",
            "pixels inside the FOV of the test images; mean of per-image AUCs, and a pooled ROC",
            "the convention of the DRIVE literature",
        ),
        (
            "decision threshold",
            "not stated",
            "the threshold maximising F1 on the validation images' pixels",
            "thresholded metrics must not be tuned on the test images",
        ),
        (
            "p-value unit",
            "Welch's t-test, unit not stated",
            "Welch across per-seed mean AUCs; extras across the test images (per-image AUCs "
            "averaged over seeds)",
            "the seed is what varies between repetitions of the experiment",
        ),
    ]
    if profile.n_test_images is not None:
        rows.append(
            (
                "test images",
                "20",
                f"the first {profile.n_test_images} (profile {profile.name}); "
                f"{profile.n_validation_images} validation images for the threshold",
                "keeps the smoke profile to minutes",
            )
        )
    return pd.DataFrame(rows, columns=["aspect", "paper", "ours", "reason"])


def compute_used(df):
    """Per profile and data source: runs, training and evaluation hours, and the devices."""
    import pandas as pd

    rows = []
    for (profile, data), group in df.groupby(["profile", "data"], sort=True):
        train_s = sum(float(r["timing"].get("train_seconds") or 0.0) for r in group["record"])
        eval_s = sum(float(r["timing"].get("eval_seconds") or 0.0) for r in group["record"])
        devices = sorted(set(group["device"]))
        rows.append(
            {
                "profile": profile,
                "data": data,
                "runs": len(group),
                "failed": int((group["status"] != "ok").sum()),
                "train hours": train_s / 3600,
                "eval hours": eval_s / 3600,
                "total hours": (train_s + eval_s) / 3600,
                "devices": "; ".join(devices),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "profile",
            "data",
            "runs",
            "failed",
            "train hours",
            "eval hours",
            "total hours",
            "devices",
        ],
    )


# --- architecture -------------------------------------------------------------------------------


def layer_frame(module, example_input=None):
    """:func:`ganseg_lib.model.networks.layer_table` as a DataFrame with a total row (one sample)."""
    import pandas as pd

    from ganseg_lib.model.networks import layer_table

    frame = pd.DataFrame(layer_table(module, example_input))
    frame["output_shape"] = ["×".join(map(str, s)) for s in frame["output_shape"]]
    total = {
        "name": "total",
        "type": "",
        "output_shape": "",
        "parameters": int(frame["parameters"].sum()),
        "flops": int(frame["flops"].sum()),
    }
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


# --- run folders --------------------------------------------------------------------------------


def run_folder(
    runs_dir: str | os.PathLike, profile: str, data: str, method: str, n_patches: int, seed: int
) -> Path:
    """``runs_dir/<profile>/<data>/<method>-n<N>-s<seed>`` (the layout of ``ganseg_lib.experiment.grid``)."""
    from ganseg_lib.evaluate.results import cell_name

    return Path(runs_dir) / profile / data / cell_name(method, n_patches, seed)


def read_samples(run_dir: str | os.PathLike) -> dict[int, np.ndarray]:
    """The generator's fixed-noise samples of a run: iteration → uint8 (N, 64, 64)."""
    folder = Path(run_dir) / "samples"
    out = {}
    for path in sorted(folder.glob("iter_*.npy")):
        if path.name.endswith(".tmp.npy"):
            continue
        out[int(path.stem.split("_")[1])] = np.load(path)
    return out


def pick_iterations(iterations: Sequence[int], k: int = 4) -> list[int]:
    """``k`` iterations spread over a run (always the first and the last)."""
    its = sorted(iterations)
    if len(its) <= k:
        return its
    idx = np.unique(np.round(np.linspace(0, len(its) - 1, k)).astype(int))
    return [its[i] for i in idx]
