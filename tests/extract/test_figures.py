"""Figures from the five real documents: hand-checked values, things that are not figures, and search.

Each expected figure was read in the corpus file (line numbers are the file's own lines). A figure is
found by (document, indicator substring, column — "" for prose — year, kind); the first such figure in
document order must have the expected value, unit, comparator and line.
"""

from __future__ import annotations

import pytest

from qa.extract.figures import extract_figures
from qa.retrieval.lookup import find_figures
from qa.vn.text import fold


@pytest.fixture(scope="module")
def figures(parsed) -> dict:
    return {key: extract_figures(doc) for key, doc in parsed.items()}


# (doc, indicator substring, column ("" = prose), year, kind, value, unit, comparator, line)
EXPECTED = [
    # 000 Hậu Giang, flattened PDF table "1.2. Các chỉ tiêu hoạt động của ngành" (KH 2023 / TH 2023)
    ("000", "Tỷ lệ xã có bác sỹ định biên", "KH 2023", 2023, "plan", 70.66, "%", None, 103),
    ("000", "Tỷ lệ xã có bác sỹ định biên", "TH 2023", 2023, "actual", 72, "%", None, 103),
    ("000", "Tỷ suất chết của trẻ em dưới 5 tuổi", "KH 2023", 2023, "plan", 10, "‰", "<", 93),
    ("000", "Tỷ suất chết của trẻ em dưới 5 tuổi", "TH 2023", 2023, "actual", 7.03, "‰", None, 93),
    ("000", "Tỷ lệ tăng dân số tự nhiên", "TH 2023", 2023, "actual", 6.62, "‰", None, 77),
    ("000", "Tỷ số giới tính khi sinh", "KH 2023", 2023, "plan", 107, "bé trai/100 bé gai", "<", 87),
    ("000", "tiêm đủ các loại vaccine", "KH 2023", 2023, "plan", 95, "%", ">", 101),
    ("000", "Tuổi thọ trung bình", "TH 2023", 2023, "actual", 75, "tuổi", None, 75),
    # 000, Phần II "2. Chỉ tiêu": a single bare "2024" column is the 2024 plan
    ("000", "hồ sơ sức khỏe điện tử", "2024", 2024, "plan", 94.45, "%", None, 1537),
    ("000", "Chiều cao theo tuổi", "2024", 2024, "plan", 22, "%", "<", 1525),
    ("000", "suy dinh dưỡng: Cân nặng theo tuổi", "2024", 2024, "plan", 10.42, "%", None, 1523),
    # 000 prose
    ("000", "số bác sĩ trên 10.000 người dân", "", 2023, "actual", 9.32, "bác sĩ/10.000 dân", None, 60),
    ("000", "số bác sĩ trên 10.000 người dân", "", 2023, "plan", 9.3, "bác sĩ/10.000 dân", None, 60),
    ("000", "số giường bệnh trên 10.000 người dân", "", 2023, "actual", 35.8, "giường/10.000 dân", None, 62),
    ("000", "số giường bệnh trên 10.000 người dân", "", 2023, "plan", 35.7, "giường/10.000 dân", None, 62),
    ("000", "trẻ em dưới 5 tuổi suy dinh dưỡng", "", 2023, "actual", 10.44, "%", None, 59),
    ("000", "trẻ em dưới 5 tuổi suy dinh dưỡng", "", 2023, "plan", 10.45, "%", "<", 59),
    ("000", "Tỷ lệ xã đạt chuẩn quốc gia về y tế", "", 2023, "actual", 100, "%", None, 59),
    ("000", "Số nhiễm HIV mới phát hiện", "", 2023, "actual", 92, "ca", None, 591),
    ("000", "Khám sức khỏe tiền hôn nhân", "", 2023, "actual", 72.92, "%", None, 691),
    ("000", "Tổng số lần khám", "", 2023, "actual", 1721470, "lần", None, 533),
    ("000", "số tiền xử phạt", "", 2023, "actual", 568350000000, "đồng", None, 259),
    ("000", "sốt xuất huyết trên 100.000 dân", "", 2023, "actual", 77.62, "ca/100.000 dân", None, 301),
    ("000", "Tăng Tỷ suất sinh hàng năm", "", 2023, "actual", 9.45, "‰", None, 681),
    ("000", "dân số Hậu Giang", "", 2023, "estimate", 728293, "người", None, 675),
    ("000", "Ngày điều trị trung bình", "", 2023, "actual", 6.08, "ngày", None, 547),
    ("000", "ngộ độc thực phẩm", "", 2024, "plan", 30, "người/vụ", None, 1788),
    ("000", "Bệnh sởi", "", 2023, "actual", 0, "trường hợp", None, 363),
    ("000", "Kế hoạch thu đầu năm", "", 2023, "plan", 512.67, "tỷ đồng", None, 1075),
    ("000", "Kế hoạch thu đầu năm", "", 2023, "actual", 512.363, "tỷ đồng", None, 1075),
    # 001 Bắc Giang, tab table "2. Các chỉ tiêu cơ bản" (Ước TH năm 2023 / Kế hoạch năm 2024)
    (
        "001",
        "Số bác sỹ/10.000 dân",
        "Ước TH năm 2023",
        2023,
        "estimate",
        12.2,
        "bác sỹ/10.000 dân",
        None,
        327,
    ),
    ("001", "Số bác sỹ/10.000 dân", "Kế hoạch năm 2024", 2024, "plan", 12.5, "bác sỹ/10.000 dân", None, 327),
    (
        "001",
        "Số dược sỹ đại học/10.000 dân",
        "Kế hoạch năm 2024",
        2024,
        "plan",
        2.5,
        "dược sỹ/10.000 dân",
        None,
        328,
    ),
    ("001", "Dân số trung bình", "Ước TH năm 2023", 2023, "estimate", 1920000, "người", None, 348),
    ("001", "Dân số trung bình", "Kế hoạch năm 2024", 2024, "plan", 1950000, "người", None, 348),
    (
        "001",
        "Số giường BV ngoài công lập/10.000 dân",
        "Ước TH năm 2023",
        2023,
        "estimate",
        4.8,
        "giường/10.000 dân",
        None,
        335,
    ),
    (
        "001",
        "Tỷ số giới tính khi sinh",
        "Kế hoạch năm 2024",
        2024,
        "plan",
        115.4,
        "bé trai/100 bé gái",
        None,
        351,
    ),
    ("001", "Tỷ suất tử vong trẻ em dưới 1 tuổi", "Kế hoạch năm 2024", 2024, "plan", 13, "‰", "≤", 343),
    ("001", "8 loại vắc xin", "Ước TH năm 2023", 2023, "estimate", 96, "%", "≥", 340),
    ("001", "Tỷ số tử vong mẹ", "Kế hoạch năm 2024", 2024, "plan", 35, "BM/100.000 trẻ đẻ sống", "≤", 342),
    ("001", "trung bình/người/năm", "Kế hoạch năm 2024", 2024, "plan", 2.0, "lượt/người/năm", None, 339),
    # 001 prose (6 tháng đầu năm 2023: actual 2023)
    ("001", "khám chữa bệnh BHYT", "", 2023, "actual", 1990878, "lượt", None, 241),
    ("001", "tiêm chủng cho trẻ dưới 1 tuổi", "", 2023, "actual", 47.3, "%", None, 169),
    ("001", "tiêm chủng cho trẻ dưới 1 tuổi", "", 2023, "plan", 48, "%", None, 169),
    ("001", "cấp lại chứng chỉ hành nghề", "", 2023, "actual", 550, "chứng chỉ hành nghề", None, 63),
    ("001", "Tỷ suất tử vong trẻ em dưới 01 tuổi", "", 2023, "actual", 1.9, "‰", None, 179),
    ("001", "Dân số toàn tỉnh", "", 2023, "actual", 1902925, "người", None, 209),
    ("001", "xử lý ổ dịch", "", 2023, "actual", 2, "ổ dịch", None, 161),
    ("001", "Chi phí khám chữa bệnh BHYT", "", 2023, "actual", 943.5, "tỷ đồng", None, 243),
    # 002 Kiên Giang draft report 2021, prose only ("/VD", "/vạn dân" -> "/10.000 dân")
    ("002", "tổng số nhân lực", "", 2021, "actual", 9644, "người", None, 107),
    ("002", "Bác sĩ/vạn dân", "", 2021, "actual", 9.93, "bác sĩ/10.000 dân", None, 107),
    ("002", "giường bệnh / VD", "", 2021, "actual", 30.83, "giường/10.000 dân", None, 131),
    ("002", "Trạm Y tế có bác sĩ", "", 2021, "actual", 98.62, "%", None, 107),
    # 003 Kiên Giang strategy plan, markdown pipe table (Năm 2025 / Năm 2030 targets)
    (
        "003",
        "Số điều dưỡng trên 10.000 dân",
        "Năm 2025",
        2025,
        "target",
        25,
        "điều dưỡng/10.000 dân",
        None,
        392,
    ),
    (
        "003",
        "Số điều dưỡng trên 10.000 dân",
        "Năm 2030",
        2030,
        "target",
        33,
        "điều dưỡng/10.000 dân",
        None,
        392,
    ),
    ("003", "Tổng tỉ suất sinh", "Năm 2030", 2030, "target", 2.1, "con/phụ nữ", None, 416),
    ("003", "tham gia bảo hiểm y tế", "Năm 2025", 2025, "target", 90.26, "%", ">", 403),
    ("003", "sống khỏe mạnh", "Năm 2030", 2030, "target", 68, "năm", "≥", 415),
    ("003", "tiêm chủng đầy đủ", "Năm 2025", 2025, "target", 95, "%", None, 397),
    ("003", "thanh niên 18 tuổi: Nam", "Năm 2030", 2030, "target", 168.5, "cm", None, 422),
    ("003", "Số ca mắc mới lao", "Năm 2025", 2025, "target", 100, "ca/100.000 dân", None, 408),
    (
        "003",
        "Số giường bệnh trên 10.000 dân",
        "Năm 2025",
        2025,
        "target",
        33.49,
        "giường bệnh/10.000 dân",
        None,
        393,
    ),
    (
        "003",
        "Tỉ suất tử vong trẻ em dưới 1 tuổi",
        "Năm 2025",
        2025,
        "target",
        11.2,
        "/1.000 trẻ đẻ sống",
        None,
        417,
    ),
    # 004 Hà Nam plan for 2022, flattened PDF table "1. 2. Chỉ tiêu chủ yếu" (Năm 2022)
    ("004", "Số giường bệnh/10.000 dân", "Năm 2022", 2022, "plan", 24, "giường/10.000 dân", None, 630),
    ("004", "SDD thể cân nặng/tuổi", "Năm 2022", 2022, "plan", 9.6, "%", None, 644),
    ("004", "Số bác sỹ/10.000 người dân", "Năm 2022", 2022, "plan", 8.3, "bác sỹ/10.000 dân", None, 632),
    ("004", "Tỷ số tử vong mẹ", "Năm 2022", 2022, "plan", 20, "bà mẹ/100.000 sơ sinh sống", None, 642),
    # 004 prose (6 tháng đầu năm 2021)
    ("004", "Bệnh nhân mới phát hiện", "", 2021, "actual", 225, "bệnh nhân", None, 407),
    ("004", "đơn vị máu", "", 2021, "actual", 332, "đơn vị máu", None, 553),
    ("004", "đơn vị máu", "", 2021, "plan", 320, "đơn vị", None, 555),
    ("004", "Tổng số trẻ em sinh ra", "", 2021, "actual", 4950, "trẻ", None, 318),
    ("004", "số trẻ sinh ra 6 tháng đầu năm 2020", "", 2020, "actual", 5159, "trẻ", None, 322),
    ("004", "Kế hoạch vốn năm", "", 2021, "plan", 36680, "triệu đồng", None, 771),
    ("004", "nhiễm HIV mới trong kỳ báo cáo", "", 2021, "actual", 12, "trường hợp", None, 213),
    # changes against an earlier value, named by what changed and against what
    (
        "001",
        "Tổng số lượt khám bệnh tại các cơ sở y tế công lập (tăng so với cùng kỳ năm 2022)",
        "",
        2023,
        "actual",
        14.9,
        "%",
        None,
        231,
    ),
    ("001", "lần thứ 3 trở lên (giảm so với cùng kỳ năm 2022)", "", 2023, "actual", 1.7, "%", None, 209),
    ("000", "Tổng số lần khám (tăng so với cùng kỳ)", "", 2023, "actual", 25.56, "%", None, 535),
    # a strategy's objective in prose: "dành ít nhất 30% ngân sách y tế cho công tác y tế dự phòng"
    ("003", "ngân sách y tế cho công tác y tế dự phòng", "", 2030, "target", 30, "%", "≥", 189),
]


