"""Where sentences end, for the figure labels, the passage answers and the regulation quotes alike."""

from __future__ import annotations

from qa.answer.passages import split_sentences
from qa.extract.regulations import _SENTENCE_END


def test_a_shorthand_s_period_ends_no_sentence() -> None:
    text = "Số ca mắc tại TP. Đà Nẵng đã lên tới 235 ca. BS. Lan cho biết dịch đã giảm. Hết tuần, PGS. TS. Minh về."
    assert split_sentences(text) == [
        "Số ca mắc tại TP. Đà Nẵng đã lên tới 235 ca.",
        "BS. Lan cho biết dịch đã giảm.",
        "Hết tuần, PGS. TS. Minh về.",
    ]
    assert [m.start() for m in _SENTENCE_END.finditer(text)] == [43, 74, 102]


def test_a_dash_inside_a_line_joins_a_name() -> None:
    text = "Chi cục Dân số - KHHGĐ tỉnh thực hiện 6 dự án. Ông Nguyễn Văn A - Phó Chủ tịch UBND tỉnh dự: - Dự án tầm soát dị tật bẩm sinh."
    assert split_sentences(text) == [
        "Chi cục Dân số - KHHGĐ tỉnh thực hiện 6 dự án.",
        "Ông Nguyễn Văn A - Phó Chủ tịch UBND tỉnh dự:",
        "- Dự án tầm soát dị tật bẩm sinh.",
    ]
