"""How much of a question a piece of text covers: the question's key words weighted by their rarity.

Key words are the question's content syllables (no question words, glue, kind cues, years or province
names), weighted by their IDF in the search index: a word no document has weighs most. Accented words match
accented text only ("dại" rabies is not "đại" of "đại học"); words typed without accents match folded text;
abbreviations and synonyms count both ways ("TP" covers "thành phố", "10.000 dân" covers "vạn dân").
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from qa.answer.understand import Question
from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import lexicon
from qa.vn.text import fold, nfc
from qa.vn.tokens import canonical_syllable, joined_names, synonym_words

_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")  # "10.000" stays one number
# A sign after a word tells categories apart: "Lao phổi M(+)" and "M(-)", "HIV (+)".
_SIGNED = re.compile(r"([^\W\d_]+)\s?\(\s?([+-])\s?\)")
_HALF_YEAR = re.compile(r"\b(?:6|sáu)\s*tháng\b|\b6\s*thang\b", re.I)
# The weight of a word no document has: above any IDF of this corpus size, so it dominates coverage.
UNKNOWN_WORD_IDF = 8.0


def _words(text: str) -> list[str]:
    """The words of a lower-case text, and each signed one with its sign as well ("m(+)" → "m", "m+")."""
    text = joined_names(text)  # "H’mông" is typed "Hmong"
    return _WORD.findall(text) + [f"{word}{sign}" for word, sign in _SIGNED.findall(text)]


# The abbreviations the documents define: ("srlh", "sốt rét lưu hành"), …
Defined = tuple[tuple[str, str], ...]


@lru_cache(maxsize=65536)
def evidence_words(text: str, defined: Defined = ()) -> tuple[frozenset[str], frozenset[str]]:
    """(the text's syllables, accented and folded, with spelled-out abbreviations; its synonym-group words).

    ``defined``: the abbreviations the indexed documents define ("… sốt rét lưu hành (SRLH)"), spelled out like
    the lexicon's: a table row "xã SRLH nặng" covers "xã sốt rét lưu hành nặng"."""
    abbreviations = lexicon().abbreviations
    words = {canonical_syllable(w) for w in _words(nfc(text).lower())}
    for abbreviation in words & set(abbreviations):  # "TP" in the text covers "thành phố" in the question
        words.update(abbreviations[abbreviation].split())
    for abbreviation, phrase in defined:
        if abbreviation in words:
            words.update(canonical_syllable(w) for w in phrase.lower().split())
    words |= {fold(w) for w in words}
    return frozenset(words), frozenset(synonym_words(text))


# The cues of a question that asks for a document's number or date ("số hiệu là gì, ký ngày nào"): they name
# what is asked, not what the document is about. Not "căn cứ quyết định nào": its kind and "căn cứ" are in the
# citing line (measured: dev d088 lost its citation when the regulation phrases were dropped too).
_IDENTITY_CUES = ("document_number", "document_date")


def _asked_about_a_document(q: Question) -> set[str]:
    """The folded words of the identity cues of a regulation question."""
    if q.qtype != "regulation":
        return set()
    cues = lexicon().question_cues
    return {
        fold(canonical_syllable(w))
        for name in _IDENTITY_CUES
        for m in cues.finditer(name, q.cue_text)
        for w in _words(m.group(0))
    }


def _without_merger_notes(text: str, spelled_out: set[str]) -> str:
    """The text without what it says of a province's place since the merger ("Sóc Trăng (nay thuộc TP (thành
    phố) Cần Thơ)"): "nay thuộc", "TP" and its spelling-out are about the place named, not words the answer must
    hold (the names themselves are dropped as places). ``spelled_out``: the phrases abbreviations were spelled
    out as, in parentheses after them."""
    kept, at = [], 0
    for m in lexicon().question_cues.finditer("merger_note", text):
        if m.start() < at:
            continue
        end = m.end()
        after = re.match(r"\s*\(([^()]*)\)", text[end:])
        if after and after.group(1) in spelled_out:
            end += after.end()
        kept.append(text[at : m.start()])
        at = end
    return " ".join([*kept, text[at:]])


def _without_province_names(text: str) -> str:
    """The text with the provinces it names blanked out, as written ("Đăk Nông", an alias whose "đăk" is no
    syllable of "Đắk Nông"): a place says where, not what is asked."""
    text = nfc(text)
    for start, end, _ in load_gazetteer().province_spans(text):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


class Evidence:
    def __init__(self, idf: dict[str, float], defined: dict[str, str] | None = None) -> None:
        self.idf = idf
        # hashable: evidence_words is cached by it
        self.defined: Defined = tuple(sorted((defined or {}).items()))
        self._spelled = dict(self.defined)

    @classmethod
    def from_bm25(
        cls, vocab: dict[str, int], indptr: np.ndarray, n_docs: int, defined: dict[str, str] | None = None
    ) -> Evidence:
        n = max(1, n_docs)
        idf = {}
        for token, tid in vocab.items():
            if tid + 1 < len(indptr):
                df = int(indptr[tid + 1] - indptr[tid])
                idf[token] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return cls(idf, defined)

    @property
    def vocabulary(self) -> set[str]:
        return {w for w in self.idf if w.isalpha() and "_" not in w}

    def key_terms(self, q: Question) -> dict[str, float]:
        """Content syllables of the question with their IDF."""
        stops = lexicon().stop_words
        names = [
            w.lower()
            for p in q.provinces + q.named + q.unknown_provinces + q.province_initials
            for w in p.split()
        ]
        drop, drop_folded = set(names), {fold(w) for w in names}
        terms: dict[str, float] = {}
        text = (
            _HALF_YEAR.sub(" ", q.expanded) if q.half_year else q.expanded
        )  # the "6" of "6 tháng" says when
        text = _without_province_names(_without_merger_notes(text, set(q.expansions.values())))
        words = _words(nfc(text).lower())
        # A figure's label never names the document it sits in: "Dân số … theo KH phòng chống HIV/AIDS" asks the
        # population. A passage or a regulation may be about the document itself: its words stay.
        naming = _document_naming(words, q.document_phrases) if q.qtype in _FIGURE_SHAPES else set()
        asked_by = _asked_about_a_document(q)
        spelled_out = {fold(a).lower() for a in q.expansions}
        document_numbers = _document_numbers(q.text) if q.qtype != "regulation" else set()
        for i, raw in enumerate(words):
            w = canonical_syllable(raw)
            folded = fold(w)
            # An accent no document writes on a word they all write bare is a slip ("Dân sô trung binh" for "Dân
            # số trung bình"): the word is read as typed without accents.
            accented = folded != w and (w in self.idf or folded not in self.idf)
            stop = w in stops.question if accented else folded in stops.question_folded
            # "bác" (sĩ) is not the "Bắc" of Bắc Giang: compare accented words accented.
            place = w in drop if accented else folded in drop_folded
            if stop or place or i in naming or folded in asked_by or (folded.isdigit() and len(folded) == 4):
                continue
            if folded in document_numbers:
                continue  # "KH 11420 … tiêm cho những đối tượng nào": the number says which document, not what
            if folded in spelled_out and w not in self.idf and folded not in self.idf:
                # "sxh" that no document writes is said by its phrase ("sốt xuất huyết"), whose words are terms
                # too: as an unknown word it would weigh UNKNOWN_WORD_IDF and no text could ever cover it.
                continue
            terms[w] = self.idf.get(
                w, self.idf.get(folded, UNKNOWN_WORD_IDF) if not accented else UNKNOWN_WORD_IDF
            )
        return terms

    def coverage(self, terms: dict[str, float], *texts: str) -> float:
        """IDF-weighted share of the terms present in the texts (read apart, so each text's words are cached)."""
        if not terms:
            return 0.0
        parts = [evidence_words(text, self.defined) for text in texts]
        total = sum(terms.values())
        found = sum(w for t, w in terms.items() if any(t in words or fold(t) in syn for words, syn in parts))
        return found / total

    def unknown_terms(self, terms: dict[str, float]) -> list[str]:
        """Question words that no document has: nothing can be evidence for them."""
        return [t for t in terms if t not in self.idf and fold(t) not in self.idf and not t.isdigit()]

    @staticmethod
    def rarest(terms: dict[str, float]) -> str | None:
        words = [t for t in terms if not t.isdigit()]
        return max(words, key=lambda t: terms[t]) if words else None

    def extra_words(self, label: str, question_words: frozenset[str]) -> int:
        """Content words of an indicator label the question does not say ("… công lập" for "giường bệnh"); an
        abbreviation the documents define is said when the question says its phrase ("SRLH": "sốt rét lưu hành")."""
        core = re.sub(r"\([^)]*\)", " ", label)  # parentheses only qualify the indicator
        words = {canonical_syllable(w) for w in _WORD.findall(nfc(core).lower())}
        stops = lexicon().stop_words.question
        return sum(
            1
            for w in words
            if w not in question_words
            and not (
                w in self._spelled
                and all(
                    fold(canonical_syllable(p)) in question_words for p in self._spelled[w].lower().split()
                )
            )
            and fold(w) not in question_words
            and w not in stops
            and not w[0].isdigit()
        )


_FIGURE_SHAPES = frozenset({"figure", "compare", "ranking", "trend"})
# A document's kind code, then its bare number: "KH 11420", "QĐ 881", "Kế hoạch số 11420" (a full số hiệu, "KH
# 95/KH-UBND", is the question's document number: the chunk that cites it covers it).
_DOCUMENT_NUMBER = re.compile(
    r"(?<![\w/])(?:"
    + "|".join(sorted(lexicon().document_kind_codes(), key=len, reverse=True))
    + r"|so)\.?\s+(\d+)(?![\d/])"
)


def _document_numbers(text: str) -> set[str]:
    return {m.group(1) for m in _DOCUMENT_NUMBER.finditer(fold(text).lower())}


def _document_naming(words: list[str], phrases: list[tuple[str, ...]]) -> set[int]:
    """Positions of the words that name a document ("theo KH phòng chống HIV/AIDS"): which document, not what
    is asked, so no key term; the same words elsewhere in the question still are."""
    folded = [fold(w) for w in words]
    out: set[int] = set()
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(folded) - n + 1):
            if n and tuple(folded[i : i + n]) == phrase:
                out.update(range(i, i + n))
                break
    return out
