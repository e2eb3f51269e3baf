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


def _add_data_args(p: argparse.ArgumentParser, default: str = "auto", chase: bool = True) -> None:
    sources = "drive, chase, phantom" if chase else "drive, phantom"
    p.add_argument("--data", default=default, help=f"{sources} or auto (DRIVE when found)")
    p.add_argument("--drive-dir", default=None, help="DRIVE folder (default: $GANSEG_DRIVE_DIR)")
    if chase:
        p.add_argument(
            "--chase-dir", default=None, help="CHASE_DB1 folder (default: $GANSEG_CHASE_DIR)"
        )


def cmd_data_fetch(args: argparse.Namespace) -> int:
    from ganseg_lib.data.drive import fetch_drive, verify_drive

    dest = fetch_drive(args.dest, progress=not args.quiet)
    problems = verify_drive(dest)
    for line in problems:
        print(f"ganseg: {line}", file=sys.stderr)
    print(f"DRIVE in {dest}: {'OK' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


def cmd_data_verify(args: argparse.Namespace) -> int:
    if args.data == "chase":
        from ganseg_lib.data.chase import find_chase_dir, read_chase_manifest, verify_chase

        root = find_chase_dir(args.chase_dir)
        manifest = read_chase_manifest(args.manifest)
        problems = verify_chase(root, manifest)
    else:
        from ganseg_lib.data.drive import find_drive_dir, read_manifest, verify_drive

        root = find_drive_dir(args.drive_dir)
        manifest = read_manifest(args.manifest)
        problems = verify_drive(root, manifest)
    for line in problems:
        print(f"{root}/{line}", file=sys.stderr)
    n = len(manifest)
    print(f"{root}: {n - len(problems)} of {n} files match the manifest")
    return 1 if problems else 0


def cmd_patches(args: argparse.Namespace) -> int:
    from ganseg_lib.data.patches import PatchParams, make_patch_set
    from ganseg_lib.experiment.setup import Setup

    setup = Setup.resolve(None, args.data, args.drive_dir, chase_dir=args.chase_dir)
    params = PatchParams(n_patches=args.n_patches, seed=args.seed)
    records = setup.split("training") if args.all_images else setup.training_images()[0]
    t0 = time.perf_counter()
    patch_set = make_patch_set(records, params, setup.data)
    elapsed = time.perf_counter() - t0
    path = patch_set.save(args.out)
    n_vessel = int(patch_set.labels.sum())
    print(
        f"{len(patch_set)} patches ({n_vessel} vessel, {len(patch_set) - n_vessel} background) "
        f"from {len(records)} {setup.data} images in {elapsed:.2f} s → {path}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    from ganseg_lib.train.config import METHODS, field_default

    parser = argparse.ArgumentParser(prog="ganseg", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="get and check the DRIVE and CHASE_DB1 data")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    fetch = data_sub.add_parser("fetch", help="download DRIVE (SHA-256 checked)")
    fetch.add_argument("dataset", choices=["drive"])
    fetch.add_argument("--dest", required=True, type=Path)
    fetch.add_argument("--quiet", action="store_true")
    fetch.set_defaults(func=cmd_data_fetch)
    verify = data_sub.add_parser("verify", help="check a dataset against its shipped manifest")
    verify.add_argument("--data", choices=["drive", "chase"], default="drive")
    verify.add_argument("--drive-dir", default=None, help="default: $GANSEG_DRIVE_DIR")
    verify.add_argument("--chase-dir", default=None, help="default: $GANSEG_CHASE_DIR")
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
    train.add_argument("--method", required=True, help=" or ".join(METHODS))
    train.add_argument("--n-patches", type=int, required=True, help="labelled training patches")
    train.add_argument("--seed", type=int, default=field_default("seed"))
    budget = train.add_mutually_exclusive_group(required=True)
    budget.add_argument("--iterations", type=int)
    budget.add_argument("--epochs", type=float)
    train.add_argument("--width", type=int, default=field_default("width"), help="DC net width")
    train.add_argument(
        "--g-width", type=int, default=field_default("g_width"), help="generator width"
    )
    train.add_argument("--norm", default=field_default("norm"), help="DC net normalisation")
    train.add_argument(
        "--eval-every",
        type=int,
        default=field_default("eval_every"),
        help="iterations between history lines, validation and checkpoints",
    )
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
    grid.add_argument(
        "--profile", default="cpu", help="smoke, cpu, paper, or study (the study's plan)"
    )
    grid.add_argument(
        "--tiers", type=int, nargs="+", default=[1], help="with --profile study: plan tiers"
    )
    _add_data_args(grid, default=None)
    grid.add_argument("--sizes", type=int, nargs="+", default=None, help="labelled patch counts")
    grid.add_argument("--seeds", type=int, nargs="+", default=None)
    grid.add_argument("--methods", nargs="+", default=["gan", "cnn"])
    grid.add_argument("--runs", type=Path, default=Path("runs"), help="run folders go here")
    grid.add_argument("--results", type=Path, default=Path("results"), help="records go here")
    grid.add_argument("--device", default="auto")
    grid.add_argument("--threads", type=int, default=None, help="CPU threads for torch")
    grid.add_argument(
        "--ray",
        nargs="?",
        const="local",
        default=None,
        metavar="ADDRESS",
        help="one Ray task per cell, on a local Ray instance or on the cluster at ADDRESS "
        "(HOST:6379, or auto); needs pip install ganseg[ray]",
    )
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
    _add_data_args(book, chase=False)
    book.add_argument("--results", type=Path, default=None, help="records folder")
    book.add_argument("--runs", type=Path, default=None, help="run folders")
    book.add_argument("--no-html", action="store_true", help="execute the chapters only")
    book.set_defaults(func=cmd_book)

    notebooks = sub.add_parser("notebooks", help="Colab copies of the chapters")
    notebooks.add_argument("action", choices=["sync", "check"])
    notebooks.set_defaults(func=cmd_notebooks)

    predict = sub.add_parser("predict", help="vessel maps of your own fundus images")
    predict.add_argument("images", nargs="+", type=Path, help="image files and folders of images")
    predict.add_argument(
        "--checkpoint",
        default=None,
        help="checkpoint, run folder, a record's <cell>.dcnet.pt, or a shipped model's name "
        "(default: the best shipped model)",
    )
    predict.add_argument("--mask", type=Path, default=None, help="FOV mask (default: derived)")
    where = predict.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--out-dir",
        type=Path,
        help="folder for NAME_prob.png, NAME_mask.png, NAME_overlay.png (and NAME_prob.npy)",
    )
    where.add_argument("--out", type=Path, help="one image: its probability map only (PNG or .npy)")
    predict.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="mask threshold (default: the run record's validation threshold, else 0.5)",
    )
    predict.add_argument("--npy", action="store_true", help="also write the map as float32 .npy")
    predict.add_argument(
        "--no-rescale",
        action="store_true",
        help="predict at the image's own scale (default: its FOV diameter scaled to the model's)",
    )
    predict.add_argument(
        "--jobs", type=int, default=None, help="images predicted side by side (default: CPU cores)"
    )
    predict.add_argument("--quiet", action="store_true", help="no progress bar")
    predict.add_argument("--device", default="cpu")
    predict.set_defaults(func=cmd_predict)

    cross = sub.add_parser(
        "cross", help="evaluate records' kept DC nets on another data source's test images"
    )
    cross.add_argument("records", nargs="+", type=Path, help="run records <cell>.json")
    cross.add_argument("--target", required=True, choices=["drive", "chase"], help="test images")
    cross.add_argument(
        "--drive-dir", default=None, help="DRIVE folder (default: $GANSEG_DRIVE_DIR)"
    )
    cross.add_argument(
        "--chase-dir", default=None, help="CHASE_DB1 folder (default: $GANSEG_CHASE_DIR)"
    )
    cross.add_argument(
        "--no-rescale",
        action="store_true",
        help="native scale only (default: native and with scale normalisation)",
    )
    cross.add_argument(
        "--weights",
        choices=["last", "best", "both"],
        default="last",
        help="the run's last DC net, its best-validation one (fair protocol), or both",
    )
    cross.add_argument("--out", type=Path, default=Path("results") / "cross", help="results folder")
    cross.add_argument("--device", default="cpu")
    cross.set_defaults(func=cmd_cross)

    models = sub.add_parser("models", help="the trained DC nets shipped with the package")
    models_sub = models.add_subparsers(dest="models_command", required=True)
    add = models_sub.add_parser("add", help="ship a record's kept DC net")
    add.add_argument(
        "records", nargs="+", type=Path, help="run records <cell>.json (weights beside them)"
    )
    add.add_argument(
        "--best", action="store_true", help="ship only the best of the records (test mean AUC)"
    )
    add.add_argument(
        "--weights",
        choices=["auto", "last", "best"],
        default="auto",
        help="auto: best-validation weights when kept and better on the record's test images",
    )
    add.add_argument(
        "--dir", type=Path, default=None, help="models folder (default: the package's)"
    )
    add.set_defaults(func=cmd_models_add)
    listing = models_sub.add_parser("list", help="the shipped models, SHA-256 checked")
    listing.add_argument("--dir", type=Path, default=None, help="models folder")
    listing.add_argument(
        "--readme", type=Path, default=None, help="rewrite this README's shipped-models table"
    )
    listing.set_defaults(func=cmd_models_list)
    remove = models_sub.add_parser("remove", help="take a shipped model out")
    remove.add_argument("name", help="the shipped model's name")
    remove.add_argument("--dir", type=Path, default=None, help="models folder")
    remove.set_defaults(func=cmd_models_remove)
    return parser


