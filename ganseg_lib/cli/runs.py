"""Training runs, evaluating them, and the grid of runs."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from ganseg_lib.cli.common import add_data_args, add_profile_arg
from ganseg_lib.errors import ConfigError


def add_parsers(sub) -> None:
    """Add this module's sub-commands to the ``ganseg`` parser."""
    _add_train(sub)
    _add_evaluate(sub)
    _add_grid(sub)


def _add_train(sub) -> None:
    from ganseg_lib.train.config import METHODS, NORMS, field_default

    train = sub.add_parser("train", help="train one run of a method (GAN-CNN, CNN, ablations …)")
    add_data_args(train, default="auto")
    train.add_argument("--method", required=True, choices=list(METHODS), help="training method")
    train.add_argument("--n-patches", type=int, required=True, help="labelled training patches")
    train.add_argument("--seed", type=int, default=field_default("seed"), help="run seed")
    budget = train.add_mutually_exclusive_group(required=True)
    budget.add_argument("--iterations", type=int, help="training iterations")
    budget.add_argument("--epochs", type=float, help="epochs of the labelled patches")
    train.add_argument("--width", type=int, default=field_default("width"), help="DC net width")
    train.add_argument(
        "--g-width", type=int, default=field_default("g_width"), help="generator width"
    )
    train.add_argument(
        "--norm", default=field_default("norm"), choices=NORMS, help="DC net normalisation"
    )
    train.add_argument(
        "--real-not-fake",
        action="store_true",
        help="the DC loss adds -E log(1 - p(fake | x)) on labelled real patches",
    )
    train.add_argument(
        "--eval-every",
        type=int,
        default=field_default("eval_every"),
        help="iterations between history lines, validation and checkpoints",
    )
    train.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    train.add_argument("--bf16", action="store_true", help="bfloat16 autocast")
    train.add_argument("--resume", action="store_true", help="continue the run in --out-dir")
    train.add_argument(
        "--out-dir", "--out", dest="out_dir", type=Path, required=True, help="the run folder"
    )
    train.set_defaults(func=cmd_train)


def _add_evaluate(sub) -> None:
    evaluate = sub.add_parser("evaluate", help="evaluate trained runs on the test images")
    evaluate.add_argument(
        "run_dirs", nargs="+", type=Path, help="run folders (records with --add-sampled)"
    )
    evaluate.add_argument(
        "--add-sampled",
        action="store_true",
        help="give records made before they were kept the metrics on the fixed sample of test "
        "pixels, from their kept DC nets",
    )
    add_data_args(evaluate)
    evaluate.add_argument("--results", type=Path, default=Path("results"), help="records folder")
    evaluate.add_argument("--profile", default="custom", help="profile name of the records")
    evaluate.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    evaluate.add_argument(
        "--save-maps",
        type=Path,
        default=None,
        help="write each test image's probability map as <id>.npy here",
    )
    evaluate.set_defaults(func=cmd_evaluate)


def _add_grid(sub) -> None:
    from ganseg_lib.train.config import METHODS

    grid = sub.add_parser("grid", help="train and evaluate methods × sizes × seeds (resumable)")
    add_profile_arg(
        grid,
        "cpu",
        "the runs' profile; study, scarce or scarce-dc32: the plan of the study 'Beyond the "
        "paper', of 'Fewer labels' or of its second registration (the passing generator) "
        "(tuning, then its cells; CHASE_DB1 too when its folder is known)",
    )
    grid.add_argument(
        "--tiers", type=int, nargs="+", default=[1], help="with --profile study: plan tiers"
    )
    add_data_args(grid, default=None)
    grid.add_argument("--sizes", type=int, nargs="+", default=None, help="labelled patch counts")
    grid.add_argument("--seeds", type=int, nargs="+", default=None, help="run seeds")
    grid.add_argument(
        "--methods", nargs="+", default=["gan", "cnn"], choices=list(METHODS), help="methods"
    )
    grid.add_argument(
        "--real-not-fake",
        action="store_true",
        help="adversarial methods: the DC loss adds -E log(1 - p(fake | x)) on labelled real "
        "patches (cells named -realnotfake)",
    )
    grid.add_argument(
        "--generator-fix",
        dest="fix",
        action="store_true",
        help="the generator check's fix (train.config.GENERATOR_FIX): the real-data term, a DC "
        "net without normalisation (the CNN's too) and G with batch norm and resize-convolutions",
    )
    grid.add_argument(
        "--working-generator",
        dest="working",
        action="store_true",
        help="the generator that passed the check (train.config.WORKING_GENERATOR): the fix, "
        "per-pixel noise in G, flips of the fakes and the spectral term; with --profile cpu-dc32",
    )
    grid.add_argument("--runs", type=Path, default=Path("runs"), help="run folders go here")
    grid.add_argument("--results", type=Path, default=Path("results"), help="records go here")
    grid.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
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


