"""Indicator tables in six shapes: tab-separated, pipe markdown, flattened PDF rows, year grids, yearbook tables whose
rows are years, and web tables flattened one cell per line.

Every recognised row gets the table header attached, so a row alone still says
which column is "KH 2023" and which is "TH 2023".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import groupby

from qa.models import TableRow
from qa.vn.lexicon import lexicon
from qa.vn.text import collapse_ws, fold
from qa.vn.years import YEAR

_LABEL_COL = re.compile(r"^(chi tieu|noi dung|ten\b|chi so)", re.I)
_UNIT_COL = re.compile(r"^(dvt|dv tinh|don vi)", re.I)
_TT_COL = re.compile(r"^s?tt$", re.I)
_FLAT_HEADER = re.compile(r"^\s*S?TT\s+Chỉ\s+tiêu\b", re.I)
# A row number: "7", "15", "15.1" but not a heading number "1." / "1.1.".
_FLAT_ROW = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,2})?)(?![\d.,/%])(?:\s+(.*))?$")
_FLAT_SUBROW = re.compile(r"^\s*-\s+(.*)$")
_HEADING_LIKE = re.compile(r"^\s*(?:\d+\.\s*)+\S|^\s*[IVX]+\.\s|^\s*Phần\b")
_VALUE_TOKEN = re.compile(r"^[<>≤≥]?\d[\d.,]*%?$")
_COMPARATOR = re.compile(r"^[<>≤≥]$")
_YEAR_COL = re.compile(rf"(?:[^\d\s][^\d]*?\s+)?(?:năm\s+)?\b{YEAR}\b", re.I)
# Units written in the unit column of flattened tables (matched accent-folded, at the end of the label).
_FLAT_UNITS = re.compile(
    r"(?:^|\s)((?:so\s+)?be\s+trai\s*/\s*100\s+be\s+gai|%o|‰|%|tuoi|nam|giuong|bac\s+s[yi]|duoc\s+s[yi]"
    r"|nguoi|ba\s+me|luot|ca|xa|tram|co\s+so|don\s+vi|con\s*/\s*phu\s+nu|diem|cm|kg)$",
    re.I,
)
_PLAN_COL = re.compile(r"^(" + "|".join(lexicon().value_column_prefixes) + r")\b")
_MAX_ROW_LINES = 8
# The kind words a value column's header may start with ("Mục tiêu", "Ước TH"), for composing merged headers.
_KIND_WORD = re.compile(
    r"^(?:"
    + "|".join(p for kind in ("estimate", "target") for p in lexicon().figure_kinds[kind].column_prefixes)
    + r")\b"
)


def is_label_column(name: str) -> bool:
    """'Chỉ tiêu', 'Nội dung', 'Tên chỉ tiêu', 'Chỉ số': the column that names each row's indicator."""
    return bool(_LABEL_COL.match(fold(_clean_cell(name))))


def is_row_number_column(name: str) -> bool:
    return bool(_TT_COL.match(fold(_clean_cell(name))))


def compose_header(levels: list[str]) -> str:
    """One column name from the levels of a merged header, read so that the kind comes before the year:
    ["Năm 2023", "KH"] -> "KH Năm 2023" (as a one-level header writes it: "KH 2023"), ["Chỉ tiêu"] -> "Chỉ tiêu"."""
    parts: list[str] = []
    for level in (collapse_ws(x) for x in levels):
        if level and (not parts or fold(level) != fold(parts[-1])):
            parts.append(level)
    kinds = [p for p in parts if _PLAN_COL.match(fold(p)) or _KIND_WORD.match(fold(p))]
    return " ".join(kinds + [p for p in parts if p not in kinds])


@dataclass(slots=True)
class RowSpan:
    row: TableRow
    start_line: int
    end_line: int
    text: str  # the row as in the source, lines joined


@dataclass(slots=True)
class ParsedTable:
    start_line: int
    end_line: int
    header: list[str]
    header_text: str
    rows: list[RowSpan] = field(default_factory=list)

    @property
    def is_indicator_table(self) -> bool:
        return any(_YEAR_COL.fullmatch(c.strip()) or _PLAN_COL.match(fold(c)) for c in self.header)


