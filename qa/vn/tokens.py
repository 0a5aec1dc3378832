"""Tokens for Vietnamese BM25: syllables, accent-folded forms, bigrams, số hiệu, synonym groups.

The same function serves documents and questions, so whatever is folded,
canonicalised or expanded on one side is on the other.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from qa.vn.so_hieu import NUMBER_ANY_CASE_RE, number_key
from qa.vn.text import fold, nfc, strip_tags

_WORD_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)
# y/i spelling variants after a consonant onset: "sỹ"/"sĩ", "tỷ"/"tỉ", "kỹ"/"kĩ", "lý"/"lí".
_Y_TO_I = str.maketrans({"y": "i", "ý": "í", "ỳ": "ì", "ỷ": "ỉ", "ỹ": "ĩ", "ỵ": "ị"})
_Y_ONSET = re.compile(r"^(?:b|c|d|đ|h|k|l|m|n|s|t|v|x|ph|th|tr|ch|nh|kh)[yýỳỷỹỵ]$")


_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def canonical_syllable(syllable: str) -> str:
    if _THOUSANDS.fullmatch(syllable):
        return syllable.replace(".", "")  # "10.000" and "10000" are one number
    if len(syllable) > 1 and syllable[0] == "0" and syllable.isdigit():
        return syllable.lstrip("0") or "0"  # "dưới 01 tuổi" is "dưới 1 tuổi"
    if _Y_ONSET.match(syllable):
        return syllable[:-1] + syllable[-1].translate(_Y_TO_I)
    return syllable


# An apostrophe inside a name of an ethnic group or a place ("H’mông", "M'nông", "Ea H'leo") joins one word, which
# users type without it ("Hmong").
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W\d_])['’‘](?=[^\W\d_])")


def joined_names(text: str) -> str:
    """The text with the apostrophes inside names taken out: "H’mông" → "Hmông"."""
    return _INNER_APOSTROPHE.sub("", text)


def syllables(text: str) -> list[str]:
    return [canonical_syllable(w) for w in _WORD_RE.findall(joined_names(nfc(strip_tags(text))).lower())]


@lru_cache(maxsize=1)
def _synonym_groups() -> list[tuple[str, re.Pattern[str], frozenset[str]]]:
    data = json.loads(resources.files("qa").joinpath("data/synonyms.json").read_text(encoding="utf-8"))
    groups = []
    for members in data["groups"]:
        variants = sorted(
            {" ".join(fold(canonical_syllable(w)) for w in syllables(m)) or fold(m) for m in members},
            key=len,
            reverse=True,
        )
        pattern = re.compile(r"(?<!\S)(?:" + "|".join(re.escape(v) for v in variants) + r")(?!\S)")
        groups.append(
            ("syn:" + fold(members[0]).replace(" ", "_"), pattern, frozenset(" ".join(variants).split()))
        )
    return groups


def synonym_tokens(folded_text: str) -> list[str]:
    """One token per synonym group with a member in the (folded, space-joined) text."""
    out = []
    for token, pattern, _ in _synonym_groups():
        n = len(pattern.findall(folded_text))
        out.extend([token] * n)
    return out


def synonym_words(text: str) -> set[str]:
    """Folded words of every member of the synonym groups present in the text ("10.000 dân" → "van", "vd")."""
    folded = " " + " ".join(fold(s) for s in syllables(text)) + " "
    words: set[str] = set()
    for _, pattern, members in _synonym_groups():
        if pattern.search(folded):
            words |= members
    return words


def tokenize(text: str) -> list[str]:
    """Accented and folded syllables, folded bigrams, whole số hiệu and synonym-group tokens."""
    # Document numbers stay whole, in their comparison form: "2143/qd-ubnd", "20-nq/tw", "60/2021/nd-cp".
    numbers = [number_key(m.group(0)) for m in NUMBER_ANY_CASE_RE.finditer(nfc(text))]
    sylls = syllables(NUMBER_ANY_CASE_RE.sub(" ", nfc(text)))
    folded = [fold(s) for s in sylls]
    tokens: list[str] = list(sylls)
    tokens += [f for f, s in zip(folded, sylls, strict=True) if f != s]
    tokens += [f"{a}_{b}" for a, b in zip(folded, folded[1:], strict=False)]
    tokens += numbers
    tokens += synonym_tokens(" " + " ".join(folded) + " ")
    return tokens
