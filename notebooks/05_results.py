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
# # Results
#
# Does the GAN-trained classifier beat the same CNN trained without the generator, as the
# paper's results table says, when both are run by the same code on DRIVE?

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
profile: str = "smoke"  # this build's run profile: smoke, cpu or paper
data: str = "auto"  # data source: auto (DRIVE when found, else the phantom), drive, chase, phantom
drive_dir: str = ""  # DRIVE folder; empty: $GANSEG_DRIVE_DIR
chase_dir: str = ""  # CHASE_DB1 folder; empty: $GANSEG_CHASE_DIR
results_dir: str = "results"  # this build's run records (JSON): results_dir/<profile>/<data>/
evidence_dir: str = "results"  # the committed run records (the evidence)
runs_dir: str = "runs"  # run folders (checkpoints for the segmentation maps)
map_image: int = 0  # index of the test image whose segmentation maps are shown
map_sizes: list = [15_000, 30_000]  # sizes to look for in this build's run folders

# %% tags=["remove-input"]
from pathlib import Path

from IPython.display import Markdown, display

from ganseg_lib.analysis.present.banner import banner, is_evidence, load_evidence, records_banner
from ganseg_lib.analysis.present.display import Captions
from ganseg_lib.analysis.replication import headline, plots
from ganseg_lib.analysis.replication.aggregate import (
    aggregate,
    failed_runs,
    image_comparison,
    ok_runs,
)
from ganseg_lib.analysis.replication.generalisation import generalisation_table
from ganseg_lib.analysis.replication.maps import find_pair, pair_maps
from ganseg_lib.analysis.replication.rerun import rerun_sentence, rerun_table
from ganseg_lib.analysis.replication.tables import (
    format_results_table,
    literature_table,
    results_table,
    run_table,
)
from ganseg_lib.analysis.study.records import protocol_arms
from ganseg_lib.data.source import load_split
from ganseg_lib.errors import DataError
from ganseg_lib.evaluate.cross import cross_summary, cross_table
from ganseg_lib.evaluate.record import CROSS_FOLDER, load_results
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.train.profiles import EVIDENCE_PROFILE

setup = Setup.resolve(
    profile, data, drive_dir or None, results_dir, runs_dir, chase_dir=chase_dir or None
)
evidence = load_evidence(evidence_dir)
own = load_results(setup.results_dir, profile=setup.profile.name, data=setup.data)
own_is_evidence = is_evidence(setup.profile, setup.data)
page = Captions()

# %% [markdown]
# ## The answer
#
# Under the paper's protocol our GAN-CNN beats our CNN in the paper's direction at 15K and 30K
# labelled patches, by a smaller margin than the paper's, and the two are equivalent at 150K.
# The verdicts, computed from the committed records by the rules of the report chapter:

# %% tags=["remove-input"]
if len(ok_runs(evidence)):
    display(Markdown(headline.verdict_summary(evidence)))
display(Markdown(banner(EVIDENCE_PROFILE, "drive", "drive", scope="until the last section")))

# %% [markdown]
# Every number here is computed from run records
# (`results_dir/<profile>/<data>/<method>-n<N>-s<seed>.json`): first the committed DRIVE records
# of the `cpu` profile, the replication's evidence; then, in a folded section, the runs this
# build made itself. The tables come from `ganseg_lib.analysis.replication.tables`; which
# records and which code made them is in the folded section at the end of the page.
#
# ## The paper's results
#
# > In retinal vessel segmentation literature, area under the **Receiver Operation Curve**,
# > i.e., **AUC** is taken as a standard metric of comparison. A **larger AUC** signifies a
# > **better segmenter**.
# >
# > | Dataset Size | GAN-CNN | CNN | p-value |
# > |---|---|---|---|
# > | 150K | 0.962 | 0.960 | 0.1 |
# > | 30K | 0.945 | 0.921 | $10^{-3}$ |
# > | 15K | 0.931 | 0.916 | $10^{-5}$ |
# >
# > Conclusion: **p-value (Welch's t-test)** indicates that there is **significant difference**
# > between the **mean AUCs** of the **proposed method** and **simple CNN**, specially when
# > trained on smaller training sets. The **null hypothesis** in this case is that the **mean
# > AUCs** of both paradigms of segmenters are **same**.
#
# — seed slide "Results"
#
# The slides do not say over what units the Welch test ran (repeated trainings, or test
# images). We report three tests, each treating another unit as independent:
#
# * **Welch across seeds** (the verdicts' test): each run's score is its mean AUC over the test
#   images; the table gives the mean ± sd of these scores over seeds, and the 95% CI of the
#   difference is Welch's;
# * **paired by seed**: each seed's GAN-CNN run against the CNN run that drew the same labelled
#   patches;
# * **paired by test image**: the 20 test images, each image's AUC averaged over the seeds both
#   methods have. It sees the variation between images but not between trainings, so it is much
#   easier to pass (the report chapter says why the verdicts use the seeds).
#
# The pooled AUC pools all FOV pixels of the test images into one ROC curve, as the slides' ROC
# figure does. Failed runs are listed below the table and never averaged.
#
# ## Our results: profile `cpu`, DRIVE

