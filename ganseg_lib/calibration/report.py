"""The calibration record as the book shows it: tables, the verdict sentence and figures. Every
function takes the record (or one configuration's entry of it), never a path, and returns a
DataFrame, a string or a :class:`matplotlib.figure.Figure`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ganseg_lib.calibration.record import ARM_NAMES, ARMS, BAR_DIFFERENCE, BAR_P

ARM_COLORS = {
    "ssl_gan": "#c0392b",
    "supervised": "#2e6fb7",
    "label_spreading": "#27ae60",
    "logistic": "#7f8c8d",
}


def entry_of(record: dict, name: str) -> dict:
    """The entry of the configuration called ``name``."""
    for entry in record["configurations"]:
        if entry["config"]["name"] == name:
            return entry
    raise KeyError(f"the record has no configuration {name!r}")


def accuracies(entry: dict) -> pd.DataFrame:
    """Test accuracy per seed (rows) and arm (columns)."""
    return pd.DataFrame(
        [s["accuracy"] for s in entry["seeds"]],
        index=pd.Index([s["seed"] for s in entry["seeds"]], name="seed"),
    )[list(ARMS)]


def arm_table(entry: dict) -> pd.DataFrame:
    """One row per arm: mean ± sd of test accuracy over seeds, each seed's accuracy, and the
    mean seconds per run."""
    acc = accuracies(entry)
    rows = []
    for arm in ARMS:
        row = {"arm": ARM_NAMES[arm], "mean ± sd": f"{acc[arm].mean():.3f} ± {acc[arm].std():.3f}"}
        row |= {f"seed {seed}": f"{value:.3f}" for seed, value in acc[arm].items()}
        row["s per run"] = f"{np.mean([s['seconds'][arm] for s in entry['seeds']]):.1f}"
        rows.append(row)
    return pd.DataFrame(rows)


def _difference(entry: dict) -> dict:
    return entry["summary"]["ssl_gan_minus_supervised"]


def configuration_table(record: dict) -> pd.DataFrame:
    """One row per configuration run: what it changes, per-arm means, the SSL GAN − supervised
    difference with its 95% CI and paired p, and whether it clears the bar."""
    rows = []
    for entry in record["configurations"]:
        arms = entry["summary"]["arms"]
        d = _difference(entry)
        rows.append(
            {
                "configuration": entry["config"]["name"],
                "change": entry["config"]["note"],
                "SSL GAN": f"{arms['ssl_gan']['mean']:.3f} ± {arms['ssl_gan']['sd']:.3f}",
                "supervised": f"{arms['supervised']['mean']:.3f} ± {arms['supervised']['sd']:.3f}",
                "GAN − supervised [95% CI]": (
                    f"{d['difference']:+.3f} [{d['ci_low']:+.3f}, {d['ci_high']:+.3f}]"
                ),
                "p": f"{d['p']:.2g}",
                "clears the bar": "yes" if d["clears_bar"] else "no",
            }
        )
    return pd.DataFrame(rows)


def verdict(entry: dict) -> str:
    """The verdict sentence for one configuration: direction and size of SSL GAN − supervised
    against the bar (≥ +0.03 in test accuracy and paired p < 0.05), scoped to this code."""
    d = _difference(entry)
    n = entry["summary"]["n_seeds"]
    size = (
        f"{d['difference']:+.3f} in test accuracy (95% CI [{d['ci_low']:+.3f}, "
        f"{d['ci_high']:+.3f}], paired t-test over {n} seeds, p = {d['p']:.2g})"
    )
    bar = f"the bar of ≥ {BAR_DIFFERENCE:+.2f} with p < {BAR_P}"
    if d["clears_bar"]:
        outcome = f"It clears {bar}"
    elif d["difference"] > 0 and d["p"] < BAR_P:
        outcome = f"The gain is significant but smaller than {bar}"
    elif d["p"] < BAR_P:
        outcome = f"The GAN is significantly worse; it fails {bar}"
    else:
        outcome = f"The difference is not significant; it fails {bar}"
    direction = "beats" if d["difference"] > 0 else "does not beat"
    return (
        f"On scikit-learn's digits with 5 labels per class, this implementation's K+1 "
        f"semi-supervised GAN (configuration `{entry['config']['name']}`) {direction} the same "
        f"classifier trained on the labels alone by {size}. {outcome}."
    )


def ablation_text(record: dict, headline: str) -> str:
    """Which configurations clear the bar and which do not, and how each moves the SSL GAN's
    mean accuracy from the headline configuration's."""
    base = entry_of(record, headline)["summary"]["arms"]["ssl_gan"]["mean"]
    parts = {True: [], False: []}
    for entry in record["configurations"]:
        name = entry["config"]["name"]
        if name == headline:
            continue
        gan = entry["summary"]["arms"]["ssl_gan"]["mean"]
        d = _difference(entry)
        parts[d["clears_bar"]].append(
            f"`{name}` (SSL GAN {gan - base:+.3f} against `{headline}`; GAN − supervised "
            f"{d['difference']:+.3f}, p = {d['p']:.2g})"
        )
    lines = []
    for clears, label in ((True, "Clear the bar"), (False, "Do not clear it")):
        if parts[clears]:
            lines.append(f"* {label}: " + "; ".join(parts[clears]) + ".")
    return "\n".join(lines) or f"No configuration other than `{headline}` was run."


