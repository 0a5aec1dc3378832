"""Reading a question, with no index and no model: provinces then and now, years, kinds, intents, spelling."""

from __future__ import annotations

import pytest

from qa.answer.understand import Reader
from qa.answer.understand.intent import detect_kind, read_years, unit_intent
from qa.answer.understand.spelling import correct_typos
from qa.answer.understand.tool_style import untool
from qa.extract.abbreviations import Abbreviations
from qa.vn.lexicon import lexicon

# The provinces of the shipped corpus, as documents name them, with the unit each belongs to since 2025-07-01.
KNOWN = {"Hậu Giang": "Cần Thơ", "Bắc Giang": "Bắc Ninh", "Kiên Giang": "An Giang", "Hà Nam": "Ninh Bình"}
VOCABULARY = {
    "giang",
    "bac",
    "si",
    "tren",
    "dan",
    "nam",
    "giuong",
    "benh",
    "lao",
    "moi",
    "ty",
    "le",
    "tiem",
    "chung",
}


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader(KNOWN, VOCABULARY, Abbreviations(by_initials={"sr": "sốt rét", "hn": "hành nghề"}))


def test_a_current_unit_covers_its_former_units(reader: Reader) -> None:
    q = reader.read("Năm 2024 tỉnh Bắc Ninh đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?")
    assert q.provinces == ["Bắc Giang"] and q.unknown_provinces == []
    assert q.province_notes == ["tỉnh Bắc Giang cũ, nay thuộc tỉnh Bắc Ninh"]
    q = reader.read("Thành phố Cần Thơ năm 2023 có bao nhiêu bác sĩ trên 10.000 dân?")
    assert q.provinces == ["Hậu Giang"] and q.named == ["Cần Thơ"]


def test_a_former_unit_still_works_and_a_unit_with_no_document_is_unknown(reader: Reader) -> None:
    q = reader.read("so giuong benh tren van dan bac giang 2024")
    assert q.provinces == ["Bắc Giang"] and q.province_notes == ["tỉnh Bắc Giang (nay thuộc tỉnh Bắc Ninh)"]
    q = reader.read("Số giường bệnh của Nghệ An năm 2023?")
    assert q.provinces == [] and q.unknown_provinces == ["Nghệ An"]
    q = reader.read("Tỉnh Bắc Ninh cũ có bao nhiêu giường bệnh?")  # the former Bắc Ninh alone: no document
    assert q.provinces == [] and q.unknown_provinces == ["Bắc Ninh"]


def test_districts_initials_and_typos_name_provinces(reader: Reader) -> None:
    assert reader.read("TTYT thành phố Vị Thanh năm 2023").provinces == ["Hậu Giang"]
    q = reader.read("HN xay dung de an HSSK dien tu giai doan nao")
    assert q.provinces == ["Hà Nam"] and "HN" not in q.expansions  # initials of a province, not "hành nghề"
    q = reader.read("tiem nhac DPT4 o Bac Giagn 6 thang dau 2023")
    assert q.provinces == ["Bắc Giang"] and q.corrections == {"Bac Giagn": "Bắc Giang"}
    # a slip that is itself a syllable ("nan"), in words capitalised like a name
    q = reader.read("Dân số tỉnh Hà Nan năm 2021")
    assert q.provinces == ["Hà Nam"] and q.corrections == {"Hà Nan": "Hà Nam"}
    # Ordinary words one edit away from a province name are not it: "và nâng" / "Đà Nẵng", "ca mắc" / "Cà Mau".
    q = reader.read("chiến lược bảo vệ, chăm sóc và nâng cao sức khỏe; số ca mắc mới sốt rét")
    assert q.provinces == [] and q.unknown_provinces == []
    # initials typed in capitals are no slip of a name: "HG năm" is not "Hà Nam"
    q = reader.read("ty le nhiem HIV cua HG nam 2016")
    assert q.corrections == {} and q.provinces == [
        "Hậu Giang"
    ]  # the one province with documents and initials HG


