"""Line-level normalisation that keeps line numbers: every output line is one input line."""

from __future__ import annotations

import re

from qa.vn.text import mend_typing, nfc, strip_tags

_PAGE_NUMBER_RE = re.compile(r"\s*(?:-\s*)?\d{1,4}(?:\s*-)?\s*")
_TERMINAL = (".", ":", ";", "!", "?", "…")


def normalize_line(line: str) -> str:
    """NFC, Ð->Đ, HTML tags dropped (their text kept), footnote anchors glued to a word dropped, a decimal comma's
    stray space closed, trailing spaces removed.

    Trailing tabs stay: they are the empty cells of tab-separated table rows.
    """
    return mend_typing(strip_tags(nfc(line))).rstrip(" \r\n\f\v")


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
