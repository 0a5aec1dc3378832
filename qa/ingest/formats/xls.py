"""Excel 97-2003 .xls (xlrd, the maintained reader of the old binary format): like .xlsx (``sheets``)."""

from __future__ import annotations

from typing import Any

from qa.ingest.formats.checks import short_reason
from qa.ingest.formats.sheets import Sheet, format_number, sheets_to_text
from qa.models import IngestError, LoadedText


def load_xls(data: bytes) -> LoadedText:
    import xlrd

    try:
        # formatting_info: needed for the merged ranges and the number formats.
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd.XLRDError, struct/compound-document errors on damaged files
        raise IngestError(f"tệp Excel .xls hỏng hoặc không đọc được: {short_reason(exc)}") from None
    try:
        sheets = [_sheet(book, book.sheet_by_index(k)) for k in range(book.nsheets)]
    except Exception as exc:
        raise IngestError(f"tệp Excel .xls hỏng hoặc không đọc được: {short_reason(exc)}") from None
    finally:
        book.release_resources()
    return sheets_to_text([s for s in sheets if s is not None], "xls")


def _sheet(book: Any, ws: Any) -> Sheet | None:
    import xlrd

    if getattr(ws, "visibility", 0):  # hidden or very hidden
        return None
    rows = []
    for r in range(ws.nrows):
        row = []
        for c in range(ws.ncols):
            cell = ws.cell(r, c)
            if cell.ctype in (xlrd.XL_CELL_NUMBER,):
                fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key)
                row.append(format_number(float(cell.value), fmt.format_str if fmt else "General"))
            elif cell.ctype == xlrd.XL_CELL_DATE:
                when = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                row.append(when.strftime("%d/%m/%Y"))
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                row.append("Có" if cell.value else "Không")
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                row.append("")
            else:
                row.append(str(cell.value))
        rows.append(row)
    merged = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in ws.merged_cells]
    return Sheet(str(ws.name), rows, merged)