def earlier_runs_text(record: dict) -> str:
    """The record's earlier runs of a configuration (superseded by a code change, kept as a
    measure of run-to-run variation), one line each."""
    lines = []
    for run in record.get("earlier_runs", []):
        arms = run["summary"]["arms"]
        d = run["summary"]["ssl_gan_minus_supervised"]
        lines.append(
            f"* An earlier run of `{run['name']}`: SSL GAN {arms['ssl_gan']['mean']:.3f} ± "
            f"{arms['ssl_gan']['sd']:.3f}, supervised {arms['supervised']['mean']:.3f}; "
            f"GAN − supervised {d['difference']:+.3f} [{d['ci_low']:+.3f}, {d['ci_high']:+.3f}], "
            f"p = {d['p']:.2g}. Why it is not the current one: {run['why_not_current']}."
        )
    return "\n".join(lines)


def provenance_text(record: dict, path) -> str:
    """Where the record is, and per configuration the code (commit; whether tracked library
    files differed from it), when, torch, device and the compute of its runs."""
    lines = [f"Record: `{path}`.", ""]
    for entry in record["configurations"]:
        prov = entry["provenance"]
        runs = [s["seconds"] for s in entry["seeds"]]
        gan = np.mean([r["ssl_gan"] for r in runs])
        supervised = np.mean([r["supervised"] for r in runs])
        dirty = " (tracked library files differed from it)" if prov.get("git_dirty") else ""
        lines.append(
            f"* `{entry['config']['name']}`: commit `{prov['git_commit']}`{dirty}, "
            f"{prov['created']}, torch {prov['versions']['torch']} on {prov['device']}; "
            f"{len(runs)} seeds in {entry['seconds']:.0f} s (SSL GAN {gan:.0f} s, supervised "
            f"{supervised:.0f} s per run)."
        )
    return "\n".join(lines)


def plot_seeds(entry: dict) -> Figure:
    """Test accuracy of every arm on every seed (the same split per seed), means as lines."""
    acc = accuracies(entry)
    fig = Figure(figsize=(6.4, 3.6))
    ax = fig.subplots()
    seeds = acc.index.to_numpy()
    for i, arm in enumerate(ARMS):
        x = seeds + (i - 1.5) * 0.08
        ax.plot(x, acc[arm], "o", color=ARM_COLORS[arm], label=ARM_NAMES[arm])
        ax.axhline(acc[arm].mean(), color=ARM_COLORS[arm], lw=1, ls="--", alpha=0.7)
    for seed in seeds:  # the pairing of the test: GAN and supervised on the same split
        ax.plot([seed - 0.12, seed - 0.04], acc.loc[seed, ["ssl_gan", "supervised"]], c="0.6")
    ax.set_xticks(seeds, [f"seed {s}" for s in seeds])
    ax.set_ylabel("test accuracy (540 images)")
    ax.set_title(f"Digits, 5 labels per class: configuration {entry['config']['name']}")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def plot_configurations(record: dict) -> Figure:
    """SSL GAN − supervised per configuration: mean difference and its 95% CI, with the bar."""
    entries = record["configurations"]
    fig = Figure(figsize=(6.4, 0.45 * len(entries) + 1.2))
    ax = fig.subplots()
    y = np.arange(len(entries))[::-1]
    for yi, entry in zip(y, entries):
        d = _difference(entry)
        color = ARM_COLORS["ssl_gan"] if d["clears_bar"] else "0.4"
        ax.errorbar(
            d["difference"],
            yi,
            xerr=[[d["difference"] - d["ci_low"]], [d["ci_high"] - d["difference"]]],
            fmt="o",
            color=color,
            capsize=3,
        )
    ax.axvline(0, color="k", lw=0.8)
    ax.axvline(BAR_DIFFERENCE, color=ARM_COLORS["ssl_gan"], lw=0.8, ls="--", label="the bar")
    ax.set_yticks(y, [e["config"]["name"] for e in entries])
    ax.set_xlabel("SSL GAN − supervised, test accuracy (mean over seeds, 95% CI)")
    ax.legend(fontsize=8, loc="lower right")
    return fig


def plot_samples(entry: dict, ncols: int = 8) -> Figure:
    """The generator's images kept with the first seed's run (8 × 8 pixels, 0 = white)."""
    samples = np.asarray(entry["seeds"][0]["generator_samples"]).reshape(-1, 8, 8)
    nrows = -(-len(samples) // ncols)
    fig = Figure(figsize=(ncols * 0.8, nrows * 0.8))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, image in zip(axes.flat, samples):
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
    return fig
