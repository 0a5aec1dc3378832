"""The 2025 merger: 34 current units, 63 former ones, each former unit in exactly one current unit."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources

from qa.vn.gazetteer import load_gazetteer


def test_partition_of_the_63_former_units_into_34() -> None:
    gaz = load_gazetteer()
    assert len(gaz.current) == 34 and len(gaz.former) == 63
    owners = Counter(f for unit in gaz.current.values() for f in unit.former)
    assert set(owners) == set(gaz.former) and set(owners.values()) == {1}
    assert gaz.effective.isoformat() == "2025-07-01"


def test_the_source_is_named() -> None:
    data = json.loads(resources.files("qa").joinpath("data/gazetteer.json").read_text(encoding="utf-8"))
    assert "202/2025/QH15" in data["_source"]


def test_the_four_corpus_provinces_then_and_now() -> None:
    gaz = load_gazetteer()
    assert {p: gaz.current_of(p) for p in ["Hậu Giang", "Bắc Giang", "Kiên Giang", "Hà Nam"]} == {
        "Hậu Giang": "Cần Thơ",
        "Bắc Giang": "Bắc Ninh",
        "Kiên Giang": "An Giang",
        "Hà Nam": "Ninh Bình",
    }
    assert gaz.former_of("Ninh Bình") == ("Ninh Bình", "Hà Nam", "Nam Định")
    assert gaz.former_of("Hậu Giang") == ()
    assert gaz.merged_away("Bắc Giang") and not gaz.merged_away("Bắc Ninh")
    assert gaz.full_name("Cần Thơ") == "thành phố Cần Thơ" and gaz.full_name("Bắc Giang") == "tỉnh Bắc Giang"


def test_mentions_aliases_and_districts() -> None:
    gaz = load_gazetteer()
    assert gaz.province_mentions("TP.HCM và tinh Thanh Hoa, Bac Ninh") == Counter(
        {"Hồ Chí Minh": 1, "Thanh Hóa": 1, "Bắc Ninh": 1}
    )
    assert gaz.implied_provinces("huyện Lục Ngạn và thành phố Vị Thanh") == Counter(
        {"Bắc Giang": 1, "Hậu Giang": 1}
    )
    assert gaz.implied_provinces("huyện Châu Thành") == Counter()  # a district name several provinces share
    assert gaz.canonical("thanh hoa") == "Thanh Hóa" and gaz.canonical("Atlantis") is None


def test_a_place_written_with_accents_must_carry_its_own() -> None:
    """Folding makes "bình quân 1" read "Quận 1", "văn bản" "Văn Bàn" and "tương đương" "Tường Dương":
    a name written with accents is only that place when the accents are the place's."""
    gaz = load_gazetteer()
    for everyday in ("Thu nhập bình quân 1 người", "thẩm định văn bản", "tương đương 12%"):
        assert gaz.implied_places(everyday) == Counter(), everyday
    assert list(gaz.implied_places("TTYT huyện Yên Dũng")) == ["yen dung"]
    assert list(gaz.implied_places("ttyt yen dung")) == ["yen dung"]  # typed without accents
    assert list(gaz.implied_places("TTYT Yen Dũng")) == ["yen dung"]  # an accent left out is not another word


def test_a_province_written_with_accents_must_carry_its_own() -> None:
    """ "diễn biến phức tạp" (how an epidemic evolves, in nearly every report of one) folds to "dien bien": it named
    Điện Biên the province of a Long An report. Written with accents, a name must carry the unit's own, wherever the
    tone mark sits ("THANH HOÁ", "Khánh Hoà"); written without any, it is read as typed."""
    gaz = load_gazetteer()
    assert gaz.province_mentions("tình hình dịch bệnh diễn biến phức tạp tại tỉnh Long An") == Counter(
        {"Long An": 1}
    )
    assert gaz.province_spans("dịch diễn biến phức tạp") == []
    assert gaz.province_mentions("tỉnh Điện Biên, tinh dien bien") == Counter({"Điện Biên": 2})
    assert gaz.province_mentions("THANH HOÁ, Khánh Hoà, Hoà Bình") == Counter(
        {"Thanh Hóa": 1, "Khánh Hòa": 1, "Hòa Bình": 1}
    )


def test_a_district_named_like_a_province_is_the_district() -> None:
    """Hà Giang's district Quang Bình folds like the province Quảng Bình: after a district's unit word, or written
    with its own accents, it is the district (and implies Hà Giang); written as the province is, the province."""
    gaz = load_gazetteer()
    assert gaz.province_mentions("Huyện Quang Bình chiếm 6,1% người nhiễm HIV") == Counter()
    assert gaz.implied_provinces("Huyện Quang Bình chiếm 6,1%") == Counter({"Hà Giang": 1})
    assert gaz.implied_provinces("Vị Xuyên (13,8%), Quang Bình (6,1%)") == Counter({"Hà Giang": 2})
    assert gaz.province_mentions("tỉnh Quảng Bình có 38 xã") == Counter({"Quảng Bình": 1})
    assert gaz.implied_provinces("tỉnh Quảng Bình có 38 xã") == Counter()


def test_every_district_narrows_a_value_even_one_no_province_owns_alone() -> None:
    """A district two provinces share ("Tân Uyên": Lai Châu and Bình Dương; "Châu Thành") implies no province, yet
    names where a value is; so does a province's own city ("Thành phố Lai Châu", "TP. Hà Giang"), but not a city
    that is a province itself ("thành phố Cần Thơ")."""
    gaz = load_gazetteer()
    assert gaz.implied_places("Tân Uyên: 17 ca") == Counter()
    assert gaz.districts_in("Tân Uyên: 17 ca; Mường Tè: 27 ca") == ["tan uyen", "muong te"]
    assert gaz.districts_in("huyện Châu Thành 5 ca") == ["chau thanh"]
    assert gaz.districts_in("Thành phố Lai Châu: 127 ca, TP. Hà Giang 40 ca") == [
        "thanh pho lai chau",
        "thanh pho ha giang",
    ]
    assert gaz.districts_in("thành phố Cần Thơ có 595 ca, TP Hồ Chí Minh 20 ca") == []
    assert gaz.districts_in("bình quân 1 vạn dân") == []
    assert gaz.spelled_seats("so ca cua tp lai chau") == "so ca cua thanh pho lai chau"


def test_a_district_said_with_its_unit_word_even_when_its_fold_starts_another() -> None:
    """ "Quận Sơn Trà" folds to "quan son tra", whose "quan son" is Quan Sơn of Thanh Hóa: written with other
    accents, it is not, and Sơn Trà after it still is; a name without its unit word may stand for its province."""
    gaz = load_gazetteer()
    assert gaz.districts_said_as_such("Quận Sơn Trà (Đà Nẵng) có bao nhiêu ca?") == ["son tra"]
    assert gaz.districts_said_as_such("TP Hà Giang chiếm bao nhiêu %") == ["thanh pho ha giang"]
    assert gaz.districts_said_as_such("Số ca ở Vị Thanh năm 2023") == []
    assert gaz.implied_places("Quận Sơn Trà có bao nhiêu ca") == {"son tra": 1}
