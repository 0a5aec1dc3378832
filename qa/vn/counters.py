"""Counter words: what a count counts ("ổ dịch", "lượt", "trường hợp"), in the lexicon's groups of words that
count the same kind of thing (``units.counters``)."""

from __future__ import annotations

from functools import lru_cache

from qa.vn.lexicon import lexicon
from qa.vn.text import fold


@lru_cache(maxsize=1)
def _groups_of() -> dict[tuple[str, ...], frozenset[str]]:
    """Each counter phrase (as folded words) -> the groups it belongs to."""
    found: dict[tuple[str, ...], set[str]] = {}
    for group, phrases in lexicon().units.counters.items():
        for phrase in phrases:
            found.setdefault(tuple(phrase.split()), set()).add(group)
    return {phrase: frozenset(groups) for phrase, groups in found.items()}


@lru_cache(maxsize=1)
def _multipliers() -> frozenset[str]:
    return frozenset(fold(m).lower() for m in lexicon().numbers_in_text.multipliers)


def counter_at_start(words: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """The longest counter phrase folded ``words`` open with (after multipliers: "triệu lượt"), and its groups."""
    while words and words[0] in _multipliers():
        words = words[1:]
    groups = _groups_of()
    for n in range(min(len(words), max(map(len, groups))), 0, -1):
        if words[:n] in groups:
            return words[:n], groups[words[:n]]
    return None
