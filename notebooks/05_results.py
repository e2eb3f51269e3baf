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
# The paper's results table, ROC curves, segmentation maps and literature comparison, each with
# our numbers beside the paper's. Every number here is computed from run records
# (`results_dir/<profile>/<data>/<method>-n<N>-s<seed>.json`): first the committed DRIVE records of
# the `cpu` profile, the replication's evidence; then, in a folded section, the runs this build
# made itself. The tables come from `ganseg_lib.analysis.tables`.

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
data: str = "auto"  # data source: auto (DRIVE when found, else the phantom), drive or phantom
drive_dir: str = ""  # DRIVE folder; empty: $GANSEG_DRIVE_DIR
results_dir: str = "results"  # run records (JSON): results_dir/<profile>/<data>/
runs_dir: str = "runs"  # run folders (checkpoints for the segmentation maps)
map_image: int = 0  # index of the test image whose segmentation maps are shown
map_sizes: list = [15_000, 30_000]  # dataset sizes of the segmentation maps (as the slides)

# %% tags=["remove-input"]
from IPython.display import Markdown, display

from ganseg_lib.analysis import plots
from ganseg_lib.analysis.aggregate import aggregate, failed_runs, image_comparison, ok_runs
from ganseg_lib.analysis.banner import banner, is_evidence, load_evidence, records_banner
from ganseg_lib.analysis.display import show_table
from ganseg_lib.analysis.maps import segmentation_maps
from ganseg_lib.analysis.tables import (
    format_results_table,
    literature_table,
    results_table,
    run_table,
)
from ganseg_lib.evaluate.record import load_results
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.paper import size_label
from ganseg_lib.train.config import EVIDENCE_PROFILE

setup = Setup.resolve(profile, data, drive_dir or None, results_dir, runs_dir)
evidence = load_evidence(setup.results_dir)
own = load_results(setup.results_dir, profile=setup.profile.name, data=setup.data)
own_is_evidence = is_evidence(setup.profile, setup.data)
display(Markdown(banner(EVIDENCE_PROFILE, "drive", "drive", scope="until the last section")))
display(Markdown(records_banner(evidence, setup.results_dir, "Evidence")))

# %% [markdown]
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
show_table(format_results_table(results_table(evidence)))
plots.show(
    plots.plot_auc_summary(
        aggregate(evidence), title="mean test AUC per dataset size", runs=ok_runs(evidence)
    )
)
plots.show(plots.plot_roc_curves(list(ok_runs(evidence)["record"]), title="pooled ROC curves"))
plots.show(plots.plot_image_differences(image_comparison(evidence), title="per-image differences"))
failed = failed_runs(evidence)
if len(failed):
    show_table(failed, caption="failed runs (not averaged)")
show_table(run_table(evidence), summary=f"Every run ({len(evidence)})")

# %% [markdown]
# The chart shows our mean AUC ± sd over seeds (large dots with bars), each seed's run (small
# dots beside them) and the paper's values (stars) per dataset size. In the ROC panels each thin
# line is one seed's pooled ROC curve and the bold line their vertical average. The bar chart
# shows, per test image, how much higher the GAN-CNN's AUC is than the CNN's (each averaged over
# seeds): the data of the per-image tests. The folded table lists every run.
#
# > ROC curves of proposed GAN-CNN and simple CNN on the combined 20 test images of DRIVE retina
# > dataset. Curves of **GAN-CNN** always tends to be **higher** on the ROC plots compared to
# > **simple CNN** based segmenter.
#
# — seed slide "Results"
#
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
show_table(literature_table(evidence, "ours: profile cpu, DRIVE (recorded)"))

# %% [markdown]
# ## Runs made by this build
#
# The runs this build trained itself, rendered with the same functions, in the folded output
# below; the segmentation maps need their checkpoints, which only a build's own runs have.
#
# > Sample Fundus Image / Ground Truth / CNN trained on 15K / GAN-CNN trained on 15K / CNN
# > trained on 30K / GAN-CNN trained on 30K
#
# — seed slides "Results"
#
# The maps are vessel probability maps of one test image from the lowest seed that both methods
# have at each size (the exact dense evaluation; pixels outside the FOV shown as 0); the AUC in
# each title is that image's AUC over its FOV pixels.

# %% tags=["remove-input", "hide-output"]
display(Markdown(banner(setup.profile, setup.data, setup.requested, scope="in this section")))
display(Markdown(records_banner(own, setup.results_dir, "This build")))
if len(ok_runs(own)) and not own_is_evidence:
    show_table(format_results_table(results_table(own)))
    plots.show(plots.plot_auc_summary(aggregate(own), runs=ok_runs(own)))
    plots.show(plots.plot_roc_curves(list(ok_runs(own)["record"])))
    show_table(run_table(own), summary=f"Every run ({len(own)})")
record = setup.split("test")[map_image]
for n in map_sizes:
    seed, maps = segmentation_maps(own, setup.runs_dir, n, record) if len(own) else (None, {})
    if maps:
        title = f"test image {record.image_id}, seed {seed}"
        plots.show(plots.plot_probability_maps(record.rgb, record.vessels, maps, record.fov, title))
    else:
        print(f"{size_label(n)}: no checkpoints of both methods under {setup.runs_dir}: no maps")
