"""A spreadsheet (xlsx, xls, csv) as lines the table parser already reads: one section per sheet, one
tab-separated line per row, the header rows (merged, two-level ones too) composed into one header line.

The indicator-table parser (``qa.ingest.tables``) then attaches that header to every row, so figures come
out of spreadsheet columns by kind and year exactly as out of a text table ("KH 2023", "Ước TH năm 2023").
Numbers are written the Vietnamese way, with the decimals the cell's number format shows ("12,5",
"1.920.000", "95,5%"), so a value reads the same as in the document it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.ingest.tables import compose_header, is_label_column, is_row_number_column
from qa.models import LoadedText
from qa.vn.text import collapse_ws

# The header of an annex table sits within its first rows, under the annex title.
_HEADER_SEARCH_ROWS = 15
# Two-level headers are the rule ("Năm 2023" over "KH | TH"); three occur; more would be data.
_MAX_HEADER_ROWS = 3
_NUMBER = re.compile(r"^[<>≤≥]?\s*\d[\d.,]*\s*%?$")


@dataclass(slots=True)
class Sheet:
    """A sheet as text cells, row by row, and its merged ranges (0-based, inclusive)."""

    name: str
    rows: list[list[str]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row0, col0, row1, col1)


def sheets_to_text(sheets: list[Sheet], fmt: str) -> LoadedText:
    lines: list[str] = []
    headings: dict[int, int] = {}
    for sheet in sheets:
        body = _sheet_lines(sheet)
        if not body:
            continue
        if len(sheets) > 1 or sheet.name:
            lines.append(sheet.name)
            headings[len(lines)] = 0
        lines.extend(body)
        lines.append("")
    return LoadedText(lines=lines, pages=[None] * len(lines), fmt=fmt, encoding="", headings=headings)


def _sheet_lines(sheet: Sheet) -> list[str]:
    rows = [[collapse_ws(c) for c in row] for row in sheet.rows]
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    filled = _fill_merged(rows, sheet.merged)
    header_at = next(
        (
            r
            for r in range(min(len(rows), _HEADER_SEARCH_ROWS))
            if any(is_label_column(c) for c in filled[r] if c)
        ),
        None,
    )
    if header_at is None:  # no indicator header: the rows as they are
        return ["\t".join(r).rstrip("\t") for r in rows if any(r)]
    label_col = next(c for c, v in enumerate(filled[header_at]) if v and is_label_column(v))
    depth = _header_depth(filled, header_at, label_col)
    header_rows = filled[header_at : header_at + depth]
    columns = [compose_header([row[c] for row in header_rows]) for c in range(width)]
    while columns and not columns[-1] and not any(r[len(columns) - 1] for r in rows[header_at + depth :]):
        columns.pop()
    n = len(columns)
    out = [" ".join(c for c in row if c) for row in rows[:header_at] if any(row)]  # the annex title
    out.append("\t".join(columns))
    for row in rows[header_at + depth :]:
        if any(row[:n]):
            out.append("\t".join(row[:n]))
    return out


def _fill_merged(rows: list[list[str]], merged: list[tuple[int, int, int, int]]) -> list[list[str]]:
    """The grid with every cell of a merged range holding the range's value (for reading headers)."""
    filled = [list(r) for r in rows]
    for r0, c0, r1, c1 in merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1 + 1, len(rows))):
            for c in range(c0, min(c1 + 1, len(rows[r]))):
                filled[r][c] = value
    return filled


def _header_depth(filled: list[list[str]], at: int, label_col: int) -> int:
    """Rows of the header: the first, and those under it that repeat its label cell (merged down) or name
    no indicator and no row number ("KH | TH" under "Năm 2023")."""
    tt_col = next((c for c, v in enumerate(filled[at]) if v and is_row_number_column(v)), None)
    depth = 1
    while depth < _MAX_HEADER_ROWS and at + depth < len(filled):
        row = filled[at + depth]
        label = row[label_col]
        numbered = tt_col is not None and row[tt_col] and row[tt_col] != filled[at][tt_col]
        if (
            label == filled[at][label_col]
            and not numbered
            or not label
            and not numbered
            and any(row)
            and not any(_NUMBER.match(c) for c in row if c)
        ):
            depth += 1
        else:
            break
    return depth


def format_number(value: float, number_format: str = "General") -> str:
    """A cell's number as the document would print it: '12,5', '1.920.000', '95,5%' (format '0.0%')."""
    percent = "%" in number_format
    if percent:
        value *= 100
    m = re.search(r"0\.(0+)", number_format)
    if m:
        decimals = len(m.group(1))
    elif float(value).is_integer():
        decimals = 0
    else:
        decimals = min(len(repr(float(value)).split(".")[1]), 6)
    text = f"{value:,.{decimals}f}".replace(",", "X").replace(".", ",").replace("X", ".")
    if decimals and "0." not in number_format:
        text = text.rstrip("0").rstrip(",")
    return text + ("%" if percent else "")