# %% tags=["remove-input"]
if not len(ok_runs(evidence)):
    display(Markdown(f"**No committed evidence records under `{evidence_dir}`.**"))
else:
    page.table(
        format_results_table(results_table(evidence)),
        "Mean test AUC of the GAN-CNN and the CNN per dataset size, ours beside the paper's.",
        name="tbl-results-auc",
    )
    page.figure(
        plots.plot_auc_summary(
            aggregate(evidence), title="mean test AUC per dataset size", runs=ok_runs(evidence)
        ),
        "Mean test AUC ± sd over seeds (large dots), each seed's run (small dots), the paper "
        "(stars).",
        name="fig-results-auc",
    )
    page.figure(
        plots.plot_roc_curves(list(ok_runs(evidence)["record"]), title="pooled ROC curves"),
        "Pooled ROC curves: one thin line per seed, the bold line their vertical average.",
        name="fig-results-roc",
    )
    page.figure(
        plots.plot_image_differences(image_comparison(evidence), title="per-image differences"),
        "GAN-CNN AUC minus CNN AUC per test image, each averaged over seeds.",
        name="fig-results-images",
    )
    failed = failed_runs(evidence)
    if len(failed):
        page.table(failed, "Failed runs (listed, never averaged).", name="tbl-results-failed")
    page.table(
        run_table(evidence),
        f"Every run ({len(evidence)}), with its per-run numbers.",
        name="tbl-results-runs",
    )

# %% [markdown]
# {numref}`tbl-results-auc` sets our mean AUCs beside the paper's; {numref}`fig-results-auc`
# shows the same numbers with each seed's run, and the paper's values as stars. In the ROC panels
# of {numref}`fig-results-roc` each thin line is one seed's pooled ROC curve and the bold line
# their vertical average. {numref}`fig-results-images` shows, per test image, how much higher the
# GAN-CNN's AUC is than the CNN's (each averaged over seeds): the data of the per-image tests.
# The folded {numref}`tbl-results-runs` lists every run.
#
# > ROC curves of proposed GAN-CNN and simple CNN on the combined 20 test images of DRIVE retina
# > dataset. Curves of **GAN-CNN** always tends to be **higher** on the ROC plots compared to
# > **simple CNN** based segmenter.
#
# — seed slide "Results"
#
# ## With a DC net that keeps real patches out of the fake class, and with the generator fix
#
# The replication's DC net ends up calling every patch fake, real ones included, and its
# generator never draws a fundus patch (the training chapter's generator check). Two variants of
# the GAN-CNN are run again at 15K and 30K (paper protocol otherwise, `cpu` budget, seeds 0–4)
# and set against a CNN by the replication's rule:
#
# * **the real-data term** — −E_x log(1 − p_DC(fake | x)) on the labelled real patches in the DC
#   loss keeps real patches out of the fake class; its generator still draws no vessel. Against
#   the replication's CNN records.
# * **the generator fix** — the check's fix (`GENERATOR_FIX`): the real-data term, a DC net
#   without normalisation, batch norm and resize-convolutions in G, lr 2e-4 for both networks.
#   Its samples show vessels, though a classifier still tells them from real patches (the
#   training chapter). It changes the DC net and its learning rate too, so it is set against the
#   replication's CNN and against a CNN with the same DC net and optimiser (`cnn-lr0.0002-b0.5-
#   normnone`), which separates what the generator adds from what the DC net's change does.
#
# The variants run the library's fused step; the replication's GAN-CNN and CNN keep theirs. A
# size shows a variant once it has a record there; while seeds are missing the table says how
# many each side has.

