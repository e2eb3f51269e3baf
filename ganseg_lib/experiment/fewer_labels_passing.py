"""The study "Fewer labels", second registration: the GAN-CNN whose generator passed the check.

The first registration (:mod:`ganseg_lib.experiment.fewer_labels`) was committed when no
generator had passed the training chapter's check; its GAN arms carry the generator fix, whose
samples show vessels but which a classifier still tells from real patches. The generator that
later passed (:data:`~ganseg_lib.train.config.WORKING_GENERATOR`: the fix, per-pixel noise in G,
flips of the fakes and a spectral term for G) did so with a DC net of width 32. This second
registration, ``studies/fewer-labels-passing/hypotheses.md``, committed before any run of its
arms, adds that GAN-CNN and a CNN with the same DC net, on the profile ``scarce-dc32`` (the
``scarce`` budget, sizes and seeds; DC net width 32, G width 16) and the same plan: tuning at
1K with seeds 0–1 on lr × β1, then DRIVE at 300, 1K and 3K with seeds 100–107 (the 1K cells
first), then CHASE_DB1 at 1K with seeds 100–104.
"""

from __future__ import annotations

from ganseg_lib.experiment.fewer_labels import LR_BETA, Arm, run_fewer_labels
from ganseg_lib.experiment.setup import Setup
from ganseg_lib.train.config import WORKING_GENERATOR

STUDY = "fewer-labels-passing"
HYPOTHESES = f"studies/{STUDY}/hypotheses.md"
PROFILE = "scarce-dc32"  # the scarce budget with the DC net of width 32 (train.profiles)
# the working generator without its lr, which is tuned here like every tuned arm of the study
PASSING = {k: v for k, v in WORKING_GENERATOR.items() if k != "lr"}
ARMS = (
    # the fair CNN with the passing GAN-CNN's DC net (width 32 from the profile, no
    # normalisation), tuned on lr × β1 like it: the contrast changes only the generator and
    # its losses
    Arm(
        "cnn-dc32",
        "fair CNN, DC net width 32 without norm (tuned)",
        "cnn",
        {"norm": "none"},
        LR_BETA,
    ),
    # the fair GAN-CNN with the generator that passed the check
    Arm("gan-passing", "fair GAN-CNN, the passing generator (tuned)", "gan", PASSING, LR_BETA),
)
ARM = {a.name: a for a in ARMS}


def run_fewer_labels_passing(
    drive: Setup,
    chase: Setup | None = None,
    device: str = "auto",
    poll_s: float = 60.0,
    log=print,
    after=None,
) -> int:
    """Run every missing cell of the second registration (tuning, DRIVE, then CHASE_DB1 given
    ``chase``) by the first registration's plan; return how many are recorded. ``after()``:
    as in :func:`~ganseg_lib.experiment.fewer_labels.run_fewer_labels`."""
    name = "fewer labels (passing generator)"
    return run_fewer_labels(drive, chase, device, poll_s, log, ARMS, HYPOTHESES, name, after)
