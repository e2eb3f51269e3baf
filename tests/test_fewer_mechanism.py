"""The second registration of "Fewer labels" beyond its verdicts, from synthetic records: the
generator count in its verdicts, the saving factor against its own CNN and the first
registration's, its points on the efficiency curve, and every run's diagnostics."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pytest

from ganseg_lib.analysis.present.text import fmt_ci, fmt_p, fmt_signed
from ganseg_lib.analysis.replication.sample_looks import Look
from ganseg_lib.analysis.study import fewer_answer as FA
from ganseg_lib.analysis.study import fewer_curve as FC
from ganseg_lib.analysis.study import fewer_generators as FG
from ganseg_lib.analysis.study import fewer_mechanism as FM
from ganseg_lib.analysis.study import fewer_verdicts as FV
from ganseg_lib.analysis.study.fewer_answer import fewer_answer
from ganseg_lib.analysis.study.saving import saving_factor
from ganseg_lib.errors import DataError
from ganseg_lib.evaluate.record import RunRecord, write_record
from ganseg_lib.experiment import fewer_labels as F
from ganseg_lib.experiment import fewer_labels_passing as P
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.train.profiles import get_profile
from tests.test_fewer_labels_passing import _record as _passing_record
from tests.test_fewer_verdicts import _setup as _first_setup
from tests.test_fewer_verdicts import _write as _first_write

REGISTRATION = FV.registration_path("results", FV.PASSING)
CNN = {300: 0.90, 1_000: 0.92, 3_000: 0.94}
GAN = {300: 0.91, 1_000: 0.93, 3_000: 0.945}
P_FAKE = 0.3  # p(fake | labelled real) in every GAN history


def _history(gan: bool) -> list[dict]:
    """Two logged iterations; the diagnostics are the last one's."""
    lines = [{"iteration": 2_500, "val_auc": 0.8}, {"iteration": 5_000, "val_auc": 0.9}]
    if gan:
        lines[0] |= {"p_fake_real": 0.9, "p_fake_val": 0.9, "fake_detect": 0.5, "adv_share": 0.1}
        lines[1] |= {"p_fake_real": P_FAKE, "p_fake_val": 0.31, "fake_detect": 0.8}
        lines[1] |= {"adv_share": 0.4}
    return lines


def _record(config, best: float, val: float = 0.9) -> RunRecord:
    return _passing_record(config, best, val, history=_history(config.method == "gan"))


def _tuned(tmp_path) -> Setup:
    """Both arms' tuning records, candidate 0 winning."""
    drive = Setup(get_profile(P.PROFILE), "drive", "drive", results_dir=tmp_path / "results")
    for arm in P.ARMS:
        for i, candidate in enumerate(arm.grid):
            for seed in F.TUNING_SEEDS:
                config = F.arm_config(drive, arm, F.TUNING_SIZE, seed, candidate)
                write_record(drive.record_path(config), _record(config, 0.5, 0.95 - 0.01 * i))
    return drive


@pytest.fixture
def drive(tmp_path) -> Setup:
    """Both arms tuned (candidate 0 wins) and run at 300, 1K and 3K on seeds 100–107."""
    drive = _tuned(tmp_path)
    for arm in P.ARMS:
        for n, base in (GAN if arm.name == "gan-passing" else CNN).items():
            for k, seed in enumerate(F.SEEDS):
                config = F.arm_config(drive, arm, n, seed, arm.grid[0])
                write_record(drive.record_path(config), _record(config, base + 0.001 * (k % 3)))
    return drive


def _cells(drive: Setup, n: int) -> list[str]:
    arm = P.ARM["gan-passing"]
    return [F.arm_config(drive, arm, n, s, arm.grid[0]).cell for s in F.SEEDS]


def _check_entry(cell: str, seed: int, accuracy: float) -> dict:
    config = {"seed": seed, "n_patches": 1_000, "g_width": 16, "width": 32, "protocol": "fair"}
    return {
        "cell": cell,
        "config": config | {"real_not_fake": True, "spectral_weight": 1.0},
        "diversity_ratio": 0.85,
        "two_sample_accuracy": accuracy,
        "p_fake_real": P_FAKE,
        "fake_detect": 0.8,
        "iterations": 5_000,
        "threads": 1,
    }


