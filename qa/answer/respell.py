"""Typing slips that are words themselves, found by the passages retrieved for the question.

A slip that makes another word ("vướng mắt" for "vướng mắc", "Bệnh viên Phổi" for "Bệnh viện Phổi") passes the
question reader's spelling check (qa/answer/understand/spelling.py: only words no document has are typos), and
documents slip too ("y tế áp, khu phố" for "y tế ấp"). Either way the question's word is then missing from the
passage that answers it, and the answer is refused for a word the passage holds one letter away.

Retrieval still finds that passage (the other words and the dense side carry it), so the passage itself can
settle the reading: a question word that stands next to a neighbour in no retrieved passage, where a word one edit
away stands next to every content neighbour of it (not glue like "của", "là", a question cue or a place name), is
read as that word. The typed word must carry accents (a word typed without them already matches any accenting),
must not name a place (the question reader reads those), and must either differ from the found one only by its
accents or be absent from the passages: a word the passages use elsewhere is no slip. One reading per word; a word
with two candidate readings is left as typed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from rapidfuzz.distance import OSA

from qa.answer.understand.question import Question
from qa.retrieval.engine import Hit
from qa.vn.lexicon import lexicon
from qa.vn.text import fold, nfc, strip_tags
from qa.vn.tokens import canonical_syllable

# The passages read: the first hits hold the evidence of nearly every answerable question (qa/answer/reader.py).
SPELLING_HITS = 3
# Shorter words are one edit from too many others to be judged by one neighbour.
MIN_SLIP_LETTERS = 2

_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _cue_words() -> frozenset[str]:
    """The words of the question cues ("so sánh", "cũ", "bao nhiêu"): the reader has read them already."""
    cues = lexicon().question_cues
    phrases = [p for group in (*cues.phrases.values(), *cues.units.values()) for p in group]
    return frozenset(w for p in phrases for w in _WORD.findall(nfc(p).lower()))


class _Pairs:
    """The adjacent word pairs of some passages, looked up from either side."""

    def __init__(self, texts: list[str]) -> None:
        self.words: set[str] = set()
        self.after: dict[str, set[str]] = defaultdict(set)  # word -> the words that follow it
        self.before: dict[str, set[str]] = defaultdict(set)  # word -> the words that precede it
        for text in texts:
            words = _WORD.findall(nfc(strip_tags(text)).lower())
            self.words.update(words)
            for a, b in zip(words, words[1:], strict=False):
                self.after[a].add(b)
                self.before[b].add(a)

    def together(self, a: str, b: str) -> bool:
        return b in self.after.get(a, ())


def respell_by_evidence(q: Question, hits: list[Hit]) -> dict[str, str]:
    """Read the question's real-word slips as the retrieved passages write them; update ``q.expanded`` and
    ``q.corrections`` and return the new readings (typed word -> word read)."""
    pairs = _Pairs([h.chunk.text for h in hits[:SPELLING_HITS]])
    glue = lexicon().stop_words.question | _cue_words()
    places = {fold(w) for p in q.provinces + q.named + q.unknown_provinces for w in _WORD.findall(p.lower())}
    typed = _WORD.findall(nfc(q.expanded).lower())
    found: dict[str, str] = {}
    for i, word in enumerate(typed):
        if (
            len(word) < MIN_SLIP_LETTERS
            or fold(word) == word  # typed without accents: already read as any accenting of it
            or word in glue
            or word in found
            or fold(word) in places
        ):
            continue
        left = typed[i - 1] if i > 0 else None
        right = typed[i + 1] if i + 1 < len(typed) else None
        if (left and pairs.together(left, word)) or (right and pairs.together(word, right)):
            continue  # the word stands where the passages put it
        sides = [n for n in (left, right) if n and n not in glue and fold(n) not in places]
        if not sides:
            continue
        # A reading must stand next to every content neighbour: "tỷ lệ sinh" is not "tỷ vệ sinh".
        fits = [pairs.after.get(left, set())] if left is not None and left in sides else []
        fits += [pairs.before.get(right, set())] if right is not None and right in sides else []
        readings = set.intersection(*fits)
        absent = word not in pairs.words
        close = {
            r
            for r in readings
            if OSA.distance(r, word) == 1
            and (absent or fold(r) == fold(word))
            and canonical_syllable(r) != canonical_syllable(word)  # "tỷ" and "tỉ" are one word
        }
        if len(close) == 1:
            found[word] = close.pop()
    if found:
        q.expanded = re.sub(
            r"[^\W\d_]+", lambda m: found.get(m.group(0).lower(), m.group(0)), nfc(q.expanded)
        )
        q.corrections |= found
    return found
