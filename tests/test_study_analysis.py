"""The study "Beyond the paper" from constructed run records: the primary score (best-validation
checkpoint under the fair protocol, last under the paper's), the (lr, β1) choice, the tables,
Holm's adjustment, and a case of every label for each pre-registered hypothesis."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ganseg_lib.analysis.replication.headline import read_block
from ganseg_lib.analysis.study import efficiency as E
from ganseg_lib.analysis.study import game as G
from ganseg_lib.analysis.study import headline as SH
from ganseg_lib.analysis.study import records as S
from ganseg_lib.analysis.study import tables as T
from ganseg_lib.analysis.study import verdicts as V
from ganseg_lib.analysis.study.answer import study_answer, tier_two_answer
from ganseg_lib.cli import main
from ganseg_lib.evaluate.record import RunRecord, record_path, write_record
from ganseg_lib.experiment.study import TUNING_GRID, study_config

PAIR = (3e-4, 0.5)  # the pair the constructed tuning records make the best
SPREAD = np.array([-2, -1, 0, 1, 2]) / 1000  # per-seed offsets: sd 0.0016


def _evaluation(mean: float, sampled: float | None = None) -> dict:
    return {
        "image_ids": ["01", "02"],
        "per_image_auc": [mean - 0.01, mean + 0.01],
        "mean_auc": mean,
        "sampled": None if sampled is None else {"mean_auc": sampled},
    }


def _record(
    tmp,
    method,
    protocol,
    n,
    seed,
    score,
    *,
    pair=PAIR,
    status="ok",
    history=None,
    best_val=0.9,
    last=None,
    kind=None,
    sampled=None,
):
    """A study record whose primary score is ``score``; under the fair protocol the last
    checkpoint scores ``last`` (default score − 0.005), so that the two can be told apart."""
    setup = S.study_setup(tmp)
    lr, b1 = pair if protocol == "fair" else (None, None)
    config = study_config(setup, method, protocol, n, seed, lr, b1, **(kind or {}))
    ok = status == "ok"
    fair = protocol == "fair"
    rec = RunRecord(
        profile="study",
        status=status,
        config=config,
        run_dir="runs/x",
        training={"best_val_auc": best_val} if ok else {},
        timing={"train_seconds": 600.0, "eval_seconds": 60.0},
        provenance={"device": "cpu (test)", "created": "2026-12-01T00:00:00Z"},
        failure=None if ok else "GAN collapse",
        evaluation=_evaluation((score - 0.005 if last is None else last) if fair else score)
        if ok
        else None,
        evaluation_best={"iteration": 3000, **_evaluation(score, sampled)} if ok and fair else None,
        history=history,
    )
    write_record(record_path(tmp, "study", config), rec)
    return rec


def _tuning(tmp, scores=None):
    """Tuning records of every tuned method: PAIR best unless ``scores`` says otherwise."""
    for method in ("cnn", "gan", "ssgan"):
        for i, pair in enumerate(TUNING_GRID):
            best = (scores or {}).get(pair, 0.95 if pair == PAIR else 0.90 + 0.01 * i)
            if pair != PAIR:  # the chosen pair's seed-0 record is written as an arm run
                _record(tmp, method, "fair", 15_000, 0, 0.9, pair=pair, best_val=best)


def _arm(tmp, method, protocol, n, centre, seeds=range(5), spread=SPREAD, sampled=None, **kw):
    for s in seeds:
        best = 0.95 if protocol == "fair" and s == 0 else 0.9
        on_sample = None if sampled is None else sampled + spread[s]
        _record(
            tmp, method, protocol, n, s, centre + spread[s], best_val=best, sampled=on_sample, **kw
        )


def _verdicts(tmp) -> dict[str, V.Verdict]:
    return {v.id: v for v in V.evaluate_hypotheses(S.load_study(tmp))}


# --- scores, choice, tables -------------------------------------------------------------------


def test_primary_score_is_best_validation_for_fair_and_last_for_paper(tmp_path):
    fair = _record(tmp_path, "gan", "fair", 15_000, 1, 0.93, last=0.91)
    paper = _record(tmp_path, "gan", "paper", 15_000, 1, 0.92)
    failed = _record(tmp_path, "cnn", "paper", 15_000, 2, 0.92, status="failed")
    assert S.primary_score(fair) == pytest.approx(0.93)
    assert S.primary_score(paper) == pytest.approx(0.92)
    assert S.primary_score(failed) is None
    df = S.load_study(tmp_path)
    row = df[(df["protocol"] == "fair")].iloc[0]
    assert (row["score"], row["score_last"], row["best_iteration"]) == (
        pytest.approx(0.93),
        pytest.approx(0.91),
        3000,
    )


def test_choice_table_marks_the_highest_pair_and_keeps_ties_to_the_earlier(tmp_path):
    assert set(T.choice_table(tmp_path)["chosen"]) == {"pending"}
    tie = {TUNING_GRID[1]: 0.96, TUNING_GRID[2]: 0.96}
    for method in ("cnn", "gan", "ssgan"):
        for pair in TUNING_GRID:
            _record(
                tmp_path, method, "fair", 15_000, 0, 0.9, pair=pair, best_val=tie.get(pair, 0.9)
            )
    table = T.choice_table(tmp_path)
    gan = table[table["method"] == "GAN-CNN"]
    assert list(gan["chosen"]) == ["", "yes", "", ""]  # (1e-4, 0.9) beats the tied (3e-4, 0.5)
    assert (
        list(gan["used by"])
        == ["GAN-CNN, frozen-G fakes, noise fakes, class-conditional GAN"] + [""] * 3
    )
    assert S.chosen_pairs(tmp_path)["noise"] == TUNING_GRID[1]


def test_a_failed_tuning_run_is_never_chosen(tmp_path):
    for i, pair in enumerate(TUNING_GRID):
        status = "failed" if i == 3 else "ok"
        _record(
            tmp_path,
            "cnn",
            "fair",
            15_000,
            0,
            0.9,
            pair=pair,
            best_val=0.9 + 0.01 * i,
            status=status,
        )
    assert S.chosen_pairs(tmp_path)["cnn"] == TUNING_GRID[2]


def test_only_the_chosen_pair_belongs_to_an_arm(tmp_path):
    _tuning(tmp_path)
    _arm(tmp_path, "cnn", "fair", 15_000, 0.93)
    df = S.load_study(tmp_path)
    assert len(df[df["method"] == "cnn"]) == 8  # 3 other tuning runs + 5 seeds
    scores = S.arm_scores(df, "cnn", "fair", 15_000)
    assert list(scores.index) == [0, 1, 2, 3, 4]
    assert scores.mean() == pytest.approx(0.93)


def test_size_table_compares_every_arm_with_the_fair_cnn(tmp_path):
    _tuning(tmp_path)
    _arm(tmp_path, "cnn", "fair", 15_000, 0.93)
    _arm(tmp_path, "gan", "fair", 15_000, 0.94, spread=SPREAD[::-1])
    table = T.size_table(S.load_study(tmp_path), 15_000)
    assert list(table["arm"]) == ["CNN (fair)", "GAN-CNN (fair)"]
    gan = table.iloc[1]
    assert gan["− fair CNN [95% CI]"].startswith("+0.0100 [")
    assert gan["Welch p"] < 1e-4 and gan["paired p (seeds)"] < 0.01
    assert gan["last checkpoint"] == pytest.approx(0.935)
    assert gan["best-val checkpoint"] == pytest.approx(0.94)
    assert table.iloc[0]["− fair CNN [95% CI]"] == "(baseline)"


def test_variants_are_arms_of_their_own(tmp_path):
    """The joint reading of L_c and the paper's normalisation are arms beside the one they vary;
    an instance-norm arm is compared with the fair CNN on the sampled pixels."""
    _tuning(tmp_path)
    _arm(tmp_path, "cnn", "fair", 15_000, 0.93, sampled=0.92)
    flip = {"spread": SPREAD[::-1]}  # seed differences that vary, for the paired tests
    _arm(tmp_path, "gan", "paper", 15_000, 0.935, **flip)
    _arm(tmp_path, "gan", "paper", 15_000, 0.90, kind={"classification": "joint"}, **flip)
    _arm(tmp_path, "cnn", "fair", 15_000, 0.95, kind={"norm": "instance"}, sampled=0.95, **flip)
    df = S.load_study(tmp_path)
    assert S.arm_scores(df, "gan", "paper", 15_000).mean() == pytest.approx(0.935)
    assert S.arm_scores(df, "gan", "paper", 15_000, "-lcjoint").mean() == pytest.approx(0.90)
    table = T.size_table(df, 15_000).set_index("arm")
    assert list(table.index) == [
        "CNN (fair)",
        "GAN-CNN (paper)",
        "GAN-CNN (paper, joint L_c)",
        "CNN (fair, instance norm)",
    ]
    row = table.loc["CNN (fair, instance norm)"]
    assert row["primary score"] == "best-validation, sampled pixels"
    assert row["− fair CNN [95% CI]"].startswith("+0.0300 [")  # 0.95 − 0.92, not − 0.93
    price = T.normalisation_table(df).set_index("method").loc["CNN"]
    assert price["instance − final [95% CI]"].startswith("+0.0300 [")
    assert price["final norm (ours)"].startswith("0.9200")
    assert set(E.label_efficiency(df)["arm"]) == {"CNN (fair)", "GAN-CNN (paper)"}


def test_tier_one_compute_leaves_out_tier_two_runs(tmp_path):
    from ganseg_lib.analysis.study.compute import compute_table

    _tuning(tmp_path)
    _arm(tmp_path, "cnn", "fair", 15_000, 0.93)
    _arm(tmp_path, "cnn", "fair", 15_000, 0.95, kind={"norm": "instance"})
    _arm(tmp_path, "cnn", "fair", 3_000, 0.90)
    df = S.load_study(tmp_path)
    tier1 = compute_table(df, (1,)).set_index("method").loc["CNN"]
    assert tier1["runs recorded"] == 3 + 5  # tuning and the 15K arm
    both = compute_table(df, (1, 2)).set_index("method").loc["CNN"]
    assert both["runs recorded"] == 3 + 5 + 5 + 5


def test_label_efficiency_gives_a_t_interval_per_arm_and_size(tmp_path):
    _tuning(tmp_path)
    _arm(tmp_path, "gan", "fair", 15_000, 0.94)
    eff = E.label_efficiency(S.load_study(tmp_path))
    row = eff[eff["method"] == "gan"].iloc[0]
    half = 2.776445105 * np.std(SPREAD, ddof=1) / math.sqrt(5)  # t(0.975, 4)
    assert (row["seeds"], row["n_patches"]) == (5, 15_000)
    assert row["ci_high"] - row["mean_auc"] == pytest.approx(half)


def test_the_tier_one_plan_counts_each_run_once():
    from ganseg_lib.analysis.study.compute import planned_runs

    planned = planned_runs((1,))
    # tuning 3 × 4; fair cnn/gan/ssgan 3 sizes × 5 seeds less the chosen tuning run each;
    # paper cnn/gan/frozen/noise and fair frozen/noise at 15K × 5 seeds
    assert sum(planned.values()) == 12 + 3 * 15 - 3 + 6 * 5
    assert planned["frozen"] == planned["noise"] == 10


def test_tier_two_counts_its_own_runs_without_the_tuning_stage(tmp_path):
    from ganseg_lib.analysis.study.compute import planned_runs, recorded_text

    # cnn/gan/ssgan at 3K, cgan at 15K, instance-norm gan/cnn at 15K, joint-L_c gan: × 5 seeds
    assert sum(planned_runs((2,), tuning=False).values()) == 7 * 5
    _tuning(tmp_path)  # 9 tuning runs: not tier 2's
    _arm(tmp_path, "cnn", "fair", 3_000, 0.90, seeds=range(2))
    _record(tmp_path, "gan", "fair", 3_000, 0, 0.9, status="failed")
    df = S.load_study(tmp_path)
    text = recorded_text(df, (2,), tuning=False)
    assert text.startswith("3 of the 35 runs of tier 2 recorded, 1 failed, ")
    assert recorded_text(df).startswith("9 of the 84 runs of tier 1 and the tuning stage recorded")


# --- Holm ----------------------------------------------------------------------------------


def test_holm_matches_a_hand_computation():
    # sorted: 0.005 × 5 = 0.025; 0.01 × 4 = 0.04; 0.03 × 3 = 0.09; 0.04 × 2 = 0.08 → 0.09
    # (monotone); the missing one counts as 1 in the family and stays missing
    adjusted = V.holm([0.01, 0.04, 0.03, 0.005, math.nan])
    assert adjusted[:4] == pytest.approx([0.04, 0.09, 0.09, 0.025])
    assert math.isnan(adjusted[4])
    assert V.holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])


# --- the hypotheses ---------------------------------------------------------------------------


def test_no_records_means_every_hypothesis_is_not_yet_run(tmp_path):
    verdicts = _verdicts(tmp_path)
    assert list(verdicts) == ["H1", "H2a", "H2b", "H3", "H4", "H5"]
    assert {v.verdict for v in verdicts.values()} == {V.NOT_YET_RUN}
    answer = study_answer(list(verdicts.values()), E.label_efficiency(S.load_study(tmp_path)))
    assert "**Not yet measured.**" in answer and "0 of 6 hypotheses" in answer


@pytest.mark.parametrize(
    "gan, cnn, spread, verdict",
    [
        (0.940, 0.930, SPREAD, V.SUPPORTED),
        (0.925, 0.935, SPREAD, V.REFUTED),
        (0.9301, 0.9300, SPREAD, V.EQUIVALENT),  # within ±0.0075, tightly
        (0.934, 0.930, SPREAD * 6, V.INCONCLUSIVE),  # sd 0.0095: neither
    ],
)
def test_h1_rule(tmp_path, gan, cnn, spread, verdict):
    _tuning(tmp_path)
    _arm(tmp_path, "gan", "fair", 15_000, gan, spread=spread)
    _arm(tmp_path, "cnn", "fair", 15_000, cnn, spread=spread)
    h1 = _verdicts(tmp_path)["H1"]
    assert h1.verdict == verdict and h1.complete
    assert h1.estimate == pytest.approx(gan - cnn)
    assert "Welch p" in h1.effect and "TOST" in h1.effect
    if verdict == V.EQUIVALENT:
        assert h1.p_value < 0.05 and h1.ci_low > -V.MARGIN
    assert not math.isnan(h1.holm_p) and h1.holm_p >= h1.p_value


def test_h1_with_some_seeds_is_interim_and_h3_compares_ssgan_with_gan(tmp_path):
    _tuning(tmp_path)
    _arm(tmp_path, "gan", "fair", 15_000, 0.94, seeds=range(3))
    _arm(tmp_path, "cnn", "fair", 15_000, 0.93, seeds=range(3))
    _arm(tmp_path, "ssgan", "fair", 15_000, 0.95, seeds=range(3))
    v = _verdicts(tmp_path)
    assert v["H1"].verdict == V.SUPPORTED and not v["H1"].complete
    assert v["H1"].verdict_text == "supported (interim: 3 and 3 of 5 seeds per arm)"
    assert v["H3"].verdict == V.SUPPORTED and v["H3"].estimate == pytest.approx(0.01)
    answer = study_answer(list(v.values()), E.label_efficiency(S.load_study(tmp_path)))
    assert answer.startswith("**Does adversarial learning reduce manual annotation here?** **Yes")
    assert "Interim" in answer


def _paper_arms(tmp, gan, cnn, frozen, noise, spread=SPREAD):
    for method, centre in (("gan", gan), ("cnn", cnn), ("frozen", frozen), ("noise", noise)):
        _arm(tmp, method, "paper", 15_000, centre, spread=spread)


def test_h2_supported_refuted_and_inconclusive(tmp_path):
    # frozen recovers 80% of the gain (supported); noise recovers none, GAN-CNN beats it (refuted)
    _paper_arms(tmp_path, gan=0.940, cnn=0.930, frozen=0.938, noise=0.9301)
    v = _verdicts(tmp_path)
    assert v["H2a"].verdict == V.SUPPORTED and v["H2a"].estimate == pytest.approx(0.8)
    assert v["H2b"].verdict == V.REFUTED and v["H2b"].estimate == pytest.approx(0.01)
    assert "share (ablation − CNN) / (GAN-CNN − CNN) = 80%" in v["H2a"].effect
    assert math.isnan(v["H2a"].ci_low) and math.isnan(v["H2a"].ci_high)  # no CI of a share
    assert (
        "GAN-CNN − CNN +0.0100" in v["H2a"].effect
        and "67% of the paper's +0.015" in v["H2a"].effect
    )
    answer = study_answer(list(v.values()), E.label_efficiency(S.load_study(tmp_path)))
    # the labels disagree: the answer names the source behind each, and claims no regulariser
    assert "disagree" in answer and "regulariser" not in answer
    assert "the frozen random generator recovers at least half" in answer
    assert "the trained generator beats Gaussian noise" in answer


def test_h2_supported_by_both_sources_reads_as_a_regulariser(tmp_path):
    _paper_arms(tmp_path, gan=0.940, cnn=0.930, frozen=0.938, noise=0.939)
    v = _verdicts(tmp_path)
    assert v["H2a"].verdict == v["H2b"].verdict == V.SUPPORTED
    answer = study_answer(list(v.values()), E.label_efficiency(S.load_study(tmp_path)))
    assert "the frozen random generator and Gaussian noise" in answer and "regulariser" in answer


def test_h2_needs_a_significant_gan_gain(tmp_path):
    _paper_arms(tmp_path, gan=0.931, cnn=0.930, frozen=0.931, noise=0.931, spread=SPREAD * 6)
    v = _verdicts(tmp_path)
    assert v["H2a"].verdict == V.INCONCLUSIVE and v["H2a"].blocked and v["H2b"].blocked
    assert "needs GAN-CNN − CNN > 0" in v["H2a"].effect
    answer = study_answer(list(v.values()), E.label_efficiency(S.load_study(tmp_path)))
    assert "the GAN-CNN gain itself is not significant" in answer
    assert "of the gain" not in answer  # no share of a gain that is not there


def test_h2_inconclusive_when_the_share_is_small(tmp_path):
    # frozen − CNN significant but only 30% of the gain; GAN-CNN − frozen also significant
    _paper_arms(tmp_path, gan=0.940, cnn=0.930, frozen=0.933, noise=0.933)
    assert _verdicts(tmp_path)["H2a"].verdict == V.INCONCLUSIVE


@pytest.mark.parametrize(
    "gap_small, gap_large, verdict",
    [(0.010, 0.001, V.SUPPORTED), (0.001, 0.010, V.REFUTED), (0.005, 0.004, V.INCONCLUSIVE)],
)
def test_h4_rule(tmp_path, gap_small, gap_large, verdict):
    _tuning(tmp_path)
    _arm(tmp_path, "gan", "fair", 15_000, 0.93 + gap_small)
    _arm(tmp_path, "cnn", "fair", 15_000, 0.93)
    _arm(tmp_path, "gan", "fair", 150_000, 0.95 + gap_large)
    _arm(tmp_path, "cnn", "fair", 150_000, 0.95)
    h4 = _verdicts(tmp_path)["H4"]
    assert h4.verdict == verdict
    assert h4.estimate == pytest.approx(gap_small - gap_large)
    share = (gap_small - gap_large) / ((0.931 - 0.916) - (0.962 - 0.960))  # the paper's +0.013
    assert f"{100 * share:.0f}% of the paper's +0.013" in h4.effect
    assert f"GAN-CNN − CNN +{gap_small:.4f} at 15K, +{gap_large:.4f} at 150K" in h4.effect


def _history(fading: bool, n: int = 20) -> list[dict]:
    return [
        {
            "iteration": 250 * (i + 1),
            "fake_detect": 1.0 if fading else 0.8,
            "adv_share": 0.001 if fading else 0.2,
            "val_auc": 0.9,
        }
        for i in range(n)
    ]


@pytest.mark.parametrize(
    "fading, verdict",
    [
        ([True, True, True, True, False], V.SUPPORTED),
        ([True, False, False, False, False], V.REFUTED),
        ([True, True, True, False, False], V.INCONCLUSIVE),
        ([True, True], V.INCONCLUSIVE),  # 3 runs still to come
        ([False, False, False, False], V.REFUTED),  # even a fading 5th run leaves 1 of 5
        ([True, True, True, True], V.SUPPORTED),  # 4 of 5 whatever the 5th does
    ],
)
def test_h5_rule(tmp_path, fading, verdict):
    for seed, f in enumerate(fading):
        _record(tmp_path, "gan", "paper", 15_000, seed, 0.94, history=_history(f))
    h5 = _verdicts(tmp_path)["H5"]
    assert h5.verdict == verdict
    assert h5.effect.startswith(f"{sum(fading)} of {len(fading)} runs fade")
    assert h5.complete == (len(fading) == 5)
    assert math.isnan(h5.holm_p)  # a count, outside the Holm family


def test_h5_needs_every_one_of_the_last_five_intervals(tmp_path):
    hist = _history(True)
    hist[-3]["adv_share"] = 0.02  # one interval of the last five above 1%
    assert G.fades(hist) is False
    assert G.fades(_history(True)) is True
    assert G.fades(_history(True, n=4)) is None  # too short a history
    assert G.fades([{**h, "adv_share": None} for h in _history(True)]) is None


def test_a_failed_run_counts_as_missing_never_as_fading(tmp_path):
    for seed in range(4):
        _record(tmp_path, "gan", "paper", 15_000, seed, 0.94, history=_history(seed < 3))
    _record(tmp_path, "gan", "paper", 15_000, 4, 0.94, history=_history(True), status="failed")
    h5 = _verdicts(tmp_path)["H5"]
    assert h5.verdict == V.INCONCLUSIVE and h5.complete
    assert h5.effect.startswith("3 of 4 runs fade")
    assert h5.verdict_text == "inconclusive (4 of 5 seeds per arm; 1 failed)"


@pytest.mark.parametrize(
    "runs",
    [
        [(True, None)] * 5,  # five runs without the history: none can be judged
        [(False, "failed")] * 4 + [(True, False)],  # one judged run that does not fade
    ],
)
def test_runs_that_cannot_be_judged_never_refute_h5(tmp_path, runs):
    for seed, (ok, fading) in enumerate(runs):
        history = None if fading is None else _history(fading)
        status = "ok" if ok else "failed"
        _record(tmp_path, "gan", "paper", 15_000, seed, 0.94, history=history, status=status)
    h5 = _verdicts(tmp_path)["H5"]
    assert h5.verdict == V.INCONCLUSIVE and h5.complete


def test_a_failed_run_is_named_in_the_verdict_and_the_effect_is_set_against_the_paper(tmp_path):
    _tuning(tmp_path)
    _arm(tmp_path, "gan", "fair", 15_000, 0.94, seeds=range(4))
    _record(tmp_path, "gan", "fair", 15_000, 4, 0.94, status="failed")  # not seed 0: tuning
    _arm(tmp_path, "cnn", "fair", 15_000, 0.93)
    h1 = _verdicts(tmp_path)["H1"]
    assert h1.complete and h1.failed == 1
    assert h1.verdict_text == f"{h1.verdict} (4 and 5 of 5 seeds per arm; 1 failed)"
    diff = float(np.mean(0.94 + SPREAD[:4]) - 0.93)
    assert f"{100 * diff / 0.015:.0f}% of the paper's +0.015" in h1.effect


@pytest.mark.parametrize("gain, outside", [(0.015, False), (0.002, True)])
def test_the_effect_says_when_the_papers_value_lies_outside_our_interval(tmp_path, gain, outside):
    _tuning(tmp_path)
    _arm(tmp_path, "gan", "fair", 15_000, 0.93 + gain)
    _arm(tmp_path, "cnn", "fair", 15_000, 0.93)
    h1 = _verdicts(tmp_path)["H1"]
    assert (h1.ci_low <= 0.015 <= h1.ci_high) is not outside  # the paper's +0.015
    assert ("the paper's value lies outside our 95% CI" in h1.effect) is outside


def test_verdict_table_has_holm_p_beside_p(tmp_path):
    _tuning(tmp_path)
    _arm(tmp_path, "gan", "fair", 15_000, 0.94)
    _arm(tmp_path, "cnn", "fair", 15_000, 0.93)
    table = V.verdict_table(V.evaluate_hypotheses(S.load_study(tmp_path)))
    assert list(table.columns) == ["#", "hypothesis", "verdict", "effect [95% CI]", "p", "Holm p"]
    h1 = table[table["#"] == "H1"].iloc[0]
    assert h1["Holm p"] == pytest.approx(min(1.0, 5 * h1["p"]))  # the only p of the family
    assert isinstance(table, pd.DataFrame)


def test_the_answer_sets_the_fair_protocols_own_gain_beside_the_generators(tmp_path):
    _tuning(tmp_path)
    _arm(tmp_path, "cnn", "fair", 15_000, 0.947)
    _arm(tmp_path, "gan", "fair", 15_000, 0.948)
    _arm(tmp_path, "cnn", "paper", 15_000, 0.932, seeds=range(3))  # mean 0.931: SPREAD[:3]
    _arm(tmp_path, "gan", "paper", 15_000, 0.942, seeds=range(3))
    v = V.evaluate_hypotheses(S.load_study(tmp_path))
    answer = study_answer(v, E.label_efficiency(S.load_study(tmp_path)))
    assert "takes the CNN from 0.9310 (3 seeds) to 0.9470 (5 seeds), +0.0160" in answer
    assert "the generator adds +0.0100 to the same CNN" in answer


# --- the README's study block ----------------------------------------------------------------


def test_study_block_round_trips_through_the_cli_and_goes_stale_with_a_new_record(tmp_path):
    results = tmp_path / "results"
    _tuning(results)
    _arm(results, "gan", "fair", 15_000, 0.94)
    _arm(results, "cnn", "fair", 15_000, 0.93)
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{SH.STUDY_BEGIN}\nold\n{SH.STUDY_END}\n\nafter\n")
    argv = ["report", "--study", "--results", str(results), "--readme", str(readme)]
    assert main(argv) == 0 and main([*argv, "--check"]) == 0
    block = read_block(readme, SH.STUDY_BEGIN, SH.STUDY_END)
    assert readme.read_text().endswith("\n\nafter\n")
    h1_row = "| H1 | Against a fair baseline, GAN-CNN still beats the CNN at 15K. | **supported** |"
    assert h1_row in block
    assert "| H4 |" in block and "**not yet run**" in block
    # 3 tuned methods × 3 other pairs, plus 2 arms × 5 seeds; of tier 1's and tuning's 84 runs
    assert "19 of the 84 runs of tier 1 and the tuning stage recorded, 0 failed" in block
    assert "hypotheses not committed" in block  # tmp_path is no git repository
    assert "**Does adversarial learning reduce manual annotation here?** **Yes" in block
    _record(results, "cnn", "fair", 150_000, 0, 0.95)
    assert main([*argv, "--check"]) == 1  # a new record makes the block out of date
    readme.write_text("no markers\n")
    assert main(argv) == 2  # one clear error naming the file


def test_study_block_without_records_says_so(tmp_path):
    assert SH.study_markdown(S.load_study(tmp_path)) == "No study run records yet."


def test_tier_two_reads_each_comparison_as_a_difference_or_not_yet_run(tmp_path):
    _tuning(tmp_path)
    for method in ("cnn", "gan", "ssgan"):  # the chosen pair's tuning run settles the choice
        _arm(tmp_path, method, "fair", 15_000, 0.94, seeds=range(1))
    _arm(tmp_path, "cnn", "fair", 3_000, 0.90)
    _arm(tmp_path, "gan", "fair", 3_000, 0.92, seeds=range(3))
    _arm(tmp_path, "ssgan", "fair", 3_000, 0.89, seeds=range(1))
    text = tier_two_answer(S.load_study(tmp_path))
    gan = S.arm_scores(S.load_study(tmp_path), "gan", "fair", 3_000)
    assert gan.mean() == pytest.approx(0.919)  # SPREAD[:3] has mean −0.001
    assert "fair GAN-CNN − fair CNN: +0.0190 [" in text and "(3 and 5 seeds) at 3K" in text
    assert "K+1 SSL GAN − fair CNN: -0.0120 (1 and 5 seeds) at 3K" in text  # one seed: no CI
    assert "class-conditional GAN − fair GAN-CNN: not yet run at 15K" in text
    assert "fair GAN-CNN − fair CNN (sampled test pixels): not yet run at 15K" in text
    assert "as replicated: not yet run at 15K" in text
    # the paper's normalisation reads the sampled pixels; the joint L_c the primary score
    inst = {"norm": "instance"}
    _arm(tmp_path, "gan", "fair", 15_000, 0.5, seeds=range(2), kind=inst, sampled=0.93)
    _arm(tmp_path, "cnn", "fair", 15_000, 0.5, seeds=range(2), kind=inst, sampled=0.92)
    _arm(tmp_path, "gan", "paper", 15_000, 0.93, seeds=range(2), kind={"classification": "joint"})
    _arm(tmp_path, "gan", "paper", 15_000, 0.94, seeds=range(2))
    text = tier_two_answer(S.load_study(tmp_path))
    sampled = text.split("(sampled test pixels): ")[1].split(" at 15K")[0]
    assert sampled.startswith("+0.0100 [") and sampled.endswith("(2 and 2 seeds)")
    joint = text.split("as replicated: ")[1].split(" at 15K")[0]
    assert joint.startswith("-0.0100 [") and joint.endswith("(2 and 2 seeds)")