@dataclass(slots=True)
class _Roles:
    tt: int | None
    label: int | None
    unit: int | None
    values: list[int]


def find_tables(lines: list[str]) -> list[ParsedTable]:
    """Find tables in normalised lines (index i is line i+1)."""
    tables: list[ParsedTable] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        table: ParsedTable | None = None
        if line.lstrip().startswith("|") and _is_pipe_header(lines, i):
            table = _parse_pipe(lines, i)
        elif "\t" in line and _is_delimited_header(line.split("\t")):
            table = _parse_tab(lines, i)
        elif _FLAT_HEADER.match(line):
            table = _parse_flat(lines, i)
        elif _grid_columns(line):
            table = _parse_grid(lines, i)
        elif _year_row(line) and _year_row(lines[i + 1] if i + 1 < len(lines) else ""):
            table = _parse_year_rows(lines, i)
        elif _is_cell_separator(lines, i + 1) and line.strip() and not _is_cell_separator(lines, i):
            table = _parse_cells(lines, i)
        elif (
            line.strip()
            and i + 2 < len(lines)
            and not lines[i + 1].strip()
            and _opens_paragraph_table(lines, i)
        ):
            table = _parse_cells(lines, i, paragraphs=True)
        if table and table.rows:
            tables.append(table)
            i = table.end_line  # end_line is 1-based, so this is the next index
        else:
            i += 1
    return tables


# ---------------------------------------------------------------- delimited (tab / pipe)


def _clean_cell(cell: str) -> str:
    return collapse_ws(cell.replace("**", ""))


def _is_delimited_header(cells: list[str]) -> bool:
    cleaned = [fold(_clean_cell(c)) for c in cells]
    return len([c for c in cleaned if c]) >= 3 and any(_LABEL_COL.match(c) for c in cleaned)


def _roles(header: list[str]) -> _Roles:
    folded = [fold(h) for h in header]
    tt = next((k for k, h in enumerate(folded) if _TT_COL.match(h)), None)
    label = next((k for k, h in enumerate(folded) if _LABEL_COL.match(h)), None)
    unit = next((k for k, h in enumerate(folded) if _UNIT_COL.match(h)), None)
    values = [k for k in range(len(header)) if k not in (tt, label, unit) and header[k]]
    return _Roles(tt, label, unit, values)


def _row_from_cells(cells: list[str], header: list[str], roles: _Roles, state: dict[str, str]) -> TableRow:
    cells = cells + [""] * (len(header) - len(cells))

    def cell(k: int | None) -> str:
        return cells[k] if k is not None and k < len(cells) else ""

    tt, label, unit = cell(roles.tt), cell(roles.label), cell(roles.unit)
    values = [(header[k], cells[k]) for k in roles.values if k < len(cells) and cells[k]]
    if not label and tt and not re.fullmatch(r"[\d.]+", tt):
        label, tt = tt, ""  # a group title written in the first column
    return _finish_row(tt, label, unit, values, header, state)


def _finish_row(
    tt: str, label: str, unit: str, values: list[tuple[str, str]], header: list[str], state: dict[str, str]
) -> TableRow:
    sub = label.startswith("-") or tt == "-"
    if sub:
        tt, label = "-", label.lstrip("- ").strip()
    if not values and not unit:
        # A group row ("Chỉ tiêu đầu vào") or a parent row whose sub-rows carry the values.
        if label.endswith(":"):  # "Bao gồm:" introduces the sub-rows of the row above
            return TableRow(
                header=header, tt=tt, label=label, unit=unit, values=values, group=state.get("parent", "")
            )
        if tt and not sub:
            state["parent"] = label
        else:
            state["group"] = label.rstrip(":")
            state["parent"] = ""
        group = state.get("group", "")
    else:
        group = state.get("parent", "") if sub else state.get("group", "")
        if not sub:
            state["parent"] = label
    return TableRow(header=header, tt=tt, label=label, unit=unit, values=values, group=group)


