"""Candidates a question's form rules out before any scoring.

- "bao nhiêu ổ dịch": a number of another kind of thing ("5,1 lần", "14 huyện") is no answer (``counted``), when
  some candidate counts the thing asked.
- "huyện nào có số mắc cao nhất": a value of the whole province is no answer; one narrowed to a district, a
  town or another place of the province is.
- "cả năm 2022": a value of part of the year ("9 tháng") is no answer; "toàn dân": a value of one group of the
  population ("học sinh, sinh viên") is no answer, even when nothing else is left.
- A question naming no district: a district's value is no answer when a value of the whole province is a
  candidate. A question naming a district and the thing it counts ("huyện Tây Hòa có bao nhiêu ca"): a value of
  another place or of the whole province is no answer when the district's count of that thing is a candidate. A
  question naming a district and counting nothing ("tỷ lệ … của huyện Tháp Mười"): the district's own values are
  offered first (``of_the_named_place``); the caller keeps them when it is sure of one.
- "số học sinh … là bao nhiêu người": the values that count the thing asked are offered first
  (``of_the_counted_thing``), kept when the caller is sure of one.
- "đã giảm còn bao nhiêu %": the value a trend started from is no answer when where it went is a candidate.
- "… năm 2022": a value of no known year is no answer when one of the year asked is a candidate.
- "giảm xuống dưới bao nhiêu", "ít nhất bao nhiêu %": a value without that bound is no answer when one with it is a
  candidate.
- "tăng bao nhiêu ca so với cùng kỳ": a level is no answer when a change is a candidate; a question that asks no
  change is not answered by a change ("tăng 12 ổ dịch") when a level is a candidate.
"""

from __future__ import annotations

import re

from qa.answer.candidates import FigureCandidate
from qa.answer.counted import counts_asked_thing
from qa.answer.features import unit_class
from qa.answer.understand import Question
from qa.answer.understand.intent import asks_change
from qa.extract.figures.targets import starts_trend
from qa.extract.qualifiers import is_change_reference, periods_in, value_at
from qa.models import Figure
from qa.vn.counters import counter_at_start
from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import lexicon
from qa.vn.text import fold


def starts_a_trend(f: Figure) -> bool:
    """Whether a figure is where a trend its quote tells began ("… từ 30% giảm còn 12,3%": 30)."""
    at = value_at(f)
    return at >= 0 and starts_trend(f.quote, at, at + len(f.value_text))


def names_a_part(f: Figure) -> bool:
    """Whether a figure is narrowed to a place within its province (a qualifier or its label names one)."""
    return bool(places_of(f))


def of_part_of_the_year(f: Figure) -> bool:
    """Whether a figure is narrowed to part of its year ("6 thang dau nam", "9 thang", "quy ii"), by its
    qualifiers or, for a number read at question time (which has none), by its sentence ("Trong 9 tháng, …")."""
    periods = lexicon().qualifier_rules.periods
    return any(p in q for q in f.qualifiers for p in periods) or bool(periods_in(f.quote))


def of_a_group(q: Question, f: Figure) -> bool:
    """Whether a figure's label names groups of the population the question names none of ("học sinh, sinh viên
    tham gia BHYT" for "tỷ lệ bao phủ BHYT toàn dân", not for "tỷ lệ học sinh tham gia BHYT toàn dân")."""
    asked = fold(q.cue_text)
    groups = lexicon().population.groups_in(f.indicator)
    return bool(groups) and not any(re.search(rf"(?<!\w){re.escape(g)}(?!\w)", asked) for g in groups)


def is_an_unasked_part(q: Question, f: Figure, wholes: set[str]) -> bool:
    """Whether a figure is a table row's part ("Cơ sở phòng và chữa bệnh: Bệnh viện") whose whole ("Cơ sở phòng và
    chữa bệnh") is a candidate too, while the question says none of the part's words: "tổng số cơ sở phòng và chữa
    bệnh" asks the whole."""
    whole, sep, part = f.indicator.rpartition(": ")
    if not sep or fold(whole).lower() not in wholes:
        return False
    asked = set(re.findall(r"\w+", fold(q.cue_text).lower()))
    own = set(re.findall(r"\w+", fold(part).lower())) - set(re.findall(r"\w+", fold(whole).lower()))
    return not own & asked  # "bệnh viện" under "… chữa bệnh" is said by "viện"


