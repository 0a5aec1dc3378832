"""Several quantities asked in one question, each read as a question of its own."""

from __future__ import annotations

import pytest

from qa.answer.understand.several import asked_quantities


@pytest.mark.parametrize(
    ("question", "quantities"),
    [
        (
            "ba ria vung tau 9 thang 2022 co bao nhieu vu ngo doc thuc pham, bao nhieu ca mac",
            [
                "ba ria vung tau 9 thang 2022 co bao nhieu vu ngo doc thuc pham",
                # a later ask naming only its counter is about what the first names
                "ba ria vung tau 9 thang 2022 co vu ngo doc thuc pham bao nhieu ca mac",
            ],
        ),
        (
            "Bao nhiêu xã có trạm y tế đạt chuẩn, bao nhiêu xã có bác sĩ?",
            [
                "Bao nhiêu xã có trạm y tế đạt chuẩn",
                "bao nhiêu xã có bác sĩ",
            ],  # one that says more stands alone
        ),
        (
            "Tỉnh có bao nhiêu bác sĩ và bao nhiêu dược sĩ năm 2023?",
            ["Tỉnh có bao nhiêu bác sĩ", "Tỉnh có bao nhiêu dược sĩ năm 2023"],
        ),
        ("Khám bao nhiêu lượt, đạt bao nhiêu % kế hoạch?", []),  # a plan check is answered beside its result
        ("Năm 2023 có bao nhiêu người áp dụng BPTT hiện đại, đạt bao nhiêu % và có vượt kế hoạch không?", []),
        ("Có bao nhiêu ca mắc?", []),
        ("Số ca bao nhiêu, tăng hay giảm?", []),  # one counting cue
    ],
)
def test_the_quantities_a_question_asks(question: str, quantities: list[str]) -> None:
    assert asked_quantities(question, question) == quantities
