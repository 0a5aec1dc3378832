"""The «Chỉ tiêu» table as an Excel workbook (openpyxl): sheet «Bảng» as on screen, each value a number that
keeps its comparator in its display format ("≥ 96") and links to its source row; sheet «Nguồn» with every
value, the document, line, section, table column and quoted text it comes from."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ui.format import figure_value, kind_label, nfc
from ui.indicator_table import IndicatorTable, Reading, row_place, year_label
from ui.places import Places

SOURCE_COLUMNS = (
    ("Nguồn", 7),
    ("Tỉnh (trong tài liệu)", 16),
    ("Đơn vị hiện nay", 16),
    ("Năm", 7),
    ("Loại số liệu", 14),
    ("So sánh", 8),
    ("Giá trị", 12),
    ("Giá trị (như văn bản)", 14),
    ("Đơn vị", 20),
    ("Chỉ tiêu (như văn bản)", 40),
    ("Tài liệu", 50),
    ("Dòng", 7),
    ("Mục", 40),
    ("Cột bảng", 18),
    ("Trích dẫn", 60),
)
_BOLD = Font(bold=True)
_LINK = Font(color="0563C1", underline="single")


def number_format(f: dict[str, Any]) -> str:
    """Excel's display of the value as written: its decimals, thousands grouped, the comparator in front."""
    text = str(f.get("value_text") or "")
    decimals = len(text.rsplit(",", 1)[1]) if "," in text else 0
    shown = "#,##0" + ("." + "0" * decimals if decimals else "")
    comparator = (f.get("comparator") or "").strip()
    return f'"{comparator} "{shown}' if comparator else shown


def _header(ws: Worksheet, names: list[str], widths: list[int], row: int) -> None:
    for i, (name, width) in enumerate(zip(names, widths, strict=True), 1):
        cell = ws.cell(row=row, column=i, value=name)
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(i)].width = width


def indicator_xlsx(
    indicator: dict[str, Any], table: IndicatorTable, places: Places, when: datetime | None = None
) -> bytes:
    wb = Workbook()
    sheet = wb.active
    sheet.title = "Bảng"
    sources = wb.create_sheet("Nguồn")
    # «Nguồn» first: the table's cells link to the row of their first value there.
    _header(sources, [n for n, _ in SOURCE_COLUMNS], [w for _, w in SOURCE_COLUMNS], 1)
    first_row: dict[int, int] = {}  # id of a Reading -> its row in «Nguồn»
    for row in table.rows:
        for year in table.years:
            for reading in row.cells.get(year) or []:
                first_row[id(reading)] = sources.max_row + 1
                for f, source in zip(reading.values, _each_source(reading), strict=True):
                    sources.append(_source_row(f, source.n, source.title))
                    sources.cell(row=sources.max_row, column=7).number_format = number_format(f)
    sources.freeze_panes = "A2"

    stamp = (when or datetime.now()).strftime("%H:%M ngày %d/%m/%Y")
    sheet.append([nfc(indicator["name"])])
    sheet["A1"].font = Font(bold=True, size=13)
    grouping = "đơn vị hành chính hiện nay" if table.group_by == "current" else "tỉnh (tên trong tài liệu)"
    sheet.append(
        [
            f"Đơn vị: {indicator.get('unit') or ''} · nhóm theo {grouping} · xuất lúc {stamp} · nguồn: trang «Nguồn»"
        ]
    )
    names = ["Đơn vị hiện nay", "Tỉnh", "Loại số liệu", *[year_label(y) for y in table.years]]
    _header(sheet, names, [22, 24, 16, *[12] * len(table.years)], 4)
    for row in table.rows:
        place, _now = row_place(row, places, table.group_by)
        current = places.current_full_names.get(row.current or "", row.current or "")
        line: list[Any] = [current, place, row.kind_label]
        sheet.append(line + [None] * len(table.years))
        r = sheet.max_row
        for col, year in enumerate(table.years, start=len(line) + 1):
            readings = row.cells.get(year) or []
            if not readings:
                continue
            cell = sheet.cell(row=r, column=col)
            if len(readings) == 1 and readings[0].unit_fits:
                cell.value = float(readings[0].first["value"])
                cell.number_format = number_format(readings[0].first)
            else:  # several values for one cell, or one in another unit: as text, never a made-up number
                cell.value = " / ".join(x.text() for x in readings)
            cell.hyperlink = f"#'Nguồn'!A{first_row[id(readings[0])]}"
            cell.font = _LINK
    sheet.freeze_panes = "D5"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _each_source(reading: Reading) -> list[Any]:
    """The source of each of the reading's values (several values may share one line)."""
    by_place = {(s.doc_id, s.line): s for s in reading.sources}
    return [by_place[(str(f.get("doc_id")), int(f.get("line") or 0))] for f in reading.values]


def _source_row(f: dict[str, Any], n: int, title: str) -> list[Any]:
    return [
        f"[{n}]",
        f.get("province") or "",
        f.get("current_province") or "",
        f.get("year"),
        kind_label(f),
        f.get("comparator") or "",
        float(f["value"]) if isinstance(f.get("value"), int | float) else None,
        figure_value(f),
        f.get("unit") or "",
        nfc(f.get("indicator") or ""),
        title,
        f.get("line"),
        nfc(f.get("section") or ""),
        nfc(f.get("column") or ""),
        nfc(f.get("quote") or ""),
    ]
