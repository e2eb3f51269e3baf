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
# # Architecture
#
# The generator, the DC net and the CNN baseline as `ganseg_lib.model.networks` builds them,
# layer by layer; the one deliberate change to the DC net and why we made it; and the exact
# whole-image ("dense") evaluation that the change allows, checked against the patch-by-patch
# definition.

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
runs_dir: str = "runs"  # run folders: a trained DC net is used for the dense demo when found
n_pixels: int = 2_000  # random pixels for the patch-wise reference
reference_width: int = 32  # a second width to tabulate (the paper profile's)

# %% tags=["remove-input"]
import time

import numpy as np
import pandas as pd
import torch
from IPython.display import Markdown, display

from ganseg_lib.analysis.present.banner import banner
from ganseg_lib.analysis.present.display import Captions
from ganseg_lib.analysis.present.layers import layer_frame
from ganseg_lib.analysis.replication import plots
from ganseg_lib.data.preprocessing import preprocess
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.model.dense import predict_dense, predict_patchwise
from ganseg_lib.model.networks import DCNet, Generator, count_parameters
from ganseg_lib.paper import NOISE_DIM, K
from ganseg_lib.train.checkpoint import load_dcnet

setup = Setup.resolve(
    profile, data, drive_dir or None, runs_dir=runs_dir, chase_dir=chase_dir or None
)
prof = setup.profile
page = Captions()
display(Markdown(banner(prof.name, setup.data, setup.requested)))
print(f"profile {prof.name}: DC net width {prof.width}, generator width {prof.g_width}")
print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")

# %% [markdown]
# ## Generator
#
# > $G$ takes in a 300-D standard normal noise vector to create a fake example, $G(z)$ via a
# > series of deconvolution operations.
# >
# > We apply **instance normalization** after every deconvolution followed by **Rectified linear
# > unit (ReLU)** as non linear activation.
#
# — seed slides "Proposed Model of GAN", "Generator Architecture"
#
# The slides show the layers in a figure without sizes, so the sizes are ours, in the style of
# DCGAN (Radford et al. 2016), which the paper builds on: the noise vector is a 300-channel 1×1
# map, a 4×4 deconvolution makes it 4×4, and deconvolutions of kernel 4 and stride 2 double the
# side four times to 64×64 while the channels halve. The output layer has a tanh instead of
# normalisation + ReLU, so that samples lie in [-1, 1] like the preprocessed patches. FLOPs count
# 2 × multiply-adds of the (de)convolutions for one sample ({numref}`tbl-arch-generator`).

# %% tags=["remove-input"]
print(f"noise dimension {NOISE_DIM}; generator width {prof.g_width} (profile {prof.name})")
page.table(
    layer_frame(Generator(prof.g_width)),
    f"The generator, width {prof.g_width}.",
    name="tbl-arch-generator",
)

# %% [markdown]
# ## DC net and CNN baseline
#
# > DC net is to assign correct class label (vessel or background) to real examples coming from
# > stored training database while assigning $G(z)$ to Fake class.
# >
# > We apply **instance normalization** after every convolution followed by **Leaky Rectified
# > linear unit (LReLU)** as non linear activation.
#
# — seed slides "Proposed Model of GAN", "Discriminator/Classifier Architecture"
#
# Three unpadded convolutions of kernel 4 and stride 2 take the 64×64 patch to a 6×6 map; a 6×6
# convolution (a linear layer over the whole map) gives the logits over
# [vessel, background, fake]. The CNN baseline is the same network with $K = 2$ outputs: the
# generator and the fake class are the only differences between the two methods
# ({numref}`tbl-arch-dcnet` and {numref}`tbl-arch-cnn`).

# %%
dc_net, cnn = DCNet(K + 1, width=prof.width), DCNet(K, width=prof.width)
page.table(
    layer_frame(dc_net),
    f"The DC net (GAN-CNN), width {prof.width}, {K + 1} outputs.",
    name="tbl-arch-dcnet",
)
page.table(
    layer_frame(cnn), f"The CNN baseline, width {prof.width}, {K} outputs.", name="tbl-arch-cnn"
)

# %% [markdown]
# The same networks at width `reference_width` (the `paper` profile's), and the DC net with
# the paper's normalisation (`norm="instance"`) for comparison ({numref}`tbl-arch-instance`
# and {numref}`tbl-arch-sizes`):

