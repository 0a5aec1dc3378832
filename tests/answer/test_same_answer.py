"""One answer read twice, dated differently: the reading of the year asked answers."""

from __future__ import annotations

import numpy as np

from qa.answer.candidates import FigureCandidate
from qa.answer.same_answer import prefer_the_year_asked
from qa.models import Figure


def reading(value: float, unit: str, year: int | None) -> FigureCandidate:
    f = Figure(
        indicator="Dân số trung bình",
        value=value,
        value_text=str(value),
        unit=unit,
        year=year,
        kind="actual",
        comparator=None,
        doc_id="d",
        source="d.txt",
        section="",
        line=1,
        quote="",
        province="Bạc Liêu",
    )
    return FigureCandidate(f, 0, 0, None)


def test_the_reading_of_the_year_asked_rises_just_above_the_same_value_of_another_year() -> None:
    cands = [reading(908241, "người", 2020), reading(908241, "", 2019), reading(454477, "", 2019)]
    ranked = np.array([0.93, 0.32, 0.02])
    raised = prefer_the_year_asked(ranked, cands, {2019})
    assert int(np.argmax(raised)) == 1 and raised[1] > 0.93 and raised[2] == 0.02
    assert prefer_the_year_asked(ranked, cands, set()) is ranked  # no year asked: the ranking stands
    assert list(prefer_the_year_asked(ranked, cands, {2020})) == list(ranked)  # the best is of the year asked


def test_another_value_or_another_kind_of_number_is_not_the_same_answer() -> None:
    cands = [reading(50, "%", 2020), reading(50, "người", 2019), reading(49, "%", 2019)]
    ranked = np.array([0.9, 0.5, 0.4])
    assert list(prefer_the_year_asked(ranked, cands, {2019})) == list(ranked)
