"""The answer engine on the real corpus: each question type, abstention, follow-ups, the contract."""

from __future__ import annotations

import pytest

from qa.retrieval.engine import Filters
from qa.vn.numbers import parse_vn_number

pytestmark = pytest.mark.slow

CONTRACT = {"answer", "abstained", "confidence", "citations", "figures", "timings_ms"}


def ask(answerer, question, *args, **kwargs) -> dict:
    """The answer as the API serves it (the JSON of the typed Answer)."""
    return answerer.ask(question, *args, **kwargs).model_dump()


def test_figure_plan_with_neighbour_column(answerer):
    r = ask(answerer, "Năm 2024 Bắc Giang đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?")
    assert set(r) >= CONTRACT and not r["abstained"]
    top = r["figures"][0]
    assert (top["value"], top["year"], top["kind"]) == (12.5, 2024, "plan")
    assert "12,5" in r["answer"] and "12,2" in r["answer"]
    assert r["citations"][0]["source"] == "001_a66ba2e25b7bb22e.txt"
    assert {"source", "text", "section", "start_line", "end_line", "quote"} <= set(r["citations"][0])


def test_plan_versus_actual(answerer):
    plan = ask(answerer, "Kế hoạch năm 2023 tỷ lệ xã có bác sỹ định biên của Hậu Giang là bao nhiêu?")
    actual = ask(answerer, "Tỷ lệ xã có bác sỹ định biên của Hậu Giang năm 2023 thực hiện đạt bao nhiêu?")
    assert plan["figures"][0]["value"] == 70.66 and plan["figures"][0]["kind"] == "plan"
    assert actual["figures"][0]["value"] == 72 and actual["figures"][0]["kind"] == "actual"


@pytest.mark.parametrize(
    ("question", "first", "verdict"),
    [
        # no quantity asked: the percentage of the plan answers "có vượt …", the count is shown beside it
        (
            "Điều trị Methadone ở Bắc Giang 6 tháng đầu 2023 có vượt kế hoạch năm không?",
            "103",
            "Vượt kế hoạch",
        ),
        # a count asked first leads; the verdict follows from the row's percentage of the plan
        ("Hà Nam 2021 khám bệnh tuyến tỉnh bao nhiêu lần, đạt mấy % KH?", "216.094", "Chưa đạt kế hoạch"),
    ],
)
def test_a_plan_check_is_answered_by_the_rows_share_of_the_plan(answerer, question, first, verdict):
    r = ask(answerer, question)
    assert not r["abstained"] and r["figures"][0]["value_text"] == first
    assert verdict in r["answer"]


def test_a_change_question_is_answered_by_the_change(answerer):
    r = ask(
        answerer, "Tổng số lượt khám bệnh ở cơ sở công lập Bắc Giang 6 tháng đầu năm 2023 tăng bao nhiêu %?"
    )
    assert not r["abstained"] and r["figures"][0]["value_text"] == "14,9"
    assert "1.253.058" in r["answer"]  # the value it changes, beside it


def test_accentless_and_typo_questions(answerer):
    r = ask(answerer, "so ca nhiem HIV moi phat hien nam 2023 o hau giang")
    assert r["figures"] and r["figures"][0]["value"] == 92
    r = ask(answerer, "Khám sức khỏe tiền hôn nhân ở Hậu Gaing năm 2023 đạt tỷ lệ bao nhiêu?")
    assert not r["abstained"] and r["figures"][0]["value"] == parse_vn_number("72,92")


def test_province_implied_by_district(answerer):
    q = "Vì sao TTYT thành phố Vị Thanh không đạt mức độ tự chủ được giao năm 2023?"
    assert answerer.reader.read(q).provinces == ["Hậu Giang"]
    r = ask(answerer, q)
    assert r["citations"] and {c["province"] for c in r["citations"]} == {"Hậu Giang"}


def test_a_district_named_with_its_unit_word_is_not_answered_by_the_province_s_value(answerer):
    """ "huyện Lục Ngạn" is the district itself: Bắc Giang's own number is offered as the nearest, not given as the
    district's."""
    r = ask(answerer, "Năm 2024 huyện Lục Ngạn đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?")
    assert r["abstained"] and "riêng của Lục Ngạn" in r["answer"]
    assert [f["value_text"] for f in r["nearest"]] == ["12,5"]
    r = ask(answerer, "Năm 2024 Bắc Giang đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?")
    assert not r["abstained"] and r["figures"][0]["value_text"] == "12,5"


