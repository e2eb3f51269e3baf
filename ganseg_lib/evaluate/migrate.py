"""Record migration: bring a record made by an earlier version up to what today's records hold,
without changing any number it already has. Today: the sampled-pixel metrics
(:mod:`ganseg_lib.evaluate.sampled`) added to records made before they were kept."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

import torch

from ganseg_lib.data.record import FundusRecord
from ganseg_lib.evaluate.provenance import CODE_AT_START
from ganseg_lib.evaluate.sampled import sample_mask, sample_summary


def add_sampled(
    path, test: Sequence[FundusRecord], device: str | torch.device = "cpu", log=print
) -> bool:
    """Give a record made before the sampled-pixel metrics were kept its ``sampled`` numbers,
    for the last and (when kept) best-validation DC nets, from the weights kept beside it (see
    :func:`ganseg_lib.evaluate.cross.load_record_model`). Every other number of the record is
    unchanged; the addition names the code and time that made it. True when the record changed."""
    from ganseg_lib.evaluate.cross import load_record_model
    from ganseg_lib.evaluate.metrics import evaluate_maps
    from ganseg_lib.evaluate.record import read_record, write_record
    from ganseg_lib.model.inference import predict_map

    record = read_record(path)
    masks = [sample_mask(r) for r in test]
    truth, ids = [r.vessels for r in test], [r.image_id for r in test]
    added = {**CODE_AT_START, "added": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    updates = {}
    for which, field in (("last", "evaluation"), ("best", "evaluation_best")):
        evaluation = getattr(record, field)
        if not evaluation or evaluation.get("sampled"):
            continue
        model = load_record_model(path, which, device)
        maps = [predict_map(model.dcnet, r, device) for r in test]
        on_sample = evaluate_maps(maps, truth, masks, ids, model.threshold)
        updates[field] = {**evaluation, "sampled": {**sample_summary(on_sample, masks), **added}}
        log(f"{path}: {which} DC net, mean AUC on the sampled pixels {on_sample.mean_auc:.4f}")
    if updates:
        write_record(path, dataclasses.replace(record, **updates))
    return bool(updates)
