"""The second registration of "Fewer labels": the GAN-CNN whose generator passed the check."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from ganseg_lib.experiment import fewer_labels as F
from ganseg_lib.experiment import fewer_labels_passing as P
from ganseg_lib.experiment.preregistration import read_preregistration
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.train.config import WORKING_GENERATOR
from ganseg_lib.train.profiles import get_profile

ROOT = Path(__file__).resolve().parents[1]


def _setup(tmp, data="phantom"):
    return Setup.resolve(P.PROFILE, data, None, tmp / "results", tmp / "runs")


def test_its_arms_share_the_dc_net_the_generator_passed_with(tmp_path):
    setup = _setup(tmp_path)
    first, second = get_profile(F.PROFILE), get_profile(P.PROFILE)
    # the first registration's budget, sizes and seeds; the DC net of cpu-dc32
    assert (second.sizes, second.seeds, second.iterations) == (
        first.sizes,
        first.seeds,
        first.iterations,
    )
    assert (second.width, second.g_width) == (get_profile("cpu-dc32").width, 16) == (32, 16)
    gan = F.arm_config(setup, P.ARM["gan-passing"], 1_000, 100, F.LR_BETA[0])
    cnn = F.arm_config(setup, P.ARM["cnn-dc32"], 1_000, 100, F.LR_BETA[0])
    for key, value in WORKING_GENERATOR.items():
        if key != "lr":  # tuned, like every tuned arm of the study
            assert getattr(gan, key) == value, key
    assert gan.protocol == cnn.protocol == "fair"
    assert (gan.width, gan.norm) == (cnn.width, cnn.norm) == (32, "none")
    assert (gan.lr, gan.betas) == (cnn.lr, cnn.betas) == (1e-4, (0.5, 0.999))


def test_its_plan_is_the_first_registrations_with_its_own_arms(tmp_path):
    setup = _setup(tmp_path)
    tuning = F.tuning_cells(setup, P.ARMS)
    assert len(tuning) == 2 * 4 * 2  # two arms, lr × β1, seeds 0–1
    assert [a.name for a, _ in tuning[:8]] == ["cnn-dc32"] * 8  # the CNN's candidates first
    assert {c.n_patches for _, c in tuning} == {F.TUNING_SIZE}
    assert {c.seed for _, c in tuning} == set(F.TUNING_SEEDS)
    drive = F.planned_cells(arms=P.ARMS)
    assert len(drive) == len(set(drive)) == 2 * 3 * len(F.SEEDS)
    assert {n for _, n, _ in drive[: 2 * len(F.SEEDS)]} == {1_000}
    chase = F.planned_cells(chase=True, arms=P.ARMS)
    assert {(a.name, n) for a, n, _ in chase} == {("cnn-dc32", 1_000), ("gan-passing", 1_000)}
    assert {s for _, _, s in chase} == set(F.CHASE_SEEDS)
    # the first registration's plan is unchanged
    assert len(F.tuning_cells(setup)) == 48 and len(F.planned_cells()) == 128
    # its records live apart from the first registration's
    path = setup.record_path(tuning[-1][1]).as_posix()
    assert f"/{P.PROFILE}/" in path and f"/{F.PROFILE}/" not in path


def test_its_hypotheses_name_its_records_and_arms():
    registration = read_preregistration(ROOT / P.HYPOTHESES)
    assert registration.study == P.STUDY
    assert registration.records == f"results/{P.PROFILE}/drive"
    assert [h["id"] for h in registration.hypotheses] == ["P1", "P2", "P3", "P4"]
    for h in registration.hypotheses:
        assert "gan-passing" in h["test"] and "cnn-dc32" in h["test"], h["id"]


def test_the_runner_runs_its_arms_under_its_own_registration(monkeypatch):
    calls = []
    monkeypatch.setattr(P, "run_fewer_labels", lambda *a: calls.append(a) or 0)
    P.run_fewer_labels_passing("drive", None, "cpu", 0.0, print)
    (args,) = calls
    assert args[5] is P.ARMS and args[6] == P.HYPOTHESES


def _record(config, best: float, val: float = 0.9, history: list[dict] | None = None):
    from ganseg_lib.evaluate.record import RunRecord

    return RunRecord(
        P.PROFILE,
        "ok",
        config,
        "runs/x",
        {"best_val_auc": val},
        {},
        {},
        evaluation={"mean_auc": best - 0.001},
        evaluation_best={"mean_auc": best, "iteration": 100},
        history=history,
    )


def test_its_verdicts_follow_its_rules_on_its_own_records(tmp_path):
    from scipy import stats

    from ganseg_lib.analysis.study import fewer_verdicts as FV
    from ganseg_lib.analysis.study.verdicts import NOT_YET_RUN, SUPPORTED
    from ganseg_lib.evaluate.record import write_record

    drive = Setup(get_profile(P.PROFILE), "drive", "drive", results_dir=tmp_path / "results")
    registration = ROOT / P.HYPOTHESES
    verdicts = {v.id: v for v in FV.evaluate(drive.results_dir, "drive", registration, FV.PASSING)}
    assert list(verdicts) == ["P1", "P2", "P3"]
    assert {v.verdict for v in verdicts.values()} == {NOT_YET_RUN}
    # tuning: candidate 3 wins for both arms; then 1K records at the planned seeds
    chosen = {}
    for arm in P.ARMS:
        for i, candidate in enumerate(arm.grid):
            for seed in F.TUNING_SEEDS:
                config = F.arm_config(drive, arm, F.TUNING_SIZE, seed, candidate)
                val = 0.95 if i == 3 else 0.90
                write_record(drive.record_path(config), _record(config, 0.5, val))
        chosen[arm.name] = F.chosen(drive, arm)
        assert chosen[arm.name] == arm.grid[3]
    # its progress and tuning tables read its own folder and arms
    from ganseg_lib.analysis.study.progress import progress_table, tuning_table

    progress = progress_table(drive.results_dir, P.ARMS, P.PROFILE).set_index("arm")
    assert list(progress["tuning"]) == ["8 / 8", "8 / 8"]
    tuning = tuning_table(drive.results_dir, P.ARMS, P.PROFILE)
    assert len(tuning) == 16 and tuning["chosen"].sum() == 4
    assert set(tuning[tuning["chosen"]]["candidate"]) == {"lr 0.0003, β1 0.9"}
    assert len(tuning_table(drive.results_dir)) == 0  # the first registration has none here
    rng = np.random.default_rng(0)
    gan = 0.93 + rng.normal(0, 0.002, len(F.SEEDS))
    cnn = 0.92 + rng.normal(0, 0.002, len(F.SEEDS))
    for name, scores in (("gan-passing", gan), ("cnn-dc32", cnn)):
        for seed, score in zip(F.SEEDS, scores):
            config = F.arm_config(drive, P.ARM[name], 1_000, seed, chosen[name])
            write_record(drive.record_path(config), _record(config, float(score)))
    # a run of a first-registration arm (the fair CNN, its DC net normalised) in this
    # registration's folder, at a planned cell, is no arm of it and does not count
    stray = F.arm_config(drive, F.ARM["cnn"], 1_000, F.SEEDS[0], {})
    assert stray.width == 32 and stray.norm != "none"
    write_record(drive.record_path(stray), _record(stray, 0.5))
    v = {v.id: v for v in FV.evaluate(drive.results_dir, "drive", registration, FV.PASSING)}
    ref = stats.ttest_ind(gan, cnn, equal_var=False)
    assert v["P1"].verdict == SUPPORTED and v["P1"].complete
    assert math.isclose(v["P1"].estimate, gan.mean() - cnn.mean(), abs_tol=1e-12)
    assert math.isclose(v["P1"].p_value, ref.pvalue, rel_tol=1e-9)
    # Holm over the registered family of three, the two untested counted
    assert math.isclose(v["P1"].holm_p, min(1.0, 3 * ref.pvalue), rel_tol=1e-9)
    assert v["P1"].runs == "8 and 8"
    assert v["P2"].verdict == NOT_YET_RUN and v["P3"].verdict == NOT_YET_RUN
    (chase,) = FV.evaluate(drive.results_dir, "chase", registration, FV.PASSING)
    assert chase.id == "P4" and chase.verdict == NOT_YET_RUN


def test_a_chase_runs_generator_is_checked_against_chase_patches(tmp_path, monkeypatch):
    from ganseg_lib.experiment import generator_suspects as GS

    asked = []
    monkeypatch.setattr(GS, "real_patches", lambda data: asked.append(data) or np.zeros(1))
    monkeypatch.setattr(GS, "check_run", lambda run, real, out, record: {"cell": Path(run).name})
    for data in ("chase", "drive"):
        argv = ["--check", str(tmp_path / "gan-x"), "--data", data, "--out", str(tmp_path)]
        assert GS.main([*argv, "--into", f"{data}.json", "--records", str(tmp_path)]) == 0
    assert asked == ["chase", "drive"]
    assert json.loads((tmp_path / "chase.json").read_text()) == {"gan-x": {"cell": "gan-x"}}
