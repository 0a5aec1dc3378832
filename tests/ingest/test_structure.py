"""Ingestion of the five real documents: structure, tables, metadata, chunks and line citations."""

from __future__ import annotations

import unicodedata

import pytest

from qa.ingest.chunking import chunk_document
from qa.vn.text import evidence_form


def rows(doc):
    return [b.row for b in doc.blocks if b.row is not None]


def row(doc, label_part):
    return next(r for r in rows(doc) if label_part in r.label)


@pytest.mark.parametrize(
    "key,province,kind",
    [
        ("000", "Hậu Giang", "Báo cáo"),
        ("001", "Bắc Giang", "Kế hoạch"),
        ("002", "Kiên Giang", "Công văn"),
        ("003", "Kiên Giang", "Kế hoạch"),
        ("004", "Hà Nam", "Kế hoạch"),
    ],
)
def test_metadata(parsed, key, province, kind):
    meta = parsed[key].meta
    assert meta.province == province
    assert meta.kind == kind
    assert meta.title


def test_metadata_details(parsed):
    assert parsed["002"].meta.number == "2345/SYT-KHTC"
    assert parsed["002"].meta.date == "2021-07-20"
    assert parsed["001"].meta.title == "Kế hoạch Công tác y tế tỉnh Bắc Giang năm 2024"
    assert 2024 in parsed["001"].meta.years and 2030 in parsed["003"].meta.years


@pytest.mark.parametrize(
    "key,path",
    [
        ("001", "Phần II. KẾ HOẠCH CÔNG TÁC Y TẾ NĂM 2024 › I. MỤC TIÊU, CHỈ TIÊU › 2. Các chỉ tiêu cơ bản"),
        (
            "000",
            "Phần II. MỤC TIÊU, NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU NĂM 2024 › II. Mục tiêu, chỉ tiêu › 2. Chỉ tiêu",
        ),
        (
            "004",
            "Phần thứ nhất. KẾT QUẢ THỰC HIỆN KẾ HOẠCH PHÁT TRIỂN SỰ NGHIỆP Y TẾ NĂM 2021 › "
            "II. KẾ HOẠCH PHÁT TRIỂN SỰ NGHIỆP Y TẾ NĂM 2022 › 1. Mục tiêu, chỉ tiêu chủ yếu › 1. 2. Chỉ tiêu chủ yếu",
        ),
        (
            "002",
            "II. Kết quả thực hiện › 1. Kết quả đạt được › 1.1. Về hệ thống tổ chức bộ máy và nhân lực y tế "
            "› b) Nhân lực y tế",
        ),
        ("003", "KẾ HOẠCH › V. PHÂN CÔNG NHIỆM VỤ › 14. Sở Du lịch"),
    ],
)
def test_section_paths(parsed, key, path):
    assert path in {b.section_path for b in parsed[key].blocks}


def test_glued_headings_are_split(parsed):
    # "**I. Tổ chức thực hiện****1. Tình hình…**" on one line of 002
    sections = {b.section_path for b in parsed["002"].blocks}
    assert (
        "I. Tổ chức thực hiện › 1. Tình hình triển khai xây dựng và ban hành kế hoạch thực hiện" in sections
    )


def test_numbered_list_items_are_not_headings(parsed):
    assert not any("19. Số đơn vị được thanh tra" in b.section_path for b in parsed["004"].blocks)


def test_flattened_pdf_rows(parsed):
    r = row(parsed["000"], "Tỷ lệ xã có bác sỹ định biên")
    assert r.header[-2:] == ["KH 2023", "TH 2023"]
    assert r.values == [("KH 2023", "70,66"), ("TH 2023", "72")]
    wrapped = row(parsed["000"], "Tỷ số giới tính khi sinh")  # split over five lines
    assert wrapped.values == [("KH 2023", "<107"), ("TH 2023", "107")]
    r4 = row(parsed["004"], "Tỷ lệ trẻ em <5 tuổi SDD thể cân nặng/tuổi")
    assert r4.values == [("Năm 2022", "9,6")] and r4.unit == "%"


def test_tab_rows(parsed):
    r = row(parsed["001"], "Số bác sỹ/10.000 dân")
    assert r.values == [("Ước TH năm 2023", "12,2"), ("Kế hoạch năm 2024", "12,5")]
    sub = row(parsed["001"], "Số giường BV ngoài công lập")
    assert sub.tt == "-" and sub.group.startswith("Số giường bệnh/10.000 dân")


def test_pipe_rows(parsed):
    r = row(parsed["003"], "Số điều dưỡng trên 10.000 dân")
    assert r.values == [("Năm 2025", "25"), ("Năm 2030", "33")]
    assert r.group == "Chỉ số đầu vào"


def test_table_counts(parsed):
    assert [parsed[k].tables for k in ("000", "001", "002", "003", "004")] == [2, 1, 0, 3, 1]


def test_no_combining_marks_left(parsed):
    for doc in parsed.values():
        for block in doc.blocks:
            assert not any(unicodedata.combining(ch) for ch in block.text), block.text[:80]
            assert "\u00d0" not in block.text


