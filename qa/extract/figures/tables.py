"""Figures from indicator table rows: one per value column whose header names a kind and a year
("KH 2023", "Ước TH năm 2023", "Năm 2030"); the unit from the unit column, completed by the label's
per-population part ("Số bác sỹ/10.000 dân", column "Bác sỹ" -> "bác sỹ/10.000 dân").
"""

from __future__ import annotations

import re

from qa.extract.figures.context import MAX_QUOTE, dated_year, horizon, section_kind
from qa.extract.figures.units import CMP, GENERIC_UNITS, label_noun, normalize_unit, per_part
from qa.models import Block, Figure, FigureKind, ParsedDocument, TableRow
from qa.vn.lexicon import lexicon
from qa.vn.numbers import parse_vn_number
from qa.vn.text import collapse_ws, fold
from qa.vn.years import YEAR

# ---------------------------------------------------------------- tables

# A value column's header names its kind before its year: "KH 2023", "Ước TH năm 2023", "Thực hiện 2022".
# Tried in this order: "ước th" is an estimate before "th" could call it actual.
_COLUMN_KINDS: list[tuple[re.Pattern[str], FigureKind]] = [
    (
        re.compile(r"^(?:" + "|".join(lexicon().figure_kinds[kind].column_prefixes) + rf")\b.*?({YEAR})\b"),
        kind,
    )
    for kind in ("estimate", "actual", "plan", "target")
]
_REPORTS = lexicon().reporting_kinds | {lexicon().news_kind}
# "2020", "năm 2020", "2020 (sơ bộ)" (folded): a column named by its year, perhaps with a note on its values
_YEAR_COLUMN = re.compile(rf"^(?:nam\s+)?({YEAR})(?:\s*\(([^()]*)\))?$")
_ESTIMATE_NOTE = re.compile(r"\b(?:uoc|du kien)\b")
_CELL_RE = re.compile(
    r"^\s*(?P<cmp><=|>=|≤|≥|<|>)?\s*(?P<num>\d[\d.,]*\d|\d)(?:\s*[-–]\s*(?P<num2>\d[\d.,]*))?\s*(?P<sym>%o|‰|%)?"
)


# The column of a caption-timed table that holds the whole its other columns break down ("Tổng số | Nam | Nữ"): its
# values are the row's own, named by the row alone.
WHOLE_COLUMNS = frozenset({"tong so"})


def column_kind_year(
    column: str, header: list[str], doc: ParsedDocument, block: Block, base: int | None
) -> tuple[FigureKind, int] | None:
    """What a value column holds: ('plan', 2023) for 'KH 2023', ('target', 2030) for 'Năm 2030' of a strategy.
    ``base``: the document's own year (``context.base_year``)."""
    col = collapse_ws(fold(column))
    for pattern, kind in _COLUMN_KINDS:
        m = pattern.match(col)
        if m:
            return kind, int(m.group(1))
    m = _YEAR_COLUMN.match(col)
    if not m:
        return None
    year = int(m.group(1))
    if base is not None and year < base:
        # A year before the document's own is reported, not planned ("2015 … 2020" in a 2022 page).
        return "actual", year
    undated = dated_year(doc) is None
    if doc.meta.kind in _REPORTS and (year == base or undated) and section_kind(block) != "plan":
        # A report, a news page or a yearbook gives results: its own year's ("2019 … 2023" of a 2023 yearbook),
        # and when undated, every year its table names ("2005 2009 2015 2019 2020 (sơ bộ)")
        return ("estimate" if m.group(2) and _ESTIMATE_NOTE.search(m.group(2)) else "actual"), year
    # A bare year column is a plan, unless the table looks past the coming year (a strategy's targets).
    header_years = [int(y) for h in header for y in re.findall(rf"\b({YEAR})\b", fold(h))]
    far = base is not None and max(header_years, default=year) >= base + 2
    return ("target" if far or horizon(doc, block) is not None else "plan"), year


def _row_unit(block: Block) -> str:
    row = block.row
    assert row is not None
    unit = normalize_unit(row.unit)
    per = per_part(row.label)
    if not per or "/" in unit or unit in {"%", "‰"}:
        return unit
    noun = unit if fold(unit) not in GENERIC_UNITS else label_noun(row.label)
    return f"{noun}{per}" if noun else per