def _find(figures: dict, doc: str, indicator: str, column: str, year: int, kind: str):
    return [
        f
        for f in figures[doc]
        if fold(indicator) in fold(f.indicator) and f.column == column and f.year == year and f.kind == kind
    ]


@pytest.mark.parametrize("doc,indicator,column,year,kind,value,unit,comparator,line", EXPECTED)
def test_expected_figure(figures, doc, indicator, column, year, kind, value, unit, comparator, line):
    found = _find(figures, doc, indicator, column, year, kind)
    assert found, f"no {kind} {year} figure for {indicator!r} in {doc}"
    fig = found[0]
    assert fig.value == pytest.approx(value)
    assert fig.unit == unit
    assert fig.comparator == comparator
    assert fig.line == line
    assert fig.value_text.split("-")[0] in fig.quote


def test_expected_list_covers_documents_and_formats():
    docs = {e[0] for e in EXPECTED}
    assert docs == {"000", "001", "002", "003", "004"}
    assert len(EXPECTED) >= 40
    assert {e[0] for e in EXPECTED if e[2]} == {"000", "001", "003", "004"}  # flattened, tab, pipe, flattened
    assert {e[0] for e in EXPECTED if not e[2]} >= {"000", "001", "002", "004"}


def test_plan_and_actual_of_a_row_are_linked(figures):
    pair = [f for f in figures["000"] if f.indicator == "Tỷ lệ xã có bác sỹ định biên" and f.column]
    assert {(f.kind, f.value) for f in pair} >= {("plan", 70.66), ("actual", 72.0)}
    assert len({f.row_key for f in pair if f.year == 2023}) == 1
    prose = [f for f in figures["000"] if f.line == 60 and "bác sĩ" in f.unit]
    assert {f.kind for f in prose} == {"actual", "plan"} and len({f.row_key for f in prose}) == 1


def test_non_numeric_cells_give_no_figure(figures):
    # 001 row 14 "Đạt mục tiêu"; 003 row 15.3 "Loại trừ sốt rét" in Năm 2030 (Năm 2025 has 0,08)
    assert not [f for f in figures["001"] if f.line == 347]
    assert [(f.column, f.value) for f in figures["003"] if f.line == 409] == [("Năm 2025", 0.08)]
    # 003 second table: "Thời gian thực hiện 2024" is a schedule, not a figure
    assert not [f for f in figures["003"] if 425 <= f.line <= 431]


def test_every_figure_is_well_formed(figures, parsed):
    for key, figs in figures.items():
        meta = parsed[key].meta
        for f in figs:
            assert f.indicator and len(f.quote) <= 300
            assert f.province == meta.province
            assert f.kind in {"plan", "actual", "estimate", "target", None}
            assert f.comparator in {None, "<", "≤", ">", "≥"}
            assert f.doc_id == parsed[key].doc_id and f.row_key
            assert "%o" not in f.unit


