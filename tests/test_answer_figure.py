"""The answer figure: its points are the seed means and 95% t intervals of the committed records,
the plot draws exactly those, and `ganseg report --readme` writes (or checks) its PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from ganseg_lib.analysis import answer_figure as AF
from ganseg_lib.analysis.replication.headline import HEADLINE_BEGIN, HEADLINE_END
from ganseg_lib.analysis.study.records import chosen_pairs, load_study, record_variant
from ganseg_lib.cli import main
from ganseg_lib.evaluate.record import load_results
from ganseg_lib.paper import PAPER_RESULTS

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results"


@pytest.fixture(scope="module")
def records():
    cpu = load_results(RESULTS, profile="cpu", data="drive", paper_arms=True)
    study = load_study(RESULTS)
    if not len(cpu) or not len(study):
        pytest.skip("the committed cpu and study records are not in this checkout")
    return cpu, study


@pytest.fixture(scope="module")
def points(records):
    return AF.answer_points(*records)


def _scipy(scores):
    x = np.asarray(scores, float)
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    return x.mean(), low, high


def _expected(records):
    """(source, method, size) → scores, chosen from the record files without the library's arm
    selection: the cpu runs as they are; of the study, the fair runs of the replication's DC net
    at the (lr, β1) chosen on the validation images, their best-validation checkpoint's score."""
    cpu, study = records
    out = {}
    for rec in cpu["record"]:
        if rec.ok:
            key = ("replication", rec.config.method, rec.config.n_patches)
            out.setdefault(key, []).append(rec.evaluation["mean_auc"])
    pairs = chosen_pairs(RESULTS)
    for rec in load_results(RESULTS, profile="study", data="drive")["record"]:
        cfg = rec.config
        if (
            rec.ok
            and cfg.protocol == "fair"
            and cfg.method in AF.FAIR_METHODS
            and record_variant(rec) == ""
            and (cfg.lr, cfg.betas[0]) == pairs[cfg.method]
        ):
            key = ("study", cfg.method, cfg.n_patches)
            out.setdefault(key, []).append(rec.evaluation_best["mean_auc"])
    return out


def test_points_are_seed_means_with_scipy_t_intervals(records, points):
    expected = _expected(records)
    ours = points[points["source"] != "paper"]
    assert {(r.source, r.method, r.n_patches) for r in ours.itertuples()} == set(expected)
    for r in ours.itertuples():
        scores = expected[(r.source, r.method, r.n_patches)]
        mean, low, high = _scipy(scores)
        assert r.seeds == len(scores) == 5
        assert r.mean_auc == pytest.approx(mean, abs=1e-12)
        assert (r.ci_low, r.ci_high) == (pytest.approx(low, abs=1e-12), pytest.approx(high))
    # every fair method the study ran, at each size it ran
    fair = ours[ours["source"] == "study"]
    assert sorted(fair[fair["method"] == "cnn"]["n_patches"]) == [3_000, 15_000, 30_000, 150_000]
    assert list(fair[fair["method"] == "cgan"]["n_patches"]) == [15_000]
    paper = points[points["source"] == "paper"]
    assert len(paper) == 6 and paper["ci_low"].isna().all()
    for r in paper.itertuples():
        assert r.mean_auc == PAPER_RESULTS[r.n_patches][r.method]


def test_the_headline_differences_read_off_the_points(points):
    """The numbers the README and the first page state, from the figure's own points."""
    at = points.set_index(["source", "method", "n_patches"])["mean_auc"]
    gap = at["replication", "gan", 15_000] - at["replication", "cnn", 15_000]
    assert round(gap, 4) == 0.0084 and round(gap / 0.015, 2) == 0.56
    gap = at["replication", "gan", 30_000] - at["replication", "cnn", 30_000]
    assert round(gap, 4) == 0.0053 and round(gap / 0.024, 2) == 0.22
    assert round(at["study", "gan", 15_000] - at["study", "cnn", 15_000], 4) == 0.0011
    assert round(at["study", "gan", 3_000] - at["study", "cnn", 3_000], 4) == 0.0056


def test_the_plot_draws_each_point_and_its_interval(points):
    fig = AF.plot_answer(points)
    (ax,) = fig.axes
    lines = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
    bars = {c.lines[0].get_gid(): c for c in ax.containers}
    for (source, method), g in points.groupby(["source", "method"]):
        g = g.sort_values("n_patches")
        line = lines[f"{source}-{method}"]
        np.testing.assert_allclose(line.get_ydata(), g["mean_auc"])
        # jittered around the true size by at most a few per cent, in the order of the sizes
        ratio = np.asarray(line.get_xdata(), float) / g["n_patches"].to_numpy(float)
        assert np.allclose(ratio, ratio[0]) and abs(np.log(ratio[0])) < 0.2
        if source == "paper":
            assert f"{source}-{method}-ci" not in bars
            continue
        segments = bars[f"{source}-{method}-ci"].lines[2][0].get_segments()
        np.testing.assert_allclose([s[0][1] for s in segments], g["ci_low"])
        np.testing.assert_allclose([s[1][1] for s in segments], g["ci_high"])
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels[:2] == ["GAN-CNN (the paper)", "CNN (the paper)"]
    assert "CNN (ours, fair protocol)" in labels and "GAN-CNN (ours, paper protocol)" in labels


def test_the_png_is_written_once_and_then_unchanged(records, tmp_path):
    path = tmp_path / "figures" / "answer.png"
    assert AF.write_answer_figure(path, *records, check=True)  # missing: out of date
    assert not path.exists()
    assert AF.write_answer_figure(path, *records)
    first = path.read_bytes()
    assert first.startswith(b"\x89PNG\r\n\x1a\n") and b"Software" not in first
    assert not AF.write_answer_figure(path, *records)  # the same records give the same bytes
    assert not AF.write_answer_figure(path, *records, check=True)
    assert path.read_bytes() == first


