"""Direct look-ups beside the ranked search: regulations by number or subject words, figures by indicator words."""

from __future__ import annotations

import re

from qa.extract.figures.targets import asks_change, is_change
from qa.extract.indicators import Indicator
from qa.extract.registry import Regulation
from qa.models import Figure
from qa.vn.cue_match import CuePhrases
from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import lexicon
from qa.vn.so_hieu import number_key
from qa.vn.text import fold, nfc

_STOP_WORDS = lexicon().stop_words.regulation_lookup
# How a filter names a former unit that shares its name with the current unit that absorbed it ("Bắc Ninh cũ":
# the documents of Bắc Ninh before the merger, not those of Bắc Giang); one of the lexicon's former-unit cues.
FORMER_MARK = "cũ"
_FORMER_CUES = CuePhrases(lexicon().question_cues.phrases["former_unit"])


def _before_former_cue(name: str) -> str | None:
    """ "Bắc Ninh cũ" -> "Bắc Ninh": the name a former-unit cue ends, if one does."""
    text = nfc(name).strip()
    for m in _FORMER_CUES.finditer(text):
        if m.end() == len(text) and text[: m.start()].strip():
            return text[: m.start()].strip()
    return None


def province_scope(name: str) -> set[str]:
    """The provinces, as documents name them, that a province filter covers (folded, for comparison).

    A current unit covers every former unit it absorbed ("Bắc Ninh" → Bắc Ninh and Bắc Giang); a former unit
    no current unit is named after covers itself ("Bắc Giang"), and so does a name with a former-unit cue
    ("Bắc Ninh cũ"); a name the gazetteer does not know stands for itself.
    """
    gaz = load_gazetteer()
    folded = fold(name).strip()
    former = _before_former_cue(name)
    if former and (base := gaz.canonical(fold(former))) and gaz.is_former(base):
        return {fold(base)}
    canonical = gaz.canonical(folded)
    if canonical is None:
        return {folded}
    return {fold(p) for p in (canonical, *gaz.former_of(canonical))}


def former_filter(name: str) -> str:
    """The filter value that selects one former unit alone: its name, or "<name> cũ" when a current unit
    carries the same name (the bare name would mean the current unit)."""
    return f"{name} {FORMER_MARK}" if load_gazetteer().is_current(name) else name


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(text)) if w not in _STOP_WORDS}


def _number_matches(entry: Regulation, query: str) -> bool:
    q = number_key(query)
    key = entry.key
    if q == key:
        return True
    if q.isdigit():
        return re.split(r"[-/]", key, maxsplit=1)[0] == q
    return len(q) >= 4 and q in key


def find_regulations(
    registry: list[Regulation],
    number: str | None = None,
    words: str | None = None,
    province: str | None = None,
) -> list[Regulation]:
    """Entries matching a number (tolerant of case, spaces, Ð) and/or subject words, best first."""
    candidates = registry
    if province:
        scope = province_scope(province)
        candidates = [e for e in candidates if fold(e.province or "") in scope]
    if number:
        candidates = [e for e in candidates if _number_matches(e, number)]
    if not words:
        return sorted(candidates, key=lambda e: -len(e.mentions))
    query = _words(words)
    if not query:
        return candidates if number else []
    scored: list[tuple[float, int, Regulation]] = []
    for e in candidates:
        subject_words = _words(" ".join(filter(None, [e.subject, e.kind])))
        other_words = _words(" ".join(filter(None, [e.issuer, e.number])))
        share = len(query & subject_words) / len(query)
        share += 0.3 * len(query & other_words) / len(query)
        if share > 0 or number:
            scored.append((share, len(e.mentions), e))
    scored.sort(key=lambda t: (-t[0], -t[1]))
    return [e for _, _, e in scored]


_QUERY_STOP = lexicon().stop_words.figure_lookup


# How questions name a kind ("KH 2024", "ước thực hiện", "mục tiêu"), matched at the quote's low weight.
_KIND_WORDS = {kind: words.lookup_words for kind, words in lexicon().figure_kinds.items()}
# A change on last year ("… (tăng so với cùng kỳ năm 2022)") shares its words with the amount it follows;
# unless the question asks about a change, the amount goes first. Without it, the change figures of the
# corpus pushed the 670.365 triệu đồng of dev question d065 out of the top 5 (top-5 31 -> 30 of 36);
# 0.7, 0.8 and 0.9 all give 31/36 back with the same top-1 (bench/figure_quality.py): 0.8, the middle.
_CHANGE_WEIGHT = 0.8