def test_tool_style_questions() -> None:
    assert untool("chi tieu: so bac si/10.000 dan; tinh: bac_giang; nam: 2024; loai: ke hoach") == (
        "so bac si/10.000 dan tỉnh bac giang năm 2024 kế hoạch",
        True,
    )
    assert untool("ha nam | KH 2022 | IMR (tu vong tre <1 tuoi)") == (
        "ha nam , KH 2022 , IMR (tu vong tre <1 tuoi)",
        True,
    )
    assert untool("Số bác sĩ trên 10.000 dân?") == ("Số bác sĩ trên 10.000 dân?", False)


def test_years_and_ranges() -> None:
    assert read_years("Nghị định 60/2021/NĐ-CP, giai đoạn 2021 - 2025, mục tiêu năm 2030") == (
        [2021, 2025, 2030],
        (2021, 2025),
    )
    assert read_years("tính đến 31/12/2023") == ([2023], None)


@pytest.mark.parametrize(
    "question,years",
    [
        ("tỷ lệ chuyển tuyến tăng bao nhiêu phần trăm so với cùng kỳ 2022?", [2023]),
        ("Năm 2023 số ca mắc tăng bao nhiêu so với cùng kỳ năm 2022?", [2023]),
        ("số ca năm 2016 so với năm 2020", [2016, 2020]),  # two years compared, not a change's reference
        # the year a change is measured from, named alone: no year is asked
        ("Số ca SXH tăng bao nhiêu lần so với năm 2021?", []),
        ("Năm 2023 số ca tăng hay giảm so với năm 2022?", [2023, 2022]),  # both sides of a comparison
        # the year of the source a question cites dates the document, when another year is asked
        ("Theo niên giám thống kê năm 2023, tỷ số giới tính năm 2021 là bao nhiêu?", [2021]),
        ("Tỷ lệ sinh con thứ 3 năm 2019 theo báo cáo năm 2020 là bao nhiêu?", [2019]),
        ("Theo báo cáo năm 2023, số ca mắc là bao nhiêu?", [2023]),
        # counted since a year: up to now (or to the time of the document cited), no year of its own
        ("Từ năm 2012 toàn cầu đã có bao nhiêu ca, theo đánh giá trong KH phòng chống dịch 2019?", []),
        ("tu nam 2019 den nay co bao nhieu ca", []),
        ("Từ đầu năm 2023 có bao nhiêu ca?", [2023]),
        ("Từ năm 2021 đến năm 2025 tỉnh đạt bao nhiêu?", [2021, 2025]),
        ("Tỷ lệ năm 2018 trong KH năm 2019 là bao nhiêu?", [2018]),
    ],
)
def test_a_change_s_reference_year_is_not_the_year_asked(
    reader: Reader, question: str, years: list[int]
) -> None:
    assert reader.read(question).years == years


@pytest.mark.parametrize(
    "question,kind",
    [
        ("Năm 2024 Bắc Giang đặt chỉ tiêu bao nhiêu bác sĩ?", "plan"),
        ("Năm 2023 Hậu Giang đạt bao nhiêu?", "actual"),
        ("ước thực hiện năm 2023", "estimate"),
        ("mục tiêu đến năm 2030", "target"),
        ("so bac si nam 2024", None),
        ("Tỷ lệ mắc lao thực tế năm 2015 là bao nhiêu?", "actual"),
        # what there is now is a result, not what a plan aims at ("… để đạt 9 bác sĩ … vào năm 2025")
        ("so bac si tren 1 van dan cua tinh binh thuan hien nay", "actual"),
        ("Bình Thuận hiện có bao nhiêu bác sĩ?", "actual"),
    ],
)
def test_kind_of_figure_asked(question: str, kind: str | None) -> None:
    assert detect_kind(question) == kind


