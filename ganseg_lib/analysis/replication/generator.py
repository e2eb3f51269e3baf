"""The committed generator check (``results/generator/``) read for the book: a table of every
checked run, the kept montages' diversity and the verdict (the samples themselves are read and
shown by :mod:`ganseg_lib.analysis.present.samples`).

Numbers from :mod:`ganseg_lib.experiment.generator_suspects`: ``suspects.json`` (short runs, one
change at a time), ``after.json`` (the real-data term through the library's loop),
``fixed.json`` and ``working.json`` (the replication's GAN-CNNs re-run with the fix and with the
working generator), ``kept_samples.json`` (the diversity of every kept montage). The pass rule's
third part, vessels visible, is a person's look at each ``<name>.samples.png``
(:data:`SAMPLE_LOOKS`, as in ``results/generator/README.md``). Nothing here trains or reads a
dataset; the training chapter shows it beside the slide "Samples generated during training on
15K dataset" and draws the real patches itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ganseg_lib.analysis.present.text import span as _span
from ganseg_lib.analysis.replication.generator_reference import (  # noqa: F401 (the chapter's)
    BLUR_FILE,
    FOLDER,
    REFERENCE_FILE,
    reference_sentence,
)
from ganseg_lib.analysis.replication.sample_looks import SAMPLE_LOOKS, Look
from ganseg_lib.evaluate.generator_check import MAX_TWO_SAMPLE_ACCURACY, MIN_DIVERSITY_RATIO
from ganseg_lib.evaluate.two_sample import FEATURE_GROUPS, N_FEATURES

BEFORE = "baseline"  # the replication's GAN-CNN, unchanged
AFTER = "real_not_fake"  # the same with the DC loss's real-data term, same seed and loop
FULL = "real_not_fake+dcgan+resize"  # the recipe of the fix, in the short runs
# the short runs that change one part of FULL, and what they change
ABLATIONS = {
    "real_not_fake+dcgan-keep_dc_norm": "with the DC net's final instance norm kept",
    "real_not_fake+dcgan-keep_lr": "at the slides' lr 1e-4",
    "real_not_fake+dcgan-keep_g_instance_norm": "with G's instance norm kept",
    "real_not_fake+dcgan": "with G's deconvolutions kept",
}
# the short runs that add to the whole fix, and what they add
BEYOND = {
    "fix+flips": "random flips of the fakes",
    "fix+flips+pixel_noise": "flips and per-pixel noise in G",
    "fix+flips+bilinear": "flips and bilinear resizing in G",
    "fix+flips+pixel_noise+ema": "flips, per-pixel noise and a moving average of G's weights",
    "fix+flips+pixel_noise+dc_width32": "flips, per-pixel noise and a DC net of width 32",
    "fix+flips+pixel_noise+dc_width32+spectral": (
        "flips, per-pixel noise, a DC net of width 32 and the spectral term"
    ),
}
FIXED_FILE = "fixed.json"  # the checks of the re-run's GAN-CNNs with the whole fix
WORKING_FILE = "working.json"  # the same for the re-run with the working generator
SPECTRUM_OFF = "without the spectrum's features"  # the check on the other 19 features


@dataclass(frozen=True)
class CheckedRun:
    """One checked generator: its run, the check's numbers at its end and the look at it."""

    name: str  # the key in suspects.json, or after.json's cell; samples in <name>.samples.png
    change: str  # what the run changes
    loop: str  # "short" (the suspects' own loop) or "library" (ganseg_lib.train.loop)
    seed: int
    iterations: int
    n_patches: int
    g_width: int
    width: int  # the DC net's
    protocol: str  # TrainConfig.protocol
    threads: int | None  # CPU threads it trained on (None: not recorded)
    real_not_fake: bool
    diversity_ratio: float
    two_sample_accuracy: float
    p_fake_real: float  # training metric: the DC net's p(fake | labelled real patch)
    fake_detect: float  # training metric: share of generated patches put in the fake class
    look: Look | None  # None: nobody has looked at the samples yet
    fixed: bool = False  # a GAN-CNN of the replication's re-run with the whole fix
    two_sample_seen: float | None = None  # on the 62×62 pixels the DC net sees (None: not run)
    # on every feature but the spectrum's (None: not measured), and whether the run's G was
    # trained on a term that matches the spectrum (suspect (m)), which the check then measures
    without_spectrum: float | None = None
    spectral_term: bool = False

    def failures(self) -> list[str]:
        """The parts of the pass rule this run misses (empty: it passes)."""
        out = []
        if self.diversity_ratio < MIN_DIVERSITY_RATIO:
            out.append(f"ratio {self.diversity_ratio:.2f} < {MIN_DIVERSITY_RATIO}")
        if self.two_sample_accuracy > MAX_TWO_SAMPLE_ACCURACY:
            out.append(f"accuracy {self.two_sample_accuracy:.2f} > {MAX_TWO_SAMPLE_ACCURACY}")
        if self.look is None:
            out.append("samples not looked at")
        elif not self.look.vessels:
            out.append("no vessels")
        return out

    @property
    def passes(self) -> bool:
        return not self.failures()


