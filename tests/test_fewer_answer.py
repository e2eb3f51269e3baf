"""The opening answer of each registration of "Fewer labels", from synthetic records: the counts
against the plan, no verdict while the first registration's cells are incomplete (with the
means so far), and the verdicts with their effects once they exist."""

from __future__ import annotations

import numpy as np
import pytest

from ganseg_lib.analysis.present.text import fmt_ci, fmt_p, fmt_signed
from ganseg_lib.analysis.study import fewer_verdicts as FV
from ganseg_lib.analysis.study.fewer_answer import (
    duration_text,
    fewer_answer,
    means_so_far,
    verdicts_so_far,
)
from ganseg_lib.experiment import fewer_labels as F
from tests.test_fewer_verdicts import _setup, _tune, _write


def test_without_records_it_says_nothing_is_recorded_and_no_verdict(tmp_path):
    (tmp_path / "results").mkdir()
    text = fewer_answer(tmp_path / "results")
    assert "0 of 48 tuning runs, 0 of 128 DRIVE cells and 0 of 25 CHASE_DB1 cells" in text
    assert "No hypothesis has a verdict yet (16 verdicts to reach, 10 on DRIVE" in text
    assert "Mean test AUC" not in text
    passing = fewer_answer(tmp_path / "results", FV.PASSING)
    assert "0 of 16 tuning runs, 0 of 48 DRIVE cells and 0 of 10 CHASE_DB1 cells" in passing
    assert "an interim one two seeds per group" in passing


def test_the_first_registration_gives_no_verdict_but_the_means_so_far(tmp_path):
    setup = _setup(tmp_path)
    _tune(setup, "cnn-none", 0)
    cnn = {100: 0.9201, 101: 0.9243, 102: 0.9262}
    _write(setup, "cnn", 1_000, cnn)
    _write(setup, "cnn", 3_000, {100: 0.9400})
    _write(setup, "cnn-none", 1_000, {100: 0.9250, 101: None})  # one failed run
    text = fewer_answer(tmp_path / "results")
    assert f"{len(F.ARM['cnn-none'].grid) * 2} of 48 tuning runs" in text
    assert "6 of 128 DRIVE cells" in text  # 3 + 1 + 2: the failed run is recorded
    assert "No hypothesis has a verdict yet" in text
    assert verdicts_so_far(tmp_path / "results") == ""  # the chapter's opening says "no verdict"
    mean = np.mean(list(cnn.values()))
    # 1K first (the plan's order), arms in the registration's order, a failed run not counted
    expected = (
        f"at 1K, cnn {mean:.4f} (3 seeds), cnn-none 0.9250 (1 seed); at 3K, cnn 0.9400 (1 seed)"
    )
    assert expected in means_so_far(tmp_path / "results", "drive", FV.FIRST)
    assert expected in text


def test_a_data_source_with_verdicts_lists_them_and_one_without_keeps_its_means(tmp_path):
    # CHASE_DB1's family complete (5 seeds per arm), DRIVE with one CNN run only
    drive, chase = _setup(tmp_path), _setup(tmp_path, "chase")
    for arm in ("cnn-none", "gan-fixed", "ssgan", "gan-joint"):
        _tune(drive, arm, 0)
    for k, arm in enumerate(("cnn", "cnn-none", "gan-fixed", "ssgan", "gan-joint")):
        scores = {s: 0.90 + 0.002 * k + 0.0005 * (s % 3) for s in F.CHASE_SEEDS}
        _write(chase, arm, F.CHASE_SIZE, scores)
    _write(drive, "cnn", 1_000, {100: 0.9228})
    text = fewer_answer(tmp_path / "results")
    verdicts = FV.evaluate(tmp_path / "results", "chase", FV.registration_path(), FV.FIRST)
    assert "6 of the 16 verdicts rest on a test so far" in text and len(verdicts) == 6
    assert "No hypothesis has a verdict yet" not in text
    chase_part = text[text.index(" On CHASE_DB1: ") :]
    for v in verdicts:  # complete: the label alone, the effect, p with Holm's, the seeds
        effect = f"{fmt_signed(v.estimate)} {fmt_ci(v.ci_low, v.ci_high)}"
        p = f"p = {fmt_p(v.p_value)} (Holm {fmt_p(v.holm_p)}; 5 and 5 seeds)"
        assert f"{v.id}: **{v.verdict}**, {effect}, {p}" in chase_part
        assert "interim" not in chase_part
    assert "Mean test AUC so far on DRIVE (best-validation checkpoint): at 1K, cnn 0.9228" in text
    # the chapter's opening: the same verdicts, CHASE_DB1's only
    assert verdicts_so_far(tmp_path / "results") == chase_part.strip()
    assert "Mean test AUC so far on CHASE_DB1" not in text


