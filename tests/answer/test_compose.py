"""Composing answers from figures: what can be set side by side (no model, no index)."""

from __future__ import annotations

from dataclasses import replace

from qa.answer.compose import compare_sentence, figure_sentence, meets, same_quantity, scope_text
from qa.models import Figure


def figure(
    value: float, unit: str, province: str, kind: str = "actual", indicator_id: str | None = None
) -> Figure:
    return Figure(
        indicator="Số bác sĩ trên 10.000 dân",
        value=value,
        value_text=str(value).replace(".", ","),
        unit=unit,
        year=2023,
        kind=kind,  # type: ignore[arg-type]
        comparator=None,
        doc_id="d",
        source="d.txt",
        section="",
        line=1,
        quote="",
        province=province,
        chunk_id=1,
        indicator_id=indicator_id,
    )


def test_units_spelt_two_ways_are_one_quantity() -> None:
    a, b = figure(9.3, "bác sĩ/10.000 dân", "Hậu Giang"), figure(12.2, "bác sỹ/10.000 dân", "Bắc Giang")
    assert same_quantity(a, b)
    assert "Bắc Giang (2023) cao hơn Hậu Giang (2023) 2,9 bác sỹ/10.000 dân." in compare_sentence(a, b)


def test_a_difference_of_shares_is_in_points_and_a_large_ratio_is_said() -> None:
    before, after = figure(42.7, "%", "Hà Giang"), figure(48.3, "%", "Hà Giang")
    assert compare_sentence(after, before).endswith("cao hơn Hà Giang (2023) 5,6 điểm phần trăm.")
    then, now = figure(1.21, "/1000 dân", "Quảng Bình"), figure(0.006, "/1000 dân", "Quảng Bình")
    assert compare_sentence(now, then).endswith("1,2 /1000 dân, gấp 201,7 lần.")


def test_one_indicator_in_two_unit_words_is_one_quantity() -> None:
    years = figure(75, "tuổi", "Hậu Giang", indicator_id="life_expectancy")
    also = figure(74.5, "năm", "Kiên Giang", indicator_id="life_expectancy")
    assert same_quantity(years, also) and "cao hơn" in compare_sentence(years, also)


def test_different_quantities_are_not_compared() -> None:
    money, places = figure(43.45, "triệu đồng", "Hậu Giang"), figure(43, "cơ sở", "Bắc Giang")
    assert not same_quantity(money, places)
    # per 100.000 people, one naming what it counts, is one quantity; per another population is not
    rate, bare = figure(120, "người/100.000 dân", "Ninh Bình"), figure(100, "/100.000 dân", "Ninh Bình")
    assert same_quantity(rate, bare) and not same_quantity(
        rate, figure(9, "ca/1.000 trẻ đẻ sống", "Ninh Bình")
    )
    assert not same_quantity(rate, figure(9, "bác sĩ/100.000 dân", "Ninh Bình"))
    assert "không so sánh trực tiếp" in compare_sentence(money, places)
    assert meets(money, figure(40, "cơ sở", "Hậu Giang", kind="plan")) is None


def test_qualifiers_are_written_as_a_person_writes_them() -> None:
    f = figure(326601, "lượt", "Hậu Giang")
    f.quote = "Huyện Long Mỹ: khám 326.601 lượt, tính đến 30/6/2023."
    f.section = "I. KẾT QUẢ 6 THÁNG ĐẦU NĂM 2023"
    f.qualifiers = ["6 thang dau nam", "long my", "tinh den 30/6/2023", "ca nuoc"]
    assert scope_text(f) == (
        "thực hiện năm 2023 (6 tháng đầu năm, Long Mỹ, tính đến 30/6/2023, cả nước) của Hậu Giang"
    )
    f.quote, f.qualifiers = "phấn đấu 100% trẻ em từ 12 - 17 tuổi được tiêm chủng đầy đủ", ["tu 12-17 tuoi"]
    assert (
        scope_text(f) == "thực hiện năm 2023 (từ 12 - 17 tuổi) của Hậu Giang"
    )  # a range written with spaces


def test_the_other_values_of_a_row_say_what_they_are() -> None:
    visits = replace(
        figure(118635, "lượt", "Hậu Giang"), indicator="Tổng số BN điều trị nội trú", value_text="118.635"
    )
    provincial = replace(visits, indicator="Tổng số BN điều trị nội trú (tuyến tỉnh)", value_text="42.926")
    share = replace(visits, indicator="Tuyến tỉnh (% KH)", value_text="54,3", unit="%")
    plan = replace(visits, kind="plan", value_text="120.000")
    text = figure_sentence(visits, [visits, provincial, share], 1)
    # a part of the same sentence by what its label adds; another quantity by its own label; "%" after the number
    assert "(tuyến tỉnh: 42.926 lượt; Tuyến tỉnh (% KH): 54,3%) [1]." in text
    # a table's other column by its kind and year
    assert "(kế hoạch 2023: 120.000 lượt) [1]." in figure_sentence(visits, [visits, plan], 1)


def _in_sentence(value_text: str, quote: str, **kw: object) -> Figure:
    return replace(figure(0, "%", "Quảng Ninh"), value_text=value_text, quote=quote, **kw)  # type: ignore[arg-type]


def test_the_verdict_of_a_share_of_the_plan() -> None:
    from qa.answer.compose import share_of_plan_sentence

    over = replace(figure(103.52, "%", "Hậu Giang"), value_text="103,52")
    assert share_of_plan_sentence(over, 1) == "Vượt kế hoạch (103,52% kế hoạch) [1]."
    assert share_of_plan_sentence(replace(over, value=100.0, value_text="100"), 2).startswith("Đạt kế hoạch")
    assert share_of_plan_sentence(replace(over, value=57.0, value_text="57"), 1).startswith(
        "Chưa đạt kế hoạch"
    )


def test_a_difference_from_the_plan_is_no_share_of_it() -> None:
    from qa.answer.pipeline import share_of_plan_in_row
    from qa.extract.indicators import load_catalog

    catalog = load_catalog()
    quote = "tỷ lệ tham gia BHYT đạt 93%, vượt 3% so với chỉ tiêu"
    rate = _in_sentence("93", quote, value=93.0)
    difference = _in_sentence("3", quote, value=3.0)
    assert share_of_plan_in_row(rate, [rate, difference], catalog) is None
    quote = "51.511/49.759 người áp dụng các BPTT hiện đại, đạt 103,52% KH năm, giảm 8,03% so với cùng kỳ"
    share = _in_sentence("103,52", quote, value=103.52)
    change = _in_sentence("8,03", quote, value=8.03, qualifiers=["so voi cung ky"])
    assert share_of_plan_in_row(change, [share, change], catalog) is share


def test_a_qualified_sibling_says_what_narrows_it() -> None:
    province = replace(figure(1.41, "%", "Vĩnh Phúc"), value_text="1,41", indicator="Tỷ lệ tăng dân số")
    national = replace(province, value=1.14, value_text="1,14", qualifiers=["ca nuoc"])
    assert "(cả nước): 1,14%" in figure_sentence(province, [province, national], 1)
    part = replace(national, indicator="Tỷ lệ tăng dân số (nội trú)", qualifiers=["ca nuoc"])
    assert "nội trú (cả nước): 1,14%" in figure_sentence(province, [province, part], 1)
