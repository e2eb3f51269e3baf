"""The replication tables: aggregation over seeds, tests against scipy, verdict rules."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ganseg_lib.analysis import report
from ganseg_lib.evaluate.results import load_results, write_record
from ganseg_lib.train.profiles import get_profile


def _record(method, n, seed, per_image, status="ok", profile="smoke", data="phantom"):
    per_image = list(map(float, per_image))
    config = get_profile(profile).config(method, n, seed, data).to_json()
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
    rec = {
        "format": 1,
        "profile": profile,
        "status": status,
        "config": config,
        "evaluation": ev,
        "timing": {"train_seconds": 100.0 if status == "ok" else None, "eval_seconds": 10.0},
        "provenance": {"device": "cpu (test)"},
    }
    if status != "ok":
        rec["failure"] = "non-finite L_G at iteration 7"
    return rec


def _write(tmp_path, records):
    for rec in records:
        c = rec["config"]
        name = f"{c['method']}-n{c['n_patches']}-s{c['seed']}.json"
        write_record(tmp_path / rec["profile"] / c["data"] / name, rec)
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
    agg = report.aggregate(grid_df)
    row = agg[(agg["n_patches"] == 15_000) & (agg["method"] == "cnn")].iloc[0]
    ok = grid_df[(grid_df["n_patches"] == 15_000) & (grid_df["method"] == "cnn")]
    scores = ok[ok["status"] == "ok"].sort_values("seed")["mean_auc"].to_numpy()
    assert row["n_seeds"] == 4 and row["seeds"] == [0, 1, 2, 3] and row["n_failed"] == 1
    assert row["mean_auc"] == pytest.approx(scores.mean())
    assert row["sd_auc"] == pytest.approx(scores.std(ddof=1))
    assert list(agg["n_patches"]) == [15_000, 15_000, 150_000, 150_000]
    failed = report.failed_runs(grid_df)
    assert len(failed) == 1 and failed.loc[0, "seed"] == 4
    assert "non-finite" in failed.loc[0, "reason"]


def test_comparisons_equal_scipy(grid_df):
    cmp = report.compare_size(grid_df, 15_000)
    gan = report.per_seed_scores(grid_df, 15_000, "gan")
    cnn = report.per_seed_scores(grid_df, 15_000, "cnn")
    ref = stats.ttest_ind(gan, cnn, equal_var=False)
    assert cmp.seeds.p_value == pytest.approx(ref.pvalue)
    assert cmp.difference == pytest.approx(gan.mean() - cnn.mean())
    ci = ref.confidence_interval(0.95)
    assert (cmp.seeds.ci_low, cmp.seeds.ci_high) == pytest.approx((ci.low, ci.high))
    rec = {
        (r["method"], r["seed"]): r["record"]["evaluation"]["per_image_auc"]
        for _, r in grid_df[
            (grid_df["n_patches"] == 15_000) & (grid_df["status"] == "ok")
        ].iterrows()
    }
    assert cmp.image_seeds == (0, 1, 2, 3) and cmp.image_seed == 0
    a = np.mean([rec[("gan", s)] for s in range(4)], axis=0)
    b = np.mean([rec[("cnn", s)] for s in range(4)], axis=0)
    assert cmp.images.p_value == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)
    assert cmp.images_paired.p_value == pytest.approx(stats.ttest_rel(a, b).pvalue)


def test_per_image_tests_use_only_the_seeds_both_methods_have(tmp_path):
    recs = [
        _record("gan", 15_000, 0, [0.90, 0.92, 0.94]),
        _record("gan", 15_000, 1, [0.80, 0.82, 0.84]),
        _record("cnn", 15_000, 1, [0.85, 0.80, 0.83]),
    ]
    cmp = report.compare_size(_write(tmp_path, recs), 15_000)
    assert cmp.image_seeds == (1,)
    a, b = [0.80, 0.82, 0.84], [0.85, 0.80, 0.83]
    assert cmp.images_paired.p_value == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert cmp.seeds is None  # one CNN seed: no test across seeds


def test_per_image_scores_refuse_runs_on_different_images(tmp_path):
    r0, r1 = _record("gan", 15_000, 0, [0.9, 0.9]), _record("gan", 15_000, 1, [0.9, 0.9])
    r1["evaluation"]["image_ids"] = ["01", "03"]
    with pytest.raises(ValueError, match="different images"):
        report.per_image_scores(_write(tmp_path, [r0, r1]), 15_000, "gan", [0, 1])


def test_results_table_has_the_papers_numbers_beside_ours(grid_df):
    table = report.results_table(grid_df)
    assert list(table["size"]) == ["150K", "30K", "15K"]
    row15 = table[table["n_patches"] == 15_000].iloc[0]
    assert (row15["paper_gan"], row15["paper_cnn"], row15["paper_p"]) == (0.931, 0.916, 1e-5)
    assert row15["gan_seeds"] == 4 and row15["cnn_seeds"] == 4
    assert row15["p_seeds"] < 0.05 and row15["difference"] > 0
    row30 = table[table["n_patches"] == 30_000].iloc[0]
    assert row30["gan_seeds"] == 0 and math.isnan(row30["p_seeds"])
    text = report.format_results_table(table)
    assert text.loc[1, "ours GAN-CNN (mean ± sd over seeds)"] == "no runs"
    assert text.loc[2, "paper p (Welch)"] == "1.0e-05"


def test_contrast_test_reduces_to_welch_and_matches_its_formula():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0.9, 0.01, 5), rng.normal(0.88, 0.02, 4)
    two = report.contrast_test([a, b], [1, -1])
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert two.p_value == pytest.approx(ref.pvalue) and two.statistic == pytest.approx(
        ref.statistic
    )
    groups = [rng.normal(0.9, 0.01, k) for k in (3, 4, 5, 6)]
    res = report.contrast_test(groups, [1, -1, -1, 1])
    v = [g.var(ddof=1) / len(g) for g in groups]
    df = sum(v) ** 2 / sum(vi**2 / (len(g) - 1) for vi, g in zip(v, groups))
    est = groups[0].mean() - groups[1].mean() - groups[2].mean() + groups[3].mean()
    assert res.estimate == pytest.approx(est) and res.df == pytest.approx(df)
    assert res.p_value == pytest.approx(2 * stats.t.sf(abs(est / np.sqrt(sum(v))), df))
    with pytest.raises(ValueError, match="at least 2"):
        report.contrast_test([[1.0], [1.0, 2.0]], [1, -1])


@pytest.mark.parametrize(
    "difference, p, verdict",
    [
        (0.02, 0.01, report.REPLICATED),
        (0.02, 0.2, report.PARTLY),
        (0.02, None, report.PARTLY),
        (-0.01, 0.001, report.NOT_REPLICATED),
        (0.0, 0.5, report.NOT_REPLICATED),
        (math.nan, None, report.NOT_TESTED),
    ],
)
def test_relative_verdict(difference, p, verdict):
    assert report.relative_verdict(difference, p) == verdict


def test_no_difference_level_and_literature_verdicts():
    assert report.no_difference_verdict(0.002, 0.3) == report.REPLICATED
    assert report.no_difference_verdict(0.002, 0.01) == report.PARTLY
    assert report.no_difference_verdict(0.05, 0.3) == report.PARTLY
    assert report.no_difference_verdict(0.05, 0.001) == report.NOT_REPLICATED
    assert report.no_difference_verdict(0.005, None) == report.PARTLY
    assert report.level_verdict(0.925, 0.931) == report.REPLICATED
    assert report.level_verdict(0.905, 0.931) == report.PARTLY
    assert report.level_verdict(0.80, 0.931) == report.NOT_REPLICATED
    assert report.literature_reference(15_000) == ("Maji et al.", 60_000, 0.928)
    assert report.literature_reference(100_000)[0] == "Fu et al."
    assert report.literature_verdict(0.93, 0.928) == report.REPLICATED
    assert report.literature_verdict(0.92, 0.928) == report.PARTLY
    assert report.literature_verdict(0.90, 0.928) == report.NOT_REPLICATED


def test_claims_follow_the_data(grid_df):
    claims = {c.id: c for c in report.evaluate_claims(grid_df)}
    assert claims["1"].verdict == report.REPLICATED  # 0.935 vs 0.90 over 4 seeds
    assert claims["2"].verdict == report.NOT_TESTED  # no 30K runs
    assert claims["2"].ours == "no GAN-CNN runs and no CNN runs"
    assert claims["3"].verdict in (report.REPLICATED, report.PARTLY)
    assert claims["4a"].verdict == report.REPLICATED  # ~0.935 vs 0.931
    assert claims["5"].verdict == report.REPLICATED  # gap 0.035 at 15K, 0.001 at 150K
    assert claims["6a"].verdict == report.REPLICATED
    assert sum(report.verdict_counts(claims.values()).values()) == len(claims)
    table = report.claims_table(list(claims.values()))
    assert list(table.columns) == ["#", "claim", "paper's number", "our number", "verdict", "rule"]


def test_claims_reverse_when_the_cnn_wins(tmp_path):
    rng = np.random.default_rng(2)
    means = {(15_000, "gan"): 0.80, (15_000, "cnn"): 0.85}
    means |= {(150_000, "gan"): 0.90, (150_000, "cnn"): 0.85}
    claims = {
        c.id: c
        for c in report.evaluate_claims(_write(tmp_path, _grid(rng, (15_000, 150_000), means)))
    }
    assert claims["1"].verdict == report.NOT_REPLICATED
    assert claims["3"].verdict == report.NOT_REPLICATED  # a large, significant difference
    assert claims["4a"].verdict == report.NOT_REPLICATED
    assert claims["5"].verdict == report.NOT_REPLICATED


def test_single_seed_gives_no_test_and_at_most_partly(tmp_path):
    recs = [
        _record("gan", 15_000, 0, [0.93, 0.94, 0.92]),
        _record("cnn", 15_000, 0, [0.90, 0.91, 0.89]),
    ]
    df = _write(tmp_path, recs)
    cmp = report.compare_size(df, 15_000)
    assert cmp.seeds is None and cmp.images is not None
    claims = {c.id: c for c in report.evaluate_claims(df)}
    assert claims["1"].verdict == report.PARTLY and "no test" in claims["1"].ours
    assert claims["5"].verdict == report.NOT_TESTED


def test_compute_deviations_banner_and_run_folders(grid_df, tmp_path):
    used = report.compute_used(grid_df)
    assert used.loc[0, "runs"] == len(grid_df) and used.loc[0, "failed"] == 1
    n_ok = int((grid_df["status"] == "ok").sum())
    assert used.loc[0, "train hours"] == pytest.approx(n_ok * 100 / 3600)
    assert used.loc[0, "eval hours"] == pytest.approx(len(grid_df) * 10 / 3600)
    dev = report.deviations(get_profile("cpu"))
    aspects = set(dev["aspect"])
    assert {"DC net normalisation", "validation split", "CLAHE parameters", "Adam betas"} <= aspects
    assert "37–40" in dev[dev["aspect"] == "validation split"]["ours"].iloc[0]
    assert "test images" in set(report.deviations(get_profile("smoke"))["aspect"])
    assert "synthetic fundus phantom" in report.banner("smoke", "phantom")
    assert "profile = `cpu`" in report.banner("cpu", "drive")
    folder = report.run_folder(tmp_path, "smoke", "drive", "gan", 15_000, 1)
    assert folder == tmp_path / "smoke" / "drive" / "gan-n15000-s1"
    (folder / "samples").mkdir(parents=True)
    for it in (20, 40):
        np.save(folder / "samples" / f"iter_{it:07d}.npy", np.full((2, 64, 64), it, np.uint8))
    samples = report.read_samples(folder)
    assert list(samples) == [20, 40] and samples[40][0, 0, 0] == 40
    assert report.pick_iterations(range(10, 110, 10), 4) == [10, 40, 70, 100]


def test_run_table_lists_every_run_including_failed_ones(grid_df):
    table = report.run_table(grid_df)
    assert len(table) == len(grid_df)
    failed = table[table["status"] != "ok"]
    assert len(failed) == 1 and "non-finite" in failed.iloc[0]["status"]
    assert list(table["size"].iloc[:9]) == ["15K"] * 9  # sorted by size, GAN-CNN first
    assert list(table["method"].iloc[:4]) == ["GAN-CNN"] * 4


def test_headline_block_round_trips_and_names_the_verdicts(grid_df, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{report.HEADLINE_BEGIN}\nold\n{report.HEADLINE_END}\n\nafter\n")
    assert report.update_readme(readme, grid_df, "smoke", "phantom")
    assert not report.update_readme(readme, grid_df, "smoke", "phantom")  # idempotent
    block = report.readme_headline(readme)
    assert block == report.headline_markdown(grid_df, "smoke", "phantom")
    assert readme.read_text().endswith("\n\nafter\n")
    assert "claim 1: replicated" in block  # 15K: GAN-CNN 0.935 vs CNN 0.90 over 4 seeds
    assert "1 failed" in block
    readme.write_text("no markers\n")
    with pytest.raises(ValueError, match="no headline block"):
        report.update_readme(readme, grid_df)


def test_readme_headline_is_computed_from_the_committed_records():
    """The README's table must be what `ganseg report --readme README.md` writes now."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    df = load_results(root / "results", profile="cpu", data="drive")
    assert report.readme_headline(root / "README.md") == report.headline_markdown(df), (
        "README headline is stale: run `ganseg report --readme README.md`"
    )