def cmd_cross(args: argparse.Namespace) -> int:
    from ganseg_lib.evaluate.cross import SCALINGS, WEIGHTS, run_cross
    from ganseg_lib.experiment.setup import Setup

    setup = Setup.resolve(None, args.target, args.drive_dir, chase_dir=args.chase_dir)
    run_cross(
        args.records,
        setup.data,
        setup.split("test"),
        scalings=("native",) if args.no_rescale else SCALINGS,
        weights=WEIGHTS if args.weights == "both" else (args.weights,),
        cross_dir=args.out,
        device=args.device,
    )
    return 0


def cmd_models_add(args: argparse.Namespace) -> int:
    from ganseg_lib.models import add_model, best_record, models_folder

    records = [best_record(args.records)] if args.best else args.records
    for record in records:
        m = add_model(record, args.weights, args.dir)
        print(
            f"{m.name}: {m.method}, {m.n_patches} patches, seed {m.seed}, {m.which} weights, "
            f"test mean AUC {m.test_mean_auc:.4f}, threshold {m.validation_threshold:.3f} → "
            f"{models_folder(args.dir) / m.weights}"
        )
    return 0


def cmd_models_list(args: argparse.Namespace) -> int:
    from ganseg_lib.models import models_folder, read_manifest, update_readme, verify_models

    root = models_folder(args.dir)
    problems = verify_models(root)
    for m in sorted(read_manifest(root), key=lambda m: -m.test_mean_auc):
        print(
            f"{m.name}\t{m.data}\t{m.method}\t{m.n_patches}\t{m.which}\t{m.test_mean_auc:.4f}"
            f"\t{m.trained_on}"
        )
    for line in problems:
        print(f"ganseg: {line}", file=sys.stderr)
    if args.readme is not None and not problems:
        changed = update_readme(args.readme, root)
        print(f"{args.readme}: shipped models {'updated' if changed else 'already up to date'}")
    return 1 if problems else 0


