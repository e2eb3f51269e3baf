"""The replication's tables from run records: aggregation over seeds, the tests by each unit,
the README headline, compute, deviations, banner and pre-registration."""

from __future__ import annotations

import math
import subprocess

import numpy as np
import pytest
from scipy import stats

from ganseg_lib.analysis.present.banner import banner
from ganseg_lib.analysis.replication import aggregate as A
from ganseg_lib.analysis.replication import claims as C
from ganseg_lib.analysis.replication import headline as H
from ganseg_lib.analysis.replication import rules as R
from ganseg_lib.analysis.replication import tables as T
from ganseg_lib.analysis.replication.compute import compute_used
from ganseg_lib.evaluate.record import RunRecord, load_results, record_path, write_record
from ganseg_lib.experiment import preregistration as P
from ganseg_lib.train.profiles import get_profile


def _record(method, n, seed, per_image, status="ok", profile="smoke", data="phantom"):
    per_image = list(map(float, per_image))
    config = get_profile(profile).config(method, n, seed, data)
    ev = None
    if status == "ok":
        ev = {
            "image_ids": [f"{i:02d}" for i in range(1, len(per_image) + 1)],
            "per_image_auc": per_image,
            "mean_auc": float(np.mean(per_image)),
            "sd_auc": float(np.std(per_image, ddof=1)),
            "pooled_auc": float(np.mean(per_image)) - 0.001,
            "pooled_pr_auc": 0.5,
            "roc_fpr": [0.0, 1.0],
            "roc_tpr": [0.0, 1.0],
            "thresholded": {},
        }
    return RunRecord(
        profile=profile,
        status=status,
        config=config,
        run_dir="runs/x",
        training={},
        timing={"train_seconds": 100.0 if status == "ok" else None, "eval_seconds": 10.0},
        provenance={"device": "cpu (test)", "created": f"2026-01-0{seed + 1}T00:00:00Z"},
        failure=None if status == "ok" else "non-finite L_G at iteration 7",
        evaluation=ev,
    )


def _write(tmp_path, records):
    for rec in records:
        write_record(record_path(tmp_path, rec.profile, rec.config), rec)
    return load_results(tmp_path)


def _grid(rng, sizes, means, n_seeds=4, n_images=5, sd=0.002, image_sd=0.004):
    """Records with per-seed means around ``means[(n, method)]``."""
    out = []
    for n in sizes:
        for m in ("gan", "cnn"):
            for s in range(n_seeds):
                centre = means[(n, m)] + rng.normal(0, sd)
                out.append(_record(m, n, s, centre + rng.normal(0, image_sd, n_images)))
    return out


@pytest.fixture()
def grid_df(tmp_path):
    rng = np.random.default_rng(0)
    means = {
        (15_000, "gan"): 0.935,
        (15_000, "cnn"): 0.90,
        (150_000, "gan"): 0.960,
        (150_000, "cnn"): 0.959,
    }
    recs = _grid(rng, (15_000, 150_000), means)
    recs.append(_record("cnn", 15_000, 4, [0.5, 0.5], status="failed"))
    return _write(tmp_path, recs)


def test_aggregate_is_mean_and_sd_over_seeds_and_ignores_failed_runs(grid_df):
    agg = A.aggregate(grid_df)
    row = agg[(agg["n_patches"] == 15_000) & (agg["method"] == "cnn")].iloc[0]
    ok = grid_df[(grid_df["n_patches"] == 15_000) & (grid_df["method"] == "cnn")]
    scores = ok[ok["status"] == "ok"].sort_values("seed")["mean_auc"].to_numpy()
    assert row["n_seeds"] == 4 and row["seeds"] == [0, 1, 2, 3] and row["n_failed"] == 1
    assert row["mean_auc"] == pytest.approx(scores.mean())
    assert row["sd_auc"] == pytest.approx(scores.std(ddof=1))
    assert list(agg["n_patches"]) == [15_000, 15_000, 150_000, 150_000]
    failed = A.failed_runs(grid_df)
    assert len(failed) == 1 and failed.loc[0, "seed"] == 4
    assert "non-finite" in failed.loc[0, "reason"]


