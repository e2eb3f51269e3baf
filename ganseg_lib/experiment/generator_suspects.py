"""What keeps the generator from learning? Short runs that change one suspect at a time.

Each suspect (:data:`SUSPECTS`, each with what it changes) is the paper-protocol GAN-CNN of the
``cpu`` profile (widths 16, lr 1e-4, Adam β1 0.5, 15K labelled patches, seed 0) trained for a
short budget with one change — first the DC loss's real-data term (``real_not_fake``), then,
on top of it, the generator's normalisation, width, learning rate and steps, the DC net's final
norm, DCGAN's recipe and resize-convolutions; the last suspects build on the whole fix
(:data:`~ganseg_lib.train.config.GENERATOR_FIX`). The changes to the networks are in
:mod:`ganseg_lib.experiment.generator_surgery`.

Every ``check_every`` iterations and at the end the generator is measured by
:mod:`ganseg_lib.evaluate.generator_check` against patches of the validation images; the run's
p(fake | labelled real) and fake detection are the means over the last ``tail`` iterations. The
numbers go to ``results/generator/suspects.json`` and a montage of 32 generated patches (no real
ones) to ``results/generator/<name>.samples.png``.

The runs use the one-generator-batch step of :mod:`ganseg_lib.train.step` and their own short
loop (no validation, no checkpoint); ``--after`` trains with the library's loop instead,
``--check`` checks the generators of trained runs (the GAN-CNN with the whole fix),
``--reference`` checks training patches against validation patches (what a generator of the
training data itself would score) and ``--kept`` measures the montages kept with the records.

    python -m ganseg_lib.experiment.generator_suspects --names baseline real_not_fake
    python -m ganseg_lib.experiment.generator_suspects --after runs/generator/s1 --seed 1
    python -m ganseg_lib.experiment.generator_suspects --check runs/fix/cpu/drive/gan-*-Gbnresize-*
    python -m ganseg_lib.experiment.generator_suspects --kept  # or --reference
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ganseg_lib.data.patches import PatchParams, cached_patch_set
from ganseg_lib.data.source import load_split, split_validation
from ganseg_lib.evaluate.generator_check import (
    check_generator,
    check_run,
    check_samples,
    generated_patches,
    seen_region,
    training_patches_check,
)
from ganseg_lib.evaluate.generator_check import validation_patches as real_patches
from ganseg_lib.evaluate.two_sample import group_accuracies, without_spectrum
from ganseg_lib.experiment.generator_surgery import (
    averaged_generator,
    batch_norm_generator,
    bilinear_generator,
    flip_fakes,
    inject_pixel_noise,
    resize_conv_generator,
)
from ganseg_lib.experiment.suspect_list import SUSPECTS, Suspect
from ganseg_lib.montage import save_montage
from ganseg_lib.train.checkpoint import TRAIN_MEMORY_FORMAT, build_state
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.profiles import get_profile
from ganseg_lib.train.step import (
    Batch,
    _generator_step,
    class_index,
    make_fakes,
    next_batch,
    train_step,
)
from ganseg_lib.train.validation import to_input

OUT = Path("results/generator")


def cpu_gan(n_patches: int, seed: int, iterations: int, **fields) -> TrainConfig:
    """The paper-protocol GAN-CNN on DRIVE at the ``cpu`` profile's widths and logging interval,
    for ``iterations``, with the one-iteration step (one generator batch per iteration)."""
    profile = get_profile("cpu")
    widths = {"width": profile.width, "g_width": profile.g_width}
    return TrainConfig(
        method="gan",
        data="drive",
        n_patches=n_patches,
        seed=seed,
        iterations=iterations,
        eval_every=profile.eval_every,
        n_validation_pixels=profile.n_validation_pixels,
        **(widths | fields),  # a suspect may set a width (the wider generator)
    )


def kept_generator(name: str, iterations: int, keep: Path = Path("runs/generator")) -> nn.Module:
    """Suspect ``name``'s generator, changed as it was, with the final weights kept in ``keep``."""
    suspect = SUSPECTS[name]
    config = cpu_gan(15_000, 0, iterations, **suspect.config)
    generator = suspect_state(suspect, config, torch.device("cpu")).generator
    generator.load_state_dict(torch.load(keep / f"{name}.generator.pt", weights_only=True))
    return generator