def test_each_verdict_on_the_passing_gan_says_how_many_of_its_generators_pass(drive, monkeypatch):
    before = {v.id: v for v in FV.evaluate(drive.results_dir, "drive", REGISTRATION, FV.PASSING)}
    assert before["P1"].effect.endswith("0 of 8 generators pass the check (8 not checked yet)")
    verdicts = before
    assert "0 of 16 generators pass" in verdicts["P3"].effect  # 300 and 3K
    # three checks at 1K: one passes and was looked at, one fails its accuracy, one unseen
    cells = _cells(drive, 1_000)
    entries = {
        cells[0]: _check_entry(cells[0], 100, 0.92),
        cells[1]: _check_entry(cells[1], 101, 0.97),
        cells[2]: _check_entry(cells[2], 102, 0.90),
    }
    folder = FG.check_folder(drive.results_dir, "drive")
    folder.mkdir(parents=True)
    (folder / FG.CHECKS).write_text(json.dumps(entries))
    looks = {f"drive/{c}": Look(True, "vessels") for c in cells[:2]}
    looks["chase/" + cells[2]] = Look(True, "CHASE_DB1's cell of the same name")
    monkeypatch.setattr(FG, "PASSING_LOOKS", looks)
    checked = FG.checked_generators(drive.results_dir, "drive")
    assert [r.passes for r in checked.values()] == [True, False, False]
    assert checked[cells[1]].failures() == ["accuracy 0.97 > 0.95"]
    assert checked[cells[2]].failures() == ["samples not looked at"]
    verdicts = {v.id: v for v in FV.evaluate(drive.results_dir, "drive", REGISTRATION, FV.PASSING)}
    text = "1 of 8 generators pass the check (5 not checked yet, 1 not looked at)"
    assert verdicts["P1"].effect.endswith(text)
    assert (
        FA.fewer_table(list(verdicts.values())).set_index("id").loc["P1", "in full"].endswith(text)
    )
    # it decides nothing: every field but the effect's text is as without the checks
    for hid, v in verdicts.items():
        assert replace(v, effect="") == replace(before[hid], effect="")
    assert verdicts["P1"].verdict == "supported"
    table = FG.check_rows(checked)
    assert list(table["passes"]) == ["yes", "no: accuracy 0.97 > 0.95", "no: samples not looked at"]
    # the first registration checks no generator
    assert FV.generator_text(FV.FIRST, FV.TESTS["L4"], None, checked) == ""


def test_its_saving_factor_reads_its_own_cnn_curve_or_the_first_registrations(drive):
    savings = FC.fewer_savings(drive.results_dir, 500, FV.PASSING).set_index("labelled patches")
    assert set(savings["arm"]) == {P.ARM["gan-passing"].label}  # not its CNN's own
    curve = FC.cnn_curve(drive.results_dir, FV.PASSING)
    assert list(curve) == [300, 1_000, 3_000]
    assert curve[1_000].mean() == pytest.approx(
        CNN[1_000] + 0.001 * np.mean([k % 3 for k in range(8)])
    )
    gan = FV.arm_scores(drive.results_dir, registration=FV.PASSING)["gan-passing", 1_000]
    direct = saving_factor(gan.to_numpy(), 1_000, curve, 500)
    assert savings.loc[1_000, "CNN-equivalent"] == pytest.approx(direct.equivalent)
    # by hand: log N* interpolated linearly in AUC between the CNN's 1K and 3K means
    t = (gan.mean() - curve[1_000].mean()) / (curve[3_000].mean() - curve[1_000].mean())
    assert savings.loc[1_000, "CNN-equivalent"] == pytest.approx(1_000 * 3**t)
    # at 3K the GAN-CNN's mean is above the CNN's whole curve: said, not extrapolated
    assert savings.loc[3_000, "CNN-equivalent"] == "above"
    assert "not extrapolated" in savings.loc[3_000, "saving"]
    # against the first registration's fair CNN: no curve there yet, then one 0.005 lower
    assert FC.fewer_savings(drive.results_dir, 500, FV.PASSING, FV.FIRST).empty
    first = _first_setup(drive.results_dir.parent)
    for n, auc in CNN.items():
        _first_write(first, "cnn", n, {s: auc - 0.005 for s in F.SEEDS})
    against = FC.fewer_savings(drive.results_dir, 500, FV.PASSING, FV.FIRST)
    width16 = FC.cnn_curve(drive.results_dir, FV.FIRST)
    expected = saving_factor(gan.to_numpy(), 1_000, width16, 500)
    row = against.set_index("labelled patches").loc[1_000]
    assert row["CNN-equivalent"] == pytest.approx(expected.equivalent)
    assert row["CNN-equivalent"] > savings.loc[1_000, "CNN-equivalent"]


