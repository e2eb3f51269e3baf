"""The study "Beyond the paper": which arms run at which sizes, and the tuning that comes first.

Pre-registered in ``studies/beyond-the-paper/hypotheses.md`` (committed before the first run):

1. **tuning** — each tuned method (``cnn``, ``gan``, ``ssgan``) trains under the fair protocol at
   15K, seed 0, with every (learning rate, Adam β1) of :data:`TUNING_GRID`; the pair with the
   highest best validation AUC is fixed for all its sizes and seeds (:func:`chosen`). ``frozen``
   and ``noise`` use ``gan``'s pair: the same DC net and losses.
2. **tier 1** — fair ``cnn``, ``gan``, ``ssgan`` at 15K, 30K, 150K; ``frozen`` and ``noise``
   under both protocols at 15K, beside paper-protocol ``gan`` and ``cnn`` run by the same code.
3. **tier 2** — in the plan at registration: the three fair main methods at 3K (a point below the
   paper's smallest size). Added after the first record, before any tier-2 run, and tested by no
   hypothesis: the class-conditional generator (``cgan``, future work 2) at 15K, the K+1-way
   reading of L_c (``gan``, paper protocol) and the paper's normalisation (``norm="instance"``,
   fair ``gan`` and ``cnn``) at 15K.

Within a tier, cells run in the order of :func:`run_order` (the cells the hypotheses test first),
seed-major within each group, so that an unfinished grid has whole hypotheses rather than a
few seeds of everything. Several runners share the cells through the grid's
per-cell locks; a fair cell waits for its method's tuning, and a runner with nothing it can run
yet waits for the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from ganseg_lib.evaluate.record import read_record
from ganseg_lib.experiment.grid import record_is_current, run_plan
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.train.config import ADAM_BETAS, UNLABELLED_POOL, TrainConfig, variant_suffix
from ganseg_lib.train.methods import METHODS

STUDY = "beyond-the-paper"
HYPOTHESES = f"studies/{STUDY}/hypotheses.md"
TUNING_SIZE = 15_000
SCARCE_SIZE = 3_000  # tier 2's point below the paper's smallest size (15K)
TUNING_SEED = 0
TUNING_GRID = ((1e-4, 0.5), (1e-4, 0.9), (3e-4, 0.5), (3e-4, 0.9))  # (lr, β1); ties: earlier
TUNED = {
    "cnn": "cnn",
    "gan": "gan",
    "ssgan": "ssgan",
    "frozen": "gan",
    "noise": "gan",
    "cgan": "gan",  # the same DC net and losses as gan, with a class-conditional generator
}
N_UNLABELLED = UNLABELLED_POOL


@dataclass(frozen=True)
class Arm:
    """A method under a protocol, at some sizes, in a tier of the plan (``classification``: the
    reading of L_c, see ganseg_lib.model.losses; ``norm``: the DC net's normalisation, see
    ganseg_lib.model.networks.DCNet)."""

    method: str
    protocol: str
    sizes: tuple[int, ...]
    tier: int
    classification: str = "conditional"
    norm: str = "final"
    real_not_fake: bool = False  # the DC loss's real-data term (TrainConfig.real_not_fake)

    @property
    def variant(self) -> str:
        """What sets the arm's DC net apart (``-lcjoint``, ``-norminstance``, ``-realnotfake``);
        ``""`` for none."""
        return variant_suffix(self.classification, self.norm, self.real_not_fake)


PLAN = (
    Arm("cnn", "fair", (15_000, 30_000, 150_000), 1),
    Arm("gan", "fair", (15_000, 30_000, 150_000), 1),
    Arm("ssgan", "fair", (15_000, 30_000, 150_000), 1),
    Arm("gan", "paper", (15_000,), 1),
    Arm("cnn", "paper", (15_000,), 1),
    Arm("frozen", "paper", (15_000,), 1),
    Arm("noise", "paper", (15_000,), 1),
    Arm("frozen", "fair", (15_000,), 1),
    Arm("noise", "fair", (15_000,), 1),
    Arm("cnn", "fair", (SCARCE_SIZE,), 2),
    Arm("gan", "fair", (SCARCE_SIZE,), 2),
    Arm("ssgan", "fair", (SCARCE_SIZE,), 2),
    Arm("cgan", "fair", (15_000,), 2),
    # exploratory, added after registration: L_c over the K+1 outputs, so real patches are kept
    # out of the fake class (the conditional reading lets p(fake | real) reach 1)
    Arm("gan", "paper", (15_000,), 2, "joint"),
    # the paper's normalisation (instance norm after every DC-net convolution), to price our one
    # architectural deviation; evaluated on a fixed sample of FOV pixels (evaluate.sampled)
    Arm("gan", "fair", (15_000,), 2, norm="instance"),
    Arm("cnn", "fair", (15_000,), 2, norm="instance"),
)


def study_config(
    setup: Setup,
    method: str,
    protocol: str,
    n_patches: int,
    seed: int,
    lr: float | None = None,
    beta1: float | None = None,
    classification: str = "conditional",
    norm: str = "final",
    real_not_fake: bool = False,
) -> TrainConfig:
    """A study cell's configuration: the profile's budget and widths, the method's unlabelled
    pool, (fair protocol) the given learning rate and β1, the reading of L_c, the DC net's
    normalisation and whether its loss has the real-data term."""
    extra: dict = {"protocol": protocol, "classification": classification, "norm": norm}
    if real_not_fake:  # only when set, so that every earlier configuration is unchanged
        extra["real_not_fake"] = True
    if METHODS[method].unlabelled:
        extra["n_unlabelled"] = N_UNLABELLED
    if protocol == "fair":
        extra["lr"] = lr
        extra["betas"] = (beta1, ADAM_BETAS[1])
    return setup.config(method, n_patches, seed, **extra)


def tuning_cells(setup: Setup) -> list[TrainConfig]:
    """The (lr, β1) runs of every tuned method at 15K, seed 0."""
    return [
        study_config(setup, method, "fair", TUNING_SIZE, TUNING_SEED, lr, b1)
        for method in dict.fromkeys(TUNED.values())
        for lr, b1 in TUNING_GRID
    ]


def chosen(setup: Setup, method: str) -> tuple[float, float] | None:
    """The (lr, β1) chosen for ``method`` on the validation images, or None while any of its
    tuning runs has no record. A failed tuning run scores −∞ (it is never chosen)."""
    scores = []
    for lr, b1 in TUNING_GRID:
        config = study_config(setup, TUNED[method], "fair", TUNING_SIZE, TUNING_SEED, lr, b1)
        path = setup.record_path(config)
        if not record_is_current(path, config):
            return None
        record = read_record(path)
        best = record.training.get("best_val_auc") if record.ok else None
        scores.append(float("-inf") if best is None else best)
    return TUNING_GRID[max(range(len(scores)), key=lambda i: (scores[i], -i))]


def run_order(arm: Arm, n_patches: int) -> int:
    """The group a cell runs in, within its tier.

    Tier 1: 0 the fair main methods at 15K (H1, H3); 1 the paper protocol at 15K (H2, H5); 2 the
    largest size (H4); 3 the rest (tables and curves). Tier 2: 0 the point below the paper's
    smallest size (the label-efficiency curve) and the paper's future work 2 (the
    class-conditional generator), seed by seed together; 1 the paper's normalisation (the price
    of our deviation); 2 the joint reading of L_c (our own exploration).
    """
    if arm.tier == 2:
        if n_patches == SCARCE_SIZE or arm.method == "cgan":
            return 0
        return 1 if arm.norm != "final" else 2
    if (
        arm.protocol == "fair"
        and n_patches == TUNING_SIZE
        and arm.method in ("cnn", "gan", "ssgan")
    ):
        return 0
    if arm.protocol == "paper":
        return 1
    return 2 if n_patches == max(max(a.sizes) for a in PLAN) else 3


def planned_cells(setup: Setup, tiers: tuple[int, ...] = (1,)) -> list[tuple[Arm, int, int]]:
    """(arm, size, seed) of the plan's tiers, by tier, then :func:`run_order`, then seed."""
    cells = [(arm, n, seed) for seed in setup.profile.seeds for arm in PLAN for n in arm.sizes]
    cells = [c for c in cells if c[0].tier in tiers]
    return sorted(cells, key=lambda c: (c[0].tier, run_order(c[0], c[1])))  # stable: seed-major


