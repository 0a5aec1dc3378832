"""What the dense index embeds: the document line, the nearest section levels, the table header, the text."""

from __future__ import annotations

from typing import Literal

from qa.index.build import EMBEDDING_SECTION_LEVELS, embedding_text, passage_text
from qa.models import SECTION_SEP, Chunk

PATH = SECTION_SEP.join(["Phần II. KẾ HOẠCH NĂM 2024", "II. NHIỆM VỤ", "4. Y tế cơ sở", "4.2. Y tế dự phòng"])


def _chunk(text: str, context: str, kind: Literal["text", "table_row"] = "text") -> Chunk:
    return Chunk(1, "d", "d.txt", PATH, text, context, 10, 12, None, kind)


def test_text_chunk_keeps_the_nearest_levels_not_in_the_text() -> None:
    chunk = _chunk("4.2. Y tế dự phòng\nTiêm chủng đạt 95%.", PATH)
    got = embedding_text(chunk, "Kế hoạch y tế năm 2024", "Bắc Giang")
    assert got.splitlines()[0] == "Bắc Giang | Kế hoạch y tế năm 2024"
    assert got.splitlines()[1] == "4. Y tế cơ sở"  # the nearest level; 4.2 is in the text already
    assert EMBEDDING_SECTION_LEVELS == 1 and "Phần II" not in got and "NHIỆM VỤ" not in got
    assert got.endswith(chunk.text)
    assert len(got) < len(passage_text(chunk, "Kế hoạch y tế năm 2024", "Bắc Giang"))


def test_table_row_keeps_its_header_and_group() -> None:
    context = "\n".join([PATH, "TT | Chỉ tiêu | Đơn vị | KH 2024", "Nhóm chỉ tiêu về nhân lực"])
    row = _chunk("1 | Số bác sỹ/10.000 dân | bác sỹ | 12,5", context, kind="table_row")
    lines = embedding_text(row, "", None).splitlines()
    assert lines == [
        "4.2. Y tế dự phòng",
        "TT | Chỉ tiêu | Đơn vị | KH 2024",
        "Nhóm chỉ tiêu về nhân lực",
        row.text,
    ]


def test_chunk_without_section_or_document_line_is_its_text() -> None:
    chunk = Chunk(1, "d", "d.txt", "", "Nội dung.", "", 1, 1, None)
    assert embedding_text(chunk, "", None) == "Nội dung."
