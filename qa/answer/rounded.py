"""A rounded bound and the exact value behind it: a news headline says "hơn 2.400 ca", its text "2.429 ca"."""

from __future__ import annotations

import math

from qa.models import Figure

# The comparators of a bound that rounds an exact value down ("hơn 2.400") or up ("gần 2.500", "dưới 2.500").
_ROUNDED_DOWN = (">", "≥")
_ROUNDED_UP = ("<", "≤")


def _rounding_step(bound: float) -> int:
    """The power of ten a whole bound is rounded to (2.400 -> 100, 600 -> 100, 05 -> 1: not rounded)."""
    if bound <= 0 or bound != int(bound):
        return 1
    n, step = int(bound), 1
    while n % 10 == 0:
        n //= 10
        step *= 10
    return step


def states_exactly(bound: Figure, exact: Figure) -> bool:
    """Whether ``exact`` is the value ``bound`` rounds, in the same document and unit: 2.429 ca for "hơn 2.400
    ca" (2.429 rounded down to hundreds), not 740 ca for "trên 600 ca", nor anything for the unrounded "trên 5%"."""
    step = _rounding_step(bound.value)
    if step == 1 or exact.comparator is not None or (exact.doc_id, exact.unit) != (bound.doc_id, bound.unit):
        return False
    if bound.comparator in _ROUNDED_DOWN:
        return exact.value > bound.value and math.floor(exact.value / step) * step == bound.value
    if bound.comparator in _ROUNDED_UP:
        return exact.value < bound.value and math.ceil(exact.value / step) * step == bound.value
    return False


def exact_behind(best: int, figures: list[Figure]) -> int:
    """The candidate that states the best one's rounded bound exactly, if any (the first in ``figures``' order);
    else ``best``. A question that asks "bao nhiêu" wants the count, not its headline."""
    chosen = figures[best]
    return next((i for i, f in enumerate(figures) if i != best and states_exactly(chosen, f)), best)