def as_run(
    name: str, change: str, loop: str, entry: dict, iterations: int, fixed: bool = False
) -> CheckedRun:
    """A :class:`CheckedRun` from one entry of a check file (``entry``: its numbers, config)."""
    config = entry["config"]
    return CheckedRun(
        name=name,
        change=change,
        loop=loop,
        seed=config["seed"],
        iterations=iterations,
        n_patches=config["n_patches"],
        g_width=config["g_width"],
        width=config["width"],
        protocol=config["protocol"],
        threads=entry["threads"],
        real_not_fake=bool(config.get("real_not_fake")),
        diversity_ratio=entry["diversity_ratio"],
        two_sample_accuracy=entry["two_sample_accuracy"],
        p_fake_real=entry["p_fake_real"],
        fake_detect=entry["fake_detect"],
        look=SAMPLE_LOOKS.get(name),
        fixed=fixed,
        two_sample_seen=entry.get("two_sample_accuracy_seen"),
        without_spectrum=entry.get("two_sample_accuracy_without_spectrum"),
        spectral_term=bool(
            entry.get("suspect", {}).get("spectral_weight") or config.get("spectral_weight")
        ),
    )


def read_checked_runs(folder: str | Path) -> list[CheckedRun]:
    """Every run of ``folder`` (``results/generator``): the suspects in the order they ran, then
    the library-loop run of ``after.json`` and the re-runs' checks of ``fixed.json`` and
    ``working.json`` when there are."""
    folder = Path(folder)
    suspects = json.loads((folder / "suspects.json").read_text())
    runs = [
        # "what" may go on after a colon to say why; the table keeps the change itself
        as_run(name, s["what"].split(":")[0], "short", s, s["iterations"])
        for name, s in suspects.items()
    ]
    after_path = folder / "after.json"
    if after_path.is_file():
        after = json.loads(after_path.read_text())
        change = (
            "(a) through the library's training loop"
            if after["config"].get("real_not_fake")
            else "the library's training loop"
        )
        runs.append(as_run(after["cell"], change, "library", after, after["config"]["iterations"]))
    fixed_path = folder / FIXED_FILE
    if fixed_path.is_file():
        for cell, entry in json.loads(fixed_path.read_text()).items():
            change = "the whole fix, the replication's re-run (the library's loop)"
            runs.append(as_run(cell, change, "library", entry, entry["iterations"], fixed=True))
    working_path = folder / WORKING_FILE
    if working_path.is_file():
        for cell, entry in json.loads(working_path.read_text()).items():
            change = "the working generator, the replication's second re-run (the library's loop)"
            runs.append(as_run(cell, change, "library", entry, entry["iterations"]))
    return runs


def check_table(runs: list[CheckedRun]) -> pd.DataFrame:
    """One row per checked run: its change, seed and length, the check's numbers, the look at
    its samples and whether it passes (or which parts of the rule it misses)."""
    return pd.DataFrame(
        {
            "run": [r.name for r in runs],
            "change": [r.change for r in runs],
            "seed": [r.seed for r in runs],
            "iterations": [r.iterations for r in runs],
            "diversity ratio": [r.diversity_ratio for r in runs],
            "two-sample accuracy": [r.two_sample_accuracy for r in runs],
            "on the seen 62×62": [r.two_sample_seen for r in runs],
            "without the spectrum": [r.without_spectrum for r in runs],
            "p(fake | real)": [r.p_fake_real for r in runs],
            "fake detection": [r.fake_detect for r in runs],
            "vessels": [
                "not looked at"
                if r.look is None
                else f"{'yes' if r.look.vessels else 'no'}: {r.look.what}"
                for r in runs
            ],
            "check": ["pass" if r.passes else "fail: " + "; ".join(r.failures()) for r in runs],
        }
    )


