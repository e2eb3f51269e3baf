"""The README's and the first page's numbers about "Fewer labels" (the second registration,
P1–P4), read off the committed records: each effect with its 95% CI and the p of the test that
decides it, so that a sentence about a verdict is no stronger than its test."""

from __future__ import annotations

import re

import pytest

from ganseg_lib import book
from ganseg_lib.analysis.present.text import fmt_ci, fmt_p, fmt_signed, join_and
from ganseg_lib.analysis.study.fewer_answer import fewer_answer
from ganseg_lib.analysis.study.fewer_curve import cnn_curve
from ganseg_lib.analysis.study.fewer_generators import checked_arms, checked_generators
from ganseg_lib.analysis.study.fewer_verdicts import FIRST, PASSING, arm_scores, evaluate
from ganseg_lib.analysis.study.saving import saving_factor
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
    """The first registration's DRIVE generators, checked after the fact: how many (study cells
    and tuning runs), their two-sample accuracies, how many a person saw vessels in (none at
    300), that none passes, and the diversity ratios of the study's unchanged arm, as the first
    page says."""
    checked = checked_generators(RESULTS, "drive", plan.PROFILE)
    arms = checked_arms(RESULTS, "drive", plan.PROFILE)
    runs = list(checked.values())
    assert None not in [r.look for r in runs], "a checked generator nobody looked at: add its look"
    accuracy = [r.two_sample_accuracy for r in runs]
    text = _flat((book.ROOT / "book" / "intro.md").read_text())
    assert not any(r.passes for r in runs)
    tuning = sum(
        plan.is_tuning("drive", r.n_patches, int(c.rsplit("-s", 1)[1])) for c, r in checked.items()
    )
    sizes = join_and([size_label(n) for n in sorted({r.n_patches for r in runs})])
    assert (
        f"none of the {len(runs)} generators of its GAN arms on DRIVE ({len(runs) - tuning} study "
        f"cells, {tuning} tuning runs of the chosen candidates) passes at {sizes}"
    ) in text
    span = f"two-sample accuracy {min(accuracy):.3f}–{max(accuracy):.3f}"
    assert f"({span}; vessels in {sum(r.look.vessels for r in runs)};" in text
    assert not any(r.look.vessels for r in runs if r.n_patches == 300)  # "and none a vessel"
    assert "At 300 every GAN arm draws" in text and "and none a vessel" in text
    study = [r.diversity_ratio for cell, r in checked.items() if arms[cell] == "gan-study"]
    low, high = [x for x in study if x < 1], [x for x in study if x >= 1]
    assert (
        f"one texture, repeated or nearly so, in {len(low)} of its {len(study)} study cells "
        f"(diversity ratio "
        f"{min(low):.2f}–{max(low):.2f}), a speckle of one kind in the other {len(high)} (ratio "
        f"{min(high):.2f}–{max(high):.2f}, the grain differing between samples)"
    ) in text


# the first page's words for each label of a complete family: a label that holds at α but not
# after Holm is not decided by the registered rule, and the page says at what it holds
PAGE_LABEL = {
    "supported": "supported",
    "refuted": "refuted",
    "inconclusive": "inconclusive",
    "supported (not after Holm)": "supported at α, not after Holm",
    "refuted (not after Holm)": "refuted at α, not after Holm",
}


@pytest.fixture(scope="module")
def first():
    found = {v.id: v for v in evaluate(RESULTS, "drive", None, FIRST)}
    if not all(v.complete for v in found.values()):
        pytest.skip("the first registration's DRIVE records are not all committed")
    return found


def _effect(v) -> str:
    return f"{fmt_signed(v.estimate)} {fmt_ci(v.ci_low, v.ci_high)}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_the_first_registrations_drive_verdicts_match_their_records(page, first):
    """The first registration's DRIVE hypotheses, decided in full: each page gives the primary
    family's effects with CIs and p (the first page with its Holm p and label, every member of
    both families); none calls a verdict more than its label."""
    text = _flat(page.read_text())
    for hid in ("L1", "L2", "L3a", "L3b", "L4", "L5"):
        v = first[hid]
        assert not v.holm_untested, hid  # every Holm p final: no upper bound left on a page
        assert _effect(v) in text, hid
        assert f"p = {fmt_p(v.p_value)}" in text, hid
    for hid in ("L1", "L3a", "L4", "L5"):
        assert f"p = {fmt_p(first[hid].p_value)}, Holm {fmt_p(first[hid].holm_p)}" in text, hid
    assert first["L3b"].verdict == "inconclusive"  # so called on both pages
    l3b = fmt_p(first["L3b"].p_value)
    assert (
        f"p = {l3b}, inconclusive" in text
        or f"p = {l3b}, Holm {fmt_p(first['L3b'].holm_p)}, inconclusive" in text
    )
    assert "Holm ≤" not in text and "so far" not in text.split("The numbers.")[0].split("![")[0]
    if page.name != "intro.md":
        return
    assert "At 1K no tuned arm differs from the fair CNN after Holm" in text
    assert all(first[h].holm_p > 0.05 for h in ("L3b", "L4", "L5"))  # "each Holm p > 0.05"
    for hid in ("L1", "L2", "L3a", "L3b", "L4", "L5", "S3a", "S3b", "S4", "S5"):
        v = first[hid]
        label = PAGE_LABEL[v.verdict]
        line = f"{hid}: p = {fmt_p(v.p_value)}, Holm {fmt_p(v.holm_p)}, {label}"
        assert line in text, hid
        if hid[0] == "S":
            assert _effect(v) in text, hid
    l1 = first["L1"]
    tost = re.search(r"TOST ±0\.0028 p = [^;]+", l1.effect).group(0)  # the registered margin
    assert l1.verdict == "supported" and tost in text


