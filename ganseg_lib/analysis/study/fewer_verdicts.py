"""The verdicts of the study "Fewer labels", each by the rule registered in
``studies/fewer-labels/hypotheses.md`` before its first run, with Holm-adjusted p-values.

* **Primary score of a run** (:func:`study_runs`): the mean test AUC of the checkpoint with the
  best validation AUC (``evaluation_best``); the last checkpoint's (``evaluation``) is reported
  beside it. A record counts for its cell when :func:`~ganseg_lib.analysis.study.progress.arm_of`
  gives its arm, its size is one of the arm's, its seed one of the study's (DRIVE
  :data:`~ganseg_lib.experiment.fewer_labels.SEEDS`, CHASE_DB1
  :data:`~ganseg_lib.experiment.fewer_labels.CHASE_SEEDS`; never a tuning seed) and its
  configuration is the cell's with the candidate chosen on DRIVE's tuning runs. A failed run
  has no score: it counts as missing, and the verdict says how many failed.
* **L1, L3a, L3b, L4, L5, S3a, S3b, S4, S5** — a − b by Welch across seeds
  (:func:`~ganseg_lib.analysis.study.verdicts.difference_verdict`): *supported* when the
  difference > 0 with p < 0.05, *refuted* when < 0 with p < 0.05, *equivalent* when neither and
  the TOST p < 0.05 (margin ±0.0028 for L1, half the exploratory effect it confirms; ±0.0075
  for the others), else *inconclusive*. For L4 and S4 (two-sided claims) *supported* is a gain,
  *refuted* a loss.
* **L2** — (gan-study − cnn at 300) − (gan-study − cnn at 3K) by the Welch–Satterthwaite
  contrast of four groups (:func:`~ganseg_lib.analysis.study.verdicts.contrast_verdict`):
  *supported* when > 0 with p < 0.05, *refuted* when < 0 with p < 0.05, else *inconclusive*.
* **Not yet run / incomplete** — a hypothesis with a group without records is *not yet run*;
  one with fewer records than the planned seeds (8 on DRIVE, 5 on CHASE_DB1) per group has, in
  the first registration, no verdict until its cells are complete ("a verdict is computed only
  once its cells are complete": :data:`AWAITING`, its effect so far shown, no p in Holm); the
  second registration judges it on the seeds it has and marks it *interim*.
* **Holm** (:func:`~ganseg_lib.analysis.stats.holm`) within each family: on DRIVE the primary
  family (L1, L2, L3a, L3b, L4, L5; against ``cnn``) and the secondary family (S3a, S3b, S4,
  S5; against ``cnn-none``); on CHASE_DB1 the family L3b, L4, L5, S3b, S4, S5 at 1K, adjusted
  on its own. The p beside a verdict is that of the test that decided it.
* **What a CI excludes** — every verdict with a 95% CI says which of :data:`REFERENCES` (the
  paper's +0.015 at 15K, the exploratory +0.0056 at 3K) it excludes.
* **The second registration** (``studies/fewer-labels-passing/hypotheses.md``, :data:`PASSING`):
  P1–P3 on DRIVE (gan-passing − cnn-dc32 at 1K and at 300, and the contrast of 300 against 3K),
  Holm over the three; P4 on CHASE_DB1 at 1K on its own; by the same rules (TOST ±0.0075).
  Each of its verdicts also says how many of its gan-passing runs' generators pass the
  generator check (:func:`generator_text`); that count decides nothing.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

import pandas as pd

from ganseg_lib.analysis.present.text import (
    excluded_text,
    fmt_ci,
    fmt_p,
    fmt_signed,
    missing,
)
from ganseg_lib.analysis.stats import SIGNIFICANCE, contrast_test, holm, welch_test
from ganseg_lib.analysis.study.fewer_generators import checked_generators, pass_text
from ganseg_lib.analysis.study.verdicts import (
    EQUIVALENT,
    MARGIN,
    NOT_YET_RUN,
    PAPER_GAIN,
    REFUTED,
    SMALL,
    SUPPORTED,
    Verdict,
    contrast_verdict,
    difference_verdict,
)
from ganseg_lib.errors import ConfigError
from ganseg_lib.evaluate.record import load_results
from ganseg_lib.experiment import fewer_labels as plan
from ganseg_lib.experiment import fewer_labels_passing as passing
from ganseg_lib.experiment.fewer_labels import arm_of
from ganseg_lib.experiment.preregistration import read_preregistration
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.paper import size_label
from ganseg_lib.train.profiles import get_profile

EXPLORATORY_GAIN = 0.0056  # fair GAN-CNN − fair CNN at 3K, seeds 0–4 ("Beyond the paper")
L1_MARGIN = EXPLORATORY_GAIN / 2  # ±0.0028
REFERENCES = {
    "the paper's 15K gain": PAPER_GAIN[SMALL],
    "the exploratory 3K gain": EXPLORATORY_GAIN,
}
AWAITING = "no verdict until its cells are complete"  # the first registration's rule
PLANNED = {"drive": len(plan.SEEDS), "chase": len(plan.CHASE_SEEDS)}
PRIMARY, SECONDARY, CHASE = "primary", "secondary", "CHASE_DB1"
FAMILIES = {
    "drive": {
        PRIMARY: ("L1", "L2", "L3a", "L3b", "L4", "L5"),
        SECONDARY: ("S3a", "S3b", "S4", "S5"),
    },
    "chase": {CHASE: ("L3b", "L4", "L5", "S3b", "S4", "S5")},
}
RUN_COLUMNS = ("arm", "n_patches", "seed", "ok", "score", "score_last", "path")


@dataclass(frozen=True)
class Test:
    """A registered test: two (arm, size) groups for a − b, four for the contrast (a − b at the
    first size) − (a − b at the second); ``margin`` the TOST margin (None: no equivalence)."""

    groups: tuple[tuple[str, int], ...]
    margin: float | None = MARGIN

    @property
    def name(self) -> str:
        (a, n), (b, _) = self.groups[:2]
        return f"{a} − {b} at {size_label(n)}"


def _diff(a: str, b: str, n: int, margin: float = MARGIN) -> Test:
    return Test(((a, n), (b, n)), margin)


TESTS = {
    "L1": _diff("gan-study", "cnn", 3_000, L1_MARGIN),
    "L2": Test(
        (("gan-study", 300), ("cnn", 300), ("gan-study", 3_000), ("cnn", 3_000)), margin=None
    ),
    "L3a": _diff("ssgan", "cnn", 300),
    "L3b": _diff("ssgan", "cnn", 1_000),
    "L4": _diff("gan-joint", "cnn", 1_000),
    "L5": _diff("gan-fixed", "cnn", 1_000),
    "S3a": _diff("ssgan", "cnn-none", 300),
    "S3b": _diff("ssgan", "cnn-none", 1_000),
    "S4": _diff("gan-joint", "cnn-none", 1_000),
    "S5": _diff("gan-fixed", "cnn-none", 1_000),
}


PASSING_TESTS = {
    "P1": _diff("gan-passing", "cnn-dc32", 1_000),
    "P2": _diff("gan-passing", "cnn-dc32", 300),
    "P3": Test(
        (("gan-passing", 300), ("cnn-dc32", 300), ("gan-passing", 3_000), ("cnn-dc32", 3_000)),
        margin=None,
    ),
    "P4": _diff("gan-passing", "cnn-dc32", 1_000),
}


@dataclass(frozen=True, eq=False)
class Registration:
    """What a registration of the study fixes for its verdicts: its profile, arms,
    ``hypotheses.md``, the arms, sizes and margin of each test, its Holm families per data
    source, the arm whose curve its saving factors read (``baseline``), the arm whose every
    generator it checks (``checked``; None: none) and whether a verdict is given on the seeds so
    far (``interim``; else only once its cells are complete, as the first registration says)."""

    profile: str
    arms: tuple[plan.Arm, ...]
    hypotheses: str
    tests: dict[str, Test]
    families: dict[str, dict[str, tuple[str, ...]]]
    baseline: str = "cnn"
    checked: str | None = None
    interim: bool = False

    @property
    def arm(self) -> dict[str, plan.Arm]:
        return {a.name: a for a in self.arms}


FIRST = Registration(plan.PROFILE, plan.ARMS, plan.HYPOTHESES, TESTS, FAMILIES)
PASSING = Registration(
    passing.PROFILE,
    passing.ARMS,
    passing.HYPOTHESES,
    PASSING_TESTS,
    {"drive": {PRIMARY: ("P1", "P2", "P3")}, "chase": {CHASE: ("P4",)}},
    baseline="cnn-dc32",
    checked="gan-passing",
    interim=True,
)


@dataclass(frozen=True)
class FewerVerdict(Verdict):
    """A verdict of "Fewer labels": :class:`~ganseg_lib.analysis.study.verdicts.Verdict` with
    its Holm family and data source."""

    family: str = ""
    data: str = "drive"
    # the ids of its Holm family untested so far, counted as p = 1: its Holm p is then an upper
    # bound (Holm's adjustment never falls as a p-value rises), final once this is empty
    holm_untested: tuple[str, ...] = ()

    @property
    def verdict_text(self) -> str:
        """As :attr:`Verdict.verdict_text`; a hypothesis awaiting its cells is not "interim"."""
        text = super().verdict_text
        return text.replace("interim: ", "") if self.verdict == AWAITING else text


def _setup(results_dir: str | os.PathLike, data: str, profile: str = plan.PROFILE) -> Setup:
    """The study's profile on ``data`` with ``results_dir`` (no images are looked up)."""
    return Setup(get_profile(profile), data, data, results_dir=Path(results_dir))


