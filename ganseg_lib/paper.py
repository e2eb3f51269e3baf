"""The paper's constants, numbers and names, each defined once (seed slides, ``shared/seed``).

Everything the slides fix lives here; a value of ours that the slides leave open is declared where
it is set, with :func:`ganseg_lib.deviations.deviation`.
"""

from __future__ import annotations

# --- "Preprocessing & Patch Creation" and "Proposed Model of GAN" ------------------------------
PATCH_SIZE = 64  # "64×64 dimensional patches"
NOISE_DIM = 300  # "a 300-D standard normal noise vector"
K = 2  # real classes of the K+1-way softmax: vessel, background
# Class indices of the DC net's softmax [Class 1, ..., Class K, FAKE].
VESSEL, BACKGROUND, FAKE = 0, 1, 2
CLASS_NAMES = ("vessel", "background", "fake")
# A patch's label on disk is whether its centre pixel is a vessel (1) or background (0).
LABEL_VESSEL, LABEL_BACKGROUND = 1, 0

# --- "Training Details" ---------------------------------------------------------------------------
LEAKY_SLOPE = 0.1  # "Slope of leaky ReLU = 0.1"
LEARNING_RATE = 1e-4  # "Initial learning rate = 10^-4 (for both G and DC)"
LR_DECAY = 0.8  # "Decay factor of 0.8 after every 20 epochs"
DECAY_EVERY_EPOCHS = 20.0
BATCH_SIZE = 64  # "Mini-batch size of 64"

# --- "Results" ------------------------------------------------------------------------------------
PAPER_SIZES = (15_000, 30_000, 150_000)  # labelled patches
# The paper's two methods: its proposal and the same CNN trained without the generator.
PAPER_METHODS = ("gan", "cnn")
# Mean AUC of GAN-CNN and CNN and the Welch p-value, per dataset size.
PAPER_RESULTS: dict[int, dict[str, float]] = {
    15_000: {"gan": 0.931, "cnn": 0.916, "p": 1e-5},
    30_000: {"gan": 0.945, "cnn": 0.921, "p": 1e-3},
    150_000: {"gan": 0.962, "cnn": 0.960, "p": 0.1},
}
# "Comparison of mean AUC of some of the contemporary deep learning based retinal vessel
# segmentation algorithm": (method, labelled patches, mean AUC), as reported.
LITERATURE: tuple[tuple[str, int, float], ...] = (
    ("Maji et al.", 60_000, 0.928),
    ("Lahiri et al.", 120_000, 0.950),
    ("Fu et al.", 330_000, 0.947),
    ("Liskowski et al.", 3_857_000, 0.963),
    ("GAN-CNN (Proposed)", 30_000, 0.945),
    ("GAN-CNN (Proposed)", 15_000, 0.931),
)


def size_label(n: int) -> str:
    """A labelled-patch count as the slides write it: 15000 → '15K'."""
    return f"{n // 1000}K" if n % 1000 == 0 else f"{n:,}"
