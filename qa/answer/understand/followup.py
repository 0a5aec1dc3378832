"""Follow-up questions: "Còn Hà Nam năm 2021 thì sao?" after a full question borrows its indicator.

The previous user question is rewritten with what the follow-up changes (province, year, kind); the
rewritten question is what the answer shows as understood, so a wrong merge is visible.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from qa.answer.understand.question import Question
from qa.vn.lexicon import lexicon

# A question this long without a follow-up cue stands on its own.
MAX_FOLLOW_UP_WORDS = 6


def _is_follow_up(question: str) -> bool:
    cues = lexicon().question_cues
    start = "|".join(re.escape(c) for c in sorted(cues.follow_up_start, key=len, reverse=True))
    end = "|".join(re.escape(c) for c in sorted(cues.follow_up_end, key=len, reverse=True))
    return bool(
        re.search(rf"^\s*(?:{start})\b", question, re.I) or re.search(rf"(?:{end})\s*\??\s*$", question, re.I)
    )


def merge_with_history(
    question: str, history: list[str], parse: Callable[[str], Question]
) -> tuple[str, bool]:
    """(the question to answer, whether it was merged with the previous user question)."""
    if not history or (not _is_follow_up(question) and len(question.split()) > MAX_FOLLOW_UP_WORDS):
        return question, False
    prev = history[-1]
    current, before = parse(question), parse(prev)
    merged = prev
    new_places = current.named or current.provinces
    if new_places:
        for old in before.named or before.provinces:
            merged = re.sub(re.escape(old), new_places[0], merged, flags=re.I)
        if not (before.named or before.provinces):
            merged += f" ở {new_places[0]}"
    if current.years:
        for old_year in before.years:
            merged = merged.replace(str(old_year), str(current.years[0]))
        if not before.years:
            merged += f" năm {current.years[0]}"
    if current.kind and current.kind != before.kind:
        merged += " " + lexicon().kind_label(current.kind)
    return merged, merged != prev or _is_follow_up(question)
