"""Metadata of documents nobody tuned for: letterheads, type lines and subjects, news reports, the years a
document covers, and attribution across the 2025 merger. The headers below are written for these tests
(the shapes of real provincial documents, none copied); the shipped corpus is checked in test_structure.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.ingest.pipeline import parse_file

LIMIT = 50 * 1024 * 1024


def parse(tmp_path: Path, text: str, name: str = "vb.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_file(path, LIMIT)


PLAN = """ỦY BAN NHÂN DÂN
TỈNH HÀ GIANG
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 58/KH-UBND
Hà Giang, ngày 09
tháng 3 năm 2021

KẾ HOẠCH
THỰC HIỆN CHƯƠNG TRÌNH PHÒNG, CHỐNG SỐT RÉT VÀ HIV/AIDS TRÊN
ĐỊA BÀN TỈNH HÀ GIANG GIAI ĐOẠN 2021 - 2025
Phần 1
ĐÁNH GIÁ KẾT QUẢ GIAI ĐOẠN 2016 - 2020
Căn cứ Quyết định số 1920/QĐ-TTg ngày 05 tháng 11 năm 2011 của Thủ tướng Chính phủ.
Năm 2020 toàn tỉnh ghi nhận 12 ca sốt rét, không có ca tử vong.
Phần 2
MỤC TIÊU
1. Mục tiêu chung
Giảm tỷ lệ mắc sốt rét xuống dưới 0,1/1.000 dân vào năm 2030.
2. Mục tiêu cụ thể
- Đến năm 2023: 100% ca bệnh được điều trị đúng phác đồ.
"""


def test_type_line_and_wrapped_capital_subject(tmp_path):
    meta = parse(tmp_path, PLAN).meta
    assert meta.kind == "Kế hoạch"
    assert meta.title == (
        "Kế hoạch thực hiện chương trình phòng, chống sốt rét và HIV/AIDS trên địa bàn tỉnh Hà Giang "
        "giai đoạn 2021 - 2025"
    )
    assert (meta.number, meta.date) == ("58/KH-UBND", "2021-03-09")
    assert (meta.issuer, meta.province, meta.current_province) == (
        "Ủy ban nhân dân tỉnh Hà Giang",
        "Hà Giang",
        "Tuyên Quang",
    )


def test_years_are_issue_title_headings_and_targets_not_citations(tmp_path):
    # 2021 issue and range start, 2025 range end, 2016/2020 the assessed period (a heading), 2023 and 2030
    # targets; 2011 is the date of a cited decision, 2020 of the narrative counts through the heading.
    assert parse(tmp_path, PLAN).meta.years == [2016, 2020, 2021, 2023, 2025, 2030]


def test_range_ends_and_target_horizon(tmp_path):
    text = PLAN.replace("GIAI ĐOẠN 2021 - 2025", "GIAI ĐOẠN 2024-2030")
    years = parse(tmp_path, text).meta.years
    assert {2024, 2030} <= set(years) and not {2026, 2027, 2028} & set(years)


DECISION = """UBND TỈNH THANH HÓA
SỞ Y TẾ
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập – Tự do – Hạnh phúc
Số: 1204/QĐ-SYT
Thanh Hóa, ngày 4 tháng 6 năm 2024
QUYẾT ĐỊNH
Về việc ban hành Quy chế quản lý hồ sơ sức khỏe điện tử
tại các trạm y tế xã năm 2024
GIÁM ĐỐC SỞ Y TẾ
Căn cứ Luật Khám bệnh, chữa bệnh ngày 09 tháng 01 năm 2023;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý hồ sơ sức khỏe điện tử.
"""


def test_decision_subject_in_sentence_case_stops_at_the_signer(tmp_path):
    meta = parse(tmp_path, DECISION).meta
    assert meta.kind == "Quyết định"
    assert meta.title == (
        "Quyết định về việc ban hành Quy chế quản lý hồ sơ sức khỏe điện tử tại các trạm y tế xã năm 2024"
    )
    assert (meta.issuer, meta.province, meta.date) == ("Sở Y tế tỉnh Thanh Hóa", "Thanh Hóa", "2024-06-04")


WEB_COPY = """Đăng nhập để xem toàn văn và tải về.
ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |
Số: 77/KH-UBND | Điện Biên, ngày 02 tháng 4 năm 2022 |
Thực hiện Quyết định số 1125/QĐ-TTg ngày 31 tháng 7 năm 2017; Ủy ban nhân dân tỉnh ban hành Kế hoạch tiêm chủng \
mở rộng trên địa bàn tỉnh Điện Biên năm 2022 (Kế hoạch), cụ thể như sau:
1. Mục tiêu
Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ đạt trên 95%.
"""


def test_web_copy_without_type_line_takes_the_promulgating_sentence(tmp_path):
    meta = parse(tmp_path, WEB_COPY).meta
    assert (meta.kind, meta.number, meta.date) == ("Kế hoạch", "77/KH-UBND", "2022-04-02")
    assert meta.title == "Kế hoạch tiêm chủng mở rộng trên địa bàn tỉnh Điện Biên năm 2022"
    assert (meta.province, meta.issuer) == (
        "Điện Biên",
        "Ủy ban nhân dân tỉnh Điện Biên",
    )  # the place-date line
    assert meta.years == [2022]


def test_capital_line_under_the_letterhead_is_the_subject(tmp_path):
    text = WEB_COPY.replace(
        "Thực hiện Quyết định", "PHÒNG, CHỐNG DỊCH BỆNH TRUYỀN NHIỄM NĂM 2022\nThực hiện Quyết định"
    ).replace(" ban hành Kế hoạch", " ban hành văn bản")
    meta = parse(tmp_path, text).meta
    assert meta.title == "Kế hoạch phòng, chống dịch bệnh truyền nhiễm năm 2022"


NEWS = """Ninh Thuận: Tiêm chủng đầy đủ cho hơn 9.000 trẻ em trong 6 tháng đầu năm
Sáng 10-7, Sở Y tế Ninh Thuận tổ chức hội nghị sơ kết công tác y tế 6 tháng đầu năm.
Toàn tỉnh đã khám bệnh cho hơn 600.000 lượt người (tăng 12,5% so với cùng kỳ năm 2022); tỷ lệ tiêm chủng \
đầy đủ đạt 96%. Ngành y tế Ninh Thuận phấn đấu đến năm 2025 có 100% trạm y tế có bác sĩ làm việc.
Trong những tháng cuối năm, ngành tiếp tục triển khai Chương trình mục tiêu quốc gia giai đoạn 2021-2025.
"""


def test_news_report(tmp_path):
    meta = parse(tmp_path, NEWS).meta
    assert (meta.kind, meta.number, meta.issuer) == ("Tin bài", None, None)
    assert meta.title == "Ninh Thuận: Tiêm chủng đầy đủ cho hơn 9.000 trẻ em trong 6 tháng đầu năm"
    assert meta.province == "Ninh Thuận"
    # 2023 reported (compared with 2022), 2025 a target; 2021 of a programme named in passing is not.
    assert meta.years == [2023, 2025]


# ---------------------------------------------------------------- the 2025 merger (issue 19, metadata)

MERGED = """ỦY BAN NHÂN DÂN
TỈNH ĐỒNG NAI
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 315/QĐ-UBND
Đồng Nai, ngày 15 tháng 9 năm 2025
QUYẾT ĐỊNH
Về việc bãi bỏ các quyết định về y tế do Ủy ban nhân dân tỉnh Bình Phước ban hành
Căn cứ Nghị quyết số 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh;
Điều 1. Bãi bỏ Quyết định số 12/2019/QĐ-UBND của Ủy ban nhân dân tỉnh Bình Phước về giá dịch vụ khám bệnh \
tại các trạm y tế tỉnh Bình Phước; Quyết định số 20/2020/QĐ-UBND của UBND tỉnh Bình Phước về quản lý trang \
thiết bị y tế tại Bình Phước; Quyết định số 7/2021/QĐ-UBND của UBND tỉnh Bình Phước về y tế học đường ở \
Bình Phước.
Điều 2. Sở Y tế hướng dẫn các cơ sở y tế trên địa bàn các xã thuộc tỉnh Bình Phước cũ thực hiện.
"""


def test_post_merger_document_is_its_issuers_not_the_former_province_it_names(tmp_path):
    meta = parse(tmp_path, MERGED).meta
    assert MERGED.count("Bình Phước") >= 7
    assert (meta.province, meta.current_province, meta.issuer) == (
        "Đồng Nai",
        "Đồng Nai",
        "Ủy ban nhân dân tỉnh Đồng Nai",
    )
    assert meta.title.startswith("Quyết định về việc bãi bỏ các quyết định về y tế")


def test_post_merger_document_named_only_by_a_former_place_goes_to_the_current_unit(tmp_path):
    text = MERGED.replace("TỈNH ĐỒNG NAI\n", "").replace("Đồng Nai, ngày", "Đồng Xoài, ngày")
    meta = parse(tmp_path, text).meta
    assert (meta.province, meta.current_province) == ("Đồng Nai", "Đồng Nai")


def test_pre_merger_document_keeps_the_former_province(tmp_path):
    text = MERGED.replace("TỈNH ĐỒNG NAI", "TỈNH BÌNH PHƯỚC").replace(
        "Đồng Nai, ngày 15 tháng 9 năm 2025", "Bình Phước, ngày 15 tháng 9 năm 2024"
    )
    meta = parse(tmp_path, text).meta
    assert (meta.province, meta.current_province, meta.issuer) == (
        "Bình Phước",
        "Đồng Nai",
        "Ủy ban nhân dân tỉnh Bình Phước",
    )


# ---------------------------------------------------------------- overrides


def test_sidecar_overrides_detected_fields(tmp_path):
    path = tmp_path / "kh.txt"
    path.write_text(PLAN, encoding="utf-8")
    (tmp_path / "kh.txt.meta.json").write_text(
        json.dumps({"title": "Kế hoạch sốt rét", "issuer": "Sở Y tế tỉnh Hà Giang", "years": [2021]}),
        encoding="utf-8",
    )
    meta = parse_file(path, LIMIT).meta
    assert (meta.title, meta.issuer, meta.years, meta.province) == (
        "Kế hoạch sốt rét",
        "Sở Y tế tỉnh Hà Giang",
        [2021],
        "Hà Giang",
    )


@pytest.mark.parametrize(
    "key,issuer",
    [
        ("000", None),  # no letterhead and no số hiệu: the issuer is not guessed from the prose
        ("001", "Sở Y tế tỉnh Bắc Giang"),  # from "Số: /KH-SYT"
        ("002", "Sở Y tế tỉnh Kiên Giang"),  # "UBND TỈNH KIÊN GIANG" over "SỞ Y TẾ"
        ("003", "Ủy ban nhân dân tỉnh Kiên Giang"),
        ("004", "Sở Y tế tỉnh Hà Nam"),
    ],
)
def test_issuer_of_the_shipped_documents(parsed, key, issuer):
    assert parsed[key].meta.issuer == issuer


# ---------------------------------------------------------------- shapes seen on public pages (issue 12)
# Each snippet below is written for these tests in the shape of a saved web page or a web copy of a document.

NEWS_PAGE = """Đọc nhiều

