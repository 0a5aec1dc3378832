"""The passage reader's view of a passage: layout lines joined into sentences, labels, comparators."""

from __future__ import annotations

from qa.answer.reader import (
    _DENOMINATOR_BEFORE,
    _POPULATION_AFTER,
    UNNAMED_REFERENCE,
    _label_words,
    _word_comparator,
    logical_lines,
    read_line,
    read_zeros,
)

# A PDF's text layer: sentences broken where the page's lines broke, a numbered heading, a list item.
PDF_TEXT = """2. Tình
hình tệ nạn ma túy
- Về tệ nạn ma túy: Toàn tỉnh
hiện có 3.580 đối tượng nghiện ma túy.
Toàn tỉnh có 9 huyện, với dân số có trên 746.024 nhân khẩu,
trong đó chủ yếu là người dân tộc thiểu số (chiếm hơn 64%).
Bệnh da STI
Giang mai 34 340.00% 180%
Lậu 33 330.00% 150%"""


def test_layout_lines_are_joined_into_sentences() -> None:
    lines = logical_lines(PDF_TEXT)
    assert [line.text for line in lines] == [
        "2. Tình hình tệ nạn ma túy",
        "- Về tệ nạn ma túy: Toàn tỉnh hiện có 3.580 đối tượng nghiện ma túy.",
        "Toàn tỉnh có 9 huyện, với dân số có trên 746.024 nhân khẩu, trong đó chủ yếu là người dân tộc thiểu số "
        "(chiếm hơn 64%).",
        # table rows laid out as lines stay rows
        "Bệnh da STI",
        "Giang mai 34 340.00% 180%",
        "Lậu 33 330.00% 150%",
    ]
    # A number is cited on the layout line that holds it.
    third = lines[2]
    assert third.offset_at(third.text.index("746.024")) == 4
    assert third.offset_at(third.text.index("64%")) == 5


def test_a_number_opening_a_parenthesis_keeps_the_words_before_it() -> None:
    assert _label_words("trong đó chủ yếu là người dân tộc thiểu số (chiếm hơn ") == [
        "trong", "đó", "chủ", "yếu", "là", "người", "dân", "tộc", "thiểu", "số", "chiếm", "hơn",
    ]  # fmt: skip
    assert _label_words("số ca mắc (trong đó nữ giới ") == ["trong", "đó", "nữ", "giới"]


def test_trên_is_a_denominator_only_before_a_population() -> None:
    line = "dân số có trên 746.024 nhân khẩu"
    end = line.index("746.024") + len("746.024")
    assert _DENOMINATOR_BEFORE.search(line[: line.index("746.024")])
    assert not _POPULATION_AFTER.match(line, end)
    rate = "tỷ lệ mắc 20 trên 100.000 dân"
    assert _POPULATION_AFTER.match(rate, rate.index("100.000") + len("100.000"))
    assert _word_comparator("dân số có trên ") == ">" and _word_comparator("đạt ") is None


def test_a_sentence_states_a_number_other_than_a_year() -> None:
    from qa.answer.passages import states_a_number

    assert states_a_number("Năm 2023 phát hiện 34 ca giang mai.")
    assert not states_a_number("Bệnh đậu mùa khỉ đã xuất hiện nhiều tỉnh, thành trong năm 2023.")


def test_a_listed_value_takes_only_its_own_words() -> None:
    # label first: the words after the value before it
    assert _label_words("Diện tích tự nhiên 2.669km2, dân số trung bình 908.241 người, mật độ dân số ") == [
        "mật", "độ", "dân", "số",
    ]  # fmt: skip
    # number first: the items before it are no label; what it counts follows it
    assert _label_words("- 20 Công ty dược và Chi nhánh, 40 nhà thuốc, ") == []
    assert _label_words("Toàn tỉnh có 20 Công ty dược, 40 nhà thuốc, ") == ["Toàn", "tỉnh", "có"]
    # a decimal comma is no list
    assert _label_words("tỷ lệ 89,5% trạm y tế quản lý ") == ["tỷ", "lệ", "trạm", "y", "tế", "quản", "lý"]


