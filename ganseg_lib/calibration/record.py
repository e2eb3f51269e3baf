"""The calibration's comparison and its record: every arm on the same splits for seeds 0–4, the
SSL GAN − supervised difference with a paired t-test by seed and the 95% CI of the mean
difference, written to ``results/calibration/digits.json``.

The record keeps every configuration that was run, each with all its seeds; a configuration run
again replaces its own entry only.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ganseg_lib.analysis.stats import paired_test
from ganseg_lib.calibration.digits import split_digits
from ganseg_lib.calibration.references import label_spreading_accuracy, logistic_accuracy
from ganseg_lib.calibration.training import CalibrationConfig, train_arm

RECORD = Path("results") / "calibration" / "digits.json"
SEEDS = (0, 1, 2, 3, 4)
ARMS = ("ssl_gan", "supervised", "label_spreading", "logistic")
ARM_NAMES = {
    "ssl_gan": "SSL GAN (K+1, feature matching)",
    "supervised": "same classifier, labels only",
    "label_spreading": "LabelSpreading (kNN)",
    "logistic": "logistic regression, labels only",
}
BAR_DIFFERENCE = 0.03  # the SSL GAN must beat the supervised arm by this much in test accuracy
BAR_P = 0.05  # ... with a paired t-test over seeds below this
N_SAMPLES = 16  # generator images kept with the first seed of each configuration


def run_seed(config: CalibrationConfig, seed: int, log=print) -> dict:
    """Every arm on seed ``seed``'s split: accuracies, seconds, the GAN's training history and,
    for seed 0, a few generator images (pixels rounded to 0.01)."""
    split = split_digits(seed, config.labels_per_class, config.test_size)
    accuracy, seconds = {}, {}
    gan = train_arm(split, config, "ssl_gan", keep_models=seed == SEEDS[0])
    supervised = train_arm(split, config, "supervised")
    accuracy["ssl_gan"], seconds["ssl_gan"] = gan.accuracy, gan.seconds
    accuracy["supervised"], seconds["supervised"] = supervised.accuracy, supervised.seconds
    for arm, fit in (
        ("label_spreading", label_spreading_accuracy),
        ("logistic", logistic_accuracy),
    ):
        t0 = time.perf_counter()
        accuracy[arm] = fit(split)
        seconds[arm] = time.perf_counter() - t0
    log(
        f"  {config.name} seed {seed}: "
        + ", ".join(f"{arm} {accuracy[arm]:.3f} ({seconds[arm]:.1f} s)" for arm in ARMS)
    )
    result = {
        "seed": seed,
        "split": split.summary(),
        "accuracy": accuracy,
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "history": {"ssl_gan": gan.history, "supervised": supervised.history},
    }
    if gan.generator is not None:
        samples = gan.generator.sample(N_SAMPLES).detach().numpy()
        result["generator_samples"] = np.round(samples, 2).tolist()
    return result


def summarise(seeds: list[dict]) -> dict:
    """Per arm the mean and sample sd of test accuracy over seeds; the SSL GAN − supervised
    difference: its mean, the 95% CI of the mean difference and the paired t-test's p
    (``scipy.stats.ttest_rel`` by seed, via :func:`ganseg_lib.analysis.stats.paired_test`), and
    whether it clears the bar (difference ≥ 0.03 and p < 0.05)."""
    acc = {arm: np.array([s["accuracy"][arm] for s in seeds]) for arm in ARMS}
    arms = {
        arm: {"mean": float(a.mean()), "sd": float(a.std(ddof=1)) if len(a) > 1 else None}
        for arm, a in acc.items()
    }
    summary: dict = {"n_seeds": len(seeds), "arms": arms}
    if len(seeds) >= 2:
        test = paired_test(acc["ssl_gan"], acc["supervised"])
        summary["ssl_gan_minus_supervised"] = {
            "difference": test.difference,
            "ci_low": test.ci_low,
            "ci_high": test.ci_high,
            "t": test.statistic,
            "df": test.df,
            "p": test.p_value,
            "clears_bar": bool(test.difference >= BAR_DIFFERENCE and test.p_value < BAR_P),
        }
    return summary


def run_configuration(config: CalibrationConfig, seeds=SEEDS, log=print) -> dict:
    """One configuration on every seed: its entry of the record."""
    from ganseg_lib.evaluate.run import provenance

    t0 = time.perf_counter()
    log(f"{config.name}: {config.note or 'reference settings'}")
    results = [run_seed(config, seed, log) for seed in seeds]
    entry = {
        "config": asdict(config),
        "seeds": results,
        "summary": summarise(results),
        "seconds": round(time.perf_counter() - t0, 1),
        "provenance": provenance(_cpu()),
    }
    diff = entry["summary"].get("ssl_gan_minus_supervised")
    if diff:
        log(
            f"{config.name}: SSL GAN − supervised {diff['difference']:+.3f} "
            f"[{diff['ci_low']:+.3f}, {diff['ci_high']:+.3f}], p = {diff['p']:.3g}"
        )
    return entry


def _cpu():
    import torch

    return torch.device("cpu")


def read_record(path: str | os.PathLike = RECORD) -> dict:
    """The record as written by :func:`update_record` (an empty one where there is none)."""
    path = Path(path)
    if not path.exists():
        return {"experiment": "digits", "configurations": []}
    return json.loads(path.read_text())


def update_record(entry: dict, path: str | os.PathLike = RECORD) -> Path:
    """Put a configuration's entry into the record, replacing an entry of the same name only,
    and keep the configurations in the order they were first run."""
    path = Path(path)
    record = read_record(path)
    record["question"] = (
        "Does the project's K+1 semi-supervised GAN loss code beat the same classifier trained "
        "on the labels alone where unlabelled data is known to help (digits, 5 labels per class)?"
    )
    record["bar"] = {"difference": BAR_DIFFERENCE, "p": BAR_P, "test": "paired t-test by seed"}
    name = entry["config"]["name"]
    entries = record["configurations"]
    names = [e["config"]["name"] for e in entries]
    if name in names:
        entries[names.index(name)] = entry
    else:
        entries.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n")
    return path
