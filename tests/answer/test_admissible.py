"""Candidates a question's form rules out before scoring: counts of another thing, and, for "huyện nào", the
value of the whole province."""

from __future__ import annotations

from dataclasses import replace

from qa.answer.admissible import admissible, names_a_part, of_the_counted_thing, of_the_named_place
from qa.answer.candidates import FigureCandidate
from qa.answer.understand import Reader
from qa.models import Figure

KNOWN = {"Tây Ninh": "Tây Ninh", "Đắk Lắk": "Đắk Lắk"}

PROVINCE = Figure(
    indicator="số ca mắc Sốt xuất huyết cộng dồn đến nay",
    value=1603.0,
    value_text="1603",
    unit="ca",
    year=2019,
    kind="actual",
    comparator=None,
    doc_id="d",
    source="d.txt",
    section="",
    line=3,
    quote="Tây Ninh ghi nhận số ca mắc Sốt xuất huyết cộng dồn đến nay là 1603 ca.",
    qualifiers=["7 thang"],
)
DISTRICT = replace(
    PROVINCE,
    indicator="Một số huyện có số mắc cao như Tân Biên có số mắc",
    value=262.0,
    value_text="262",
    quote="Một số huyện có tỷ lệ mắc tăng cao như Tân Biên có số mắc cao nhất 262 ca.",
    qualifiers=["7 thang", "tan bien"],
)
CHANGE = replace(PROVINCE, value=5.1, value_text="5,1", unit="lần", qualifiers=[])


def _values(question: str, figures: list[Figure]) -> list[float]:
    q = Reader(KNOWN, set()).read(question)
    return [figures[i].value for i in admissible(q, [FigureCandidate(f, 0, 0, None) for f in figures])]


def test_a_value_of_a_district_names_a_part() -> None:
    assert names_a_part(DISTRICT) and not names_a_part(PROVINCE)


def test_which_district_is_answered_by_a_district_s_value_only() -> None:
    asked = "huyen nao o tay ninh co so mac sot xuat huyet cao nhat 7 thang dau 2019"
    assert _values(asked, [PROVINCE, DISTRICT]) == [262.0]
    # a question about the province: a district's value is no answer beside the province's
    assert _values("Tây Ninh có bao nhiêu ca sốt xuất huyết 7 tháng đầu 2019?", [PROVINCE, DISTRICT]) == [
        1603.0
    ]
    assert _values("Tây Ninh có bao nhiêu ca sốt xuất huyết 7 tháng đầu 2019?", [DISTRICT]) == [262.0]
    # a question naming a district: its value, when it is a candidate; else nothing is ruled out by place
    assert _values("Huyện Tân Biên có bao nhiêu ca sốt xuất huyết?", [PROVINCE, DISTRICT]) == [262.0]
    assert _values("Huyện Gò Dầu có bao nhiêu ca sốt xuất huyết?", [PROVINCE, DISTRICT]) == [1603.0, 262.0]
    # the district's value of something else ("Tân Biên hạng 3" for "bao nhiêu ca") rules out nothing
    ranked = replace(DISTRICT, indicator="Tân Biên xếp hạng", value=3.0, value_text="3", unit="")
    assert _values("Huyện Tân Biên có bao nhiêu ca sốt xuất huyết?", [PROVINCE, ranked]) == [1603.0, 3.0]


def test_a_change_answers_a_change_question_and_a_level_any_other() -> None:
    level = replace(PROVINCE, quote="Tây Ninh ghi nhận 1603 ca, tăng 412 ca so với cùng kỳ.")
    change = replace(level, value=412.0, value_text="412", qualifiers=["7 thang", "so voi cung ky"])
    assert _values("Tây Ninh có bao nhiêu ca sốt xuất huyết?", [change, level]) == [1603.0]
    assert _values("Tây Ninh số ca sốt xuất huyết tăng bao nhiêu so với cùng kỳ?", [level, change]) == [412.0]
    # only one of the two among the candidates: nothing is ruled out for it
    assert _values("Tây Ninh có bao nhiêu ca sốt xuất huyết?", [change]) == [412.0]
    assert _values("Tây Ninh số ca tăng bao nhiêu?", [level]) == [1603.0]