def recheck(name: str, record: dict, real: np.ndarray, keep: Path = Path("runs/generator")) -> dict:
    """Rebuild suspect ``name``'s generator, load its kept final weights and measure what its
    record lacks: the test without the spectrum, and the whole test again (its pixel noise is
    drawn anew, so this agrees with the record only up to that)."""
    fake = generated_patches(kept_generator(name, record["iterations"], keep))
    return {
        "two_sample_accuracy_without_spectrum": without_spectrum(fake, real),
        "two_sample_accuracy_recheck": check_samples(fake, real).two_sample_accuracy,
    }


def suspect_state(suspect: Suspect, config: TrainConfig, dev: torch.device):
    """The library's freshly built networks and optimisers for ``config``, changed as
    ``suspect`` says (:mod:`~ganseg_lib.experiment.generator_surgery`)."""
    state = build_state(config, dev)
    if suspect.g_norm == "batch":
        batch_norm_generator(state.generator)
    if suspect.g_upsample == "resize":
        resize_conv_generator(state.generator)
    if suspect.pixel_noise:
        inject_pixel_noise(state.generator)
    if suspect.bilinear:
        bilinear_generator(state.generator)
    if suspect.fake_flips:
        flip_fakes(state.generator)
    new_g = suspect.g_norm == "batch" or suspect.g_upsample != "deconv" or suspect.pixel_noise
    if new_g or suspect.lr_g or suspect.beta1_g:  # new parameters or settings: a new Adam
        lr = suspect.lr_g or config.lr
        betas = (suspect.beta1_g or config.betas[0], config.betas[1])
        state.opt_g = torch.optim.Adam(state.generator.parameters(), lr=lr, betas=betas)
        state.sched_g = torch.optim.lr_scheduler.StepLR(
            state.opt_g, config.decay_step, gamma=config.lr_decay
        )
    if not suspect.dc_final_norm:
        state.dcnet.final_norm = nn.Identity()
        state.opt_d = torch.optim.Adam(state.dcnet.parameters(), lr=config.lr, betas=config.betas)
        state.sched_d = torch.optim.lr_scheduler.StepLR(
            state.opt_d, config.decay_step, gamma=config.lr_decay
        )
    return state