# %% tags=["remove-input"]
rerun = rerun_table(evidence_dir)
if len(rerun):
    page.table(
        rerun,
        "Claims 1 and 2 with the GAN-CNN as replicated, with the real-data term and with the "
        "generator fix, each against the CNN named in its row (Welch across seeds; the "
        "verdict by the replication's rule).",
        name="tbl-results-rerun",
    )
    display(Markdown(rerun_sentence(rerun)))
else:
    display(Markdown("**No run of a variant of the GAN-CNN is recorded yet.**"))

# %% [markdown]
# ## Comparison with the literature
#
# > Comparison of mean AUC of some of the contemporary deep learning based retinal vessel
# > segmentation algorithm. [...] Even with **smaller dataset size**, our proposed method
# > performs **comparable** (sometimes even better) than the competing techniques trained with
# > **2X-10X times more training data**.
#
# — seed slide "Results"
#
# The literature rows are the paper's numbers, not re-run here; our rows are the `cpu` profile's
# mean AUC over seeds. Our CNN is listed too: a level it reaches as well says nothing about the
# GAN. The methods differ in preprocessing, test protocol and data, so the comparison is
# indicative only.

# %% tags=["remove-input"]
page.table(
    literature_table(evidence, "ours: profile cpu, DRIVE (recorded)"),
    "Mean AUC on DRIVE: the paper's comparison with the literature, and our runs.",
    name="tbl-results-literature",
)

# %% [markdown]
# {numref}`tbl-results-literature` gives the paper's comparison with our two methods added.
#
# ## A second dataset: CHASE_DB1
#
# The paper tests its claim on DRIVE alone. CHASE_DB1 (28 images of children's eyes, 999×960,
# images 1–20 for training and 21–28 for testing, the first observer as ground truth) repeats the
# paper's grid with the same `cpu` profile, code and verdict rules
# (`ganseg grid --profile cpu --data chase --sizes 15000 30000`); its records land in
# `results/cpu/chase/` and appear here as they are committed.

# %% tags=["remove-input"]
chase = load_results(evidence_dir, profile=EVIDENCE_PROFILE, data="chase", paper_arms=True)
if len(ok_runs(chase)):
    page.table(
        format_results_table(results_table(chase, sorted(set(chase["n_patches"]), reverse=True))),
        "CHASE_DB1: mean test AUC of the GAN-CNN and the CNN per dataset size (the paper's "
        "columns are its DRIVE numbers).",
        name="tbl-results-chase",
    )
    page.figure(
        plots.plot_roc_curves(list(ok_runs(chase)["record"]), title="CHASE_DB1: pooled ROC"),
        "CHASE_DB1 pooled ROC curves: one thin line per seed, the bold line their vertical "
        "average.",
        name="fig-results-chase-roc",
    )
else:
    display(Markdown("**CHASE_DB1: no `cpu` record is committed yet.**"))

# %% [markdown]
# ## Across datasets
#
# A model trained on one dataset, tested on another's test images: at native scale, and with
# scale normalisation (each image resized so that its field of view is as wide as the training
# data's, the map resized back). The paper's motivation is representation learning; whether the
# GAN-CNN generalises better than the CNN is a direct test of it. Each row is a model whose
# DC-net weights are kept beside its record, with its own test AUC beside the other dataset's.

# %% tags=["remove-input"]
across = cross_summary(cross_table(Path(evidence_dir) / CROSS_FOLDER))
if len(across):
    page.table(
        across.round(4),
        "Cross-dataset mean test AUC (over seeds), native and scale-normalised, beside the same "
        "models' AUC on their own test images.",
        name="tbl-results-cross",
    )
else:
    display(Markdown("**No cross-dataset result is committed yet** (`ganseg cross`)."))