def test_the_missing_runs_are_timed_at_their_arms_mean_so_far(tmp_path):
    from ganseg_lib.analysis.study.progress import compute_left
    from ganseg_lib.evaluate.record import RunRecord, write_record

    drive, chase = _setup(tmp_path), _setup(tmp_path, "chase")
    # training and evaluation together: 100 s and 300 s on DRIVE, 50 s on CHASE_DB1
    for setup, n, seed, seconds in (
        (drive, 1_000, 100, 100.0),
        (drive, 3_000, 101, 300.0),
        (chase, F.CHASE_SIZE, F.CHASE_SEEDS[0], 50.0),
    ):
        config = F.arm_config(setup, F.ARM["cnn"], n, seed, {})
        timing = {"train_seconds": seconds - 20.0, "eval_seconds": 20.0}
        evaluation = {"mean_auc": 0.92}
        record = RunRecord(F.PROFILE, "ok", config, "runs/x", {}, timing, {}, evaluation=evaluation)
        write_record(setup.record_path(config), record)
    _write(drive, "cnn-none", 1_000, {100: None}, candidate=F.ARM["cnn-none"].grid[0])  # failed
    hours, missing, untimed = compute_left(tmp_path / "results")
    planned = 48 + 128 + 25  # tuning, DRIVE and CHASE_DB1
    assert missing == planned - 4  # a failed run is recorded, as in the progress table
    # cnn: DRIVE's missing cells at DRIVE's mean, CHASE_DB1's at its own
    drive_left, chase_left = 3 * len(F.SEEDS) - 2, len(F.CHASE_SEEDS) - 1
    assert hours == pytest.approx((drive_left * 200.0 + chase_left * 50.0) / 3600)
    assert untimed == [a.name for a in F.ARMS if a.name != "cnn"]  # cnn-none: no run timed
    text = fewer_answer(tmp_path / "results")
    assert (
        f"The {planned - 4} missing runs need at least {duration_text(hours)} of one CPU thread, "
        f"each at its arm's mean time so far ({', '.join(untimed)}: not timed yet)."
    ) in text


def test_the_cells_left_count_the_planned_cells_without_a_record(tmp_path):
    drive, chase = _setup(tmp_path), _setup(tmp_path, "chase")
    results = tmp_path / "results"
    results.mkdir(exist_ok=True)
    assert FV.cells_left(results, "drive") == len(F.planned_cells(False)) == 128
    _tune(drive, "cnn-none", 0)
    _write(drive, "cnn", 1_000, {100: 0.92, 101: None})  # a failed run is recorded
    _write(drive, "cnn", 1_000, {0: 0.93})  # a tuning seed is not a study cell
    assert FV.cells_left(results, "drive") == 126
    for arm in ("gan-fixed", "ssgan", "gan-joint"):  # the candidates chosen on DRIVE
        _tune(drive, arm, 0)
    for k, arm in enumerate(("cnn", "cnn-none", "gan-fixed", "ssgan", "gan-joint")):
        _write(chase, arm, F.CHASE_SIZE, {s: 0.90 + 0.001 * k for s in F.CHASE_SEEDS})
    assert FV.cells_left(results, "chase") == 0  # CHASE_DB1's grid run in full
    assert FV.cells_left(results, "drive", FV.PASSING) == len(
        F.planned_cells(False, FV.PASSING.arms)
    )


@pytest.mark.parametrize(
    "hours, text",
    [(0.004, "1 minute"), (0.67, "40 minutes"), (1.34, "1 hour"), (2.6, "3 hours")],
)
def test_a_duration_reads_in_minutes_under_an_hour_and_in_hours_above(hours, text):
    assert duration_text(hours) == text
