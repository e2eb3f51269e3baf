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
# our numbers beside the paper's. Every number here is computed from the run records written by
# the training chapter (`results_dir/<profile>/<data>/<method>-n<N>-s<seed>.json`); the tables
# are built by `ganseg_lib.analysis.report`.

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
results_dir: str = "results"  # run records (JSON) of this profile
runs_dir: str = "runs"  # run folders (checkpoints for the segmentation maps)
published_results_dir: str = "results"  # the committed records (results/cpu/drive)
map_image: int = 0  # index of the test image whose segmentation maps are shown
map_sizes: list = [15_000, 30_000]  # dataset sizes of the segmentation maps (as the slides)

# %% tags=["remove-input"]
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from ganseg_lib.analysis import plots, report
from ganseg_lib.data.source import load_split, resolve_data
from ganseg_lib.evaluate.metrics import image_auc
from ganseg_lib.evaluate.results import load_results, predict_map
from ganseg_lib.train.training import load_dcnet

pd.set_option("display.max_colwidth", None)  # show table cells in full
drive_dir_opt = drive_dir or None  # papermill passes "" for "not given"
data_name = resolve_data(data, drive_dir_opt)
display(Markdown(report.banner(profile, data_name, data)))
df = load_results(results_dir, profile=profile, data=data_name)
ok = report.ok_runs(df)
print(
    f"{len(df)} run records under {Path(results_dir) / profile / data_name}: {len(ok)} ok, "
    f"{len(df) - len(ok)} failed"
)


def show_results(frame, label: str) -> None:
    """The results table, the mean-AUC chart and the ROC curves of a set of records."""
    table = report.results_table(frame)
    display(report.format_results_table(table))
    agg = report.aggregate(frame)
    ok_frame = report.ok_runs(frame)
    if len(ok_frame):
        plots.show(
            plots.plot_auc_summary(
                agg, title=f"mean test AUC per dataset size — {label}", runs=ok_frame
            )
        )
        plots.show(
            plots.plot_roc_curves(
                list(report.ok_runs(frame)["record"]), title=f"pooled ROC curves — {label}"
            )
        )
        plots.show(
            plots.plot_image_differences(
                report.image_comparison(frame), title=f"per-image differences — {label}"
            )
        )
    display(Markdown(f"**Every run ({len(frame)}), {label}:**"))
    display(report.run_table(frame))


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
# images). We report both:
#
# * **over seeds** (our primary test): each run's score is its mean AUC over the test images;
#   the table gives the mean ± sd of these scores over seeds, and Welch's test compares the two
#   methods' per-seed scores. The 95% CI is that of the difference of the means (Welch);
# * **over images** (extras): Welch's test and the paired t-test across the 20 test images,
#   each image's AUC averaged over the seeds both methods have; these tests see the variation
#   between images but not between trainings, so they are easier to pass.
#
# The pooled AUC pools all FOV pixels of the test images into one ROC curve, as the slides' ROC
# figure does. Failed runs are listed below the table and never averaged.

# %% [markdown]
# ## Our results

# %% tags=["remove-input"]
if len(df):
    show_results(df, f"profile {profile}, {data_name}")
    failed = report.failed_runs(df)
    if len(failed):
        print("failed runs (not averaged):")
        display(failed)
    else:
        print("no failed runs")
else:
    display(
        Markdown(
            f"No run records for profile `{profile}` and data `{data_name}` under "
            f"`{results_dir}`: run the training chapter first (`make book` does)."
        )
    )

