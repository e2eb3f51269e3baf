"""The ``ganseg`` command: one sub-command per library function, grouped by stage.

``data`` (data and patches), ``runs`` (train, evaluate, grid), ``results`` (report,
cross-dataset evaluation, shipped models), ``pages`` (the book and its Colab copies), ``segment``
(predict). An output folder is ``--out-dir``, an output file ``--out``.

Errors in data or configuration print one line, ``ganseg: error: <what and where>``, and exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys

from ganseg_lib.cli import data, pages, results, runs, segment
from ganseg_lib.errors import ConfigError, DataError

GROUPS = (data, runs, results, pages, segment)


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the flag (no usage block), as every
    other error of the command line is; ``--help`` shows the usage."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="ganseg", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.add_parsers(sub)
    return parser


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