def study_runs(
    results_dir: str | os.PathLike = "results",
    data: str = "drive",
    registration: Registration = FIRST,
) -> pd.DataFrame:
    """One row per record of a planned cell of ``data`` ("drive" or "chase"): its arm, size,
    seed, whether it ran (``ok``), its primary score (``score``: the best-validation
    checkpoint's mean test AUC; NaN for a failed run) and the last checkpoint's
    (``score_last``). Records of tuning seeds, of other seeds or sizes, of no arm, or of a
    candidate other than the one chosen on DRIVE's tuning runs are left out."""
    profile, arms = registration.profile, registration.arms
    folder = Path(results_dir) / profile / data
    df = load_results(results_dir, profile=profile, data=data) if folder.is_dir() else None
    if df is None or not len(df):
        return pd.DataFrame(columns=list(RUN_COLUMNS))
    drive, setup = _setup(results_dir, "drive", profile), _setup(results_dir, data, profile)
    cells = {(a.name, n, s) for a, n, s in plan.planned_cells(data == "chase", arms)}
    candidates: dict[str, dict | None] = {}
    rows = []
    for record, path in zip(df["record"], df["path"]):
        cfg = record.config
        arm = arm_of(cfg, arms)
        if arm is None or (arm.name, cfg.n_patches, cfg.seed) not in cells:
            continue
        if arm.name not in candidates:
            candidates[arm.name] = plan.chosen(drive, arm)
        candidate = candidates[arm.name]
        if candidate is None or cfg != plan.arm_config(
            setup, arm, cfg.n_patches, cfg.seed, candidate
        ):
            continue
        best = record.evaluation_best if record.ok else None
        last = record.evaluation if record.ok else None
        rows.append(
            {
                "arm": arm.name,
                "n_patches": cfg.n_patches,
                "seed": cfg.seed,
                "ok": record.ok,
                "score": math.nan if best is None else float(best["mean_auc"]),
                "score_last": math.nan if last is None else float(last["mean_auc"]),
                "path": path,
            }
        )
    return pd.DataFrame(rows, columns=list(RUN_COLUMNS)).sort_values(["arm", "n_patches", "seed"])


