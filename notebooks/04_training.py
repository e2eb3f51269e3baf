# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Training
#
# This chapter trains the GAN-CNN and the CNN baseline on one number of labelled patches
# (`n_patches`), for every seed of the profile, and shows how training went. It runs once per
# dataset size (15K, 30K, 150K in the book). Runs that already have a record are not trained
# again: the chapter then only reads their run folders and records.

# %% tags=["remove-cell"]
# Bootstrap (Colab, or any Python without ganseg_lib): install the library from the project's
# repository. Set GANSEG_INSTALL_SPEC to install from elsewhere (a folder, a wheel, another URL).
import importlib
import importlib.util
import os
import subprocess
import sys

REPOSITORY = "https://github.com/ganseg/ganseg"  # pyproject.toml's [project.urls] Repository

if importlib.util.find_spec("ganseg_lib") is None:
    spec = os.environ.get("GANSEG_INSTALL_SPEC") or f"ganseg @ git+{REPOSITORY}"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], check=True)
    importlib.invalidate_caches()

# %% tags=["parameters", "remove-cell"]
profile: str = "smoke"  # run profile: smoke, cpu or paper
data: str = "auto"  # data source: auto (DRIVE when found, else the phantom), drive, chase, phantom
drive_dir: str = ""  # DRIVE folder; empty: $GANSEG_DRIVE_DIR
chase_dir: str = ""  # CHASE_DB1 folder; empty: $GANSEG_CHASE_DIR
results_dir: str = "results"  # run records (JSON), one per run
runs_dir: str = "runs"  # run folders (checkpoints, histories, generator samples)
evidence_dir: str = "results"  # the committed records; this page reads generator/ (the check)
n_patches: int = 15_000  # labelled training patches
seeds: list = []  # empty: the profile's seeds
methods: list = ["gan", "cnn"]  # which methods to train
device: str = "auto"  # auto (CUDA when available, else CPU), cpu or cuda

# %% tags=["remove-input"]
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from ganseg_lib.analysis.present.banner import banner
from ganseg_lib.analysis.present.display import Captions
from ganseg_lib.analysis.present.samples import plot_sample_panels, read_samples
from ganseg_lib.analysis.replication import generator as gr
from ganseg_lib.analysis.replication import kept_samples as ks
from ganseg_lib.analysis.replication import plots
from ganseg_lib.analysis.replication.plots import pick_iterations
from ganseg_lib.analysis.replication.tables import run_table
from ganseg_lib.data.drive import find_drive_dir
from ganseg_lib.data.patches import PatchParams, make_patch_set
from ganseg_lib.evaluate.generator_check import validation_patches
from ganseg_lib.evaluate.record import load_results
from ganseg_lib.experiment.grid import run_grid
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.paper import size_label

setup = Setup.resolve(
    profile, data, drive_dir or None, results_dir, runs_dir, chase_dir=chase_dir or None
)
run_seeds = list(seeds) if seeds else list(setup.profile.seeds)
size = size_label(n_patches)
page = Captions()
display(Markdown(banner(setup.profile.name, setup.data, setup.requested)))
display(Markdown(f"**This page: {n_patches:,} labelled patches ({size}), seeds {run_seeds}.**"))

# %% [markdown]
# ## Training details
#
# > On each dataset, we train the simple CNN and GAN-CNN from scratch.
# >
# > ADAM optimizer for both the G and DC net. Slope of leaky ReLU = 0.1. Initial learning rate =
# > $10^{-4}$ (for both G and DC). Decay factor of 0.8 after every 20 epochs. Mini-batch size
# > of 64.
#
# — seed slide "Training Details"
#
# Each GAN-CNN iteration takes one step of the DC net on $L_c + L_{adv}$ (a labelled real
# mini-batch and a mini-batch of $G(z)$) and one step of the generator on the non-saturating
# $L_G$; the CNN takes the same DC step without $L_{adv}$ on a 2-output network. The complete
# configuration of this page's runs is the first table below (the GAN-CNN's; the CNN's differs
# only in `method`). The three training pages share one source, so their figures and tables are
# cited by what they show, not by number.

# %% tags=["hide-input"]
config = setup.config("gan", n_patches, run_seeds[0])
page.table(
    pd.DataFrame({"field": list(config.to_json()), "value": map(str, config.to_json().values())}),
    "The training configuration (TrainConfig) of this page's GAN-CNN runs.",
    name=f"tbl-training-config-n{n_patches}",
    collapse_rows=40,
)
epochs = config.total_iterations / config.iterations_per_epoch
print(
    f"{config.total_iterations:,} iterations = {epochs:.2f} epochs of {n_patches:,} patches "
    f"({config.iterations_per_epoch} iterations per epoch)"
)