def test_the_first_pages_means_and_saving_factors_match_the_records(first):
    """The first page's means of every arm at 300, 1K and 3K beside the verdicts, the facts it
    scopes L1 with, and the study arm's saving factors (same bootstrap as the chapter's)."""
    text = _flat((book.ROOT / "book" / "intro.md").read_text())
    scores = arm_scores(RESULTS, "drive", registration=FIRST)
    m = {k: v.mean() for k, v in scores.items()}
    assert all(len(v) == len(plan.SEEDS) for v in scores.values())  # "8 seeds each"
    assert m["cnn-none", 3000] >= m["gan-study", 3000]  # "as high as it"
    assert (
        f"averages {m['cnn-none', 3000]:.4f} at 3K, as high as it ({m['gan-study', 3000]:.4f}), "
        f"the SSL GAN {m['ssgan', 3000]:.4f} and the GAN-CNN with the fix "
        f"{m['gan-fixed', 3000]:.4f}, against the fair CNN's {m['cnn', 3000]:.4f}"
    ) in text
    assert (
        f"at 300 the study's GAN-CNN averages {m['gan-study', 300]:.4f}, the fair CNN "
        f"{m['cnn', 300]:.4f}, the CNN with the fixed DC net {m['cnn-none', 300]:.4f}, the SSL GAN "
        f"{m['ssgan', 300]:.4f} and the GAN-CNN with the fix {m['gan-fixed', 300]:.4f}"
    ) in text
    assert (
        f"averages {m['gan-study', 1000]:.4f} at 1K against the fair CNN's {m['cnn', 1000]:.4f}"
        in text
    )
    gain300 = m["gan-study", 300] - m["cnn", 300]
    assert f"({fmt_signed(gain300)}: {m['gan-study', 300]:.4f} against {m['cnn', 300]:.4f})" in text
    checked = checked_generators(RESULTS, "drive", plan.PROFILE)
    arms = checked_arms(RESULTS, "drive", plan.PROFILE)
    study = {
        n: [r for c, r in checked.items() if arms[c] == "gan-study" and r.n_patches == n]
        for n in (300, 1000, 3000)
    }
    assert all(len(runs) == 8 for runs in study.values())
    assert min(r.p_fake_real for n in (1000, 3000) for r in study[n]) >= 0.999
    assert min(r.p_fake_real for r in study[300]) >= 0.98
    assert not any(r.look.vessels for runs in study.values() for r in runs)  # "draws no vessel"
    assert (
        "fake (p(fake | real) ≥ 0.999 at 1K and 3K, ≥ 0.98 at 300) and its generator draws no "
        "vessel"
    ) in text
    curve = cnn_curve(RESULTS, FIRST)
    for (arm, n), arm_runs in scores.items():  # every arm's factor, not only the study arm's
        if arm == FIRST.baseline:
            continue
        s = saving_factor(arm_runs.to_numpy(float), n, curve)
        assert not s.single, (arm, n)
        if isinstance(s.equivalent, str):  # outside the measured curve: said, not extrapolated
            assert n == 300 and arm in ("ssgan", "gan-fixed", "cnn-none"), (arm, n)
            continue
        assert f"≈ {s.equivalent:,.0f} " in text, (arm, n)
        ci = re.search(r"95% CI (×[0-9.]+ to ≥?×[0-9.]+)", s.text()).group(1)
        head = f"(×{s.factor:.2g}, "  # the first factor on the page names its 95% CI
        assert f"{head}{ci}" in text or f"{head}95% CI {ci}" in text, (arm, n)
    assert (
        "At 300 the SSL GAN, the GAN-CNN with the fix and the CNN with the fixed DC net score "
        "below the fair CNN at every measured size"
    ) in text


def test_the_first_pages_chase_family_matches_its_records():
    """The first registration's CHASE_DB1 family (1K, 5 seeds a side), once its cells are
    complete: each effect with its CI, p, Holm p and label on the first page, and its
    generators' check as checked after the fact."""
    found = {v.id: v for v in evaluate(RESULTS, "chase", None, FIRST)}
    if not found or not all(v.complete for v in found.values()):
        pytest.skip("the first registration's CHASE_DB1 records are not all committed")
    text = _flat((book.ROOT / "book" / "intro.md").read_text())
    part = text[text.index("**On CHASE_DB1**") :]
    for hid, v in found.items():
        assert not v.holm_untested and v.runs == "5 and 5", hid
        assert _effect(v) in part, hid
        label = PAGE_LABEL[v.verdict]
        assert f"{hid}: p = {fmt_p(v.p_value)}, Holm {fmt_p(v.holm_p)}, {label}" in part, hid
    scores = arm_scores(RESULTS, "chase", registration=FIRST)
    for arm in ("cnn", "cnn-none"):
        assert f"{scores[arm, plan.CHASE_SIZE].mean():.4f}" in part, arm
    checked = list(checked_generators(RESULTS, "chase", plan.PROFILE).values())
    assert None not in [r.look for r in checked], "a checked generator nobody looked at"
    accuracy = [r.two_sample_accuracy for r in checked]
    passed, seen = sum(r.passes for r in checked), sum(r.look.vessels for r in checked)
    assert (
        f"{passed} of its {len(checked)} generators pass the check (two-sample accuracy "
        f"{min(accuracy):.3f}–{max(accuracy):.3f}; vessels in {seen})"
    ) in part
