"""Province filters then and now, and whether a value's unit is its indicator's (fast tier: gazetteer, lexicon and
catalog only)."""

from __future__ import annotations

import pytest

from qa.extract.indicators import load_catalog
from qa.models import Figure
from qa.retrieval.lookup import (
    FORMER_MARK,
    find_figures,
    former_filter,
    indicator_values,
    province_scope,
    unit_fits,
)
from qa.vn.lexicon import lexicon


def test_the_former_mark_is_a_lexicon_cue() -> None:
    assert FORMER_MARK in lexicon().question_cues.phrases["former_unit"]


@pytest.mark.parametrize(
    ("name", "covers"),
    [
        ("Bắc Ninh", {"bac ninh", "bac giang"}),  # the current unit: itself and what it absorbed
        ("bac ninh", {"bac ninh", "bac giang"}),
        ("Cần Thơ", {"can tho", "soc trang", "hau giang"}),
        ("Bắc Ninh cũ", {"bac ninh"}),  # the former unit alone
        ("bac ninh cu", {"bac ninh"}),
        ("Bắc Giang", {"bac giang"}),  # merged away: only ever the former unit
        ("Hậu Giang", {"hau giang"}),
        ("Tỉnh Không Có", {"tinh khong co"}),  # unknown: itself, as before
    ],
)
def test_province_scope(name: str, covers: set[str]) -> None:
    assert province_scope(name) == covers


def test_former_filter_marks_only_names_a_current_unit_carries() -> None:
    assert former_filter("Bắc Giang") == "Bắc Giang"
    assert former_filter("Cần Thơ") == "Cần Thơ cũ"
    assert province_scope(former_filter("Cần Thơ")) == {"can tho"}


def _figure(province: str, value: float, qualifiers: list[str] | None = None) -> Figure:
    return Figure(
        indicator="Số giường bệnh/10.000 dân",
        value=value,
        value_text=str(value).replace(".", ","),
        unit="giường/10.000 dân",
        year=2023,
        kind="actual",
        comparator=None,
        doc_id=f"doc-{province}",
        source=f"{province}.txt",
        section="",
        line=1,
        quote="",
        province=province,
        indicator_id="hospital_beds_per_10k",
        qualifiers=qualifiers or [],
    )


def test_a_current_unit_finds_its_former_provinces_values() -> None:
    figures = [_figure("Bắc Giang", 33.8), _figure("Hậu Giang", 35.8), _figure("Bắc Ninh", 30.0)]
    assert {f.province for f in indicator_values(figures, "Bắc Ninh")} == {"Bắc Giang", "Bắc Ninh"}
    assert {f.province for f in indicator_values(figures, "bac ninh cu")} == {"Bắc Ninh"}
    assert {f.province for f in find_figures(figures, None, "Cần Thơ")} == {"Hậu Giang"}
    assert indicator_values([_figure("Hậu Giang", 1.0, ["tuyen tinh"])], "Cần Thơ") == []


@pytest.mark.parametrize(
    ("indicator", "unit", "fits"),
    [
        ("hospital_beds_per_10k", "giường bệnh/10.000 dân", True),  # another wording, the same per 10.000
        ("hospital_beds_per_10k", "giường/100.000 dân", False),
        ("hospital_beds_per_10k", "%", False),
        ("doctors_per_10k", "bác sỹ/10.000 dân", True),
        ("infant_mortality_rate", "‰", True),
        ("infant_mortality_rate", "/1.000 trẻ đẻ sống", True),
        ("maternal_mortality_ratio", "BM/100.000 trẻ đẻ sống", True),
        ("full_immunization_under1", "%", True),
        ("full_immunization_under1", "trẻ em", False),
        ("life_expectancy", "năm", True),
        ("health_service_revenue", "triệu đồng", True),
        ("health_service_revenue", "tỷ đồng", False),  # money in another scale is never drawn beside it
        ("hiv_new_cases", "ca", True),
        ("methadone_patients", "cơ sở", False),
    ],
)
def test_unit_fits(indicator: str, unit: str, fits: bool) -> None:
    assert unit_fits(load_catalog().indicators[indicator], unit) is fits