Lễ hội hoa ban khai mạc tại Điện Biên

Hàng nghìn du khách đến thành phố trong những ngày đầu xuân để ngắm hoa và thưởng thức ẩm thực.

Đường cao tốc mới rút ngắn thời gian đi lại

Tuyến đường dài 60 km được thông xe sau hai năm thi công.

PHÚ YÊN NÂNG TỶ LỆ TIÊM CHỦNG ĐẦY ĐỦ CHO TRẺ DƯỚI 1 TUỔI

09/03/2023 10:15

Sở Y tế Phú Yên vừa tổng kết chương trình tiêm chủng mở rộng giai đoạn 2021 – 2022.

Tỷ lệ tiêm chủng đầy đủ cho trẻ dưới 1 tuổi tăng dần qua các năm: 91,2% (2019), 93,5% (2020), 95,1% (2021).

Giai đoạn 2024 – 2025, có ít nhất 97% trẻ dưới 1 tuổi được tiêm chủng đầy đủ.

Trong thời gian tới, ngành tiếp tục triển khai Chương trình mục tiêu quốc gia giai đoạn 2021-2025.
"""


def test_news_headline_is_the_line_over_its_date_not_the_site_chrome(tmp_path):
    meta = parse(tmp_path, NEWS_PAGE).meta
    assert (meta.kind, meta.date, meta.number, meta.issuer) == ("Tin bài", "2023-03-09", None, None)
    # typed in capitals: a sentence's case, the province its own spelling
    assert meta.title == "Phú Yên nâng tỷ lệ tiêm chủng đầy đủ cho trẻ dưới 1 tuổi"
    assert meta.province == "Phú Yên"


def test_news_years_are_its_figures_years_its_periods_and_its_lead(tmp_path):
    # 2019-2021 the years of its figures ("91,2% (2019)"), 2024/2025 a period stated with a figure, 2021/2022
    # the period the lead reports, 2023 the publication; the programme named in passing adds nothing.
    text = NEWS_PAGE.replace("giai đoạn 2021-2025.", "giai đoạn 2026-2030.")
    assert parse(tmp_path, text).meta.years == [2019, 2020, 2021, 2022, 2023, 2024, 2025]


def test_date_stamp_before_the_headline_or_the_lead(tmp_path):
    headline = (
        "date 2024-06 Cà Mau: Hơn 800 ca mắc tay chân miệng trong 5 tháng đầu năm\n\nTheo Sở Y tế tỉnh Cà Mau, \
từ đầu năm đến nay toàn tỉnh ghi nhận 812 ca mắc tay chân miệng, tăng 15% so với cùng kỳ năm 2023.\n"
    )
    meta = parse(tmp_path, headline).meta
    assert (meta.kind, meta.date) == ("Tin bài", "2024-06")
    assert meta.title == "Cà Mau: Hơn 800 ca mắc tay chân miệng trong 5 tháng đầu năm"
    assert meta.years == [2024]  # 2023 is the same period a year before, not a year the page reports

    lead = "date 2024-11 UBND tỉnh Sóc Trăng vừa ban hành kế hoạch chăm sóc sức khỏe người cao tuổi \
giai đoạn 2025 – 2030.\n\nKế hoạch đặt mục tiêu 90% người cao tuổi được lập hồ sơ theo dõi sức khỏe.\n"
    meta = parse(tmp_path, lead, "lead.txt").meta
    assert (meta.kind, meta.title, meta.date) == ("Tin bài", "", "2024-11")  # no headline on the page
    assert meta.years == [2024, 2025, 2030]


def test_a_page_that_nothing_else_dates_is_dated_by_its_figures(tmp_path):
    """A news page cut from its site, no headline or date left, under a subheading of its own: the years its
    figures are reported in date it (the subheading makes it look sectioned, whose prose years do not count)."""
    page = (
        "-\n(BLC) - Trong tuần (từ ngày 30/4/2022 đến ngày 06/5/2022) toàn tỉnh ghi nhận 245 trường hợp năm 2022"
        " dương tính với SARS-CoV-2.\nTHÔNG TIN TRƯỜNG HỢP BỆNH\n1. Huyện Tam Đường: 11 ca.\n"
    )
    assert parse(tmp_path, page, "tuan.txt").meta.years == [2022]


def test_a_date_line_may_give_the_seconds(tmp_path):
    page = NEWS_PAGE.replace("09/03/2023 10:15", "09/03/2023 10:15:48")
    assert parse(tmp_path, page).meta.date == "2023-03-09"


def test_an_undated_reports_baseline_is_not_the_year_it_reports(tmp_path):
    undated = "Tính đến ngày 4/8, toàn tỉnh ghi nhận 1.520 trường hợp mắc sốt xuất huyết, tăng 3,2 lần so với năm 2020.\n"
    assert parse(tmp_path, undated, "sxh.txt").meta.years == [2021]  # the year after the baseline
    dated = "date 2021-08 " + undated
    assert parse(tmp_path, dated, "sxh_dated.txt").meta.years == [
        2020,
        2021,
    ]  # dated: the baseline still counts


RESOLUTION = """HỘI ĐỒNG NHÂN DÂN |
CỘNG HÒA XÃ
HỘI CHỦ NGHĨA VIỆT NAM |
Số: 15/2022/NQ-HĐND |
Yên Bái, ngày 12 tháng 7 năm 2022 |
QUY ĐỊNH MỨC CHI HỖ TRỢ NHÂN VIÊN Y TẾ THÔN BẢN TRÊN ĐỊA BÀN TỈNH YÊN BÁI
HỘI ĐỒNG NHÂN DÂN TỈNH YÊN BÁI
KHÓA XIX - KỲ HỌP THỨ 7
Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015;
QUYẾT NGHỊ:
Điều 1. Hỗ trợ hằng tháng cho nhân viên y tế thôn bản.
"""


def test_resolution_subject_is_under_the_letterhead_not_under_the_enacting_body(tmp_path):
    meta = parse(tmp_path, RESOLUTION).meta
    assert (meta.kind, meta.number, meta.province) == ("Nghị quyết", "15/2022/NQ-HĐND", "Yên Bái")
    assert (
        meta.title == "Nghị quyết quy định mức chi hỗ trợ nhân viên y tế thôn bản trên địa bàn tỉnh Yên Bái"
    )


def test_type_line_with_a_hard_wrapped_one_word_fragment(tmp_path):
    text = PLAN.replace(
        "KẾ HOẠCH\nTHỰC HIỆN CHƯƠNG TRÌNH",
        "KẾ HOẠCH\nTRIỂN\nKHAI CHƯƠNG TRÌNH",
    )
    meta = parse(tmp_path, text).meta
    assert meta.title.startswith("Kế hoạch triển khai chương trình phòng, chống sốt rét")
    assert meta.title.endswith("giai đoạn 2021 - 2025")


def test_capitalised_title_takes_the_capitals_the_prose_gives_its_names(tmp_path):
    text = WEB_COPY.replace(
        "Thực hiện Quyết định",
        "TRIỂN KHAI CHIẾN LƯỢC QUỐC GIA PHÒNG, CHỐNG BỆNH DẠI TẠI VIỆT NAM NĂM 2022\nThực hiện Quyết định",
    ).replace(
        "ban hành Kế hoạch tiêm chủng",
        "xây dựng văn bản triển khai Chiến lược quốc gia phòng, chống bệnh dại ở Việt Nam, như mọi tỉnh của Việt Nam, đặt mục tiêu",
    )
    meta = parse(tmp_path, text).meta
    assert meta.title == "Kế hoạch triển khai Chiến lược quốc gia phòng, chống bệnh dại tại Việt Nam năm 2022"


def test_status_date_of_a_figure_counts_among_the_years(tmp_path):
    text = WEB_COPY.replace(
        "1. Mục tiêu", "Tính đến cuối năm 2021, toàn tỉnh có 88% trẻ em được tiêm chủng đầy đủ.\n1. Mục tiêu"
    )
    assert parse(tmp_path, text).meta.years == [2021, 2022]