def _parse_tab(lines: list[str], start: int) -> ParsedTable:
    header = [_clean_cell(c) for c in lines[start].split("\t")]
    roles = _roles(header)
    table = ParsedTable(start + 1, start + 1, header, " | ".join(h for h in header if h))
    state: dict[str, str] = {}
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            # A blank line inside a tab table is allowed when the table goes on right after it.
            if i + 1 < len(lines) and "\t" in lines[i + 1]:
                i += 1
                continue
            break
        if "\t" not in line:
            break
        cells = [_clean_cell(c) for c in line.split("\t")]
        if [fold(c) for c in cells] == [fold(h) for h in header]:
            i += 1  # the header repeated after a page break
            continue
        if any(cells):
            row = _row_from_cells(cells, header, roles, state)
            table.rows.append(RowSpan(row, i + 1, i + 1, line))
        i += 1
    table.end_line = i
    return table


def _split_pipe(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [_clean_cell(c) for c in inner.split("|")]


def _is_separator(line: str) -> bool:
    return bool(re.fullmatch(r"\s*\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?\s*", line))


def _is_pipe_header(lines: list[str], i: int) -> bool:
    return i + 1 < len(lines) and _is_separator(lines[i + 1]) and _is_delimited_header(_split_pipe(lines[i]))


def _parse_pipe(lines: list[str], start: int) -> ParsedTable:
    header = _split_pipe(lines[start])
    roles = _roles(header)
    table = ParsedTable(start + 1, start + 2, header, " | ".join(h for h in header if h))
    state: dict[str, str] = {}
    i = start + 2
    while i < len(lines) and lines[i].lstrip().startswith("|"):
        cells = _split_pipe(lines[i])
        if any(cells):
            row = _row_from_cells(cells, header, roles, state)
            table.rows.append(RowSpan(row, i + 1, i + 1, lines[i]))
        i += 1
    table.end_line = i
    return table


# ---------------------------------------------------------------- flattened PDF rows


def _flat_columns(header_text: str) -> list[str]:
    """'TT Chỉ tiêu ĐVT KH 2023 TH 2023' -> ['TT', 'Chỉ tiêu', 'ĐVT', 'KH 2023', 'TH 2023']."""
    m = re.match(
        r"\s*(S?TT)\s+(Chỉ\s+tiêu)\s+(ĐVT|ĐV\s+tính|Đơn\s+vị\s+tính|Đơn\s+vị)?\s*(.*)$", header_text, re.I
    )
    if not m:
        return []
    rest = m.group(4)
    value_cols = [collapse_ws(v) for v in _YEAR_COL.findall(rest)]
    return [m.group(1), m.group(2), m.group(3) or "ĐVT", *value_cols]


def _split_values(text: str, n: int, blanks: bool = False) -> tuple[str, list[str]] | None:
    """Take the last n value tokens off a flattened row; None while the row is incomplete. With ``blanks``, a lone
    dash is a cell the table leaves empty (a statistical yearbook's "-": no such thing that year), kept as "-"."""
    tokens = text.split()
    values: list[str] = []
    while tokens and len(values) < n:
        tok = tokens[-1]
        if _VALUE_TOKEN.match(tok) or (blanks and tok in _BLANK_CELLS):
            tokens.pop()
            if tokens and _COMPARATOR.match(tokens[-1]):
                tok = tokens.pop() + " " + tok
            values.insert(0, tok)
        else:
            break
    if len(values) < n:
        return None
    return " ".join(tokens), values


# A unit in parentheses closing a row label: "Số dân (người)", "Tỷ suất sinh thô (‰)", "Tổng tỷ suất sinh (Số
# con/phụ nữ)" (statistical tables). Not a parenthesis that narrows the row ("(nam)", "(trẻ dưới 1 tuổi)").
_PAREN_UNIT = re.compile(
    r"\(\s*((?:số\s+)?[^()\d/]{1,20}/\s*[^()]{1,20}|%o?|‰|người|nghìn người|ca|lượt|con|giường|bác sĩ|bác sỹ"
    r"|triệu đồng|tỷ đồng|nghìn đồng|đồng|xã|cơ sở|trạm|tuổi)\s*\)\s*$",
    re.I,
)


def paren_unit(label: str) -> tuple[str, str]:
    """(label, unit) of a label closed by its unit in parentheses ("Số dân (người)"), else (label, "")."""
    paren = _PAREN_UNIT.search(label)
    if paren is None or re.search(r"\d", label[: paren.start()]):
        # "… trên 100.000 dân (người)": the noun of a rate, which the figure's unit completes
        return label, ""
    return label[: paren.start()].strip(), paren.group(1)


def _split_unit(label: str) -> tuple[str, str]:
    folded = fold(label)
    m = _FLAT_UNITS.search(folded)
    if not m:
        return paren_unit(label)
    # Folding keeps length for Vietnamese letters, so the offsets apply to the original.
    cut = m.start(1)
    return label[:cut].strip(), label[cut:].strip()


def _parse_flat(lines: list[str], start: int) -> ParsedTable | None:
    # The header may be split over several lines ("TT Chỉ tiêu ĐVT", "KH", "2023", "TH", "2023").
    parts = [lines[start].strip()]
    i = start + 1
    while i < len(lines) and len(parts) < 12:
        s = lines[i].strip()
        if s and (_FLAT_ROW.match(s) and not re.fullmatch(YEAR, s)):
            break
        if s:
            parts.append(s)
        i += 1
    header_text = collapse_ws(" ".join(parts))
    header = _flat_columns(header_text)
    n_values = len(header) - 3
    if n_values < 1:
        return None
    table = ParsedTable(start + 1, i, header, header_text)
    state: dict[str, str] = {}
    current: dict | None = None

    def flush() -> None:
        nonlocal current
        if current is None:
            return
        text = collapse_ws(" ".join(current["parts"]))
        split = _split_values(text, n_values)
        body, values = split if split else (text, [])
        label, unit = _split_unit(body) if values else (body, "")
        named = list(zip(header[3:], values, strict=False))
        row = _finish_row(current["tt"], label, unit, named, header, state)
        table.rows.append(RowSpan(row, current["start"], current["end"], current["raw"]))
        table.end_line = current["end"]
        current = None

    while i < len(lines):
        raw = lines[i]
        s = raw.strip()
        if not s:
            i += 1
            continue
        row_m = _FLAT_ROW.match(s)
        sub_m = _FLAT_SUBROW.match(s)
        if row_m or sub_m:
            flush()
            if row_m:
                tt, rest = row_m.group(1), row_m.group(2) or ""
            else:
                assert sub_m is not None
                tt, rest = "-", "- " + sub_m.group(1)
            current = {"tt": tt, "parts": [rest], "start": i + 1, "end": i + 1, "raw": s}
        elif (
            current is not None
            and _split_values(collapse_ws(" ".join(current["parts"])), n_values) is None
            and not _HEADING_LIKE.match(s)
            and current["end"] - current["start"] < _MAX_ROW_LINES
        ):
            current["parts"].append(s)  # the row is wrapped over several lines
            current["end"] = i + 1
            current["raw"] += " " + s
        else:
            break
        i += 1
    flush()
    return table


# ---------------------------------------------------------------- year grids

# A header of year columns and nothing else ("2015 2017 2019 2020 Sơ bộ 2021", "Năm 2021 Năm 2022 Ước 2023"),
# the rows under it a label and one value per column ("Bác sĩ bình quân 1 vạn dân 16,27 17,23 20,95 18,59
# 19,23"): a statistics page as its text comes out of HTML or a PDF.
MIN_GRID_COLUMNS = 2
# A row is a label and its values: a longer line is prose under the grid.
MAX_GRID_ROW_WORDS = 25
_SENTENCE_MARK = re.compile(r"[.;:!?](?:\s|$)")
# A grid row's own number ("I. Cơ sở phòng và chữa bệnh 152 156 …", "1.2. …") or sub-row mark ("- Bệnh viện 13 14
# …"), which a statistical table writes before the label: no sentence's period. A numbered row belongs to the grid
# only when it holds all its values, so a numbered heading under a grid still ends it.
_GRID_ROW_NUMBER = re.compile(r"^(?:(?P<number>[IVX]{1,4}|\d{1,2}(?:\.\d{1,2})*)\.|(?P<mark>[-–+]))\s+(?=\S)")
_BLANK_CELLS = frozenset({"-", "–"})


def _grid_columns(line: str) -> list[str]:
    text = collapse_ws(line)
    columns = [collapse_ws(c) for c in _YEAR_COL.findall(text)]
    if len(columns) < MIN_GRID_COLUMNS or collapse_ws(" ".join(columns)) != text:
        return []
    if any(len(c.split()) > 3 for c in columns):
        return []  # a sentence that happens to end in a year, not column names
    return columns


_BREAKDOWNS = frozenset(lexicon().qualifiers)
_NOT_ENGLISH_LETTER = r"[^\W\d_a-zA-Z]"  # a letter English does not write (a sign such as ‰ is no letter)
_NOT_ENGLISH = re.compile(_NOT_ENGLISH_LETTER)
# "Thành thị - Urban", "Nông thôn - Rural": a yearbook's row label with its English translation after a dash
_TRANSLATED = re.compile(
    rf"^(?P<own>.*{_NOT_ENGLISH_LETTER}.*?)\s+[-–]\s*(?P<english>[A-Za-z][A-Za-z ,()/'.-]*)$"
)


def _is_breakdown(label: str) -> bool:
    """A row naming only a part ("Thành thị", "Nông thôn", "Nam", "Nữ"): a breakdown of the row above, whose
    indentation the flattened grid lost."""
    folded = fold(label).lower()
    return folded in _BREAKDOWNS or folded in _TABLE_PARTS or label in lexicon().qualifier_rules.sex


_TABLE_PARTS = frozenset(lexicon().table_parts)


def _is_translation(label: str, above: str) -> bool:
    """An English line under a Vietnamese one (a statistical yearbook's bilingual rows)."""
    return not _NOT_ENGLISH.search(label) and bool(_NOT_ENGLISH.search(above))


def _without_translation(label: str) -> str:
    m = _TRANSLATED.match(label)
    return m.group("own") if m else label


def _broken_down(rows: list[RowSpan]) -> TableRow | None:
    """The row a breakdown row ("Thành thị", "Nhà nước") is a part of: the nearest row above with values that is no
    breakdown itself."""
    return next((r.row for r in reversed(rows) if r.row.values and not _is_breakdown(r.row.label)), None)


def _row_name(row: TableRow) -> str:
    """A row's name with the row it is a part of: "Cơ sở phòng và chữa bệnh: Bệnh viện" for "- Bệnh viện"."""
    return f"{row.group}: {row.label}" if row.tt == "-" and row.group else row.label


def _parse_grid(lines: list[str], start: int) -> ParsedTable | None:
    columns = _grid_columns(lines[start])
    header = ["TT", "Chỉ tiêu", "ĐVT", *columns]
    table = ParsedTable(start + 1, start + 1, header, collapse_ws(lines[start]))
    state: dict[str, str] = {}
    i = start + 1
    while i < len(lines):
        s = collapse_ws(lines[i])
        numbered = _GRID_ROW_NUMBER.match(s)
        body = s[numbered.end() :] if numbered else s
        split = _split_values(body, len(columns), blanks=True)
        if numbered and numbered.group("number") and split is None:
            body = s  # a numbered heading, not a row
        if (
            not s
            or len(s.split()) > MAX_GRID_ROW_WORDS
            or _SENTENCE_MARK.search(body)
            or body.upper() == body
        ):
            break  # a blank line, a sentence or a capitalised heading ends the grid
        if split is not None and split[0] and not _VALUE_TOKEN.match(split[0].split()[-1]):
            values = [
                (column, cell)
                for column, cell in zip(columns, split[1], strict=True)
                if cell not in _BLANK_CELLS
            ]
            above = table.rows[-1] if table.rows else None
            if above is not None and not above.row.values and _is_translation(split[0], above.row.label):
                # A statistical yearbook names each row twice, its values on the English line: "Tổng tỷ suất
                # sinh (Số con/phụ nữ)" over "Total fertility rate (Children per woman) 2,74 2,70 …"
                table.rows.pop()
                label, unit = _split_unit(above.row.label)
                row = _finish_row("", label, unit, values, header, state)
                table.rows.append(RowSpan(row, above.start_line, i + 1, f"{above.text} {s}"))
                table.end_line = i + 1
                i += 1
                continue
            label, unit = _split_unit(_without_translation(split[0]))
            whole = _broken_down(table.rows) if _is_breakdown(label) else None
            if whole is not None:
                # "Nhà nước - State 13 13 …" under "- Bệnh viện - Hospital 13 14 …": a part of the row above
                row = _finish_row(
                    "-", label, unit or whole.unit, values, header, {"parent": _row_name(whole)}
                )
                table.rows.append(RowSpan(row, i + 1, i + 1, s))
                table.end_line = i + 1
                i += 1
                continue
            tt = (
                "-"
                if numbered and numbered.group("mark")
                else (numbered.group("number") or "")
                if numbered
                else ""
            )
        else:
            # Fewer values than columns: which cells are blank is not written ("Số người chết … 31 79" under
            # five years), so the row keeps its text and gives no values rather than guessed ones.
            label, unit, values, tt = s, "", [], ""
        row = _finish_row(tt, label, unit, values, header, state)
        table.rows.append(RowSpan(row, i + 1, i + 1, s))
        table.end_line = i + 1
        i += 1
    return table if any(r.row.values for r in table.rows) else None


# ---------------------------------------------------------------- tables whose rows are years

# A statistical yearbook's table turned the other way: one row per year, one column per part ("Dân số trung bình
# phân theo giới tính và theo thành thị, nông thôn": "2020 1487903 732807 755096 599852 888051" under "Nam Nữ Thành
# thị Nông thôn"), a unit or a measure between runs of rows ("Người - Person", "Tỷ lệ tăng - Growth rate (%)").
# Read only when the columns are named by parts the lexicon knows, so each value gets a name it surely has.
_YEAR_ROW_ABOVE = 10  # lines above the first row searched for the column names and the title
_TOTAL_COLUMN = "Tổng số"  # the whole, written before the parts its columns name ("Tổng số / Nam / Nữ / …")
_TITLE_CUT = re.compile(r"\s+(?:phân theo|chia theo)\b.*$", re.I)
# Words opening the lines of a header that are no title: "Phân theo giới tính", "và theo thành thị", "Tổng số"
_NO_TITLE_START = frozenset({"phan", "va", "tong", "chia"})


def _year_row(line: str) -> tuple[str, list[str]] | None:
    """("Sơ bộ - Prel. 2023", ["1506331", …]) for a row naming its year before two or more values."""
    tokens = collapse_ws(line).split()
    at = next((k for k, t in enumerate(tokens) if re.fullmatch(YEAR, t)), None)
    if at is None or at > 4 or any(re.search(r"\d", t) for t in tokens[:at]):
        return None
    values = tokens[at + 1 :]
    # a growth rate may fall ("-0,109"): the row is still one of the table, though no figure reads a negative cell
    if len(values) < MIN_GRID_COLUMNS or not all(
        _VALUE_TOKEN.match(v.removeprefix("-")) or v in _BLANK_CELLS for v in values
    ):
        return None
    if all(re.fullmatch(YEAR, v) for v in values):
        return None  # a header of years
    return " ".join(tokens[: at + 1]), values


# The names of parts a column may have (folded, longest first): breakdowns, table parts and sexes.
_PART_NAMES = sorted(
    {*_BREAKDOWNS, *_TABLE_PARTS, *(fold(k).lower() for k in lexicon().qualifier_rules.sex)},
    key=len,
    reverse=True,
)


def _part_names(line: str) -> list[str]:
    """["Nam", "Nữ", "Thành thị", "Nông thôn"] for a line made of nothing but the names of parts, else []."""
    text = collapse_ws(line)
    folded = fold(text).lower()
    names: list[str] = []
    at = 0
    while at < len(folded):
        part = next(
            (
                k
                for k in _PART_NAMES
                if folded.startswith(k, at) and folded[at + len(k) : at + len(k) + 1] in ("", " ")
            ),
            None,
        )
        if part is None:
            return []
        names.append(text[at : at + len(part)])  # folding keeps the length of Vietnamese letters
        at += len(part) + 1
    return names


def _title_above(lines: list[str], below: int) -> str:
    """The table's title above line index ``below``: the nearest Vietnamese line with no number that no header
    word opens, cut before "phân theo" ("Dân số trung bình phân theo giới tính" -> "Dân số trung bình")."""
    for k in range(below - 1, max(-1, below - _YEAR_ROW_ABOVE), -1):
        text = collapse_ws(lines[k])
        words = fold(text).lower().split()
        if (
            words
            and _NOT_ENGLISH.search(text)
            and not re.search(r"\d", text)
            and words[0] not in _NO_TITLE_START
        ):
            return _TITLE_CUT.sub("", text)
    return ""


def _unit_line(line: str) -> tuple[str, str] | None:
    """(measure, unit) of a line naming what the rows under it count: ("", "Người") for "Người - Person",
    ("Tỷ lệ tăng", "%") for "Tỷ lệ tăng - Growth rate (%)"."""
    text, unit = paren_unit(collapse_ws(line))
    label, own_unit = _split_unit(_without_translation(text))
    unit = unit or own_unit
    return (label, unit) if unit else None


def _parse_year_rows(lines: list[str], start: int) -> ParsedTable | None:
    first = _year_row(lines[start])
    assert first is not None
    width = len(first[1])
    columns_at = next(
        (k for k in range(start - 1, max(-1, start - _YEAR_ROW_ABOVE), -1) if _part_names(lines[k])), None
    )
    if columns_at is None:
        return None
    parts = _part_names(lines[columns_at])
    columns = [_TOTAL_COLUMN, *parts] if len(parts) == width - 1 else parts
    title = _title_above(lines, columns_at)
    if len(columns) != width or not title:
        return None
    unit = next(
        (u for k in range(start - 1, columns_at, -1) if (u := _unit_line(lines[k])) is not None and not u[0]),
        ("", ""),
    )[1]
    header = ["Năm", *columns]
    table = ParsedTable(start + 1, start + 1, header, collapse_ws(lines[columns_at]))
    label = title
    i = start
    while i < len(lines):
        row = _year_row(lines[i])
        if row is None or len(row[1]) != width:
            measure = _unit_line(lines[i]) if lines[i].strip() else None
            if measure is None or not _year_row(lines[i + 1] if i + 1 < len(lines) else ""):
                break
            label = f"{title}: {measure[0]}" if measure[0] else title
            unit = measure[1]
            i += 1
            continue
        when, cells = row
        values = [
            (column, cell) for column, cell in zip(columns, cells, strict=True) if cell not in _BLANK_CELLS
        ]
        table.rows.append(
            RowSpan(
                TableRow(header, "", label, unit, values, caption=when), i + 1, i + 1, collapse_ws(lines[i])
            )
        )
        table.end_line = i + 1
        i += 1
    return table


# ---------------------------------------------------------------- web tables, one cell per line

# A web page's table as stored pages flatten it: each cell on its own line(s), a line holding only "|" between cells,
# rows one after another with nothing to mark where one ends ("Nhóm tuổi | Tổng Dân số | Nam | Nữ | Tổng | 908.241 |
# 454.477 | 453.764 | <15 tuổi | 196.120 | …"). The row width is read from the values: each row is a label and the
# same number of values, which the header names.
_MAX_CELL_LINES = 3  # a cell's text wraps over this many lines at most
_MIN_CELL_ROWS = 2  # rows of label and values, so a width is seen twice
# the lines above a table that may say what and when it is ("Cấu trúc dân số tỉnh / … cuối năm 2019")
CAPTION_LINES = 2


def _is_cell_separator(lines: list[str], i: int) -> bool:
    return 0 <= i < len(lines) and lines[i].strip() == "|"


def _cells(lines: list[str], start: int) -> list[tuple[str, int, int]]:
    """(text, first line, last line) of each cell from ``start``: runs of lines between "|" lines, until a run that
    no "|" line follows."""
    cells: list[tuple[str, int, int]] = []
    i = start
    while i < len(lines):
        j = i
        while j < len(lines) and not _is_cell_separator(lines, j) and j - i < _MAX_CELL_LINES:
            j += 1
        text = collapse_ws(" ".join(lines[i:j]))
        if not text:
            break
        cells.append((text, i + 1, j))
        if not _is_cell_separator(lines, j):
            break  # the last cell: nothing follows it
        i = j + 1
    return cells


def _is_value_cell(text: str) -> bool:
    return bool(_VALUE_TOKEN.match(text.replace(" ", "")))


# A column named by its year alone ("2005", "Năm 2019"), or qualified after it ("2020 (sơ bộ)").
_YEAR_CELL = re.compile(rf"^(?:năm\s+)?{YEAR}(?:\s*\([^()]*\))?$", re.I)
# A cell that only qualifies the one before it: "2020 | (sơ bộ)", "(ước)".
_QUALIFYING_CELL = re.compile(r"^\([^()]{1,20}\)$")
# One cell per paragraph (a page's table stored with a blank line between cells): a cell is short, a longer
# paragraph is the prose after the table.
MAX_PARAGRAPH_CELL_WORDS = 10
# Cells read for one such table at most (50 rows of 10 columns): every short paragraph opening years is tried, so the
# reading is bounded, not the rest of the document each time.
MAX_PARAGRAPH_CELLS = 500


def _header_years(cells: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The cells with each qualifying cell joined to the column name before it ("2020", "(sơ bộ)" ->
    "2020 (sơ bộ)"), as far as the header's years go."""
    out: list[tuple[str, int, int]] = []
    for text, first, last in cells:
        if out and _QUALIFYING_CELL.match(text) and _YEAR_CELL.match(out[-1][0]):
            out[-1] = (f"{out[-1][0]} {text}", out[-1][1], last)
        else:
            out.append((text, first, last))
    return out


def _paragraph_cells(lines: list[str], start: int, limit: int | None = None) -> list[tuple[str, int, int]]:
    """(text, line, line) of each cell of a table stored one cell per paragraph, from ``start`` (at most
    ``limit``)."""
    cells: list[tuple[str, int, int]] = []
    i = start
    while i < len(lines) and (limit is None or len(cells) < limit):
        text = collapse_ws(lines[i])
        if not text or len(text.split()) > MAX_PARAGRAPH_CELL_WORDS or _SENTENCE_MARK.search(text):
            break
        cells.append((text, i + 1, i + 1))
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j == i + 1:
            break  # no blank line after it: not a cell of such a table
        i = j
    return cells


def _opens_paragraph_table(lines: list[str], i: int) -> bool:
    """A short paragraph followed by at least two paragraphs naming years: "Năm", "2005", "2009", …"""
    cells = _paragraph_cells(lines, i, limit=4)  # every short paragraph is asked: look no further than needed
    return len(cells) > 3 and all(_YEAR_CELL.match(t) for t, _, _ in cells[1:3])


def _parse_cells(lines: list[str], start: int, paragraphs: bool = False) -> ParsedTable | None:
    cells = _header_years(
        _paragraph_cells(lines, start, MAX_PARAGRAPH_CELLS) if paragraphs else _cells(lines, start)
    )
    values = [_is_value_cell(t) for t, _, _ in cells]
    # Years naming the columns are no values: those before the first value that is not a year.
    for k, (text, _, _) in enumerate(cells):
        if values[k] and not _YEAR_CELL.match(text):
            break
        values[k] = False
    if True not in values:
        return None
    first = values.index(True)
    runs = [len(list(run)) for is_value, run in groupby(values[first:]) if is_value]  # each after one label
    width = max(set(runs), key=runs.count)
    if runs.count(width) < _MIN_CELL_ROWS or first < width + 2:
        return None  # no header naming the label column and each value column
    header = [t for t, _, _ in cells[first - width - 2 : first - 1]]
    caption = collapse_ws(
        " ".join(x for x in lines[max(0, start - CAPTION_LINES) : start] if x.strip() != "|")
    )
    roles = _Roles(tt=None, label=0, unit=None, values=list(range(1, width + 1)))
    table = ParsedTable(cells[first - width - 2][1], cells[first - 2][2], header, " | ".join(header))
    state: dict[str, str] = {}
    at = first - 1
    while at + width < len(cells) and not values[at] and all(values[at + 1 : at + width + 1]):
        row_cells = [t for t, _, _ in cells[at : at + width + 1]]
        row = _row_from_cells(row_cells, header, roles, state)
        if not row.unit:
            row.label, row.unit = paren_unit(row.label)
        row.caption = caption
        table.rows.append(RowSpan(row, cells[at][1], cells[at + width][2], " | ".join(row_cells)))
        at += width + 1
    if len(table.rows) < _MIN_CELL_ROWS:
        return None
    table.end_line = table.rows[-1].end_line
    return table