# %% tags=["hide-input"]
summary = []
for name, net in [
    (f"generator, width {reference_width}", Generator(reference_width)),
    (f"DC net, width {reference_width}, norm final", DCNet(K + 1, width=reference_width)),
    (
        f"DC net, width {reference_width}, norm instance (paper)",
        DCNet(K + 1, width=reference_width, norm="instance"),
    ),
    (f"CNN, width {reference_width}", DCNet(K, width=reference_width)),
]:
    frame = layer_frame(net)
    summary.append(
        {
            "network": name,
            "parameters": count_parameters(net),
            "MFLOPs per sample": frame["flops"].iloc[-1] / 1e6,
            "layers": len(frame) - 1,
        }
    )
    if "instance" in name:
        page.table(
            frame,
            f"The DC net with the paper's normalisation, width {reference_width}.",
            name="tbl-arch-instance",
        )
page.table(
    pd.DataFrame(summary),
    f"The networks at width {reference_width}.",
    name="tbl-arch-sizes",
    digits=1,
)

# %% [markdown]
# ## Deviation: where the DC net normalises
#
# **Paper:** instance normalisation after every convolution (`norm="instance"` above).
#
# **Ours (`norm="final"`, the default of every profile):** no normalisation between the
# convolutions, and one instance normalisation of the last hidden map (6×6, after its
# LeakyReLU), directly before the linear classifier.
#
# **Reason.** Testing classifies every FOV pixel of 20 images of 584×565 pixels, each through
# its own 64×64 patch: about 4.5 million patches. Neighbouring patches overlap almost entirely,
# so a fully convolutional pass over the whole image could share nearly all the work — but only
# if each patch's output is a fixed function of shared feature maps. An instance normalisation
# *inside* the network computes statistics over each patch's own feature map and feeds them
# through a non-linearity, so every patch needs its own forward pass. With the only
# normalisation directly before the linear classifier, the statistics of each patch's 6×6
# window can be computed from the shared maps by box sums, and the classifier is linear in the
# normalised values: the whole-image evaluation stays exact. What this costs in accuracy was not
# measured against the paper's variant in this book; both variants are in the library
# (`DCNet(norm=...)`, `TrainConfig.norm`).
#
# ## Dense evaluation vs patch-wise evaluation
#
# `ganseg_lib.model.dense.predict_patchwise` is the definition: cut the patch of each pixel and run
# the DC net on it. `predict_dense` computes the same numbers for the whole image at once
# (strides become dilations; the final normalisation is applied per pixel window). Below both
# run on one preprocessed test image: the dense path on every pixel, the patch-wise path on a
# random subset of `n_pixels` pixels, whose time is extrapolated to the whole image (stated as
# an extrapolation, not measured).

# %% tags=["hide-input"]
record = setup.split("test")[0]
image = preprocess(record).image
folder = setup.run_folder(setup.config("gan", prof.sizes[0], prof.seeds[0]))
if folder.checkpoint.is_file():
    dcnet = load_dcnet(folder.path)
    source = f"the trained DC net of {folder.path.name} (profile {prof.name})"
else:
    torch.manual_seed(0)
    dcnet = DCNet(K + 1, width=prof.width).eval()
    source = (
        f"an untrained DC net of width {prof.width} (random weights; no run folder "
        f"{folder.path.name} yet — exactness does not depend on the weights)"
    )
print(f"image {record.image_id}, {image.shape[0]}×{image.shape[1]} pixels; network: {source}")

# %%
t0 = time.perf_counter()
dense = predict_dense(dcnet, image)
t_dense = time.perf_counter() - t0
rng = np.random.default_rng(0)
flat = rng.choice(image.size, size=min(n_pixels, image.size), replace=False)
pixels = np.stack(np.unravel_index(flat, image.shape), axis=1)
t0 = time.perf_counter()
reference = predict_patchwise(dcnet, image, pixels)
t_patch_image = (time.perf_counter() - t0) / len(pixels) * image.size
diff = np.abs(dense[pixels[:, 0], pixels[:, 1]] - reference)
print(f"max |dense − patch-wise| over {len(pixels):,} random pixels: {diff.max():.2e}")
print(
    f"dense: {t_dense:.1f} s for the whole image; patch-wise: {t_patch_image:.0f} s "
    f"(extrapolated from {len(pixels):,} pixels); the benchmark appendix times both carefully"
)

# %% [markdown]
# The two paths differ only by float32 rounding; the library's tests require the difference to
# stay below 1e-4. {numref}`fig-arch-dense` shows the dense map of the image, inside and
# outside the FOV (the evaluation uses only FOV pixels).

# %% tags=["remove-input"]
page.figure(
    plots.plot_probability_maps(record.rgb, None, {"dense vessel probability": dense}),
    f"Test image {record.image_id} and its dense vessel probability map, from "
    f"{source.split(' (')[0]}.",
    name="fig-arch-dense",
)
