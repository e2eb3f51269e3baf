"""The ``ganseg`` command. Every sub-command maps to one library function.

Errors in data or configuration print one line, ``ganseg: error: <what and where>``, and exit 2.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ganseg_lib.records import DataError


class ConfigError(ValueError):
    """A command-line or configuration value is invalid; the message names the parameter."""


def _add_data_args(p: argparse.ArgumentParser, default: str = "auto") -> None:
    p.add_argument("--data", default=default, help="drive, phantom or auto (DRIVE when found)")
    p.add_argument("--drive-dir", default=None, help="DRIVE folder (default: $GANSEG_DRIVE_DIR)")


def cmd_data_fetch(args: argparse.Namespace) -> int:
    from ganseg_lib.drive import fetch_drive, verify_drive

    dest = fetch_drive(args.dest, progress=not args.quiet)
    problems = verify_drive(dest)
    for line in problems:
        print(f"ganseg: {line}", file=sys.stderr)
    print(f"DRIVE in {dest}: {'OK' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


def cmd_data_verify(args: argparse.Namespace) -> int:
    from ganseg_lib.drive import find_drive_dir, read_manifest, verify_drive

    root = find_drive_dir(args.drive_dir)
    manifest = read_manifest(args.manifest) if args.manifest else None
    problems = verify_drive(root, manifest)
    for line in problems:
        print(f"{root}/{line}", file=sys.stderr)
    n = len(manifest or read_manifest())
    print(f"{root}: {n - len(problems)} of {n} files match the manifest")
    return 1 if problems else 0


def cmd_patches(args: argparse.Namespace) -> int:
    from ganseg_lib.datasets import load_split, resolve_data, split_validation
    from ganseg_lib.patches import PatchParams, make_patch_set

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

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


_EXTRA_COMMANDS: list = []


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


if __name__ == "__main__":
    sys.exit(main())