def test_its_points_have_its_labels_and_no_anchors(drive):
    points = FC.fewer_efficiency(drive.results_dir, "drive", FV.PASSING)
    assert list(points["arm"].drop_duplicates()) == ["cnn-dc32", "gan-passing"]
    assert set(points["source"]) == {"fewer"} and set(points["seeds"]) == {8}
    assert set(points["label"]) == {a.label for a in P.ARMS}
    fig = FC.plot_fewer_efficiency(points)
    colours = {line.get_label(): line.get_color() for line in fig.axes[0].get_lines()}
    assert colours[P.ARM["gan-passing"].label] == FC.ARM_COLOURS["gan-passing"]


def test_every_gan_run_has_its_diagnostics_and_a_cnn_none(drive):
    # one GAN-CNN run at 300 failed: it has no diagnostics row
    arm = P.ARM["gan-passing"]
    config = F.arm_config(drive, arm, 300, F.SEEDS[-1], arm.grid[0])
    failed = replace(_record(config, 0.5), status="failed", evaluation=None, evaluation_best=None)
    write_record(drive.record_path(config), failed)
    runs = FV.study_runs(drive.results_dir, "drive", FV.PASSING)
    table = FM.run_diagnostics(runs)
    assert len(runs) == 48 and len(table) == 23  # the 24 GAN-CNN runs but the failed one
    assert set(table["arm"]) == {"gan-passing"}
    assert (table["labelled patches"] == 300).sum() == 7
    # the last logged iteration's values, not the first's
    assert set(table["p(fake | labelled)"]) == {P_FAKE}
    assert set(table["adversarial share"]) == {0.4}
    assert "p(fake | unlabelled)" not in table  # an SSL GAN's only
    assert FM.run_diagnostics(runs.iloc[:0]).empty


def test_a_chase_verdict_counts_chase_checks_with_chase_looks(drive, monkeypatch):
    chase = Setup(get_profile(P.PROFILE), "chase", "chase", results_dir=drive.results_dir)
    for arm in P.ARMS:
        for k, seed in enumerate(F.CHASE_SEEDS):
            config = F.arm_config(chase, arm, F.CHASE_SIZE, seed, arm.grid[0])
            write_record(chase.record_path(config), _record(config, 0.9 + 0.001 * k))
    arm = P.ARM["gan-passing"]
    cell = F.arm_config(chase, arm, F.CHASE_SIZE, F.CHASE_SEEDS[0], arm.grid[0]).cell
    assert cell == _cells(drive, 1_000)[0]  # CHASE_DB1's cell has DRIVE's name
    folder = FG.check_folder(drive.results_dir, "chase")
    folder.mkdir(parents=True)
    (folder / FG.CHECKS).write_text(json.dumps({cell: _check_entry(cell, 100, 0.9)}))
    # a look at DRIVE's samples of that name does not pass CHASE_DB1's generator
    monkeypatch.setattr(FG, "PASSING_LOOKS", {f"drive/{cell}": Look(True, "vessels")})
    (p4,) = FV.evaluate(drive.results_dir, "chase", REGISTRATION, FV.PASSING)
    assert p4.runs == "5 and 5"
    assert p4.effect.endswith(
        "0 of 5 generators pass the check (4 not checked yet, 1 not looked at)"
    )
    monkeypatch.setattr(FG, "PASSING_LOOKS", {f"chase/{cell}": Look(True, "vessels")})
    (p4,) = FV.evaluate(drive.results_dir, "chase", REGISTRATION, FV.PASSING)
    assert p4.effect.endswith("1 of 5 generators pass the check (4 not checked yet)")


def test_the_diagnostics_table_has_data_first_and_no_empty_column(drive):
    table = FM.diagnostics_table(drive.results_dir, FV.PASSING)
    assert list(table.columns[:2]) == ["data", "arm"] and set(table["data"]) == {"drive"}
    assert len(table) == 24 and "p(fake | unlabelled)" not in table
    assert FM.diagnostics_table(drive.results_dir).empty  # no first-registration runs here


