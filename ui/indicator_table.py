"""One indicator across provinces and years: the values of `GET /indicators/{id}/values` as a table (a row per
province and kind of figure, a column per year), its sources numbered [1], [2]… in table order, and the bars
of its chart. Pure functions (no Streamlit): the page draws them, the Excel export writes them.

A cell keeps every distinct value the documents give for it (two plans for one year are both shown, never
averaged), each with its comparator ("≥ 96") and, when it is not the indicator's, its unit.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Literal

from ui.format import KIND_LABEL, figure_value, nfc
from ui.places import Places, sort_key

GroupBy = Literal["former", "current"]
# Rows of one province read as a plan's story: what was planned, estimated, done, and the longer-term target.
KIND_ORDER = ("plan", "estimate", "actual", "target")
NO_YEAR = "không rõ năm"
NO_KIND = "không rõ loại"


@dataclass(frozen=True, slots=True)
class Source:
    """One document line that gives a value: [n] in the table, an expander under it, a row in the export."""

    n: int
    scope: str  # the indicator's id: keys stay distinct from one indicator to the next
    doc_id: str
    line: int
    title: str
    place: str  # "tỉnh Bắc Giang cũ, nay thuộc tỉnh Bắc Ninh"
    section: str
    column: str  # the table column that holds the value ("Kế hoạch năm 2024"), "" in prose
    quote: str

    @property
    def key(self) -> str:
        """Streamlit key of its expander: the container gets the class `st-key-<key>` (ui/static/page.js)."""
        return f"qa-src-{self.scope}-{self.n}"


@dataclass(frozen=True, slots=True)
class Reading:
    """One distinct value of a cell (comparator, number as written, unit) and every line that gives it."""

    values: tuple[dict[str, Any], ...]  # the API's value objects, in document order
    sources: tuple[Source, ...]

    @property
    def first(self) -> dict[str, Any]:
        return self.values[0]

    @property
    def unit_fits(self) -> bool:
        return bool(self.first.get("unit_fits", True))

    def text(self) -> str:
        """ "≥ 96", or "2.259 trường hợp" when the unit is not the indicator's."""
        shown = figure_value(self.first)
        return shown if self.unit_fits or not self.first.get("unit") else f"{shown} {self.first['unit']}"


@dataclass(slots=True)
class Row:
    province: str  # as the documents name it
    current: str | None
    kind: str | None
    cells: dict[int | None, list[Reading]] = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return KIND_LABEL.get(self.kind or "", NO_KIND)


@dataclass(slots=True)
class IndicatorTable:
    group_by: GroupBy
    years: list[int | None]
    rows: list[Row]
    sources: list[Source]

    def groups(self) -> list[tuple[str | None, list[Row]]]:
        """Rows under their current unit (grouped by current unit), or all rows in one group."""
        if self.group_by == "former":
            return [(None, self.rows)]
        out: list[tuple[str | None, list[Row]]] = []
        for row in self.rows:
            if not out or out[-1][0] != row.current:
                out.append((row.current, []))
            out[-1][1].append(row)
        return out


def _kind_rank(kind: str | None) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _reading_key(v: dict[str, Any]) -> tuple[str, str, str]:
    return (v.get("comparator") or "", str(v.get("value_text")), v.get("unit") or "")


def build_table(
    values: list[dict[str, Any]], places: Places, group_by: GroupBy, scope: str = "chi-tieu"
) -> IndicatorTable:
    rows: dict[tuple[str, str | None], Row] = {}
    for v in values:
        province = v.get("province") or "không rõ tỉnh"
        row = rows.setdefault(
            (province, v.get("kind")), Row(province, v.get("current_province"), v.get("kind"))
        )
        row.cells.setdefault(v.get("year"), [])
    ordered = sorted(
        rows.values(),
        key=lambda r: (
            sort_key(r.current or r.province) if group_by == "current" else "",
            sort_key(r.province),
            _kind_rank(r.kind),
        ),
    )
    years = sorted({v.get("year") for v in values}, key=lambda y: (y is None, y or 0))
    # Readings per cell, then sources numbered in the order a reader meets them (row by row, year by year).
    grouped: dict[tuple[str, str | None, int | None], dict[tuple[str, str, str], list[dict[str, Any]]]] = {}
    for v in sorted(values, key=lambda v: (v.get("doc_id") or "", v.get("line") or 0)):
        cell = grouped.setdefault((v.get("province") or "không rõ tỉnh", v.get("kind"), v.get("year")), {})
        cell.setdefault(_reading_key(v), []).append(v)
    sources: dict[tuple[str, int], Source] = {}
    for row in ordered:
        for year in years:
            readings = grouped.get((row.province, row.kind, year))
            if not readings:
                continue
            for same in readings.values():
                found = []
                for v in same:
                    where = (str(v.get("doc_id")), int(v.get("line") or 0))
                    if where not in sources:
                        sources[where] = _source(len(sources) + 1, scope, v, places)
                    if sources[where] not in found:
                        found.append(sources[where])
                row.cells[year].append(Reading(tuple(same), tuple(found)))
    return IndicatorTable(group_by, years, ordered, list(sources.values()))


