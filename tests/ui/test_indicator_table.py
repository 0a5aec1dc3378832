"""The «Chỉ tiêu» table, chart bars and Excel file, and the province names then and now, from API-shaped data
(fast tier: no server; the browser test drives the same code against the real API)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from ui.format import citation_label
from ui.indicator_export import indicator_xlsx, number_format
from ui.indicator_table import build_table, chart_bars, table_html
from ui.places import Places

PROVINCES = {  # GET /provinces, two current units of 34
    "effective": "2025-07-01",
    "provinces": [
        {
            "name": "Cần Thơ",
            "full_name": "thành phố Cần Thơ",
            "filter": "Cần Thơ",
            "documents": 2,
            "former": [
                {"name": "Cần Thơ", "full_name": "thành phố Cần Thơ", "filter": "Cần Thơ cũ", "documents": 1},
                {"name": "Sóc Trăng", "full_name": "tỉnh Sóc Trăng", "filter": "Sóc Trăng", "documents": 0},
                {"name": "Hậu Giang", "full_name": "tỉnh Hậu Giang", "filter": "Hậu Giang", "documents": 1},
            ],
        },
        {
            "name": "Bắc Ninh",
            "full_name": "tỉnh Bắc Ninh",
            "filter": "Bắc Ninh",
            "documents": 1,
            "former": [
                {"name": "Bắc Ninh", "full_name": "tỉnh Bắc Ninh", "filter": "Bắc Ninh cũ", "documents": 0},
                {"name": "Bắc Giang", "full_name": "tỉnh Bắc Giang", "filter": "Bắc Giang", "documents": 1},
            ],
        },
        {
            "name": "Lâm Đồng",
            "full_name": "tỉnh Lâm Đồng",
            "filter": "Lâm Đồng",
            "documents": 0,
            "former": [
                {"name": "Lâm Đồng", "full_name": "tỉnh Lâm Đồng", "filter": "Lâm Đồng cũ", "documents": 0}
            ],
        },
    ],
}
INDICATOR = {
    "id": "hospital_beds_per_10k",
    "name": "Số giường bệnh trên 10.000 dân",
    "unit": "giường/10.000 dân",
}


def value(
    province: str, current: str, year: int, kind: str, text: str, line: int, **kw: Any
) -> dict[str, Any]:
    """A value as GET /indicators/{id}/values gives it."""
    labels = {"plan": "kế hoạch", "actual": "thực hiện", "estimate": "ước thực hiện", "target": "mục tiêu"}
    return {
        "indicator": "Số giường bệnh/10.000 dân",
        "indicator_id": "hospital_beds_per_10k",
        "value": float(text.replace(".", "").replace(",", ".")),
        "value_text": text,
        "unit": "giường/10.000 dân",
        "year": year,
        "kind": kind,
        "kind_label": labels[kind],
        "comparator": None,
        "qualifiers": [],
        "province": province,
        "current_province": current,
        "doc_id": f"doc-{province}",
        "source": f"{province}.txt",
        "title": f"Kế hoạch y tế {province}",
        "section": "I. Chỉ tiêu",
        "line": line,
        "quote": f"Số giường bệnh/10.000 dân {text}",
        "column": "",
        "unit_fits": True,
        **kw,
    }


VALUES = [
    value("Bắc Giang", "Bắc Ninh", 2023, "estimate", "32,0", 332),
    value("Bắc Giang", "Bắc Ninh", 2024, "plan", "33,8", 332),
    value("Hậu Giang", "Cần Thơ", 2023, "actual", "35,8", 62),
    value("Hậu Giang", "Cần Thơ", 2023, "actual", "35,8", 1278),  # the same value on another line
    value("Hậu Giang", "Cần Thơ", 2023, "plan", "35", 60, comparator="≥"),
    value("Hậu Giang", "Cần Thơ", 2022, "actual", "1.266", 70, unit="cơ sở", unit_fits=False),
    value("Cần Thơ", "Cần Thơ", 2023, "actual", "40,1", 12),
]


def places() -> Places:
    return Places.from_api(PROVINCES)


def test_filter_lists_current_units_with_their_former_provinces_under_them() -> None:
    p = places()
    # Only units with documents; each current unit first, its former provinces (with documents) under it.
    assert [(o.value, o.label.strip(), o.level) for o in p.options] == [
        ("Bắc Ninh", "tỉnh Bắc Ninh", "current"),
        ("Bắc Giang", "tỉnh Bắc Giang cũ", "former"),
        ("Cần Thơ", "thành phố Cần Thơ", "current"),
        ("Cần Thơ cũ", "thành phố Cần Thơ cũ", "former"),
        ("Hậu Giang", "tỉnh Hậu Giang cũ", "former"),
    ]
    assert p.label("Bắc Giang").startswith("\u2003")  # indented under its current unit
    assert p.covers("Bắc Ninh", "Bắc Giang") and p.covers("Cần Thơ", "Hậu Giang")
    assert not p.covers("Cần Thơ cũ", "Hậu Giang") and p.covers(None, "Hậu Giang")
    assert p.place("Bắc Giang", "Bắc Ninh") == "tỉnh Bắc Giang cũ, nay thuộc tỉnh Bắc Ninh"
    assert p.place("Hậu Giang", "Cần Thơ") == "tỉnh Hậu Giang cũ, nay thuộc thành phố Cần Thơ"
    assert p.place("Cần Thơ", "Cần Thơ") == "thành phố Cần Thơ"
    assert Places().place("Bắc Giang", "Bắc Ninh") == "Bắc Giang cũ, nay thuộc Bắc Ninh"  # no API: bare names


def test_citation_label_names_the_province_then_and_now() -> None:
    c = {
        "id": 1,
        "title": "Kế hoạch 2024",
        "province": "Bắc Giang",
        "start_line": 3,
        "end_line": 4,
        "page": None,
    }
    label = citation_label(c, places().place("Bắc Giang", "Bắc Ninh"))
    assert label == "\\[1\\] Kế hoạch 2024 — tỉnh Bắc Giang cũ, nay thuộc tỉnh Bắc Ninh · dòng 3–4"
    assert citation_label(c) == "\\[1\\] Kế hoạch 2024 — Bắc Giang · dòng 3–4"


def test_table_keeps_every_value_with_its_sources() -> None:
    table = build_table(VALUES, places(), "former", "beds")
    assert table.years == [2022, 2023, 2024]
    rows = [(r.province, r.kind_label) for r in table.rows]
    assert rows == [
        ("Bắc Giang", "kế hoạch"),
        ("Bắc Giang", "ước thực hiện"),
        ("Cần Thơ", "thực hiện"),
        ("Hậu Giang", "kế hoạch"),
        ("Hậu Giang", "thực hiện"),
    ]
    actual = table.rows[4].cells[2023]
    assert len(actual) == 1 and [s.line for s in actual[0].sources] == [62, 1278]  # one value, two lines
    assert table.rows[3].cells[2023][0].text() == "≥ 35"
    assert table.rows[4].cells[2022][0].text() == "1.266 cơ sở"  # another unit: said, never hidden
    # Sources numbered as a reader meets them; one line giving two values is one source.
    assert [(s.n, s.line) for s in table.sources] == [(1, 332), (2, 12), (3, 60), (4, 70), (5, 62), (6, 1278)]
    assert table.sources[0].key == "qa-src-beds-1"
    assert table.sources[0].place == "tỉnh Bắc Giang cũ, nay thuộc tỉnh Bắc Ninh"


def test_table_html_links_each_value_to_its_source() -> None:
    html = table_html(
        build_table(VALUES, places(), "former", "beds"), places(), "Số giường bệnh", "giường/10.000 dân"
    )
    assert '<th scope="col" class="qa-num">2023</th>' in html
    assert 'data-target="qa-src-beds-1"' in html and ">33,8</a>" in html
    assert "33,8 giường/10.000 dân, kế hoạch 2024, Bắc Giang: mở dòng nguồn [1]" in html  # read aloud
    assert ">≥ 35</a>" in html and 'data-label="2022" class="qa-num qa-empty">—' in html
    assert "nay thuộc tỉnh Bắc Ninh" in html
    assert 'aria-label="Nguồn [5]">[5]</a> <a class="qa-cite qa-ref" href="#qa-src-beds-6"' in html


def test_grouped_by_current_unit_former_provinces_sit_under_it() -> None:
    table = build_table(VALUES, places(), "current", "beds")
    groups = [(g, [r.province for r in rows]) for g, rows in table.groups()]
    assert groups == [
        ("Bắc Ninh", ["Bắc Giang", "Bắc Giang"]),
        ("Cần Thơ", ["Cần Thơ", "Hậu Giang", "Hậu Giang"]),
    ]
    html = table_html(table, places(), "Số giường bệnh", "giường/10.000 dân")
    assert '<th scope="rowgroup" colspan="5">thành phố Cần Thơ</th>' in html
    assert ">tỉnh Hậu Giang cũ</span>" in html


def test_chart_bars_say_kind_and_year_and_leave_other_units_out() -> None:
    figures, labels, left_out = chart_bars(build_table(VALUES, places(), "current", "beds"), places())
    assert left_out == 1 and all(f["unit_fits"] for f in figures)
    assert labels[:2] == [
        "Bắc Ninh (Bắc Giang cũ) · Kế hoạch 2024",
        "Bắc Ninh (Bắc Giang cũ) · Ước thực hiện 2023",
    ]
    assert "Cần Thơ (Hậu Giang cũ) · Thực hiện 2023" in labels


def test_excel_holds_the_table_as_numbers_and_every_source() -> None:
    table = build_table(VALUES, places(), "former", "beds")
    book = load_workbook(io.BytesIO(indicator_xlsx(INDICATOR, table, places())))
    sheet, sources = book["Bảng"], book["Nguồn"]
    assert sheet["A1"].value == "Số giường bệnh trên 10.000 dân"
    header = [c.value for c in sheet[4]]
    assert header == ["Đơn vị hiện nay", "Tỉnh", "Loại số liệu", "2022", "2023", "2024"]
    rows = {(r[1], r[2]): r for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert (
        rows[("Bắc Giang", "kế hoạch")][5] == 33.8 and rows[("Bắc Giang", "kế hoạch")][0] == "tỉnh Bắc Ninh"
    )
    assert rows[("Hậu Giang", "thực hiện")][3] == "1.266 cơ sở"  # another unit stays text
    plan = next(
        r for r in sheet.iter_rows(min_row=5) if r[1].value == "Hậu Giang" and r[2].value == "kế hoạch"
    )
    assert plan[4].value == 35.0 and plan[4].number_format == '"≥ "#,##0'  # shows "≥ 35"
    target = plan[4].hyperlink.location or plan[4].hyperlink.target
    row = int(target.rsplit("A", 1)[1])
    assert sources.cell(row=row, column=1).value == "[3]" and sources.cell(row=row, column=12).value == 60
    lines = [r[11] for r in sources.iter_rows(min_row=2, values_only=True)]
    assert sorted(lines) == sorted(v["line"] for v in VALUES)  # every value, each with its line
    first = next(sources.iter_rows(min_row=2, values_only=True))
    assert first[10] == "Kế hoạch y tế Bắc Giang" and first[7] == "33,8"


def test_number_format_keeps_decimals_and_comparator() -> None:
    assert number_format({"value_text": "32,0"}) == "#,##0.0"
    assert number_format({"value_text": "30,83", "comparator": "<"}) == '"< "#,##0.00'
    assert number_format({"value_text": "1.266"}) == "#,##0"