def test_page_number_lines_dropped(parsed):
    assert parsed["004"].dropped_lines == [181]
    assert 97 not in parsed["000"].dropped_lines  # "7" there is a table row number


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_chunks_cite_their_lines(parsed, key):
    doc = parsed[key]
    chunks = chunk_document(doc)
    assert chunks
    dropped = set(doc.dropped_lines)
    for c in chunks:
        # Compared as the evaluation compares: whitespace collapsed, markdown markers ignored.
        source = " ".join(doc.lines[i - 1] for i in range(c.start_line, c.end_line + 1) if i not in dropped)
        assert evidence_form(c.text) in evidence_form(source), (c.start_line, c.end_line, c.text[:80])
        assert len(c.text) <= 1000
    assert sum(bool(c.section) for c in chunks) >= 0.7 * len(chunks)


def test_table_rows_are_chunks_with_header_context(parsed):
    chunks = chunk_document(parsed["001"])
    c = next(c for c in chunks if c.kind == "table_row" and "Số bác sỹ/10.000 dân" in c.text)
    assert "Kế hoạch năm 2024" in c.context and "Các chỉ tiêu cơ bản" in c.context


def test_a_short_numbered_heading_does_not_swallow_the_paragraph_under_it():
    from qa.ingest.structure import build_blocks

    lines = [
        "I. KẾT QUẢ THỰC HIỆN NĂM 2023",
        "3. Nhân lực",
        "Toàn ngành có 4.120 cán bộ, trong đó 1.050 bác sĩ; tỷ lệ bác sĩ đạt 8,9 bác sĩ/vạn dân.",
    ]
    blocks = build_blocks(lines, [], [None] * len(lines)).blocks
    assert [(b.kind, b.text[:12]) for b in blocks] == [
        ("heading", "I. KẾT QUẢ T"),
        ("heading", "3. Nhân lực"),
        ("text", "Toàn ngành c"),
    ]
    assert blocks[-1].section == ("I. KẾT QUẢ THỰC HIỆN NĂM 2023", "3. Nhân lực")


def test_a_label_ending_in_a_colon_takes_the_value_on_the_next_line():
    from qa.ingest.structure import build_blocks

    lines = [
        "- Ước dân số trung bình năm 2024: 1.917.093 người.",
        "- Số trẻ sinh trong năm là:",
        "24.533 trẻ.",
        "Các chỉ tiêu cụ thể:",
        "1. Tỷ suất sinh giảm 0,1‰.",
    ]
    blocks = build_blocks(lines, [], [None] * len(lines)).blocks
    assert [" ".join(b.text.split()) for b in blocks if b.kind == "text"][:2] == [
        "- Ước dân số trung bình năm 2024: 1.917.093 người.",
        "- Số trẻ sinh trong năm là: 24.533 trẻ.",
    ]
    # a numbered item after a colon stays an item of its own
    assert not any("cụ thể: 1." in b.text for b in blocks)


def test_a_web_table_flattened_one_cell_per_line():
    """A stored web page's table: each cell on its line, "|" between cells, rows one after another. Rows are a label
    and as many values as the header names; the letterhead above it (cells too, no values) is no table; the
    caption dates a table whose columns name no year (made up, of the shape of a provincial plan's population
    table)."""
    from qa.extract.figures import extract_figures
    from qa.ingest.pipeline import parse_loaded
    from qa.models import LoadedText

    cells = ["Nhóm tuổi", "Tổng dân số", "Nam", "Nữ", "Tổng", "801.200", "400.100", "401.100"]
    cells += ["15 – 49 tuổi", "452.300", "226.000", "226.300", "Ghi chú: số liệu thống kê"]
    letterhead = ["ỦY BAN NHÂN DÂN", "TỈNH X", "-------", "|", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "|"]
    lines = letterhead + ["Số: 12/KH-UBND", "|", "Tỉnh X, ngày 2 tháng 3 năm 2021", "", "KẾ HOẠCH"]
    lines += ["2. Dân số: cấu trúc dân số tỉnh", "X cuối năm 2020"]
    for cell in cells:
        lines += [cell, "|"]
    lines[-1] = ""
    doc = parse_loaded(LoadedText(lines, [None] * len(lines), "txt"), "kh.txt", "sha")
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert [b.text for b in rows] == [
        "Tổng | 801.200 | 400.100 | 401.100",
        "15 – 49 tuổi | 452.300 | 226.000 | 226.300",
    ]
    assert rows[0].row is not None and rows[0].row.header == ["Nhóm tuổi", "Tổng dân số", "Nam", "Nữ"]
    assert doc.meta.number == "12/KH-UBND"
    by_value = {f.value_text: f for f in extract_figures(doc)}
    total = by_value["452.300"]
    assert (total.indicator, total.year, total.kind) == ("15 – 49 tuổi: Tổng dân số", 2020, "actual")
    assert by_value["226.000"].indicator == "15 – 49 tuổi: Nam"  # a row broken down by sex
