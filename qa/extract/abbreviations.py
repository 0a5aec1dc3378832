"""Abbreviations learned from the documents themselves, not from a fixed list.

Two sources, both read at index time over every chunk:

- defined ones: "… tiêm chủng mở rộng (TCMR)", "… (viết tắt là BVĐK)": an upper-case token in parentheses whose
  letters are the initials of the words right before it;
- frequent phrases by their initials: "sốt rét" (SR), "tiêm chủng đầy đủ" (TCĐĐ), so that an official's
  abbreviation that no document defines still finds the phrase the documents use. Only phrases seen at least
  ``MIN_PHRASE_COUNT`` times count, and an initials key is kept only when one phrase clearly dominates it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from qa.vn.lexicon import lexicon
from qa.vn.text import fold

# A phrase must occur this often to stand for its initials: 2 still admits one-off word pairs, 3 keeps the
# phrases a document repeats ("sốt rét" 5×, "tiêm chủng đầy đủ" 4× in the shipped corpus).
MIN_PHRASE_COUNT = 3
# The most frequent phrase with given initials must outnumber the next one this many times to stand for them.
DOMINANCE = 2.0
MAX_PHRASE_WORDS = 5

_DEFINED = re.compile(
    r"(?P<phrase>[^\W\d_][^()\n;:.]{2,90}?)\s*\(\s*(?:viết tắt là\s+|gọi tắt là\s+|sau đây gọi là\s+)?"
    r"(?P<abbr>[A-ZĐ][A-ZĐa-z0-9]{1,9})\s*\)"
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(slots=True)
class Abbreviations:
    defined: dict[str, str] = field(
        default_factory=dict
    )  # folded abbreviation -> phrase ("tcmr" -> "tiêm chủng mở rộng")
    by_initials: dict[str, str] = field(default_factory=dict)  # folded initials -> dominant phrase

    def expand(self, token: str) -> str | None:
        """The phrase an abbreviation stands for, or None."""
        key = fold(token)
        return self.defined.get(key) or self.by_initials.get(key)

    def as_json(self) -> dict[str, dict[str, str]]:
        return {"defined": self.defined, "by_initials": self.by_initials}

    @classmethod
    def from_json(cls, data: dict[str, dict[str, str]]) -> Abbreviations:
        return cls(dict(data.get("defined", {})), dict(data.get("by_initials", {})))


def initials(words: list[str]) -> str:
    return "".join(fold(w[0]) for w in words)


def learn_abbreviations(texts: list[str]) -> Abbreviations:
    defined: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for text in texts:
        for m in _DEFINED.finditer(text):
            abbr = m.group("abbr")
            letters = fold(abbr)
            words = _WORD.findall(m.group("phrase"))
            n = len(letters)
            if 2 <= n <= len(words) and initials(words[-n:]) == letters and letters not in defined:
                defined[letters] = " ".join(w.lower() for w in words[-n:])
        for clause in re.split(r"[,;:.()\n|]", text):
            words = [w.lower() for w in _WORD.findall(clause)]
            for n in range(2, MAX_PHRASE_WORDS + 1):
                for i in range(len(words) - n + 1):
                    counts[" ".join(words[i : i + n])] += 1
    glue = lexicon().stop_words.phrase
    best: dict[str, list[tuple[int, str]]] = {}
    for phrase, count in counts.items():
        first, *_, last = phrase.split()
        # "các cơ", "của tỉnh": a phrase that starts or ends with a function word names nothing.
        if count >= MIN_PHRASE_COUNT and fold(first) not in glue and fold(last) not in glue:
            best.setdefault(initials(phrase.split()), []).append((count, phrase))
    by_initials = {}
    for key, options in best.items():
        options.sort(reverse=True)
        top = options[0]
        if len(options) == 1 or top[0] >= DOMINANCE * options[1][0]:
            by_initials[key] = top[1]
    return Abbreviations(defined, by_initials)