def test_comparisons_equal_scipy(grid_df):
    cmp = A.compare_size(grid_df, 15_000)
    gan = A.per_seed_scores(grid_df, 15_000, "gan")
    cnn = A.per_seed_scores(grid_df, 15_000, "cnn")
    ref = stats.ttest_ind(gan, cnn, equal_var=False)
    assert cmp.seeds.p_value == pytest.approx(ref.pvalue)
    assert cmp.difference == pytest.approx(gan.mean() - cnn.mean())
    ci = ref.confidence_interval(0.95)
    assert (cmp.seeds.ci_low, cmp.seeds.ci_high) == pytest.approx((ci.low, ci.high))
    rec = {
        (r["method"], r["seed"]): r["record"].evaluation["per_image_auc"]
        for _, r in grid_df[
            (grid_df["n_patches"] == 15_000) & (grid_df["status"] == "ok")
        ].iterrows()
    }
    assert cmp.image_seeds == (0, 1, 2, 3) and cmp.image_seed == 0
    a = np.mean([rec[("gan", s)] for s in range(4)], axis=0)
    b = np.mean([rec[("cnn", s)] for s in range(4)], axis=0)
    assert cmp.images.p_value == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)
    assert cmp.images_paired.p_value == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert cmp.seeds_paired.p_value == pytest.approx(stats.ttest_rel(gan[:4], cnn).pvalue)
    assert cmp.images_favouring_gan == int((a > b).sum())


def test_per_image_tests_use_only_the_seeds_both_methods_have(tmp_path):
    recs = [
        _record("gan", 15_000, 0, [0.90, 0.92, 0.94]),
        _record("gan", 15_000, 1, [0.80, 0.82, 0.84]),
        _record("cnn", 15_000, 1, [0.85, 0.80, 0.83]),
    ]
    cmp = A.compare_size(_write(tmp_path, recs), 15_000)
    assert cmp.image_seeds == (1,)
    a, b = [0.80, 0.82, 0.84], [0.85, 0.80, 0.83]
    assert cmp.images_paired.p_value == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert cmp.seeds is None  # one CNN seed: no test across seeds


def test_per_image_scores_refuse_runs_on_different_images(tmp_path):
    r0, r1 = _record("gan", 15_000, 0, [0.9, 0.9]), _record("gan", 15_000, 1, [0.9, 0.9])
    r1.evaluation["image_ids"] = ["01", "03"]
    with pytest.raises(ValueError, match="different images"):
        A.per_image_scores(_write(tmp_path, [r0, r1]), 15_000, "gan", [0, 1])


def test_results_table_has_the_papers_numbers_beside_ours(grid_df):
    table = T.results_table(grid_df)
    assert list(table["size"]) == ["150K", "30K", "15K"]
    row15 = table[table["n_patches"] == 15_000].iloc[0]
    assert (row15["paper_gan"], row15["paper_cnn"], row15["paper_p"]) == (0.931, 0.916, 1e-5)
    assert row15["gan_seeds"] == 4 and row15["cnn_seeds"] == 4
    assert row15["p_seeds"] < 0.05 and row15["difference"] > 0
    row30 = table[table["n_patches"] == 30_000].iloc[0]
    assert row30["gan_seeds"] == 0 and math.isnan(row30["p_seeds"])
    text = T.format_results_table(table)
    assert text.loc[1, "ours GAN-CNN (mean ± sd over seeds)"] == "no runs"
    assert text.loc[2, "paper p (Welch)"] == "1.0e-05"


def test_claims_follow_the_data(grid_df):
    claims = {c.id: c for c in C.evaluate_claims(grid_df)}
    assert claims["1"].verdict == R.LARGER  # +0.035 against the paper's +0.015
    assert claims["1"].share > 1  # more than the paper's effect
    assert claims["2"].verdict == R.NOT_TESTED  # no 30K runs
    assert claims["2"].ours == "needs runs of both methods"
    assert claims["3"].verdict == R.REPLICATED  # +0.001 within ±0.0075
    assert claims["4a"].verdict == R.LEVEL_CLOSE  # ~0.935 vs 0.931
    assert claims["4b"].verdict == R.NOT_TESTED
    assert claims["6a"].verdict == R.AT_LEAST
    table = C.claims_table(list(claims.values()))
    assert len(table) == len(claims) == 14


def test_claims_reverse_when_the_cnn_wins(tmp_path):
    rng = np.random.default_rng(2)
    means = {(15_000, "gan"): 0.80, (15_000, "cnn"): 0.85}
    means |= {(150_000, "gan"): 0.90, (150_000, "cnn"): 0.85}
    claims = {
        c.id: c for c in C.evaluate_claims(_write(tmp_path, _grid(rng, (15_000, 150_000), means)))
    }
    assert claims["1"].verdict == R.NOT_REPLICATED
    assert claims["3"].verdict == R.NOT_REPLICATED  # a large, significant difference
    assert claims["4a"].verdict == R.LEVEL_FAR
    assert claims["5"].verdict == R.NOT_REPLICATED