# (doc, line, value or None for "no figure on this line at all", what the number really is)
NOT_FIGURES = [
    ("001", 43, None, "khoản 1 Điều 2 of Quyết định số 12/2023/QĐ-UBND ngày 04/5/2023"),
    ("000", 7, None, "Quyết định số 2143/QĐ-UBND ngày 21 tháng 12 năm 2022"),
    ("000", 55, 2023, "'Năm 2023, ngành Y tế đã hoàn thành' - a year"),
    ("000", 1196, 4, "'4 Tình hình thực hiện các nhiệm vụ' - a section number"),
    ("000", 2057, 1, "'1. Trên cơ sở mục tiêu' - a section number"),
    ("002", 9, None, "Số: 2345/SYT-KHTC - the document's own number"),
    ("001", 10, None, "Công văn số 3328/UBND-TH ngày 19/6/2023"),
    ("001", 287, None, "Nghị định số 60/2021/NĐ-CP ngày 21/6/2021"),
    ("004", 296, None, "Ban chấp hành Trung ương Đảng lần thứ sáu khóa XII"),
    ("004", 209, 9, "thông tư số 09/2012/TT-BYT"),
    ("000", 27, 19, "dịch bệnh Covid-19"),
    ("004", 255, None, "'- 19 và các trường hợp F1.' - Covid - 19 wrapped, and F1"),
    ("000", 59, 5, "'trẻ em dưới 5 tuổi' inside an indicator"),
    ("001", 151, 18, "'Người ≥ 18 tuổi' - an age group"),
    ("003", 392, 3, "row number TT 3"),
    ("001", 348, 15, "row number TT 15"),
    ("002", 13, None, "'(Lần 2)' and the numbers 33-CTr/TU, 20-NQ/TW"),
    ("002", 41, None, "ngày 26/7/2021, 'số 01 đường Trần Hưng Đạo'"),
    ("000", 691, 2490, "'2.490/3.415' - a ratio, the 72,92% next to it is the figure"),
    ("000", 691, 3415, "'2.490/3.415' - a ratio"),
    ("000", 756, 24, "'24/24 kỳ' - a ratio"),
    ("000", 1095, 2, "'tiểu dự án 2' - a name"),
    ("000", 494, 2151, "'Quyết định 2151 của BYT' - a document number"),
    ("000", 591, 36, "'tăng 36 ca so với cùng kỳ' - a change, not the fact"),
    ("003", 43, 4, "'cách mạng công nghiệp 4.0'"),
    ("001", 161, 6, "'Trong 6 tháng đầu năm 2023' - a duration"),
]


@pytest.mark.parametrize("doc,line,value,why", NOT_FIGURES)
def test_not_a_figure(figures, doc, line, value, why):
    on_line = [f for f in figures[doc] if f.line == line]
    if value is None:
        assert not on_line, f"{why}: {[(f.value_text, f.indicator) for f in on_line]}"
    else:
        assert not [f for f in on_line if f.value == pytest.approx(value)], why


def test_ranges_store_the_first_bound(figures):
    ranges = [f for f in figures["000"] if f.value_text == "70-100"]
    assert ranges and ranges[0].value == 70 and ranges[0].unit == "%" and ranges[0].comparator is None


def test_find_figures_accent_insensitive(figures):
    everything = [f for figs in figures.values() for f in figs]
    top = find_figures(everything, "so dieu duong tren 10.000 dan", "kien giang", 2025, "target", 5)
    assert top and top[0].value == 25 and top[0].source.startswith("003")
    top = find_figures(everything, "Số bác sĩ trên 10.000 dân", "Bắc Giang", 2024, "plan", 3)
    assert top[0].value == pytest.approx(12.5)
    top = find_figures(everything, "kham suc khoe tien hon nhan", "Hau Giang", 2023, None, 3)
    assert top[0].value == pytest.approx(72.92)
    assert all(
        f.province == "Hà Nam" for f in find_figures(everything, "giường bệnh", "ha nam", None, None, 10)
    )
    assert find_figures(everything, "tuổi thọ trung bình", None, 1999, None, 5) == []


# ---------------------------------------------------------------- objectives written in prose


def prose_figures_of(text: str):
    """Figures of a document made of ``text`` (a plan header and its objectives, written for the test)."""
    from qa.ingest.pipeline import parse_loaded
    from qa.models import LoadedText

    lines = text.split("\n")
    doc = parse_loaded(LoadedText(lines, [None] * len(lines), "txt"), "kh.txt", "sha")
    return {(f.indicator, f.year): f for f in extract_figures(doc)}


OBJECTIVES = """UBND TỈNH HÀ GIANG
Số: 58/KH-UBND
Hà Giang, ngày 09 tháng 3 năm 2021
KẾ HOẠCH
Phòng, chống bệnh lao và các bệnh không lây nhiễm giai đoạn 2021 - 2025

I. MỤC TIÊU

1. Mục tiêu chung

Giảm tỷ lệ mắc lao xuống dưới 20/100.000 dân vào năm 2030.

2. Mục tiêu cụ thể đến năm 2025

- Tỷ lệ hút thuốc lá ở nam giới trưởng thành dưới 24%.
- Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ đạt 98%.
- Ít nhất 90% người nhiễm HIV được điều trị ARV.
- Đến năm 2022: Giảm số người mắc bệnh lao trong cộng đồng xuống dưới 120/100.000 người dân.
- Giảm tỷ lệ suy dinh dưỡng trẻ em dưới 5 tuổi thể thấp còi xuống 29,5%.

II. KẾT QUẢ NĂM 2020

Số lượt khám bệnh tăng 12,5% so với cùng kỳ năm 2019. Tỷ lệ tiêm chủng đầy đủ đạt 96,5%.
Các cơ sở y tế đã khám bệnh cho hơn 1,4 triệu lượt người. Tổng kinh phí thực hiện 0,5 tỷ.
"""


@pytest.mark.parametrize(
    "indicator,year,value,unit,comparator,kind",
    [
        # the examples: "giảm … xuống dưới X/100.000 dân vào năm …", "dưới 24%", "đạt 98%"
        ("tỷ lệ mắc lao", 2030, 20, "/100.000 dân", "<", "target"),
        ("Tỷ lệ hút thuốc lá ở nam giới trưởng thành", 2025, 24, "%", "<", "target"),
        ("Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ", 2025, 98, "%", None, "target"),
        ("người nhiễm HIV được điều trị ARV", 2025, 90, "%", "≥", "target"),
        # the year after the plan's own is that year's plan, as in tables
        ("số người mắc bệnh lao trong cộng đồng", 2022, 120, "người/100.000 dân", "<", "plan"),
        ("tỷ lệ suy dinh dưỡng trẻ em dưới 5 tuổi thể thấp còi", 2025, 29.5, "%", None, "target"),
        # a result, and a change against the year before
        ("Tỷ lệ tiêm chủng đầy đủ", 2020, 96.5, "%", None, "actual"),
        ("Số lượt khám bệnh (tăng so với cùng kỳ năm 2019)", 2020, 12.5, "%", None, "actual"),
        # a multiplier before what is counted is a count in millions; alone it is money
        ("Các cơ sở y tế đã khám bệnh cho hơn triệu lượt người", 2020, 1.4, "triệu lượt", ">", "actual"),
        ("Tổng kinh phí thực hiện", 2020, 0.5, "tỷ đồng", None, "actual"),
    ],
)
def test_objectives_and_changes_in_prose(indicator, year, value, unit, comparator, kind):
    figures = prose_figures_of(OBJECTIVES)
    assert (indicator, year) in figures, sorted(figures)
    f = figures[(indicator, year)]
    assert (f.value, f.unit, f.comparator, f.kind) == (pytest.approx(value), unit, comparator, kind)


def test_a_change_does_not_outrank_the_amount_it_follows(figures):
    everything = [f for figs in figures.values() for f in figs]
    top = find_figures(
        everything, "Tổng số lượt khám bệnh tại các cơ sở y tế công lập Bắc Giang", "Bắc Giang", 2023
    )
    assert top[0].value == 1253058
    top = find_figures(
        everything, "Tổng số lượt khám bệnh tại các cơ sở y tế công lập tăng bao nhiêu", "Bắc Giang"
    )
    assert top[0].value == pytest.approx(14.9)