@pytest.mark.parametrize(
    "question,intent",
    [
        ("nguon thu bao nhieu tien", "money"),
        ("bao nhieu bac si tren 10.000 dan", "count"),  # the first thing asked
        ("ty le tiem chung bao nhieu %", "percent"),
        ("kiem tra bao nhieu diem, dat may % kh", "count"),
        ("so giuong benh tren van dan", "rate"),
        ("kho khan la gi", None),
        ("Kinh phí hoạt động năm 2023 là bao nhiêu tiền?", "money"),
        ("bao nhieu tiền", "money"),  # accents half typed
        # Folded, "động" and "tiên" are "đồng" and "tiền": typed with accents they are other words.
        ("Số lượt hoạt động truyền thông tại cộng đồng là bao nhiêu?", "count"),  # opens with a count
        ("Tỷ lệ xã ưu tiên hoàn thành bao nhiêu %?", "percent"),
        ("bao nhiêu người lao động được khám", "count"),
        ("so BN lao phoi M(+) moi cua hau giang 2023", "count"),  # a question opening with a count
        ("Số giường bệnh trên 10.000 dân năm 2023", "rate"),  # ... unless it names a rate
        ("bac giang | so chung chi hanh nghe | 2023", "count"),
        # a unit right after "bao nhiêu" is the one asked, whatever topic words come before it
        ("ngan sach tinh ho tro bao nhieu % muc dong", "percent"),
        ("Kinh phí chi cho phòng dịch chiếm mấy phần trăm?", "percent"),
    ],
)
def test_the_number_asked_for(question: str, intent: str | None) -> None:
    assert unit_intent(question) == intent


def test_question_shapes(reader: Reader) -> None:
    assert reader.read("Tỉnh nào có số giường bệnh trên 10.000 dân cao nhất?").qtype == "ranking"
    assert reader.read("So sánh tỷ lệ suy dinh dưỡng thể thấp còi giữa các tỉnh").qtype == "ranking"
    assert reader.read("Số giường bệnh: Hậu Giang hay Bắc Giang cao hơn?").qtype == "compare"
    assert reader.read("Tỷ lệ SDD thấp còi Hà Nam 2021 vs Hậu Giang 2023").qtype == "compare"
    # A joining word elsewhere does not make two names the sides of a comparison.
    inside = "Ai chủ trì thành lập Trường Đại học Y Dược Cần Thơ tại Kiên Giang và thực hiện năm nào?"
    assert reader.read(inside).qtype == "passage"
    assert reader.read("Vì sao Bắc Giang thiếu bác sĩ?").qtype == "passage"
    assert reader.read("Quyết định nào phê duyệt chiến lược quốc gia?").qtype == "regulation"
    q = reader.read("tiem nhac DPT4 o Bac Giang 6 thang dau 2023 co dat KH khong")
    assert q.plan_check and q.half_year and q.qtype == "figure"
    # A current unit and the former province it absorbed, named together, are one place.
    one_place = "Tỉnh An Giang mới (phần Kiên Giang cũ), bệnh viện tỉnh là vệ tinh của những bệnh viện nào?"
    assert reader.read(one_place).qtype == "passage"
    # A tool-style field that names a count asks for a figure; "sở" is not "số".
    assert reader.read("bac giang | so chung chi hanh nghe cap moi | 6 thang 2023").qtype == "figure"
    assert reader.read("Bắc Giang, sở y tế phối hợp với những đơn vị nào?").qtype == "passage"
    # The plan a result is checked against is not the kind of figure asked.
    q = reader.read("Bắc Giang khám được bao nhiêu lượt, bằng mấy % KH năm?")
    assert q.plan_check and q.kind is None
    assert reader.read("Ước thực hiện năm 2023 đạt mấy % kế hoạch?").kind == "estimate"
    # A name inside another name is not a second province: no comparison.
    assert reader.read("Trường ĐH Y Dược Cần Thơ mở phân hiệu tại Kiên Giang năm nào?").qtype != "compare"


