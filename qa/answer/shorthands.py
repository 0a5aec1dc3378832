"""Shorthands no document defines, read from the passages retrieved for the question.

"tỷ lệ tăng DS tự nhiên": "DS" is "dân số" in a population plan and "dược sĩ" in a staffing table, so no fixed
spelling-out serves (the lexicon's abbreviations leave it out), and over a whole corpus the frequent phrases with
its initials tie ("định số" of every "Quyết định số" against "dân số"). The passages retrieved for the question
settle it, as they settle real-word slips (qa/answer/respell.py): the phrase with the shorthand's initials that
they write most, clearly more than any other, is what it stands for (the shorthand stays beside it: passages
may write it too, "(DS-KHHGĐ)"). A shorthand the reader spelled out already is left as it was, and one that
reads as a province's name ("AG": An Giang) is the reader's to read as a place.
"""

from __future__ import annotations

import re
from collections import Counter

from qa.answer.understand.question import Question
from qa.retrieval.engine import Hit
from qa.vn.gazetteer import load_gazetteer
from qa.vn.text import fold, nfc, strip_tags

# The passages read: the first hits hold the evidence of nearly every answerable question (qa/answer/reader.py).
SHORTHAND_HITS = 3
# A reading is a phrase the passages write at least this often...
MIN_USES = 2
# ... and at least this many times as often as the next phrase with the same initials: "dân số" written 9 times
# against "định số" twice reads "DS"; a tie is no reading.
MARGIN = 2.0

# Upper-case letters typed together, not part of a document's number ("KH-UBND", "95/KH") or a longer word.
_SHORTHAND = re.compile(r"(?<![\w/-])[A-ZĐ]{2,4}(?![\w/-])")
_WORD = re.compile(r"[^\W\d_]+")
_CLAUSE = re.compile(r"[,;:.()\n|\"“”]")


def read_shorthands(q: Question, hits: list[Hit]) -> dict[str, str]:
    """Spell out the question's undefined shorthands as the retrieved passages write them; update ``q.expanded``
    and ``q.expansions`` and return the new readings (shorthand -> phrase)."""
    typed = {m.group(0) for m in _SHORTHAND.finditer(q.text)} - set(q.expansions)
    if not typed:
        return {}
    texts = [nfc(strip_tags(h.chunk.text)) for h in hits[:SHORTHAND_HITS]]
    found: dict[str, str] = {}
    gazetteer = load_gazetteer()
    for token in sorted(typed):
        phrase = _most_written(fold(token).lower(), texts)
        if phrase and gazetteer.canonical(phrase) is None:  # "AG" read as An Giang is a place, read already
            found[token] = phrase
    if found:
        q.expanded = _SHORTHAND.sub(
            lambda m: f"{m.group(0)} ({found[m.group(0)]})" if m.group(0) in found else m.group(0), q.expanded
        )
        q.expansions |= found
    return found


def _most_written(initials: str, texts: list[str]) -> str | None:
    """The phrase of the texts whose words start with ``initials`` that they write most, by MARGIN."""
    n = len(initials)
    counts: Counter[str] = Counter()
    for text in texts:
        for clause in _CLAUSE.split(text):
            words = [w.lower() for w in _WORD.findall(clause)]
            for i in range(len(words) - n + 1):
                phrase = words[i : i + n]
                if "".join(fold(w[0]) for w in phrase) == initials:
                    counts[" ".join(phrase)] += 1
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < MIN_USES:
        return None
    if len(ranked) > 1 and ranked[0][1] < MARGIN * ranked[1][1]:
        return None
    return ranked[0][0]