NEWS = """Hà Nội: chăm sóc người cao tuổi
date 2022-02-14
Giai đoạn 2016-2020, tỷ lệ hộ nghèo giảm từ 4,56% năm 2015 xuống 0,36% năm 2020.
Tỷ lệ bao phủ bảo hiểm y tế năm 2020 đạt 95,5%, đến năm 2025 đạt trên 97%.
Theo kế hoạch, đến năm 2025 phấn đấu 100% người cao tuổi có thẻ bảo hiểm y tế.
Năm 2021, toàn thành phố có 98% người cao tuổi được khám sức khỏe định kỳ.
Tỷ lệ tiêm chủng đầy đủ cho trẻ dưới 1 tuổi đạt 92,5%, thấp hơn kế hoạch đề ra (95%).
"""


def test_news_prose_years_kinds_and_shares_named_after_their_value():
    by_value = {f.value_text: f for f in prose_figures_of(NEWS).values()}
    assert (by_value["4,56"].year, by_value["0,36"].year) == (2015, 2020)  # not the other value's 2015
    assert (by_value["95,5"].year, by_value["95,5"].kind) == (2020, "actual")
    assert (by_value["97"].year, by_value["97"].kind) == (2025, "target")  # after the text's own 2022
    # a share named after its value, the words before it only saying when and where
    assert by_value["100"].indicator.startswith("người cao tuổi có thẻ bảo hiểm y tế")
    assert by_value["98"].indicator.startswith("người cao tuổi được khám sức khỏe định kỳ")
    # a plan in parentheses after the result it was missed by: the result's indicator, the plan's kind
    plan = by_value["95"]
    assert plan.kind == "plan" and plan.indicator.startswith("Tỷ lệ tiêm chủng đầy đủ cho trẻ dưới 1 tuổi")


# An undated news report (made up, of the shape of a city's dengue news): what it reports, compared with last year.
UNDATED_NEWS = """Thành phố: trên 1.300 ca mắc bệnh sốt xuất huyết và tay chân miệng

Ngày 13/10, Sở Y tế thành phố cho biết 9 tháng đầu năm 2011, toàn thành phố có 1.335 ca mắc.

So với cùng kỳ năm 2010, bệnh sốt xuất huyết giảm khoảng 50 ca, bệnh tay chân miệng tăng rất cao, trên 600 ca.

Đến thời điểm này không có ca tử vong; trong khi năm 2010 có 2 ca tử vong.

Còn đối với bệnh tay chân miệng, tính từ đầu năm đến ngày 10/10 có 740 ca mắc bệnh.

Theo kế hoạch, đến năm 2015 phấn đấu giảm 20% số ca mắc.
"""


def test_an_undated_report_stands_in_the_latest_year_it_reports():
    """Its own year is not the earliest it names (2010, what it compares with) nor one it aims at (2015)."""
    by_value = {f.value_text: f for f in prose_figures_of(UNDATED_NEWS).values()}
    assert by_value["740"].year == 2011 and by_value["1.300"].year == 2011
    assert by_value["2"].year == 2010  # a value of the year it names
    # "giảm khoảng 50 ca", "tăng rất cao, trên 600 ca": amounts of change, however approximate, are no figures
    assert "50" not in by_value and "600" not in by_value


# An undated news report (made up, of the shape of a province's immunisation news) that ends on the next year's aim.
NEWS_ENDING_ON_AN_AIM = """Tỉnh: tiêm chủng đạt kết quả tích cực

TỈNH - Năm 2024, công tác tiêm chủng trên địa bàn tỉnh đạt nhiều kết quả tích cực.

Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ đạt 97,2%, hoàn thành kế hoạch đề ra. Cụ thể, tỷ lệ tiêm vắc - xin viêm gan B sơ sinh trong 24 giờ đầu đạt 88,4%.

Năm 2025, ngành Y tế tiếp tục phấn đấu duy trì tỷ lệ tiêm chủng đầy đủ cho trẻ dưới 1 tuổi đạt trên 97%.
"""


def test_a_report_does_not_stand_in_the_year_it_only_aims_at():
    """ "Năm 2025, ngành Y tế tiếp tục phấn đấu …" names a year only to aim at it: the report's results, which name no
    year of their own, are of the year it reports (2024)."""
    by_value = {f.value_text: f for f in prose_figures_of(NEWS_ENDING_ON_AN_AIM).values()}
    assert (by_value["97,2"].year, by_value["97,2"].kind) == (2024, "actual")
    assert (by_value["88,4"].year, by_value["88,4"].kind) == (2024, "actual")
    assert (by_value["97"].year, by_value["97"].kind) == (2025, "plan")


def test_a_title_in_capitals_the_text_runs_into_names_no_value():
    """A plan's title in capitals, joined to its first objective with nothing between (made up, of the shape of a
    province's HIV plan): the objective names its value, the title does not; abbreviations in capitals stay."""
    text = (
        "KẾ HOẠCH\nPHÒNG, CHỐNG SỐT XUẤT HUYẾT TRÊN ĐỊA BÀN TỈNH GIAI ĐOẠN 2021 - 2025\n"
        "Khống chế tỷ lệ mắc sốt xuất huyết dưới 100/100.000 dân vào năm 2025.\n\n"
        "TCMR Tỷ lệ tiêm chủng đầy đủ đạt 95% năm 2025."
    )
    by_value = {f.value_text: f for f in prose_figures_of(text).values()}
    assert by_value["100"].indicator == "Khống chế tỷ lệ mắc sốt xuất huyết"
    assert by_value["95"].indicator.startswith("TCMR Tỷ lệ tiêm chủng đầy đủ")


def test_a_population_right_before_its_value_and_a_footnote_anchor_after_its_unit():
    """ "Dân số 1.167.938 người[[1]], sống bằng …" (a plan stored from a web page): the "số" of "Dân số" is no "số 12"
    naming a document, and the footnote's anchor glued to the unit is no part of it."""
    text = "Tin\n\nTỉnh có 82 đơn vị hành chính cấp xã. Dân số 1.167.938 người[[1]], sống bằng nhiều ngành nghề.\n\nKế hoạch số 12 năm 2022."
    by_value = mapped_by_value(text)
    population = by_value["1.167.938"]
    assert (population.indicator, population.unit) == ("Dân số", "người")
    assert "12" not in by_value


def test_a_decimal_comma_typed_with_a_space_is_one_share():
    """ "chiếm 10, 92%": the share 10,92%, not a count of 10 and a stray 92%; "năm 2015, 92%" stays a year and a
    share."""
    by_value = mapped_by_value(
        "Tin\n\nNăm 2015 có 2.097 trẻ là con thứ ba, chiếm 10, 92%.\n\nĐến năm 2015, 92% xã đạt chuẩn."
    )
    assert by_value["10,92"].value == 10.92 and by_value["10,92"].unit == "%"
    assert "10" not in by_value and not any(v.startswith(("2015,", "15,")) for v in by_value)


def test_a_sentence_about_the_whole_country_gives_the_country_s_values():
    """A province's plan first tells the country's year (made up, of the shape of a province's epidemic plan):
    "Tại Việt Nam, …; dịch sốt xuất huyết bùng phát với hơn 150.000 trường hợp mắc …" is the country's count,
    qualified as "cả nước" is; the province's own sentence after it is the province's. The deaths after "và" are the
    disease's the lead names."""
    text = (
        "Tin\n\nTại Việt Nam, số ca mắc COVID-19 tăng vào tháng 4 năm 2023; dịch sốt xuất huyết bùng phát với hơn "
        "150.000 trường hợp mắc và 40 trường hợp tử vong. Trên địa bàn tỉnh, ghi nhận 2.176 ca mắc sốt xuất huyết."
    )
    by_value = mapped_by_value(text)
    assert by_value["150.000"].qualifiers == ["ca nuoc"] and by_value["40"].qualifiers == ["ca nuoc"]
    # "… với hơn 150.000 trường hợp mắc và 40 trường hợp tử vong": the deaths share the lead that names the disease
    assert (
        by_value["40"].indicator.startswith("dịch sốt xuất huyết") and "tử vong" in by_value["40"].indicator
    )
    assert "ca nuoc" not in by_value["2.176"].qualifiers