def cmd_train(args: argparse.Namespace) -> int:
    from ganseg_lib.api import train_model
    from ganseg_lib.experiment.setup import Setup
    from ganseg_lib.train.config import TrainConfig

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
        real_not_fake=args.real_not_fake,
        bf16=args.bf16,
    )
    data_dir = setup.chase_dir if setup.data == "chase" else setup.drive_dir
    train_model(config, args.out_dir, data_dir=data_dir, device=args.device, resume=args.resume)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from ganseg_lib.evaluate.run import evaluate_run
    from ganseg_lib.experiment.setup import Setup
    from ganseg_lib.train.config import TrainConfig
    from ganseg_lib.train.run_folder import RunFolder

    setups: dict[str, Setup] = {}

    def setup_for(data: str) -> Setup:
        if data not in setups:
            setups[data] = Setup.resolve(
                None, data, args.drive_dir, args.results, chase_dir=args.chase_dir
            )
        return setups[data]

    if args.add_sampled:
        from ganseg_lib.evaluate.migrate import add_sampled
        from ganseg_lib.evaluate.record import read_record

        for path in args.run_dirs:
            test = setup_for(read_record(path).config.data).eval_data().test
            add_sampled(path, test, args.device)
        return 0
    for run_dir in args.run_dirs:
        folder = RunFolder(run_dir)
        if not folder.config.is_file():
            raise ConfigError(f"{run_dir}: no config.json (not a run folder)")
        config = TrainConfig.from_json(json.loads(folder.config.read_text()))
        data = config.data if args.data == "auto" else args.data
        save = (
            args.save_maps / run_dir.name
            if args.save_maps and len(args.run_dirs) > 1
            else args.save_maps
        )
        evaluate_run(
            run_dir, setup_for(data).eval_data(), args.results, args.profile, args.device, save
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
    flags = (
        ("--real-not-fake", args.real_not_fake),
        ("--generator-fix", args.fix),
        ("--working-generator", args.working),
    )
    for flag, on in flags:
        if on and (args.ray or args.profile in ("study", "scarce", "scarce-dc32")):
            raise ConfigError(
                f"{flag} runs on the local grid of a profile; a study sets it per arm",
                flag.removeprefix("--").replace("-", "_"),
            )
    if args.working and args.profile != "cpu-dc32":
        # its cells are named without the DC net's width: one profile keeps them apart
        raise ConfigError(
            "--working-generator runs with --profile cpu-dc32 (the DC net of width 32 it passed "
            f"the generator check with), not {args.profile!r}",
            "profile",
        )
    setup = Setup.resolve(
        args.profile, args.data, args.drive_dir, args.results, args.runs, args.chase_dir
    )
    if args.profile == "study":
        from ganseg_lib.experiment.study import run_study

        run_study(setup, tuple(args.tiers), args.device)
        return 0
    if args.profile in ("scarce", "scarce-dc32"):
        from ganseg_lib.experiment.fewer_checks import checks_after
        from ganseg_lib.experiment.fewer_labels import run_fewer_labels
        from ganseg_lib.experiment.fewer_labels_passing import run_fewer_labels_passing

        run = run_fewer_labels if args.profile == "scarce" else run_fewer_labels_passing
        drive = Setup.resolve(args.profile, "drive", args.drive_dir, args.results, args.runs)
        chase = None
        if args.chase_dir or os.environ.get("GANSEG_CHASE_DIR"):
            chase = Setup.resolve(
                args.profile, "chase", None, args.results, args.runs, args.chase_dir
            )
        run(drive, chase, args.device, after=checks_after(drive, chase))  # the generator checks
        return 0
    if args.ray:
        address = None if args.ray == "local" else args.ray
        threads = args.threads or 1
        run_grid_on_ray(setup, args.sizes, args.seeds, args.methods, args.device, address, threads)
        return 0
    from ganseg_lib.train.config import GENERATOR_FIX, WORKING_GENERATOR

    overrides = {"real_not_fake": True} if args.real_not_fake else {}
    overrides |= GENERATOR_FIX if args.fix else {}
    overrides |= WORKING_GENERATOR if args.working else {}
    run_grid(setup, args.sizes, args.seeds, args.methods, args.device, overrides=overrides)
    return 0
