"""One answer read twice: the same value written in a sentence and in a table, dated differently.

"Dân số trung bình 908.241 người" in a plan's prose (dated by the plan, 2020) and the table's "Tổng … 908.241"
under 2019 give one answer; when the question asks 2019, the reading of the year asked is the one to answer
with and to judge: the ranking's preference among the two readings (its words are the prose's) says nothing
about which year the value is of.
"""

from __future__ import annotations

import numpy as np

from qa.answer.candidates import FigureCandidate
from qa.answer.features import unit_class


def prefer_the_year_asked(
    probabilities: np.ndarray, cands: list[FigureCandidate], years: set[int]
) -> np.ndarray:
    """The probabilities, where a candidate of an asked year gives the same answer (the value, of the same kind of
    number or of none written: a table cell's unit may be in its header) as a better-ranked one of another year,
    raised just above it."""
    if not years:
        return probabilities
    out = probabilities.copy()
    for i in np.argsort(-probabilities):
        best = cands[i].figure
        if best.year in years:
            continue
        kind = unit_class(best.unit)
        same = [
            k
            for k, c in enumerate(cands)
            if c.figure.year in years
            and c.figure.value == best.value
            and _same_kind(unit_class(c.figure.unit), kind)
            and out[k] < out[i]
        ]
        if same:
            k = max(same, key=lambda j: out[j])
            out[k] = np.nextafter(out[i], 1.0)
    return out


def _same_kind(a: str, b: str) -> bool:
    return a == b or "" in (a, b)