# %% [markdown]
# Does the GAN-CNN generalise better? Where both methods of a protocol have cross-dataset
# results, the table gives GAN−CNN in mean AUC on the other dataset's test images (Welch across
# seeds with its 95% CI, the paired test by seed beside it) and GAN−CNN in the drop from each
# model's own test AUC: a representation that generalises better scores higher on the target, or
# loses less. Both directions are shown where they were run (CHASE_DB1 → DRIVE: the replication's
# CHASE_DB1 records, paper protocol; DRIVE → CHASE_DB1: the study's 15K records, paper and fair
# protocol), each at native scale and scale-normalised: the two scalings can disagree, so neither
# is quoted alone.

# %% tags=["remove-input"]
general = generalisation_table(
    cross_table(Path(evidence_dir) / CROSS_FOLDER), protocol_arms(evidence_dir)
)
if len(general):
    page.table(
        general,
        "GAN-CNN against the CNN on the other dataset's test images.",
        name="tbl-results-generalisation",
        digits=4,
    )
else:
    display(Markdown("**No cross-dataset result has both methods of the paper's protocol yet.**"))

# %% [markdown]
# ## Segmentation maps
#
# > Sample Fundus Image / Ground Truth / CNN trained on 15K / GAN-CNN trained on 15K / CNN
# > trained on 30K / GAN-CNN trained on 30K
#
# — seed slides "Results"
#
# The next figure shows what the two methods make of one test image: the image and its manual
# annotation, the vessel probability maps of the GAN-CNN and the CNN of one seed (the same
# labelled patches; the exact dense evaluation, pixels outside the FOV shown as 0, each titled
# with that image's AUC), and where the two maps differ. The trained DC nets come from the
# weights kept beside the study's records (paper protocol), else beside the `cpu` records, else
# from this build's own runs; the caption names the source. The committed `cpu` records predate
# these weight files, so their own maps cannot be drawn.

# %% tags=["remove-input"]
pair = find_pair(evidence_dir, own, setup.runs_dir, setup.profile.name, setup.data, map_sizes)
try:
    test_image = (
        load_split(pair.data, "test", setup.drive_dir, chase_dir=setup.chase_dir)[map_image]
        if pair
        else None
    )
except DataError:  # the pair's data source is not on this machine
    test_image = None
if test_image is not None:
    page.figure(
        plots.plot_segmentation_pair(
            test_image.rgb,
            test_image.vessels,
            pair_maps(pair, test_image),
            test_image.fov,
            f"test image {test_image.image_id} ({pair.data})",
        ),
        f"Test image {test_image.image_id}, its ground truth, the GAN-CNN's and the CNN's vessel "
        f"probability maps and their difference; DC nets from {pair.label}"
        + (
            " (a smoke run: a check of the pipeline, not of the method)."
            if pair.profile == "smoke"
            else "."
        ),
        name="fig-results-maps",
    )
elif pair is None:
    display(
        Markdown(
            "**No segmentation figure yet:** no pair of trained GAN-CNN and CNN DC nets was "
            "found (weights beside the study's or the cpu records, or this build's own runs)."
        )
    )
else:
    display(Markdown(f"**No segmentation figure:** the test images of {pair.data} are missing."))

# %% [markdown]
# ## Runs made by this build
#
# The runs this build trained itself, rendered with the same functions, in the folded output
# below.

# %% tags=["remove-input", "hide-output"]
display(Markdown(banner(setup.profile, setup.data, setup.requested, scope="in this section")))
display(Markdown(records_banner(own, setup.results_dir, "This build")))
if len(ok_runs(own)) and not own_is_evidence:
    page.table(
        format_results_table(results_table(own)),
        "This build's mean test AUC.",
        name="tbl-results-own-auc",
    )
    page.figure(
        plots.plot_auc_summary(aggregate(own), runs=ok_runs(own)),
        "This build's mean test AUC per dataset size.",
        name="fig-results-own-auc",
    )
    page.figure(
        plots.plot_roc_curves(list(ok_runs(own)["record"])),
        "This build's pooled ROC curves.",
        name="fig-results-own-roc",
    )
    page.table(
        run_table(own), f"Every run of this build ({len(own)}).", name="tbl-results-own-runs"
    )

# %% [markdown]
# ## Provenance
#
# Which records this page reads and which commits of the code made them, in the folded output
# below.

# %% tags=["remove-input", "hide-output"]
display(Markdown(records_banner(evidence, evidence_dir, "Evidence (DRIVE)")))
display(Markdown(records_banner(chase, evidence_dir, "Evidence (CHASE_DB1)")))