def test_each_gan_arm_shows_the_last_samples_of_its_lowest_seed_with_a_montage(drive):
    from PIL import Image

    from ganseg_lib.evaluate.record import samples_path
    from ganseg_lib.montage import montage

    runs = FV.study_runs(drive.results_dir, "drive", FV.PASSING)
    assert FM.study_samples(drive.results_dir, FV.PASSING) == {}  # no montage kept yet
    gan = runs[runs["arm"] == "gan-passing"]
    # two stages of 8 samples, the last all one grey level per run: seed 101 at 1K and 300,
    # and seed 100 at 300 (the lowest seed wins there); the CNN runs have no montage
    for n, seed, grey in ((1_000, 101, 40), (300, 101, 90), (300, 100, 160)):
        (path,) = gan[(gan["n_patches"] == n) & (gan["seed"] == seed)]["path"]
        stages = np.concatenate([np.zeros((8, 64, 64)), np.full((8, 64, 64), grey)])
        Image.fromarray(montage(stages.astype(np.uint8), 8)).save(samples_path(path))
    samples = FM.study_samples(drive.results_dir, FV.PASSING)
    assert list(samples) == ["gan-passing, 300, seed 100", "gan-passing, 1K, seed 101"]
    assert samples["gan-passing, 300, seed 100"].shape == (8, 64, 64)
    assert np.all(samples["gan-passing, 300, seed 100"] == 160)
    assert np.all(samples["gan-passing, 1K, seed 101"] == 40)
    assert FM.study_samples(drive.results_dir, FV.PASSING, "chase") == {}


def test_the_feature_groups_compare_the_runs_where_it_passed_with_these(drive, monkeypatch):
    from ganseg_lib.evaluate.two_sample import FEATURE_GROUPS

    results = drive.results_dir
    assert FG.group_table(results).empty  # no check here yet

    def entry(cell: str, seed: int, level: float, lr: float = 1e-4) -> dict:
        e = _check_entry(cell, seed, level + 0.01) | {"two_sample_accuracy_without_spectrum": level}
        e["config"] = e["config"] | {"lr": lr}
        return e | {"group_accuracies": {g: level - 0.1 * i for i, g in enumerate(FEATURE_GROUPS)}}

    folder = FG.check_folder(results, "drive")
    folder.mkdir(parents=True)
    cells = _cells(drive, 1_000)
    here = {c: entry(c, 100 + i, 0.91 + 0.02 * i) for i, c in enumerate(cells[:2])}
    here[cells[2]] = entry(cells[2], 102, 0.80, lr=3e-4)
    (folder / FG.CHECKS).write_text(json.dumps(here))
    # the lr 3e-4 run passes (0.81 ≤ 0.95, vessels seen); the lr 1e-4 ones have no look
    monkeypatch.setattr(FG, "PASSING_LOOKS", {f"drive/{cells[2]}": Look(True, "vessels")})
    table = FG.group_table(results).set_index("features")
    assert list(table.columns) == [  # no working.json: no column of where it passed
        "here: fair protocol, 1K, lr 1e-4 (2 runs, 0 pass)",
        "here: fair protocol, 1K, lr 3e-4 (1 run, 1 pass)",
    ]
    column = table["here: fair protocol, 1K, lr 1e-4 (2 runs, 0 pass)"]
    assert list(table.index) == [*FEATURE_GROUPS, "all but the spectrum", "all"]
    assert column["intensity"] == "0.910–0.930" and column["differences"] == "0.810–0.830"
    assert column["all but the spectrum"] == "0.910–0.930" and column["all"] == "0.920–0.940"
    # the re-run with this generator: only its runs that pass the check enter, by the same rule
    repository = REGISTRATION.parents[2] / "results" / "generator" / "working.json"
    working = json.loads(repository.read_text())
    first = next(iter(working))
    working[first]["two_sample_accuracy"] = 0.99  # now fails
    (results / "generator" / "working.json").write_text(json.dumps(working))
    table = FG.group_table(results).set_index("features")
    passed = f"where it passed: paper protocol, 15K–30K ({len(working) - 1} runs that pass)"
    assert table.columns[0] == passed
    alone = [e["two_sample_accuracy"] for c, e in working.items() if c != first]
    assert table[passed]["all"] == f"{min(alone):.3f}–{max(alone):.3f}"


