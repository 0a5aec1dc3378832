"""Two indicators compared in one question: "Năm 2020 tỷ suất sinh thô và tỷ suất tử thô của Cao Bằng chênh nhau
bao nhiêu phần nghìn?", "ca TCM nhiều hơn ca SXH bao nhiêu?".

The question is split where its two indicator phrases are joined ("và", "hay", "so với", "nhiều hơn" …): the words
before the join name one catalog indicator, the words after it another. Each side is the whole question without
the other side's indicator words, so it keeps the place, the time and the ask ("Năm 2020 tỷ suất sinh thô của Cao
Bằng chênh nhau bao nhiêu phần nghìn?").
"""

from __future__ import annotations

import re

from qa.answer.candidates import INDICATOR_LOOKUP_SCORE
from qa.extract.indicators import IndicatorCatalog
from qa.vn.lexicon import lexicon
from qa.vn.text import collapse_ws, fold

_JOIN = re.compile(
    r"\s+(?:và|hay|hoặc|với|so với|nhiều hơn|ít hơn|cao hơn|thấp hơn|va|hoac|voi|so voi)\s+", re.IGNORECASE
)
_WORD = re.compile(r"\S+")
_FOLDED_STOPS = lexicon().stop_words.question_folded


def indicator_sides(
    text: str, catalog: IndicatorCatalog, shorthands: frozenset[str] = frozenset()
) -> tuple[str, str] | None:
    """The two one-indicator questions of a question comparing two indicators, or None. ``shorthands``: the
    abbreviations the question was read with ("TCM (tay chân miệng)"), part of the phrases they stand in."""
    for m in _JOIN.finditer(text):
        left, right = text[: m.start()], text[m.end() :]
        a, b = catalog.match(left, limit=1, whole_text=False), catalog.match(right, limit=1, whole_text=False)
        if (
            not a
            or not b
            or a[0].indicator.id == b[0].indicator.id
            or min(a[0].score, b[0].score) < INDICATOR_LOOKUP_SCORE
        ):
            continue
        # the words of both phrases, and those the two parts share ("suy dinh dưỡng nhẹ cân hay suy dinh dưỡng thấp
        # còi"): the head both phrases repeat
        named = (
            _folded(a[0].variant)
            | _folded(b[0].variant)
            | ((_folded(left) & _folded(right)) - _FOLDED_STOPS)
            | {fold(s).lower() for s in shorthands}
        )
        return (
            collapse_ws(f"{left} {_without_run(right, named, at_end=False)}"),
            collapse_ws(f"{_without_run(left, named, at_end=True)} {right}"),
        )
    return None


def _folded(text: str) -> set[str]:
    return {fold(w).lower().strip(",;:?.()") for w in _WORD.findall(text)}


def _without_run(text: str, named: set[str], at_end: bool) -> str:
    """The text without the run of phrase words at its end (``at_end``) or its start."""
    words = _WORD.findall(text)
    order = range(len(words) - 1, -1, -1) if at_end else range(len(words))
    run: set[int] = set()
    for k in order:
        if fold(words[k]).lower().strip(",;:?.()") not in named or (at_end and words[k][-1] in ",;:"):
            break
        run.add(k)
    return " ".join(w for k, w in enumerate(words) if k not in run)