# Trends written from one value to another (made up, of the shape of a provincial malaria and nutrition report).
TRENDS = """Báo cáo tình hình sốt rét và dinh dưỡng
date 2024-01-02

Số bệnh nhân sốt rét giảm hàng năm, từ 980 ca năm 2012 xuống còn 07 ca năm 2023 (giảm 99%).
Tỷ lệ ký sinh trùng sốt rét giảm từ 0,48/1000 dân SRLH xuống còn 0,015/1000 dân SRLH năm 2023.
Tỷ suất sinh thô giảm từ 16,1‰ năm 2011 xuống 14,9‰ năm 2015 và đến năm 2020 giảm còn 13,0‰; tỷ lệ B là 5%.
Mục tiêu: giảm tỷ lệ suy dinh dưỡng thấp còi từ 30,5% xuống 25% vào năm 2030.
"""


def test_a_trend_s_later_value_is_of_what_its_first_is_and_keeps_its_own_year():
    by_value = {f.value_text: f for f in prose_figures_of(TRENDS).values()}
    assert by_value["07"].indicator == by_value["980"].indicator == "Số bệnh nhân sốt rét giảm hàng năm"
    assert (by_value["980"].year, by_value["07"].year) == (2012, 2023)
    parasites = by_value["0,015"]
    assert parasites.indicator == by_value["0,48"].indicator and parasites.year == 2023
    assert by_value["0,48"].year is None  # the 2023 after the later value is not the first one's
    # a trend goes on ("… và đến năm 2020 giảm còn 13,0‰"), and ends where another indicator is named
    births = [by_value[v] for v in ("16,1", "14,9", "13,0")]
    assert {f.indicator for f in births} == {"Tỷ suất sinh thô giảm"}
    assert [f.year for f in births] == [2011, 2015, 2020] and by_value["5"].indicator == "tỷ lệ B"
    # in an objective, where a trend starts from was reached: the baseline, not the target
    assert by_value["30,5"].kind == "actual" and (by_value["25"].kind, by_value["25"].year) == (
        "target",
        2030,
    )


def test_the_last_item_of_a_list_of_counts_is_named_by_its_own_words():
    """ "…, 12 xã SRLH vừa và 9 xã SRLH nặng": the words before "và" are the previous item's."""
    text = "Kế hoạch\n\nNăm 2019, tỉnh có 40 xã sốt rét lưu hành nhẹ, 12 xã SRLH vừa và 9 xã SRLH nặng."
    by_value = {f.value_text: f for f in prose_figures_of(text).values()}
    # each with the lead the list shares ("tỉnh có")
    assert (
        by_value["9"].indicator == "tỉnh có xã SRLH nặng"
        and by_value["12"].indicator == "tỉnh có xã SRLH vừa"
    )


def test_a_count_since_a_year_until_now_stands_at_the_text_s_time():
    """ "Từ … năm 1998 đến nay lũy tích có 1.580 ca": counted since 1998, as of the section's date."""
    text = (
        "Kế hoạch\n\n1. Tình hình dịch (tính đến 31/10/2016)\n\nTừ sau ca nhiễm HIV đầu tiên năm 1998 đến nay lũy tích"
        " toàn tỉnh có 1.480 ca nhiễm HIV, số nhiễm HIV còn sống 702 người."
    )
    by_value = {f.value_text: f for f in prose_figures_of(text).values()}
    assert by_value["1.480"].year == 2016 and by_value["702"].year == 2016


def test_a_shorthand_defined_in_passing_does_not_end_a_count_s_words():
    """ "38 xã vùng sốt rét lưu hành (SRLH) nhẹ": the words after the defined shorthand still name the count."""
    text = "Kế hoạch\n\nNăm 2019, tỉnh có 38 xã vùng sốt rét lưu hành (SRLH) nhẹ, 16 xã SRLH vừa và 10 xã SRLH nặng."
    by_value = {f.value_text: f for f in prose_figures_of(text).values()}
    assert by_value["38"].indicator.endswith("xã vùng sốt rét lưu hành nhẹ")
    assert by_value["10"].indicator == "tỉnh có xã SRLH nặng"


def test_what_a_figure_was_compared_with_does_not_name_the_next_one():
    """ "…, tăng 35% so với cùng kỳ, trong đó 3 ca tử vong": the deaths are named by their own words; "so với" folds
    to the "so" of "số …" but opens no indicator."""
    text = "Báo cáo\n\nNăm 2022, toàn tỉnh ghi nhận 1.240 ca sốt xuất huyết, tăng 35% so với cùng kỳ, trong đó 3 ca tử vong."
    by_value = {f.value_text: f for f in prose_figures_of(text).values()}
    assert by_value["3"].indicator == "ca tử vong"
    assert by_value["35"].indicator.endswith("(tăng so với cùng kỳ)")


def test_news_prose_spells_its_units_and_compares_with_hon():
    """A unit written out ("phần nghìn" is ‰), a sex ratio counted in boys per 100 girls, and a year after "cao hơn"
    that is what the value is compared with, not its own time."""
    text = (
        "Tin\n\nTính đến cuối năm 2019, dân số toàn tỉnh là 1.210.500 người. Tỷ suất sinh thô là 14,2 phần nghìn, "
        "tăng cao hơn năm 2018 khoảng 0,6 phần nghìn; tỷ số giới tính khi sinh 111,2 bé trai/100 bé gái. Công suất"
        " sử dụng giường bệnh đạt hơn 100%. Năm 2020, phấn đấu đạt 29,1 giường bệnh/10.000 dân."
    )
    by_value = mapped_by_value(text)
    assert (by_value["14,2"].unit, by_value["14,2"].year) == ("‰", 2019)
    assert by_value["14,2"].indicator_id == "crude_birth_rate"
    assert (by_value["111,2"].unit, by_value["111,2"].indicator_id) == (
        "bé trai/100 bé gái",
        "sex_ratio_at_birth",
    )
    assert by_value["29,1"].year == 2020  # "hơn 100%. Năm 2020": 2020 is not compared with


def test_a_change_an_objective_sets_is_named_by_what_it_changes_and_qualified_by_how():
    """ "mục tiêu giảm 1,5% trường hợp sinh con thứ 3 trở lên": a figure (an objective's change, not a change whose
    reference was left out), named by the words after it, its verb a qualifier unless its indicator is a change."""
    text = (
        "Tin\n\nNăm 2020, Chi cục đề ra mục tiêu giảm 0,3 phần nghìn mức sinh, giảm 2,5% trường hợp sinh con thứ 3"
        " trở lên.\n\nNăm 2019, số ca mắc giảm 12 ca."
    )
    by_value = mapped_by_value(text)
    rate, third = by_value["0,3"], by_value["2,5"]
    assert (rate.indicator, rate.unit, rate.indicator_id, rate.qualifiers) == (
        "mức sinh (giảm)",
        "‰",
        "birth_rate_reduction",
        [],
    )
    assert (third.indicator, third.indicator_id, third.qualifiers) == (
        "trường hợp sinh con thứ 3 trở lên (giảm)",
        "third_child_rate",
        ["giam"],
    )
    assert third.kind in ("plan", "target") and third.year == 2020
    assert "12" not in by_value  # outside an objective, a change without its reference stays no figure