# %% [markdown]
# **Deviations** (the slides give no values for these):
#
# * **budget** — the slides state no number of epochs; the profile sets it (above:
#   `iterations` or `epochs`). The learning rate is multiplied by 0.8 every 20 epochs as on the
#   slide, which a short budget may never reach;
# * **widths** — the slides give no layer sizes; `width` (DC net) and `g_width` (generator) are
#   the profile's (chapter 3 tabulates them);
# * **Adam betas** — (0.5, 0.999), the DCGAN value (Radford et al. 2016), for both networks and
#   also for the CNN, so that the optimiser does not differ between the methods;
# * **validation** — 4 training images are held out (chapter 1); they give the validation AUC
#   plotted below and choose the decision threshold, and are never trained on.
#
# ## Runs
#
# `run_grid` (`ganseg_lib.experiment.grid`) trains and evaluates every (method, seed) of this
# size that has no record yet, resumes interrupted runs from their checkpoints, and skips
# recorded ones. Failed runs (a NaN or Inf loss) are recorded as failed and never averaged. Its
# log (folded) names each run; the table after it lists the runs of this size.

# %% tags=["hide-output"]
paths = run_grid(setup, sizes=[n_patches], seeds=run_seeds, methods=methods, device=device)

# %% tags=["hide-input"]
runs = load_results(setup.results_dir, setup.profile.name, setup.data)
runs = runs[runs["n_patches"] == n_patches]
page.table(
    run_table(runs),
    f"The runs of this page ({size} labelled patches).",
    name=f"tbl-training-runs-n{n_patches}",
)

# %% [markdown]
# The test AUCs are analysed in the results chapter, across sizes and seeds. The figures below
# come from the run folders (`runs_dir/<profile>/<data>/<method>-n<N>-s<seed>/`): one line per
# run, GAN-CNN in red, CNN in blue.

# %% tags=["remove-input"]
folders = {
    (m, s): setup.run_folder(setup.config(m, n_patches, s)) for m in methods for s in run_seeds
}
histories = {m: [] for m in methods}
missing = []
for (m, _seed), folder in folders.items():
    if folder.history.is_file():
        histories[m].append(folder.read_history())
    else:
        missing.append(folder.path.name)
if missing:
    display(
        Markdown(
            f"**Run folders missing** for {', '.join(missing)}: these runs have records, but "
            "their folders are not here (records are committed, run folders are not). The loss "
            "curves and samples below show only the runs whose folders exist; the validation "
            "AUC curves come from the records, which keep them."
        )
    )

# %% [markdown]
# ## Losses and accuracies
#
# Per logging interval (`eval_every` iterations): the mean of $L_c$, $L_{adv}$ and $L_G$, the
# accuracy of the DC net on the labelled real patches (over the real classes), the fraction of
# generated patches it assigns to the fake class, and the AUC on the validation pixels. The
# generator's quantities exist only for the GAN-CNN.

# %% tags=["hide-input"]
if any(histories.values()):
    page.figure(
        plots.plot_training_curves(
            {m: h for m, h in histories.items() if h},
            title=f"training on {size} labelled patches ({setup.data}, profile {profile})",
        ),
        "Losses, accuracy on real patches, fake detection rate and validation AUC per interval.",
        name=f"fig-training-curves-n{n_patches}",
    )
else:
    print("no run folder with a history: nothing to plot here")

# %% tags=["hide-input"]
curves = {m: [] for m in methods}
for rec in runs["record"]:
    if rec.training.get("val_auc_curve") and rec.config.method in curves:
        curves[rec.config.method].append(rec.training["val_auc_curve"])
if any(curves.values()):
    page.figure(
        plots.plot_validation_auc(
            {m: c for m, c in curves.items() if c},
            title=f"validation AUC during training, {size} labelled patches",
        ),
        "Validation AUC during training, from the run records.",
        name=f"fig-training-validation-n{n_patches}",
    )
else:
    print("no record holds a validation AUC curve")

# %% [markdown]
# ## Samples generated during training
#
# > Samples generated during training on 15K dataset / Samples generated during training on 30K
# > dataset / Real samples
#
# — seed slide "Results"
#
# The generator's samples from a fixed set of noise vectors at a few iterations of the
# lowest-seed GAN-CNN run, next to real labelled patches from the training images. The slides
# show such samples without analysis; they show what the DC net's fake class has to reject.

