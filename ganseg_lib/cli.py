"""The ``ganseg`` command. Every sub-command maps to one library function.

Errors in data or configuration print one line, ``ganseg: error: <what and where>``, and exit 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from ganseg_lib.errors import ConfigError, DataError


def _add_data_args(p: argparse.ArgumentParser, default: str = "auto") -> None:
    p.add_argument("--data", default=default, help="drive, phantom or auto (DRIVE when found)")
    p.add_argument("--drive-dir", default=None, help="DRIVE folder (default: $GANSEG_DRIVE_DIR)")


def cmd_data_fetch(args: argparse.Namespace) -> int:
    from ganseg_lib.data.drive import fetch_drive, verify_drive

    dest = fetch_drive(args.dest, progress=not args.quiet)
    problems = verify_drive(dest)
    for line in problems:
        print(f"ganseg: {line}", file=sys.stderr)
    print(f"DRIVE in {dest}: {'OK' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


def cmd_data_verify(args: argparse.Namespace) -> int:
    from ganseg_lib.data.drive import find_drive_dir, read_manifest, verify_drive

    root = find_drive_dir(args.drive_dir)
    manifest = read_manifest(args.manifest) if args.manifest else None
    problems = verify_drive(root, manifest)
    for line in problems:
        print(f"{root}/{line}", file=sys.stderr)
    n = len(manifest or read_manifest())
    print(f"{root}: {n - len(problems)} of {n} files match the manifest")
    return 1 if problems else 0


def cmd_patches(args: argparse.Namespace) -> int:
    from ganseg_lib.data.patches import PatchParams, make_patch_set
    from ganseg_lib.data.source import load_split, resolve_data, split_validation

    params = PatchParams(n_patches=args.n_patches, seed=args.seed)
    data = resolve_data(args.data, args.drive_dir)
    records = load_split(data, "training", args.drive_dir)
    if not args.all_images:
        records, _ = split_validation(records)
    t0 = time.perf_counter()
    patch_set = make_patch_set(records, params, data)
    elapsed = time.perf_counter() - t0
    path = patch_set.save(args.out)
    n_vessel = int(patch_set.labels.sum())
    print(
        f"{len(patch_set)} patches ({n_vessel} vessel, {len(patch_set) - n_vessel} background) "
        f"from {len(records)} {data} images in {elapsed:.2f} s → {path}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ganseg", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="get and check the DRIVE data")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    fetch = data_sub.add_parser("fetch", help="download DRIVE (SHA-256 checked)")
    fetch.add_argument("dataset", choices=["drive"])
    fetch.add_argument("--dest", required=True, type=Path)
    fetch.add_argument("--quiet", action="store_true")
    fetch.set_defaults(func=cmd_data_fetch)
    verify = data_sub.add_parser("verify", help="check DRIVE against the shipped manifest")
    verify.add_argument("--drive-dir", default=None)
    verify.add_argument("--manifest", default=None, help="another manifest file (sha256sum format)")
    verify.set_defaults(func=cmd_data_verify)

    patches = sub.add_parser("patches", help="sample and extract labelled 64×64 patches")
    _add_data_args(patches)
    patches.add_argument("--n-patches", type=int, required=True)
    patches.add_argument("--seed", type=int, default=0)
    patches.add_argument("--out", type=Path, required=True)
    patches.add_argument(
        "--all-images",
        action="store_true",
        help="also use the validation images (default: hold out)",
    )
    patches.set_defaults(func=cmd_patches)

    train = sub.add_parser("train", help="train the GAN-CNN or the CNN baseline")
    _add_data_args(train, default="auto")
    train.add_argument("--method", required=True, help="gan or cnn")
    train.add_argument("--n-patches", type=int, required=True, help="labelled training patches")
    train.add_argument("--seed", type=int, default=0)
    budget = train.add_mutually_exclusive_group(required=True)
    budget.add_argument("--iterations", type=int)
    budget.add_argument("--epochs", type=float)
    train.add_argument("--width", type=int, default=32, help="DC net width")
    train.add_argument("--g-width", type=int, default=32, help="generator width")
    train.add_argument("--norm", default="final", help="DC net normalisation: final or instance")
    train.add_argument("--eval-every", type=int, default=100, help="iterations between records")
    train.add_argument("--device", default="auto")
    train.add_argument("--bf16", action="store_true", help="bfloat16 autocast")
    train.add_argument("--resume", action="store_true", help="continue the run in --out")
    train.add_argument("--out", type=Path, required=True, help="run folder")
    train.set_defaults(func=cmd_train)

    evaluate = sub.add_parser("evaluate", help="evaluate trained runs on the test images")
    evaluate.add_argument("run_dirs", nargs="+", type=Path, help="run folders")
    _add_data_args(evaluate)
    evaluate.add_argument("--results", type=Path, default=Path("results"), help="records folder")
    evaluate.add_argument("--profile", default="custom", help="profile name of the records")
    evaluate.add_argument("--device", default="cpu")
    evaluate.add_argument(
        "--save-maps",
        type=Path,
        default=None,
        help="write each test image's probability map as <id>.npy here",
    )
    evaluate.set_defaults(func=cmd_evaluate)

    grid = sub.add_parser("grid", help="train and evaluate methods × sizes × seeds (resumable)")
    grid.add_argument("--profile", default="cpu", help="smoke, cpu or paper")
    _add_data_args(grid, default=None)
    grid.add_argument("--sizes", type=int, nargs="+", default=None, help="labelled patch counts")
    grid.add_argument("--seeds", type=int, nargs="+", default=None)
    grid.add_argument("--methods", nargs="+", default=["gan", "cnn"])
    grid.add_argument("--runs", type=Path, default=Path("runs"), help="run folders go here")
    grid.add_argument("--results", type=Path, default=Path("results"), help="records go here")
    grid.add_argument("--device", default="auto")
    grid.add_argument("--threads", type=int, default=None, help="CPU threads for torch")
    grid.set_defaults(func=cmd_grid)

    rep = sub.add_parser(
        "report", help="the headline: our results beside the paper's, with the verdicts"
    )
    rep.add_argument("--profile", default="cpu", help="smoke, cpu or paper")
    rep.add_argument("--data", default="drive", help="drive or phantom")
    rep.add_argument("--results", type=Path, default=Path("results"), help="records folder")
    rep.add_argument("--readme", type=Path, default=None, help="update this README's headline")
    rep.add_argument(
        "--check", action="store_true", help="with --readme: exit 1 when it is out of date"
    )
    rep.set_defaults(func=cmd_report)

    book = sub.add_parser("book", help="execute the chapters and build the book")
    book.add_argument("--profile", default="smoke", help="smoke, cpu or paper")
    _add_data_args(book)
    book.add_argument("--results", type=Path, default=None, help="records folder")
    book.add_argument("--runs", type=Path, default=None, help="run folders")
    book.add_argument("--no-html", action="store_true", help="execute the chapters only")
    book.set_defaults(func=cmd_book)

    notebooks = sub.add_parser("notebooks", help="Colab copies of the chapters")
    notebooks.add_argument("action", choices=["sync", "check"])
    notebooks.set_defaults(func=cmd_notebooks)

    predict = sub.add_parser("predict", help="vessel probability map of your own fundus image")
    predict.add_argument("image", type=Path)
    predict.add_argument("--checkpoint", type=Path, required=True, help="checkpoint or run folder")
    predict.add_argument("--mask", type=Path, default=None, help="FOV mask (default: derived)")
    predict.add_argument("--out", type=Path, required=True, help="output PNG (or .npy)")
    predict.add_argument("--device", default="cpu")
    predict.set_defaults(func=cmd_predict)
    return parser


def cmd_evaluate(args: argparse.Namespace) -> int:
    from ganseg_lib.data.source import resolve_data
    from ganseg_lib.evaluate.results import EvalData, evaluate_run
    from ganseg_lib.train.training import TrainConfig

    loaded: dict[str, EvalData] = {}
    for run_dir in args.run_dirs:
        config_path = run_dir / "config.json"
        if not config_path.is_file():
            raise ConfigError(f"{run_dir}: no config.json (not a run folder)")
        config = TrainConfig.from_json(json.loads(config_path.read_text()))
        data = config.data if args.data == "auto" else resolve_data(args.data, args.drive_dir)
        if data not in loaded:
            loaded[data] = EvalData.load(data, args.drive_dir)
        save = (
            args.save_maps / run_dir.name
            if args.save_maps and len(args.run_dirs) > 1
            else args.save_maps
        )
        evaluate_run(run_dir, loaded[data], args.results, args.profile, args.device, save)
    return 0


def cmd_grid(args: argparse.Namespace) -> int:
    import torch

    from ganseg_lib.experiment.grid import run_grid
    from ganseg_lib.train.profiles import get_profile

    if args.threads:
        torch.set_num_threads(args.threads)
    run_grid(
        get_profile(args.profile),
        args.data,
        args.drive_dir,
        args.sizes,
        args.seeds,
        args.methods,
        args.runs,
        args.results,
        args.device,
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from ganseg_lib.analysis import headline
    from ganseg_lib.evaluate.results import load_results

    df = load_results(args.results, profile=args.profile, data=args.data)
    if args.readme is None:
        print(headline.headline_markdown(df, args.profile, args.data))
        return 0
    if not args.readme.is_file():
        raise ConfigError(f"--readme {args.readme}: no such file")
    if args.check:
        stale = headline.readme_headline(args.readme) != headline.headline_markdown(
            df, args.profile, args.data
        )
        print(f"{args.readme}: headline {'out of date' if stale else 'up to date'}")
        return 1 if stale else 0
    try:
        changed = headline.update_readme(args.readme, df, args.profile, args.data)
    except ValueError as err:
        raise ConfigError(str(err)) from None
    print(
        f"{args.readme}: headline {'updated' if changed else 'already up to date'} ({len(df)} runs)"
    )
    return 0


def cmd_book(args: argparse.Namespace) -> int:
    from ganseg_lib import book

    kwargs = {}
    if args.results:
        kwargs["results_dir"] = args.results
    if args.runs:
        kwargs["runs_dir"] = args.runs
    book.build(args.profile, args.data, args.drive_dir, html=not args.no_html, **kwargs)
    return 0


def cmd_notebooks(args: argparse.Namespace) -> int:
    from ganseg_lib.book import sync_colab

    stale = sync_colab(check=args.action == "check")
    verb = "differ from their sources" if args.action == "check" else "written"
    print(f"{len(stale)} Colab notebooks {verb}" + (f": {', '.join(stale)}" if stale else ""))
    return 1 if stale and args.action == "check" else 0


def cmd_predict(args: argparse.Namespace) -> int:
    import numpy as np
    from PIL import Image

    from ganseg_lib.data.user_image import user_record
    from ganseg_lib.evaluate.results import predict_map
    from ganseg_lib.train.training import load_dcnet

    record = user_record(args.image, args.mask)
    dcnet = load_dcnet(args.checkpoint, args.device)
    t0 = time.perf_counter()
    prob = predict_map(dcnet, record, args.device)
    prob[~record.fov] = 0.0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.suffix == ".npy":
        np.save(args.out, prob.astype(np.float32))
    else:
        Image.fromarray(np.round(prob * 255).astype(np.uint8)).save(args.out)
    print(
        f"{args.image} ({prob.shape[1]}×{prob.shape[0]}, FOV {record.fov.mean():.0%}) → "
        f"{args.out} in {time.perf_counter() - t0:.1f} s"
    )
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from ganseg_lib.data.source import load_split, resolve_data, split_validation
    from ganseg_lib.train.training import TrainConfig, prepare_data, train

    data = resolve_data(args.data, args.drive_dir)
    config = TrainConfig(
        method=args.method,
        data=data,
        n_patches=args.n_patches,
        seed=args.seed,
        iterations=args.iterations,
        epochs=args.epochs,
        width=args.width,
        g_width=args.g_width,
        norm=args.norm,
        eval_every=args.eval_every,
        bf16=args.bf16,
    )
    train_records, val_records = split_validation(load_split(data, "training", args.drive_dir))
    run_data = prepare_data(config, train_records, val_records)
    train(config, args.out, run_data, device=args.device, resume=args.resume)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (DataError, ConfigError) as err:
        print(f"ganseg: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ganseg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of stdout went away (``ganseg report | head``): stop quietly, as
        # the Python docs advise, instead of printing a traceback at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