def resolve_cell(setup: Setup, arm: Arm, n_patches: int, seed: int) -> TrainConfig | None:
    """The cell's configuration, or None while its method's tuning is unfinished."""
    variant = {"classification": arm.classification, "norm": arm.norm}
    variant["real_not_fake"] = arm.real_not_fake
    if arm.protocol == "paper":
        return study_config(setup, arm.method, "paper", n_patches, seed, **variant)
    pair = chosen(setup, arm.method)
    if pair is None:
        return None
    return study_config(setup, arm.method, "fair", n_patches, seed, *pair, **variant)


def run_study(
    setup: Setup,
    tiers: tuple[int, ...] = (1,),
    device: str = "auto",
    poll_s: float = 60.0,
    log=print,
) -> int:
    """Run every missing cell of the tuning stage and of ``tiers``; return how many are recorded.

    Tuning comes first, then the plan; a cell another runner holds, or whose tuning is not
    finished, is passed over and tried again on the next pass.
    """
    from ganseg_lib.experiment.preregistration import require_registered

    require_registered(HYPOTHESES)

    def plan():
        cells = [("tuning", setup, c) for c in tuning_cells(setup)]
        cells += [
            (f"tier {a.tier}", setup, resolve_cell(setup, a, n, s))
            for a, n, s in planned_cells(setup, tiers)
        ]
        return cells

    return run_plan(plan, device, "study", poll_s, log)
