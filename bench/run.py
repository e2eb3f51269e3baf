"""Run the ganseg benchmark suite: ``.venv/bin/python -m bench`` (or ``python bench/run.py``).

Measures, in this order, and prints a table:

1. the machine's ceilings: fp32 and bf16 matrix products, and representative convolutions (the
   best fp32 convolution rate is *the* ceiling the efficiency goals refer to);
2. training throughput of the GAN-CNN, the CNN, the K+1 SSL GAN and the GAN-CNN with the
   generator fix (``training.train_step``, mini-batch 64) at the ``cpu`` profile's width 16 and
   at width 32: the replication's step (GAN-CNN and CNN), fp32 channels-last, contiguous, bf16
   autocast, and torch.compile (in a separate process with a timeout, with a same-seed
   determinism check);
3. whole-image inference: ``dense.predict_dense`` against the batched patch-wise reference
   (timed on random pixels, extrapolated to the image), and the dense path's peak memory in a
   fresh process;
4. data preparation: ``patches.make_patch_set`` for 150K patches from the 16 training images,
   and ``phantom.make_phantom`` per image;
5. optionally (``--auc-check``), fp32 against bf16 validation AUC after a short phantom training.

Then it judges the goals (PASS / MISS / N/A / NOT RUN, misses included) and writes
``bench/results/<machine>-<date>.json``, ``latest.json`` and ``latest.md`` (``--quick`` runs
write ``*-quick.json``, ``latest-quick.json`` and ``latest-quick.md`` instead, so a check of the
suite never replaces the recorded numbers).

Every timing is the median of several repetitions after warm-up calls. Threads: torch's default
(one per usable core) unless ``--threads`` is given; the count is part of the record. Run it on
an otherwise idle machine: a busy core slows every OpenMP barrier of the multi-threaded kernels.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from bench import cases
from bench.goals import evaluate_goals
from bench.machine import default_name, describe, machine_info
from bench.report import render_text, write_results
from bench.timing import Plan

ROOT = Path(__file__).resolve().parents[1]
GROUPS = ("ceilings", "training", "inference", "data")


def get_args_parser() -> argparse.ArgumentParser:
    """The suite's options (bench/README.md)."""
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="ganseg benchmarks: ceilings, training, inference, data preparation, goals.",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes and few repetitions (seconds per benchmark): checks that the suite runs; "
        "the numbers are not representative",
    )
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    p.add_argument("--device", default="auto", help="auto (CUDA when available), cpu, cuda[:N]")
    p.add_argument("--data", choices=("auto", "drive", "phantom"), default="auto")
    p.add_argument(
        "--drive-dir",
        default=None,
        help="DRIVE folder (default: $GANSEG_DRIVE_DIR, else ../shared/data/DRIVE); the "
        "phantom is used when none is found",
    )
    p.add_argument(
        "--only",
        default=",".join(GROUPS),
        help=f"comma-separated groups to run, of {','.join(GROUPS)} (default: all)",
    )
    p.add_argument(
        "--widths", default=None, help="network widths, comma-separated (default 16,32; quick 16)"
    )
    p.add_argument(
        "--methods",
        default=",".join(cases.TRAIN_METHODS),
        help="training methods, comma-separated, of "
        f"{','.join(cases.TRAIN_METHODS)} (default: all)",
    )
    p.add_argument(
        "--compile",
        choices=("auto", "on", "off"),
        default="auto",
        help="measure torch.compile (auto: on, except in --quick runs)",
    )
    p.add_argument(
        "--compile-timeout",
        type=float,
        default=300.0,
        help="seconds per torch.compile case (default 300)",
    )
    p.add_argument(
        "--auc-check",
        type=int,
        nargs="?",
        const=1000,
        default=None,
        metavar="N",
        help="also train the GAN-CNN for N iterations (default 1000) in fp32 and bf16 on the "
        "phantom and compare validation AUC (off by default)",
    )
    p.add_argument("--auc-seeds", type=int, default=1, help="seeds of the AUC check (default 1)")
    p.add_argument("--out-dir", default=str(ROOT / "bench" / "results"))
    p.add_argument("--name", default=None, help="results file stem (default: CPU or GPU model)")
    p.add_argument("--no-save", action="store_true", help="print only, write no files")
    return p


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The options, checked; ``only`` becomes the set of groups to run."""
    p = get_args_parser()
    args = p.parse_args(argv)
    only = {g.strip() for g in args.only.split(",") if g.strip()}
    if not only <= set(GROUPS):
        p.error(f"--only: unknown group(s) {sorted(only - set(GROUPS))}; choose from {GROUPS}")
    args.only = only
    methods = tuple(m.strip() for m in args.methods.split(",") if m.strip())
    if not methods or not set(methods) <= set(cases.TRAIN_METHODS):
        p.error(f"--methods: choose from {cases.TRAIN_METHODS}, got {args.methods!r}")
    args.methods = methods
    if args.threads is not None and args.threads < 1:
        p.error("--threads must be >= 1")
    if args.auc_check is not None and args.auc_check < 1:
        p.error("--auc-check N must be >= 1")
    return args


def resolve_data(args) -> tuple[str, Path | None]:
    from ganseg_lib.data.drive import ENV_VAR, find_drive_dir

    candidate = args.drive_dir or os.environ.get(ENV_VAR) or ROOT.parent / "shared/data/DRIVE"
    drive = find_drive_dir(candidate, required=args.data == "drive")
    if args.data == "phantom" or drive is None:
        return "phantom", None
    return "drive", drive


def make_settings(args, device: torch.device) -> cases.Settings:
    data, drive_dir = resolve_data(args)
    q = args.quick
    widths = (
        tuple(int(w) for w in args.widths.split(",")) if args.widths else ((16,) if q else (16, 32))
    )
    settings = cases.Settings(
        quick=q,
        device=device,
        threads=torch.get_num_threads(),
        data=data,
        drive_dir=drive_dir,
        train_widths=widths,
        dense_widths=widths,
        compile=args.compile == "on" or (args.compile == "auto" and not q),
        compile_timeout_s=args.compile_timeout,
        fast=Plan(warmup=1, reps=3, min_rep_s=0.0, budget_s=2.0)
        if q
        else Plan(warmup=3, reps=5, min_rep_s=1.0, budget_s=30.0, warmup_budget_s=5.0),
        slow=Plan(warmup=1, reps=1, min_rep_s=0.0, budget_s=2.0)
        if q
        else Plan(warmup=1, reps=3, min_rep_s=0.0, budget_s=90.0),
        matmul_size=512 if q else 2048,
        dense_conv_rows=24 if q else 104,
        dense_conv_cols=160 if q else 605,
        n_patchwise_pixels=500 if q else 5000,
        image_rows=96 if q else None,
        patch_images=2 if q else 16,
        n_patches=4_000 if q else 150_000,
        auc_iterations=args.auc_check,
        auc_seeds=tuple(range(args.auc_seeds)),
        auc_width=16,
        auc_n_patches=2_000 if q else 15_000,
        auc_phantom_images=6 if q else 20,
        auc_validation_pixels=1024 if q else 4096,
        train_methods=args.methods,
        check_steps=3 if q else 20,
    )
    return settings


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    from ganseg_lib.errors import ConfigError, DataError
    from ganseg_lib.train.device import resolve_device

    try:
        device = resolve_device(args.device)
        s = make_settings(args, device)
    except (ConfigError, DataError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    machine = machine_info(device)
    started = dt.datetime.now().astimezone()
    _log(f"ganseg benchmarks{' (quick)' if s.quick else ''} on {describe(machine)}; data {s.data}")
    t_start = time.perf_counter()
    rows, ceilings, seconds = measure_groups(s, args.only, _log)
    machine["load_average_end"] = machine_info(device)["load_average"]
    results = {
        "created": started.isoformat(timespec="seconds"),
        "command": [Path(sys.executable).name, "-m", "bench", *(argv or sys.argv[1:])],
        "machine": machine,
        "machine_summary": describe(machine),
        "settings": s.to_json(),
        "ceilings": ceilings,
        "rows": rows,
        "seconds": {**seconds, "total": time.perf_counter() - t_start},
        "notes": _notes(s, rows),
    }
    results["goals"] = evaluate_goals(results)
    print(render_text(results), end="")
    if not args.no_save:
        stem = f"{args.name or default_name(machine)}-{started:%Y-%m-%d-%H%M}"
        latest = "latest"
        if s.quick:
            stem, latest = stem + "-quick", "latest-quick"
        paths = write_results(results, args.out_dir, stem, latest)
        print("wrote " + ", ".join(_show(p) for p in paths))
    return 0


def _log(msg: str) -> None:
    if msg:
        print(msg, file=sys.stderr, flush=True)


def measure_groups(
    s: cases.Settings, only: set[str], log
) -> tuple[list[dict], dict, dict[str, float]]:
    """The chosen groups in the order of GROUPS, then the AUC check when asked: their rows, the
    ceilings, and the seconds each group took."""
    ceilings: dict = {}

    def ceiling_rows() -> list[dict]:
        nonlocal ceilings
        found, ceilings = cases.bench_ceilings(s, log)
        return found

    groups = {
        "ceilings": ceiling_rows,
        "training": lambda: cases.bench_training(s, log),
        "inference": lambda: _inference_rows(s, log),
        "data": lambda: cases.bench_data(s, log),
    }
    rows: list[dict] = []
    seconds: dict[str, float] = {}
    for name in GROUPS:
        if name in only:
            log(f"[{name}]")
            t0 = time.perf_counter()
            rows += groups[name]()
            seconds[name] = time.perf_counter() - t0
    if s.auc_iterations:
        log(f"[auc check: {s.auc_iterations} iterations × {len(s.auc_seeds)} seed(s) × 2]")
        t0 = time.perf_counter()
        rows += _auc_rows(s, log)
        seconds["auc"] = time.perf_counter() - t0
    return rows, ceilings, seconds


def _inference_rows(s: cases.Settings, log) -> list[dict]:
    try:
        return cases.bench_inference(s, log)
    except Exception as err:  # noqa: BLE001 - e.g. the image cannot be read
        log(f"  inference: FAILED {type(err).__name__}: {err}")
        return [cases.failed_row("inference/setup", "inference", "inference", "", err)]


def _auc_rows(s: cases.Settings, log) -> list[dict]:
    try:
        return cases.bench_auc(s, log)
    except Exception as err:  # noqa: BLE001
        log(f"  auc: FAILED {type(err).__name__}: {err}")
        return [cases.failed_row(f"auc/w{s.auc_width}", "auc", "AUC check", "", err)]


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _notes(s: cases.Settings, rows: list[dict]) -> list[str]:
    notes = [
        "GFLOP/s count only convolutions and matrix products (bench/flops.py); training uses "
        "the nominal count forward + backward = 3 × forward (GAN iteration: B(3 F_G + 8 F_D); the "
        "replication variant B(4 F_G + 8 F_D); K+1 SSL GAN B(3 F_G + 9 F_D + 3 F_E)), "
        "about 2 % above what autograd executes (details.executed_gflops)."
    ]
    if s.data == "phantom":
        notes.append("DRIVE not found: images are the project's synthetic phantom.")
    failed = [r["key"] for r in rows if r.get("status") == "failed"]
    if failed:
        notes.append("failed measurements: " + ", ".join(failed))
    return notes


if __name__ == "__main__":
    raise SystemExit(main())
