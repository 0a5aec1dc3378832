"""Số hiệu, the numbers of Vietnamese administrative documents: one grammar, one comparison key.

``2143/QĐ-UBND``, ``12/2023/QĐ-UBND``, ``60/2021/NĐ-CP``, ``20-NQ/TW``, ``54 - CTr/TU``: the kind code sits before
or after the slash; an issuer code may be typed after a space (``129/KH UBND``). ``number_key`` is the form two
mentions are compared in (case, spaces, Ð/Đ and accents do not matter).
"""

from __future__ import annotations

import re

from qa.vn.text import fold, nfc
from qa.vn.years import YEAR

# A code part ("QĐ", "UBND", "TTg", "QH15"); Vietnamese codes start with a capital.
_CODE = r"[A-ZĐ][A-Za-zĐđ0-9]*"
# Issuer codes sometimes typed after a space instead of a hyphen ("129/KH UBND").
_SPACED_CODE = r"\s(?=(?:UBND|SYT|BYT|CP|TTg|HĐND|TU|TW)\b)"
_GRAMMAR = (
    # 2143/QĐ-UBND, 12/2023/QĐ-UBND, 60/2021/NĐ-CP, 99/2023/QH15, 05/2023/NĐ- CP
    rf"(?<![\w/.,])\d{{1,5}}(?:/{YEAR})?/{_CODE}(?:(?:\s?-\s?|{_SPACED_CODE}){_CODE})*"
    # 20-NQ/TW, 33-CTr/TU, 54 - CTr/TU, 18- NQ/TW (party documents put the kind before the slash)
    rf"|(?<![\w/.,])\d{{1,5}}\s?-\s?{_CODE}\s?/\s?{_CODE}(?:-{_CODE})*"
)
# As documents write numbers: codes start with a capital, which keeps "3 lần/ngày" out.
NUMBER_RE = re.compile(_GRAMMAR)
# As users type them ("2143/qd-ubnd"), and as the search index reads every text so both sides agree: any case,
# but a letter right after the code means a word, not a number ("1/người").
NUMBER_ANY_CASE_RE = re.compile(rf"(?:{_GRAMMAR})(?![^\W\d_])", re.I)


def normalize_number(raw: str) -> str:
    """The number as written, without spaces and with the look-alike Ð fixed: '18- NQ/TW' -> '18-NQ/TW'."""
    s = nfc(raw)
    s = re.sub(r"\s*-\s*", "-", s)
    s = re.sub(r"\s*/\s*", "/", s)
    return re.sub(r"\s+", "-", s.strip())  # "129/KH UBND" -> "129/KH-UBND"


def number_key(number: str) -> str:
    """Comparison form: case, spaces, Ð/Đ and accents do not matter ('860/qd-syt' == '860/QĐ-SYT')."""
    return fold(normalize_number(number)).replace(" ", "")
