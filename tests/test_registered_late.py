"""The study's registered analyses computed late (paired by seed and by test image beside
H1–H4, a bootstrap CI for H2's share), the statistics behind them against scipy, and the
scoping sentences of the answer: p(fake | real) beside every fake detection, what an equivalence
excludes, the size-trend caveat, the fair-protocol ablations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ganseg_lib.analysis import stats as ST
from ganseg_lib.analysis.present.text import excluded_text
from ganseg_lib.analysis.study import paired as P
from ganseg_lib.analysis.study import records as S
from ganseg_lib.analysis.study import verdicts as V
from ganseg_lib.analysis.study.answer import trend_caveat
from ganseg_lib.analysis.study.context import (
    exclusion_sentence,
    fair_ablation_sentence,
    scope_sentence,
)
from tests.test_study_analysis import _arm, _history, _record, _tuning


def test_mean_ci_is_scipys_t_interval():
    x = np.array([0.931, 0.935, 0.929, 0.940, 0.933])
    mean, low, high = ST.mean_ci(x)
    ref = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert mean == pytest.approx(x.mean())
    assert (low, high) == pytest.approx(ref)
    assert math.isnan(ST.mean_ci([0.9])[1])


def test_holm_lives_in_stats_and_the_verdicts_use_it():
    assert V.holm is ST.holm
    assert ST.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])


def _numpy_bootstrap(a, d, b, n=20_000, seed=1):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        ra, rd, rb = (rng.choice(x, len(x)) for x in (a, d, b))
        out.append((ra.mean() - rb.mean()) / (rd.mean() - rb.mean()))
    return np.percentile(out, [2.5, 97.5])


def test_bootstrap_ratio_ci_agrees_with_a_plain_resampling_loop():
    rng = np.random.default_rng(0)
    cnn = 0.930 + rng.normal(0, 0.001, 5)
    gan = 0.940 + rng.normal(0, 0.001, 5)
    abl = 0.935 + rng.normal(0, 0.001, 5)
    share, low, high = ST.bootstrap_ratio_ci(abl, gan, cnn, n_resamples=20_000)
    assert share == pytest.approx((abl.mean() - cnn.mean()) / (gan.mean() - cnn.mean()))
    ref = _numpy_bootstrap(abl, gan, cnn)
    assert low == pytest.approx(ref[0], abs=0.03)
    assert high == pytest.approx(ref[1], abs=0.03)
    assert low < share < high
    with pytest.raises(ValueError, match="at least 2"):
        ST.bootstrap_ratio_ci([0.9], gan, cnn)


def test_excluded_text_names_what_lies_outside_and_inside_the_interval():
    text = excluded_text(-0.0035, 0.0058, {"a": 0.015, "b": 0.0053})
    assert text == "its 95% CI excludes a +0.0150 but does not exclude b +0.0053"
    assert excluded_text(-1, 1, {"a": 0.0}) == "its 95% CI does not exclude a +0.0000"


def _study(tmp):
    _tuning(tmp)
    for method, protocol, centre in (
        ("gan", "paper", 0.942),
        ("cnn", "paper", 0.932),
        ("frozen", "paper", 0.930),
        ("noise", "paper", 0.932),
        ("gan", "fair", 0.948),
        ("cnn", "fair", 0.947),
        ("ssgan", "fair", 0.934),
        ("noise", "fair", 0.947),
        ("frozen", "fair", 0.944),
    ):
        _arm(tmp, method, protocol, 15_000, centre)
    for method, centre in (("gan", 0.9485), ("cnn", 0.948)):
        _arm(tmp, method, "fair", 150_000, centre)
    return S.load_study(tmp)


def test_paired_by_image_is_scipys_ttest_rel_on_seed_averaged_image_aucs(tmp_path):
    df = _study(tmp_path)
    a, b = P.image_scores(df, "gan", "fair", 15_000), P.image_scores(df, "cnn", "fair", 15_000)
    assert list(a.index) == ["01", "02"]  # the constructed records' two test images
    c = P.image_paired(df, ("gan", "fair", 15_000), ("cnn", "fair", 15_000))
    ref = stats.ttest_rel(a.to_numpy(), b.to_numpy())
    assert c.difference == pytest.approx((a - b).mean())
    assert c.p_value == pytest.approx(ref.pvalue, nan_ok=True)


def test_paired_rows_cover_h1_to_h4_and_h4_is_a_per_unit_contrast(tmp_path):
    df = _study(tmp_path)
    rows = P.paired_rows(df)
    assert [r.hypothesis for r in rows] == ["H1", "H2a", "H2a", "H2b", "H2b", "H2", "H3", "H4"]
    h1 = rows[0]
    gan, cnn = S.arm_scores(df, "gan", "fair", 15_000), S.arm_scores(df, "cnn", "fair", 15_000)
    ref = stats.ttest_rel(gan.to_numpy(), cnn.to_numpy())
    assert h1.by_seed.difference == pytest.approx((gan - cnn).mean())
    assert h1.by_seed.p_value == pytest.approx(ref.pvalue, nan_ok=True)
    h4 = rows[-1]
    s = [S.arm_scores(df, *arm) for arm in P.H4_ARMS]
    contrast = (s[0] - s[1] - s[2] + s[3]).to_numpy()
    assert h4.difference == pytest.approx(contrast.mean())
    assert h4.by_seed.difference == pytest.approx(contrast.mean())
    table = P.paired_table(df)
    assert list(table["#"]) == [r.hypothesis for r in rows]


def test_h2_share_intervals_come_from_the_paper_protocol_arms(tmp_path):
    df = _study(tmp_path)
    shares = {s.hypothesis: s for s in P.share_intervals(df, n_resamples=2_000)}
    gan, cnn = S.arm_scores(df, "gan", "paper", 15_000), S.arm_scores(df, "cnn", "paper", 15_000)
    frozen = S.arm_scores(df, "frozen", "paper", 15_000)
    assert shares["H2a"].share == pytest.approx(
        (frozen.mean() - cnn.mean()) / (gan.mean() - cnn.mean())
    )
    assert shares["H2a"].ci_low <= shares["H2a"].share <= shares["H2a"].ci_high
    assert "bootstrap 95% CI" in P.share_text(list(shares.values()))


def test_h5_states_p_fake_real_beside_fake_detection(tmp_path):
    for seed in range(5):
        hist = [{**h, "p_fake_real": 0.999, "p_fake_val": 1.0} for h in _history(True)]
        _record(tmp_path, "gan", "paper", 15_000, seed, 0.94, history=hist)
    h5 = {v.id: v for v in V.evaluate_hypotheses(S.load_study(tmp_path))}["H5"]
    assert "fake detection 1.000–1.000" in h5.effect
    assert "p(fake | labelled real) 0.999–0.999" in h5.effect
    assert "p(fake | validation real) 1.000–1.000" in h5.effect
    assert "from iteration 250" in h5.effect  # the first logged interval with p ≥ 0.99


def test_an_equivalence_says_what_its_interval_excludes():
    v = V.Verdict("H1", "", V.EQUIVALENT, "", 0.0011, -0.0035, 0.0058)
    refs = {"the paper's 15K gain": 0.015, "the replication's 30K gain": 0.0053}
    text = exclusion_sentence(v, refs)
    assert "excludes the paper's 15K gain +0.0150" in text
    assert "does not exclude the replication's 30K gain +0.0053" in text
    assert "would call the replication's 30K gain (+0.0053) equivalent" in text
    assert exclusion_sentence(V.Verdict("H1", "", V.SUPPORTED, ""), refs) == ""


def test_the_answer_is_scoped_caveated_and_gives_the_fair_ablations(tmp_path):
    df = _study(tmp_path)
    caveat = trend_caveat(df)
    assert "epochs per run" in caveat and "21.3 at 15,000" in caveat and "2.1 at 150,000" in caveat
    fair = fair_ablation_sentence(df)
    assert "GAN-CNN − noise fakes +0.0010" in fair and "GAN-CNN − frozen-G fakes +0.0040" in fair
    assert scope_sentence(df) == ""  # the constructed runs have no history to read p(fake) from


def test_welch_power_is_finite_far_in_the_tail():
    assert ST.welch_power(0.015, 0.002, 0.002, 5, 5) == pytest.approx(1.0)
    assert 0 < ST.welch_power(0.002, 0.002, 0.002, 5, 5) < 1