def test_a_count_of_cases_is_not_answered_by_a_multiple() -> None:
    assert _values("Tây Ninh có bao nhiêu ca sốt xuất huyết?", [CHANGE, PROVINCE]) == [1603.0]
    assert _values("Số ca tăng bao nhiêu lần?", [CHANGE, PROVINCE]) == [5.1]


def test_nothing_is_ruled_out_when_no_candidate_counts_the_thing_asked() -> None:
    # the documents may count it in words the lexicon lacks: ruling the others out would make one of them sure
    assert _values("Tây Ninh có bao nhiêu ổ dịch?", [CHANGE, PROVINCE]) == [5.1, 1603.0]


def test_the_whole_year_is_not_answered_by_part_of_it() -> None:
    read = replace(PROVINCE, qualifiers=[], quote="Trong 7 tháng đầu năm 2019, Tây Ninh ghi nhận 1603 ca.")
    whole = replace(PROVINCE, value=2450.0, value_text="2450", qualifiers=[], quote="Cả năm 2019 có 2450 ca.")
    asked = "Tổng số ca sốt xuất huyết cả năm 2019 của tỉnh Tây Ninh là bao nhiêu?"
    # narrowed by its qualifiers, or (a number read at question time) by its sentence
    assert _values(asked, [PROVINCE, read, whole]) == [2450.0]
    assert _values("Số ca sốt xuất huyết năm 2019 của Tây Ninh?", [PROVINCE, whole]) == [1603.0, 2450.0]
    # a question naming part of the year asks that part: its "cả năm" is the plan's
    part = "Tây Ninh 7 tháng đầu 2019 đã vượt kế hoạch cả năm về số ca sốt xuất huyết chưa?"
    assert _values(part, [PROVINCE, whole]) == [1603.0, 2450.0]


def test_a_week_count_and_the_first_two_months_are_part_of_a_year_an_age_is_not() -> None:
    from qa.answer.admissible import of_part_of_the_year

    weeks = replace(
        PROVINCE, quote="Đến tuần 8/2023, tỉnh ghi nhận 328 ca mắc sốt xuất huyết.", qualifiers=[]
    )
    months = replace(weeks, quote="Chỉ trong 2 tháng đầu năm, địa phương đã ghi nhận 2 trẻ tử vong.")
    age = replace(weeks, quote="Tỷ lệ trẻ 2 tháng tuổi được tiêm vắc xin 5 trong 1 đạt 95%.")
    assert of_part_of_the_year(weeks) and of_part_of_the_year(months) and not of_part_of_the_year(age)
    assert _values("Cả năm 2019 Tây Ninh có bao nhiêu ca sốt xuất huyết?", [weeks, months]) == []


def test_a_question_naming_a_district_and_counting_nothing_is_offered_the_district_s_own_values() -> None:
    rate = replace(
        PROVINCE, indicator="tỷ lệ tham gia BHYT", value=96.11, value_text="96,11", unit="%", qualifiers=[]
    )
    district = replace(
        rate,
        indicator="huyện Tân Biên",
        value=98.43,
        value_text="98,43",
        unit="",
        quote="các địa bàn có tỷ lệ tham gia cao nhất là: huyện Tân Biên (98,43); huyện Gò Dầu (96,91).",
        qualifiers=["tan bien"],
    )
    cands = [FigureCandidate(f, 0, 0, None) for f in (rate, district)]

    def offered(question: str) -> list[int]:
        q = Reader(KNOWN, set()).read(question)
        return of_the_named_place(q, cands, admissible(q, cands))

    assert offered("ty le tham gia BHYT cua huyen Tan Bien nam 2019?") == [1]
    assert offered("Tỷ lệ tham gia BHYT của huyện Bến Cầu năm 2019?") == []  # none of its own
    assert offered("Tỷ lệ tham gia BHYT của Tây Ninh năm 2019?") == []  # no district named
    assert offered("Huyện Tân Biên có bao nhiêu ca sốt xuất huyết?") == []  # a count: admissible's rule


