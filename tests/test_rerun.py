"""The replication's claims 1 and 2 with the GAN-CNN variant beside the originals: Welch against
scipy, the same rule, and no row where the variant has no record."""

from __future__ import annotations

import numpy as np
from scipy import stats

from ganseg_lib.analysis.replication.rerun import rerun_sentence, rerun_table
from ganseg_lib.evaluate.record import RunRecord, write_record
from ganseg_lib.train.config import TrainConfig


def _write(tmp, n, seed, auc, real_not_fake=False, method="gan", profile="cpu", **fields):
    config = TrainConfig(
        method=method,
        data="drive",
        n_patches=n,
        seed=seed,
        iterations=1,
        real_not_fake=real_not_fake,
        **fields,
    )
    rec = RunRecord(profile, "ok", config, "runs/x", {}, {}, {}, evaluation={"mean_auc": auc})
    write_record(tmp / profile / "drive" / f"{config.cell}.json", rec)


def test_the_variant_is_set_against_the_same_cnn(tmp_path):
    cnn = [0.930, 0.932, 0.931]
    gan = [0.940, 0.941, 0.939]
    variant = [0.935, 0.931, 0.936]
    for s in range(3):
        _write(tmp_path, 15_000, s, cnn[s], method="cnn")
        _write(tmp_path, 15_000, s, gan[s])
        _write(tmp_path, 15_000, s, variant[s], real_not_fake=True)
        _write(tmp_path, 30_000, s, cnn[s], method="cnn")  # no variant at 30K: no rows
    table = rerun_table(tmp_path)
    assert list(table["GAN-CNN"]) == ["as replicated", "with the real-data term"]
    p = stats.ttest_ind(variant, cnn, equal_var=False).pvalue
    after = table.iloc[1]
    assert after["Welch p"] == (f"{p:.2g}" if p >= 1e-3 else f"{p:.1e}")
    assert after["GAN−CNN [95% CI]"].startswith(f"{np.mean(variant) - np.mean(cnn):+.4f}")
    assert "claim 1 (15K)" in rerun_sentence(table)
    assert rerun_sentence(rerun_table(tmp_path / "none")) == ""


def test_one_seed_of_the_variant_is_shown_but_not_tested(tmp_path):
    for s in range(2):
        _write(tmp_path, 15_000, s, 0.93 + 0.001 * s, method="cnn")
        _write(tmp_path, 15_000, s, 0.94 + 0.001 * s)
    _write(tmp_path, 15_000, 0, 0.92, real_not_fake=True)
    table = rerun_table(tmp_path)
    after = table.iloc[1]
    assert after["verdict"] == "not tested" and after["GAN-CNN mean AUC"] == "0.9200"
    assert "not yet tested" in rerun_sentence(table) and "-0.0105" in rerun_sentence(table)


def test_the_working_generator_is_set_against_both_cnns(tmp_path):
    from ganseg_lib.experiment.grid import applicable_overrides
    from ganseg_lib.train.config import GENERATOR_FIX

    cnn, cnn_none, fixed = [0.930, 0.932, 0.931], [0.925, 0.926, 0.927], [0.929, 0.930, 0.928]
    for s in range(3):
        _write(tmp_path, 30_000, s, cnn[s], method="cnn")
        _write(tmp_path, 30_000, s, 0.94 + 0.001 * s, method="gan")
        _write(tmp_path, 30_000, s, fixed[s], **applicable_overrides(GENERATOR_FIX, "gan"))
        _write(
            tmp_path,
            30_000,
            s,
            cnn_none[s],
            method="cnn",
            **applicable_overrides(GENERATOR_FIX, "cnn"),
        )
    table = rerun_table(tmp_path)
    assert list(table["claim"]) == ["2", "2", "2"]  # no real-data-term row: it has no record
    assert list(table["CNN"]) == ["cnn", "cnn", "cnn-lr0.0002-b0.5-normnone"]
    for row, other in ((table.iloc[1], cnn), (table.iloc[2], cnn_none)):
        p = stats.ttest_ind(fixed, other, equal_var=False).pvalue
        assert row["Welch p"] == (f"{p:.2g}" if p >= 1e-3 else f"{p:.1e}")
        assert row["GAN−CNN [95% CI]"].startswith(f"{np.mean(fixed) - np.mean(other):+.4f}")
    sentence = rerun_sentence(table)
    assert sentence.count("claim 2 (30K)") == 2 and "against the CNN with its DC net" in sentence


def test_the_passing_generator_is_set_against_the_cnn_with_its_own_width_32_dc_net(tmp_path):
    """Its records live in the cpu-dc32 profile; its CNN has the same arm name as the fix's CNN
    but the other profile's DC net, and only that CNN is its comparison."""
    from ganseg_lib.experiment.grid import applicable_overrides
    from ganseg_lib.train.config import WORKING_GENERATOR

    cnn, cnn_16, working, cnn_32 = [0.930, 0.932], [0.5, 0.5], [0.945, 0.946], [0.940, 0.939]
    for s in range(2):
        _write(tmp_path, 15_000, s, cnn[s], method="cnn")
        _write(tmp_path, 15_000, s, 0.94 + 0.001 * s)
        # the fix's CNN in the cpu profile: the same arm name, another DC net
        _write(tmp_path, 15_000, s, cnn_16[s], method="cnn", norm="none", lr=2e-4)
        for method, aucs in (("gan", working), ("cnn", cnn_32)):
            overrides = applicable_overrides(WORKING_GENERATOR, method)
            _write(tmp_path, 15_000, s, aucs[s], method=method, profile="cpu-dc32", **overrides)
    table = rerun_table(tmp_path)
    assert list(table["GAN-CNN"]) == [
        "as replicated",
        "working generator (DC net width 32), against the CNN with its DC net",
    ]
    row = table.iloc[1]
    p = stats.ttest_ind(working, cnn_32, equal_var=False).pvalue
    assert row["Welch p"] == (f"{p:.2g}" if p >= 1e-3 else f"{p:.1e}")
    assert row["GAN−CNN [95% CI]"].startswith(f"{np.mean(working) - np.mean(cnn_32):+.4f}")
    assert "trained with a DC net of width 32, not 16" in rerun_sentence(table)
