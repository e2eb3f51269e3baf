"""The README's and the first page's numbers about "Fewer labels" (the second registration,
P1–P4), read off the committed records: each effect with its 95% CI and the p of the test that
decides it, so that a sentence about a verdict is no stronger than its test."""

from __future__ import annotations

import pytest

from ganseg_lib import book
from ganseg_lib.analysis.present.text import fmt_ci, fmt_p, fmt_signed, join_and
from ganseg_lib.analysis.study.fewer_answer import fewer_answer
from ganseg_lib.analysis.study.fewer_generators import checked_arms, checked_generators
from ganseg_lib.analysis.study.fewer_verdicts import FIRST, PASSING, arm_scores, evaluate
from ganseg_lib.experiment import fewer_labels as plan
from ganseg_lib.paper import size_label

RESULTS = book.ROOT / "results"
PAGES = [book.ROOT / "README.md", book.ROOT / "book" / "intro.md"]


def _flat(text: str) -> str:
    """One line, ASCII minus signs and no '95% CI ' inside brackets, as the library prints."""
    return " ".join(text.replace("−", "-").split()).replace("[95% CI ", "[")


@pytest.fixture(scope="module")
def verdicts():
    found = {v.id: v for data in ("drive", "chase") for v in evaluate(RESULTS, data, None, PASSING)}
    if not all(found[i].complete for i in ("P1", "P2", "P3", "P4")):
        pytest.skip("the second registration's records are not all committed")
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_each_stated_verdict_matches_its_records(page, verdicts):
    text = _flat(page.read_text())
    for pid in ("P1", "P2", "P4"):
        v = verdicts[pid]
        assert f"{fmt_signed(v.estimate)} {fmt_ci(v.ci_low, v.ci_high)}" in text, pid
        assert f"p = {fmt_p(v.p_value)}" in text, pid
    for pid in ("P2", "P4"):  # both inconclusive: the page must not call them more
        assert verdicts[pid].verdict == "inconclusive"
        assert f"p = {fmt_p(verdicts[pid].p_value)}, inconclusive" in text, pid
    p3 = verdicts["P3"]  # refuted at α but not after Holm: undecided by the registered rule
    assert p3.holm_p >= 0.05 > p3.p_value
    assert f"(P3: p = {fmt_p(p3.p_value)}, Holm {fmt_p(p3.holm_p)}, undecided)" in text
    scores = arm_scores(RESULTS, "drive", registration=PASSING)
    at3k = scores["gan-passing", 3000].mean() - scores["cnn-dc32", 3000].mean()
    assert f"{fmt_signed(at3k)} at 3K" in text or f"3K ({fmt_signed(at3k)})" in text


def test_the_complete_registration_is_not_called_partial(verdicts):
    text = fewer_answer(RESULTS, PASSING)
    assert "10 of 10 CHASE_DB1 cells" in text
    assert f"{len(verdicts)} of the {len(verdicts)} verdicts rest on a test." in text