def test_a_yearbook_s_prose_per_ten_thousand_and_a_year_it_only_equals():
    """ "bình quân 1 vạn dân" is per 10,000 people; "…, bằng với năm 2017" compares, the value is of 2018."""
    text = (
        "Niên giám\n\nSố giường bệnh do Nhà nước quản lý tại thời điểm 31/12/2018 là 2.590 giường, bằng với năm 2017,"
        " trong đó có 1.760 giường trong các bệnh viện. Số giường bệnh bình quân 1 vạn dân năm 2018 là 34,2 giường"
        " bệnh."
    )
    by_value = mapped_by_value(text)
    assert by_value["2.590"].year == 2018 and by_value["1.760"].indicator == "giường trong các bệnh viện"
    assert by_value["34,2"].unit == "giường bệnh/10.000 dân"
    assert by_value["34,2"].indicator_id == "hospital_beds_per_10k"


def test_a_numbered_item_opening_with_a_district_narrows_all_its_values():
    """ "5. Huyện Tân Uyên: 17 ca trong đó: 04 ca …; 13 ca …": each value is Tân Uyên's (a district two provinces
    share), and "Thành phố Lai Châu" is a place below the province."""
    text = (
        "Tin\n\nCác huyện, thành phố ghi nhận ca bệnh: Tân Uyên: 17 ca; Thành phố Lai Châu: 127 ca.\n\n"
        "5. Huyện Tân Uyên: 17 ca trong đó: 04 ca là F1 đã được quản lý từ trước; 13 ca ngoài cộng đồng tiếp xúc"
        " nhiều người, nguy cơ lây nhiễm cộng đồng cao."
    )
    figures = list(mapped_figures_of(text).values())
    assert {f.value_text: f.qualifiers for f in figures if f.value_text in ("13", "127")} == {
        "13": ["tan uyen"],
        "127": ["thanh pho lai chau"],
    }


def test_a_name_its_shorthand_follows_is_whole():
    """ "…, với tổng tỷ suất sinh (TFR) năm 2019 là 2,53 con": the defined shorthand closes the name; the words of
    the clause before it ("nhóm 33 tỉnh có mức sinh cao") are not part of it."""
    text = (
        "Kế hoạch\n\nTỉnh vẫn nằm trong nhóm 33 tỉnh, thành phố có mức sinh cao, với tổng tỷ suất sinh (TFR) năm 2019"
        " là 2,53 con."
    )
    by_value = mapped_by_value(text)
    assert by_value["2,53"].indicator == "tổng tỷ suất sinh"
    assert by_value["2,53"].indicator_id == "total_fertility_rate"


def test_where_a_trend_started_without_a_figure_is_no_part_of_the_label():
    """ "Số bác sĩ/vạn dân tăng từ 4,1 lên 7,3": 4,1 (no unit) is no figure, and 7,3 is of doctors per 10,000."""
    text = "Báo cáo\n\nNăm 2018, số bác sĩ/vạn dân tăng từ 4,1 lên 7,3; tỷ lệ xã có bác sĩ tăng từ 46,2% lên 100%."
    by_value = mapped_by_value(text)
    assert by_value["7,3"].indicator == "số bác sĩ/vạn dân"
    assert by_value["7,3"].indicator_id == "doctors_per_10k"


def test_a_list_of_counts_shares_its_lead():
    """ "Trong năm 2018, Công Gô đã ghi nhận 422 trường hợp mắc, 242 trường hợp tử vong": the deaths are what Công
    Gô recorded too; a lead with a number in it is no shared lead."""
    text = (
        "Báo cáo\n\nTrong năm 2018, Công Gô đã ghi nhận 422 trường hợp mắc, 242 trường hợp tử vong.\n\n"
        "Từ ngày 01/01/2023 đến nay, tỉnh đã ghi nhận 20 ca mắc, 2 ca tử vong.\n\nHuyện A có 3 xã, 15 ca mắc, 1 ca tử vong."
    )
    by_value = mapped_by_value(text)
    assert by_value["242"].indicator == "Công Gô đã ghi nhận trường hợp tử vong"
    assert by_value["2"].indicator == "tỉnh đã ghi nhận ca tử vong"
    assert by_value["1"].indicator == "ca tử vong"


def test_a_count_per_ten_thousand_people_written_with_a_percent_sign_keeps_its_rate():
    """ "số giường bệnh trên 10.000 dân đạt 29,3%": the name says beds per 10,000 people, the sign is a slip; a share
    named as one ("tỷ lệ … trên 10.000 dân") and a change of the count stay percentages."""
    text = (
        "Tin\n\nNăm 2018, số giường bệnh trên 10.000 dân đạt 29,3% (tăng 0,4% so với kế hoạch); Số bác sĩ bình quân 1"
        " vạn dân là 6,7%."
    )
    by_value = mapped_by_value(text)
    assert (by_value["29,3"].unit, by_value["29,3"].indicator_id) == (
        "giường bệnh/10.000 dân",
        "hospital_beds_per_10k",
    )
    assert (by_value["6,7"].unit, by_value["6,7"].indicator_id) == ("bác sĩ/10.000 dân", "doctors_per_10k")
    assert by_value["0,4"].unit == "%"


def test_a_bare_part_named_after_trong_do_counts_what_its_whole_counts():
    """ "Số trẻ dưới 5 tuổi là 170.749 trẻ, trong đó trẻ dưới 2 tuổi là 61.788 chiếm hơn 36%": 61.788 children, 36% of
    them; a count of children is no mortality rate."""
    text = "Kế hoạch\n\nNăm 2018, số trẻ dưới 5 tuổi là 170.749 trẻ, trong đó trẻ dưới 2 tuổi là 61.788 chiếm hơn 36%."
    by_value = mapped_by_value(text)
    assert (by_value["61.788"].unit, by_value["61.788"].indicator) == ("trẻ", "trẻ dưới 2 tuổi")
    assert by_value["36"].indicator == "trẻ dưới 2 tuổi"
    assert by_value["170.749"].indicator_id is None


def test_a_change_over_a_stated_period_is_a_figure_of_its_end():
    """ "Trong 15 năm trở lại đây (2005-2020), dân số Cao Bằng có xu hướng tăng nhẹ, tăng 28.155 người": how much the
    population grew over 2005-2020; "…, bình quân tăng 14,9%/năm" names nothing of its own, and a change against
    what the text does not say stays no figure."""
    text = (
        "Tin\n\nTrong 15 năm trở lại đây (2005-2020), dân số tỉnh có xu hướng tăng nhẹ, tăng 28.155 người.\n\n"
        "Tổng chi trong 5 năm 2015-2020 đạt 8.981 tỷ đồng, bình quân tăng 14,9%/năm.\n\nNăm 2021 số ca mắc giảm 12 ca."
    )
    by_value = mapped_by_value(text)
    grew = by_value["28.155"]
    assert (grew.indicator, grew.year, grew.unit) == ("dân số tỉnh (tăng so với năm 2005)", 2020, "người")
    assert grew.qualifiers == ["so voi"]  # a change: a question about the population itself does not ask it
    assert "14,9" not in by_value and "12" not in by_value


# ---------------------------------------------------------------- statistical tables of reports and pages


def mapped_figures(text: str) -> list:
    """Every figure of a document made of ``text``, mapped to the catalog as the index maps it."""
    from qa.extract.indicators import map_figures
    from qa.extract.qualifiers import document_scope
    from qa.ingest.pipeline import parse_loaded
    from qa.models import LoadedText

    lines = text.split("\n")
    doc = parse_loaded(LoadedText(lines, [None] * len(lines), "txt"), "nien-giam.txt", "sha")
    figures = extract_figures(doc)
    map_figures(figures, document_scope(doc), doc.lines)
    return figures


def mapped_figures_of(text: str):
    """The mapped figures of a document made of ``text``, by label and year."""
    return {(f.indicator, f.year): f for f in mapped_figures(text)}


def mapped_by_value(text: str):
    """The mapped figures of a document made of ``text``, by value as written (each value once in the text)."""
    return {f.value_text: f for f in mapped_figures(text)}


