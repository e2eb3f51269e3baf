"""The opening answer of each registration of "Fewer labels", from synthetic records: the counts
against the plan, no verdict while the first registration's cells are incomplete (with the
means so far), and the verdicts with their effects once they exist."""

from __future__ import annotations

import re

import numpy as np

from ganseg_lib.analysis.present.text import fmt_ci, fmt_signed
from ganseg_lib.analysis.study import fewer_verdicts as FV
from ganseg_lib.analysis.study.fewer_answer import fewer_answer, means_so_far
from ganseg_lib.experiment import fewer_labels as F
from tests.test_fewer_mechanism import drive  # noqa: F401 (the fixture)
from tests.test_fewer_verdicts import _setup, _tune, _write


def test_without_records_it_says_nothing_is_recorded_and_no_verdict(tmp_path):
    (tmp_path / "results").mkdir()
    text = fewer_answer(tmp_path / "results")
    assert "0 of 48 tuning runs, 0 of 128 DRIVE cells and 0 of 25 CHASE_DB1 cells" in text
    assert "No hypothesis has a verdict yet (16 verdicts to reach, 10 on DRIVE" in text
    assert "Mean test AUC" not in text
    passing = fewer_answer(tmp_path / "results", FV.PASSING)
    assert "0 of 16 tuning runs, 0 of 48 DRIVE cells and 0 of 10 CHASE_DB1 cells" in passing
    assert "an interim one a run of each group" in passing


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
    mean = np.mean(list(cnn.values()))
    # 1K first (the plan's order), arms in the registration's order, a failed run not counted
    expected = f"at 1,000, cnn {mean:.4f} (3 seeds), cnn-none 0.9250 (1 seed); at 3,000, cnn 0.9400"
    assert expected in means_so_far(tmp_path / "results", "drive", FV.FIRST)
    assert expected in text


def test_the_second_registration_gives_each_verdict_with_its_effect_and_seeds(drive):  # noqa: F811
    results = drive.results_dir
    text = fewer_answer(results, FV.PASSING)
    assert "16 of 16 tuning runs, 48 of 48 DRIVE cells and 0 of 10 CHASE_DB1 cells" in text
    verdicts = FV.evaluate(results, "drive", FV.registration_path(results, FV.PASSING), FV.PASSING)
    decided = [v for v in verdicts if v.verdict != FV.NOT_YET_RUN]
    assert text.count("(DRIVE): **") == len(decided) == 3
    assert "interim verdicts on the seeds so far (3 of 4 complete)" in text
    for v in decided:
        effect = " ".join((fmt_signed(v.estimate), fmt_ci(v.ci_low, v.ci_high)))
        assert f"{v.id} (DRIVE): **{v.verdict_text}**, {effect} ({v.runs} seeds)" in text
    assert re.search(r"P1 \(DRIVE\): \*\*supported[^*]*\*\*, \+0\.0100 \[", text)
    assert "Mean test AUC" not in text