# %% [markdown]
# The chart shows our mean AUC ± sd over seeds (large dots with bars), each seed's run (small
# dots beside them) and the paper's values (stars) per dataset size; a size without our dot has
# no successful run. In the ROC panels each thin line is one seed's pooled ROC curve and the
# bold line their vertical average. The bar chart shows, per test image, how much higher the
# GAN-CNN's AUC is than the CNN's (each averaged over seeds): the data of the per-image tests.
# The table under them lists every run, failed ones included.
#
# > ROC curves of proposed GAN-CNN and simple CNN on the combined 20 test images of DRIVE retina
# > dataset. Curves of **GAN-CNN** always tends to be **higher** on the ROC plots compared to
# > **simple CNN** based segmenter.
#
# — seed slide "Results"
#
# ## Segmentation maps
#
# > Sample Fundus Image / Ground Truth / CNN trained on 15K / GAN-CNN trained on 15K / CNN
# > trained on 30K / GAN-CNN trained on 30K
#
# — seed slides "Results"
#
# The vessel probability maps of one test image, from the lowest seed that both methods have at
# each size (computed here from the runs' checkpoints with the exact dense evaluation; pixels
# outside the FOV shown as 0). The AUC in each title is that image's AUC over its FOV pixels.

# %% tags=["hide-input"]
test_records = load_split(data_name, "test", drive_dir_opt)
record = test_records[map_image]
shown = False
for n in map_sizes:
    cmp = report.compare_size(df, n) if len(df) else None
    if cmp is None or cmp.image_seed is None:
        print(f"{report.size_label(n)}: no successful runs of both methods: no maps")
        continue
    maps = {}
    for method in ("cnn", "gan"):
        folder = report.run_folder(runs_dir, profile, data_name, method, n, cmp.image_seed)
        if not (folder / "checkpoint.pt").is_file():
            break
        prob = predict_map(load_dcnet(folder), record)
        auc = image_auc(prob, record.vessels, record.fov)
        maps[f"{plots.METHOD_LABELS[method]} trained on {report.size_label(n)} (AUC {auc:.3f})"] = (
            prob
        )
    if len(maps) < 2:
        print(
            f"{report.size_label(n)}: the run folders of seed {cmp.image_seed} are not under "
            f"{runs_dir} (records are kept, checkpoints are not committed): no maps"
        )
        continue
    plots.show(
        plots.plot_probability_maps(
            record.rgb,
            record.vessels,
            maps,
            fov=record.fov,
            title=f"test image {record.image_id}, seed {cmp.image_seed}",
        )
    )
    shown = True
if not shown:
    display(Markdown("No segmentation maps: no run folder with a checkpoint was found."))

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
# The literature rows are the paper's numbers, not re-run here; our rows are this profile's
# mean AUC over seeds. The methods differ in preprocessing, test protocol and data, so the
# comparison is indicative only.

# %% tags=["remove-input"]
display(report.literature_table(df if len(df) else None, f"ours: profile {profile}, {data_name}"))

# %% [markdown]
# ## Published replication (profile cpu, DRIVE)
#
# The repository commits the records of the `cpu` profile's runs on DRIVE
# (`results/cpu/drive/*.json`, numbers only). This section renders those **recorded runs** with
# the same functions as above, whatever profile built this page; it does not re-run them.

# %% tags=["remove-input"]
if profile == "cpu" and data_name == "drive":
    display(
        Markdown(
            "This page was built with the `cpu` profile on DRIVE: the tables above are "
            "the published replication's."
        )
    )
else:
    published = load_results(published_results_dir, profile="cpu", data="drive")
    if len(published):
        created = sorted(r["provenance"].get("created", "") for r in published["record"])
        commits = sorted({str(r["provenance"].get("git_commit"))[:10] for r in published["record"]})
        display(
            Markdown(
                f"**Recorded runs: profile `cpu`, DRIVE — {len(published)} "
                f"record{'s' if len(published) != 1 else ''} under "
                f"`{Path(published_results_dir) / 'cpu' / 'drive'}`, created {created[0]} to "
                f"{created[-1]}, commits {', '.join(commits)}.** "
                + report.banner("cpu", "drive", "drive", scope="in this section")
            )
        )
        show_results(published, "recorded runs, profile cpu, DRIVE")
        failed = report.failed_runs(published)
        if len(failed):
            print("failed runs (not averaged):")
            display(failed)
        display(report.literature_table(published, "ours: profile cpu, DRIVE (recorded)"))
    else:
        display(
            Markdown(
                f"No recorded runs of the `cpu` profile on DRIVE were found under "
                f"`{published_results_dir}`."
            )
        )