def test_report_cli_checks_and_updates_a_readme(grid_df, tmp_path, capsys):
    from ganseg_lib.cli import main

    readme = tmp_path / "README.md"
    readme.write_text(f"{report.HEADLINE_BEGIN}\n{report.HEADLINE_END}\n")
    results = tmp_path  # grid_df's records live under tmp_path/smoke/phantom
    args = ["report", "--profile", "smoke", "--data", "phantom", "--results", str(results)]
    assert main([*args, "--readme", str(readme), "--check"]) == 1
    assert main([*args, "--readme", str(readme)]) == 0
    assert main([*args, "--readme", str(readme), "--check"]) == 0
    assert main([*args, "--readme", str(tmp_path / "missing.md")]) == 2
    assert "missing.md" in capsys.readouterr().err


def test_image_comparison_averages_each_image_over_seeds(grid_df):
    comp = report.image_comparison(grid_df)
    at = comp[comp["n_patches"] == 15_000]
    assert len(at) == 5 and set(at["seeds"]) == {4}
    ok = grid_df[(grid_df["status"] == "ok") & (grid_df["n_patches"] == 15_000)]
    gan = np.mean(
        [r["evaluation"]["per_image_auc"] for r in ok[ok["method"] == "gan"]["record"]], 0
    )
    assert at["gan"].to_numpy() == pytest.approx(gan)
    assert at["difference"].to_numpy() == pytest.approx(at["gan"] - at["cnn"])
    cmp = report.compare_size(grid_df, 15_000)
    ref = stats.ttest_rel(at["gan"], at["cnn"])
    assert cmp.images_paired.p_value == pytest.approx(ref.pvalue)


def test_compute_used_names_one_thread_in_the_singular(tmp_path):
    recs = [_record("gan", 15_000, s, [0.9, 0.91]) for s in (0, 1)]
    recs[0]["provenance"]["device"] = "cpu (x86_64, 1 threads)"  # as early records say
    recs[1]["provenance"]["device"] = "cpu (x86_64, 1 thread)"
    df = _write(tmp_path, recs)
    compute = report.compute_used(df)
    assert compute.loc[0, "devices"] == "cpu (x86_64, 1 thread)"
    assert set(report.run_table(df)["device"]) == {"cpu (x86_64, 1 thread)"}
    assert compute.loc[0, "train hours"] == pytest.approx(200 / 3600)
