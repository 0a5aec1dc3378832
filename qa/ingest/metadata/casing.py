"""A title typed in capitals, in the case a sentence would have: acronyms and province names kept.

"HOẠT ĐỘNG PHÒNG, CHỐNG HIV/AIDS TỈNH LÀO CAI NĂM 2020" -> "hoạt động phòng, chống HIV/AIDS tỉnh Lào Cai năm
2020". An acronym is told apart from a word without a list: every Vietnamese word is one syllable of the
shape (onset)(vowels)(final), so a capitalised token that is no such syllable ("HIV", "AIDS", "BHYT", "TP",
"COVID-19") is an abbreviation and keeps its capitals.

A name inside the title ("Chiến lược", "Việt Nam", "Chương trình mở rộng tầm soát …") gets the capital the
document's own prose gives it: a word the body writes capitalised in the middle of its sentences, after the
same word as in the title (or, never seen after it, capitalised every time it is written), keeps its capital.
"""

from __future__ import annotations

import re
from collections import Counter

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


def sentence_case(text: str, body: str = "") -> str:
    """Lower-case a capitalised title except its acronyms; province names get their own spelling, and the
    words ``body`` (the document's prose) writes capitalised mid-sentence keep their capital."""
    out = _TOKEN.sub(lambda m: m.group(0) if is_acronym(m.group(0)) else m.group(0).lower(), text)
    if body:
        out = _capitals_of(out, body)
    for start, end, name in reversed(load_gazetteer().province_spans(out)):
        if fold(name) == fold(out[start:end]):  # an alias ("TP.HCM") stays as written
            out = out[:start] + name + out[end:]
    return out


_SENTENCE_END = re.compile(r"[.!?;:\n]\s*")
# A word capitalised on its own (never seen after the title's previous word) must be written this many
# times, always capitalised: "Việt Nam" is, "Nam" of "nam, nữ" is not.
_MIN_ALONE = 2


def _capitals_of(cased: str, body: str) -> str:
    pairs: Counter[tuple[str, str, bool]] = Counter()
    alone: Counter[tuple[str, bool]] = Counter()
    for sentence in _SENTENCE_END.split(body):
        if is_capitalised(sentence):
            continue
        words = _TOKEN.findall(sentence)
        for prev, word in zip(words, words[1:], strict=False):
            if word.isupper() and len(word) > 1 or any(ch.isdigit() for ch in word):
                continue
            capital = word[:1].isupper()
            pairs[(prev.lower(), word.lower(), capital)] += 1
            alone[(word.lower(), capital)] += 1
    tokens = list(_TOKEN.finditer(cased))
    out = list(cased)
    for prev, m in zip(tokens, tokens[1:], strict=False):
        word, before = m.group(0), prev.group(0).lower()
        if not word.islower():
            continue
        up, low = pairs[(before, word, True)], pairs[(before, word, False)]
        if up > low or (up == low == 0 and alone[(word, True)] >= _MIN_ALONE and not alone[(word, False)]):
            out[m.start()] = word[0].upper()
    return "".join(out)


def is_capitalised(text: str) -> bool:
    """Written in capitals: all its letters are upper case (digits and punctuation aside)."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)