def test_neither_end_of_an_age_band_is_a_value_and_bold_marks_are_dropped() -> None:
    from qa.answer.reader import _NUMBER

    assert [m.group("num") for m in _NUMBER.finditer("15 – 49 tuổi: 554.679 người; 12-17 tuổi")] == [
        "554.679"
    ]
    assert logical_lines("đã tiêm được tổng số **5.655.274** liều vắc xin")[0].text == (
        "đã tiêm được tổng số 5.655.274 liều vắc xin"
    )
    # a bound written as a sign ("≥ 18 tuổi") is an age band too
    assert not read_line("- Học sinh ≥ 18 tuổi hiện đang học tại các trường vẫn được tiêm chủng vắc xin.")


def test_a_density_keeps_its_area() -> None:
    from qa.extract.figures.units import UNIT_RE, normalize_unit

    line = "mật độ dân số 340 người/km2."
    m = UNIT_RE.match(line, line.index("340") + 3)
    assert m and normalize_unit(m.group(0)) == "người/km2"


def test_a_year_compared_against_is_not_the_time_of_a_value() -> None:
    from qa.extract.figures.prose import compared_against

    line = "TTYT huyện Yên Dũng tăng 132,8% so với cùng kỳ năm 2022, trong 6 tháng đầu năm 2023"
    stated = [y for y in (2022, 2023) if not compared_against(line[: line.index(str(y))])]
    assert stated == [2023]


def test_a_share_of_a_whole_takes_the_whole_unit_and_a_value_may_follow_năm() -> None:
    from qa.answer.reader import read_line

    read = read_line(
        "chi không thường xuyên 12 tháng 73,877/90,407 tỷ đạt 82% ước cả năm 89,095/90,407 tỷ đồng"
    )
    assert [(n.value_text, n.unit) for n in read if n.value_text in ("73,877", "89,095")] == [
        ("73,877", "tỷ đồng"),
        ("89,095", "tỷ đồng"),
    ]
    # a day, a month, an article after its word is no value; a list number neither
    assert [n.value_text for n in read_line("ngày 21 tháng 12, Điều 2 quy định 35 giường bệnh")] == ["35"]


def test_an_age_bound_is_no_value_but_an_age_is() -> None:
    from qa.answer.reader import read_line

    line = "tối thiểu 80% trẻ em dưới 16 tuổi được bổ sung vi chất; tuổi thọ trung bình 74,5 tuổi"
    assert [n.value_text for n in read_line(line)] == ["80", "74,5"]


def test_a_footnote_mark_and_a_typed_per_mille_are_no_numbers() -> None:
    from qa.answer.reader import read_line

    read = read_line("Kết quả phân vùng dịch tễ sốt rét năm 2019[1] (Phụ lục 2 kèm theo)")
    assert read == []
    (rate,) = read_line("Giảm tỷ suất sinh bình quân hàng năm 0,5%0, phấn đấu …")
    assert (rate.value_text, rate.unit) == ("0,5", "‰")


def test_none_of_a_thing_counted_said_in_words_is_zero() -> None:
    zero = read_zeros(
        "Trong 6 tháng đầu năm 2023 không có vụ ngộ độc thực phẩm và bệnh truyền qua thực phẩm."
    )
    assert [(z.value, z.unit) for z in zero] == [(0.0, "vụ")]
    assert "ngộ độc thực phẩm" in zero[0].label
    assert [
        (z.value, z.unit, z.label) for z in read_zeros("Số nhiễm: 257 ca, không ghi nhận ca tử vong.")
    ] == [(0.0, "ca", "ca tử vong")]
    assert read_zeros("Các cơ sở không có biến động lớn.") == []  # "biến động" counts nothing


def test_a_change_and_a_district_qualify_a_read_number_as_they_qualify_an_extracted_one() -> None:
    line = (
        "Toàn tỉnh ghi nhận 412 ca mắc tay chân miệng, tăng 96 ca (tăng 1,3 lần) so với cùng kỳ năm 2023; "
        "nhiều nhất là huyện Diễn Châu 88 ca (tăng 20 ca), thị xã Cửa Lò 41 ca; số ổ dịch giảm còn 7 ổ dịch."
    )
    read = {r.value_text: r.qualifiers for r in read_line(line)}
    assert read["412"] == ()
    assert read["96"] == ("so voi cung ky",) and read["1,3"] == ("so voi cung ky",)
    assert read["88"] == ("dien chau",)
    assert read["20"] == ("dien chau", UNNAMED_REFERENCE)  # a change whose reference its clause does not say
    assert read["41"] == ("cua lo",)
    assert read["7"] == ()  # "giảm còn 7": the level it fell to
    # the change said before its value: "tăng so với giai đoạn trước (0,4%/năm)"
    (later,) = [
        r for r in read_line("Tỷ lệ này tăng so với giai đoạn trước (0,4%/năm).") if r.value_text == "0,4"
    ]
    assert later.qualifiers == ("so voi",)


