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
data: str = "auto"  # data source: auto (DRIVE when found, else the phantom), drive or phantom
drive_dir: str = ""  # DRIVE folder; empty: $GANSEG_DRIVE_DIR
results_dir: str = "results"  # run records (JSON), one per run
runs_dir: str = "runs"  # run folders (checkpoints, histories, generator samples)
n_patches: int = 15_000  # labelled training patches
seeds: list = []  # empty: the profile's seeds
methods: list = ["gan", "cnn"]  # which methods to train
device: str = "auto"  # auto (CUDA when available, else CPU), cpu or cuda

# %% tags=["remove-input"]
import pandas as pd
import torch
from IPython.display import Markdown, display

from ganseg_lib.analysis import plots
from ganseg_lib.analysis.report import banner, pick_iterations, read_samples, run_folder, size_label
from ganseg_lib.data.patches import PatchParams, make_patch_set
from ganseg_lib.data.source import load_split, resolve_data, split_validation
from ganseg_lib.evaluate.results import device_label, read_record
from ganseg_lib.experiment.grid import run_grid
from ganseg_lib.train.profiles import get_profile
from ganseg_lib.train.training import read_history, resolve_device

drive_dir_opt = drive_dir or None  # papermill passes "" for "not given"
data_name = resolve_data(data, drive_dir_opt)
profile_obj = get_profile(profile)
run_seeds = list(seeds) if seeds else list(profile_obj.seeds)
size = size_label(n_patches)
display(Markdown(banner(profile, data_name, data)))
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
# configuration of this page's runs (the GAN-CNN's; the CNN's differs only in `method`):

# %% tags=["hide-input"]
config = profile_obj.config("gan", n_patches, run_seeds[0], data_name)
display(pd.DataFrame({"value": {k: str(v) for k, v in config.to_json().items()}}))
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
# `ganseg_lib.experiment.grid.run_grid` trains and evaluates every (method, seed) of this size that has no
# record yet, resumes interrupted runs from their checkpoints, and skips recorded ones. Failed
# runs (a NaN or Inf loss) are recorded as failed and never averaged.

# %%
dev = resolve_device(device)
print(f"device: {dev}" + (f" ({torch.get_num_threads()} CPU threads)" if dev.type == "cpu" else ""))
paths = run_grid(
    profile_obj,
    data_name,
    drive_dir_opt,
    sizes=[n_patches],
    seeds=run_seeds,
    methods=methods,
    runs_dir=runs_dir,
    results_dir=results_dir,
    device=device,
)

# %% tags=["hide-input"]
records = [read_record(p) for p in paths if p.is_file()]
rows = []
for rec in records:
    cfg, ev, tr = rec["config"], rec.get("evaluation") or {}, rec.get("training") or {}
    rows.append(
        {
            "method": plots.METHOD_LABELS[cfg["method"]],
            "seed": cfg["seed"],
            "status": rec["status"],
            "iterations": cfg["iterations"] or f"{cfg['epochs']} epochs",
            "train s": rec["timing"].get("train_seconds"),
            "patches/s": tr.get("mean_patches_per_s"),
            "best val AUC": tr.get("best_val_auc"),
            "test mean AUC": ev.get("mean_auc"),
            "test pooled AUC": ev.get("pooled_auc"),
            "device": device_label(rec),
        }
    )
display(pd.DataFrame(rows))

# %% [markdown]
# The test AUCs are analysed in the results chapter, across sizes and seeds. The figures below
# come from the run folders (`runs_dir/<profile>/<data>/<method>-n<N>-s<seed>/`): one line per
# run, GAN-CNN in red, CNN in blue.

# %% tags=["remove-input"]
folders = {
    (m, s): run_folder(runs_dir, profile, data_name, m, n_patches, s)
    for m in methods
    for s in run_seeds
}
histories = {m: [] for m in methods}
missing = []
for (m, _seed), folder in folders.items():
    if (folder / "history.jsonl").is_file():
        histories[m].append(read_history(folder))
    else:
        missing.append(folder.name)
if missing:
    display(
        Markdown(
            f"**Run folders missing** for {', '.join(missing)} (under `{runs_dir}`): these "
            "runs have records, but their folders are not here (records are committed, run "
            "folders are not). The loss curves and samples below show only the runs whose "
            "folders exist; the validation AUC curves come from the records, which keep them."
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
    plots.show(
        plots.plot_training_curves(
            {m: h for m, h in histories.items() if h},
            title=f"training on {size} labelled patches ({data_name}, profile {profile})",
        )
    )
else:
    print("no run folder with a history: nothing to plot here")

# %% tags=["hide-input"]
curves = {m: [] for m in methods}
for rec in records:
    curve = (rec.get("training") or {}).get("val_auc_curve")
    if curve:
        curves[rec["config"]["method"]].append(curve)
if any(curves.values()):
    plots.show(
        plots.plot_validation_auc(
            {m: c for m, c in curves.items() if c},
            title=f"validation AUC during training, {size} labelled patches",
        )
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
samples = read_samples(gan_folder) if gan_folder is not None else {}
if samples:
    train_records, _ = split_validation(load_split(data_name, "training", drive_dir_opt))
    real = make_patch_set(train_records, PatchParams(n_patches=16, seed=run_seeds[0]), data_name)
    grids = {f"iteration {it:,}": samples[it] for it in pick_iterations(list(samples), 3)}
    grids["real patches"] = real.patches
    plots.show(
        plots.plot_samples(
            grids,
            ncols=4,
            title=f"generator samples during training on {size} patches ({gan_folder.name})",
        )
    )
else:
    print("no generator samples: the GAN-CNN run folder is missing or 'gan' was not trained")
