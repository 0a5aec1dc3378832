"""The vocabulary tables load whole and answer the questions code asks of them."""

from __future__ import annotations

from qa.vn.lexicon import FIGURE_KINDS, lexicon


def test_every_figure_kind_has_its_words() -> None:
    lex = lexicon()
    assert set(lex.figure_kinds) == set(FIGURE_KINDS)
    assert [lex.kind_label(k) for k in FIGURE_KINDS] == ["kế hoạch", "thực hiện", "ước thực hiện", "mục tiêu"]
    assert lex.kind_label(None) == "" and lex.kind_label("other") == ""


def test_document_kinds_by_word_and_code() -> None:
    lex = lexicon()
    words = lex.document_kind_words()
    assert words[0] == ("chuong trinh hanh dong", "Chương trình hành động")  # longest first
    assert dict(words)["quyet dinh"] == "Quyết định"
    codes = lex.document_kind_codes()
    assert (
        codes["qd"] == "Quyết định"
        and codes["ctr"] == "Chương trình hành động"
        and codes["ttlt"] == "Thông tư"
    )
    assert set(lex.document_kind_codes(lex.metadata_code_kinds).values()) <= lex.metadata_code_kinds


def test_question_stop_words_keep_accents() -> None:
    stops = lexicon().stop_words
    assert "vì" in stops.question and "vị" not in stops.question  # "vị" (taste, position) is a content word
    assert "vi" in stops.question_folded
