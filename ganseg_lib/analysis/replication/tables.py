"""The results chapter's tables: the slides' results table with ours beside it, the tests by
each unit side by side, the literature table and every run.

Each function takes the DataFrame of :func:`ganseg_lib.evaluate.record.load_results` and returns
a DataFrame; the chapters only display them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from ganseg_lib.analysis.present.text import METHOD_LABELS, fmt, fmt_ci, fmt_p, fmt_signed, missing
from ganseg_lib.analysis.replication.aggregate import aggregate, compare_size
from ganseg_lib.paper import LITERATURE, PAPER_METHODS, PAPER_RESULTS, size_label


def results_table(df: pd.DataFrame, sizes: Sequence[int] | None = None) -> pd.DataFrame:
    """The slides' results table with ours beside it: one row per size (numbers, not strings).

    Columns: the paper's GAN-CNN and CNN AUC and p-value; ours: seeds per method, mean ± sd over
    seeds of the per-run mean AUC, mean pooled AUC, the difference GAN−CNN with its 95% CI and
    Welch p across seeds, the paired test by seed, and Welch's and the paired test's p across the
    test images (each image's AUC averaged over the ``image_seeds`` seeds both methods have).
    """
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
        for m in PAPER_METHODS:
            sel = agg[(agg["n_patches"] == n) & (agg["method"] == m)]
            first = sel.iloc[0] if len(sel) else None
            row[f"{m}_seeds"] = int(first["n_seeds"]) if first is not None else 0
            for key, col in (("mean", "mean_auc"), ("sd", "sd_auc"), ("pooled", "pooled_auc")):
                row[f"{m}_{key}"] = float(first[col]) if first is not None else math.nan
        cmp = compare_size(df, n)
        row["difference"] = cmp.difference
        row["paper_difference"] = paper.get("gan", math.nan) - paper.get("cnn", math.nan)
        row["ci_low"] = cmp.seeds.ci_low if cmp.seeds else math.nan
        row["ci_high"] = cmp.seeds.ci_high if cmp.seeds else math.nan
        row["p_seeds"] = cmp.seeds.p_value if cmp.seeds else math.nan
        row["p_seeds_paired"] = cmp.seeds_paired.p_value if cmp.seeds_paired else math.nan
        row["image_seeds"] = len(cmp.image_seeds)
        row["n_images"] = cmp.images.n_a if cmp.images else 0
        row["p_images"] = cmp.images.p_value if cmp.images else math.nan
        row["p_images_paired"] = cmp.images_paired.p_value if cmp.images_paired else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def ours_cell(row, method: str, digits: int, with_seeds: bool = False) -> str:
    """A results-table row's "mean ± sd" of one method (and its number of seeds)."""
    if not row[f"{method}_seeds"]:
        return "no runs"
    sd = "" if missing(row[f"{method}_sd"]) else f" ± {row[f'{method}_sd']:.{digits}f}"
    seeds = f" ({row[f'{method}_seeds']})" if with_seeds else ""
    return f"{row[f'{method}_mean']:.{digits}f}{sd}{seeds}"


def difference_cell(row, digits: int) -> str:
    """A results-table row's GAN−CNN difference with its 95% CI."""
    if missing(row["difference"]):
        return "–"
    ci = fmt_ci(row["ci_low"], row["ci_high"], digits)
    return f"{fmt_signed(row['difference'], digits)} {ci}".strip()


def format_results_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`results_table` as strings, with readable column names, for display."""
    out = []
    for _, r in table.iterrows():
        out.append(
            {
                "dataset size": r["size"],
                "paper GAN-CNN": fmt(r["paper_gan"]),
                "paper CNN": fmt(r["paper_cnn"]),
                "paper p (Welch)": fmt_p(r["paper_p"]),
                "ours GAN-CNN (mean ± sd over seeds)": ours_cell(r, "gan", 4),
                "ours CNN (mean ± sd over seeds)": ours_cell(r, "cnn", 4),
                "ours pooled AUC GAN-CNN / CNN": f"{fmt(r['gan_pooled'])} / {fmt(r['cnn_pooled'])}",
                "seeds GAN-CNN / CNN": f"{r['gan_seeds']} / {r['cnn_seeds']}",
                "paper GAN−CNN": fmt_signed(r["paper_difference"], 3),
                "ours GAN−CNN [95% CI]": difference_cell(r, 4),
                "Welch p, seeds": fmt_p(r["p_seeds"]),
                "paired p, seeds": fmt_p(r["p_seeds_paired"]),
                "Welch p, images": fmt_p(r["p_images"]),
                "paired p, images": fmt_p(r["p_images_paired"]),
            }
        )
    return pd.DataFrame(out)


def tests_table(df: pd.DataFrame, sizes: Sequence[int] | None = None) -> pd.DataFrame:
    """GAN−CNN at each size by every test, one row per (size, test): the unit it treats as
    independent, how many units, the difference with its 95% CI, and p."""
    if sizes is None:
        sizes = sorted(set(df["n_patches"]))
    rows = []
    for n in sizes:
        cmp = compare_size(df, n)
        tests = (
            ("Welch across seeds (verdicts)", "training run (seed)", cmp.seeds),
            ("paired by seed", "seed's labelled-patch sample", cmp.seeds_paired),
            ("Welch across images", "test image", cmp.images),
            ("paired by image", "test image", cmp.images_paired),
        )
        for name, unit, res in tests:
            rows.append(
                {
                    "size": size_label(n),
                    "test": name,
                    "independent unit": unit,
                    "units": f"{res.n_a} vs {res.n_b}" if res else "–",
                    "GAN−CNN": res.difference if res else math.nan,
                    "95% CI": fmt_ci(res.ci_low, res.ci_high) if res else "",
                    "p": fmt_p(res.p_value) if res else "–",
                }
            )
        rows[-4]["note"] = f"seed correlation r = {fmt(cmp.seed_correlation, 2)}"
        rows[-1]["note"] = f"GAN-CNN higher on {cmp.images_favouring_gan} of {cmp.n_images} images"
    return pd.DataFrame(rows).fillna({"note": ""})


def literature_table(df: pd.DataFrame | None = None, label: str = "this replication"):
    """The slides' literature table, every row marked "as reported by the paper"; with ``df``,
    our GAN-CNN and CNN mean AUC per size are appended, marked ``label``."""
    rows = [
        {
            "method": m,
            "dataset size": size_label(n),
            "mean AUC": f"{auc:.3f}",
            "source": "as reported by the paper",
        }
        for m, n, auc in LITERATURE
    ]
    if df is not None and len(df):
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


def run_table(df: pd.DataFrame) -> pd.DataFrame:
    """Every run, failed ones included, one row each: the per-run numbers behind the aggregates.

    Sorted by size, method (GAN-CNN first) and seed. Thresholded metrics are at the threshold
    chosen on the validation images.
    """
    order = {m: i for i, m in enumerate(PAPER_METHODS)}
    frame = df.assign(_m=df["method"].map(order)).sort_values(["n_patches", "_m", "seed"])
    rows = []
    for _, r in frame.iterrows():
        rec = r["record"]
        ev = rec.evaluation or {}
        th = ev.get("thresholded") or {}
        final = rec.training.get("final") or {}
        train_s = rec.timing.get("train_seconds")
        rows.append(
            {
                "size": size_label(int(r["n_patches"])),
                "method": METHOD_LABELS[r["method"]],
                "seed": int(r["seed"]),
                "status": "ok" if rec.ok else f"{rec.status}: {rec.failure or ''}",
                "mean AUC ± sd over images": (
                    f"{ev['mean_auc']:.4f} ± {ev['sd_auc']:.4f}" if ev else "–"
                ),
                "pooled AUC": fmt(ev.get("pooled_auc"), 4),
                "PR-AUC": fmt(ev.get("pooled_pr_auc")),
                "accuracy": fmt(th.get("accuracy")),
                "F1": fmt(th.get("f1")),
                "best val. AUC": fmt(rec.training.get("best_val_auc")),
                "fake detection (end)": fmt(final.get("fake_detect"), 2)
                if r["method"] == "gan"
                else "",
                # a fake detection of 1 says little when the reals are called fake as well
                "p(fake | real) (end)": fmt(final.get("p_fake_real"), 3)
                if r["method"] == "gan"
                else "",
                "train min": fmt(train_s / 60 if train_s else None, 1),
                "device": r["device"],
            }
        )
    return pd.DataFrame(rows)