def test_typos_only_where_no_syllable_could_be() -> None:
    vocabulary = {"giang", "nghia", "nam"}
    assert correct_typos("Hậu Gaing", vocabulary) == ("Hậu giang", {"Gaing": "giang"})
    assert correct_typos("100 nghin dan", vocabulary) == (
        "100 nghin dan",
        {},
    )  # "nghìn" is a word, not "nghĩa"


def test_abbreviations_learned_or_listed_are_spelled_out(reader: Reader) -> None:
    q = reader.read("so ca SR o Kien Giang nam 2021")
    assert q.expansions == {"SR": "sốt rét"} and "SR (sốt rét)" in q.expanded
    # the parts of a document's number are its name: "UBND" there is not "ủy ban nhân dân" (its "dân" made
    # a question about TB cases match "dân số")
    q = reader.read("Mục tiêu KH 95/KH-UBND tỉnh Ninh Bình đến năm 2016?")
    assert "95/KH-UBND tỉnh" in q.expanded and "nhân dân" not in q.expanded
    # an English acronym of the indicator catalog, which no initials give: "TFR" is "tổng tỷ suất sinh"
    q = reader.read("TFR kien giang nam 2019")
    assert q.expansions == {"TFR": "tổng tỷ suất sinh"}
    # a province's shorthand is its name: the "VT" of "BR-VT" is no "vị trực" the documents' initials give
    learned = Abbreviations(by_initials={"vt": "vị trực", "sr": "sốt rét"})
    q = Reader({"Bà Rịa - Vũng Tàu": "Hồ Chí Minh"}, VOCABULARY, learned).read("ca SR o BR-VT nam 2022")
    assert q.provinces == ["Bà Rịa - Vũng Tàu"] and q.expansions == {"SR": "sốt rét"}


def test_follow_up_takes_the_indicator_of_the_previous_question(reader: Reader) -> None:
    q = reader.read("Còn Hà Nam năm 2021 thì sao?", ["Số bác sĩ trên 10.000 dân của Bắc Giang năm 2024?"])
    assert q.follow_up and q.text == "Số bác sĩ trên 10.000 dân của Hà Nam năm 2021?"
    assert q.provinces == ["Hà Nam"] and q.years == [2021]


def test_a_plan_document_named_is_not_the_plan_kind() -> None:
    from qa.answer.understand.intent import plan_documents_named

    titles = [
        frozenset(
            ["ke", "hoach", "hoat", "dong", "phong", "chong", "hiv", "aids", "tinh", "lao", "cai", "nam"]
        )
    ]
    reader = Reader(KNOWN, VOCABULARY, Abbreviations(by_initials={}), titles)
    q = reader.read("Dân số tỉnh Lào Cai theo KH phòng chống HIV/AIDS năm 2020 là bao nhiêu?")
    assert q.kind is None and q.document_phrases == [("phong", "chong", "hiv", "aids")]
    assert reader.read("Dân số tỉnh Lào Cai theo KH 131/KH-UBND là bao nhiêu?").kind is None
    # the plan of a figure stays one; so does another plan cue next to a document named
    assert reader.read("Kế hoạch năm 2024 số bác sĩ của Hà Nam là bao nhiêu?").kind == "plan"
    assert reader.read("Chỉ tiêu KH phòng chống HIV/AIDS năm 2020 là bao nhiêu?").kind == "plan"
    assert plan_documents_named("KH Lào Cai năm 2020", titles, frozenset({"lao", "cai"})) == []


def test_document_words_are_no_key_terms_of_a_figure_question() -> None:
    from qa.answer.evidence import Evidence

    titles = [frozenset(["ke", "hoach", "phong", "chong", "benh", "lao", "giai", "doan"])]
    reader = Reader(KNOWN, VOCABULARY, Abbreviations(by_initials={}), titles)
    q = reader.read("Kế hoạch phòng chống bệnh lao: số bệnh nhân lao phổi mới năm 2023 là bao nhiêu?")
    assert q.qtype == "figure" and q.document_phrases == [("phong", "chong", "benh", "lao")]
    terms = Evidence({}).key_terms(q)
    assert {"bệnh", "lao", "phổi"} <= set(terms) and "phòng" not in terms  # the same words asked stay


