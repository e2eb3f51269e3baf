"""The paper's question as a number: how many labelled patches is an arm's training worth to the
CNN? The *annotation-saving factor*.

For an arm trained on N labelled patches with mean test AUC a, the CNN-equivalent size N* is
where the fair CNN's label-efficiency curve reaches a: the CNN's mean AUC at its measured sizes
N_1 < … < N_k, joined by straight lines in log N (linear interpolation on the log-size axis),
read backwards,

    log N* = log N_i + (a − c_i) / (c_{i+1} − c_i) · (log N_{i+1} − log N_i),  c_i ≤ a ≤ c_{i+1},

and the saving factor is N* / N (> 1: the arm's labels are worth more than the CNN's). Where a
lies below the CNN's curve at its smallest size or above it at its largest, N* is not measured:
the result says so ("below" or "above" the curve) rather than extrapolating. Where the curve is
not monotone, the first crossing from the small end is taken.

The 95% CI is a percentile bootstrap over seeds: each arm-and-size group of per-seed scores (the
arm at N and the CNN at every size) is resampled with replacement on its own, N* recomputed; the
share of resamples that leave the curve is reported beside the interval, whose bounds are then
open ("≥", "≤").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ganseg_lib.analysis.present.text import join_and

BELOW, ABOVE = "below", "above"  # the arm's AUC lies below / above the measured CNN curve


def equivalent_size(sizes: Sequence[float], cnn_means: Sequence[float], auc: float) -> float | str:
    """N*: the labelled patches at which the CNN curve (piecewise linear in log N through
    ``(sizes, cnn_means)``) reaches ``auc``; :data:`BELOW` or :data:`ABOVE` when it does not."""
    n = np.asarray(sizes, float)
    c = np.asarray(cnn_means, float)
    if len(n) < 2 or len(n) != len(c):
        raise ValueError("the CNN curve needs at least two sizes, one mean each")
    order = np.argsort(n)
    n, c = n[order], c[order]
    if auc < c.min():
        return BELOW
    if auc > c.max():
        return ABOVE
    logn = np.log(n)
    for i in range(len(n) - 1):
        lo, hi = c[i], c[i + 1]
        if min(lo, hi) <= auc <= max(lo, hi):
            if hi == lo:
                return float(n[i])
            t = (auc - lo) / (hi - lo)
            return float(math.exp(logn[i] + t * (logn[i + 1] - logn[i])))
    return float(n[int(np.argmin(np.abs(c - auc)))])  # a point of the curve itself


@dataclass(frozen=True)
class Saving:
    """An arm at ``n_patches``: its CNN-equivalent size N* and the factor N* / N, with the
    bootstrap's 95% interval of the factor and the shares of resamples off the curve."""

    n_patches: int
    arm_auc: float
    equivalent: float | str  # N*, or BELOW / ABOVE
    factor_low: float
    factor_high: float
    off_below: float  # share of resamples whose N* is below the curve
    off_above: float
    n_resamples: int
    # the groups behind N* with one seed so far ("the arm", "the CNN at 300"): the bootstrap
    # cannot resample their spread, so no interval is given while there are any
    single: tuple[str, ...] = ()

    @property
    def factor(self) -> float | str:
        e = self.equivalent
        return e if isinstance(e, str) else e / self.n_patches

    def text(self, name: str = "the arm") -> str:
        """'the arm with 1,000 labels is worth ≈ 2,300 CNN labels (×2.3, 95% CI ×1.4 to ×3.9)'."""
        head = f"{name} with {self.n_patches:,} labels"
        if isinstance(self.equivalent, str):
            where = "less than" if self.equivalent == BELOW else "more than"
            return (
                f"{head} scores {where} the CNN does at any measured size: its worth in CNN "
                "labels is outside the measured curve and is not extrapolated"
            )
        if self.single:
            one = join_and(self.single)
            return (
                f"{head} is worth ≈ {self.equivalent:,.0f} CNN labels (×{self.factor:.2g}; no 95% "
                f"CI while {one} {'has' if len(self.single) == 1 else 'have'} one seed)"
            )
        low = "≤" if self.off_below > 0.025 else ""
        high = "≥" if self.off_above > 0.025 else ""
        ci = f"95% CI {low}×{self.factor_low:.2g} to {high}×{self.factor_high:.2g}"
        off = ""
        if self.off_below or self.off_above:
            off = (
                f"; {100 * (self.off_below + self.off_above):.0f}% of resamples leave the "
                "measured curve"
            )
        return (
            f"{head} is worth ≈ {self.equivalent:,.0f} CNN labels (×{self.factor:.2g}, {ci}{off})"
        )


def saving_factor(
    arm_scores: Sequence[float],
    n_patches: int,
    cnn_scores: Mapping[int, Sequence[float]],
    n_resamples: int = 10_000,
    seed: int = 0,
) -> Saving:
    """The saving factor of an arm's per-seed scores at ``n_patches`` against the CNN's per-seed
    scores per size (``cnn_scores``: {size: scores}), with its percentile-bootstrap 95% CI."""
    arm = np.asarray(arm_scores, float)
    sizes = sorted(cnn_scores)
    groups = [np.asarray(cnn_scores[n], float) for n in sizes]
    if len(arm) < 1 or any(len(g) < 1 for g in groups):
        raise ValueError("every group needs at least one score")
    point = equivalent_size(sizes, [g.mean() for g in groups], float(arm.mean()))
    rng = np.random.default_rng(seed)
    factors, below, above = [], 0, 0
    for _ in range(n_resamples):
        a = rng.choice(arm, len(arm)).mean()
        means = [rng.choice(g, len(g)).mean() for g in groups]
        e = equivalent_size(sizes, means, a)
        if e == BELOW:
            below += 1
            factors.append(sizes[0] / n_patches)  # at most the curve's smallest size
        elif e == ABOVE:
            above += 1
            factors.append(sizes[-1] / n_patches)  # at least the curve's largest size
        else:
            factors.append(e / n_patches)
    low, high = np.percentile(factors, [2.5, 97.5])
    single = ("the arm",) * (len(arm) < 2)
    if not isinstance(point, str):  # the two CNN points N* lies between
        near = [i for i in range(len(sizes) - 1) if sizes[i] <= point <= sizes[i + 1]][:1]
        single += tuple(
            f"the CNN at {sizes[j]:,}" for i in near for j in (i, i + 1) if len(groups[j]) < 2
        )
    return Saving(
        n_patches,
        float(arm.mean()),
        point,
        float(low),
        float(high),
        below / n_resamples,
        above / n_resamples,
        n_resamples,
        single,
    )