def cell_counts(
    results_dir: str | os.PathLike = "results",
    data: str = "drive",
    registration: Registration = FIRST,
) -> tuple[int, int]:
    """(recorded, planned) cells of the registration on ``data``; a failed run's record counts
    as recorded."""
    planned = plan.planned_cells(data == "chase", registration.arms)
    return len(study_runs(results_dir, data, registration)), len(planned)


def cells_left(
    results_dir: str | os.PathLike = "results",
    data: str = "drive",
    registration: Registration = FIRST,
) -> int:
    """Planned cells on ``data`` without a record yet (:func:`cell_counts`); 0: all run."""
    recorded, planned = cell_counts(results_dir, data, registration)
    return planned - recorded


def _scores(runs: pd.DataFrame, column: str = "score") -> dict[tuple[str, int], pd.Series]:
    out = {}
    for (arm, n), cell in runs.groupby(["arm", "n_patches"]):
        cell = cell[cell[column].notna()]
        out[arm, int(n)] = pd.Series(cell[column].to_numpy(float), index=cell["seed"].to_numpy(int))
    return out


def arm_scores(
    results_dir: str | os.PathLike = "results",
    data: str = "drive",
    column: str = "score",
    registration: Registration = FIRST,
) -> dict[tuple[str, int], pd.Series]:
    """Per-seed primary scores (index: seed) of every (arm, size) of ``registration`` with a
    record on ``data``, from :func:`study_runs` (the study's seeds only; failed runs left out).
    ``column="score_last"``: the last checkpoint's scores."""
    return _scores(study_runs(results_dir, data, registration), column)


