"""The generator check against simple references, and the DC net's real-data term."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from ganseg_lib.data.patches import PatchParams, make_patch_set
from ganseg_lib.errors import ConfigError
from ganseg_lib.evaluate import generator_check as gc
from ganseg_lib.evaluate import two_sample as ts
from ganseg_lib.model.losses import (
    loss_adversarial,
    loss_classification,
    loss_unlabelled,
)
from ganseg_lib.model.networks import Generator
from ganseg_lib.paper import FAKE
from ganseg_lib.train.checkpoint import TRAIN_MEMORY_FORMAT, build_state
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.step import Batch, make_fakes, train_step


def test_identical_samples_have_diversity_ratio_zero(phantom_patches):
    same = np.repeat(phantom_patches[:1], 200, axis=0)
    assert gc.mean_pairwise_distance(same) == 0.0
    assert gc.diversity_ratio(same, phantom_patches[:200]) == 0.0


def test_two_halves_of_real_patches_have_diversity_ratio_one(phantom_patches):
    ratio = gc.diversity_ratio(phantom_patches[:500], phantom_patches[500:])
    assert ratio == pytest.approx(1.0, abs=0.05)


def test_mean_pairwise_distance_is_the_mean_l2_over_pairs():
    rng = np.random.default_rng(0)
    patches = rng.integers(0, 256, size=(5, 4, 4), dtype=np.uint8)
    x = patches.astype(np.float64).reshape(5, -1) / 127.5 - 1
    pairs = [np.linalg.norm(x[i] - x[j]) for i in range(5) for j in range(5) if i != j]
    assert gc.mean_pairwise_distance(patches) == pytest.approx(np.mean(pairs), rel=1e-9)


def test_check_and_pass_rule(phantom_patches):
    real = gc.check_samples(phantom_patches[:500], phantom_patches[500:])
    assert real.passes_numbers() and real.passes(vessels_visible=True)
    assert not real.passes(vessels_visible=False)
    collapsed = gc.check_samples(np.repeat(phantom_patches[:1], 500, 0), phantom_patches[500:])
    assert collapsed.diversity_ratio == 0.0 and not collapsed.passes_numbers()
    assert collapsed.to_json()["n_fake"] == 500


def test_generated_patches_are_uint8_and_reproducible():
    torch.manual_seed(0)
    g = Generator(4)
    a, b = gc.generated_patches(g, 6, seed=3), gc.generated_patches(g, 6, seed=3)
    assert a.dtype == np.uint8 and a.shape == (6, 64, 64)
    assert np.array_equal(a, b)


def test_figure_shows_generated_beside_real_and_writes_nothing(
    tmp_path, monkeypatch, phantom_patches
):
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    from ganseg_lib.montage import samples_beside_real

    fig = samples_beside_real(phantom_patches[:16], phantom_patches[16:32], n=16)
    assert [ax.get_title() for ax in fig.axes] == ["generated", "real"]
    assert list(tmp_path.iterdir()) == []


# --- the DC net's real-data term (TrainConfig.real_not_fake) -------------------------------------


def tiny(**kw) -> TrainConfig:
    base = dict(
        method="gan",
        data="phantom",
        n_patches=64,
        seed=1,
        iterations=4,
        width=4,
        g_width=4,
        batch_size=8,
    )
    return TrainConfig(**(base | kw))


def fixed_batch() -> Batch:
    g = torch.Generator().manual_seed(5)
    x = (torch.rand(8, 1, 64, 64, generator=g) * 2 - 1).contiguous(
        memory_format=TRAIN_MEMORY_FORMAT
    )
    return Batch(x, torch.tensor([0, 1] * 4))


def reference_dc_step(config: TrainConfig, batch: Batch, real_term: bool) -> dict:
    """The DC step written out: L_c + L_adv (the replication's), plus −E log(1 − p(fake | x)) on
    the labelled reals when ``real_term``. Returns the DC net's weights after the step."""
    state = build_state(config, torch.device("cpu"))
    fake, _ = make_fakes(state, config, len(batch.x), batch.x.device)
    logits = state.dcnet(torch.cat([batch.x, fake.detach()])).float()
    real, fakes = logits[: len(batch.x)], logits[len(batch.x) :]
    loss = loss_classification(real, batch.y) + loss_adversarial(fakes)
    if real_term:
        loss = loss + loss_unlabelled(real)
    state.opt_d.zero_grad()
    loss.backward()
    state.opt_d.step()
    return {k: v.detach().clone() for k, v in state.dcnet.state_dict().items()}


def step_weights(config: TrainConfig, batch: Batch) -> tuple[dict, dict]:
    state = build_state(config, torch.device("cpu"))
    metrics = train_step(state, config, batch)
    return {k: v.detach().clone() for k, v in state.dcnet.state_dict().items()}, metrics


def test_default_dc_step_is_the_replications():
    config, batch = tiny(), fixed_batch()
    assert config.real_not_fake is False
    got, metrics = step_weights(config, batch)
    want = reference_dc_step(config, batch, real_term=False)
    assert "L_real" not in metrics
    for k in want:
        assert torch.equal(got[k], want[k]), k


def test_default_loss_value_on_a_fixed_batch():
    config, batch = tiny(), fixed_batch()
    state = build_state(config, torch.device("cpu"))
    fake, _ = make_fakes(state, config, len(batch.x), batch.x.device)
    with torch.no_grad():
        logits = state.dcnet(torch.cat([batch.x, fake]))
    want_lc = loss_classification(logits[:8], batch.y)
    want_adv = loss_adversarial(logits[8:])
    _, metrics = step_weights(config, batch)
    assert float(metrics["L_c"]) == pytest.approx(float(want_lc), rel=1e-6)
    assert float(metrics["L_adv"]) == pytest.approx(float(want_adv), rel=1e-6)
    assert float(metrics["adv_share"]) == pytest.approx(
        float(want_adv / (want_lc + want_adv)), rel=1e-5
    )


def test_real_not_fake_adds_the_real_data_term():
    config, batch = tiny(real_not_fake=True), fixed_batch()
    got, metrics = step_weights(config, batch)
    want = reference_dc_step(config, batch, real_term=True)
    for k in want:
        assert torch.allclose(got[k], want[k], rtol=0, atol=1e-7), k
    default, _ = step_weights(dataclasses.replace(config, real_not_fake=False), batch)
    assert any(not torch.equal(got[k], default[k]) for k in got)
    state = build_state(config, torch.device("cpu"))
    with torch.no_grad():
        p_fake = torch.softmax(state.dcnet(batch.x), 1)[:, FAKE]
    assert float(metrics["L_real"]) == pytest.approx(float(-torch.log1p(-p_fake).mean()), rel=1e-5)


def test_real_data_term_pushes_real_patches_out_of_the_fake_class():
    """d/dl_fake of −log(1 − p_fake) is p_fake / B > 0: a descent step lowers a real patch's fake
    logit, which the conditional L_c never does (its gradient on that logit is 0)."""
    logits = torch.tensor([[0.3, -0.2, 2.0], [1.0, 0.5, -1.0]], requires_grad=True)
    loss_unlabelled(logits).backward()
    p_fake = torch.softmax(logits.detach(), 1)[:, FAKE]
    assert torch.allclose(logits.grad[:, FAKE], p_fake / 2, atol=1e-6)
    lc = logits.detach().clone().requires_grad_(True)
    loss_classification(lc, torch.tensor([0, 1])).backward()
    assert torch.equal(lc.grad[:, FAKE], torch.zeros(2))


def test_real_not_fake_needs_a_fake_class():
    with pytest.raises(ConfigError, match="real_not_fake"):
        tiny(method="cnn", real_not_fake=True)


def test_old_configurations_read_with_the_default():
    old = tiny().to_json()
    del old["real_not_fake"]
    assert TrainConfig.from_json(old) == tiny()
    assert tiny(real_not_fake=True).cell != tiny().cell


def test_load_generator_gives_the_trained_generator(tmp_path):
    from ganseg_lib.errors import DataError
    from ganseg_lib.train.loop import RunData, train
    from ganseg_lib.train.validation import ValidationSet
    from tests.conftest import toy_record

    train_records = [toy_record(96, 80, seed=s) for s in range(2)]
    data = RunData(
        make_patch_set(train_records, PatchParams(64, seed=0), "phantom"),
        ValidationSet.from_records([toy_record(96, 80, seed=9)], 256, seed=0),
    )
    config = tiny(real_not_fake=True, iterations=2, eval_every=2, n_validation_pixels=256)
    train(config, tmp_path / "run", data, device="cpu", log=lambda *a: None)
    generator = gc.load_generator(tmp_path / "run")
    samples = gc.generated_patches(generator, 4, seed=0)
    assert samples.shape == (4, 64, 64) and not generator.training
    train(tiny(method="noise"), tmp_path / "noise", data, device="cpu", log=lambda *a: None)
    with pytest.raises(DataError, match="no generator"):
        gc.load_generator(tmp_path / "noise")


# --- the suspects' short runs (ganseg_lib.experiment.generator_suspects) ----------------------


def test_kept_samples_diversity_reads_each_montage_row(tmp_path, phantom_patches):
    from PIL import Image

    from ganseg_lib.montage import montage

    rows = [montage(np.repeat(phantom_patches[:1], 8, 0)), montage(phantom_patches[:8])]
    folder = tmp_path / "study" / "drive"
    folder.mkdir(parents=True)
    Image.fromarray(np.concatenate(rows, axis=0)).save(folder / "gan-n15000-s0.samples.png")
    (tmp_path / "smoke" / "drive").mkdir(parents=True)
    Image.fromarray(rows[1]).save(tmp_path / "smoke" / "drive" / "gan-n15000-s0.samples.png")
    got = gc.kept_samples_diversity(tmp_path, real_distance=2.0)
    assert list(got) == ["study/drive/gan-n15000-s0"]
    per_row = got["study/drive/gan-n15000-s0"]["diversity_ratio_per_row"]
    assert per_row[0] == 0.0
    assert per_row[1] == pytest.approx(gc.mean_pairwise_distance(phantom_patches[:8]) / 2.0)


# --- the committed check read for the book (analysis.replication.generator) -----------------------

COMMITTED = Path(__file__).resolve().parents[1] / "results" / "generator"


@pytest.fixture(scope="module")
def committed() -> dict:
    from ganseg_lib.analysis.replication import generator as gr

    if not (COMMITTED / "suspects.json").is_file():
        pytest.skip("results/generator/ is not here")
    return {
        "suspects": json.loads((COMMITTED / "suspects.json").read_text()),
        "after": json.loads((COMMITTED / "after.json").read_text()),
        "fixed": json.loads(fixed.read_text())
        if (fixed := COMMITTED / "fixed.json").is_file()
        else {},
        "working": json.loads(working.read_text())
        if (working := COMMITTED / "working.json").is_file()
        else {},
        "kept": json.loads((COMMITTED / "kept_samples.json").read_text()),
        "runs": gr.read_checked_runs(COMMITTED),
    }


def test_check_table_has_every_committed_run_with_its_numbers(committed):
    from ganseg_lib.analysis.replication import generator as gr

    table = gr.check_table(committed["runs"])
    suspects, after = committed["suspects"], committed["after"]
    fixed, working = committed["fixed"], committed["working"]
    assert list(table["run"]) == [*suspects, after["cell"], *fixed, *working]
    for row in table.to_dict("records"):
        entry = suspects.get(row["run"]) or fixed.get(row["run"]) or working.get(row["run"], after)
        assert row["seed"] == entry["config"]["seed"]
        assert row["iterations"] == entry["config"]["iterations"]
        assert row["diversity ratio"] == entry["diversity_ratio"]
        assert row["two-sample accuracy"] == entry["two_sample_accuracy"]
        assert row["p(fake | real)"] == entry["p_fake_real"]
        assert row["fake detection"] == entry["fake_detect"]
    base = table.set_index("run").loc["baseline"]
    assert base["change"] == "the replication's paper-protocol GAN-CNN, unchanged"
    assert base["check"] == "fail: ratio 0.35 < 0.5; accuracy 1.00 > 0.95; no vessels"
    assert table.set_index("run").loc["real_not_fake", "check"] == (
        "fail: accuracy 1.00 > 0.95; no vessels"
    )
    # the reason after a colon is left out of the table
    assert table.set_index("run").loc["real_not_fake+dc_no_final_norm", "change"] == (
        "(a) and (e) no final instance norm in the DC net"
    )


def test_every_committed_run_was_looked_at_and_has_its_samples(committed):
    from ganseg_lib.analysis.present.samples import read_samples
    from ganseg_lib.analysis.replication import generator as gr

    names = {r.name for r in committed["runs"]}
    assert set(gr.SAMPLE_LOOKS) == names
    readme = (COMMITTED / "README.md").read_text()
    for name in names:
        samples = read_samples(COMMITTED / f"{name}.samples.png")
        assert samples.shape == (32, 64, 64) and samples.dtype == np.uint8
        assert gr.SAMPLE_LOOKS[name].what in readme  # the look as written down with the results


def test_verdict_is_computed_from_the_committed_numbers(committed):
    from ganseg_lib.analysis.replication import generator as gr

    s, after = committed["suspects"], committed["after"]
    text = gr.verdict(committed["runs"], gr.not_run(COMMITTED))
    before, term = s["baseline"], s["real_not_fake"]
    passing = [r.name for r in committed["runs"] if r.passes]
    assert text.startswith(
        "No generator passes: the real-data term raises the diversity ratio "
        if not passing
        else f"{len(passing)} of {len(committed['runs'])} generators pass"
    )
    assert f"from {before['diversity_ratio']:.2f} to {term['diversity_ratio']:.2f}" in text
    assert f"p(fake | real) from {before['p_fake_real']:.2f} to {term['p_fake_real']:.2f}" in text
    assert f"loop: {after['diversity_ratio']:.2f} and {after['p_fake_real']:.2f})" in text
    full = s[gr.FULL]
    assert (
        f"({gr.FULL}, {full['iterations']:,} iterations) give vessels (diversity ratio "
        f"{full['diversity_ratio']:.2f}, two-sample accuracy {full['two_sample_accuracy']:.2f})"
    ) in text
    for name, phrase in gr.ABLATIONS.items():
        assert (phrase in text) == (name in s), name
    accuracies = [r.two_sample_accuracy for r in committed["runs"]]
    if min(accuracies) > gr.MAX_TWO_SAMPLE_ACCURACY:
        assert "still tells every generator's patches from real ones" in text
    vessels = sum(r.look.vessels for r in committed["runs"])
    assert f"vessels show in the samples of {vessels} of {len(committed['runs'])} runs" in text
    short = [r for r in committed["runs"] if r.loop == "short"]
    span = f"{min(r.iterations for r in short):,}–{max(r.iterations for r in short):,}"
    assert f"{len(short)} short runs ({span} iterations on one CPU thread)" in text
    widths = sorted({r.g_width for r in short})
    dc = sorted({r.width for r in short})
    assert (
        f"generator width {widths[0]}–{widths[-1]} and DC-net width {dc[0]}–{dc[-1]} with 15,000 "
        "labelled patches, seed 0"
    ) in text
    for r in committed["runs"]:  # a pass on the spectral term says what it scores without it
        if r.passes and r.spectral_term:
            assert f"{r.name} passes with a term that matches the power spectrum" in text
            assert (
                f"other 19 features the classifier's accuracy is {r.without_spectrum:.2f}" in text
            )
    plain = {r.name: r for r in committed["runs"]}
    for r in committed["runs"]:  # the matched run without the term, where there is one
        base = plain.get(r.name.removesuffix("+spectral"))
        if r.passes and r.spectral_term and base is not r and base is not None:
            no_lower = r.without_spectrum >= base.without_spectrum
            assert (f"for {base.name}, trained without the term: no lower" in text) == no_lower
    not_run = gr.not_run(COMMITTED)
    assert text.endswith("." if not not_run else f"{not_run[-1]}.")


def test_verdict_names_a_passing_generator(committed):
    from ganseg_lib.analysis.replication import generator as gr

    runs = committed["runs"]
    good = dataclasses.replace(
        runs[1], two_sample_accuracy=0.7, look=gr.Look(True, "thin dark lines")
    )
    assert good.passes and not runs[1].passes
    text = gr.verdict([runs[0], good])
    assert text.startswith("1 of 2 generators pass (real_not_fake): ")
    assert "tells the patches of 1 of 2 generators from real ones" in text
    assert "vessels show in the samples of 1 of 2 runs" in text
    targeted = dataclasses.replace(good, spectral_term=True, without_spectrum=0.93)
    plain = dataclasses.replace(runs[0], without_spectrum=0.97)
    assert gr.verdict([plain, targeted]).endswith(
        "real_not_fake passes with a term that matches the power spectrum, which the check's "
        "spectrum features measure; on its other 19 features the classifier's accuracy is 0.93, "
        "against 0.97 on the same 19 features for baseline, trained without the term. This "
        "holds for what was run: "
        + gr.verdict([plain, targeted]).split("This holds for what was run: ")[1]
    )
    unseen = dataclasses.replace(good, look=None)
    assert unseen.failures() == ["samples not looked at"]


def test_kept_table_and_sentence_count_the_committed_montages(committed):
    from ganseg_lib.analysis.replication import kept_samples as ks

    ratios = [v["final_diversity_ratio"] for v in committed["kept"].values()]
    kept = ks.read_kept(COMMITTED)
    table = ks.kept_table(kept)
    expected = [
        sum(r < 0.1 for r in ratios),
        sum(0.1 <= r < 0.5 for r in ratios),
        sum(0.5 <= r <= 1.1 for r in ratios),
        sum(r > 1.1 for r in ratios),
    ]
    assert list(table["montages"]) == expected and sum(expected) == len(ratios)
    collapsed = table.iloc[0, 2]
    n_ssgan = sum(
        n.startswith("study/drive/ssgan-fair-lr0.0003-b0.5-") and r < 0.1 for n, r in kept.items()
    )
    assert f"study/drive/ssgan-fair-lr0.0003-b0.5 ×{n_ssgan}" in collapsed
    assert ks.kept_sentence(kept) == (
        f"Of {len(ratios)} kept samples montages (the smoke profile left out), "
        f"{expected[0] + expected[1]} end with a diversity ratio below 0.5 ({expected[0]} below "
        f"0.1), {expected[2]} between 0.5 and 1.1, and {expected[3]} above 1.1."
    )


def test_read_samples_inverts_the_saved_montage(tmp_path, phantom_patches):
    import matplotlib

    from ganseg_lib.analysis.present.samples import plot_sample_panels, read_samples
    from ganseg_lib.montage import save_montage

    matplotlib.use("Agg")
    save_montage(phantom_patches[:32], tmp_path / "x.samples.png")
    back = read_samples(tmp_path / "x.samples.png")
    np.testing.assert_array_equal(back, phantom_patches[:32])
    fig = plot_sample_panels({"a": back, "b": back, "c": back[:8]}, per_row=2)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["a", "b", "c", ""]  # one empty panel fills the second row


# --- the fix that the check found (train.config.GENERATOR_FIX) ----------------------------------


def test_the_generator_fix_names_its_arms_and_reaches_only_the_methods_that_take_it():
    from ganseg_lib.experiment.grid import applicable_overrides
    from ganseg_lib.train.config import GENERATOR_FIX

    fixed = tiny(**applicable_overrides(GENERATOR_FIX, "gan"))
    assert fixed.arm == "gan-lr0.0002-b0.5-Gbnresize-normnone-realnotfake"
    assert fixed.g_arch == "bnresize" and fixed.norm == "none" and fixed.real_not_fake
    cnn = tiny(method="cnn", **applicable_overrides(GENERATOR_FIX, "cnn"))
    assert cnn.arm == "cnn-lr0.0002-b0.5-normnone"  # the same DC net and optimiser, no more
    with pytest.raises(ConfigError, match="g_arch"):
        tiny(method="cnn", g_arch="bnresize")
    with pytest.raises(ConfigError, match="g_arch must be one of"):
        tiny(g_arch="dcgan")
    old = tiny().to_json()
    del old["g_arch"]
    assert TrainConfig.from_json(old) == tiny()


def test_a_fixed_run_trains_evaluates_densely_and_reloads_its_generator(tmp_path):
    from torch import nn

    from ganseg_lib.model.dense import predict_dense, predict_patchwise
    from ganseg_lib.train.config import GENERATOR_FIX
    from ganseg_lib.train.loop import RunData, train
    from ganseg_lib.train.validation import ValidationSet
    from tests.conftest import toy_record

    train_records = [toy_record(96, 80, seed=s) for s in range(2)]
    data = RunData(
        make_patch_set(train_records, PatchParams(64, seed=0), "phantom"),
        ValidationSet.from_records([toy_record(96, 80, seed=9)], 256, seed=0),
    )
    config = tiny(**GENERATOR_FIX, iterations=3, eval_every=3, n_validation_pixels=256)
    train(config, tmp_path / "run", data, device="cpu", log=lambda *a: None)
    generator = gc.load_generator(tmp_path / "run")
    assert generator.arch == "bnresize" and not generator.training
    assert any(isinstance(m, nn.BatchNorm2d) for m in generator.modules())
    assert gc.generated_patches(generator, 4, seed=0).shape == (4, 64, 64)
    real = make_patch_set([toy_record(96, 80, seed=7)], PatchParams(100, seed=1), "phantom")
    checked = gc.check_run(tmp_path / "run", real.patches, tmp_path / "out")
    fake = gc.generated_patches(generator, gc.N_CHECK, config.seed)
    assert checked["two_sample_accuracy"] == ts.two_sample_accuracy(fake, real.patches, 0)
    seen = ts.two_sample_accuracy(gc.seen_region(fake), gc.seen_region(real.patches), 0)
    assert checked["two_sample_accuracy_seen"] == seen
    bands = ts.patch_features(real.patches)[
        :, [ts.FEATURE_NAMES.index(f"power band {i}") for i in range(8)]
    ]
    assert checked["spectrum_medians"]["real"] == pytest.approx(np.median(bands, 0).tolist())
    assert (
        checked["iterations"] == 3 and (tmp_path / "out" / f"{config.cell}.samples.png").is_file()
    )
    state = build_state(config, torch.device("cpu"))
    image = np.random.default_rng(0).random((60, 70)).astype(np.float32)
    dense, patchwise = predict_dense(state.dcnet, image), predict_patchwise(state.dcnet, image)
    assert np.abs(dense - patchwise).max() <= 1e-4


def test_seen_region_keeps_what_the_dc_net_sees(phantom_patches):
    import torch

    from ganseg_lib.model.networks import DCNet

    patches = phantom_patches[:4]
    seen = gc.seen_region(patches)
    assert seen.shape == patches.shape and seen.dtype == patches.dtype
    np.testing.assert_array_equal(seen[:, :62, :62], patches[:, :62, :62])
    np.testing.assert_array_equal(seen[:, 62:, :62], np.repeat(patches[:, 61:62, :62], 2, 1))
    # the DC net's output is the same for both: pixels 62 and 63 never reach it
    net = DCNet(3, 4, "none").double()
    with torch.no_grad():
        a, b = (net(torch.from_numpy(p[:, None].astype(np.float64))) for p in (patches, seen))
    torch.testing.assert_close(a, b)


def test_training_patches_against_validation_patches_are_the_checks_reference():
    """Patches of the phantom's training images against those of its validation images: the
    same kind of image, so the classifier does little better than chance and the diversity
    ratio is about 1 — the numbers that a generator reproducing the training data would get."""
    check = gc.training_patches_check("phantom", 300)
    assert check.n_fake == check.n_real == 300
    assert 0.8 < check.diversity_ratio < 1.25
    assert check.two_sample_accuracy < 0.7


def test_smoothed_training_patches_are_told_apart_by_their_missing_texture():
    """The same draw smoothed by a Gaussian (σ 1 px): the samples come closer to each other
    (lower diversity) and the classifier tells them from real patches far better than the
    unsmoothed draw — the check sees the finest texture."""
    sharp = gc.training_patches_check("phantom", 300)
    smooth = gc.training_patches_check("phantom", 300, blur_sigma=1.0)
    assert smooth.real_distance == sharp.real_distance  # the same real patches
    assert smooth.diversity_ratio < sharp.diversity_ratio
    assert smooth.two_sample_accuracy > max(0.9, sharp.two_sample_accuracy + 0.2)


def test_the_reference_sentence_reads_the_committed_draws(committed):
    from ganseg_lib.analysis.replication import generator as gr

    draws = json.loads((COMMITTED / gr.REFERENCE_FILE).read_text())
    text = gr.reference_sentence(COMMITTED)
    acc = sorted(f"{d['two_sample_accuracy']:.2f}" for d in draws)
    assert f"two-sample accuracy {acc[0]}–{acc[-1]}" in text
    assert f"({len(draws)} draws;" in text
    assert gr.reference_sentence(COMMITTED / "absent") == ""
    blurred = json.loads((COMMITTED / gr.BLUR_FILE).read_text())
    for sigma in {d["blur_sigma"] for d in blurred}:
        acc = sorted(d["two_sample_accuracy"] for d in blurred if d["blur_sigma"] == sigma)
        span = (
            f"{acc[0]:.3f}"
            if f"{acc[0]:.3f}" == f"{acc[-1]:.3f}"
            else f"{acc[0]:.3f}–{acc[-1]:.3f}"
        )
        assert f"σ {sigma:g} px: {span}" in text


def test_the_working_generators_re_run_is_read_checked_and_told(committed, tmp_path):
    """A check of the second re-run (working.json) joins the table as a library-loop run with the
    spectral term: it passes or fails by the same rule, and the verdict gives its numbers."""
    import shutil

    from ganseg_lib.analysis.replication import generator as gr

    for name in ("suspects.json", "after.json", gr.FIXED_FILE):
        shutil.copy(COMMITTED / name, tmp_path / name)
    entry = next(iter(json.loads((COMMITTED / gr.FIXED_FILE).read_text()).values()))
    entry = entry | {
        "config": entry["config"] | {"spectral_weight": 1.0, "width": 32},
        "diversity_ratio": 0.8,
        "two_sample_accuracy": 0.93,
        "two_sample_accuracy_seen": 0.94,
        "two_sample_accuracy_without_spectrum": 0.91,
    }
    (tmp_path / gr.WORKING_FILE).write_text(json.dumps({"gan-working-n15000-s0": entry}))
    runs = gr.read_checked_runs(tmp_path)
    last = runs[-1]
    assert (last.name, last.loop, last.spectral_term, last.width) == (
        "gan-working-n15000-s0",
        "library",
        True,
        32,
    )
    assert last.failures() == ["samples not looked at"]  # no look written down for it yet
    text = gr.verdict(runs)
    assert (
        "the 1 GAN-CNN of the re-run with the working generator reaches diversity ratio 0.80, "
        "two-sample accuracy 0.93 (0.94 on the seen 62×62; 0.91 without the spectrum's "
        "features), vessels in 0 of 0 "
        "(1 not looked at)"
    ) in text
