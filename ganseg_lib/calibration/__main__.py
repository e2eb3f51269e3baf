"""``python -m ganseg_lib.calibration``: run configurations of the digits calibration and write
their entries into the record (``results/calibration/digits.json``)."""

from __future__ import annotations

import argparse
import sys

from ganseg_lib.calibration.configurations import CONFIGURATIONS, configuration
from ganseg_lib.calibration.record import RECORD, SEEDS, run_configuration, update_record


def get_args_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ganseg_lib.calibration", description=__doc__)
    parser.add_argument(
        "--config",
        action="append",
        choices=[c.name for c in CONFIGURATIONS],
        help="a configuration to run (repeatable); default: all of them",
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--record", default=str(RECORD), help="the JSON record to update")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    return parser


def main(args: argparse.Namespace) -> int:
    import torch

    torch.set_num_threads(args.threads)
    names = args.config or [c.name for c in CONFIGURATIONS]
    for name in names:
        entry = run_configuration(configuration(name), tuple(args.seeds))
        print(f"written: {update_record(entry, args.record)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(get_args_parser().parse_args()))