def test_report_writes_and_checks_the_figure_beside_the_headline(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{HEADLINE_BEGIN}\n{HEADLINE_END}\n")
    figure = tmp_path / "answer.png"
    argv = ["report", "--results", str(RESULTS), "--readme", str(readme), "--figure", str(figure)]
    assert main(argv) == 0
    assert figure.read_bytes().startswith(b"\x89PNG")
    assert main([*argv, "--check"]) == 0
    figure.write_bytes(b"stale")
    assert main([*argv, "--check"]) == 1
    assert figure.read_bytes() == b"stale"  # --check writes nothing
    assert "answer figure out of date" in capsys.readouterr().out
    # another profile's headline has no answer figure
    other = ["report", "--profile", "smoke", "--data", "phantom", "--results", str(tmp_path)]
    readme.write_text(f"{HEADLINE_BEGIN}\n{HEADLINE_END}\n")
    assert main([*other, "--readme", str(readme), "--figure", str(tmp_path / "none.png")]) == 0
    assert not (tmp_path / "none.png").exists()


def test_the_committed_figure_is_the_one_the_report_writes(records):
    committed = RESULTS / AF.ANSWER_FIGURE
    assert committed.is_file(), "run `ganseg report --readme README.md`"
    from io import BytesIO

    from PIL import Image

    fresh = Image.open(BytesIO(AF.answer_png(AF.plot_answer(AF.answer_points(*records)))))
    assert Image.open(committed).size == fresh.size


def test_fewer_labels_adds_its_study_configured_arms_only(records):
    """Of "Fewer labels", the fair CNN and the fair GAN-CNN as the study ran them are drawn at
    their sizes with scipy's t interval; its other arms (other DC nets, tuned) are not."""
    fewer = {
        ("cnn", 300): [0.90, 0.91, 0.92],
        ("gan-study", 1_000): [0.93, 0.925],
        ("gan-fixed", 1_000): [0.95, 0.96],
        ("ssgan", 300): [0.8, 0.81],
    }
    points = AF.answer_points(*records, fewer=fewer)
    new = points[points["source"] == "fewer"].set_index(["method", "n_patches"])
    assert sorted(new.index) == [("cnn", 300), ("gan", 1_000)]
    for (method, n), arm in ((("cnn", 300), "cnn"), (("gan", 1_000), "gan-study")):
        row = new.loc[(method, n)]
        assert row["seeds"] == len(fewer[arm, n])
        got = (row["mean_auc"], row["ci_low"], row["ci_high"])
        assert got == pytest.approx(_scipy(fewer[arm, n]))
    assert len(points) == len(AF.answer_points(*records)) + 2
    ax = AF.plot_answer(points).axes[0]
    assert {"fewer-cnn", "fewer-gan"} <= {line.get_gid() for line in ax.get_lines()}
    assert {"300", "1K"} <= {t.get_text() for t in ax.get_xticklabels()}


def test_the_second_registration_adds_its_pair_as_a_series_of_its_own(records):
    """The second registration's GAN-CNN with the passing generator and its CNN (DC net width
    32) are drawn as their own series, apart from the first registration's width-16 arms."""
    fewer = {
        ("cnn", 1_000): [0.92, 0.925],
        ("cnn-dc32", 1_000): [0.93, 0.935, 0.928],
        ("gan-passing", 1_000): [0.94, 0.945],
    }
    points = AF.answer_points(*records, fewer=fewer)
    passing = points[points["source"] == "passing"].set_index("method")
    assert sorted(passing.index) == ["cnn", "gan"]
    assert passing.loc["gan", "seeds"] == 2 and passing.loc["cnn", "seeds"] == 3
    got = tuple(passing.loc["cnn", ["mean_auc", "ci_low", "ci_high"]])
    assert got == pytest.approx(_scipy(fewer["cnn-dc32", 1_000]))
    assert "DC net width 32" in passing.loc["gan", "label"]
    assert list(points[points["source"] == "fewer"]["method"]) == ["cnn"]
    ax = AF.plot_answer(points).axes[0]
    assert {"passing-cnn", "passing-gan", "fewer-cnn"} <= {ln.get_gid() for ln in ax.get_lines()}


def test_the_report_draws_both_registrations_of_fewer_labels(records, tmp_path, monkeypatch):
    """``ganseg report --readme`` hands the figure the per-seed scores of both registrations of
    "Fewer labels" (their arm names differ), read from the committed records."""
    from ganseg_lib.analysis.study import fewer_verdicts as FV

    given = {}

    def write(path, cpu, study, check=False, fewer=None):
        given.update(fewer or {})
        return False

    monkeypatch.setattr(AF, "write_answer_figure", write)
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{HEADLINE_BEGIN}\n{HEADLINE_END}\n")
    argv = ["report", "--results", str(RESULTS), "--readme", str(readme)]
    assert main([*argv, "--figure", str(tmp_path / "a.png")]) == 0
    expected = FV.arm_scores(RESULTS, "drive") | FV.arm_scores(
        RESULTS, "drive", registration=FV.PASSING
    )
    assert set(given) == set(expected)
    for key, scores in expected.items():
        assert list(given[key]) == list(scores)
    assert ("gan-passing", 1_000) in expected  # the committed records hold the second's pair
    points = AF.answer_points(*records, fewer=given)
    assert {"cnn", "gan"} <= set(points[points["source"] == "passing"]["method"])