YEARBOOK = """Niên giám thống kê tỉnh Thái Bình năm 2022
Tỷ suất sinh thô, tỷ suất chết thô và tổng tỷ suất sinh
Crude birth rate, crude death rate and total fertility rate
2018 2019 2020 2021 2022
Tỷ suất sinh thô (‰)
Crude birth rate (‰) 16,1 15,8 15,2 14,9 14,7
Thành thị - Urban 14,0 13,9 13,1 12,8 12,5
Nông thôn - Rural 16,9 16,5 16,0 15,7 15,5
Tỷ suất chết thô (‰)
Crude death rate (‰) 6,8 6,9 7,0 7,4 7,1
Tổng tỷ suất sinh (Số con/phụ nữ)
Total fertility rate (Children per woman) 2,21 2,18 2,15 2,10 2,08"""


def test_a_yearbook_table_reads_its_vietnamese_rows_its_units_and_its_own_year_as_a_result():
    """A statistical yearbook names each row in Vietnamese, then in English on the line holding the values; its
    unit closes the label in parentheses; "Thành thị - Urban" is a part of the row above; and the column of the
    yearbook's own year holds results, not a plan."""
    by = mapped_figures_of(YEARBOOK)
    births = by[("Tỷ suất sinh thô", 2022)]
    assert (births.value, births.unit, births.kind, births.indicator_id) == (
        14.7,
        "‰",
        "actual",
        "crude_birth_rate",
    )
    deaths = by[("Tỷ suất chết thô", 2021)]
    assert (deaths.value, deaths.indicator_id) == (7.4, "crude_death_rate")
    fertility = by[("Tổng tỷ suất sinh", 2019)]
    assert (fertility.value, fertility.unit, fertility.indicator_id) == (
        2.18,
        "con/phụ nữ",
        "total_fertility_rate",
    )
    urban = by[("Tỷ suất sinh thô: Thành thị", 2020)]
    assert urban.value == 13.1 and urban.qualifiers == ["thanh thi"]
    assert not any("Crude" in indicator or "Urban" in indicator for indicator, _ in by)


NUMBERED_YEARBOOK = """Tin nóng
NUMBER OF HEALTH ESTABLISHMENTS AND PATIENT BEDS
  2017 2018 2019  Sơ bộ 2020
I. Cơ sở khám chữa bệnh - Health establishments        210        214        215        219
 - Bệnh viện - Hospital          18          19          19          20
Nhà nước - State          17          17          17          17
Ngoài Nhà nước - Non-state           1              2            2            3
  - Trạm y tế xã, phường - Medical services units        180        182        183        186
II. Giường bệnh (Giường) -Hospital beds (bed)     4.105     4.210     4.390     4.512
Ngoài Nhà nước - Non-state           -              -            -            -"""


def test_a_yearbook_grid_reads_numbered_rows_their_parts_and_blank_cells():
    """A yearbook's grid numbers its rows ("I. …", "- …"), which is no sentence ending the grid; "Nhà nước" and
    "Ngoài Nhà nước" break down the row right above them, not the numbered row; a "-" cell is empty, so the values
    after it keep their years; "(Giường) -Hospital beds" is the unit and the English name."""
    by = mapped_figures_of(NUMBERED_YEARBOOK)
    assert by[("Cơ sở khám chữa bệnh", 2019)].value == 215
    hospitals = by[("Cơ sở khám chữa bệnh: Bệnh viện", 2018)]
    assert hospitals.value == 19
    assert by[("Cơ sở khám chữa bệnh: Bệnh viện: Ngoài Nhà nước", 2018)].value == 2
    assert by[("Cơ sở khám chữa bệnh: Bệnh viện: Nhà nước", 2020)].value == 17
    beds = by[("Giường bệnh", 2018)]
    assert (beds.value, beds.unit, beds.kind) == (4210, "giường", "actual")
    assert by[("Cơ sở khám chữa bệnh: Trạm y tế xã, phường", 2017)].value == 180
    assert not any("Hospital" in indicator or "State" in indicator for indicator, _ in by)


YEAR_ROWS = """Niên giám thống kê 2023
Dân số trung bình phân theo giới tính
12
và theo thành thị, nông thôn
Average population by sex and by residence
Phân theo giới tính Phân theo thành thị, nông thôn
Tổng số By sex By residence
Total
Nam Nữ Thành thị Nông thôn
Male Female Urban Rural
Người - Person
2020 1200300 590100 610200 300400 899900
2021 1210500 595000 615500 305600 904900
Sơ bộ - Prel. 2022 1215000 597500 617500 310000 905000
Tỷ lệ tăng - Growth rate (%)
2021 0,850 0,830 0,868 1,731 -0,556
Sơ bộ - Prel. 2022 0,372 0,420 0,325 1,440 0,011"""


def test_a_yearbook_table_whose_rows_are_years_names_each_value_by_its_title_and_part():
    """A yearbook table turned the other way, one row per year under columns naming parts ("Tổng số", then "Nam Nữ
    Thành thị Nông thôn"): each value is the title's ("Dân số trung bình", cut before "phân theo") of its part and
    year, counted in the unit the line above the rows names; "Tỷ lệ tăng - Growth rate (%)" names the rows under it;
    a falling rate ("-0,556") is read as no figure rather than as a rise."""
    by = mapped_figures_of(YEAR_ROWS)
    whole = by[("Dân số trung bình", 2021)]
    assert (whole.value, whole.unit, whole.kind, whole.qualifiers) == (1210500, "người", "actual", [])
    assert whole.indicator_id == "average_population"
    urban = by[("Dân số trung bình: Thành thị", 2020)]
    assert (urban.value, urban.qualifiers) == (300400, ["thanh thi"])
    assert by[("Dân số trung bình: Nữ", 2022)].value == 617500
    growth = by[("Dân số trung bình: Tỷ lệ tăng", 2021)]
    assert (growth.value, growth.unit) == (0.85, "%")
    assert ("Dân số trung bình: Tỷ lệ tăng: Nông thôn", 2021) not in by
    assert by[("Dân số trung bình: Tỷ lệ tăng: Nông thôn", 2022)].value == 0.011


PAGE_TABLE = """Dân số tỉnh Thái Bình

1. Dân số

Bảng 1. Dân số và sự gia tăng dân số giai đoạn 2010-2020

Năm

2010

2015

2020

(sơ bộ)

Số dân (người)

601.200

612.450

630.118

Tỷ suất sinh thô (‰)

17,2

16,0

15,1

(Nguồn: Cục Thống kê tỉnh Thái Bình, Niên giám thống kê các năm 2010, 2015, 2020)

Trong 10 năm, dân số Thái Bình tăng 28.918 người."""


def test_a_page_table_stored_one_cell_per_paragraph_is_read_with_its_years():
    """A web page's table stored with a blank line between cells; its columns are years ("2020", "(sơ bộ)" a note
    on the last), so the years are the header, not values; an undated page reports, so every year is a result."""
    by = mapped_figures_of(PAGE_TABLE)
    population = [by[("Số dân", y)] for y in (2010, 2015, 2020)]
    assert [(f.value, f.unit, f.kind) for f in population] == [
        (601200, "người", "actual"),
        (612450, "người", "actual"),
        (630118, "người", "actual"),
    ]
    assert by[("Tỷ suất sinh thô", 2020)].value == 15.1


def test_a_province_s_name_ending_in_a_cue_word_stays_whole():
    """ "dân số Cao Bằng là 533.086 người": "Bằng" ends the name, it is not the cue "bằng"."""
    text = "Đặc điểm dân số\n\nNăm 2020, dân số Cao Bằng là 533.086 người, đứng thứ 13 trong khu vực."
    by_value = {f.value_text: f for f in prose_figures_of(text).values()}
    assert by_value["533.086"].indicator == "dân số Cao Bằng"


