"""A headline's rounded bound and the exact value of the text behind it ("hơn 2.400 ca" / "2.429 ca")."""

from __future__ import annotations

from dataclasses import replace

from qa.answer.rounded import exact_behind, states_exactly
from qa.models import Figure

HEADLINE = Figure(
    indicator="ghi nhận hơn ca mắc tay chân miệng",
    value=2400.0,
    value_text="2.400",
    unit="ca",
    year=2022,
    kind="actual",
    comparator=">",
    doc_id="d",
    source="d.txt",
    section="",
    line=1,
    quote="Toàn tỉnh ghi nhận hơn 2.400 ca mắc tay chân miệng",
)
EXACT = replace(HEADLINE, value=2429.0, value_text="2.429", comparator=None, line=5)


def test_the_exact_value_a_bound_rounds_is_the_answer() -> None:
    assert states_exactly(HEADLINE, EXACT)
    assert exact_behind(0, [HEADLINE, EXACT]) == 1
    assert exact_behind(0, [EXACT, HEADLINE]) == 0  # the exact value already leads


def test_what_a_bound_does_not_round_is_another_value() -> None:
    assert not states_exactly(HEADLINE, replace(EXACT, value=2510.0))  # rounds to 2.500
    assert not states_exactly(HEADLINE, replace(EXACT, value=2390.0))  # under the bound
    assert not states_exactly(HEADLINE, replace(EXACT, unit="trường hợp"))
    assert not states_exactly(HEADLINE, replace(EXACT, doc_id="other"))
    assert not states_exactly(HEADLINE, replace(EXACT, comparator=">"))
    unrounded = replace(HEADLINE, value=5.0, value_text="05", unit="%")  # "tăng trên 05%"
    assert not states_exactly(unrounded, replace(unrounded, value=5.53, comparator=None))
    assert not states_exactly(replace(HEADLINE, comparator=None), EXACT)  # no bound, nothing rounded


def test_a_bound_from_above_rounds_up() -> None:
    nearly = replace(HEADLINE, value=2500.0, value_text="2.500", comparator="<")  # "gần 2.500 ca"
    assert states_exactly(nearly, EXACT)
    assert not states_exactly(nearly, replace(EXACT, value=2380.0))
