"""Registry of cited document numbers over the five real documents (values read in the corpus)."""

from __future__ import annotations

import re

import pytest

from qa.extract.registry import build_registry
from qa.extract.regulations import extract_regulations
from qa.retrieval.lookup import find_regulations
from qa.vn.so_hieu import normalize_number


@pytest.fixture(scope="module")
def mentions(parsed) -> dict:
    return {key: extract_regulations(doc) for key, doc in parsed.items()}


@pytest.fixture(scope="module")
def registry(mentions):
    return build_registry([m for ms in mentions.values() for m in ms])


def entry(registry, number, province):
    found = [e for e in registry if e.number == number and e.province == province]
    assert len(found) == 1, f"{number} / {province}: {len(found)} entries"
    return found[0]


def test_subject_of_27_2023(registry):
    e = entry(registry, "27/2023/QĐ-UBND", "Hậu Giang")
    assert e.subject == "Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Y tế tỉnh Hậu Giang"
    assert (e.kind, e.date, e.issuer) == ("Quyết định", "2023-10-12", "Ủy ban nhân dân tỉnh Hậu Giang")
    assert e.mentions[0].line == 129 and e.mentions[0].source.startswith("000")


def test_same_number_in_two_provinces_stays_apart(registry):
    hau_giang = entry(registry, "12/2023/QĐ-UBND", "Hậu Giang")
    bac_giang = entry(registry, "12/2023/QĐ-UBND", "Bắc Giang")
    assert hau_giang.subject.startswith(
        "quy định số lượng, quy trình xét chọn đơn vị quản lý, chi trả phụ cấp đối với nhân viên y tế ấp"
    )
    assert hau_giang.date == "2023-05-09" and hau_giang.mentions[0].line == 123
    assert bac_giang.subject.startswith(
        "sửa đổi khoản 1 Điều 2 của Quy định về hỗ trợ khám, chữa bệnh cho người nghèo trên địa bàn tỉnh Bắc Giang"
    )
    assert bac_giang.date == "2023-05-04" and bac_giang.mentions[0].line == 43
    assert {m.source[:3] for m in hau_giang.mentions} == {"000"}
    assert {m.source[:3] for m in bac_giang.mentions} == {"001"}


def test_20_nq_tw_mentions_in_every_citing_document(mentions, registry):
    # grep of the corpus (whitespace collapsed): 000 twice, 002 twelve times, 004 once; 001 and 003 never
    counts = {key: sum(m.number == "20-NQ/TW" for m in ms) for key, ms in mentions.items()}
    assert counts == {"000": 2, "001": 0, "002": 12, "003": 0, "004": 1}
    by_province = {e.province: len(e.mentions) for e in registry if e.number == "20-NQ/TW"}
    assert by_province == {"Hậu Giang": 2, "Kiên Giang": 12, "Hà Nam": 1}
    kien_giang = entry(registry, "20-NQ/TW", "Kiên Giang")
    assert kien_giang.kind == "Nghị quyết" and kien_giang.date == "2017-10-25"
    assert "bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân" in kien_giang.subject
    assert sorted(m.line for m in kien_giang.mentions) == [13, 35, 37, 63, 65, 69, 69, 71, 71, 73, 75, 79]


def test_decree_60_2021_cited_in_001_and_003(registry):
    cited = [e for e in registry if e.number == "60/2021/NĐ-CP"]
    assert {e.province for e in cited} == {"Bắc Giang", "Kiên Giang"}
    sources = {m.source[:3] for e in cited for m in e.mentions}
    assert sources == {"001", "003"}
    for e in cited:
        assert (e.kind, e.issuer, e.date) == ("Nghị định", "Chính phủ", "2021-06-21")


def test_strategy_decision_89(registry):
    e = entry(registry, "89/QĐ-TTg", "Kiên Giang")
    assert e.date == "2024-01-23" and e.issuer == "Thủ tướng Chính phủ" and e.kind == "Quyết định"
    assert e.subject == (
        "phê duyệt Chiến lược quốc gia bảo vệ, chăm sóc và nâng cao sức khoẻ Nhân dân đến năm 2030, "
        "tầm nhìn đến năm 2045"
    )
    assert e.mentions[0].line == 11


def test_decision_860(registry):
    e = entry(registry, "860/QĐ-SYT", "Hậu Giang")
    assert (e.date, e.issuer, e.kind) == ("2023-12-14", "Giám đốc Sở Y tế", "Quyết định")
    assert e.subject == "giao chỉ tiêu kế hoạch ngành Y tế năm 2024"
    assert e.mentions[0].line == 1543


