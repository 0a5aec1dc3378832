"""Line-level normalisation that keeps line numbers: every output line is one input line."""

from __future__ import annotations

import re

from qa.vn.text import nfc, strip_tags

_PAGE_NUMBER_RE = re.compile(r"\s*(?:-\s*)?\d{1,4}(?:\s*-)?\s*")
_TERMINAL = (".", ":", ";", "!", "?", "…")


# A footnote's anchor glued to the word it annotates, as a web page stores it ("Dân số 1.167.938 người[[1]], …",
# "năm 2019[1]"): no part of the word, and glued to a unit it hides the value's unit.
_FOOTNOTE_ANCHOR = re.compile(r"(?<=[^\W_]|[.,;:)%])\[\[?\d{1,3}\]\]?")


# A decimal comma typed with a space after it, before a percent sign ("chiếm 10, 92%"): one number, not a list "10"
# and "92%". Not after a year or a grouped number ("năm 2015, 92%", "1.200, 5%").
_SPACED_DECIMAL = re.compile(r"(?<![\d.,])(\d{1,3}), (\d{1,3}\s?%)")


def normalize_line(line: str) -> str:
    """NFC, Ð->Đ, HTML tags dropped (their text kept), footnote anchors glued to a word dropped, a decimal comma's
    stray space closed, trailing spaces removed.

    Trailing tabs stay: they are the empty cells of tab-separated table rows.
    """
    text = _SPACED_DECIMAL.sub(r"\1,\2", _FOOTNOTE_ANCHOR.sub("", strip_tags(nfc(line))))
    return text.rstrip(" \r\n\f\v")


def normalize_lines(lines: list[str]) -> list[str]:
    return [normalize_line(line) for line in lines]


def looks_like_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER_RE.fullmatch(line)) and line.strip() != ""


def is_hard_wrapped(lines: list[str]) -> bool:
    """True for PDF extractions that break every ~80 characters inside paragraphs.

    Such text has many long lines that end without sentence punctuation; files
    with one paragraph per line have few (their long lines end a sentence).
    """
    body = [ln.strip() for ln in lines if len(ln.strip()) >= 40]
    if len(body) < 20:
        return False
    lengths = sorted(len(ln) for ln in body)
    p90 = lengths[int(len(lengths) * 0.9)]
    open_ended = sum(1 for ln in body if not ln.endswith(_TERMINAL))
    return p90 <= 120 and open_ended / len(body) > 0.5


def ends_sentence(line: str) -> bool:
    return line.rstrip().rstrip("*").endswith(_TERMINAL)