# "Số liệu thống kê … cho thấy" (the statistics show) is no "Số …" indicator: what it shows is named after it;
# neither is a comparison, folded to the same "so" ("…, tăng 35% so với cùng kỳ, trong đó 3 ca tử vong": the
# deaths are named by their own words, not by "so với cùng kỳ").
INDICATOR_START = re.compile(
    r"^(?:tong so|tong|so(?! lieu\b| voi\b| sanh\b| cung ky\b)|ty le|ti le|ty suat|ti suat|ty so|ti so|binh quan|tuoi tho|muc|chi so|chi"
    r"|cong suat|dan so|toc do)\b"
)


def _row_indicator(block: Block) -> str:
    row = block.row
    assert row is not None
    label = collapse_ws(row.label)
    sub_row = row.tt.strip() in {"-", "+", "*", "–"}
    self_contained = INDICATOR_START.match(fold(label)) or len(label.split()) > 5
    if sub_row and row.group and row.group != label and not self_contained:
        return f"{collapse_ws(row.group)}: {label}"  # "Chiều cao trung bình ...: Nam"
    return label


def _cell_line(doc: ParsedDocument, block: Block, cell: str) -> int:
    """Source line of a cell: the last line of the row that contains it (flattened PDF rows wrap)."""
    if block.marks:
        pos = block.text.rfind(cell)
        return block.line_at(pos) if pos >= 0 else block.start_line
    for line_no in range(block.end_line, block.start_line - 1, -1):
        if 0 < line_no <= len(doc.lines) and cell in doc.lines[line_no - 1]:
            return line_no
    return block.end_line


def _caption_time(row: TableRow, base: int | None) -> tuple[FigureKind, int] | None:
    """('actual', 2019) for a caption that names one year not after the text's own ("… cuối năm 2019")."""
    years = {int(y) for y in re.findall(rf"\b({YEAR})\b", row.caption)}
    if len(years) != 1:
        return None
    year = years.pop()
    return ("actual", year) if base is None or year <= base else None


def table_figures(doc: ParsedDocument, block: Block, base: int | None) -> list[Figure]:
    row = block.row
    if row is None or not row.values or not row.label.strip():
        return []
    indicator = _row_indicator(block)
    unit = _row_unit(block)
    quote = collapse_ws(block.text)[:MAX_QUOTE]
    figures: list[Figure] = []
    # A table whose columns name no kind or year ("Nhóm tuổi | Tổng Dân số | Nam | Nữ") stands at the time its
    # caption names ("Cấu trúc dân số tỉnh Bạc Liêu cuối năm 2019"), a result when that is not after the text's own
    # year; each value is named by its row and column.
    by_caption = _caption_time(row, base) if row.caption else None
    if by_caption is not None and any(column_kind_year(c, row.header, doc, block, base) for c in row.header):
        by_caption = None
    for column, cell in row.values:
        mapped = by_caption or column_kind_year(column, row.header, doc, block, base)
        m = _CELL_RE.match(cell)
        if not mapped or not m:
            continue  # "Đạt mục tiêu", "Loại trừ sốt rét", or a column without kind/year
        value = parse_vn_number(m.group("num"))
        if value is None:
            continue
        value_text = m.group("num") + (f"-{m.group('num2')}" if m.group("num2") else "")
        sym = m.group("sym")
        kind, year = mapped
        figures.append(
            Figure(
                indicator=f"{indicator}: {column}"
                if by_caption and fold(column).lower() not in WHOLE_COLUMNS
                else indicator,
                value=value,
                value_text=value_text,
                unit=normalize_unit(sym) if sym else unit,
                year=year,
                kind=kind,
                comparator=CMP.get(m.group("cmp") or ""),
                doc_id=doc.doc_id,
                source=doc.source,
                section=block.section_path,
                line=_cell_line(doc, block, cell.strip()),
                quote=quote,
                province=doc.meta.province,
                column=column,
                row_key=f"{doc.doc_id}:{block.start_line}",
            )
        )
    return figures
