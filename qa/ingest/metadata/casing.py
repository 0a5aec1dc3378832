"""A title typed in capitals, in the case a sentence would have: acronyms and province names kept.

"HOẠT ĐỘNG PHÒNG, CHỐNG HIV/AIDS TỈNH LÀO CAI NĂM 2020" -> "hoạt động phòng, chống HIV/AIDS tỉnh Lào Cai năm
2020". An acronym is told apart from a word without a list: every Vietnamese word is one syllable of the
shape (onset)(vowels)(final), so a capitalised token that is no such syllable ("HIV", "AIDS", "BHYT", "TP",
"COVID-19") is an abbreviation and keeps its capitals.
"""

from __future__ import annotations

import re

from qa.vn.gazetteer import load_gazetteer
from qa.vn.text import fold

# Onsets, vowel nuclei and finals of Vietnamese syllables, written folded (đ -> d).
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$"
)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def is_acronym(token: str) -> bool:
    """'HIV', 'BHYT', 'TP', 'COVID' (not a syllable) or any token with a digit; not 'LAO', 'PHÒNG'."""
    return any(ch.isdigit() for ch in token) or not _SYLLABLE.match(fold(token))


def sentence_case(text: str) -> str:
    """Lower-case a capitalised title except its acronyms; province names get their own spelling."""
    out = _TOKEN.sub(lambda m: m.group(0) if is_acronym(m.group(0)) else m.group(0).lower(), text)
    for start, end, name in reversed(load_gazetteer().province_spans(out)):
        if fold(name) == fold(out[start:end]):  # an alias ("TP.HCM") stays as written
            out = out[:start] + name + out[end:]
    return out


def is_capitalised(text: str) -> bool:
    """Written in capitals: all its letters are upper case (digits and punctuation aside)."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)
