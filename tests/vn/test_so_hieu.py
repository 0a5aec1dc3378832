"""One số hiệu grammar and one comparison key for documents, questions and the search index."""

from __future__ import annotations

import pytest

from qa.vn.so_hieu import NUMBER_ANY_CASE_RE, NUMBER_RE, normalize_number, number_key


@pytest.mark.parametrize(
    "text, number",
    [
        ("theo Quyết định số 2143/QĐ-UBND ngày", "2143/QĐ-UBND"),
        ("Quyết định số 12/2023/QĐ-UBND của", "12/2023/QĐ-UBND"),
        ("Nghị quyết số 20-NQ/TW ngày", "20-NQ/TW"),
        ("Chương trình 54 - CTr/TU của", "54 - CTr/TU"),
        ("Kế hoạch số 129/KH UBND ngày", "129/KH UBND"),
    ],
)
def test_document_numbers(text: str, number: str) -> None:
    assert [m.group(0) for m in NUMBER_RE.finditer(text)] == [number]


def test_typed_in_lower_case_in_a_question() -> None:
    assert NUMBER_RE.search("qd 2143/qđ-ubnd") is None  # documents write codes in capitals
    assert [m.group(0) for m in NUMBER_ANY_CASE_RE.finditer("qd 2143/qđ-ubnd là gì")] == ["2143/qđ-ubnd"]


def test_one_key_for_every_spelling() -> None:
    keys = {number_key(n) for n in ["860/QĐ-SYT", "860/qđ-syt", "860/qd-syt", "860 / QÐ - SYT"]}
    assert keys == {"860/qd-syt"}
    assert normalize_number("129/KH UBND") == "129/KH-UBND"


def test_not_numbers() -> None:
    assert NUMBER_ANY_CASE_RE.search("3 lần/ngày, 1/người, 75/75, 2021-2025") is None