def test_a_value_of_another_province_named_in_its_label_is_that_province_s():
    """ "dân số xếp trên tỉnh Bắc Kạn (316,5 nghìn người)" in a page about Cao Bằng is Bắc Kạn's population: it
    is narrowed to Bắc Kạn, so it never stands as Cao Bằng's; the page's own province narrows nothing."""
    text = (
        "Đặc điểm dân số tỉnh Cao Bằng\n\nNăm 2020, dân số Cao Bằng là 533.086 người, dân số xếp trên tỉnh Bắc Kạn"
        " (316,5 nghìn người)."
    )
    by_value = mapped_by_value(text)
    assert "bac kan" in by_value["316,5"].qualifiers and by_value["533.086"].qualifiers == []


def test_a_trend_starts_at_the_earliest_time_its_sentence_names_or_at_none():
    """ "năm 1960: …; năm 2016 giảm còn …; tỷ lệ … giảm từ 30% giảm còn 12,3%": the start is 1960's, the end
    2016's; with one year before it ("Năm 2022, số ca giảm từ 120 xuống còn 80 ca") the start's time is unwritten."""
    text = (
        "Dân số\n\nNăm 1960, tỷ suất sinh là 45,6‰; năm 2016 giảm còn 17,4‰; tỷ lệ sinh con thứ ba trở lên từ 30%"
        " giảm còn 12,3%.\n\nNăm 2022, số ca sốt xuất huyết giảm từ 120 ca xuống còn 80 ca."
    )
    by_value = {f.value_text: f for f in prose_figures_of(text).values()}
    assert (by_value["30"].year, by_value["12,3"].year) == (1960, 2016)
    assert (by_value["120"].year, by_value["80"].year) == (None, 2022)


def test_a_label_ends_before_the_time_its_values_are_of():
    """ "Tổng tỷ suất sinh của Thái Bình có xu hướng tăng năm 2010 là 2,06 con; năm 2015 là 2,25 con; …": how the
    series went and its first year are no part of what it is (each value keeps its own year); the year of a
    period ("6 tháng đầu năm 2020") and a time to reach ("đến năm 2030") stay."""
    text = (
        "Dân số\n\nTổng tỷ suất sinh của Thái Bình có xu hướng tăng năm 2010 là 2,06 con; năm 2015 là 2,25 con; năm"
        " 2019 là 2,39 con/phụ nữ. Số trẻ sinh ra 6 tháng đầu năm 2020 là 5.159 trẻ."
    )
    by = mapped_figures_of(text)
    series = [by.get(("Tổng tỷ suất sinh của Thái Bình", y)) for y in (2010, 2015, 2019)]
    assert [f.value for f in series if f] == [2.06, 2.25, 2.39]
    assert {f.indicator_id for f in series if f} == {"total_fertility_rate"}
    assert by[("Số trẻ sinh ra 6 tháng đầu năm 2020", 2020)].value == 5159


def test_shorthand_periods_spelled_rates_headings_and_decimals_before_weak_units():
    """ "TP. Đà Nẵng" ends no sentence; "7,7 bác sĩ trên một vạn dân" after "đạt tỷ lệ" is a rate its unit names,
    and "để đạt" aims; after a heading's colon and a lone cue the words after a share name it; a decimal before a
    weak unit ("2,14 con") measures even when a year, not a cue, follows, but not in a contrast ("(trong khi …)")."""
    text = (
        "Tin y tế\n\nTừ đầu năm đến nay số ca mắc bệnh tay chân miệng tại TP. Đà Nẵng đã lên tới 235 ca. Với số lượng"
        " này, tỉnh chỉ đạt tỷ lệ 7,7 bác sĩ trên một vạn dân. Trong khi để đạt tỷ lệ 9 bác sĩ trên một vạn dân vào"
        " năm 2030, tỉnh cần thêm 184 thầy thuốc.\n\nMục tiêu cụ thể của Kế hoạch: phấn đấu 95% trẻ em từ 12 - 17"
        " tuổi được tiêm chủng đầy đủ trong năm 2021.\n\nSố con trung bình của một phụ nữ giảm từ 2,14 con năm 2010"
        " xuống còn 2,01 con năm 2020. Tổng tỷ suất sinh năm 2019 là 2,53 con (trong khi mức sinh thay thế TFR 2,1"
        " con)."
    )
    by_value = mapped_by_value(text)
    assert "2,53" in by_value and "2,1" not in by_value  # a contrast in parentheses is another thing's value
    assert by_value["235"].indicator_id == "hfmd_cases" and "TP. Đà Nẵng" in by_value["235"].indicator
    assert (by_value["7,7"].unit, by_value["7,7"].indicator) == (
        "bác sĩ/10.000 dân",
        "tỷ lệ bác sĩ/10.000 dân",
    )
    assert by_value["7,7"].indicator_id == by_value["9"].indicator_id == "doctors_per_10k"
    assert by_value["9"].kind in ("plan", "target") and by_value["7,7"].kind != by_value["9"].kind
    assert by_value["95"].indicator.startswith("trẻ em từ 12 - 17 tuổi được tiêm chủng đầy đủ")
    assert (by_value["2,14"].year, by_value["2,01"].year) == (2010, 2020)
    assert by_value["2,01"].indicator_id == "total_fertility_rate"


def test_a_running_total_of_bệnh_này_counts_the_disease_its_paragraph_named():
    """ "nâng tổng số ca mắc bệnh này … lên 235 ca" counts the disease named before ("Đối với bệnh tay chân miệng"),
    and "thêm 60 ca mắc bệnh sốt xuất huyết …, nâng tổng số ca mắc bệnh trong 2 tháng đầu năm lên 459" dengue;
    "bệnh nhân" and "bệnh viện" name no disease. Each total "nâng … lên" is a sum so far ("lũy tích"): 992 people
    living with HIV found so far, not 992 new cases."""
    text = (
        "Tin y tế\n\nCụ thể đã có thêm 60 ca mắc bệnh sốt xuất huyết trong tuần qua, nâng tổng số ca mắc bệnh trong"
        " 2 tháng đầu năm 2013 lên 459 trường hợp.\n\nĐối với bệnh tay chân miệng, trong 7 ngày gần đây nhất, Trung"
        " tâm ghi nhận có 68 ca phát hiện mới, nâng tổng số ca mắc bệnh này trên địa bàn thành phố lên 235 ca.\n\n"
        "Bệnh viện tỉnh tiếp nhận 12 bệnh nhân mắc bệnh trong tuần.\n\nToàn tỉnh phát hiện mới 16 trường hợp nhiễm"
        " HIV, nâng số trường hợp nhiễm HIV lên 992 trường hợp."
    )
    by_value = mapped_by_value(text)
    # each a sum so far ("nâng … lên"): "lũy tích", which a question asking a total so far asks
    assert (
        by_value["459"].indicator
        == "tổng số ca mắc bệnh sốt xuất huyết trong 2 tháng đầu năm 2013 (lũy tích)"
    )
    assert by_value["459"].indicator_id == "dengue_cases" and "luy tich" in by_value["459"].qualifiers
    assert by_value["235"].indicator == "tổng số ca mắc bệnh tay chân miệng trên địa bàn thành phố (lũy tích)"
    assert by_value["235"].indicator_id == "hfmd_cases"
    assert by_value["60"].qualifiers == [] and "lũy tích" not in by_value["60"].indicator
    assert (
        "sốt xuất huyết" not in by_value["12"].indicator and "tay chân miệng" not in by_value["12"].indicator
    )


def test_a_yearbook_row_number_before_tỷ_lệ_is_no_money():
    """ "98 Tỷ lệ xã có …": a row's number then its label; "tỷ" before "lệ" names a ratio, not a thousand million
    (and ƣ, which a common PDF font gives for ư, is read as ư)."""
    text = "Niên giám\n\n96 Tỷ lệ xã có cơ sở khám chữa bệnh tƣ nhân trên địa bàn xã % 4,35 4,35\n\nChi 3 tỷ đồng."
    figures = mapped_figures(text)
    assert [(f.value_text, f.unit) for f in figures if "đồng" in f.unit] == [("3", "tỷ đồng")]
    assert all("ƣ" not in f.indicator for f in figures)