def test_single_seed_gives_no_test_and_an_inconclusive_verdict(tmp_path):
    recs = [
        _record("gan", 15_000, 0, [0.93, 0.94, 0.92]),
        _record("cnn", 15_000, 0, [0.90, 0.91, 0.89]),
    ]
    df = _write(tmp_path, recs)
    cmp = A.compare_size(df, 15_000)
    assert cmp.seeds is None and cmp.images is not None
    claims = {c.id: c for c in C.evaluate_claims(df)}
    assert claims["1"].verdict == R.INCONCLUSIVE and "no test" in claims["1"].ours
    assert claims["5"].verdict == R.NOT_TESTED


def test_tests_table_puts_every_unit_side_by_side(grid_df):
    table = T.tests_table(grid_df, [15_000])
    assert list(table["test"]) == [
        "Welch across seeds (verdicts)",
        "paired by seed",
        "Welch across images",
        "paired by image",
    ]
    assert table.loc[0, "units"] == "4 vs 4" and table.loc[3, "units"] == "5 vs 5"
    assert "correlation" in table.loc[0, "note"] and "of 5 images" in table.loc[3, "note"]


def test_compute_banner_and_run_table(grid_df):
    used = compute_used(grid_df)
    assert used.loc[0, "runs"] == len(grid_df) and used.loc[0, "failed"] == 1
    n_ok = int((grid_df["status"] == "ok").sum())
    assert used.loc[0, "train hours"] == pytest.approx(n_ok * 100 / 3600)
    assert used.loc[0, "eval hours"] == pytest.approx(len(grid_df) * 10 / 3600)
    assert "synthetic fundus phantom" in banner("smoke", "phantom")
    assert "profile = `cpu`" in banner(get_profile("cpu"), "drive")
    table = T.run_table(grid_df)
    assert len(table) == len(grid_df)
    failed = table[table["status"] != "ok"]
    assert len(failed) == 1 and "non-finite" in failed.iloc[0]["status"]
    assert list(table["size"].iloc[:9]) == ["15K"] * 9  # sorted by size, GAN-CNN first
    assert list(table["method"].iloc[:4]) == ["GAN-CNN"] * 4