def test_a_number_asked_with_a_why_is_given_as_a_figure(answerer):
    """ "… là bao nhiêu, vì sao?": the number is asked too, so a sure figure answers (with its passage cited)."""
    r = ask(answerer, "Số bác sĩ trên 10.000 dân của Bắc Giang năm 2024 là bao nhiêu, vì sao?")
    assert not r["abstained"] and r["figures"][0]["value_text"] == "12,5"


def test_passage_answer_quotes_the_evidence(answerer):
    r = ask(answerer, "Lỗi vi phạm an toàn thực phẩm chủ yếu của các cơ sở ở Bắc Giang là gì?")
    assert not r["abstained"] and "[1]" in r["answer"]
    assert "chưa chấp hành đúng quy định về điều kiện vệ sinh cơ sở" in r["citations"][0]["text"]


def test_regulation_by_subject_and_by_number(answerer):
    r = ask(
        answerer,
        "Chiến lược quốc gia bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân đến 2030 được phê duyệt tại quyết định nào?",
    )
    assert "89/QĐ-TTg" in r["answer"]
    r = ask(answerer, "QĐ 591/QĐ-UBND ngày 22/4/2023 của Chủ tịch UBND tỉnh Bắc Giang phê duyệt nội dung gì?")
    assert "cải tạo, sửa chữa cơ sở vật chất" in r["answer"]


def test_the_number_of_a_document_named_by_its_kind_and_subject(answerer):
    # the Công văn whose subject names CTHĐ 33-CTr/TU, not the CTHĐ itself
    r = ask(
        answerer,
        "Công văn góp ý dự thảo báo cáo sơ kết CTHĐ 33-CTr/TU của Sở Y tế Kiên Giang có số hiệu là gì?",
    )
    assert not r["abstained"] and r["regulations"][0]["number"] == "2345/SYT-KHTC"


def test_cited_by_several_provinces(answerer):
    r = ask(answerer, "Nghị định 60/2021/NĐ-CP được viện dẫn trong kế hoạch của những tỉnh nào?")
    assert "Bắc Giang" in r["answer"] and "Kiên Giang" in r["answer"]
    assert {c["source"] for c in r["citations"]} >= {"001_a66ba2e25b7bb22e.txt", "003_1d2db8ccb91c3f66.txt"}


def test_comparison_gives_both_sides(answerer):
    r = ask(answerer, "Số giường bệnh trên 10.000 dân năm 2023: Hậu Giang hay Bắc Giang cao hơn?")
    assert not r["abstained"] and len(r["figures"]) >= 2
    assert "Hậu Giang" in r["answer"] and "Bắc Giang" in r["answer"] and "cao hơn" in r["answer"]
    assert {c["province"] for c in r["citations"][:2]} == {"Hậu Giang", "Bắc Giang"}


def test_one_sure_side_vouches_for_the_same_quantity_on_the_other(answerer):
    # Bắc Giang's methadone count alone is not sure enough to answer; beside Hậu Giang's value of the same catalog
    # indicator it is (dev d067 is this question, unaccented).
    r = ask(answerer, "Số người điều trị methadone ở Hậu Giang và Bắc Giang, tỉnh nào nhiều hơn?")
    assert not r["abstained"]
    assert sorted(f["value"] for f in r["figures"][:2]) == [63, 1302]


def test_two_indicators_of_one_place_are_compared_side_by_side(answerer):
    """Each side is answered by a value of its own indicator (two units: said, not subtracted)."""
    r = ask(
        answerer,
        "Năm 2024 Bắc Giang số bác sĩ trên 10.000 dân và số giường bệnh trên 10.000 dân chênh nhau bao nhiêu?",
    )
    assert not r["abstained"] and [f["value"] for f in r["figures"][:2]] == [12.5, 33.8]
    assert r["answer"].startswith("Số bác sỹ/10.000 dân: 12,5") and "không so sánh trực tiếp" in r["answer"]


