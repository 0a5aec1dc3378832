"""Finding a lexicon phrase in typed text: accents may be left out, but an accent typed must be the phrase's.

Officials type with accents, without, or half and half ("bao nhieu tiền"). Matching the folded text alone
makes distinct words one: "đồng" (money) is "động" of "hoạt động" and "cộng đồng"; "tiền" is "tiến" and
"ưu tiên"; "cũ" (a former province) is "cụ" and "cư". Measured on the shipped corpus, 60 of the question
cues' folded words stand for two or more words seen at least five times each. A phrase written with its
accents in the lexicon therefore matches a typed word only if the word is the same word or carries no
accent at all; a phrase written without accents matches any accenting (kept for typos like "bao nhiu").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from qa.vn.text import fold, nfc


def _same_word(typed: str, cue: str) -> bool:
    """Whether a typed word (lower case, NFC) is the cue word: the same, or one of them written unaccented."""
    return fold(typed) == fold(cue) and (typed == cue or fold(typed) == typed or fold(cue) == cue)


@dataclass(frozen=True, slots=True)
class CuePhrases:
    """One list of cue phrases, as the lexicon writes them (lower case; accented where the word is)."""

    phrases: tuple[str, ...]
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _each: tuple[tuple[re.Pattern[str], tuple[tuple[str, ...], ...]], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        forms: dict[str, list[tuple[str, ...]]] = {}
        for p in self.phrases:
            forms.setdefault(fold(p), []).append(tuple(nfc(p).lower().split()))
        alternatives = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
        object.__setattr__(self, "_pattern", _whole_words(alternatives, escaped=True))
        each = [(_whole_words(k), tuple(v)) for k, v in sorted(forms.items(), key=lambda kv: -len(kv[0]))]
        object.__setattr__(self, "_each", tuple(each))

    def find(self, text: str, start: int = 0) -> re.Match[str] | None:
        """The first cue in ``text`` (as typed, any case) whose typed accents agree with the phrase."""
        return next(self.finditer(text, start), None)

    def finditer(self, text: str, start: int = 0) -> Iterator[re.Match[str]]:
        typed = nfc(text).lower()
        folded = fold(typed)
        aligned = len(folded) == len(typed)  # NFC text folds letter for letter; otherwise accents unknown
        position = start
        while True:
            m = self._pattern.search(folded, position)
            if m is None:
                return
            agreeing = self._agreeing_at(typed, folded, m.start()) if aligned else m
            if agreeing is not None:
                yield agreeing
                position = agreeing.end()
            else:
                position = m.start() + 1

    def _agreeing_at(self, typed: str, folded: str, at: int) -> re.Match[str] | None:
        """The longest phrase starting at ``at`` whose words agree with the typed ones."""
        for pattern, forms in self._each:
            m = pattern.match(folded, at)
            if m is None:
                continue
            words = typed[m.start() : m.end()].split()
            if any(
                len(form) == len(words) and all(_same_word(t, c) for t, c in zip(words, form, strict=True))
                for form in forms
            ):
                return m
        return None


def _whole_words(phrase: str, escaped: bool = False) -> re.Pattern[str]:
    """A phrase (or an alternation of escaped phrases) matched as whole words; never matches when empty."""
    if not phrase:
        return re.compile(r"(?!x)x")
    body = phrase if escaped else re.escape(phrase)
    return re.compile(r"(?<![\w%])(?:" + body + r")(?![\w])")