# %% tags=["hide-input"]
gan_folder = folders.get(("gan", run_seeds[0]))
samples = gan_folder.read_samples() if gan_folder is not None else {}
if samples:
    train_images, _ = setup.training_images()
    real = make_patch_set(train_images, PatchParams(n_patches=16, seed=run_seeds[0]), setup.data)
    grids = {f"iteration {it:,}": samples[it] for it in pick_iterations(list(samples), 3)}
    grids["real patches"] = real.patches
    page.figure(
        plots.plot_samples(grids, ncols=4, title=f"{size} patches ({gan_folder.path.name})"),
        "Generator samples from fixed noise at a few iterations, beside real labelled patches.",
        name=f"fig-training-samples-n{n_patches}",
    )
else:
    print("no generator samples: the GAN-CNN run folder is missing or 'gan' was not trained")

# %% [markdown]
# ## Did the generator learn?
#
# > Samples generated during training on 15K dataset
# >
# > Real samples
#
# — seed slide "Results"
#
# The slide shows samples and no measure of them. Here each generator is checked
# (`ganseg_lib.evaluate.generator_check`) by three things:
#
# * **diversity ratio** — the mean pairwise L2 distance between 1,000 generated patches divided by
#   the same between 1,000 real patches of the validation images (DRIVE 37–40, never trained on):
#   0 is one patch repeated (mode collapse), about 1 as varied as the data;
# * **two-sample accuracy** — the held-out accuracy of a classifier (gradient boosting on 27
#   simple patch features) told to tell generated from real patches: 0.5 cannot tell them apart,
#   1.0 always can;
# * **vessels visible** — a person looks at 32 samples for dark, vessel-like lines.
#
# The pass rule is fixed: **diversity ratio ≥ 0.5, two-sample accuracy ≤ 0.95, and vessels
# visible**. Two training metrics go with it: p(fake | real), the DC net's mean probability of the
# fake class on labelled real patches (near 1 it calls every patch fake, which leaves G no
# signal), and fake detection, the share of generated patches it puts in the fake class.
#
# The check was run on short runs at 15K labelled patches
# (`python -m ganseg_lib.experiment.generator_suspects`): the replication's GAN-CNN (before), the
# same with a real-data term in the DC loss that teaches the DC net labelled real patches as "not
# fake", then, on top of that term, one more change per run, and DCGAN's recipe with each of its
# parts changed in turn. What made the generator draw vessels became the fix
# (`ganseg_lib.train.config.GENERATOR_FIX`, a declared deviation): the real-data term, a DC net
# without normalisation, batch norm and resize-convolutions in G, and lr 2e-4 for both networks.
# The generators of the replication's GAN-CNN re-run with it (15K and 30K, the library's loop;
# Results chapter) are checked too (`results/generator/fixed.json`). Short runs then added to the
# fix one thing at a time: random flips of the fakes, per-pixel noise in G, a DC net of width 32
# and, on top of all three, a spectral term that asks G's batch for the real batch's mean power
# at every frequency. That last run passes the check; because the term matches what the check's
# spectrum features measure, the table also gives each run's accuracy without those features.
# Its recipe is the library's working generator (`ganseg_lib.train.config.WORKING_GENERATOR`,
# the `cpu-dc32` profile). This page trains nothing for
# it: it reads the committed results in `results/generator/`, and only the real patches are drawn
# when the page is built. The numbers, samples and verdict are shown on the 15K page only, where
# they belong; the 30K and 150K pages point there.

# %% tags=["remove-input"]
generator_dir = Path(evidence_dir) / gr.FOLDER
checked = gr.read_checked_runs(generator_dir) if (generator_dir / "suspects.json").is_file() else []
show_check = n_patches in {r.n_patches for r in checked}
if not checked:
    display(
        Markdown(
            f"**No generator check here:** `{generator_dir}` is missing. It is committed with the "
            "project's repository; run this page from a clone of it to see the check."
        )
    )
elif not show_check:
    sizes = ", ".join(f"{n // 1000}K" for n in sorted({r.n_patches for r in checked}))
    display(
        Markdown(
            f"The generator check was run at {sizes} labelled patches: its table, samples and "
            "verdict are on that page of this chapter, not on this one."
        )
    )