def admissible(q: Question, cands: list[FigureCandidate]) -> list[int]:
    """The positions of the candidates the question's form leaves."""
    counts = [counts_asked_thing(q.counted, c.figure) for c in cands]
    # Only when some candidate counts what is asked: a document may count it in words the lexicon's groups lack,
    # and ruling out every candidate but an unrelated one would make that one sure.
    checked = True in counts
    kept = [
        i
        for i, c in enumerate(cands)
        if not (checked and counts[i] is False)
        and (not q.asks_part or names_a_part(c.figure))
        and not (q.whole_year and of_part_of_the_year(c.figure))
        and not (q.whole_population and of_a_group(q, c.figure))
    ]
    if q.years and any(cands[i].figure.year in q.years for i in kept):
        # "… năm 2022": a value whose year is not known ("giảm từ 0,57/1000 dân xuống còn 0,020 … năm 2022": where
        # the trend started) does not answer when a value of the year asked is a candidate
        kept = [i for i in kept if cands[i].figure.year is not None]
    if lexicon().question_cues.find("trend_end", q.cue_text):
        # "đã giảm còn bao nhiêu %": where a trend went, not the value it started from ("từ 30% giảm còn 12,3%")
        kept = [i for i in kept if not starts_a_trend(cands[i].figure)] or kept
    if q.bound:
        # "giảm xuống dưới bao nhiêu": a value stated with that bound ("xuống dưới 120/100.000"), when one is a
        # candidate
        kept = [i for i in kept if cands[i].figure.comparator in q.bound] or kept
    if q.unit_intent == "percent" and any(unit_class(cands[i].figure.unit) == "percent" for i in kept):
        # "tỷ lệ trẻ 12-17 tuổi tiêm đủ 2 mũi": a share answers, not the count of its sentence ("02 mũi"), when a
        # share is a candidate
        kept = [i for i in kept if unit_class(cands[i].figure.unit) not in ("count", "money")]
    wholes = {fold(cands[i].figure.indicator).lower() for i in kept}
    kept = [i for i in kept if not is_an_unasked_part(q, cands[i].figure, wholes)] or kept
    changes = [i for i in kept if is_change(cands[i].figure)]
    levels = [i for i in kept if i not in changes]
    kept = (changes or kept) if asks_change(q) else (levels or kept)
    named = named_places(q)
    if named:
        # "huyện Tây Hòa có bao nhiêu ca": the district's own count of the thing asked, when it is a candidate (a
        # value of the district that counts something else, "Gò Quao hạng 3" for "bao nhiêu bác sĩ", rules out
        # nothing)
        of_named = [i for i in kept if counts[i] is True and named & places_of(cands[i].figure)]
        return of_named or kept
    if q.asks_part:
        return kept
    # A question about the province names no district: a district's value is no answer when the province's is
    # among the candidates (a qualified value is never shown as the province-wide one).
    whole = [i for i in kept if not names_a_part(cands[i].figure)]
    return whole or kept


def of_the_named_place(q: Question, cands: list[FigureCandidate], kept: list[int]) -> list[int]:
    """Of the ``kept`` candidates, the values of the district or town a question names when it counts nothing
    ("tỷ lệ … của huyện Tháp Mười"; a question that counts a thing is narrowed by ``admissible``); none when it
    names none. Only offered: a city named for its province ("Nha Trang" for Khánh Hòa) may have no value of the
    thing asked, only stray ones of other things."""
    if counter_at_start(q.counted) is not None:
        return []
    named = named_places(q)
    return [i for i in kept if named & places_of(cands[i].figure)] if named else []


def of_the_counted_thing(q: Question, cands: list[FigureCandidate], kept: list[int]) -> list[int]:
    """Of the ``kept`` candidates, those that count the thing a question counts ("số học sinh … là bao nhiêu
    người": "277.120 học sinh"), when a question asks a number of a counter; none otherwise. Only offered: a share
    names no counter, so ``admissible`` leaves it ("96,11%" of the same sentence), and a question may say "người"
    of a share it wants."""
    if q.unit_intent != "count" or q.plan_check or counter_at_start(q.counted) is None:
        return []  # a plan check ("bao nhiêu người …, đạt bao nhiêu % và có vượt kế hoạch không") leads with the share
    return [i for i in kept if counts_asked_thing(q.counted, cands[i].figure) is True]


def named_places(q: Question) -> set[str]:
    """The districts and towns a question names ("huyện Tây Hòa")."""
    return set(load_gazetteer().implied_places(q.text))


def is_change(f: Figure) -> bool:
    """A change of a value ("tăng 188 ca so với cùng kỳ"), qualified by what it was measured against."""
    return any(is_change_reference(q) for q in f.qualifiers)


def places_of(f: Figure) -> set[str]:
    """The districts and towns a figure is narrowed to, by its qualifiers (or, without any, its label)."""
    gaz = load_gazetteer()
    named = {p for q in f.qualifiers for p in gaz.implied_places(q)}
    return named or set(gaz.implied_places(f.indicator))