def short_run(
    suspect: Suspect,
    iterations: int,
    real: np.ndarray,
    train_records,
    n_patches: int = 15_000,
    seed: int = 0,
    check_every: int = 500,
    tail: int = 100,
    out: Path = OUT,
    keep: Path = Path("runs/generator"),
) -> dict:
    """Train one suspect for ``iterations`` and measure its generator; return its numbers. The
    samples go to ``out``, the final (checked) generator's weights to ``keep``."""
    config = cpu_gan(n_patches, seed, iterations, **suspect.config)
    dev = torch.device("cpu")
    state = suspect_state(suspect, config, dev)
    patch_set = cached_patch_set(train_records, PatchParams(n_patches, seed), "drive")
    patches = torch.from_numpy(patch_set.patches)
    labels = torch.from_numpy(class_index(patch_set.labels))
    ema = averaged_generator(state.generator, suspect.g_ema) if suspect.g_ema else None
    checked_g = state.generator if ema is None else ema.module
    history, checks, t0 = [], [], time.perf_counter()
    train_seconds = 0.0
    while state.iteration < iterations:
        t = time.perf_counter()
        idx = next_batch(state, config.batch_size)
        x = to_input(patches[idx]).contiguous(memory_format=TRAIN_MEMORY_FORMAT)
        batch = Batch(x, labels[idx])
        metrics = train_step(state, config, batch)
        if ema is not None:
            ema.update_parameters(state.generator)
        for _ in range(suspect.g_steps - 1):
            fake, classes = make_fakes(state, config, len(x), dev)
            _generator_step(
                state, config, fake, classes, batch, torch.autocast("cpu", enabled=False)
            )
        train_seconds += time.perf_counter() - t
        history.append({k: float(v) for k, v in metrics.items()})
        if state.iteration % check_every == 0 or state.iteration == iterations:
            check = check_generator(checked_g, real, seed=seed)
            last = history[-tail:]
            checks.append(
                {
                    "iteration": state.iteration,
                    **check.to_json(),
                    "p_fake_real": float(np.mean([h["p_fake_real"] for h in last])),
                    "fake_detect": float(np.mean([h["fake_detect"] for h in last])),
                }
            )
            print(f"{suspect.name} {checks[-1]}", flush=True)
    last = history[-tail:]
    final_fakes = generated_patches(checked_g)
    seen = check_samples(seen_region(final_fakes), seen_region(real))
    samples = generated_patches(checked_g, 32, seed)
    keep.mkdir(parents=True, exist_ok=True)  # for diagnostics; not committed
    torch.save(checked_g.state_dict(), keep / f"{suspect.name}.generator.pt")
    save_montage(samples, out / f"{suspect.name}.samples.png")
    final = checks[-1]
    return {
        "name": suspect.name,
        "what": suspect.what,
        "suspect": dataclasses.asdict(suspect),
        "config": config.to_json(),
        "iterations": iterations,
        "diversity_ratio": final["diversity_ratio"],
        "two_sample_accuracy": final["two_sample_accuracy"],
        "two_sample_accuracy_seen": seen.two_sample_accuracy,  # rows and columns 0–61 only
        "group_accuracies": group_accuracies(final_fakes, real),
        # the test without the spectrum's features, which suspect (m)'s term matches
        "two_sample_accuracy_without_spectrum": without_spectrum(final_fakes, real),
        "p_fake_real": final["p_fake_real"],
        "fake_detect": final["fake_detect"],
        "real_acc": float(np.mean([h["real_acc"] for h in last])),
        "L_G": float(np.mean([h["L_G"] for h in last])),
        "checks": checks,
        "train_seconds": train_seconds,
        "seconds_per_iteration": train_seconds / iterations,
        "wall_seconds": time.perf_counter() - t0,
        "threads": torch.get_num_threads(),
    }


