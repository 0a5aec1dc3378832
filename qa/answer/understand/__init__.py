"""Understand a question, once: its words, provinces, years, kind, numbers, and what it asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.answer.understand.followup import merge_with_history
from qa.answer.understand.intent import read_intent
from qa.answer.understand.places import read_places
from qa.answer.understand.question import Question
from qa.answer.understand.spelling import correct_typos, expand_abbreviations, without_unknown_accents
from qa.answer.understand.tool_style import untool
from qa.extract.abbreviations import Abbreviations
from qa.vn.so_hieu import NUMBER_ANY_CASE_RE, number_key
from qa.vn.text import collapse_ws, fold, nfc

__all__ = ["Question", "Reader"]


@dataclass(slots=True)
class Reader:
    """What reading needs to know of the indexed documents: their provinces (with their current units),
    their vocabulary (for spelling), the abbreviations they use and their titles (a question may name one)."""

    known_provinces: dict[str, str | None]
    vocabulary: set[str] = field(default_factory=set)
    abbreviations: Abbreviations = field(default_factory=Abbreviations)
    titles: list[frozenset[str]] = field(default_factory=list)  # each document title's folded words

    def read(self, question: str, history: list[str] | None = None) -> Question:
        merged, follow_up = merge_with_history(nfc(question).strip(), history or [], self._read_plain)
        q = self._read_plain(merged, fix_spelling=True)
        q.original = question
        q.follow_up = follow_up
        return q

    def _read_plain(self, question: str, fix_spelling: bool = False) -> Question:
        text, tool_style = untool(collapse_ws(nfc(question)))
        places = read_places(text, self.known_provinces, self.vocabulary)
        corrections = dict(places.corrections)
        for typed, fixed in places.corrections.items():
            text = _replace_word(text, typed, fixed)
        numbers = [number_key(m.group(0)) for m in NUMBER_ANY_CASE_RE.finditer(text)]
        expansions: dict[str, str] = {}
        if fix_spelling and self.vocabulary:
            protected = NUMBER_ANY_CASE_RE.sub(" ", text)
            _, typos = correct_typos(protected, self.vocabulary)
            for typed, fixed in typos.items():
                text = _replace_word(text, typed, fixed)
            corrections |= typos
        expanded, expansions = expand_abbreviations(
            text, self.vocabulary, self.abbreviations, places.place_tokens
        )
        q = Question(
            original=question,
            text=text,
            expanded=expanded,
            folded=fold(text),
            cue_text=without_unknown_accents(text, self.vocabulary),
            provinces=places.provinces,
            named=places.named,
            unknown_provinces=places.unknown,
            province_initials=places.initials,
            province_notes=places.notes,
            numbers=numbers,
            corrections=corrections,
            expansions=expansions,
            tool_style=tool_style,
        )
        read_intent(q, self.titles)
        return q


def _replace_word(text: str, typed: str, fixed: str) -> str:
    return re.sub(rf"(?<!\w){re.escape(typed)}(?!\w)", fixed, text)