def test_the_probes_stand_beside_the_run_that_passed_with_their_looks(tmp_path, monkeypatch):
    from ganseg_lib.analysis.replication.sample_looks import SAMPLE_LOOKS
    from ganseg_lib.experiment import generator_probes as GP

    repository = REGISTRATION.parents[2] / "results"
    results = tmp_path / "results"
    (results / "generator" / "probes").mkdir(parents=True)
    assert FG.probe_table(results).empty  # no probe yet
    probes = {}
    for i, name in enumerate(GP.PROBES):
        config = GP.probe_config(name)
        probes[name] = _check_entry(config.cell, 0, 0.99 - 0.03 * i) | {
            "config": config.to_json(),
            "two_sample_accuracy_without_spectrum": 0.9,
        }
    (results / FG.PROBES).write_text(json.dumps(probes))
    with pytest.raises(DataError, match="working.json: no check of the run the probes change"):
        FG.probe_table(results)  # the run they change is not there
    working = (repository / "generator" / "working.json").read_text()
    (results / "generator" / "working.json").write_text(working)
    passed_cell = next(
        c
        for c, e in json.loads(working).items()
        if (e["config"]["n_patches"], e["config"]["seed"]) == (15_000, 0)
    )
    first = GP.probe_config("1k-paper-lr2e-4").cell
    monkeypatch.setattr(FG, "PROBE_LOOKS", {first: Look(True, "vessels")})
    table = FG.probe_table(results).set_index("run")
    assert list(table.index) == ["where it passed", *GP.PROBES]
    assert table.loc["where it passed", "passes"] == "yes"  # as in the training chapter
    assert SAMPLE_LOOKS[passed_cell].vessels
    assert table.loc["where it passed", "labelled patches"] == 15_000
    # 0.99 fails on accuracy; 0.96 fails on accuracy and has no look; 0.93 has no look only
    assert table.loc["1k-paper-lr2e-4", "passes"] == "no: accuracy 0.99 > 0.95"
    assert table.loc["15k-fair-lr2e-4", "passes"].startswith("no: accuracy 0.96 > 0.95; samples")
    assert table.loc["1k-fair-lr2e-4", "passes"] == "no: samples not looked at"
    assert list(table["samples"])[1:] == ["vessels"] + ["not looked at yet"] * 3
    assert list(table["protocol"]) == ["paper", "paper", "fair", "fair", "fair"]
    assert list(table["lr"]) == [2e-4] * 5
    assert list(table["unlabelled pool"]) == [0, 0, 0, 0, 50_000]


def test_the_second_registration_gives_each_verdict_with_its_effect_and_seeds(drive):
    results = drive.results_dir
    text = fewer_answer(results, FV.PASSING)
    assert "16 of 16 tuning runs, 48 of 48 DRIVE cells and 0 of 10 CHASE_DB1 cells" in text
    verdicts = FV.evaluate(results, "drive", FV.registration_path(results, FV.PASSING), FV.PASSING)
    decided = [v for v in verdicts if v.verdict != FV.NOT_YET_RUN]
    assert len(decided) == 3 and "3 of the 4 verdicts rest on a test so far" in text
    drive_part = text[text.index(" On DRIVE: ") :]
    assert drive_part.count(": **") == 3 and "interim" not in drive_part  # all complete
    for v in decided:
        effect = " ".join((fmt_signed(v.estimate), fmt_ci(v.ci_low, v.ci_high)))
        p = f"p = {fmt_p(v.p_value)} (Holm {fmt_p(v.holm_p)}; {v.runs} seeds)"
        assert f"{v.id}: **{v.verdict_text}**, {effect}, {p}" in drive_part
    assert re.search(r"P1: \*\*supported[^*]*\*\*, \+0\.0100 \[", text)
    assert "Mean test AUC" not in text


def test_an_interim_verdict_needs_two_seeds_a_group_and_says_so(tmp_path):
    drive = _tuned(tmp_path)
    for arm in P.ARMS:
        base = GAN if arm.name == "gan-passing" else CNN
        for n, seeds in ((1_000, (100, 101)), (300, (100,))):
            for k, seed in enumerate(seeds):
                config = F.arm_config(drive, arm, n, seed, arm.grid[0])
                write_record(drive.record_path(config), _record(config, base[n] + 0.001 * k))
    text = fewer_answer(drive.results_dir, FV.PASSING)
    assert "1 of the 4 verdicts rests on a test so far" in text
    assert "P1: **" in text and "(interim: 2 and 2 of 8 seeds per arm)**" in text
    (p1,) = [v for v in FV.evaluate(drive.results_dir, "drive", None, FV.PASSING) if v.id == "P1"]
    # P2 and P3 untested count as p = 1: P1's Holm p is an upper bound and says so
    holm = f"Holm ≤ {fmt_p(p1.holm_p)} while P2 and P3 untested"
    assert f", p = {fmt_p(p1.p_value)} ({holm})." in text
    assert "P2:" not in text  # one seed a group: no test yet
    assert "(2 and 2 seeds)" not in text  # the interim label gives the seeds once
    assert "Mean test AUC so far on DRIVE" not in text  # DRIVE has a verdict