def _tokens(text: str) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+(?:[.,][0-9]+)*", fold(text)) if t not in _QUERY_STOP}


def find_figures(
    figures: list[Figure],
    query: str | None = None,
    province: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    limit: int = 10,
) -> list[Figure]:
    """Figures whose indicator shares the most words with the query (accents ignored), best first.

    Score: share of query words in the indicator, plus 0.2 x the share of indicator words the query
    covers, plus 0.3 x the share of query words in the quote (with the figure's province, year, column
    and kind words added to it); ties keep the table figures (labelled indicators) before prose ones,
    then document order.
    """
    scope = province_scope(province) if province else None
    pool = [
        f
        for f in figures
        if (scope is None or fold(f.province or "") in scope)
        and (year is None or f.year == year)
        and (kind is None or f.kind == kind)
    ]
    words = _tokens(query or "")
    if not words:
        return pool[:limit]
    scored: list[tuple[float, int, int, Figure]] = []
    wants_change = asks_change(query or "")
    for i, f in enumerate(pool):
        named = _tokens(f.indicator)
        hits = len(words & named)
        # Share of the query found in the indicator, plus a little for how much of the indicator the
        # query covers, so "Bệnh nhân mới phát hiện" beats a long sentence sharing as many words.
        share = hits / len(words) + (0.2 * hits / len(named) if named else 0.0)
        context = f"{f.quote} {f.province or ''} {f.year or ''} {f.column} {_KIND_WORDS.get(f.kind, '') if f.kind else ''}"
        share += 0.3 * len(words & _tokens(context)) / len(words)
        if not wants_change and is_change(f.indicator):
            share *= _CHANGE_WEIGHT  # "… được bao nhiêu?" asks for the amount, not its change on last year
        if share > 0:
            scored.append((share, 0 if f.column else 1, i, f))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    return [f for _, _, _, f in scored[:limit]]


def indicator_values(
    figures: list[Figure],
    province: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    include_qualified: bool = False,
) -> list[Figure]:
    """Values of one indicator (``figures`` = its figures), for a province named then or now, a year, a kind.

    A current unit ("Bắc Ninh") covers its former units' documents; values narrowed to part of the province or
    of the year are left out unless asked for, so a table never shows them as province-wide.
    """
    wanted = province_scope(province) if province else None
    out = [
        f
        for f in figures
        if (include_qualified or not f.qualifiers)
        and (wanted is None or fold(f.province or "") in wanted)
        and (year is None or f.year == year)
        and (kind is None or f.kind == kind)
    ]
    return sorted(out, key=lambda f: (f.province or "", f.year or 0, f.kind or "", f.source, f.line))


_PER_NUMBER = re.compile(r"/\s*(\d{1,3}(?:\.\d{3})+|\d+)")
_MONEY_UNITS = {fold(u) for u in lexicon().units.money}


def _per_number(text: str) -> int | None:
    """The N of "per N" in a unit or a denominator ("giường/10.000 dân" → 10000, "10.000 dân" → 10000)."""
    m = _PER_NUMBER.search(text) or re.match(r"\s*(\d{1,3}(?:\.\d{3})+|\d+)", text)
    return int(m.group(1).replace(".", "")) if m else None


def unit_fits(indicator: Indicator, unit: str) -> bool:
    """Whether a value's unit measures what the indicator's standard unit does, so that the two can stand in
    one column or on one axis: a percentage for a percentage, the same "per N" for a rate ("giường bệnh/10.000
    dân" fits "giường/10.000 dân"), a year count for years, and otherwise the same unit (money units differ in
    scale: "tỷ đồng" is not "triệu đồng"; counts of different things differ: "cơ sở" is not "người")."""
    folded = " ".join(fold(unit).split())
    if indicator.measure == "percent":
        return "%" in unit
    if indicator.measure == "per_mille":
        return "‰" in unit or _per_number(unit) == 1000
    if indicator.denominator:
        return "/" in unit and _per_number(unit) == _per_number(indicator.denominator)
    if indicator.measure == "years":
        return bool(folded) and not any(c in unit for c in "/%‰") and folded not in _MONEY_UNITS
    return folded == " ".join(fold(indicator.unit).split())
