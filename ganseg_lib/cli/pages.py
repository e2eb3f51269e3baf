"""Building the book and keeping the Colab copies in sync."""

from __future__ import annotations

import argparse
from pathlib import Path

from ganseg_lib.cli.common import add_data_args, add_profile_arg


def add_parsers(sub) -> None:
    """Add this module's sub-commands to the ``ganseg`` parser."""
    book = sub.add_parser("book", help="execute the chapters and build the book")
    add_profile_arg(book, "smoke", "the training profile the chapters run (default: smoke)")
    add_data_args(book)
    book.add_argument("--results", type=Path, default=None, help="records folder")
    book.add_argument("--runs", type=Path, default=None, help="run folders")
    book.add_argument("--no-html", action="store_true", help="execute the chapters only")
    book.set_defaults(func=cmd_book)

    notebooks = sub.add_parser("notebooks", help="Colab copies of the chapters")
    notebooks.add_argument(
        "action",
        choices=["sync", "check"],
        help="sync: write the copies and the repository address; check: exit 1 when they differ",
    )
    notebooks.set_defaults(func=cmd_notebooks)


def cmd_book(args: argparse.Namespace) -> int:
    from ganseg_lib import book

    kwargs = {}
    if args.results:
        kwargs["results_dir"] = args.results
    if args.runs:
        kwargs["runs_dir"] = args.runs
    book.build(
        args.profile,
        args.data,
        args.drive_dir,
        html=not args.no_html,
        chase_dir=args.chase_dir,
        **kwargs,
    )
    return 0


def cmd_notebooks(args: argparse.Namespace) -> int:
    from ganseg_lib.book import sync_colab

    stale = sync_colab(check=args.action == "check")
    verb = "differ from their sources" if args.action == "check" else "written"
    print(f"{len(stale)} Colab notebooks {verb}" + (f": {', '.join(stale)}" if stale else ""))
    return 1 if stale and args.action == "check" else 0
