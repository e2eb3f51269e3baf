"""The verdict rules on constructed inputs (a case for every label), and the claims of the 30
committed records."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from ganseg_lib.analysis.replication import claims as C
from ganseg_lib.analysis.replication import rules as R
from ganseg_lib.analysis.stats import Equivalence

ROOT = Path(__file__).resolve().parents[1]
PAPER_D = 0.015  # the paper's GAN−CNN difference at 15K


@pytest.mark.parametrize(
    "estimate, ci, p, verdict",
    [
        (0.014, (0.010, 0.018), 0.001, R.REPLICATED),  # paper's +0.015 inside the CI
        (0.0084, (0.0061, 0.0106), 4e-5, R.SMALLER),  # paper's difference above the CI
        (0.030, (0.020, 0.040), 1e-4, R.LARGER),  # paper's difference below the CI
        (0.010, (-0.002, 0.022), 0.09, R.INCONCLUSIVE),  # not significant, paper's inside
        (0.001, (-0.002, 0.004), 0.4, R.NOT_REPLICATED),  # not significant, paper's excluded
        (-0.010, (-0.015, -0.005), 0.001, R.NOT_REPLICATED),  # significant, opposite sign
        (0.010, (math.nan, math.nan), None, R.INCONCLUSIVE),  # one seed: no test
        (math.nan, (math.nan, math.nan), None, R.NOT_TESTED),
    ],
)
def test_relative_verdict_separates_direction_from_magnitude(estimate, ci, p, verdict):
    assert R.relative_verdict(estimate, *ci, p, PAPER_D) == verdict


def test_relative_verdict_for_a_negative_paper_difference():
    assert R.relative_verdict(-0.005, -0.007, -0.003, 0.001, -0.015) == R.SMALLER
    assert R.relative_verdict(-0.030, -0.040, -0.020, 0.001, -0.015) == R.LARGER


def test_verdict_text_states_our_share_of_the_papers_effect():
    claim = C.Claim("1", "comparison", "x", "y", "z", R.SMALLER, "r", share=0.56)
    assert claim.verdict_text == "direction replicated, smaller effect (56% of the paper's)"
    assert C.Claim("3", "equivalence", "", "", "", R.REPLICATED, "", detail="TOST p = 0.01")
    assert set(R.RELATIVE_VERDICTS) >= {R.REPLICATED, R.SMALLER, R.LARGER, R.INCONCLUSIVE}


def _eq(p_lower: float, p_upper: float) -> Equivalence:
    return Equivalence("welch", 0.0075, 0.0, p_lower, p_upper, -0.001, 0.001, 8.0)


def test_equivalence_margin_and_verdicts():
    # half the smallest difference the paper calls significant: (0.931 − 0.916) / 2
    assert R.equivalence_margin() == pytest.approx(0.0075)
    assert R.equivalence_verdict(_eq(0.001, 0.01), 0.3) == R.REPLICATED
    assert R.equivalence_verdict(_eq(0.001, 0.01), 0.01) == R.REPLICATED  # small but nonzero
    assert R.equivalence_verdict(_eq(0.001, 0.2), 0.01) == R.NOT_REPLICATED
    assert R.equivalence_verdict(_eq(0.001, 0.2), 0.3) == R.INCONCLUSIVE
    assert R.equivalence_verdict(None, None) == R.INCONCLUSIVE


def test_level_and_literature_verdicts():
    assert R.level_verdict(0.925, 0.931) == R.LEVEL_CLOSE
    assert R.level_verdict(0.905, 0.931) == R.LEVEL_NEAR
    assert R.level_verdict(0.80, 0.931) == R.LEVEL_FAR
    assert R.level_verdict(math.nan, 0.931) == R.NOT_TESTED
    assert R.literature_reference(15_000) == ("Maji et al.", 60_000, 0.928)
    assert R.literature_reference(100_000)[0] == "Fu et al."
    assert R.literature_verdict(0.93, 0.928) == R.AT_LEAST
    assert R.literature_verdict(0.92, 0.928) == R.JUST_BELOW
    assert R.literature_verdict(0.90, 0.928) == R.BELOW


@pytest.fixture(scope="module")
def committed():
    from ganseg_lib.evaluate.record import load_results

    return load_results(ROOT / "results", profile="cpu", data="drive", paper_arms=True)


def test_committed_records_reaggregate_to_the_published_numbers(committed):
    from ganseg_lib.analysis.replication.aggregate import aggregate

    assert len(committed) == 30 and set(committed["status"]) == {"ok"}
    agg = aggregate(committed).set_index(["n_patches", "method"])
    published = {  # README headline before the verdict rules changed (mean over 5 seeds)
        (15_000, "gan"): 0.9408,
        (15_000, "cnn"): 0.9325,
        (30_000, "gan"): 0.9458,
        (30_000, "cnn"): 0.9405,
        (150_000, "gan"): 0.9478,
        (150_000, "cnn"): 0.9467,
    }
    for key, value in published.items():
        assert agg.loc[key, "n_seeds"] == 5
        assert round(agg.loc[key, "mean_auc"], 4) == value


def test_claims_of_the_committed_records(committed):
    claims = {c.id: c for c in C.evaluate_claims(committed)}
    assert claims["1"].verdict == R.SMALLER and round(claims["1"].share, 2) == 0.56
    assert claims["2"].verdict == R.SMALLER and round(claims["2"].share, 2) == 0.22
    assert claims["3"].verdict == R.REPLICATED and "TOST p" in claims["3"].ours
    assert "paired by image" in claims["3"].ours and "power" in claims["3"].ours
    assert claims["5"].verdict == R.SMALLER
    assert claims["7a"].verdict == R.SMALLER and claims["7b"].verdict == R.SMALLER
    calibration = [c for c in claims.values() if c.kind == "calibration"]
    assert {c.id for c in calibration} == {"4a", "4b", "4c", "4d", "4e", "4f", "6a", "6b"}
    assert all("not evidence for the GAN" in c.claim for c in calibration)
    table = C.claims_table(list(claims.values()))
    columns = ["#", "kind", "claim", "paper's number", "our number", "verdict", "rule"]
    assert list(table.columns) == columns
    assert table.set_index("#").loc["3", "verdict"].startswith("replicated (TOST p = ")


def test_every_deviation_is_declared_and_every_declaring_module_is_imported():
    from ganseg_lib.analysis.replication.deviations import DECLARING_MODULES, deviations_table

    declaring = set()
    for path in (ROOT / "ganseg_lib").rglob("*.py"):
        if path.name == "deviations.py" and path.parent.name == "ganseg_lib":
            continue
        if re.search(r"\b(deviation|declare)\(\s*\n?\s*\S", path.read_text()):
            parts = path.relative_to(ROOT).with_suffix("").parts
            declaring.add(".".join(parts))
    assert declaring <= set(DECLARING_MODULES) | {"ganseg_lib.analysis.replication.deviations"}
    table = deviations_table("smoke")
    assert list(table.columns[2:4]) == [
        "ours: profile `cpu` (the published records)",
        "ours: profile `smoke` (this build)",
    ]
    assert len(deviations_table("cpu").columns) == len(table.columns) - 1
    aspects = set(table["aspect"])
    issue_list = {
        "epochs differ between dataset sizes",
        "checkpoint evaluated",
        "learning-rate decay",
        "collapse rule (GAN-CNN only)",
        "p-value unit",
        "Adam betas",
        "dilation radius for background centres",
    }
    assert issue_list <= aspects
    cpu = table.set_index("aspect").loc["learning-rate decay"].iloc[1]
    assert "1× at 15,000" in cpu and "0× at 150,000" in cpu


def test_second_dataset_claims_judge_only_the_sizes_it_has(committed):
    """Without 150K runs (CHASE_DB1's grid), claims 1 and 2 are judged exactly as on DRIVE."""
    small = committed[committed["n_patches"] < 150_000]
    second = {c.id: c for c in C.second_dataset_claims(small)}
    full = {c.id: c for c in C.evaluate_claims(committed)}
    assert set(second) == {"1", "2"}
    for cid in second:
        assert (second[cid].verdict, second[cid].ours) == (full[cid].verdict, full[cid].ours)