def test_the_first_pages_after_the_fact_count_matches_the_checks():
    """The first registration's generators, checked after the fact: how many, their two-sample
    accuracies, how many a person saw vessels in, that none passes, and the diversity ratios of
    the study's unchanged arm, as the first page says."""
    checked = checked_generators(RESULTS, "drive", plan.PROFILE)
    arms = checked_arms(RESULTS, "drive", plan.PROFILE)
    runs = list(checked.values())
    assert None not in [r.look for r in runs], "a checked generator nobody looked at: add its look"
    accuracy = [r.two_sample_accuracy for r in runs]
    text = _flat((book.ROOT / "book" / "intro.md").read_text())
    assert not any(r.passes for r in runs)
    sizes = join_and([size_label(n) for n in sorted({r.n_patches for r in runs})])
    assert f"none of the first {len(runs)} generators of its GAN arms passes at {sizes}" in text
    span = f"two-sample accuracy {min(accuracy):.3f}–{max(accuracy):.3f}"
    assert f"({span}; vessels in {sum(r.look.vessels for r in runs)};" in text
    study = [r.diversity_ratio for cell, r in checked.items() if arms[cell] == "gan-study"]
    low, high = [x for x in study if x < 1], [x for x in study if x >= 1]
    assert (
        f"one texture, repeated or nearly so, in {len(low)} of its {len(study)} study cells "
        f"(diversity ratio "
        f"{min(low):.2f}–{max(low):.2f}), a speckle of one kind in the other {len(high)} (ratio "
        f"{min(high):.2f}–{max(high):.2f}, the grain differing between samples)"
    ) in text


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_the_first_registrations_1k_verdicts_match_their_records(page):
    """The first registration's DRIVE hypotheses at 1K, decided once their cells are complete:
    each page gives their effects with CIs and p, Holm as an upper bound while the family has
    untested members, and calls the inconclusive one so."""
    found = {v.id: v for v in evaluate(RESULTS, "drive", None, FIRST)}
    if not all(found[i].complete for i in ("L3b", "L4", "L5")):
        pytest.skip("the first registration's 1K records are not all committed")
    text = _flat(page.read_text())
    for hid in ("L3b", "L4", "L5"):
        v = found[hid]
        assert f"{fmt_signed(v.estimate)} {fmt_ci(v.ci_low, v.ci_high)}" in text, hid
        assert f"p = {fmt_p(v.p_value)}" in text, hid
    l3b = found["L3b"]
    assert l3b.verdict == "inconclusive"
    assert f"p = {fmt_p(l3b.p_value)}, inconclusive" in text
    for hid in ("L4", "L5"):  # decided at α, not after Holm so far: Holm as an upper bound
        v = found[hid]
        assert v.verdict.endswith("(not after Holm so far)") and v.holm_untested, hid
        assert f"p = {fmt_p(v.p_value)}, Holm ≤ {fmt_p(v.holm_p)}" in text, hid
    if page.name == "intro.md":  # the secondary family's one supported verdict, the means
        s4 = found["S4"]
        assert s4.verdict == "supported" and s4.holm_p < 0.05
        effect = f"{fmt_signed(s4.estimate)} {fmt_ci(s4.ci_low, s4.ci_high)}"
        assert (
            f"{effect} (S4: p = {fmt_p(s4.p_value)}, Holm ≤ {fmt_p(s4.holm_p)}, supported)" in text
        )
        for hid in ("S3b", "S5"):  # the rest of the family, not only the supported one
            v = found[hid]
            effect = f"{fmt_signed(v.estimate)} {fmt_ci(v.ci_low, v.ci_high)}"
            assert f"{effect} ({hid}: p = {fmt_p(v.p_value)}, Holm ≤ {fmt_p(v.holm_p)}" in text
        scores = arm_scores(RESULTS, "drive", registration=FIRST)
        study, cnn = scores["gan-study", 1000], scores["cnn", 1000]
        assert len(study) == len(cnn) == 8
        assert f"averages {study.mean():.4f} at 1K against the fair CNN's {cnn.mean():.4f}" in text


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_the_first_registrations_3k_verdict_matches_its_records(page):
    """L1, the exploratory 3K gain on new seeds: each page gives its effect, CI, p and Holm p as
    an upper bound while the family has untested members, and does not call it more than its
    label; the first page also gives the 3K means it sets beside it."""
    found = {v.id: v for v in evaluate(RESULTS, "drive", None, FIRST)}
    l1 = found["L1"]
    if not l1.complete:
        pytest.skip("the first registration's 3K records are not all committed")
    text = _flat(page.read_text())
    assert f"{fmt_signed(l1.estimate)} {fmt_ci(l1.ci_low, l1.ci_high)}" in text
    assert f"p = {fmt_p(l1.p_value)}, Holm ≤ {fmt_p(l1.holm_p)}" in text
    if l1.holm_untested:  # not decided until the family is tested in full
        assert l1.verdict.endswith("(not after Holm so far)") and l1.holm_p >= 0.05
        assert "not yet after Holm" in text or "not decided until 300 is run" in text
    if page.name == "intro.md":
        scores = arm_scores(RESULTS, "drive", registration=FIRST)
        study, none = scores["gan-study", 3000], scores["cnn-none", 3000]
        assert len(study) == len(none) == 8 and none.mean() >= study.mean()  # "as high as it"
        assert f"averages {none.mean():.4f} at 3K, as high as it ({study.mean():.4f}" in text
        checked = checked_generators(RESULTS, "drive", plan.PROFILE)
        arms = checked_arms(RESULTS, "drive", plan.PROFILE)
        at3k = [r for c, r in checked.items() if arms[c] == "gan-study" and r.n_patches == 3000]
        p_fake = [r.p_fake_real for r in at3k]
        assert len(p_fake) == 8 and min(p_fake) >= 0.999  # "calls every real patch fake"
        assert not any(r.look.vessels for r in at3k)  # "its generator draws no vessel"
        assert "fake (p(fake | real) ≥ 0.999)" in text
        ssgan, cnn = scores["ssgan", 3000], scores["cnn", 3000]
        assert len(ssgan) == len(cnn) == 8
        fixed = scores["gan-fixed", 3000]
        assert len(fixed) == 8  # every GAN arm at 3K, not only the best
        assert (
            f"the SSL GAN {ssgan.mean():.4f} and the GAN-CNN with the fix {fixed.mean():.4f}, "
            f"against the fair CNN's {cnn.mean():.4f}"
        ) in text