def test_the_sides_of_a_comparison() -> None:
    from qa.answer.pipeline import comparison_sides

    two_units = Reader({"Ninh Bình": "Ninh Bình", "Hà Nam": "Ninh Bình", "Bắc Giang": "Bắc Ninh"}, VOCABULARY)
    # one current unit holding two former provinces' documents: compared with itself across years
    q = two_units.read("Ninh Bình mục tiêu tỷ lệ mắc lao năm 2016 so với năm 2020")
    assert sorted(q.provinces) == ["Hà Nam", "Ninh Bình"] and q.named == ["Ninh Bình"]
    assert comparison_sides(q, set(q.provinces)) == [
        (["Hà Nam", "Ninh Bình"], 2016),
        (["Hà Nam", "Ninh Bình"], 2020),
    ]
    # two places named: one side each
    q = two_units.read("Số giường bệnh Hà Nam và Bắc Giang năm 2023")
    assert comparison_sides(q, set(q.provinces)) == [(["Hà Nam"], 2023), (["Bắc Giang"], 2023)]


@pytest.mark.parametrize(
    "question,asks",
    [
        ("NQ cua HDND tinh Ca Mau ve ho tro dong BHYT co so hieu la gi", True),
        ("Kế hoạch phòng chống dịch năm 2024 là số mấy?", True),
        ("Sở Y tế ban hành bao nhiêu văn bản chỉ đạo?", False),  # a count of documents, not a số hiệu
    ],
)
def test_a_question_for_a_document_number(question: str, asks: bool) -> None:
    assert bool(lexicon().question_cues.find("document_number", question)) is asks


@pytest.mark.parametrize(
    "question,bound",
    [
        ("Đến năm 2016 giảm số người mắc lao xuống dưới bao nhiêu?", {"<", "≤"}),
        ("tỷ lệ tiêm chủng đầy đủ phải đạt ít nhất bao nhiêu %", {">", "≥"}),
        ("ty le ho ngheo khong qua bao nhieu", {"<", "≤"}),
        ("Tỷ lệ năm 2023 cao hơn năm 2022 bao nhiêu?", set()),  # a difference
        ("cao hơn bao nhiêu %", set()),
        ("bao nhiêu bác sĩ trên 10.000 dân", set()),  # "trên" after the count: per
    ],
)
def test_the_bound_a_question_asks(reader: Reader, question: str, bound: set[str]) -> None:
    assert reader.read(question).bound == bound


def test_each_side_of_a_comparison_over_time_asks_a_level() -> None:
    """ "… năm 2016 so với năm 2014 tăng bao nhiêu điểm %": each side is the rate of its year; no change of one side
    ("năm 2016 tăng thêm 11 xã") answers it. A comparison naming its plan's số hiệu compares figures of the plan,
    it does not ask which documents cite it."""
    from qa.answer.pipeline import _asks_who_cites, _narrowed, comparison_sides
    from qa.answer.understand.intent import asks_change

    reader = Reader({"Hà Giang": "Tuyên Quang"}, set())
    q = reader.read(
        "Tỷ lệ phát hiện HIV mới ở nữ tại Hà Giang năm 2016 so với năm 2014 tăng bao nhiêu điểm %?"
    )
    assert q.qtype == "compare" and asks_change(q)
    sides = [_narrowed(q, provinces, year) for provinces, year in comparison_sides(q, {"Hà Giang"})]
    assert sorted(s.years[0] for s in sides) == [2014, 2016] and not any(asks_change(s) for s in sides)
    assert not _asks_who_cites(
        reader.read("Theo KH 02/KH-UBND, tỷ lệ mắc năm 2022 thấp hơn năm 2011 bao nhiêu lần?")
    )
    assert _asks_who_cites(
        reader.read("Nghị định 60/2021/NĐ-CP được viện dẫn trong kế hoạch của những tỉnh nào?")
    )