def registration_path(
    results_dir: str | os.PathLike = "results", registration: Registration = FIRST
) -> Path:
    """The registration's ``hypotheses.md`` beside ``results_dir`` (its repository), else this
    package's repository's."""
    name = registration.hypotheses
    beside = Path(results_dir).resolve().parent / name
    return beside if beside.is_file() else Path(__file__).resolve().parents[3] / name


def _last_text(test: Test, last: list[pd.Series]) -> str:
    """The same test on the last checkpoint's scores, reported beside the primary one."""
    if any(len(g) < 2 for g in last):
        return ""
    if len(last) == 2:
        t = welch_test(*last)
        estimate, low, high, p = t.difference, t.ci_low, t.ci_high, t.p_value
    else:
        c = contrast_test(last, [1, -1, -1, 1])
        estimate, low, high, p = c.estimate, c.ci_low, c.ci_high, c.p_value
    return f"; last checkpoint {fmt_signed(estimate)} {fmt_ci(low, high)}, p = {fmt_p(p)}"


def hypothesis_verdict(
    hid: str,
    claim: str,
    test: Test,
    runs: pd.DataFrame,
    data: str,
    family: str,
    generators: str = "",
) -> FewerVerdict:
    """One hypothesis' verdict by its registered rule (see the module's docstring) from the
    records of :func:`study_runs`; the effect text adds the seeds behind it, the last
    checkpoint's effect, which of :data:`REFERENCES` its 95% CI excludes and ``generators``
    (how many of its GAN arm's generators pass the check; it decides nothing)."""
    best, last = _scores(runs), _scores(runs, "score_last")
    empty = pd.Series(dtype=float)
    groups = [best.get(g, empty) for g in test.groups]
    recorded = [int(((runs["arm"] == a) & (runs["n_patches"] == n)).sum()) for a, n in test.groups]
    planned = PLANNED[data]
    complete = all(k >= planned for k in recorded)
    failed = sum(k - len(g) for k, g in zip(recorded, groups))
    if len(groups) == 2:
        margin = MARGIN if test.margin is None else test.margin
        v = difference_verdict(hid, *groups, test.name, complete, claim=claim, margin=margin)
    else:
        sizes = (test.groups[0][1], test.groups[2][1])
        v = contrast_verdict(hid, groups, complete, claim=claim, sizes=sizes, paper=None)
    effect = v.effect
    if any(len(g) for g in groups) or failed:
        effect += f"; seeds {v.runs}" + (f" ({failed} failed)" if failed else "")
        effect += _last_text(test, [last.get(g, empty) for g in test.groups])
    if not (math.isnan(v.ci_low) or math.isnan(v.ci_high)):
        effect += "; " + excluded_text(v.ci_low, v.ci_high, REFERENCES)
    effect += f"; {generators}" if generators else ""
    base = {f.name: getattr(v, f.name) for f in fields(Verdict)}
    base.update(effect=effect, failed=failed, planned=planned, complete=complete)
    return FewerVerdict(**base, family=family, data=data)


