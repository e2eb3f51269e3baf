"""How the report writes numbers in its sentences and Markdown cells: AUCs, p-values, shares."""

from __future__ import annotations

import math


def missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt(x: float | None, digits: int = 3) -> str:
    """0.93123 → '0.931'; missing → '–'."""
    return "–" if missing(x) else f"{x:.{digits}f}"


def fmt_signed(x: float | None, digits: int = 4) -> str:
    """0.0011 → '+0.0011'; missing → '–'."""
    return "–" if missing(x) else f"{x:+.{digits}f}"


def fmt_p(p: float | None) -> str:
    """A p-value with two significant digits, in scientific notation below 10⁻³."""
    if missing(p):
        return "–"
    return f"{p:.2g}" if p >= 1e-3 else f"{p:.1e}"


def fmt_share(ratio: float | None) -> str:
    """Our effect as a share of the paper's: 0.56 → '56%'."""
    return "–" if missing(ratio) else f"{100 * ratio:.0f}%"


def fmt_ci(low: float | None, high: float | None, digits: int = 4) -> str:
    """'[+0.0061, +0.0106]'; missing → ''."""
    if missing(low) or missing(high):
        return ""
    return f"[{low:+.{digits}f}, {high:+.{digits}f}]"


METHOD_LABELS = {"gan": "GAN-CNN", "cnn": "CNN"}
DATA_LABELS = {"drive": "DRIVE", "phantom": "the synthetic phantom"}


def span(values: list[float], fmt: str = "{:.2f}") -> str:
    """The range of ``values`` as "lo–hi" in ``fmt`` (one value where both read the same)."""
    lo, hi = fmt.format(min(values)), fmt.format(max(values))
    return lo if lo == hi else f"{lo}–{hi}"


def excluded_text(low: float, high: float, references: dict[str, float]) -> str:
    """Which reference effects a 95% CI [low, high] excludes and which it does not: 'its 95% CI
    excludes the paper's +0.015 (15K); it does not exclude the replication's +0.0053 (30K)'."""
    out, inside = [], []
    for name, value in references.items():
        (inside if low <= value <= high else out).append(f"{name} {value:+.4f}")
    parts = []
    if out:
        parts.append("its 95% CI excludes " + join_and(out))
    if inside:
        parts.append(("but" if out else "its 95% CI") + " does not exclude " + join_and(inside))
    return " ".join(parts)


def join_and(items: list[str] | tuple[str, ...]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