def test_a_value_of_one_group_does_not_answer_a_question_about_the_whole_population() -> None:
    students = replace(
        PROVINCE,
        indicator="học sinh, sinh viên tham gia BHYT năm học 2018-2019",
        value=96.11,
        value_text="96,11",
        unit="%",
        qualifiers=[],
    )
    everyone = replace(students, indicator="tỷ lệ bao phủ BHYT", value=91.2, value_text="91,2")
    assert _values("Tỷ lệ bao phủ BHYT toàn dân của Tây Ninh năm 2019?", [students]) == []
    assert _values("Tỷ lệ bao phủ BHYT toàn dân của Tây Ninh năm 2019?", [students, everyone]) == [91.2]
    # the group asked, or no whole asked: the group's value answers
    assert _values("ty le hoc sinh tham gia BHYT toan dan Tay Ninh 2019", [students]) == [96.11]
    assert _values("Tỷ lệ tham gia BHYT của Tây Ninh năm 2019?", [students]) == [96.11]
    children = replace(students, indicator="trẻ em dưới 6 tuổi có thẻ BHYT")
    assert _values("Tỷ lệ bao phủ BHYT toàn dân trên địa bàn Tây Ninh năm 2019?", [children]) == []  # "trên"


def test_a_bound_asked_is_answered_by_a_value_stated_with_that_bound() -> None:
    incidence = replace(
        PROVINCE,
        indicator="số người mắc bệnh lao trong cộng đồng",
        value=120.0,
        value_text="120",
        unit="người/100.000 dân",
        comparator="<",
        kind="plan",
        qualifiers=[],
    )
    deaths = replace(
        incidence, indicator="số người chết do lao", value=15.0, value_text="15", comparator=None
    )
    asked = "Đến năm 2016 Tây Ninh giảm số người mắc lao xuống dưới bao nhiêu?"
    assert _values(asked, [deaths, incidence]) == [120.0]
    assert _values(asked, [deaths]) == [15.0]  # none stated with the bound: nothing is ruled out
    assert _values("Số người mắc lao năm 2016 của Tây Ninh là bao nhiêu?", [deaths, incidence]) == [
        15.0,
        120.0,
    ]


def test_a_value_of_no_known_year_does_not_answer_a_year_asked_beside_one_of_that_year() -> None:
    """ "giảm từ 0,57/1000 dân xuống còn 0,020/1000 dân năm 2022": where the trend started has no year."""
    started = replace(PROVINCE, value=0.57, value_text="0,57", unit="/1000 dân", year=None, qualifiers=[])
    reached = replace(started, value=0.02, value_text="0,020", year=2022)
    assert _values("ty le ky sinh trung sot ret Tay Ninh nam 2022", [started, reached]) == [0.02]
    assert _values("ty le ky sinh trung sot ret Tay Ninh nam 2022", [started]) == [0.57]  # nothing else
    assert _values("ty le ky sinh trung sot ret Tay Ninh", [started, reached]) == [
        0.57,
        0.02,
    ]  # no year asked


