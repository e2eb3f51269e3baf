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
# # Data and preprocessing
#
# This chapter follows the paper's data pipeline step by step: the DRIVE images, the
# green-channel CLAHE preprocessing, and the two rules that decide where the labelled 64×64
# training patches are centred. Every step is a function of `ganseg_lib`; the chapter only calls
# and shows them.

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
image_index: int = 0  # which training image the figures show
n_gallery: int = 64  # labelled patches drawn for the gallery

# %% tags=["remove-input"]
import pandas as pd
from IPython.display import Markdown, display

from ganseg_lib.analysis.present.banner import banner
from ganseg_lib.analysis.present.display import Captions
from ganseg_lib.analysis.replication import plots
from ganseg_lib.data.patches import (
    DILATION_RADIUS,
    PatchParams,
    background_centres,
    make_patch_set,
    vessel_centres,
)
from ganseg_lib.data.preprocessing import ClaheParams, preprocess
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.paper import PAPER_SIZES, PATCH_SIZE

setup = Setup.resolve(profile, data, drive_dir or None, chase_dir=chase_dir or None)
data_name = setup.data
page = Captions()
display(Markdown(banner(setup.profile.name, setup.data, setup.requested)))

# %% [markdown]
# ## The DRIVE database
#
# > **DRIVE: Digital Retinal Images for Vessel Extraction**
# >
# > - The dataset contains 20 images for training and 20 for testing.
# > - Blood vessel in each image is manually marked by human observers trained by an experienced
# >   ophthalmologist.
# >
# > Reference: J.J. Staal, M.D. Abramoff, M. Niemeijer, M.A. Viergever, B. van Ginneken,
# > "Ridge-based vessel segmentation in color images of the retina", IEEE Transactions on
# > Medical Imaging, 2004 Apr.
#
# — seed slide "DATASET"
#
# DRIVE may not be redistributed, so `ganseg_lib.data.drive` reads it from a folder
# (`$GANSEG_DRIVE_DIR`). Without it, the same code runs on the project's synthetic fundus
# phantom (`ganseg_lib.data.phantom`): procedurally drawn fundus images with exact vessel ground
# truth. The banner above says which of the two produced this page.

# %%
records = setup.split("training")
train, validation = setup.training_images()
print(f"{len(records)} training images: {len(train)} to train on, {len(validation)} for validation")
print("train on:  ", ", ".join(r.image_id for r in train))
print("validation:", ", ".join(r.image_id for r in validation))

# %% [markdown]
# **Deviation — validation split.** The slides train on the 20 training images and say nothing
# about a validation set. We hold out the last 4 training images (`N_VALIDATION`; DRIVE 37–40)
# and never train on them: they monitor training (validation AUC) and choose the decision
# threshold, so that no decision ever looks at a test image. The patches are therefore drawn from
# 16 images, not 20. {numref}`tbl-data-images` lists the images and how much of each is
# vessel.

# %% tags=["hide-input"]
summary = pd.DataFrame(
    [
        {
            "image": r.image_id,
            "role": "train" if i < len(train) else "validation",
            "size (rows × cols)": f"{r.shape[0]} × {r.shape[1]}",
            "FOV pixels": int(r.fov.sum()),
            "vessel pixels in FOV": int((r.vessels & r.fov).sum()),
            "vessel fraction in FOV": round(float((r.vessels & r.fov).sum() / r.fov.sum()), 3),
        }
        for i, r in enumerate(records)
    ]
)
page.table(
    summary, "The training images: role, size, FOV and vessel pixels.", name="tbl-data-images"
)

# %% [markdown]
# ## Preprocessing
#
# > - Vascular structures manifest best contrast in **green channel**.
# > - **Contrast Limited Adaptive Histogram Equalization (CLAHE)** is used for compensating
# >   irregular illuminations.
#
# — seed slide "Preprocessing & Patch Creation"
#
# The slides give no CLAHE parameters. `ganseg_lib.data.preprocessing` uses scikit-image's
# `equalize_adapthist` with the parameters printed below (a deviation only in the sense that we
# had to choose them), quantises the result to 8 bits and scales it to [-1, 1] for the networks.
# The field-of-view (FOV) mask travels with the image: patch centres and the evaluation use only
# pixels inside it. {numref}`fig-data-preprocessing` shows each step on one training image.

# %%
print(ClaheParams())
record = train[image_index]
page.figure(
    plots.plot_preprocessing(record),
    "From the RGB image to the CLAHE green channel.",
    name="fig-data-preprocessing",
)