def test_follow_up_reuses_indicator(answerer):
    history = [
        {
            "role": "user",
            "content": "Năm 2024 Bắc Giang đặt chỉ tiêu bao nhiêu dược sỹ đại học trên 10.000 dân?",
        },
        {"role": "assistant", "content": "2,5"},
    ]
    r = ask(answerer, "Còn năm 2023 thì sao?", history=history)
    assert r["figures"][0]["value"] == 2.2 and r["figures"][0]["year"] == 2023


@pytest.mark.parametrize(
    "question",
    [
        "Số giường bệnh trên 10.000 dân của tỉnh Bình Dương năm 2023?",  # province not in the corpus
        "Tỷ lệ xã có bác sỹ định biên của Hà Nam năm 2025 là bao nhiêu?",  # year not covered
        "Bắc Giang ghi nhận bao nhiêu ca bệnh dại trong 6 tháng đầu năm 2023?",  # never mentioned
        # the disease is mentioned, its number of cases is not: a sentence without a number is no count
        "Bệnh đậu mùa khỉ đã có ca mắc tại Hậu Giang chưa, số ca là bao nhiêu?",
    ],
)
def test_abstains_when_documents_do_not_say(answerer, question):
    r = ask(answerer, question)
    assert r["abstained"] and r["answer"].startswith("Không tìm thấy")
    assert r["confidence"] == 0.0 and r["figures"] == []


def test_filters_restrict_answers(answerer):
    r = ask(answerer, "Số giường bệnh trên 10.000 dân", filters=Filters(province="Hà Nam"))
    assert all(c["province"] == "Hà Nam" for c in r["citations"])


def test_dev_set_targets(answerer):
    from pathlib import Path

    from qa.evaluation import evaluate, load_questions

    items = load_questions(Path(__file__).resolve().parents[2] / "eval" / "dev.jsonl")
    overall = evaluate(items, lambda it: ask(answerer, it["question"]))["summary"]["overall"]
    # Where the answer step stands, as a floor against regressions one question below the measured values
    # (figure@1 0.833 of 36, abstention 0.846 of 13, false abstention 0.115 of 87; bench/RESULTS.md): nothing
    # is fitted to these questions, they only show errors. Issue 11's bars (figure@1 >= 0.85, false
    # abstention <= 0.05) are not met yet.
    assert overall["hit@5"] >= 0.95
    assert overall["figure@1"] >= 0.77
    assert overall["abstention"] >= 0.76 and overall["false_abstention"] <= 0.13


@pytest.mark.parametrize(
    "question,value,year,kind",
    [
        ("Tuổi thọ trung bình Hậu Giang năm 2023?", 75, 2023, "actual"),  # names an indicator, no "bao nhiêu"
        ("Dân số trung bình Bắc Giang năm 2024 theo kế hoạch?", 1_950_000, 2024, "plan"),
        ("Số giường bệnh trên 10.000 dân ở Phủ Lý năm 2022?", 24, 2022, "plan"),  # Phủ Lý implies Hà Nam
        ("Tỷ lệ người dân hài lòng với dịch vụ y tế Kiên Giang mục tiêu 2030?", 90, 2030, "target"),
    ],
)
def test_figures_beyond_the_dev_set(answerer, question, value, year, kind):
    r = ask(answerer, question)
    assert not r["abstained"]
    top = r["figures"][0]
    assert (top["value"], top["year"], top["kind"]) == (value, year, kind)


def test_comparison_of_two_provinces_in_two_years(answerer):
    r = ask(answerer, "Số bác sĩ trên 10.000 dân: Bắc Giang năm 2024 so với Hà Nam năm 2022?")
    assert [(f["province"], f["value"], f["year"]) for f in r["figures"][:2]] == [
        ("Bắc Giang", 12.5, 2024),
        ("Hà Nam", 8.3, 2022),
    ]
    assert "Bắc Giang (2024) cao hơn Hà Nam (2022)" in r["answer"]