def test_a_count_asked_is_offered_the_values_that_count_its_thing() -> None:
    """ "số học sinh … là bao nhiêu người": "277.120 học sinh", not the share "96,11%" of the same sentence; not
    for a plan check, which leads with its share."""
    share = replace(PROVINCE, indicator="học sinh tham gia BHYT", value=96.11, unit="%", qualifiers=[])
    count = replace(share, value=277120.0, value_text="277.120", unit="học sinh")
    cands = [FigureCandidate(f, 0, 0, None) for f in (share, count)]

    def offered(question: str) -> list[int]:
        q = Reader(KNOWN, set()).read(question)
        return of_the_counted_thing(q, cands, admissible(q, cands))

    assert offered("Tây Ninh số học sinh tham gia BHYT năm 2019 là bao nhiêu người?") == [1]
    assert offered("Tỷ lệ học sinh tham gia BHYT của Tây Ninh năm 2019?") == []  # no count asked
    assert offered("Tây Ninh có bao nhiêu người tham gia BHYT, đạt bao nhiêu % kế hoạch?") == []


def test_where_a_trend_went_is_asked_not_where_it_started() -> None:
    """ "đã giảm còn bao nhiêu %": in "tỷ lệ sinh con thứ ba trở lên từ 30% giảm còn 12,3%" the 30 is where the
    trend started; a question that does not ask where it went keeps both."""
    quote = "tỷ lệ sinh con thứ ba trở lên từ 30% giảm còn 12,3%."
    start = replace(
        PROVINCE,
        indicator="tỷ lệ sinh con thứ ba trở lên",
        value=30.0,
        value_text="30",
        unit="%",
        quote=quote,
        qualifiers=[],
        year=1960,
    )
    end = replace(start, value=12.3, value_text="12,3", year=2016)
    cands = [FigureCandidate(start, 0, 0, None), FigureCandidate(end, 0, 0, None)]
    reader = Reader(KNOWN, set())
    assert admissible(reader.read("Tỷ lệ sinh con thứ 3 trở lên đã giảm còn bao nhiêu %?"), cands) == [1]
    assert admissible(reader.read("Tỷ lệ sinh con thứ 3 trở lên là bao nhiêu %?"), cands) == [0, 1]


def test_a_share_asked_is_not_answered_by_a_count_of_its_sentence_when_a_share_is_a_candidate() -> None:
    """ "tỷ lệ trẻ 12-17 tuổi tiêm đủ 2 mũi": "phấn đấu 100% trẻ em … được tiêm chủng đầy đủ 02 mũi" answers with
    its 100%, not its "02 mũi"; with no share among the candidates nothing is ruled out."""
    share = replace(
        PROVINCE,
        indicator="trẻ em từ 12 - 17 tuổi được tiêm chủng đầy đủ",
        value=100.0,
        value_text="100",
        unit="%",
        qualifiers=[],
    )
    doses = replace(
        share, indicator="tuổi được tiêm chủng đầy đủ mũi vắc xin", value=2.0, value_text="02", unit="mũi"
    )
    question = "Tỷ lệ trẻ 12-17 tuổi tiêm đủ 2 mũi ở Tây Ninh năm 2019?"
    assert _values(question, [doses, share]) == [100.0]
    assert _values(question, [doses]) == [2.0]


def test_the_whole_of_a_table_row_answers_unless_a_part_is_asked() -> None:
    """ "Tổng số cơ sở phòng và chữa bệnh": the row's whole, not a part under it ("…: Bệnh viện") that the
    question says nothing of; "bao nhiêu bệnh viện" names the part ("viện"), so both stay."""
    whole = replace(
        PROVINCE, indicator="Cơ sở phòng và chữa bệnh", value=152.0, value_text="152", unit="", qualifiers=[]
    )
    part = replace(whole, indicator="Cơ sở phòng và chữa bệnh: Bệnh viện", value=13.0, value_text="13")
    assert _values("Tổng số cơ sở phòng và chữa bệnh của Tây Ninh năm 2019?", [part, whole]) == [152.0]
    assert _values("Tây Ninh có bao nhiêu bệnh viện năm 2019?", [part, whole]) == [13.0, 152.0]
    assert _values("Tổng số cơ sở phòng và chữa bệnh của Tây Ninh năm 2019?", [part]) == [13.0]
