"""Timing: warm-up calls, then the median of several repetitions of an adaptive number of calls."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Timing:
    """Seconds per call: the median over repetitions, and what it came from."""

    seconds: float  # median seconds per call
    reps: list[float] = field(default_factory=list)  # seconds per call in each repetition
    calls_per_rep: int = 1
    warmup_calls: int = 0
    warmup_seconds: float = 0.0  # total of the warm-up calls (includes any one-off compilation)
    truncated: bool = False  # fewer repetitions than asked, because of the time budget

    @property
    def spread(self) -> float:
        """(max − min) / median of the repetitions: 0 for a single repetition."""
        if len(self.reps) < 2 or self.seconds <= 0:
            return 0.0
        return (max(self.reps) - min(self.reps)) / self.seconds

    def to_json(self) -> dict:
        d = asdict(self)
        d["spread"] = self.spread
        return d


@dataclass(frozen=True)
class Plan:
    """How hard to measure: ``warmup`` calls (fewer, but at least one, once ``warmup_budget_s``
    is spent), then ``reps`` repetitions, each at least ``min_rep_s`` seconds long (by repeating
    the call), stopping early once ``budget_s`` is spent."""

    warmup: int = 1
    reps: int = 5
    min_rep_s: float = 0.5
    budget_s: float = 60.0
    warmup_budget_s: float = math.inf


def measure(fn: Callable[[], object], plan: Plan, sync: Callable[[], None] | None = None) -> Timing:
    """Time ``fn``: ``plan.warmup`` calls (at least one), then up to ``plan.reps`` repetitions.

    The warm-up's last call sets how many calls make one repetition (enough for ``min_rep_s``).
    ``sync`` (e.g. ``torch.cuda.synchronize``) is called before every clock reading.
    """
    sync = sync or (lambda: None)
    warm_total, last, warm_calls = 0.0, 0.0, 0
    while warm_calls < max(1, plan.warmup) and (
        warm_calls == 0 or warm_total < plan.warmup_budget_s
    ):
        sync()
        t0 = time.perf_counter()
        fn()
        sync()
        last = time.perf_counter() - t0
        warm_total += last
        warm_calls += 1
    calls = max(1, math.ceil(plan.min_rep_s / last)) if last > 0 else 1
    reps: list[float] = []
    spent = 0.0
    for _ in range(max(1, plan.reps)):
        sync()
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        sync()
        elapsed = time.perf_counter() - t0
        reps.append(elapsed / calls)
        spent += elapsed
        if spent > plan.budget_s:
            break
    return Timing(
        seconds=statistics.median(reps),
        reps=reps,
        calls_per_rep=calls,
        warmup_calls=warm_calls,
        warmup_seconds=warm_total,
        truncated=len(reps) < max(1, plan.reps),
    )