# %% tags=["hide-input"]
if show_check:
    tag = f"n{n_patches}"
    page.table(
        gr.check_table(checked),
        "The generator check of every checked run (results/generator/suspects.json, "
        "after.json, fixed.json and working.json): the final generator's diversity ratio and "
        "two-sample accuracy against 1,000 validation patches (and on the 62×62 pixels the DC "
        "net sees, and without the 8 spectrum features, where measured), "
        "p(fake | real) and fake detection (training metrics: the mean "
        "of the last 100 iterations in the short runs, of the last 250-iteration interval in the "
        "library's loop), the look at its samples, and the pass rule (ratio ≥ 0.5, accuracy ≤ "
        "0.95, vessels visible). (a) is the DC loss's real-data term.",
        name=f"tbl-training-generator-check-{tag}",
        formats=gr.CHECK_TABLE_FORMATS,
    )

# %% tags=["hide-input"]
if show_check:
    found_drive = find_drive_dir(drive_dir or None, required=False)
    by_name = {r.name: r for r in checked}
    fixed = [r for r in checked if r.fixed]
    pairs = [("before", by_name[gr.BEFORE]), ("real-data term", by_name[gr.AFTER])]
    pairs += [("the fix, short run", by_name[gr.FULL])] if gr.FULL in by_name else []
    pairs += [("the fix, re-run", fixed[0])] if fixed else []
    passing = [r for r in checked if r.passes]
    pairs += [("passes the check", passing[0])] if passing else []
    shown = [r for _, r in pairs]
    grids = {
        f"{label}: {r.name} (seed {r.seed})": read_samples(generator_dir / f"{r.name}.samples.png")
        for label, r in pairs
    }
    if found_drive is not None:
        # drawn now and never saved: real patches are data and stay out of the repository
        grids["real: validation patches (DRIVE 37–40)"] = validation_patches(
            "drive", n=32, seed=0, drive_dir=found_drive
        )
        real_note = (
            "beside 32 real patches of the validation images (DRIVE 37–40; half centred on a "
            "vessel pixel, half on background, as the training patches are), drawn from DRIVE "
            "when this page was built and never saved"
        )
    else:
        real_note = (
            "without real patches: DRIVE is not found here (pass drive_dir or set "
            "GANSEG_DRIVE_DIR), and real patches are never committed, only drawn at build time"
        )
    page.figure(
        plot_sample_panels(grids, per_row=2),
        "32 samples of the final generator: before (the replication's GAN-CNN), with the DC "
        "loss's real-data term, with the whole fix in a short run and in the first GAN-CNN of "
        "the replication's re-run"
        + (", and the first generator that passes the check" if passing else "")
        + f" ({', '.join(f'{r.iterations:,}' for r in shown)} iterations, "
        f"{n_patches // 1000}K patches; the committed results/generator/*.samples.png), "
        f"{real_note}.",
        name=f"fig-training-generator-samples-{tag}",
    )
    others = [r for r in checked if r not in shown]
    page.figure(
        plot_sample_panels(
            {r.name: read_samples(generator_dir / f"{r.name}.samples.png") for r in others}
        ),
        "32 samples of the final generator of each other checked run: the real-data term with "
        "one more change, DCGAN's recipe with one part changed, the short runs that add to the "
        "whole fix (flips of the fakes, pixel noise, bilinear resizing, an average of G's "
        "weights, a DC net of width 32), the real-data term through the library's training "
        "loop, and the other GAN-CNNs of the re-runs with the whole fix and with the working "
        "generator.",
        name=f"fig-training-generator-others-{tag}",
    )

# %% tags=["hide-input"]
if show_check:
    kept = ks.read_kept(generator_dir)
    page.table(
        ks.kept_table(kept),
        "The samples montages kept with the records (results/<profile>/<data>/<cell>.samples.png, "
        "smoke profile left out), by the diversity ratio of each run's last 8 samples against "
        "DRIVE's validation patches (results/generator/kept_samples.json). Eight samples allow no "
        "two-sample test.",
        name=f"tbl-training-generator-kept-{tag}",
    )
    display(
        Markdown(
            f"{{numref}}`tbl-training-generator-check-{tag}` lists every checked run and "
            f"{{numref}}`fig-training-generator-samples-{tag}` and "
            f"{{numref}}`fig-training-generator-others-{tag}` show their samples. "
            f"{ks.kept_sentence(kept)} ({{numref}}`tbl-training-generator-kept-{tag}`) "
            f"{gr.reference_sentence(generator_dir)}\n\n"
            f"**Verdict.** {gr.verdict(checked, gr.not_run(generator_dir))}"
        )
    )
