"""The headline report, cross-dataset evaluation and the shipped models."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ganseg_lib.cli.common import add_dataset_dirs, add_hidden_alias, add_profile_arg
from ganseg_lib.errors import ConfigError


def add_parsers(sub) -> None:
    """Add this module's sub-commands to the ``ganseg`` parser."""
    _add_report(sub)
    _add_cross(sub)
    _add_models(sub)


def _add_report(sub) -> None:
    from ganseg_lib.data.source import DATA_SOURCES

    rep = sub.add_parser(
        "report", help="the headline: our results beside the paper's, with the verdicts"
    )
    add_profile_arg(rep, "cpu", "the profile of the records (default: cpu)")
    rep.add_argument(
        "--data", default="drive", choices=DATA_SOURCES, help="their data source (default: drive)"
    )
    rep.add_argument("--results", type=Path, default=Path("results"), help="records folder")
    rep.add_argument("--readme", type=Path, default=None, help="update this README's headline")
    rep.add_argument(
        "--check", action="store_true", help="with --readme: exit 1 when it is out of date"
    )
    rep.add_argument(
        "--study",
        action="store_true",
        help="the study's verdicts instead (records in RESULTS/study/drive; --readme: its block)",
    )
    rep.add_argument(
        "--figure",
        type=Path,
        default=None,
        help="with --readme (profile cpu, DRIVE, or --study): where the answer figure goes "
        "(default RESULTS/figures/answer.png)",
    )
    rep.set_defaults(func=cmd_report)


def _add_cross(sub) -> None:
    cross = sub.add_parser(
        "cross", help="evaluate records' kept DC nets on another data source's test images"
    )
    cross.add_argument("records", nargs="+", type=Path, help="run records <cell>.json")
    cross.add_argument("--target", required=True, choices=["drive", "chase"], help="test images")
    add_dataset_dirs(cross)
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
    cross.add_argument(
        "--out-dir",
        type=Path,
        default=Path("results") / "cross",
        help="results folder (default: results/cross)",
    )
    add_hidden_alias(cross, "--out", "out_dir", type=Path)
    cross.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (default: cpu)")
    cross.set_defaults(func=cmd_cross)


def _add_models(sub) -> None:
    from ganseg_lib.models import WEIGHTS

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
        choices=WEIGHTS,
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


def cmd_report(args: argparse.Namespace) -> int:
    from ganseg_lib.analysis.replication import headline
    from ganseg_lib.markers import read_block, write_block

    if args.study:
        from ganseg_lib.analysis.study.efficiency import replication_efficiency
        from ganseg_lib.analysis.study.headline import STUDY_BEGIN, STUDY_END, study_markdown
        from ganseg_lib.analysis.study.records import load_study
        from ganseg_lib.evaluate.record import load_results
        from ganseg_lib.experiment.study import HYPOTHESES

        df = load_study(args.results)
        hypotheses = args.results.resolve().parent / HYPOTHESES
        body, markers, what = (
            study_markdown(
                df,
                hypotheses,
                replication_efficiency(
                    load_results(args.results, profile="cpu", data="drive", paper_arms=True)
                ),
            ),
            (STUDY_BEGIN, STUDY_END),
            "study block",
        )
    else:
        from ganseg_lib.analysis.replication.rerun import rerun_sentence, rerun_table
        from ganseg_lib.evaluate.record import load_results

        df = load_results(args.results, profile=args.profile, data=args.data, paper_arms=True)
        rerun = ""
        if (args.profile, args.data) == ("cpu", "drive"):
            rerun = rerun_sentence(rerun_table(args.results))
        body = headline.headline_markdown(df, args.profile, args.data, rerun)
        markers, what = (headline.HEADLINE_BEGIN, headline.HEADLINE_END), "headline"
    if args.readme is None:
        print(body)
        return 0
    if not args.readme.is_file():
        raise ConfigError(f"--readme {args.readme}: no such file")
    try:
        if args.check:
            stale = read_block(args.readme, *markers) != body
            print(f"{args.readme}: {what} {'out of date' if stale else 'up to date'}")
            figure_stale = _answer_figure(args, check=True)
            return 1 if stale or figure_stale else 0
        changed = write_block(args.readme, body, *markers)
    except ValueError as err:
        raise ConfigError(str(err)) from None
    print(
        f"{args.readme}: {what} {'updated' if changed else 'already up to date'} ({len(df)} runs)"
    )
    _answer_figure(args, check=False)
    return 0


def _answer_figure(args: argparse.Namespace, check: bool) -> bool:
    """Beside the README's blocks, the answer figure (ganseg_lib.analysis.answer_figure) from the
    ``cpu``, study and "Fewer labels" (both registrations) records of DRIVE: written, or with
    ``check`` compared; True when it is (or was) out of date. Another profile's or data
    source's headline has no figure."""
    if not args.study and (args.profile, args.data) != ("cpu", "drive"):
        return False
    from ganseg_lib.analysis.answer_figure import ANSWER_FIGURE, write_answer_figure
    from ganseg_lib.analysis.study.fewer_verdicts import PASSING
    from ganseg_lib.analysis.study.fewer_verdicts import arm_scores as fewer_scores
    from ganseg_lib.analysis.study.records import load_study
    from ganseg_lib.evaluate.record import load_results

    path = args.figure or args.results / ANSWER_FIGURE
    cpu = load_results(args.results, profile="cpu", data="drive", paper_arms=True)
    # both registrations: their arm names differ
    fewer = fewer_scores(args.results, "drive") | fewer_scores(
        args.results, "drive", registration=PASSING
    )
    stale = write_answer_figure(path, cpu, load_study(args.results), check=check, fewer=fewer)
    state = ("out of date" if check else "updated") if stale else "up to date"
    print(f"{path}: answer figure {state}")
    return stale


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
        cross_dir=args.out_dir,
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