def test_an_approximate_change_is_still_a_change() -> None:
    line = (
        "So với cùng kỳ, số ca sốt xuất huyết giảm khoảng 50 ca, tay chân miệng tăng trên 600 ca, đạt 740 ca."
    )
    read = {r.value_text: r.qualifiers for r in read_line(line)}
    assert read["50"] == (UNNAMED_REFERENCE,) and read["600"] == (UNNAMED_REFERENCE,)
    assert read["740"] == ()


def test_a_change_said_with_its_degree_is_still_a_change() -> None:
    line = "Bệnh sởi giảm mạnh, hơn 30 ca; bệnh thủy đậu tăng rất cao, trên 200 ca; số ca tăng cao nhất là 90 ca."
    read = {r.value_text: r.qualifiers for r in read_line(line)}
    assert read["30"] == (UNNAMED_REFERENCE,) and read["200"] == (UNNAMED_REFERENCE,)
    assert read["90"] == ()  # "tăng cao nhất là": a level


def test_a_sentence_gives_a_number_of_the_kind_asked_or_not() -> None:
    """A decision's title quoted for "bao nhiêu %" holds no share (its số hiệu and year are no quantities)."""
    from qa.answer.reader import gives_a_number_of_kind

    title = (
        "Nghị quyết 36/2015/NQ-HĐND hỗ trợ đóng bảo hiểm y tế cho người thuộc hộ gia đình cận nghèo năm 2016"
    )
    share = "Ngân sách tỉnh hỗ trợ 30% mức đóng bảo hiểm y tế cho người thuộc hộ cận nghèo."
    assert not gives_a_number_of_kind("percent", [title])
    assert gives_a_number_of_kind("percent", [title, share])
    assert not gives_a_number_of_kind("money", [share])
    assert gives_a_number_of_kind("count", ["Toàn tỉnh có 148 xã đạt chuẩn."])
    assert gives_a_number_of_kind("percent", [])


def test_the_case_numbers_in_parentheses_after_a_count_are_no_quantities() -> None:
    """ "245 trường hợp (từ 73.083 đến 73.327)": the patients' numbers; "(19 cuộc …)" with units stays read."""
    from qa.answer.reader import read_line

    line = "Trong tuần ghi nhận 245 trường hợp (từ 73.083 đến 73.327) năm 2022 dương tính với SARS-CoV-2."
    assert [n.value_text for n in read_line(line)] == ["245"]
    assert [n.value_text for n in read_line("Tổ chức 23 cuộc (19 cuộc thường xuyên, 4 cuộc đột xuất).")] == [
        "23",
        "19",
        "4",
    ]


def test_the_one_of_per_ten_thousand_people_is_no_quantity() -> None:
    """ "Số bác sĩ bình quân 1 vạn dân là 6,7": the 1 says per how many people; "bình quân 5 triệu đồng" is a value."""
    from qa.answer.reader import read_line

    assert [n.value_text for n in read_line("Số bác sĩ bình quân 1 vạn dân là 6,7%.")] == ["6,7"]
    assert [n.value_text for n in read_line("Thu nhập bình quân 5 triệu đồng.")] == ["5"]


def test_a_table_row_s_unit_column_before_its_values_is_their_unit() -> None:
    """ "96 Tỷ lệ xã có cơ sở khám chữa bệnh tư nhân trên địa bàn xã % 4,35 4,35": a yearbook row, its unit column
    before its values; the count of the row above ("Xã 5 5") is not a share."""
    (first, *_) = read_line("96 Tỷ lệ xã có cơ sở khám chữa bệnh tư nhân trên địa bàn xã % 4,35 4,35")
    assert (first.value_text, first.unit) == ("4,35", "%")
    assert all(
        n.unit != "%" for n in read_line("95 Xã có cơ sở khám chữa bệnh tư nhân trên địa bàn xã Xã 5 5")
    )