# %% [markdown]
# ## Where the patches are centred
#
# > **64X64 dimensional patches** were extracted and label of central pixel is assigned as the
# > class label of the entire patch.
# >
# > Vessel Patches from green channel image at pixels where $I_{gr}^S = 1$ [skeletonization of
# > the ground truth binary image $I_{gr}$]
# >
# > Background Patches from green channel image at pixels where $I_{gr}^d = 0$ [morphological
# > dilation of $I_{gr}$]
#
# — seed slides "Preprocessing & Patch Creation"
#
# Vessel patches are centred on the skeleton of the manual annotation, so every vessel — thin
# or wide — contributes centres along its length, and each centre lies on a vessel's axis.
# Background patches are centred outside the dilated annotation, away from the vessel edges,
# where the manual annotation is least certain. The slides give no dilation radius; we use a
# disk of the radius printed below. Both kinds of centre lie inside the FOV. Pixels between
# the skeleton and the dilated border (the vessel flanks and edges) are never patch centres in
# training, although the test metric scores every FOV pixel. {numref}`fig-data-centres` marks
# both kinds of centre on one image.

# %%
print(f"patch size {PATCH_SIZE}×{PATCH_SIZE}; dilation radius {DILATION_RADIUS} px")
pre = preprocess(record)
vc = vessel_centres(record.vessels, record.fov)
bc = background_centres(record.vessels, record.fov)
page.figure(
    plots.plot_patch_centres(pre.image_u8, vc, bc, title=f"image {record.image_id}"),
    "Vessel centres (the skeleton) and background centres (outside the dilated annotation).",
    name="fig-data-centres",
)

# %% [markdown]
# How many centres of each kind every training image offers, and so how many balanced patches
# (half vessel, half background) the training images can supply without drawing a centre twice
# ({numref}`tbl-data-centres`):

# %% tags=["hide-input"]
counts = pd.DataFrame(
    [
        {
            "image": r.image_id,
            "vessel pixels": int((r.vessels & r.fov).sum()),
            "vessel centres (skeleton)": int(vessel_centres(r.vessels, r.fov).sum()),
            "background centres": int(background_centres(r.vessels, r.fov).sum()),
        }
        for r in train
    ]
)
totals = counts.drop(columns="image").sum()
page.table(
    pd.concat([counts, pd.DataFrame([{"image": "total", **totals}])], ignore_index=True),
    "Patch centres each training image offers.",
    name="tbl-data-centres",
    collapse_rows=20,
)
most = 2 * int(min(totals["vessel centres (skeleton)"], totals["background centres"]))
for n in PAPER_SIZES:
    need = n - n // 2
    print(
        f"{n:>7,} patches need {need:,} vessel centres: "
        f"{'available' if need <= totals['vessel centres (skeleton)'] else 'NOT available'}"
    )
print(f"at most about {most:,} balanced patches can be drawn without repeating a centre")

# %% [markdown]
# Vessel centres are the scarce class: the skeleton is one pixel wide, while the background
# covers most of the FOV. `ganseg_lib.data.patches.sample_patch_centers` draws exactly N centres,
# half of each class, without replacement and spread as evenly over the images as their centres
# allow; the seed of a run fixes the draw, so the GAN-CNN and the CNN of the same seed see the
# same labelled patches.
#
# ## The labelled patches
#
# A small draw from the same sampler the training uses (`make_patch_set`); the cross marks the
# centre pixel whose label the whole patch carries. Patches near the FOV border contain the dark
# outside of the aperture, and reflect padding supplies the pixels beyond the image border
# ({numref}`fig-data-patches`).

# %%
gallery = make_patch_set(train, PatchParams(n_patches=n_gallery, seed=0), data_name)
print(
    f"{len(gallery)} patches: {int((gallery.labels == 1).sum())} vessel, "
    f"{int((gallery.labels == 0).sum())} background, dtype {gallery.patches.dtype}, "
    f"shape {gallery.patches.shape}"
)
page.figure(
    plots.plot_patch_gallery(gallery.patches, gallery.labels, n_per_class=8),
    "Labelled 64×64 patches from the training sampler; the cross marks the labelled pixel.",
    name="fig-data-patches",
)

# %% [markdown]
# Vessels absorb green light more than the retina around them, so vessel centres are expected to
# be darker than background centres; the mean intensities of this small draw (CLAHE output,
# 0–255, {numref}`tbl-data-intensity`) show how far that holds here.

# %% tags=["hide-input"]
centre = gallery.patches[:, PATCH_SIZE // 2, PATCH_SIZE // 2].astype(float)
intensities = pd.DataFrame(
    {
        "class": ["vessel", "background"],
        "patches": [int((gallery.labels == k).sum()) for k in (1, 0)],
        "mean centre pixel": [round(centre[gallery.labels == k].mean(), 1) for k in (1, 0)],
        "mean patch": [
            round(float(gallery.patches[gallery.labels == k].mean()), 1) for k in (1, 0)
        ],
    }
)
page.table(
    intensities,
    "Mean intensity of the patches of each class (CLAHE output, 0–255).",
    name="tbl-data-intensity",
)

# %% [markdown]
# Everything above is in `ganseg_lib`: `data.source.load_split` and `split_validation`,
# `preprocessing.preprocess`, `patches.vessel_centres`, `background_centres` and
# `make_patch_set`. From the command line, `ganseg patches --data drive --n-patches 15000 --seed 0
# --out patches.npz` writes the same labelled patches the training chapter uses.
