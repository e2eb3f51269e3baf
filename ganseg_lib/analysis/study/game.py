"""The adversarial game in the run histories, the mechanism behind H5: whether a run's signal has
faded by the registered rule, what the DC net believes of real patches at the end of training
(p(fake | real)), and when the game ends.

A run *fades* (``studies/beyond-the-paper/hypotheses.md``) when fake detection ≥ 0.99 and the
L_adv share of the DC loss < 0.01 in each of its last 5 history intervals; the verdict of H5 counts
such runs (:func:`ganseg_lib.analysis.study.verdicts.fading_verdict`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ganseg_lib.analysis.present.text import fmt
from ganseg_lib.analysis.study.records import arm_label, arm_runs
from ganseg_lib.paper import size_label

FADE_DETECT, FADE_SHARE, FADE_INTERVALS = 0.99, 0.01, 5  # H5


def fades(history: Sequence[dict] | None) -> bool | None:
    """Whether a run's adversarial signal has faded: fake detection ≥ 0.99 and L_adv share of
    the DC loss < 0.01 in each of its last 5 history intervals (None without such a history)."""
    last = list(history or [])[-FADE_INTERVALS:]
    if len(last) < FADE_INTERVALS or any(
        h.get("fake_detect") is None or h.get("adv_share") is None for h in last
    ):
        return None
    return all(h["fake_detect"] >= FADE_DETECT and h["adv_share"] < FADE_SHARE for h in last)


def last_intervals(records: Sequence) -> list[dict]:
    """The history lines of the last :data:`FADE_INTERVALS` intervals of each successful run."""
    return [h for r in records if r.ok for h in (r.history or [])[-FADE_INTERVALS:]]


def p_fake_text(tail: Sequence[dict]) -> str:
    """'; p(fake | labelled real) 0.998–1.000, p(fake | validation real) 0.999–1.000' over
    history lines: a fake detection of 1.0 means that fakes are told apart from real patches
    only where p(fake | real) stays low ('' without those metrics)."""
    parts = []
    for key, what in (("p_fake_real", "labelled real"), ("p_fake_val", "validation real")):
        values = [h[key] for h in tail if h.get(key) is not None]
        if values:
            parts.append(f"p(fake | {what}) {fmt(min(values), 3)}–{fmt(max(values), 3)}")
    return "; " + ", ".join(parts) if parts else ""


def _first(history: Sequence[dict], test) -> int | None:
    return next((h["iteration"] for h in history if test(h)), None)


def onset_text(histories: Sequence[Sequence[dict]]) -> str:
    """When the game ends in each run: the first logged iteration with p(fake | labelled real)
    ≥ 0.99, and the first with the L_adv share < :data:`FADE_SHARE` ('' without those metrics)."""
    real = [_first(h, lambda x: (x.get("p_fake_real") or 0) >= FADE_DETECT) for h in histories]
    share = [_first(h, lambda x: (x.get("adv_share") or 1) < FADE_SHARE) for h in histories]
    parts = []
    for values, what in ((real, f"p(fake | labelled real) ≥ {FADE_DETECT:g}"), (share, "")):
        values = [v for v in values if v is not None]
        if not values:
            continue
        span = (
            f"{min(values):,}" if min(values) == max(values) else f"{min(values):,}–{max(values):,}"
        )
        what = what or f"L_adv share < {FADE_SHARE:g}"
        parts.append(f"{what} from iteration {span}")
    return "; " + ", ".join(parts) if parts else ""


def game_text(df: pd.DataFrame, method: str, protocol: str, n: int, variant: str = "") -> str:
    """An arm's game at the end of training, from its records: over the last intervals of its
    runs, fake detection, p(fake | labelled / validation real), the largest adversarial share,
    and when p(fake | labelled real) first reached 0.99."""
    runs = [r for r in arm_runs(df, method, protocol, n, variant).get("record", []) if r.ok]
    tail = last_intervals(runs)
    if not tail:
        return f"{arm_label(method, protocol, variant)}: no run with a training history yet."
    detect = [h["fake_detect"] for h in tail if h.get("fake_detect") is not None]
    share = [h["adv_share"] for h in tail if h.get("adv_share") is not None]
    return (
        f"{arm_label(method, protocol, variant)} at {size_label(n)}, {len(runs)} runs, last "
        f"{FADE_INTERVALS} intervals: fake detection {fmt(min(detect), 3)}–{fmt(max(detect), 3)}"
        f"{p_fake_text(tail)}; adversarial share {max(share):.1e} at most"
        f"{onset_text([r.history or [] for r in runs])}."
    )