def cmd_models_remove(args: argparse.Namespace) -> int:
    from ganseg_lib.models import remove_model

    remove_model(args.name, args.dir)
    print(f"{args.name}: removed")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from ganseg_lib.evaluate.run import evaluate_run
    from ganseg_lib.experiment.setup import Setup
    from ganseg_lib.train.config import TrainConfig
    from ganseg_lib.train.run_folder import RunFolder

    setups: dict[str, Setup] = {}
    for run_dir in args.run_dirs:
        folder = RunFolder(run_dir)
        if not folder.config.is_file():
            raise ConfigError(f"{run_dir}: no config.json (not a run folder)")
        config = TrainConfig.from_json(json.loads(folder.config.read_text()))
        data = config.data if args.data == "auto" else args.data
        if data not in setups:
            setups[data] = Setup.resolve(
                None, data, args.drive_dir, args.results, chase_dir=args.chase_dir
            )
        save = (
            args.save_maps / run_dir.name
            if args.save_maps and len(args.run_dirs) > 1
            else args.save_maps
        )
        evaluate_run(
            run_dir, setups[data].eval_data(), args.results, args.profile, args.device, save
        )
    return 0


def cmd_grid(args: argparse.Namespace) -> int:
    import torch

    from ganseg_lib.experiment.grid import run_grid
    from ganseg_lib.experiment.setup import Setup

    if args.ray:
        from ganseg_lib.experiment.ray_grid import import_ray, run_grid_on_ray

        import_ray()  # before anything else: one line telling how to install it
    if args.threads:
        torch.set_num_threads(args.threads)
    setup = Setup.resolve(
        args.profile, args.data, args.drive_dir, args.results, args.runs, args.chase_dir
    )
    if args.profile == "study":
        from ganseg_lib.experiment.study import run_study

        run_study(setup, tuple(args.tiers), args.device)
        return 0
    if args.ray:
        address = None if args.ray == "local" else args.ray
        threads = args.threads or 1
        run_grid_on_ray(setup, args.sizes, args.seeds, args.methods, args.device, address, threads)
        return 0
    run_grid(setup, args.sizes, args.seeds, args.methods, args.device)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from ganseg_lib.analysis import headline
    from ganseg_lib.evaluate.record import load_results

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
    from ganseg_lib.predict import load_predictor, predict_files

    predictor = load_predictor(args.checkpoint, args.device)
    if args.out is not None:
        return _predict_single(args, predictor)
    report = predict_files(
        predictor,
        args.images,
        args.out_dir,
        threshold=args.threshold,
        rescale=not args.no_rescale,
        npy=args.npy,
        mask=args.mask,
        progress=not args.quiet,
        jobs=args.jobs,
    )
    n = len(report.written)
    failed = f", {len(report.failed)} failed" if report.failed else ""
    print(
        f"{n} images → {args.out_dir} in {report.seconds:.1f} s{failed}; mask threshold "
        f"{report.threshold:.3f} ({report.threshold_source})"
    )
    return 1 if report.failed else 0