CHECK_TABLE_FORMATS = {
    "iterations": "{:,}",
    "diversity ratio": "{:.2f}",
    "two-sample accuracy": "{:.2f}",
    "on the seen 62×62": "{:.2f}",
    "without the spectrum": "{:.2f}",
    "p(fake | real)": "{:.2f}",
    "fake detection": "{:.2f}",
}


def _moves(before: float, after: float, what: str) -> str:
    word = "raises" if after > before else "lowers" if after < before else "leaves"
    if word == "leaves":
        return f"leaves {what} at {after:.2f}"
    return f"{word} {what} from {before:.2f} to {after:.2f}"


def _looks(runs: list[CheckedRun]) -> str:
    """'vessels in k of n' for the runs (those not looked at counted apart)."""
    looked = [r for r in runs if r.look is not None]
    text = f"vessels in {sum(r.look.vessels for r in looked)} of {len(looked)}"
    return text + (f" ({len(runs) - len(looked)} not looked at)" if len(looked) < len(runs) else "")


def _numbers(r: CheckedRun) -> str:
    vessels = "not looked at" if r.look is None else "vessels" if r.look.vessels else "no vessels"
    seen = "" if r.two_sample_seen is None else f", {r.two_sample_seen:.2f} on the seen 62×62"
    if r.without_spectrum is not None:
        seen += f", {r.without_spectrum:.2f} {SPECTRUM_OFF}"
    return (
        f"{vessels} (diversity ratio {r.diversity_ratio:.2f}, two-sample accuracy "
        f"{r.two_sample_accuracy:.2f}{seen})"
    )


def _targeted(runs: list[CheckedRun]) -> str:
    """Each passing run trained on the spectral term: its accuracy on the features the term does
    not match, beside its own run without the term (name less ``+spectral``) or the best one."""
    plain = {r.name: r for r in runs if r.without_spectrum is not None and not r.spectral_term}
    best = min(plain.values(), key=lambda q: q.without_spectrum, default=None)
    n_other = N_FEATURES - len(FEATURE_GROUPS["spectrum"])
    out = ""
    for r in (r for r in runs if r.passes and r.spectral_term and r.without_spectrum is not None):
        other = plain.get(r.name.removesuffix("+spectral"), best)
        against = (
            f", against {other.without_spectrum:.2f} on the same {n_other} features for "
            f"{other.name}, trained without the term"
            + (
                ": no lower, so the pass rests on the features the term matches"
                if r.without_spectrum >= other.without_spectrum
                else ""
            )
            if other
            else ""
        )
        out += (
            f" {r.name} passes with a term that matches the power spectrum, which the check's "
            f"spectrum features measure; on its other {n_other} features the classifier's "
            f"accuracy is {r.without_spectrum:.2f}{against}."
        )
    return out


