"""Typing slips and abbreviations: a word near a known word is a typo, an abbreviation is its phrase.

Both are read against the documents themselves: the vocabulary of the search index (what some document
says) and the abbreviations the documents define or use (``qa.extract.abbreviations``), before the fixed
list of ``qa/data/lexicon.json``. Neither is a reason to refuse a question.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from qa.extract.abbreviations import Abbreviations
from qa.extract.indicators import load_catalog
from qa.vn.lexicon import lexicon
from qa.vn.so_hieu import NUMBER_ANY_CASE_RE
from qa.vn.text import fold

# Words shorter than this are left alone: at three letters one edit reaches too many other words.
MIN_TYPO_LENGTH = 4
_WORD = re.compile(r"[^\W\d_]+")


def correct_typos(text: str, vocabulary: set[str]) -> tuple[str, dict[str, str]]:
    """Replace words that cannot be Vietnamese syllables and that no document has by the closest word some
    document has, at one edit (folded): "Gaing" → "giang", "giương" stays (it folds like "giường").

    A word that could be a syllable is left alone even when no document has it ("nghìn" typed "nghin" must
    not become "nghĩa"): it is a word the documents lack, which the answer weighs as such. OSA counts a swap
    of two letters as one edit; upper-case words are abbreviations, not typos.
    """
    corrections: dict[str, str] = {}
    choices = list(vocabulary)

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        key = fold(word)
        if len(key) < MIN_TYPO_LENGTH or key in vocabulary or word.isupper() or lexicon().is_syllable(key):
            return word
        found = process.extractOne(key, choices, scorer=OSA.distance, score_cutoff=1)
        if found is None:
            return word
        corrections[word] = found[0]
        return str(found[0])

    return _WORD.sub(fix, text), corrections


def without_unknown_accents(text: str, vocabulary: set[str]) -> str:
    """The text with the accents of words no document has taken off, when the documents have their letters:
    "giương" typed for "giường" reads "giuong", which cue phrases match in any accenting, while "động" (a
    word the documents use) stays "động" and never passes for "đồng" (qa/vn/cue_match.py)."""
    if not vocabulary:
        return text

    def plain(m: re.Match[str]) -> str:
        word = m.group(0)
        key = fold(word)
        return key if key != word.lower() and word.lower() not in vocabulary and key in vocabulary else word

    return _WORD.sub(plain, text)


@lru_cache(maxsize=1)
def catalog_acronyms() -> dict[str, str]:
    """The indicator catalog's acronyms and the name each stands for ("tfr" -> "tổng tỷ suất sinh"): an English
    acronym a document writes after the Vietnamese name ("Tổng tỷ suất sinh (TFR)") has other letters than the
    name's initials, so neither the document nor the initials teach it."""
    out: dict[str, str] = {}
    for indicator in load_catalog().indicators.values():
        name = _PARENTHESIS.sub("", indicator.name).strip().lower()
        for variant in indicator.variants:
            if _ACRONYM.fullmatch(variant) and fold(variant).lower() != fold(name):
                out.setdefault(fold(variant).lower(), name)
    return out


_ACRONYM = re.compile(r"[A-ZĐ]{2,6}")
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")


def expand_abbreviations(
    text: str, vocabulary: set[str], learned: Abbreviations, keep: set[str] | None = None
) -> tuple[str, dict[str, str]]:
    """The text with each abbreviation followed by its phrase ("SR" → "SR (sốt rét)").

    An upper-case token is expanded whenever a phrase is known; a lower-case one only when no document
    has it as a word ("tcdd"), so ordinary words are never rewritten. The parts of a document's number
    ("95/KH-UBND") are its name, not words of the question: "UBND (ủy ban nhân dân)" there added "dân" to a
    question about TB cases, which then matched "dân số" in the catalog.
    """
    fixed = lexicon().abbreviations
    expansions: dict[str, str] = {}
    numbers = [m.span() for m in NUMBER_ANY_CASE_RE.finditer(text)]

    def expand(m: re.Match[str]) -> str:
        token = m.group(0)
        key = fold(token)
        if any(start <= m.start() < end for start, end in numbers):
            return token
        if len(key) < 2 or (not token.isupper() and key in vocabulary) or token in (keep or ()):
            return token
        # a word with accents is no shorthand written without them: "tế" is not "TE" (trẻ em), "thả" not "THA"
        plain = fold(token).lower() == token.lower()
        phrase = (
            fixed.get(token.lower())
            or (fixed.get(key) if plain else None)
            or learned.expand(token)
            or catalog_acronyms().get(key)
        )
        if not phrase or fold(phrase) == key:
            return token
        expansions[token] = phrase
        return f"{token} ({phrase})"

    return re.sub(r"(?<![\w/])[^\W\d_]{2,8}(?![\w])", expand, text), expansions
