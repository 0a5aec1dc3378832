"""The chat's turn model and its take-away files, without a server (fast tier)."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook

from ui.exports import answer_text, conversation_docx, figures_xlsx
from ui.figures_view import chart_note, figures_html
from ui.turns import Turn, history

CITATION = {
    "id": 1,
    "title": "Kế hoạch Công tác y tế tỉnh Bắc Giang năm 2024",
    "source": "001_a66ba2e25b7bb22e.txt",
    "section": "I. Mục tiêu",
    "start_line": 327,
    "end_line": 327,
    "page": None,
    "quote": "1 Số bác sỹ/10.000 dân Bác sỹ 12,2 12,5",
    "used": True,
}
FIGURES = [
    {
        "indicator": "Số bác sỹ/10.000 dân",
        "value": 12.5,
        "value_text": "12,5",
        "unit": "bác sỹ/10.000 dân",
        "year": 2024,
        "kind": "plan",
        "kind_label": "kế hoạch",
        "comparator": None,
        "citation": 1,
        "line": 327,
    },
    {
        "indicator": "Tỷ lệ tiêm chủng",
        "value": 95.0,
        "value_text": "95",
        "unit": "%",
        "year": 2024,
        "kind": "target",
        "kind_label": "mục tiêu",
        "comparator": ">",
        "citation": 1,
        "line": 330,
    },
]


def answered(question: str, understood: str, answer: str) -> Turn:
    response = {
        "answer": answer,
        "citations": [CITATION],
        "figures": FIGURES,
        "understood": {"question": understood},
    }
    return Turn(question, {}, response=response)


def test_failed_and_stopped_turns_are_never_context():
    first = answered("Bác sĩ Bắc Giang 2024?", "Số bác sĩ Bắc Giang năm 2024?", "12,5 [1].")
    failed = Turn("Còn Hà Nam thì sao?", {}, error="Mất kết nối", retryable=True)
    follow = answered("Còn năm 2023?", "Số bác sĩ Bắc Giang năm 2023?", "12,2 [1].")
    sent = history([first, failed, follow])
    assert [h["content"] for h in sent] == [
        "Số bác sĩ Bắc Giang năm 2024?",  # as understood: a chain of follow-ups stays anchored
        "12,5 [1].",
        "Số bác sĩ Bắc Giang năm 2023?",
        "12,2 [1].",
    ]
    assert "Hà Nam" not in str(sent)


def test_word_and_excel_exports_read_back():
    turns = [answered("Bác sĩ Bắc Giang 2024?", "Số bác sĩ Bắc Giang năm 2024?", "Kế hoạch: 12,5 [1].")]
    doc = Document(io.BytesIO(conversation_docx(turns)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Kế hoạch: 12,5 [1]." in text and "Được hiểu là: Số bác sĩ Bắc Giang năm 2024?" in text
    assert "[1] Kế hoạch Công tác y tế tỉnh Bắc Giang năm 2024 — I. Mục tiêu (dòng 327)" in text
    assert "> 95" in cells and "mục tiêu" in cells
    rows = list(load_workbook(io.BytesIO(figures_xlsx(turns))).active.iter_rows(values_only=True))
    assert rows[1][1:8] == ("Số bác sỹ/10.000 dân", None, 12.5, "12,5", "bác sỹ/10.000 dân", 2024, "kế hoạch")
    assert rows[2][2:4] == (">", 95.0)  # the comparator kept beside the number


def test_copy_text_and_figures_table_keep_sources_and_comparators():
    turn = answered("q", "Số bác sĩ Bắc Giang năm 2024?", "Kế hoạch: 12,5 [1].")
    assert answer_text(turn).endswith("[1] Kế hoạch Công tác y tế tỉnh Bắc Giang năm 2024, dòng 327")
    table = figures_html(FIGURES, [CITATION], 3, "Số liệu")
    assert '<td data-label="Giá trị" class="qa-num"><span>&gt; 95</span></td>' in table
    assert 'data-target="qa-cite-3-1"' in table and "<script" not in table
    note = chart_note(FIGURES)
    assert note is not None and "ngưỡng" in note and "kế hoạch, mục tiêu" in note