def generator_text(registration: Registration, test: Test, runs, checked: dict) -> str:
    """How many generators of the registration's checked arm in ``test``'s groups pass the check
    (:func:`~ganseg_lib.analysis.study.fewer_generators.pass_text` over ``checked``, the checks
    by cell); '' where it checks none."""
    arm = registration.checked
    sizes = {n for a, n in test.groups if a == arm}
    if not sizes or not len(runs):
        return ""
    mine = runs[(runs["arm"] == arm) & runs["n_patches"].isin(sizes) & runs["ok"]]
    cells = [Path(p).stem for p in mine["path"]]
    return pass_text(cells, checked) if cells else ""


def _awaiting(v: FewerVerdict) -> FewerVerdict:
    """An incomplete hypothesis of a registration without interim verdicts: no label, no p."""
    return replace(v, verdict=AWAITING, p_value=math.nan)


def evaluate(
    results_dir: str | os.PathLike = "results",
    data: str = "drive",
    hypotheses: str | os.PathLike | None = None,
    registration: Registration = FIRST,
) -> list[FewerVerdict]:
    """The registered hypotheses' verdicts on ``data`` ("drive": its DRIVE families; "chase":
    its CHASE_DB1 family), family by family, each with its Holm-adjusted p within its family.
    The ids, claims and tests are read from the registration's file (``hypotheses``, by
    default :func:`registration_path`); the arms, sizes and margins of each test from its
    ``tests`` (:data:`FIRST`: :data:`TESTS`; :data:`PASSING`: :data:`PASSING_TESTS`)."""
    families, tests = registration.families, registration.tests
    if data not in families:
        raise ConfigError(f"data must be one of {tuple(families)}, got {data!r}")
    registered = read_preregistration(hypotheses or registration_path(results_dir, registration))
    claims = {h["id"]: h for h in registered.hypotheses}
    if set(claims) != set(tests):
        raise ConfigError(f"{registered.path}: registered {sorted(claims)}, tested {sorted(tests)}")
    runs = study_runs(results_dir, data, registration)
    # the checks file is read once for every hypothesis
    checked = checked_generators(results_dir, data) if registration.checked else {}
    out: list[FewerVerdict] = []
    for family, ids in families[data].items():
        verdicts = [
            hypothesis_verdict(
                hid,
                claims[hid]["claim"],
                tests[hid],
                runs,
                data,
                family,
                generator_text(registration, tests[hid], runs, checked),
            )
            for hid in ids
        ]
        if not registration.interim:
            # "a verdict is computed only once its cells are complete": until then the label
            # says so and no p enters Holm; the effect so far stays, as where it stands
            verdicts = [
                v if v.complete or v.verdict == NOT_YET_RUN else _awaiting(v) for v in verdicts
            ]
        adjusted = holm([v.p_value for v in verdicts])
        untested = tuple(v.id for v in verdicts if missing(v.p_value))
        for v, p in zip(verdicts, adjusted):
            pending = () if missing(v.p_value) else untested
            # the registration names Holm families: a label decided at each test's own α that
            # does not hold after Holm's adjustment says so, and "so far" while its family has
            # untested members (their p = 1 makes this Holm p an upper bound)
            if v.verdict in (SUPPORTED, REFUTED, EQUIVALENT) and not p < SIGNIFICANCE:
                v = replace(v, verdict=f"{v.verdict} (not after Holm{' so far' * bool(pending)})")
            out.append(replace(v, holm_p=p, holm_untested=pending))
    return out
