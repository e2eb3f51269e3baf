"""What a run logs between two history lines, and the rule that marks a GAN run as collapsed."""

from __future__ import annotations

import torch

from ganseg_lib.deviations import declare


class Diverged(RuntimeError):
    """Training produced a NaN or Inf loss (or collapsed); the run is marked failed, never
    averaged."""


class Interval:
    """Running means of the per-iteration metrics between two history lines."""

    KEYS = (
        "L_c",
        "L_adv",
        "L_unl",
        "L_real",  # the DC loss's real-data term (TrainConfig.real_not_fake)
        "L_G",
        "L_spec",  # the working generator's spectral term (TrainConfig.spectral_weight)
        "real_acc",
        "fake_detect",
        "p_fake_real",
        "p_fake_unl",
        "adv_share",
    )

    def __init__(self) -> None:
        self.sums = {k: 0.0 for k in self.KEYS}
        self.counts = {k: 0 for k in self.KEYS}
        self.n = 0
        self.patches = 0
        self.seconds = 0.0

    def add(self, metrics: dict[str, torch.Tensor], patches: int, seconds: float) -> None:
        for k, v in metrics.items():
            self.sums[k] += float(v)
            self.counts[k] += 1
        self.n += 1
        self.patches += patches
        self.seconds += seconds

    def means(self) -> dict[str, float | None]:
        # a metric the method does not have (L_adv of the CNN) is None, not 0
        return {k: (self.sums[k] / self.counts[k] if self.counts[k] else None) for k in self.KEYS}


COLLAPSE_WINDOW = 4  # history intervals
COLLAPSE_FAKE_DETECT = 0.99
COLLAPSE_ACC_DROP = 0.05
declare(
    aspect="collapse rule (GAN-CNN only)",
    paper="not stated",
    ours=f"a GAN-CNN run is recorded as failed when, for {COLLAPSE_WINDOW} consecutive intervals, "
    f"the DC net catches ≥ {COLLAPSE_FAKE_DETECT} of the fakes while its real-class accuracy "
    f"falls by ≥ {COLLAPSE_ACC_DROP}; no CNN run can fail this way (no run of the cpu grid did)",
    reason="a collapsed adversarial game pushes the classifier off the real data; the rule is "
    "fixed in advance, and a failed run is listed, never silently dropped",
)


def detect_collapse(history: list[dict], window: int = COLLAPSE_WINDOW) -> str | None:
    """A GAN collapse: for ``window`` consecutive intervals the DC net caught ≥ 99% of the fakes
    while its real-class accuracy fell by ≥ 0.05. Returns the reason, or None.

    The generator then no longer produces anything the DC net mistakes for real patches, so the
    adversarial signal is gone and the classifier is being pushed off the real data.
    """
    for end in range(window, len(history) + 1):
        stretch = history[end - window : end]
        if any(h.get("fake_detect") is None for h in stretch):
            continue
        caught = all(h["fake_detect"] >= COLLAPSE_FAKE_DETECT for h in stretch)
        drop = stretch[0]["real_acc"] - stretch[-1]["real_acc"]
        if caught and drop >= COLLAPSE_ACC_DROP:
            return (
                f"GAN collapse at iterations {stretch[0]['iteration']}–{stretch[-1]['iteration']}: "
                f"fake detection ≥ {COLLAPSE_FAKE_DETECT} while real-class accuracy fell by "
                f"{drop:.3f}"
            )
    return None