def test_current_unit_covers_former_province_with_the_merger_note(answerer):
    r = ask(answerer, "Năm 2024 tỉnh Bắc Ninh đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?")
    assert not r["abstained"] and r["figures"][0]["value"] == 12.5
    assert "tỉnh Bắc Giang cũ, nay thuộc tỉnh Bắc Ninh" in r["answer"]
    r = ask(answerer, "Thành phố Cần Thơ năm 2023 có bao nhiêu bác sĩ trên 10.000 dân?")
    assert not r["abstained"] and r["figures"][0]["province"] == "Hậu Giang"
    assert "tỉnh Hậu Giang cũ, nay thuộc thành phố Cần Thơ" in r["answer"]
    r = ask(
        answerer, "Năm 2024 Bắc Giang đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?"
    )  # the former name works
    assert not r["abstained"] and r["figures"][0]["value"] == 12.5
    r = ask(
        answerer, "Số giường bệnh trên 10.000 dân của tỉnh Lạng Sơn năm 2023?"
    )  # no document, then or now
    assert r["abstained"] and "Lạng Sơn" in r["answer"]


def test_refusal_offers_the_nearest_data_labelled_as_such(answerer):
    r = ask(answerer, "Tỷ lệ xã có bác sỹ định biên của Hậu Giang năm 2026 là bao nhiêu?")
    assert r["abstained"] and r["nearest"]
    assert {f["year"] for f in r["nearest"]} & {2023, 2024}
    assert "không phải số liệu được hỏi" in r["answer"]


def test_ranking_across_provinces_cites_every_value(answerer):
    r = ask(answerer, "Tỉnh nào có số giường bệnh trên 10.000 dân cao nhất?")
    assert not r["abstained"] and len(r["figures"]) >= 3
    assert {f["indicator_id"] for f in r["figures"]} == {"hospital_beds_per_10k"}
    values = [f["value"] for f in r["figures"]]
    assert values == sorted(values, reverse=True) and "Cao nhất" in r["answer"]
    assert all(f["citation"] for f in r["figures"]) and all(
        f["kind_label"] and f["year"] for f in r["figures"]
    )
    r = ask(answerer, "So sánh tỷ lệ suy dinh dưỡng thể thấp còi giữa các tỉnh")
    assert not r["abstained"] and {f["indicator_id"] for f in r["figures"]} == {"stunting_u5"}
    assert len({f["province"] for f in r["figures"]}) >= 2


def test_an_indicator_no_document_reports_is_refused(answerer):
    r = ask(answerer, "Tỉnh nào có tỷ lệ hộ gia đình có nhà tiêu hợp vệ sinh cao nhất?")
    assert r["abstained"] and r["figures"] == []


def test_plan_check_says_whether_the_plan_was_met(answerer):
    r = ask(
        answerer, "Tỷ lệ xã có bác sỹ định biên của Hậu Giang năm 2023 đạt bao nhiêu, có đạt kế hoạch không?"
    )
    assert not r["abstained"] and r["figures"][0]["value"] == 72 and r["figures"][0]["kind"] == "actual"
    assert "đạt kế hoạch" in r["answer"]


def test_understood_question_is_returned(answerer):
    r = ask(answerer, "so bac si tren van dan BG nam 2024")
    u = r["understood"]
    assert u["provinces"] == ["Bắc Giang"] and u["years"] == [2024] and u["type"] == "figure"
    assert u["indicator"] == "Số bác sĩ trên 10.000 dân"
    assert any(c["used"] for c in r["citations"]) and not all(c["used"] for c in r["citations"])


def test_several_quantities_asked_at_once_are_each_answered(answerer):
    r = ask(
        answerer, "6 tháng đầu năm 2023 Sở Y tế Bắc Giang tiếp bao nhiêu lượt công dân, bao nhiêu vụ việc?"
    )
    assert not r["abstained"]
    assert [(f["value_text"], f["year"]) for f in r["figures"]] == [("09", 2023), ("06", 2023)]
    # both sentences cite the passage (001, line 111) they come from
    assert (
        r["answer"].count("[1]") == 2
        and r["citations"][0]["start_line"] <= 111 <= r["citations"][0]["end_line"]
    )


def test_a_comparison_with_one_side_missing_answers_the_number_asked(answerer):
    r = ask(
        answerer, "Năm 2024 Bắc Giang đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân, so với năm 2015 thế nào?"
    )
    assert not r["abstained"]
    assert (r["figures"][0]["value"], r["figures"][0]["year"], r["figures"][0]["kind"]) == (
        12.5,
        2024,
        "plan",
    )
    assert "Không tìm thấy số liệu năm 2015 của Bắc Giang để so sánh." in r["answer"]
