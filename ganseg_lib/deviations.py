"""Deviations from the paper, declared on the line that makes them.

A constant the slides leave open, or set differently, is written as
``DILATION_RADIUS = deviation(3, aspect=..., paper=..., ours="disk of radius {value} px", ...)``:
the value is returned unchanged and the declaration joins :data:`REGISTRY`, from which the book's
deviations table is generated
(:func:`ganseg_lib.analysis.replication.deviations.deviations_table`). A deviation that depends
on a training profile (a width, a budget) gives ``ours`` as a function of the profile instead of
a string.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Deviation:
    """One way our replication differs from (or adds to) the paper."""

    aspect: str
    paper: str
    ours: str | Callable[[Any], str]  # text, or a function of a training profile
    reason: str
    module: str

    def ours_for(self, profile: Any) -> str:
        return self.ours(profile) if callable(self.ours) else self.ours


REGISTRY: dict[str, Deviation] = {}


def deviation(
    value: T, *, aspect: str, paper: str, ours: str | Callable[[Any], str], reason: str
) -> T:
    """Declare that ``value`` deviates from the paper; return it unchanged.

    ``ours`` may use ``{value}``; an aspect is declared once (a second declaration is an error,
    so that two modules cannot both claim it).
    """
    import inspect

    module = inspect.currentframe().f_back.f_globals.get("__name__", "?")
    text = ours.format(value=value) if isinstance(ours, str) else ours
    if aspect in REGISTRY and REGISTRY[aspect].module != module:
        raise ValueError(f"deviation {aspect!r} is declared twice")
    REGISTRY[aspect] = Deviation(aspect, paper, text, reason, module)
    return value


def declare(*, aspect: str, paper: str, ours: str | Callable[[Any], str], reason: str) -> None:
    """Declare a deviation that is a behaviour rather than a constant (a rule, a procedure)."""
    import inspect

    module = inspect.currentframe().f_back.f_globals.get("__name__", "?")
    if aspect in REGISTRY and REGISTRY[aspect].module != module:
        raise ValueError(f"deviation {aspect!r} is declared twice")
    REGISTRY[aspect] = Deviation(aspect, paper, ours, reason, module)