def _predict_single(args: argparse.Namespace, predictor) -> int:
    """``ganseg predict IMAGE --out MAP.png``: one image, its probability map only."""
    import numpy as np
    from PIL import Image

    from ganseg_lib.data.user_image import user_record
    from ganseg_lib.predict import predict_probability

    if len(args.images) != 1 or args.images[0].is_dir():
        raise ConfigError("--out takes one image file; use --out-dir for several", "out")
    t0 = time.perf_counter()
    record = user_record(args.images[0], args.mask)
    try:
        prob, factor = predict_probability(
            predictor, record.rgb, record.fov, not args.no_rescale, record.image_id
        )
    except DataError as err:
        raise DataError(f"{args.images[0]}: {err}") from err
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.suffix == ".npy":
        np.save(args.out, prob)
    else:
        Image.fromarray(np.round(prob * 255).astype(np.uint8)).save(args.out)
    print(
        f"{args.images[0]} ({prob.shape[1]}×{prob.shape[0]}, FOV {record.fov.mean():.0%}, "
        f"scale ×{factor:.2f}) → {args.out} in {time.perf_counter() - t0:.1f} s"
    )
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from ganseg_lib.experiment.setup import Setup
    from ganseg_lib.train.config import TrainConfig
    from ganseg_lib.train.loop import prepare_data, train

    setup = Setup.resolve(None, args.data, args.drive_dir, chase_dir=args.chase_dir)
    config = TrainConfig(
        method=args.method,
        data=setup.data,
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
    run_data = prepare_data(config, *setup.training_images())
    train(config, args.out, run_data, device=args.device, resume=args.resume)
    return 0


def flag_message(err: ConfigError) -> str:
    """A library error names a configuration field; the command line names its flag."""
    message = str(err)
    if err.field and message.startswith(err.field):
        message = "--" + err.field.replace("_", "-") + message[len(err.field) :]
    return message


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as err:
        print(f"ganseg: error: {flag_message(err)}", file=sys.stderr)
        return 2
    except DataError as err:
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
