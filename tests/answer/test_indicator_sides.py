"""Two indicators compared in one question are read as two one-indicator questions."""

from __future__ import annotations

import pytest

from qa.answer.indicator_sides import indicator_sides
from qa.extract.indicators import load_catalog


@pytest.mark.parametrize(
    "question,sides",
    [
        (
            "Năm 2020 tỷ suất sinh thô và tỷ suất tử thô của Thái Bình chênh nhau bao nhiêu phần nghìn?",
            (
                "Năm 2020 tỷ suất sinh thô của Thái Bình chênh nhau bao nhiêu phần nghìn?",
                "Năm 2020 tỷ suất tử thô của Thái Bình chênh nhau bao nhiêu phần nghìn?",
            ),
        ),
        (  # the head both phrases repeat goes with each side
            "Năm 2016 ở Sơn La, suy dinh dưỡng nhẹ cân hay suy dinh dưỡng thấp còi ở trẻ dưới 5 tuổi cao hơn?",
            (
                "Năm 2016 ở Sơn La, suy dinh dưỡng nhẹ cân ở trẻ dưới 5 tuổi cao hơn?",
                "Năm 2016 ở Sơn La, suy dinh dưỡng thấp còi ở trẻ dưới 5 tuổi cao hơn?",
            ),
        ),
    ],
)
def test_each_side_keeps_the_place_the_time_and_the_ask(question: str, sides: tuple[str, str]) -> None:
    assert indicator_sides(question, load_catalog()) == sides


def test_an_abbreviation_read_with_its_phrase_goes_with_its_side() -> None:
    question = "Năm 2011 ở Cần Thơ, ca TCM (tay chân miệng) nhiều hơn ca SXH (sốt xuất huyết) bao nhiêu?"
    assert indicator_sides(question, load_catalog(), frozenset({"TCM", "SXH"})) == (
        "Năm 2011 ở Cần Thơ, ca TCM (tay chân miệng) bao nhiêu?",
        "Năm 2011 ở Cần Thơ, ca SXH (sốt xuất huyết) bao nhiêu?",
    )


@pytest.mark.parametrize(
    "question",
    [
        "Tỷ lệ tiêm chủng đầy đủ năm 2023 so với năm 2022 tăng bao nhiêu?",  # one indicator, two times
        "Số bác sĩ trên 10.000 dân của Hà Nam và Bắc Giang năm 2024",  # one indicator, two places
    ],
)
def test_one_indicator_is_no_two_sides(question: str) -> None:
    assert indicator_sides(question, load_catalog()) is None
