"""``ganseg predict``: vessel maps of a user's own fundus images."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ganseg_lib.errors import ConfigError, DataError


def add_parsers(sub) -> None:
    """Add this module's sub-commands to the ``ganseg`` parser."""
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
    predict.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (default: cpu)")
    predict.set_defaults(func=cmd_predict)


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

    from ganseg_lib.api import segment
    from ganseg_lib.data.user_image import user_record
    from ganseg_lib.model.scale import applied_scale

    if len(args.images) != 1 or args.images[0].is_dir():
        raise ConfigError("--out takes one image file; use --out-dir for several", "out")
    t0 = time.perf_counter()
    record = user_record(args.images[0], args.mask)
    rescale = not args.no_rescale
    try:
        factor = applied_scale(record.fov, predictor.fov_diameter if rescale else None)
        prob = segment(record.rgb, predictor, mask=record.fov, rescale=rescale)
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
