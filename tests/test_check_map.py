"""Every checked generator at a glance (:mod:`ganseg_lib.analysis.study.check_map`): one point per
check of each source, grouped, with the pass rule applied as the tables apply it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from matplotlib.colors import to_rgba

from ganseg_lib.analysis.replication.sample_looks import Look
from ganseg_lib.analysis.study import check_map as CM
from ganseg_lib.analysis.study import fewer_generators as FG
from ganseg_lib.evaluate.generator_check import MAX_TWO_SAMPLE_ACCURACY
from ganseg_lib.experiment import fewer_labels as F
from ganseg_lib.experiment import fewer_labels_passing as P
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.train.profiles import get_profile

ROOT = Path(__file__).resolve().parents[1]


def _entry(config, accuracy: float, ratio: float = 0.9) -> dict:
    return {
        "cell": config.cell,
        "config": config.to_json(),
        "diversity_ratio": ratio,
        "two_sample_accuracy": accuracy,
        "p_fake_real": 0.5,
        "fake_detect": 0.9,
        "iterations": 5_000,
        "threads": 1,
    }


def test_each_check_is_one_point_of_its_group_and_passes_by_the_whole_rule(tmp_path, monkeypatch):
    results = tmp_path / "results"
    (results / "generator").mkdir(parents=True)
    working = (ROOT / "results" / "generator" / "working.json").read_text()
    (results / "generator" / "working.json").write_text(working)
    second = Setup(get_profile(P.PROFILE), "drive", "drive", results_dir=results)
    gan = P.ARM["gan-passing"]
    passing = [F.arm_config(second, gan, 1_000, s, gan.grid[0]) for s in F.TUNING_SEEDS]
    checks = {c.cell: _entry(c, a) for c, a in zip(passing, (0.94, 0.97))}
    FG.check_folder(results, "drive").mkdir(parents=True)
    (FG.check_folder(results, "drive") / FG.CHECKS).write_text(json.dumps(checks))
    first = Setup(get_profile(F.PROFILE), "drive", "drive", results_dir=results)
    ssgan = F.ARM["ssgan"]
    ss = F.arm_config(first, ssgan, 1_000, 100, ssgan.grid[0])
    FG.check_folder(results, "drive", F.PROFILE).mkdir(parents=True)
    (FG.check_folder(results, "drive", F.PROFILE) / FG.CHECKS).write_text(
        json.dumps({ss.cell: _entry(ss, 0.90, 0.3)})  # accurate enough, but collapsed
    )
    # the first passing run has vessels seen; the second fails on accuracy whatever its look
    looks = {f"drive/{c.cell}": Look(True, "vessels") for c in passing}
    monkeypatch.setattr(FG, "PASSING_LOOKS", looks)
    monkeypatch.setattr(FG, "FIRST_LOOKS", {f"drive/{ss.cell}": Look(True, "vessels")})
    points = CM.check_points(results)
    counts = points.groupby("group", sort=False)["passes"].agg(["size", "sum"])
    n_working = len(json.loads(working))
    assert counts.to_dict("index") == {
        CM.WORKING: {"size": n_working, "sum": n_working},  # all pass, as in the training chapter
        CM.PASSING: {"size": 2, "sum": 1},
        "first registration: ssgan (after the fact)": {"size": 1, "sum": 0},
    }
    row = points.set_index("cell").loc[passing[1].cell]
    assert row["two-sample accuracy"] == 0.97 and row["diversity ratio"] == 0.9
    fig = CM.plot_check_map(points)
    (ax,) = fig.axes
    drawn = {c.get_label(): c for c in ax.collections}
    label = f"{CM.PASSING}: 1 of 2 pass"
    assert label in drawn and f"{CM.WORKING}: {n_working} of {n_working} pass" in drawn
    # every point is drawn once, filled where it passes
    offsets = np.concatenate([c.get_offsets() for c in ax.collections])
    assert len(offsets) == len(points)
    filled = [
        len(c.get_offsets())
        for c in ax.collections
        if len(c.get_facecolors()) and to_rgba(c.get_facecolors()[0])[3] > 0
    ]
    assert sum(filled) == int(points["passes"].sum())
    assert ax.get_xlim()[1] > 1.0 and ax.get_xlim()[0] < MAX_TWO_SAMPLE_ACCURACY


def test_without_checks_the_map_is_empty_and_still_drawn(tmp_path):
    points = CM.check_points(tmp_path / "results")
    assert points.empty
    (ax,) = CM.plot_check_map(points).axes
    assert not ax.collections
