"""The segmentation figure: a pair of trained DC nets found beside run records or in run folders,
loaded after their SHA-256 is checked, and the page's numbered captions."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
import torch
from matplotlib.figure import Figure

from ganseg_lib.analysis.present.display import Captions, table_html
from ganseg_lib.analysis.replication import maps, plots
from ganseg_lib.errors import DataError
from ganseg_lib.paper import K
from ganseg_lib.train.checkpoint import build_dcnet, write_with_digest
from ganseg_lib.train.config import TrainConfig
from tests.conftest import toy_record


def _weights(path, method: str, seed: int = 0) -> torch.nn.Module:
    config = TrainConfig(
        method=method, n_patches=15_000, seed=seed, data="phantom", width=4, iterations=1
    )
    torch.manual_seed(seed)
    dcnet = build_dcnet(config)
    buf = io.BytesIO()
    torch.save({"config": config.to_json(), "last": dcnet.state_dict(), "best": None}, buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_with_digest(path, buf.getvalue())
    return dcnet


def test_weights_file_loads_the_dc_net_it_holds(tmp_path):
    path = tmp_path / "gan-n15000-s0.dcnet.pt"
    saved = _weights(path, "gan")
    loaded = maps.load_weights(path)
    x = torch.randn(2, 1, 64, 64)
    assert loaded.training is False
    assert torch.equal(loaded(x), saved.eval()(x))
    assert loaded(x).shape == (2, K + 1)
    with pytest.raises(DataError, match="no 'best'"):
        maps.load_weights(path, which="best")


def test_damaged_weights_file_is_never_loaded(tmp_path):
    path = tmp_path / "gan-n15000-s0.dcnet.pt"
    _weights(path, "gan")
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(DataError, match="SHA-256"):
        maps.load_weights(path)


def test_record_pair_takes_the_smallest_size_and_seed_with_both_methods(tmp_path):
    folder = tmp_path / "study" / "drive"
    for name in ("gan-n30000-s0", "cnn-n30000-s0", "gan-n15000-s3", "cnn-n15000-s3"):
        _weights(folder / f"{name}.dcnet.pt", name[:3])
    _weights(folder / "gan-n15000-s1.dcnet.pt", "gan")  # no CNN of seed 1
    _weights(folder / "gan-fair-n15000-s0.dcnet.pt", "gan")  # another protocol
    pair = maps.record_pair(tmp_path, "study", source="the study")
    assert (pair.data, pair.n_patches, pair.seed) == ("drive", 15_000, 3)
    assert pair.paths["cnn"].name == "cnn-n15000-s3.dcnet.pt"
    assert pair.label == "the study, 15K labelled patches, seed 3"
    assert maps.record_pair(tmp_path, "cpu") is None


def test_pair_maps_give_each_method_a_probability_map_and_its_auc(tmp_path):
    toy = toy_record()
    folder = tmp_path / "smoke" / "phantom"
    for m in ("gan", "cnn"):
        _weights(folder / f"{m}-n15000-s0.dcnet.pt", m)
    pair = maps.record_pair(tmp_path, "smoke", "phantom")
    out = maps.pair_maps(pair, toy)
    assert set(out) == {"gan", "cnn"}
    for prob, auc in out.values():
        assert prob.shape == toy.vessels.shape and 0.0 <= prob.min() <= prob.max() <= 1.0
        assert 0.0 <= auc <= 1.0
    fig = plots.plot_segmentation_pair(toy.rgb, toy.vessels, out, toy.fov, "t")
    titles = [ax.get_title() for ax in fig.axes]
    assert "ground truth" in titles and "GAN-CNN − CNN probability" in titles
    assert any(t.startswith("CNN (AUC ") for t in titles)


def test_captions_number_figures_and_tables_separately():
    page = Captions()
    assert page.table(pd.DataFrame({"a": [1]}), "first table") == 1
    assert page.figure(Figure(figsize=(1, 1)), "first figure") == 1
    assert page.table(pd.DataFrame({"a": [2]}), "second table") == 2
    assert page.numbers == {"Figure": 1, "Table": 2}
    html = table_html(pd.DataFrame({"a": range(20)}), caption="Table 3. long")
    assert "<summary>Table 3. long (show 20 rows)</summary>" in html


def test_find_pair_prefers_the_study_records_to_this_build(tmp_path):
    for profile in ("smoke", "study"):
        for m in ("gan", "cnn"):
            _weights(tmp_path / profile / "drive" / f"{m}-n15000-s0.dcnet.pt", m)
    own = pd.DataFrame(columns=["profile", "data"])
    pair = maps.find_pair(tmp_path, own, tmp_path / "runs", "smoke", "drive", [15_000])
    assert pair.profile == "study" and "paper protocol" in pair.source
    (tmp_path / "study" / "drive" / "cnn-n15000-s0.dcnet.pt").unlink()
    assert maps.find_pair(tmp_path, own, tmp_path, "smoke", "drive", [15_000]).profile == "smoke"
    assert maps.find_pair(tmp_path / "none", own, tmp_path, "smoke", "drive", [15_000]) is None
