"""Text forms shared by ingestion and evaluation."""

from __future__ import annotations

from qa.ingest.normalize import normalize_line
from qa.vn.text import evidence_form


def test_a_line_and_a_quote_of_it_are_mended_alike() -> None:
    """Ingestion drops a footnote's anchor glued to a word and closes a decimal comma's stray space; the
    evaluation compares a quote typed from the source in the same form, so the mended line still holds it."""
    source = "Dân số 1.167.938 người[[1]], trong đó có 2.097 trẻ là con thứ ba, chiếm 10, 92%."
    line = normalize_line(source)
    assert line == "Dân số 1.167.938 người, trong đó có 2.097 trẻ là con thứ ba, chiếm 10,92%."
    assert evidence_form("người[[1]], trong đó có 2.097 trẻ là con thứ ba, chiếm 10, 92%") in evidence_form(
        line
    )
    assert normalize_line("năm 2015, 92% xã đạt chuẩn") == "năm 2015, 92% xã đạt chuẩn"
