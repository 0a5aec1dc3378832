"""Several quantities asked in one question: "… có bao nhiêu vụ ngộ độc thực phẩm, bao nhiêu ca mắc".

Each counting cue ("bao nhiêu", "mấy") after the first, set off from the one before it by a comma, a semicolon or
"và", opens a quantity of its own. Each becomes a question of its own: the words before the first cue (who,
where, when) and its own ask; later ones also keep what the first ask names ("… ổ dịch sxh nhỏ, tại bao nhiêu
xã" → "… ổ dịch sxh nhỏ tại bao nhiêu xã") when the later ask names no more than what it counts. A question that checks a plan ("…, đạt bao
nhiêu % và có vượt kế hoạch không") asks one result and its share of the plan, answered together.
"""

from __future__ import annotations

import re

from qa.vn.lexicon import lexicon

# A later ask of this many words after its cue or fewer names only what it counts ("ca mắc", "xã"); more words
# ("xã có bác sĩ") say what it is about as well.
SHORT_ASK_WORDS = 2
_BETWEEN = re.compile(r"[,;]|\bvà\b|\bva\b", re.I)
_TRAILING = re.compile(r"[\s,;?.!]+$")


def asked_quantities(text: str, cue_text: str) -> list[str]:
    """The questions of each quantity asked, or [] when one (or none) is; ``cue_text`` is ``text`` as cues are
    found in (the same length)."""
    if len(cue_text) != len(text):
        return []
    cues = lexicon().question_cues
    starts: list[int] = []
    at = 0
    while (m := cues.find("counting", cue_text, at)) is not None:
        starts.append(m.start())
        at = m.end()
    if cues.find("plan_check", cue_text) is not None:
        return []  # "bao nhiêu người …, đạt bao nhiêu % và có vượt kế hoạch không": one result and its check
    cuts = [s for prev, s in zip(starts, starts[1:], strict=False) if _BETWEEN.search(text[prev:s])]
    if not cuts:
        return []
    first = starts[0]
    bounds = [first, *cuts, len(text)]
    asks = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = text[a:b]
        separator = list(_BETWEEN.finditer(piece))
        if b != len(text) and separator:  # drop the comma or "và" that ends it
            piece = piece[: separator[-1].start()]
        asks.append(_TRAILING.sub("", piece).strip())
    prefix = text[:first].strip()
    named = _without_cue(asks[0])
    return [" ".join(p for p in (prefix, _with_context(ask, named, k)) if p) for k, ask in enumerate(asks)]


def _with_context(ask: str, named: str, k: int) -> str:
    """A later ask that names no more than its counter ("bao nhiêu ca mắc", "tại bao nhiêu xã") is about what
    the first one names; one that says more ("bao nhiêu xã có bác sĩ") stands alone."""
    if k == 0 or len(_without_cue(ask).split()) > SHORT_ASK_WORDS:
        return ask
    return f"{named} {ask}"


def _without_cue(ask: str) -> str:
    """An ask without its counting cue: what it names ("bao nhiêu ổ dịch sxh nhỏ" → "ổ dịch sxh nhỏ")."""
    m = lexicon().question_cues.find("counting", ask)
    return (ask[: m.start()] + ask[m.end() :]).strip() if m else ask