def verdict(runs: list[CheckedRun], not_run: list[str] | None = None) -> str:
    """The check's verdict: whether any generator passes; what the real-data term (:data:`AFTER`
    against :data:`BEFORE`) changes; what the full recipe (:data:`FULL`) makes and what each of
    its parts (:data:`ABLATIONS`) mattered; the runs that add to the fix (:data:`BEYOND`); the
    re-runs' generators with the whole fix and with the working generator; what still fails;
    what a passing run scores without the features its spectral term matches; and what was
    run."""
    by = {r.name: r for r in runs}
    passing = [r.name for r in runs if r.passes]
    if passing:
        head = f"{len(passing)} of {len(runs)} generators pass ({', '.join(passing)})"
    else:
        head = "No generator passes"
    sentences = []
    if BEFORE in by and AFTER in by:
        b, a = by[BEFORE], by[AFTER]
        ratio = _moves(b.diversity_ratio, a.diversity_ratio, "the diversity ratio")
        p_fake = _moves(b.p_fake_real, a.p_fake_real, "p(fake | real)")
        term = f"the real-data term {ratio} and {p_fake}"
        again = [
            r
            for r in runs
            if r.loop == "library" and r.real_not_fake and not r.fixed and not r.spectral_term
        ]
        if again:
            r = again[0]
            term += (
                f" (seed {r.seed} through the library's loop: {r.diversity_ratio:.2f} and "
                f"{r.p_fake_real:.2f})"
            )
        sentences.append(f"{term}, its samples: {_numbers(a)}")
    if FULL in by:
        f = by[FULL]
        parts = [
            f"{phrase}: {_numbers(by[name])}" for name, phrase in ABLATIONS.items() if name in by
        ]
        sentences.append(
            f"on top of it, a DC net without normalisation, G with batch norm and "
            f"resize-convolutions and lr 2e-4 for both networks ({f.name}, "
            f"{f.iterations:,} iterations) give {_numbers(f)}"
            + (f"; one part changed at a time — {'; '.join(parts)}" if parts else "")
        )
    beyond = [f"{phrase}: {_numbers(by[name])}" for name, phrase in BEYOND.items() if name in by]
    if beyond:
        sentences.append(f"added to the fix in short runs — {'; '.join(beyond)}")
    fixed = [r for r in runs if r.fixed]
    if fixed:
        sizes = " and ".join(f"{n // 1000}K" for n in sorted({r.n_patches for r in fixed}))
        sentences.append(
            f"the {len(fixed)} GAN-CNNs of the replication's re-run with the whole fix ({sizes}, "
            f"{_span([r.iterations for r in fixed], '{:,}')} iterations, the library's loop) "
            f"reach diversity ratio {_span([r.diversity_ratio for r in fixed])}, two-sample "
            f"accuracy {_span([r.two_sample_accuracy for r in fixed])} and p(fake | real) "
            f"{_span([r.p_fake_real for r in fixed])}, {_looks(fixed)}"
        )
    working = [r for r in runs if r.loop == "library" and r.spectral_term]
    if working:
        pairs = (("two_sample_seen", "on the seen 62×62"), ("without_spectrum", SPECTRUM_OFF))
        values = [([getattr(r, k) for r in working], where) for k, where in pairs]
        extra = [f"{_span(v)} {where}" for v, where in values if None not in v]
        sentences.append(
            f"the {len(working)} GAN-CNN{'s' if len(working) != 1 else ''} of the re-run with "
            f"the working generator reach{'es' if len(working) == 1 else ''} "
            f"diversity ratio {_span([r.diversity_ratio for r in working])}, two-sample accuracy "
            f"{_span([r.two_sample_accuracy for r in working])}"
            + (f" ({'; '.join(extra)})" if extra else "")
            + f", {_looks(working)}"
        )
    told = [r for r in runs if r.two_sample_accuracy > MAX_TWO_SAMPLE_ACCURACY]
    accuracies = _span([r.two_sample_accuracy for r in runs])
    if len(told) == len(runs):
        still = (
            "the two-sample classifier still tells every generator's patches from real ones "
            f"(accuracy {accuracies})"
        )
    else:
        still = (
            f"the two-sample classifier tells the patches of {len(told)} of {len(runs)} "
            f"generators from real ones (accuracy above {MAX_TWO_SAMPLE_ACCURACY})"
        )
    with_vessels = [r.name for r in runs if r.look is not None and r.look.vessels]
    if not with_vessels:
        looked = [r for r in runs if r.look is not None]
        seen = (
            "no sample shows a vessel"
            if len(looked) == len(runs)
            else f"none of the {len(looked)} runs looked at shows a vessel"
        )
    else:
        seen = f"vessels show in the samples of {len(with_vessels)} of {len(runs)} runs"
    body = "; ".join(sentences)
    first = f"{head}: {body}; but {still}, and {seen}." if body else f"{head}: {still}, and {seen}."
    first += _targeted(runs)
    short = [r for r in runs if r.loop == "short"]
    threads = {r.threads for r in short}
    on = "one CPU thread" if threads == {1} else f"{_span(list(threads), '{}')} CPU threads"
    seeds = sorted({r.seed for r in short})
    seeds = ("seed " if len(seeds) == 1 else "seeds ") + " and ".join(str(s) for s in seeds)
    scope = (
        f"This holds for what was run: {len(short)} short runs "
        f"({_span([r.iterations for r in short], '{:,}')} iterations on {on}) of the "
        f"{'/'.join(sorted({r.protocol for r in short}))}-protocol GAN-CNN at generator width "
        f"{_span([r.g_width for r in short], '{}')} and DC-net width "
        f"{_span([r.width for r in short], '{}')} with "
        f"{_span([r.n_patches for r in short], '{:,}')} labelled patches, {seeds}, and "
        f"{len(runs) - len(short)} run{'s' if len(runs) - len(short) != 1 else ''} of the "
        "library's loop"
    )
    scope += f"; not run: {'; '.join(not_run)}." if not_run else "."
    return f"{first} {scope}"


def not_run(folder: str | Path) -> list[str]:
    """The suspects (:mod:`~ganseg_lib.experiment.suspect_list`) with no run in suspects.json."""
    from ganseg_lib.experiment.suspect_list import SUSPECTS

    ran = json.loads((Path(folder) / "suspects.json").read_text())
    return [s.what for name, s in SUSPECTS.items() if name not in ran]
