"""BM25 tokens: the same on the document side and the question side, with and without accents."""

from __future__ import annotations

from qa.vn.tokens import canonical_syllable, synonym_words, tokenize


def test_document_tokens_pinned() -> None:
    assert tokenize("Số bác sỹ/10.000 dân theo Quyết định 2143/QĐ-UBND") == [
        "số",
        "bác",
        "sĩ",
        "10000",
        "dân",
        "theo",
        "quyết",
        "định",
        "so",
        "bac",
        "si",
        "dan",
        "quyet",
        "dinh",
        "so_bac",
        "bac_si",
        "si_10000",
        "10000_dan",
        "dan_theo",
        "theo_quyet",
        "quyet_dinh",
        "2143/qd-ubnd",
        "syn:bs",
        "syn:qd",
        "syn:vd",
    ]


def test_unaccented_question_shares_the_folded_tokens() -> None:
    doc = set(tokenize("Số bác sỹ/10.000 dân theo Quyết định 2143/QĐ-UBND"))
    question = set(tokenize("so bac si tren 10000 dan qd 2143/qd-ubnd"))
    assert {
        "so",
        "bac",
        "si",
        "10000",
        "dan",
        "bac_si",
        "2143/qd-ubnd",
        "syn:bs",
        "syn:vd",
        "syn:qd",
    } <= doc & question


def test_canonical_syllables() -> None:
    assert [canonical_syllable(s) for s in ["sỹ", "tỷ", "10.000", "01", "0", "yêu", "quy"]] == [
        "sĩ",
        "tỉ",
        "10000",
        "1",
        "0",
        "yêu",
        "quy",
    ]


def test_synonym_words_of_per_ten_thousand() -> None:
    assert synonym_words("Số bác sỹ/10.000 dân") == {"10000", "bac", "bs", "dan", "nguoi", "si", "van", "vd"}


def test_words_after_a_slash_are_not_document_numbers() -> None:
    assert "1/người" not in tokenize("3 lần/ngày, 1/người")
    assert not [t for t in tokenize("3 lần/ngày, 1/người") if "/" in t]
