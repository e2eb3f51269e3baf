"""A fundus image → its vessel probability map, with the exact dense path where it applies."""

from __future__ import annotations

import numpy as np
import torch

from ganseg_lib.data.preprocessing import preprocess
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.model.dense import predict_dense, predict_patchwise
from ganseg_lib.model.networks import DENSE_NORMS, DCNet


def predict_map(
    dcnet: DCNet, record: FundusRecord, device: str | torch.device = "cpu"
) -> np.ndarray:
    """The vessel probability map (float32 H×W) of one image: dense when exact, else patch-wise."""
    image = preprocess(record).image
    if dcnet.norm in DENSE_NORMS:
        return predict_dense(dcnet, image, device=device)
    return predict_patchwise(dcnet, image)
