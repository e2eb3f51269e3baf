"""The study "Fewer labels": does adversarial learning reduce annotation where labels are scarce?

Pre-registered in ``studies/fewer-labels/hypotheses.md`` (committed before its first run, the
tuning runs included). Every run is the fair protocol of the study "Beyond the paper"
(augmentation, the best-validation checkpoint) on its budget (profile ``scarce``: 5,000
iterations, width 16, the ``study`` profile's), with new seeds.

1. **tuning** — each tuned arm trains at :data:`TUNING_SIZE` with seeds :data:`TUNING_SEEDS` and
   every candidate of its grid (:data:`GRIDS`); the candidate with the highest mean
   best-validation AUC over the tuning seeds is fixed for all its sizes and seeds (ties: the
   earlier candidate; a failed run scores −∞; :func:`chosen`).
2. **DRIVE** — every arm at its sizes with seeds :data:`SEEDS`, the cells of the primary
   contrasts (1K) first, then 3K, then 300; seed-major within each group.
3. **CHASE_DB1** — the arms of the 1K contrasts at 1K with seeds :data:`CHASE_SEEDS`, each with
   the candidate chosen on DRIVE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

from ganseg_lib.evaluate.record import read_record
from ganseg_lib.experiment.grid import record_is_current, run_plan
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.train.config import (
    ADAM_BETAS,
    GENERATOR_FIX,
    UNLABELLED_POOL,
    TrainConfig,
    field_default,
)

STUDY = "fewer-labels"
HYPOTHESES = f"studies/{STUDY}/hypotheses.md"
PROFILE = "scarce"
SIZES = (300, 1_000, 3_000)
TUNING_SIZE = 1_000
TUNING_SEEDS = (0, 1)
SEEDS = tuple(range(100, 108))  # new seeds: the earlier studies used 0–4
CHASE_SIZE = 1_000
CHASE_SEEDS = tuple(range(100, 105))
SMALL_POOL = 10_000  # the other level of the unlabelled pool in the SSL GAN's grid


def _pair(lr: float, beta1: float) -> dict:
    return {"lr": lr, "betas": (beta1, ADAM_BETAS[1])}


LR_BETA = tuple(_pair(lr, b1) for lr, b1 in product((1e-4, 3e-4), (0.5, 0.9)))
# The SSL GAN's four knobs in a half fraction of the 2^4 design (resolution IV: main effects are
# not aliased with two-factor interactions): the weight of the unsupervised terms against L_c,
# the generator's objective, the learning rate (both networks, β1 0.5) and the unlabelled pool,
# the pool's level set by the product of the other three signs.
SSGAN_GRID = tuple(
    {
        "adv_weight": w,
        "g_loss": g,
        **_pair(lr, 0.5),
        "n_unlabelled": UNLABELLED_POOL if (sw * sg * sl) > 0 else SMALL_POOL,
    }
    for (w, sw), (g, sg), (lr, sl) in product(
        ((0.5, -1), (1.0, 1)), (("fm", -1), ("paper", 1)), ((1e-4, -1), (3e-4, 1))
    )
)
JOINT_GRID = tuple({**p, "adv_weight": w} for p in LR_BETA for w in (0.5, 1.0))


@dataclass(frozen=True, eq=False)  # arms are compared by identity (their fields hold dicts)
class Arm:
    """One arm of the study: a method with its fixed fields, the tuning grid its remaining
    fields come from (empty: nothing tuned), its DRIVE sizes and whether it runs on CHASE_DB1."""

    name: str
    label: str
    method: str
    fixed: dict = field(default_factory=dict)
    grid: tuple[dict, ...] = ()
    sizes: tuple[int, ...] = SIZES
    chase: bool = True


# the generator check's fix without the DC loss's real-data term, which the SSL GAN's L_unl and
# the joint L_c already hold: a DC net without normalisation, G with batch norm and resize-convs
# (the learning rate is tuned instead)
FIX = {k: v for k, v in GENERATOR_FIX.items() if k != "lr"}
FIXED_NETS = {k: v for k, v in FIX.items() if k != "real_not_fake"}
ARMS = (
    # the fair CNN of "Beyond the paper", with its choice (lr 3e-4, β1 0.9)
    Arm("cnn", "fair CNN", "cnn", _pair(3e-4, 0.9)),
    # the fair CNN with the fixed GAN arms' DC net (no normalisation), tuned like them: what the
    # DC net's change alone does
    Arm("cnn-none", "fair CNN, DC net without norm (tuned)", "cnn", {"norm": "none"}, LR_BETA),
    # the fair GAN-CNN exactly as "Beyond the paper" ran it (lr 3e-4, β1 0.5)
    Arm("gan-study", "fair GAN-CNN (as in the study)", "gan", _pair(3e-4, 0.5), chase=False),
    # the fair GAN-CNN with the generator check's fix (the real-data term, the DC net without
    # norm, G with batch norm and resize-convolutions)
    Arm("gan-fixed", "fair GAN-CNN, generator fix (tuned)", "gan", FIX, LR_BETA),
    # the K+1 semi-supervised GAN with the fix's networks, tuned on the knobs the literature
    # says matter
    Arm("ssgan", "K+1 SSL GAN (tuned)", "ssgan", FIXED_NETS, SSGAN_GRID),
    # the live-game GAN-CNN: L_c over all K+1 outputs, with the fix's networks
    Arm(
        "gan-joint",
        "joint-L_c GAN-CNN (tuned)",
        "gan",
        {"classification": "joint", **FIXED_NETS},
        JOINT_GRID,
        sizes=(1_000,),
    ),
)
ARM = {a.name: a for a in ARMS}


# the fields that tell the study's arms apart (the budget, sizes and seeds aside)
ARM_FIELDS = (
    "protocol",
    "norm",
    "g_arch",
    "fake_flips",
    "spectral_weight",
    "real_not_fake",
    "classification",
    "adv_weight",
    "g_loss",
    "n_unlabelled",
    "lr",
    "betas",
)


def arm_of(config: TrainConfig, arms: tuple[Arm, ...] | None = None) -> Arm | None:
    """The arm of the study that made a run of ``config`` (None: none of its arms): the one
    whose method, fixed fields and one grid candidate give every field of :data:`ARM_FIELDS`
    its value in ``config`` (the others at their defaults, the protocol fair); ``arms``: the
    first registration's, or another registration's."""
    got = {k: getattr(config, k) for k in ARM_FIELDS}
    defaults = {k: field_default(k) for k in ARM_FIELDS} | {"protocol": "fair"}
    for arm in ARMS if arms is None else arms:
        if config.method != arm.method:
            continue
        for candidate in arm.grid or ({},):
            if defaults | arm.fixed | candidate == got:
                return arm
    return None


def is_tuning(data: str, n_patches: int, seed: int) -> bool:
    """Whether a run of ``n_patches`` labelled patches and ``seed`` on ``data`` is a tuning run:
    DRIVE, :data:`TUNING_SIZE`, one of :data:`TUNING_SEEDS`."""
    return data == "drive" and seed in TUNING_SEEDS and n_patches == TUNING_SIZE


def stage_of(config: TrainConfig, data: str) -> str | None:
    """The stage of the plan a run of ``config`` on ``data`` counts for: "tuning", "DRIVE 1,000"
    …, "CHASE_DB1 1,000" (None: none)."""
    seed, n = config.seed, config.n_patches
    if is_tuning(data, n, seed):
        return "tuning"
    if data == "drive" and seed in SEEDS:
        return f"DRIVE {n:,}"
    if data == "chase" and seed in CHASE_SEEDS and n == CHASE_SIZE:
        return f"CHASE_DB1 {n:,}"
    return None


def arm_config(setup: Setup, arm: Arm, n_patches: int, seed: int, candidate: dict) -> TrainConfig:
    """A cell's configuration: the profile's budget, the fair protocol, the arm's fixed fields
    and one candidate of its grid."""
    return setup.config(arm.method, n_patches, seed, protocol="fair", **arm.fixed, **candidate)


def tuning_cells(
    setup: Setup, arms: tuple[Arm, ...] | None = None
) -> list[tuple[Arm, TrainConfig]]:
    """Every (arm, configuration) of the tuning stage, arm by arm, candidate by candidate
    (``arms``: :data:`ARMS`, or another registration's)."""
    return [
        (arm, arm_config(setup, arm, TUNING_SIZE, seed, candidate))
        for arm in (ARMS if arms is None else arms)
        for candidate in arm.grid
        for seed in TUNING_SEEDS
    ]


def chosen(setup: Setup, arm: Arm) -> dict | None:
    """The arm's candidate: the only one of an untuned arm; else the one with the highest mean
    best-validation AUC over the tuning seeds, or None while a tuning run has no record."""
    if not arm.grid:
        return {}
    scores = []
    for candidate in arm.grid:
        values = []
        for seed in TUNING_SEEDS:
            config = arm_config(setup, arm, TUNING_SIZE, seed, candidate)
            path = setup.record_path(config)
            if not record_is_current(path, config):
                return None
            record = read_record(path)
            best = record.training.get("best_val_auc") if record.ok else None
            values.append(float("-inf") if best is None else float(best))
        scores.append(sum(values) / len(values))
    return arm.grid[max(range(len(scores)), key=lambda i: (scores[i], -i))]


def run_order(n_patches: int) -> int:
    """DRIVE cells run by group: the 1K contrasts first, then 3K, then 300."""
    return {1_000: 0, 3_000: 1, 300: 2}.get(n_patches, 3)


def planned_cells(
    chase: bool = False, arms: tuple[Arm, ...] | None = None
) -> list[tuple[Arm, int, int]]:
    """(arm, size, seed) of DRIVE (or of CHASE_DB1), in the order they run (``arms``:
    :data:`ARMS`, or another registration's)."""
    arms = ARMS if arms is None else arms
    if chase:
        return [(a, CHASE_SIZE, s) for s in CHASE_SEEDS for a in arms if a.chase]
    cells = [(a, n, s) for s in SEEDS for a in arms for n in a.sizes]
    return sorted(cells, key=lambda c: run_order(c[1]))  # stable: seed-major within a group


def resolve_cell(
    setup: Setup, drive: Setup, arm: Arm, n_patches: int, seed: int
) -> TrainConfig | None:
    """The cell's configuration with the candidate chosen on DRIVE (``drive``), or None while
    that choice is open."""
    candidate = chosen(drive, arm)
    return None if candidate is None else arm_config(setup, arm, n_patches, seed, candidate)


def run_fewer_labels(
    drive: Setup,
    chase: Setup | None = None,
    device: str = "auto",
    poll_s: float = 60.0,
    log=print,
    arms: tuple[Arm, ...] | None = None,
    hypotheses: str = HYPOTHESES,
    name: str = "fewer labels",
    after=None,
) -> int:
    """Run every missing cell: tuning, then DRIVE, then (given ``chase``) CHASE_DB1; return how
    many are recorded. A cell another runner holds, or whose tuning is open, is passed over and
    tried again on the next pass; several runners share the cells through the grid's locks.
    ``arms``, ``hypotheses``, ``name``: another registration of the study (its arms, the file
    that registers them, the name its progress shows); ``after()``, given, runs before every
    pass (the command's: the generator checks of
    :func:`~ganseg_lib.experiment.fewer_checks.checks_after`)."""
    from ganseg_lib.experiment.preregistration import require_registered

    require_registered(hypotheses)

    def plan():
        cells = [("tuning", drive, c) for _, c in tuning_cells(drive, arms)]
        cells += [
            ("drive", drive, resolve_cell(drive, drive, *c)) for c in planned_cells(arms=arms)
        ]
        if chase is not None:
            cells += [
                ("chase", chase, resolve_cell(chase, drive, *c))
                for c in planned_cells(chase=True, arms=arms)
            ]
        return cells

    return run_plan(plan, device, name, poll_s, log, after)
