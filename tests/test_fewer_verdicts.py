"""The verdicts of the study "Fewer labels" from synthetic records, against scipy and hand
computations: Welch's p and CI, the contrast, TOST, Holm within a family, the interim and
not-yet-run labels, the sentence on what a CI excludes, and which records count."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from ganseg_lib.analysis.present.text import fmt_p
from ganseg_lib.analysis.study import fewer_answer as FA
from ganseg_lib.analysis.study import fewer_verdicts as FV
from ganseg_lib.analysis.study.verdicts import EQUIVALENT, NOT_YET_RUN, SUPPORTED
from ganseg_lib.evaluate.record import RunRecord, write_record
from ganseg_lib.experiment import fewer_labels as F
from ganseg_lib.experiment.preregistration import read_preregistration
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.train.profiles import get_profile

REGISTRATION = Path(__file__).resolve().parents[1] / F.HYPOTHESES
SIZE = {"300": 300, "1K": 1_000, "3K": 3_000}


def _setup(tmp: Path, data: str = "drive") -> Setup:
    return Setup(get_profile(F.PROFILE), data, data, results_dir=tmp / "results")


def _record(config, best: float | None, last: float | None = None, val: float = 0.9):
    ok = best is not None
    return RunRecord(
        F.PROFILE,
        "ok" if ok else "failed",
        config,
        "runs/x",
        {"best_val_auc": val},
        {},
        {},
        evaluation={"mean_auc": best if last is None else last} if ok else None,
        evaluation_best={"mean_auc": best, "iteration": 100} if ok else None,
    )


def _write(setup: Setup, arm: str, n: int, scores: dict, candidate: dict | None = None, last=0):
    """Records of ``arm`` at ``n``, one per seed: {seed: best-validation score or None (a failed
    run)}; the last checkpoint scores ``last`` below the best."""
    arm_ = F.ARM[arm]
    candidate = F.chosen(_setup(setup.results_dir.parent), arm_) if candidate is None else candidate
    for seed, best in scores.items():
        config = F.arm_config(setup, arm_, n, seed, candidate)
        score_last = None if best is None else best - last
        write_record(setup.record_path(config), _record(config, best, score_last))


def _tune(drive: Setup, arm: str, winner: int) -> None:
    """Tuning records of every candidate of ``arm``: ``winner`` has the best validation AUC."""
    arm_ = F.ARM[arm]
    for i, candidate in enumerate(arm_.grid):
        for seed in F.TUNING_SEEDS:
            config = F.arm_config(drive, arm_, F.TUNING_SIZE, seed, candidate)
            val = 0.95 if i == winner else 0.90
            write_record(drive.record_path(config), _record(config, 0.5, val=val))


def _evaluate(tmp: Path, data: str = "drive", registration=FV.FIRST) -> dict:
    return {v.id: v for v in FV.evaluate(tmp / "results", data, REGISTRATION, registration)}


def _holm(p: list[float], m: int) -> list[float]:
    """Holm by hand for the tested p-values of a family of ``m`` (the rest untested)."""
    out, running = [], 0.0
    for rank, value in enumerate(sorted(p)):
        running = max(running, min(1.0, (m - rank) * value))
        out.append(running)
    return [out[sorted(p).index(v)] for v in p]


def test_the_table_of_tests_is_the_registered_one():
    registration = read_preregistration(REGISTRATION)
    assert {h["id"] for h in registration.hypotheses} == set(FV.TESTS)
    for h in registration.hypotheses:
        test = FV.TESTS[h["id"]]
        pairs = re.findall(r"([a-z-]+) − ([a-z-]+) at (\d+K?)", h["test"])
        groups = tuple(g for a, b, n in pairs for g in ((a, SIZE[n]), (b, SIZE[n])))
        assert groups == test.groups, h["id"]
        margin = re.search(r"TOST ±([\d.]+)", h["test"])
        if margin is None:
            assert test.margin is None, h["id"]
        else:
            assert test.margin == pytest.approx(float(margin.group(1)), abs=1e-12), h["id"]
        assert all(a in F.ARM and n in F.ARM[a].sizes for a, n in groups), h["id"]
    assert "seeds 100–107" in registration.hypotheses[0]["test"]
    assert F.SEEDS == tuple(range(100, 108)) and F.CHASE_SEEDS == tuple(range(100, 105))
    prose = " ".join(REGISTRATION.read_text(encoding="utf-8").split())

    def ids(pattern: str) -> tuple[str, ...]:
        return tuple(re.findall(r"[LS]\d[ab]?", re.search(pattern, prose).group(1)))

    assert ids(r"Holm over (.*?) on DRIVE") == FV.FAMILIES["drive"][FV.PRIMARY]
    assert ids(r"against `cnn-none` \((.*?):") == FV.FAMILIES["drive"][FV.SECONDARY]
    assert ids(r"The CHASE_DB1 family \((.*?)\) is adjusted") == FV.FAMILIES["chase"][FV.CHASE]
    assert "The only earlier positive result" in prose and "= +0.0056 [" in prose


def test_a_difference_is_welch_across_the_study_seeds_with_what_its_ci_excludes(tmp_path):
    drive = _setup(tmp_path)
    cnn = dict(zip(F.SEEDS, (0.9500, 0.9512, 0.9488, 0.9521, 0.9495, 0.9507, 0.9479, 0.9503)))
    gan = dict(zip(F.SEEDS, (0.9561, 0.9548, 0.9570, 0.9552, 0.9539, 0.9566, 0.9558, 0.9545)))
    _write(drive, "cnn", 3_000, cnn)
    _write(drive, "gan-study", 3_000, gan, last=0.01)  # the last checkpoint 0.01 below
    # not counted: a tuning seed, a seed beyond the plan, the paper's protocol (no arm)
    _write(drive, "cnn", 3_000, {0: 0.5, 108: 0.5})
    paper = drive.config("gan", 3_000, 100)
    write_record(drive.record_path(paper), _record(paper, 0.1))
    runs = FV.study_runs(tmp_path / "results")
    assert len(runs) == 16 and set(runs["seed"]) == set(F.SEEDS)
    scores = FV.arm_scores(tmp_path / "results")
    assert set(scores) == {("cnn", 3_000), ("gan-study", 3_000)}
    assert scores["cnn", 3_000].to_dict() == pytest.approx(cnn)

    v = _evaluate(tmp_path)
    a, b = np.array(list(gan.values())), np.array(list(cnn.values()))
    ref = stats.ttest_ind(a, b, equal_var=False)
    ci = ref.confidence_interval(0.95)
    l1 = v["L1"]
    assert l1.estimate == pytest.approx(a.mean() - b.mean(), abs=1e-12)  # best, not last
    assert l1.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert (l1.ci_low, l1.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-9)
    assert ref.pvalue < 0.05 and l1.verdict == SUPPORTED and l1.verdict_text == SUPPORTED
    assert l1.complete and l1.runs == "8 and 8" and l1.family == FV.PRIMARY
    # the registered references: the CI lies below the paper's 15K gain and holds +0.0056
    assert ci.high < 0.015 and ci.low <= 0.0056 <= ci.high
    assert "its 95% CI excludes the paper's 15K gain +0.0150" in l1.effect
    assert "does not exclude the exploratory 3K gain +0.0056" in l1.effect
    assert "TOST ±0.0028" in l1.effect and "seeds 8 and 8" in l1.effect
    last = stats.ttest_ind(a - 0.01, b, equal_var=False)  # reported beside, not deciding
    low, high = last.confidence_interval(0.95)
    diff = a.mean() - 0.01 - b.mean()
    assert f"last checkpoint {diff:+.4f} [{low:+.4f}, {high:+.4f}], p = {fmt_p(last.pvalue)}" in (
        l1.effect
    )
    # the only tested hypothesis of a family of six
    assert l1.holm_p == pytest.approx(min(1.0, 6 * ref.pvalue))
    assert v["L3a"].verdict == NOT_YET_RUN and math.isnan(v["L3a"].holm_p)
    assert math.isnan(v["S5"].holm_p) and v["S5"].family == FV.SECONDARY

    table = FA.fewer_table(list(v.values())).set_index("id")
    columns = ["family", "verdict", "effect [95% CI]", "seeds", "p", "p (Holm)", "in full"]
    assert list(table.columns) == columns
    assert "excludes" in l1.effect
    pending = "; Holm counts L2, L3a, L3b, L4 and L5, untested, as p = 1: an upper bound"
    assert table.loc["L1", "in full"] == l1.effect + pending
    assert (
        table.loc["L1", "effect [95% CI]"] == f"{l1.estimate:+.4f} [{ci.low:+.4f}, {ci.high:+.4f}]"
    )
    assert table.loc["L1", "p (Holm)"] == pytest.approx(l1.holm_p)
    assert table.loc["L4", "verdict"] == NOT_YET_RUN and len(table) == 10


def test_the_contrast_interim_labels_failed_runs_and_holm(tmp_path):
    drive = _setup(tmp_path)
    values = {
        ("gan-study", 300): [0.910, 0.915, 0.921],
        ("cnn", 300): [0.890, 0.893, 0.885],
        ("gan-study", 3_000): [0.950, 0.954, 0.951],
        ("cnn", 3_000): [0.946, 0.949, 0.947],
    }
    for (arm, n), x in values.items():
        _write(drive, arm, n, dict(zip(F.SEEDS, x)))
    _write(drive, "gan-study", 3_000, {F.SEEDS[3]: None})  # a failed run
    # the first registration gives no verdict until the cells are complete: the effect so far
    # stays, no label, no p in Holm
    first = _evaluate(tmp_path)
    for hid in ("L1", "L2"):
        assert first[hid].verdict == FV.AWAITING and math.isnan(first[hid].p_value)
        assert math.isnan(first[hid].holm_p) or first[hid].holm_p == 1.0
    assert first["L2"].verdict_text == FV.AWAITING + " (3, 3, 3 and 3 of 8 seeds per arm; 1 failed)"
    # the interim machinery, as the second registration uses it, on the same records
    v = _evaluate(tmp_path, registration=replace(FV.FIRST, interim=True))
    assert first["L2"].estimate == v["L2"].estimate and first["L2"].effect == v["L2"].effect

    # L2 by hand: Σ w x̄, se² = Σ s²/n, Welch–Satterthwaite df
    groups = [np.array(values[g]) for g in FV.TESTS["L2"].groups]
    w = [1, -1, -1, 1]
    est = sum(wi * g.mean() for wi, g in zip(w, groups))
    terms = [g.var(ddof=1) / len(g) for g in groups]
    se = math.sqrt(sum(terms))
    df = sum(terms) ** 2 / sum(t**2 / (len(g) - 1) for t, g in zip(terms, groups))
    p = 2 * stats.t.sf(abs(est / se), df)
    half = stats.t.ppf(0.975, df) * se
    l2 = v["L2"]
    assert l2.estimate == pytest.approx(est) and l2.p_value == pytest.approx(p, rel=1e-9)
    assert (l2.ci_low, l2.ci_high) == pytest.approx((est - half, est + half), rel=1e-9)
    assert l2.verdict_text.endswith("(interim: 3, 3, 3 and 3 of 8 seeds per arm; 1 failed)")
    assert "(GAN-CNN − CNN at 300) − (GAN-CNN − CNN at 3K)" in l2.effect
    assert "its 95% CI" in l2.effect

    l1 = v["L1"]  # 4 records of gan-study at 3K, one failed: 3 scores
    ref = stats.ttest_ind(groups[2], groups[3], equal_var=False)
    assert l1.p_value == pytest.approx(ref.pvalue, rel=1e-9) and l1.failed == 1
    assert not l1.complete and "(1 failed)" in l1.effect
    assert l1.verdict_text.endswith("(interim: 3 and 3 of 8 seeds per arm; 1 failed)")
    for hid in ("L3a", "L3b", "L4", "L5"):
        assert v[hid].verdict == NOT_YET_RUN == v[hid].verdict_text

    # Holm over the primary family of six, four of them untested (counted as p = 1)
    expected = _holm([l1.p_value, l2.p_value], 6)
    assert [l1.holm_p, l2.holm_p] == pytest.approx(expected, rel=1e-12)
    assert expected != pytest.approx([6 * l1.p_value, 6 * l2.p_value])  # step-down matters
    # a label decided at the test's own α says when it does not hold after Holm, "so far"
    # while the family has untested members, whose p = 1 makes the Holm p an upper bound
    for x in (l1, l2):
        assert x.holm_untested == ("L3a", "L3b", "L4", "L5")
        decisive = x.verdict.split(" (")[0] in (SUPPORTED, "refuted", EQUIVALENT)
        assert x.verdict.endswith("(not after Holm so far)") == (decisive and x.holm_p >= 0.05)
        assert (
            "Holm counts L3a, L3b, L4 and L5, untested, as p = 1"
            in (FA.fewer_table([x])["in full"].iloc[0])
        )
        line = FA._verdict_line(x)
        assert f"Holm ≤ {fmt_p(x.holm_p)} while L3a, L3b, L4 and L5 untested" in line
    assert v["L3a"].holm_untested == ()


def test_equivalence_by_tost_on_chase_with_the_chosen_candidate_only(tmp_path):
    drive, chase = _setup(tmp_path), _setup(tmp_path, "chase")
    _tune(drive, "ssgan", winner=3)
    assert F.chosen(drive, F.ARM["ssgan"]) == F.ARM["ssgan"].grid[3]
    cnn = [0.9500, 0.9512, 0.9491, 0.9506, 0.9497]
    ssgan = [0.9503, 0.9494, 0.9509, 0.9500, 0.9511]
    _write(chase, "cnn", 1_000, dict(zip(F.CHASE_SEEDS, cnn)))
    _write(chase, "ssgan", 1_000, dict(zip(F.CHASE_SEEDS, ssgan)))
    # not counted: a CHASE_DB1 seed beyond the plan, another candidate, DRIVE records
    _write(chase, "cnn", 1_000, {105: 0.5})
    _write(chase, "ssgan", 1_000, {100: 0.1}, candidate=F.ARM["ssgan"].grid[0])
    _write(drive, "cnn", 1_000, {100: 0.1})
    v = _evaluate(tmp_path, "chase")
    assert list(v) == list(FV.FAMILIES["chase"][FV.CHASE])
    l3b = v["L3b"]
    a, b = np.array(ssgan), np.array(cnn)
    welch = stats.ttest_ind(a, b, equal_var=False)
    lower = stats.ttest_ind(a + 0.0075, b, equal_var=False, alternative="greater")
    upper = stats.ttest_ind(a - 0.0075, b, equal_var=False, alternative="less")
    tost_p = max(lower.pvalue, upper.pvalue)
    assert welch.pvalue >= 0.05 and tost_p < 0.05
    assert l3b.verdict == EQUIVALENT and l3b.p_value == pytest.approx(tost_p, rel=1e-9)
    assert l3b.estimate == pytest.approx(a.mean() - b.mean(), abs=1e-12)
    assert l3b.complete and l3b.runs == "5 and 5" and l3b.verdict_text == EQUIVALENT
    assert l3b.family == FV.CHASE and "TOST ±0.0075" in l3b.effect
    assert "its 95% CI excludes the paper's 15K gain +0.0150 and the exploratory" in l3b.effect
    assert l3b.holm_p == pytest.approx(min(1.0, 6 * tost_p))
    assert v["S3b"].verdict == NOT_YET_RUN  # cnn-none has no records (nor its tuning)
    # on DRIVE the same ssgan arm has no records: its chase runs are not DRIVE's
    assert _evaluate(tmp_path)["L3b"].verdict == NOT_YET_RUN
