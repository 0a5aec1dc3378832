"""What a count counts: "bao nhiêu ổ dịch" is not answered by "5,1 lần", "14 huyện" or "2.646 trường hợp" of the
same sentence.

A figure's counter is what its unit, or else the words right after its number, name ("140 ổ dịch nhỏ"); the
question's is what follows its counting cue (``Question.counted``). Both are looked up in the lexicon's counter
groups (``units.counters``): words that count the same kind of thing. A candidate whose counter shares no group
with the asked one counts something else. Words of no group never disagree, so an unknown unit or a counter the
lexicon lacks leaves the candidate as it was.
"""

from __future__ import annotations

import re

from qa.extract.qualifiers import value_at
from qa.models import Figure
from qa.vn.counters import counter_at_start
from qa.vn.text import fold

# Words after a figure's number read for its counter when it has no unit: "140 ổ dịch nhỏ", "2 vụ ngộ độc".
WORDS_AFTER = 4
_WORD = re.compile(r"[^\W\d_]+|%")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(text).lower()))


def figure_counter_words(f: Figure) -> tuple[str, ...]:
    """What a figure's number is followed by: its unit, else the words after it in its quote."""
    if f.unit:
        return _words(f.unit)
    at = value_at(f)
    if at < 0:
        return ()
    return _words(f.quote[at + len(f.value_text) :])[:WORDS_AFTER]


def counts_asked_thing(asked: tuple[str, ...], f: Figure) -> bool | None:
    """Whether a figure counts the kind of thing the question's ``asked`` words name: True, False (another kind),
    or None when either names no counter of the lexicon's groups."""
    wanted = counter_at_start(asked)
    if wanted is None:
        return None
    return _counts(wanted, figure_counter_words(f))


def _holds(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    return any(words[i : i + len(phrase)] == phrase for i in range(len(words)))


def _counts(wanted: tuple[tuple[str, ...], frozenset[str]], words: tuple[str, ...]) -> bool | None:
    phrase, groups = wanted
    if _holds(words, phrase):
        return True  # "1,4 triệu lượt người" counts the "người" asked, whatever it opens with
    own = counter_at_start(words)
    return None if own is None else bool(own[1] & groups)


def sentence_counts_asked_thing(
    asked: tuple[str, ...], sentence: str, numbers: list[tuple[int, str]]
) -> bool:
    """Whether a sentence gives a number of the thing the question counts ("140 ổ dịch nhỏ", "số ổ dịch là 12")
    among ``numbers`` (where each stands, its unit): False only when every number counts another kind of thing
    or nothing ("1.335 ca mắc" for "bao nhiêu ổ dịch"), so a counter the lexicon lacks never refuses."""
    wanted = counter_at_start(asked)
    if wanted is None:
        return True
    for start, unit in numbers:
        if _holds(_words(sentence[:start])[-WORDS_AFTER:], wanted[0]):
            return True  # "số ổ dịch phát hiện là 12"
        after = _words(unit) if unit else _words(re.sub(r"^\S+", "", sentence[start:]))[:WORDS_AFTER]
        if _counts(wanted, after) is not False:
            return True
    return False