def test_the_first_registrations_generators_are_checked_apart_with_their_arms(
    tmp_path, monkeypatch
):
    """After-the-fact checks of the first registration: their own folder, looks and arms."""
    drive = _first_setup(tmp_path)
    entries = {}
    for k, arm in enumerate(F.ARMS):
        if arm.method == "cnn":
            continue
        config = F.arm_config(drive, arm, 1_000, 100, arm.grid[0] if arm.grid else {})
        entry = _check_entry(config.cell, 100, 0.96 - 0.02 * k)
        entries[config.cell] = entry | {"config": config.to_json()}
    folder = FG.check_folder(drive.results_dir, "drive", F.PROFILE)
    assert folder == drive.results_dir / "generator" / "fewer-labels" / "drive"
    assert folder != FG.check_folder(drive.results_dir, "drive")  # the second registration's
    folder.mkdir(parents=True)
    (folder / FG.CHECKS).write_text(json.dumps(entries))
    cells = list(entries)
    arms = FG.checked_arms(drive.results_dir, "drive", F.PROFILE)
    gan_arms = [a.name for a in F.ARMS if a.method != "cnn"]
    assert sorted(arms.values()) == sorted(gan_arms) and len(gan_arms) >= 3
    # the second registration's looks do not count here, the first's do
    monkeypatch.setattr(FG, "PASSING_LOOKS", {f"drive/{c}": Look(True, "vessels") for c in cells})
    monkeypatch.setattr(FG, "FIRST_LOOKS", {f"drive/{cells[-1]}": Look(True, "vessels")})
    checked = FG.checked_generators(drive.results_dir, "drive", F.PROFILE)
    assert [checked[c].passes for c in cells] == [False] * (len(cells) - 1) + [
        entries[cells[-1]]["two_sample_accuracy"] <= 0.95
    ]
    assert FG.checked_generators(drive.results_dir, "drive") == {}  # nothing of the second's
    table = FG.check_rows(checked, arms)
    assert list(table.columns[:2]) == ["arm", "cell"]
    assert list(table["arm"]) == sorted(gan_arms)
    assert dict(zip(table["cell"], table["arm"])) == arms
    assert "arm" not in FG.check_rows(checked).columns
    with pytest.raises(DataError, match="'cpu'"):
        FG.check_folder(drive.results_dir, "drive", "cpu")
    # a recorded study cell of a GAN arm without its check counts as not checked yet; a CNN's
    # or a tuning run's record is not due (the first registration checks its tuning by hand)
    assert FG.due_cells(drive.results_dir, "drive", F.PROFILE) == sorted(cells)
    gan_fixed = F.ARM["gan-fixed"]
    _first_write(drive, "gan-fixed", 1_000, {101: 0.93}, candidate=gan_fixed.grid[0])
    _first_write(drive, "cnn", 1_000, {101: 0.93}, candidate={})
    _first_write(drive, "gan-fixed", 1_000, {0: 0.93}, candidate=gan_fixed.grid[0])
    due = FG.due_cells(drive.results_dir, "drive", F.PROFILE)
    new = F.arm_config(drive, gan_fixed, 1_000, 101, gan_fixed.grid[0]).cell
    assert due == sorted([*cells, new])
    text = FG.pass_text(due, checked)
    unseen = len(cells) - 1  # only the last check has a look
    expected = f"1 of {len(cells) + 1} generators pass the check (1 not checked yet, {unseen} not"
    assert text == expected + " looked at)"
    # the words that scope a sentence on them: "so far" only while one is due and unchecked,
    # "tuning runs included" only where a checked run is a tuning run (DRIVE, 1K, seeds 0–1)
    assert FG.check_scope("drive", cells, checked) == ""
    assert FG.check_scope("drive", due, checked) == " so far"
    tuning = {"tuned": replace(checked[cells[0]], seed=F.TUNING_SEEDS[0])}
    assert FG.check_scope("drive", due, checked | tuning) == " so far (tuning runs included)"
    assert FG.check_scope("chase", cells, checked | tuning) == ""
