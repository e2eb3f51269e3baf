"""The segmentation maps of the results chapter: each method's vessel probability map of one test
image, from the checkpoints of the lowest seed that both methods have at a size."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ganseg_lib.analysis.aggregate import common_seeds
from ganseg_lib.analysis.text import METHOD_LABELS
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.evaluate.metrics import image_auc
from ganseg_lib.model.inference import predict_map
from ganseg_lib.paper import size_label
from ganseg_lib.train.checkpoint import load_dcnet
from ganseg_lib.train.config import cell_name
from ganseg_lib.train.run_folder import RunFolder


def segmentation_maps(
    df: pd.DataFrame, runs_dir, n_patches: int, record: FundusRecord
) -> tuple[int | None, dict[str, np.ndarray]]:
    """(seed, {panel title: probability map}) of the CNN and the GAN-CNN at ``n_patches``, each
    title with the image's AUC; an empty dict when no seed of both methods has a checkpoint under
    ``runs_dir`` (records are committed, checkpoints are not)."""
    seeds = common_seeds(df, n_patches)
    if not seeds:
        return None, {}
    profile, data = df["profile"].iloc[0], df["data"].iloc[0]
    maps = {}
    for method in ("cnn", "gan"):
        folder = RunFolder.for_cell(runs_dir, profile, data, cell_name(method, n_patches, seeds[0]))
        if not folder.checkpoint.is_file():
            return seeds[0], {}
        prob = predict_map(load_dcnet(folder.path), record)
        auc = image_auc(prob, record.vessels, record.fov)
        maps[f"{METHOD_LABELS[method]} trained on {size_label(n_patches)} (AUC {auc:.3f})"] = prob
    return seeds[0], maps