def checked_run(config: TrainConfig, run_dir: Path, real: np.ndarray, out: Path = OUT) -> dict:
    """Train ``config`` with the library's loop (:func:`ganseg_lib.train.loop.train`: validation,
    checkpoints, sample grids; resumed when ``run_dir`` holds a checkpoint), then check the
    generator of its checkpoint; its samples go to ``out/<cell>.samples.png``."""
    from ganseg_lib.experiment.setup import Setup
    from ganseg_lib.train.loop import prepare_data, train
    from ganseg_lib.train.run_folder import RunFolder

    setup = Setup.resolve("cpu", config.data)
    folder = RunFolder(Path(run_dir))
    t0 = time.perf_counter()
    train(
        config,
        folder.path,
        prepare_data(config, *setup.training_images()),
        device="cpu",
        resume=folder.checkpoint.exists(),
    )
    checked = check_run(folder.path, real, out)  # the check, samples and last metrics
    checked.pop("iterations")
    history = folder.read_history()
    return {
        **checked,
        "history": [
            {k: h.get(k) for k in ("iteration", "p_fake_real", "fake_detect", "L_G", "val_auc")}
            for h in history
        ],
        "wall_seconds": time.perf_counter() - t0,
        "threads": torch.get_num_threads(),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--names", nargs="+", default=list(SUSPECTS), help=" ".join(SUSPECTS))
    p.add_argument("--iterations", type=int, default=2_000)
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--seed", type=int, default=0, help="with --after: the run's seed")
    p.add_argument(
        "--after",
        type=Path,
        default=None,
        metavar="RUN_DIR",
        help="instead: train the cpu-profile GAN-CNN with the real-data term for --iterations in "
        "RUN_DIR with the library's loop and check its generator (out/after.json)",
    )
    p.add_argument(
        "--check",
        nargs="+",
        type=Path,
        default=None,
        metavar="RUN_DIR",
        help="instead: check the generators of these trained run folders (the GAN-CNN with the "
        "whole fix, train.config.GENERATOR_FIX; out/fixed.json, one entry per cell)",
    )
    p.add_argument(
        "--into",
        default="fixed.json",
        help="with --check: the file under --out that the checks go to (fixed.json: the re-run "
        "with the fix; working.json: the re-run with the working generator)",
    )
    p.add_argument(
        "--data",
        choices=("drive", "chase"),
        default="drive",
        help="with --check: the data source of the runs, whose validation patches the "
        "generators are checked against (chase: CHASE_DB1's, from $GANSEG_CHASE_DIR)",
    )
    p.add_argument(
        "--records",
        type=Path,
        default=Path("results/cpu/drive"),
        help="with --check: the folder of the runs' records (their provenance)",
    )
    p.add_argument(
        "--reference",
        action="store_true",
        help="instead: the check of training patches against validation patches, five draws "
        "(out/reference.json): what a generator of the training data itself would score",
    )
    p.add_argument(
        "--reference-blur",
        nargs="+",
        type=float,
        default=None,
        metavar="SIGMA",
        help="instead: the reference with the training patches smoothed by a Gaussian of each σ "
        "(pixels), three draws each (out/reference_blur.json): how much the check sees the "
        "finest texture",
    )
    p.add_argument(
        "--recheck",
        nargs="+",
        default=None,
        metavar="NAME",
        help="instead: rebuild these suspects' kept generators (runs/generator) and add the "
        "test without the spectrum's features to their entries in out/suspects.json",
    )
    p.add_argument(
        "--kept",
        action="store_true",
        help="instead: the diversity ratio of every kept samples montage under results/ "
        "(out/kept_samples.json)",
    )
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    real = real_patches(args.data if args.check else "drive")
    if args.kept:
        from ganseg_lib.evaluate.generator_check import (
            kept_samples_diversity,
            mean_pairwise_distance,
        )

        kept = kept_samples_diversity(Path("results"), mean_pairwise_distance(real))
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "kept_samples.json").write_text(json.dumps(kept, indent=1) + "\n")
        return 0
    if args.reference:
        checks = [training_patches_check("drive", seed=seed).to_json() for seed in range(5)]
        (args.out / "reference.json").write_text(json.dumps(checks, indent=1) + "\n")
        return 0
    if args.recheck:
        path = args.out / "suspects.json"
        runs = json.loads(path.read_text())
        for name in args.recheck:
            runs[name] |= recheck(name, runs[name], real)
            path.write_text(json.dumps(runs, indent=1) + "\n")
        return 0
    if args.reference_blur:
        checks = [
            {
                "blur_sigma": sigma,
                **training_patches_check("drive", seed=s, blur_sigma=sigma).to_json(),
            }
            for sigma in args.reference_blur
            for s in range(3)
        ]
        (args.out / "reference_blur.json").write_text(json.dumps(checks, indent=1) + "\n")
        return 0
    if args.after is not None:
        config = cpu_gan(15_000, args.seed, args.iterations, real_not_fake=True)
        result = checked_run(config, args.after, real, args.out)
        (args.out / "after.json").write_text(json.dumps(result, indent=1) + "\n")
        return 0
    if args.check:
        from ganseg_lib.experiment.fewer_checks import add_check

        for run_dir in args.check:
            record = args.records / f"{Path(run_dir).name}.json"
            args.out.mkdir(parents=True, exist_ok=True)
            result = check_run(run_dir, real, args.out, record if record.is_file() else None)
            add_check(args.out / args.into, result)  # locked and atomic, as the grid's checks
        return 0
    train_records, _ = split_validation(load_split("drive", "training"))
    path = args.out / "suspects.json"
    runs = json.loads(path.read_text()) if path.is_file() else {}
    for name in args.names:
        runs[name] = short_run(SUSPECTS[name], args.iterations, real, train_records, out=args.out)
        args.out.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(runs, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