def test_headline_block_round_trips_and_states_the_effect_sizes(grid_df, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{H.HEADLINE_BEGIN}\nold\n{H.HEADLINE_END}\n\nafter\n")
    assert H.update_readme(readme, grid_df, "smoke", "phantom")
    assert not H.update_readme(readme, grid_df, "smoke", "phantom")  # idempotent
    block = H.readme_headline(readme)
    assert block == H.headline_markdown(grid_df, "smoke", "phantom")
    assert readme.read_text().endswith("\n\nafter\n")
    assert "claim 1: direction replicated, larger effect (" in block
    assert "of the paper's" in block and "1 failed" in block and "replicated 8" not in block
    readme.write_text("no markers\n")
    with pytest.raises(ValueError, match="no generated block"):
        H.update_readme(readme, grid_df)


def test_readme_headline_is_computed_from_the_committed_records():
    """The README's block must be what `ganseg report --readme README.md` writes now."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    from ganseg_lib.analysis.replication.rerun import rerun_sentence, rerun_table

    df = load_results(root / "results", profile="cpu", data="drive", paper_arms=True)
    rerun = rerun_sentence(rerun_table(root / "results"))
    assert rerun.startswith("Re-run with variants of the GAN-CNN: claim 1 (15K)")
    assert H.readme_headline(root / "README.md") == H.headline_markdown(df, rerun=rerun), (
        "README headline is stale: run `ganseg report --readme README.md`"
    )


def test_report_cli_checks_and_updates_a_readme(grid_df, tmp_path, capsys):
    from ganseg_lib.cli import main

    readme = tmp_path / "README.md"
    readme.write_text(f"{H.HEADLINE_BEGIN}\n{H.HEADLINE_END}\n")
    results = tmp_path  # grid_df's records live under tmp_path/smoke/phantom
    args = ["report", "--profile", "smoke", "--data", "phantom", "--results", str(results)]
    assert main([*args, "--readme", str(readme), "--check"]) == 1
    assert main([*args, "--readme", str(readme)]) == 0
    assert main([*args, "--readme", str(readme), "--check"]) == 0
    assert main([*args, "--readme", str(tmp_path / "missing.md")]) == 2
    assert "missing.md" in capsys.readouterr().err


def test_image_comparison_averages_each_image_over_seeds(grid_df):
    comp = A.image_comparison(grid_df)
    at = comp[comp["n_patches"] == 15_000]
    assert len(at) == 5 and set(at["seeds"]) == {4}
    ok = grid_df[(grid_df["status"] == "ok") & (grid_df["n_patches"] == 15_000)]
    gan = np.mean([r.evaluation["per_image_auc"] for r in ok[ok["method"] == "gan"]["record"]], 0)
    assert at["gan"].to_numpy() == pytest.approx(gan)
    assert at["difference"].to_numpy() == pytest.approx(at["gan"] - at["cnn"])


def test_compute_used_names_one_thread_in_the_singular(tmp_path):
    recs = [_record("gan", 15_000, s, [0.9, 0.91]) for s in (0, 1)]
    recs[0].provenance["device"] = "cpu (x86_64, 1 threads)"  # as early records say
    recs[1].provenance["device"] = "cpu (x86_64, 1 thread)"
    df = _write(tmp_path, recs)
    compute = compute_used(df)
    assert compute.loc[0, "devices"] == "cpu (x86_64, 1 thread)"
    assert set(T.run_table(df)["device"]) == {"cpu (x86_64, 1 thread)"}


HYPOTHESES = """# Study: best checkpoint

Prose for the reader.

```json hypotheses
{"study": "best-checkpoint", "records": "results/study/phantom",
 "hypotheses": [{"id": "H1", "claim": "GAN-CNN > CNN at 15K", "test": "Welch across seeds",
                 "rule": "same sign, p < 0.05"}]}
```
"""


def _git(cwd, *args):
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_COMMITTER_DATE": "2026-01-03T12:00:00+00:00",
        "GIT_AUTHOR_DATE": "2026-01-03T12:00:00+00:00",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def test_preregistration_dates_the_hypotheses_and_flags_a_late_one(tmp_path):
    study = tmp_path / "studies" / "best-checkpoint"
    study.mkdir(parents=True)
    path = study / P.HYPOTHESES_FILE
    path.write_text(HYPOTHESES)
    reg = P.read_preregistration(path)
    assert reg.study == "best-checkpoint" and reg.hypotheses[0]["id"] == "H1"
    _git(tmp_path, "init", "-q")
    table = P.preregistration_table(tmp_path / "studies", tmp_path)
    assert table.loc[0, "status"] == P.UNCOMMITTED
    with pytest.raises(Exception, match="commit the study's hypotheses"):
        P.require_registered(path)
    _git(tmp_path, "add", "studies")
    _git(tmp_path, "commit", "-q", "-m", "hypotheses")
    commit = P.registration_commit(path)
    assert commit is not None and commit[1].isoformat() == "2026-01-03T12:00:00+00:00"
    assert P.preregistration_table(tmp_path / "studies", tmp_path).loc[0, "status"] == P.NO_RECORDS
    # records created on 2026-01-01 (seed 0) and 2026-01-02 (seed 1): before the commit
    recs = [_record("gan", 15_000, s, [0.9, 0.91], profile="smoke") for s in (0, 1)]
    for rec in recs:
        write_record(tmp_path / "results" / "study" / "phantom" / f"{rec.cell}.json", rec)
    table = P.preregistration_table(tmp_path / "studies", tmp_path)
    assert table.loc[0, "first record"].startswith("2026-01-01")
    assert table.loc[0, "status"] == P.LATE
    sentence = P.registration_sentence(path, load_results(tmp_path / "results"))
    assert sentence == (
        f"Hypotheses and verdict rules registered in commit `{commit[0][:10]}` on "
        f"2026-01-03T12:00:00+00:00; first study record: {table.loc[0, 'first record']} — "
        f"**{P.LATE}**."
    )
    assert P.registration_status(commit[1], None) == P.NO_RECORDS
    later = P.first_record_date(load_results(tmp_path / "results")).replace(year=2027)
    assert P.registration_status(commit[1], later) == P.REGISTERED
    path.write_text("no block\n")
    with pytest.raises(Exception, match="no ```json hypotheses block"):
        P.read_preregistration(path)
