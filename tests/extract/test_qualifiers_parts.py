"""Parts of a total that a sentence lists: they never stand for the province-wide value (qa/extract/qualifiers.py)."""

from __future__ import annotations

from qa.extract.qualifiers import (
    is_breakdown,
    names_its_parts,
    parenthesised_part,
    part_in_sentence,
    part_named_before,
)
from qa.models import Figure


def _figure(quote: str, value_text: str, unit: str = "") -> Figure:
    return Figure(
        indicator="x", value=0.0, value_text=value_text, unit=unit, year=None, kind=None, comparator=None,
        doc_id="d", source="d.txt", section="", line=1, quote=quote, province=None, chunk_id=None,
    )  # fmt: skip


def test_counts_listed_in_parentheses_after_their_total_are_parts() -> None:
    quote = "cấp lại 550 chứng chỉ hành nghề (324 chứng chỉ hành nghề y, 226 chứng chỉ hành nghề dược) cho cá nhân"
    assert parenthesised_part(_figure(quote, "550")) == []
    assert parenthesised_part(_figure(quote, "324")) == ["chung chi hanh nghe y"]
    assert parenthesised_part(_figure(quote, "226")) == ["chung chi hanh nghe duoc"]
    # a share or a rate restating the total, a plan, a change: no part
    assert parenthesised_part(_figure("Toàn tỉnh có 187/209 (89,5%) trạm y tế", "89,5", "%")) == []
    assert (
        parenthesised_part(_figure("trên 100.000 dân (77,62 ca/100.000 dân)", "77,62", "ca/100.000 dân"))
        == []
    )
    assert parenthesised_part(_figure("phẫu thuật 14.850 ca (tăng 1.200 ca)", "1.200", "ca")) == []


def test_a_count_after_trong_đó_is_a_part_and_a_footnote_may_open_a_breakdown() -> None:
    quote = "Số bệnh nhân toàn tỉnh hiện đang điều trị ARV là 605 bệnh nhân, trong đó có 13 trẻ em."
    assert part_in_sentence(_figure(quote, "605")) == []
    assert part_in_sentence(_figure(quote, "13")) == ["tre em"]
    footnote = _figure("2Trong đó: Cty/DN 16; nhà thuốc 269; quầy thuốc 1202", "269")
    assert is_breakdown(footnote) and names_its_parts(footnote)
    # a bullet lists, it does not say it lists parts
    bullet = _figure("+ Tổng số lượt khám chữa bệnh BHYT trên địa bàn tỉnh là 1.990.878 lượt", "1.990.878")
    assert is_breakdown(bullet) and not names_its_parts(bullet)


def test_a_part_named_between_trong_đó_and_its_value_is_a_part_even_a_share() -> None:
    quote = "Học viên được hỗ trợ 70% học phí (trong đó, quỹ khuyến học của huyện chi 25%)."
    assert part_named_before(_figure(quote, "70", "%")) == []
    assert part_named_before(_figure(quote, "25", "%")) == ["quy khuyen hoc cua huyen chi"]
    # "trong đó có 13 trẻ em" names its part after the value (part_in_sentence), not before it
    assert part_named_before(_figure("đang điều trị 605 bệnh nhân, trong đó có 13 trẻ em", "13")) == []
    # no total before the opener: nothing it is a part of
    assert part_named_before(_figure("Trong đó, kinh phí tỉnh cấp 40%", "40", "%")) == []
