"""Cue phrases in typed questions: accents may be missing, never different."""

from __future__ import annotations

import pytest

from qa.vn.cue_match import CuePhrases

MONEY = CuePhrases(("tiền", "triệu đồng", "kinh phí", "bao nhiu"))


@pytest.mark.parametrize(
    "typed,found",
    [
        ("Kinh phí bao nhiêu triệu đồng?", "kinh phi"),  # the first cue
        ("bao nhiêu trieu dong", "trieu dong"),  # unaccented words match any accenting
        ("KINH PHÍ", "kinh phi"),  # any case
        ("số tiền", "tien"),
        ("ưu tiên tiến độ", None),  # "tiên", "tiến" are not "tiền"
        ("hoạt động 3 triệu động", None),
        ("bảo nhíu", "bao nhiu"),  # a cue written without accents matches any accenting
        ("tiềnx", None),  # whole words only
    ],
)
def test_a_typed_accent_must_be_the_cue_s(typed: str, found: str | None) -> None:
    m = MONEY.find(typed)
    assert (m.group(0) if m else None) == found


def test_a_rejected_long_cue_leaves_a_shorter_one_at_the_same_place() -> None:
    cues = CuePhrases(("so với", "so với kế hoạch"))
    m = cues.find("so với kê hoạch")  # "kê" is not "kế": the longer cue fails, the shorter holds
    assert m is not None and m.group(0) == "so voi"


def test_positions_are_those_of_the_typed_text() -> None:
    text = "Năm 2023 kinh phí là bao nhiêu"
    m = MONEY.find(text)
    assert m is not None and text[m.start() : m.end()] == "kinh phí"
