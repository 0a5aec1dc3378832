"""Take-away files of a conversation: Word (.docx) with answers, figures and sources; Excel (.xlsx) with
every figure as a number. Built in memory from the answers on screen (python-docx, openpyxl)."""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ui.format import KIND_LABEL, figure_value, line_range, nfc
from ui.turns import Turn

TITLE = "Hỏi đáp kế hoạch, báo cáo y tế"
FIGURE_COLUMNS = (
    ("Câu hỏi", 40),
    ("Chỉ tiêu", 40),
    ("So sánh", 9),
    ("Giá trị", 12),
    ("Giá trị (như văn bản)", 14),
    ("Đơn vị", 18),
    ("Năm", 7),
    ("Loại", 14),
    ("Tỉnh", 14),
    ("Tài liệu", 50),
    ("Dòng", 8),
)
_MARKER = re.compile(r"\[(\d+)\]")


def _kind(f: dict[str, Any]) -> str:
    return str(f.get("kind_label") or KIND_LABEL.get(f.get("kind") or "", ""))


def _title_of(citations: list[dict[str, Any]], f: dict[str, Any]) -> str:
    by_id = {c["id"]: c for c in citations}
    cited = by_id.get(f.get("citation"))
    return str((cited or {}).get("title") or f.get("title") or f.get("source") or "")


def _answered(turns: list[Turn]) -> list[tuple[Turn, dict[str, Any]]]:
    return [(t, t.response) for t in turns if t.ok and t.response is not None]


# ---------------------------------------------------------------------- Word


def conversation_docx(turns: list[Turn], when: datetime | None = None) -> bytes:
    doc = Document()
    doc.core_properties.title = TITLE
    doc.core_properties.language = "vi-VN"
    doc.add_heading(TITLE, level=0)
    doc.add_paragraph(f"Xuất lúc {(when or datetime.now()).strftime('%H:%M ngày %d/%m/%Y')}.")
    for n, (turn, response) in enumerate(_answered(turns), 1):
        doc.add_heading(f"Câu hỏi {n}: {nfc(turn.question)}", level=1)
        if turn.understood_question != turn.question:
            doc.add_paragraph().add_run(f"Được hiểu là: {nfc(turn.understood_question)}").italic = True
        doc.add_paragraph(nfc(str(response.get("answer", ""))))
        figures = response.get("figures") or []
        citations = response.get("citations") or []
        if figures:
            _docx_figures(doc, figures)
        used = [c for c in citations if c.get("used", True)]
        if used:
            doc.add_paragraph("Nguồn trích dẫn:").runs[0].bold = True
            for c in used:
                place = line_range(int(c["start_line"]), int(c["end_line"]))
                if c.get("page"):
                    place += f", trang {c['page']}"
                section = f" — {nfc(c['section'])}" if c.get("section") else ""
                p = doc.add_paragraph(style="List Number")
                p.add_run(f"[{c['id']}] {nfc(c.get('title') or c.get('source') or '')}{section} ({place})")
                if c.get("quote"):
                    quote = doc.add_paragraph(f"“{nfc(c['quote'])}”")
                    quote.paragraph_format.left_indent = Pt(24)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_figures(doc: Any, figures: list[dict[str, Any]]) -> None:
    head = ("Chỉ tiêu", "Giá trị", "Đơn vị", "Năm", "Loại", "Nguồn")
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for f in figures:
        row = table.add_row().cells
        values = (
            nfc(str(f.get("indicator") or "")),
            figure_value(f),
            str(f.get("unit") or ""),
            str(f.get("year") or ""),
            _kind(f),
            f"[{f['citation']}]" if f.get("citation") else "",
        )
        for cell, text in zip(row, values, strict=True):
            cell.text = text


# ---------------------------------------------------------------------- Excel


def figures_xlsx(turns: list[Turn]) -> bytes:
    """One row per figure of every answer; the value as a number, its comparator ("> 95") beside it."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    ws.append([name for name, _ in FIGURE_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, (_, width) in enumerate(FIGURE_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for turn, response in _answered(turns):
        citations = response.get("citations") or []
        for f in response.get("figures") or []:
            ws.append(
                [
                    nfc(turn.understood_question),
                    nfc(str(f.get("indicator") or "")),
                    str(f.get("comparator") or ""),
                    float(f["value"]) if isinstance(f.get("value"), int | float) else None,
                    str(f.get("value_text") or ""),
                    str(f.get("unit") or ""),
                    f.get("year"),
                    _kind(f),
                    str(f.get("province") or ""),
                    _title_of(citations, f),
                    f.get("line"),
                ]
            )
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------- plain text (copy)


def answer_text(turn: Turn) -> str:
    """The answer with its cited sources, as plain text for the clipboard."""
    response = turn.response or {}
    lines = [f"Hỏi: {nfc(turn.understood_question)}", f"Đáp: {nfc(str(response.get('answer', '')))}"]
    cited = {int(n) for n in _MARKER.findall(str(response.get("answer", "")))}
    sources = [c for c in response.get("citations") or [] if c["id"] in cited or c.get("used")]
    if sources:
        lines.append("Nguồn:")
        for c in sources:
            place = line_range(int(c["start_line"]), int(c["end_line"]))
            if c.get("page"):
                place += f", trang {c['page']}"
            lines.append(f"[{c['id']}] {nfc(c.get('title') or c.get('source') or '')}, {place}")
    return "\n".join(lines)
