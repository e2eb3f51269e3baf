"""Getting and checking the data, and sampling labelled patches."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ganseg_lib.cli.common import add_data_args, add_dataset_dirs


def add_parsers(sub) -> None:
    """Add this module's sub-commands to the ``ganseg`` parser."""
    data = sub.add_parser("data", help="get and check the DRIVE and CHASE_DB1 data")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    fetch = data_sub.add_parser("fetch", help="download DRIVE (SHA-256 checked)")
    fetch.add_argument("dataset", choices=["drive"], help="the dataset to download")
    fetch.add_argument(
        "--out-dir", "--dest", dest="out_dir", required=True, type=Path, help="DRIVE goes here"
    )
    fetch.add_argument("--quiet", action="store_true", help="no progress bar")
    fetch.set_defaults(func=cmd_data_fetch)
    verify = data_sub.add_parser("verify", help="check a dataset against its shipped manifest")
    verify.add_argument(
        "--data",
        choices=["drive", "chase"],  # the datasets with a shipped manifest
        default="drive",
        help="the dataset to check (default: drive)",
    )
    add_dataset_dirs(verify)
    verify.add_argument("--manifest", default=None, help="another manifest file (sha256sum format)")
    verify.set_defaults(func=cmd_data_verify)

    patches = sub.add_parser("patches", help="sample and extract labelled 64×64 patches")
    add_data_args(patches)
    patches.add_argument(
        "--n-patches", type=int, required=True, help="labelled patches, half of them vessel"
    )
    patches.add_argument("--seed", type=int, default=0, help="sampling seed (default: 0)")
    patches.add_argument("--out", type=Path, required=True, help="the patch set (.npz)")
    patches.add_argument(
        "--all-images",
        action="store_true",
        help="also use the validation images (default: hold out)",
    )
    patches.set_defaults(func=cmd_patches)


def cmd_data_fetch(args: argparse.Namespace) -> int:
    from ganseg_lib.data.drive import fetch_drive, verify_drive

    dest = fetch_drive(args.out_dir, progress=not args.quiet)
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