def _source(n: int, scope: str, v: dict[str, Any], places: Places) -> Source:
    return Source(
        n=n,
        scope=scope,
        doc_id=str(v.get("doc_id")),
        line=int(v.get("line") or 0),
        title=nfc(v.get("title") or v.get("source") or ""),
        place=places.place(v.get("province"), v.get("current_province")),
        section=nfc(v.get("section") or ""),
        column=nfc(v.get("column") or ""),
        quote=nfc(v.get("quote") or ""),
    )


def year_label(year: int | None) -> str:
    return str(year) if year is not None else NO_YEAR


def row_place(row: Row, places: Places, group_by: GroupBy) -> tuple[str, str]:
    """The row's province (as documents name it) and, under it, what it is today."""
    if group_by == "current":
        if row.current and row.current != row.province:
            return f"{places.full_names.get(row.province, row.province)} cũ", ""
        return places.current_full_names.get(row.province, row.province), ""
    if row.current and row.current != row.province:
        return row.province, f"nay thuộc {places.current_full_names.get(row.current, row.current)}"
    return row.province, ""


# ---------------------------------------------------------------------- HTML


def _value_link(reading: Reading, row: Row, year: int | None, place: str, unit: str) -> str:
    """The value as a link to its first source line, then the numbers of all its sources ("35,7 [3] [4]")."""
    first = reading.sources[0]
    described = (
        f"{reading.text()} {unit if reading.unit_fits else ''}".strip()
        + f", {row.kind_label} {year_label(year)}, {place}: mở dòng nguồn [{first.n}]"
    )
    link = (
        f'<a class="qa-cite qa-value" href="#{first.key}" data-target="{first.key}" '
        f'aria-label="{html.escape(described)}">{html.escape(reading.text())}</a>'
    )
    refs = "".join(
        f' <a class="qa-cite qa-ref" href="#{s.key}" data-target="{s.key}" aria-label="Nguồn [{s.n}]">[{s.n}]</a>'
        for s in reading.sources
    )
    return f"{link}<small>{refs}</small>"


def table_html(table: IndicatorTable, places: Places, caption: str, unit: str) -> str:
    """The table as plain HTML (reads aloud, prints, becomes one card per row on a phone)."""
    head = '<th scope="col">Tỉnh</th><th scope="col">Loại số liệu</th>' + "".join(
        f'<th scope="col" class="qa-num">{year_label(y)}</th>' for y in table.years
    )
    width = 2 + len(table.years)
    bodies = []
    for group, rows in table.groups():
        lines = []
        if group is not None:
            name = html.escape(places.current_full_names.get(group, group))
            lines.append(f'<tr class="qa-group"><th scope="rowgroup" colspan="{width}">{name}</th></tr>')
        for row in rows:
            place, now = row_place(row, places, table.group_by)
            where = html.escape(place) + (
                f'<br><small class="qa-now">{html.escape(now)}</small>' if now else ""
            )
            cells = [
                f'<th scope="row" data-label="Tỉnh"><span>{where}</span></th>',
                f'<td data-label="Loại số liệu"><span>{html.escape(row.kind_label)}</span></td>',
            ]
            for year in table.years:
                readings = row.cells.get(year) or []
                if not readings:
                    cells.append(f'<td data-label="{year_label(year)}" class="qa-num qa-empty">—</td>')
                    continue
                links = "<br>".join(_value_link(r, row, year, place, unit) for r in readings)
                cells.append(f'<td data-label="{year_label(year)}" class="qa-num"><span>{links}</span></td>')
            lines.append("<tr>" + "".join(cells) + "</tr>")
        bodies.append("<tbody>" + "".join(lines) + "</tbody>")
    return (
        f'<table class="qa-figures qa-indicator"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead>{''.join(bodies)}</table>"
    )


# ---------------------------------------------------------------------- chart


def chart_bars(table: IndicatorTable, places: Places) -> tuple[list[dict[str, Any]], list[str], int]:
    """One bar per value in the indicator's unit, in table order, with its label ("Bắc Giang · Kế hoạch
    2024"); and how many values were left out because their unit is another one."""
    figures: list[dict[str, Any]] = []
    labels: list[str] = []
    left_out = 0
    for _, rows in table.groups():
        for row in rows:
            place, _now = row_place(row, places, table.group_by)
            if table.group_by == "current" and row.current and row.current != row.province:
                place = f"{row.current} ({row.province} cũ)"
            for year in table.years:
                for reading in row.cells.get(year) or []:
                    if not reading.unit_fits:
                        left_out += 1
                        continue
                    figures.append(reading.first)
                    side = f"{row.kind_label} {year if year is not None else ''}".strip().capitalize()
                    labels.append(f"{place} · {side}")
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):  # two values for one cell: number them
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            labels[i] = f"{label} ({seen[label]})"
    return figures, labels, left_out
