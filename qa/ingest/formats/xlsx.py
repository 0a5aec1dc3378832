"""Excel .xlsx (openpyxl): every visible sheet a section, rows as the table parser reads them (``sheets``)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from qa.ingest.formats.checks import short_reason
from qa.ingest.formats.sheets import Sheet, format_number, sheets_to_text
from qa.models import IngestError, LoadedText


def load_xlsx(data: bytes) -> LoadedText:
    import openpyxl

    try:
        # data_only: a formula cell gives the value Excel saved with it, not "=SUM(D5:D9)".
        book = openpyxl.load_workbook(BytesIO(data), data_only=True, read_only=False)
    except Exception as exc:  # openpyxl/zipfile/lxml errors on a damaged workbook
        raise IngestError(f"tệp Excel hỏng hoặc không đọc được: {short_reason(exc)}") from None
    try:
        sheets = [_sheet(ws) for ws in book.worksheets if ws.sheet_state == "visible"]
    finally:
        book.close()
    return sheets_to_text(sheets, "xlsx")


def _sheet(ws: Any) -> Sheet:
    rows = [[_cell_text(cell) for cell in row] for row in ws.iter_rows()]
    merged = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
    return Sheet(str(ws.title), rows, merged)


def _cell_text(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int | float):
        return format_number(float(value), str(cell.number_format or "General"))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)
