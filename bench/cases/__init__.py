"""The measurements, one module per group (bench/README.md: "What is measured"). Each returns
result rows (dicts, see :func:`~bench.cases.common.make_row`).

* :mod:`~bench.cases.common` — the settings, the result row, the guard;
* :mod:`~bench.cases.ceilings` — machine ceilings (matrix products, convolutions);
* :mod:`~bench.cases.training` — training throughput per method and step variant, and the
  compiled step's same-seed check;
* :mod:`~bench.cases.replication` — the replication's step, the "before" of that comparison;
* :mod:`~bench.cases.inference` — whole-image inference, patch-wise reference, peak memory;
* :mod:`~bench.cases.data` — patch extraction and phantoms;
* :mod:`~bench.cases.auc` — bf16 against fp32 validation AUC;
* :mod:`~bench.cases.isolated` — one case in a fresh process (``python -m bench.worker``).
"""

from bench.cases.auc import bench_auc
from bench.cases.ceilings import (
    ConvCase,
    bench_ceilings,
    bench_conv,
    bench_matmul,
    conv_cases,
    summarise_ceilings,
)
from bench.cases.common import (
    ROOT,
    TRAIN_METHODS,
    TRAIN_VARIANTS,
    Settings,
    device_sync,
    failed_row,
    guard,
    make_row,
)
from bench.cases.data import (
    bench_data,
    bench_patches,
    bench_phantom,
    patch_stage_seconds,
    training_records,
)
from bench.cases.inference import (
    bench_inference,
    current_rss_bytes,
    dense_case,
    dense_memory_probe,
    inference_image,
    memory_case,
    patchwise_case,
    peak_rss_bytes,
    reset_peak_rss,
)
from bench.cases.isolated import RESULT_PREFIX, run_worker
from bench.cases.training import (
    BATCH,
    METHOD_CONFIG,
    POOL,
    bench_training,
    compile_case,
    dcnet_weights_after,
    determinism_check,
    train_case,
)
from ganseg_lib.train.step import replication_step  # the replication's step, from the library

__all__ = [
    "BATCH",
    "METHOD_CONFIG",
    "POOL",
    "RESULT_PREFIX",
    "ROOT",
    "TRAIN_METHODS",
    "TRAIN_VARIANTS",
    "ConvCase",
    "Settings",
    "bench_auc",
    "bench_ceilings",
    "bench_conv",
    "bench_data",
    "bench_inference",
    "bench_matmul",
    "bench_patches",
    "bench_phantom",
    "bench_training",
    "compile_case",
    "conv_cases",
    "current_rss_bytes",
    "dcnet_weights_after",
    "dense_case",
    "dense_memory_probe",
    "determinism_check",
    "device_sync",
    "failed_row",
    "guard",
    "inference_image",
    "make_row",
    "memory_case",
    "patch_stage_seconds",
    "patchwise_case",
    "peak_rss_bytes",
    "replication_step",
    "reset_peak_rss",
    "run_worker",
    "summarise_ceilings",
    "train_case",
    "training_records",
]