@pytest.mark.parametrize(
    "number,province,kind,date,issuer",
    [
        ("2143/QĐ-UBND", "Hậu Giang", "Quyết định", "2022-12-21", "Ủy ban nhân dân tỉnh Hậu Giang"),
        ("14/KH-UBND", "Hậu Giang", "Kế hoạch", "2023-02-06", "Ủy ban nhân dân tỉnh Hậu Giang"),
        ("01/NQ-CP", "Hậu Giang", "Nghị quyết", "2023-01-06", "Chính phủ"),
        ("253/TTr-SYT", "Hậu Giang", "Tờ trình", "2023-11-17", "Sở Y tế"),
        ("3328/UBND-TH", "Bắc Giang", "Công văn", "2023-06-19", "UBND tỉnh Bắc Giang"),
        ("99/2023/QH15", "Bắc Giang", "Nghị quyết", "2023-06-24", "Quốc hội"),
        ("2513/VP-TH", "Kiên Giang", "Công văn", "2021-04-19", None),
        ("1277/KH-SYT", "Kiên Giang", "Kế hoạch", "2018-09-21", None),
        ("139-NQ/CP", "Kiên Giang", "Nghị quyết", "2017-12-31", "Chính phủ"),
        ("63-KH/ĐU", "Kiên Giang", "Kế hoạch", "2018-05-25", None),
        ("966/ĐA-UBND", "Kiên Giang", "Đề án", "2017-04-25", "UBND tỉnh"),
        ("25-CT/TW", "Kiên Giang", "Chỉ thị", "2023-10-25", "Ban Bí thư"),
        ("16/2015/NĐ-CP", "Hà Nam", "Nghị định", None, "Chính phủ"),
        ("54-CTr/TU", "Hà Nam", "Chương trình hành động", "2018-01-31", "Tỉnh ủy"),
    ],
)
def test_cited_documents(registry, number, province, kind, date, issuer):
    e = entry(registry, number, province)
    assert (e.kind, e.date, e.issuer) == (kind, date, issuer)


def test_subjects_follow_the_number(registry):
    assert entry(registry, "2143/QĐ-UBND", "Hậu Giang").subject == (
        "giao chỉ tiêu Kế hoạch phát triển kinh tế - xã hội năm 2023"  # the sentence continues on a '- ' line
    )
    assert (
        entry(registry, "16/2015/NĐ-CP", "Hà Nam").subject
        == "quy định cơ chế tự chủ của đơn vị sự nghiệp công lập"
    )
    assert entry(registry, "1277/KH-SYT", "Kiên Giang").subject == "thực hiện Nghị quyết số 20-NQ/TW"
    assert (
        entry(registry, "05-CT/TU", "Bắc Giang").subject
        == (
            "nâng cao năng lực công tác y tế dự phòng, đáp ứng yêu cầu trong tình hình mới"  # "… và Kế hoạch số 417"
        )
    )
    assert entry(registry, "591/QĐ-UBND", "Bắc Giang").subject.startswith(
        "phê duyệt Đề án cải tạo, sửa chữa cơ sở vật chất và mua sắm trang thiết bị cho các cơ sở y tế công lập"
    )


def test_entry_takes_what_its_mentions_agree_on(registry):
    kien_giang = entry(registry, "20-NQ/TW", "Kiên Giang")
    # one mention runs on into the letter ("… trên địa bàn tỉnh Kiên Giang, đề nghị …"): not the subject
    assert kien_giang.subject == (
        "tăng cường công tác bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân trong tình hình mới"
    )
    assert kien_giang.issuer == "Ban chấp hành Trung ương khóa XII"
    assert entry(registry, "33-CTr/TU", "Kiên Giang").subject == "thực hiện Nghị quyết số 20-NQ/TW"
    assert entry(registry, "50/2021/QĐ-UBND", "Bắc Giang").issuer == "UBND tỉnh Bắc Giang"


def test_numbers_are_normalised_as_written(registry):
    numbers = {e.number for e in registry}
    assert {"18-NQ/TW", "54-CTr/TU", "05/2023/NĐ-CP", "129/KH-UBND", "105/KH-UNBD"} <= numbers
    assert not any(" " in n or "Ð" in n for n in numbers)
    assert normalize_number("18- NQ/TW") == "18-NQ/TW"
    assert normalize_number("860/QÐ-SYT") == "860/QĐ-SYT"  # U+00D0 typed for Đ


def test_own_number_is_kept_and_marked(registry):
    e = entry(registry, "2345/SYT-KHTC", "Kiên Giang")
    assert (e.kind, e.date, e.issuer) == ("Công văn", "2021-07-20", "Sở Y tế tỉnh Kiên Giang")
    assert e.mentions[0].line == 9


def test_no_dates_section_numbers_or_urls(mentions):
    for ms in mentions.values():
        for m in ms:
            assert re.fullmatch(r"\d+(?:/\d{4})?[-/][A-ZĐ][\w]*(?:[-/][A-ZĐ\d][\w]*)*", m.number), m.number
            assert len(m.quote) <= 300 and m.quote
            assert m.date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", m.date)
    # the heading of 000 line 1804 holds a thuvienphapluat URL with "keyword=376/CT-TTg"
    assert not [m for m in mentions["000"] if 1804 <= m.line <= 1806]


def test_find_regulations(registry):
    assert [e.province for e in find_regulations(registry, number="860/qd-syt")] == ["Hậu Giang"]
    assert [e.number for e in find_regulations(registry, number="860/QÐ-SYT")] == ["860/QĐ-SYT"]
    assert len(find_regulations(registry, number="12/2023/QĐ-UBND")) == 2
    only = find_regulations(registry, number="12 / 2023 / qđ-ubnd", province="bac giang")
    assert [e.province for e in only] == ["Bắc Giang"]
    assert [e.number for e in find_regulations(registry, number="2143")] == ["2143/QĐ-UBND"]
    top = find_regulations(registry, words="co che tu chu don vi su nghiep cong lap", province="Hà Nam")
    assert top[0].number == "16/2015/NĐ-CP"
    top = find_regulations(
        registry, words="phê duyệt Chiến lược quốc gia bảo vệ chăm sóc nâng cao sức khỏe nhân dân"
    )
    assert "89/QĐ-TTg" in [e.number for e in top[:3]]
    assert find_regulations(registry, words="xyzzy") == []
