"""Objectives and changes stated in prose, the pieces ``prose.py`` adds to its reading of a number.

- per-population values: "xuống dưới 20/100.000 dân" is 20 per 100.000 people, not a ratio to block;
- objective verbs and the words towards a value are not the indicator: "Giảm tỷ lệ mắc lao xuống dưới …" names
  "tỷ lệ mắc lao";
- a change against an earlier value is a figure of its own: "tăng 12,5% so với cùng kỳ năm 2022";
- the time of an objective may follow its value: "… xuống dưới 20/100.000 dân vào năm 2030";
- an objective's kind: in a section of objectives ("Mục tiêu …") or a sentence that states one ("phấn đấu …"),
  "đạt 98%" is a target, not a result; the coming year's objective is that year's plan.

The words are in qa/data/lexicon.json (figure_kinds.prose_targets).
"""

from __future__ import annotations

import re

from qa.extract.figures.units import POP
from qa.ingest.metadata.years import is_objectives_section
from qa.models import FigureKind
from qa.vn.lexicon import lexicon
from qa.vn.years import YEAR

_WORDS = lexicon().prose_targets


def _any(words: tuple[str, ...]) -> str:
    """One group of the lexicon's word fragments: "(?:xuống|lên|còn)"."""
    return "(?:" + "|".join(words) + ")"


# What may follow a word on the way to a value before it: "xuống dưới tỷ lệ 15/100.000"
_AFTER_TOWARDS = rf"(?:\s+{_any(_WORDS.after_towards)})"
# "20/100.000 dân", "120/100.000 người dân", "0,1/1.000 dân": the numerator is the value.
PER_POP_VALUE = re.compile(
    rf"(?<![\w.,/])(?P<num>\d+(?:,\d+)?)(?P<per>\s*/\s*(?:\d{{1,3}}(?:\.\d{{3}})+|\d+)\s*{POP})\b", re.I
)
_LEAD_VERB = re.compile(rf"^\s*{_any(_WORDS.target_verbs)}(?!\w)\s*", re.I)
# "… trở lên" ("and above") ends a name, it is not on its way to a value.
_TRAIL_TOWARDS = re.compile(rf"(?<!trở)\s+{_any(_WORDS.towards)}{_AFTER_TOWARDS}*\s*$", re.I)
_CHANGE_VERB = re.compile(r"(?<!\w)(?P<verb>" + "|".join(_WORDS.change_verbs) + r")(?:\s+thêm)?\s*$", re.I)
_CHANGE_REF = re.compile(r"\s*(?P<ref>" + _WORDS.change_reference + r")(?!\w)", re.I)
_TIME_AFTER = re.compile(
    r"[^;.]{0,40}?(?<!\w)(?:" + "|".join(_WORDS.target_time) + rf")\s+({YEAR})(?!\d)", re.I
)
_TARGET_SENTENCE = re.compile(
    r"(?<!\w)(?:" + "|".join(lexicon().figure_kinds["target"].text_cues) + r")", re.I
)
_COMPARED = re.compile(
    _WORDS.change_reference.split("(")[0] + r"|cùng kỳ|từ năm|(?<!\w)hơn năm|bằng với năm", re.I
)
_PLAN_HORIZON = 2  # an objective for the year after the document's own is that year's plan (as in tables)


def per_population_numerators(text: str) -> list[tuple[int, int]]:
    """Spans of the values written per population ("20" of "20/100.000 dân")."""
    return [m.span("num") for m in PER_POP_VALUE.finditer(text)]


def without_objective_words(indicator: str) -> str:
    """'Giảm tỷ lệ mắc lao xuống' -> 'tỷ lệ mắc lao'; only a phrase that ends on its way to a value
    ("xuống", "lên", "đạt") is an objective: "Tăng Tỷ suất sinh hàng năm" stays the indicator's name."""
    if not _TRAIL_TOWARDS.search(indicator):
        return indicator
    out = _TRAIL_TOWARDS.sub("", _LEAD_VERB.sub("", indicator, count=1)).strip(" ,;:-–")
    return out or indicator


def change_against(before: str, text: str, end: int) -> str | None:
    """'tăng so với cùng kỳ năm 2022' for 'tăng 12,5% so với cùng kỳ năm 2022', else None."""
    verb = _CHANGE_VERB.search(before)
    ref = _CHANGE_REF.match(text, end)
    if verb is None or ref is None:
        return None
    return f"{verb.group('verb').lower()} {ref.group('ref')}"


def change_verb_before(text: str) -> re.Match[str] | None:
    """The change verb ``text`` ends with ("… tăng ", "giảm thêm "; group "verb"), the value after it a change."""
    return _CHANGE_VERB.search(text)


def aimed_change(before: str, text: str, end: int) -> str | None:
    """'giảm' for '… mục tiêu giảm 1,5% trường hợp sinh con thứ 3 trở lên': a change right after its verb with
    nothing it is measured against, which an objective sets (the caller checks the sentence is one)."""
    verb = change_verb_before(before)
    if verb is None or _CHANGE_REF.match(text, end):
        return None
    return verb.group("verb").lower()


_CHANGE_QUALIFIER = re.compile(
    r"\((?:" + "|".join(_WORDS.change_verbs) + r") " + _WORDS.change_reference + r"\)$", re.I
)
_CHANGE_WORDS = re.compile(
    r"(?<!\w)(?:" + "|".join(_WORDS.change_verbs) + r"|" + _WORDS.change_reference.split("(")[0] + r")(?!\w)",
    re.I,
)


def is_change(indicator: str) -> bool:
    """A figure named as a change: 'Tổng thu … (tăng so với cùng kỳ năm 2022)'."""
    return bool(_CHANGE_QUALIFIER.search(indicator))


def asks_change(text: str) -> bool:
    """A question about a change: 'tăng bao nhiêu', 'so với năm trước'."""
    return bool(_CHANGE_WORDS.search(text))


def strip_change_verb(indicator: str) -> str:
    """'Số lượt khám bệnh tăng' -> 'Số lượt khám bệnh'."""
    return _CHANGE_VERB.sub("", indicator).strip(" ,;:-–") or indicator


def year_after(text: str, end: int) -> int | None:
    """A target's time written after its value: '… 20/100.000 dân vào năm 2030' -> 2030 (not the year of a
    comparison: '… 72,9%, tăng so với năm 2022')."""
    m = _TIME_AFTER.match(text, end)
    if m is None or _COMPARED.search(m.group(0)):
        return None
    return int(m.group(1))


def own_year_after(text: str, end: int) -> int | None:
    """The year written right after a value, as its own time: "giảm từ 4,56% năm 2015 xuống 0,36% năm 2020" ->
    2020 for 0,36 (the 2015 before it is the other value's). A few words at most between, no number, and not
    what it is compared against."""
    m = _OWN_YEAR.match(text, end)
    if m is None or _COMPARED.search(m.group(0)):
        return None
    if _TIME_TO_REACH_BEFORE.search(m.group(0)) and _VALUE_NEXT.match(text, m.end()):
        return None  # "18,9‰ đến năm 2019 còn 17,2‰": the time the next value is reached at
    return int(m.group(1))


_OWN_YEAR = re.compile(rf"[^\d;.,]{{0,15}}?(?<!\w)năm\s+({YEAR})(?!\d)", re.I)
_TIME_TO_REACH_BEFORE = re.compile(
    r"(?<!\w)(?:" + "|".join(t for t in _WORDS.target_time if t.lower() != "năm") + r")\s+\d{4}$", re.I
)
# A value a few words after the year: "… đến năm 2019 còn 17,2‰", "… đến năm 2025 là 95%".
_VALUE_NEXT = re.compile(r"[^\d;.]{0,20}?\d")


def in_objectives(sentence: str, section: tuple[str, ...]) -> bool:
    return bool(_TARGET_SENTENCE.search(sentence)) or is_objectives_section(section)


def objective_kind(
    kind: FigureKind | None, year: int | None, base: int | None, horizon: int | None
) -> FigureKind:
    """The kind of a value stated as an objective: a target, or the coming year's plan."""
    if horizon is not None or (year is not None and base is not None and year >= base + _PLAN_HORIZON):
        return "target"
    return "plan" if kind in (None, "actual", "plan") else kind


_TREND_FROM = re.compile(rf"(?<!\w){_any(_WORDS.trend_from)}\s*$", re.I)
_TREND_TO = re.compile(rf"[^\d,;:()]{{0,40}}?(?<!\w){_any(_WORDS.trend_to)}{_AFTER_TOWARDS}?\s*", re.I)
_A_YEAR = re.compile(rf"(?<!\d){YEAR}(?!\d)")


def continues_trend(text: str, first: tuple[int, int], start: int, first_in_trend: bool = False) -> bool:
    """Whether the number at ``start`` is where a trend that began at the value ``first`` (its start and end) went:
    "giảm từ 1.025 ca năm 2011 xuống còn 06 ca năm 2022" (06 is a number of the cases 1.025 was), "từ 0,57/1000
    dân SRLH xuống còn 0,020". Only the first value's own words and year may stand between them. A value that is
    itself in a trend (``first_in_trend``) leads on with only years and trend words between: "… xuống 1,08% năm
    2015 và đến năm 2020 giảm còn 0,81%"."""
    between = _A_YEAR.sub(" ", text[first[1] : start])
    if _TREND_FROM.search(text, 0, first[0]) and _TREND_TO.fullmatch(between):
        return True
    return first_in_trend and _TREND_AGAIN.fullmatch(between) is not None


_TREND_AGAIN = re.compile(
    rf"\s*(?:{_any(_WORDS.trend_again)}\s+)*{_any(_WORDS.trend_to)}{_AFTER_TOWARDS}?\s*", re.I
)


_TREND_NEXT = re.compile(_TREND_TO.pattern + r"[<>≤≥]?\s*\d", re.I)


def starts_trend(text: str, start: int, end: int) -> bool:
    """Whether the value at ``start``-``end`` is where a trend began ("giảm từ 0,57/1000 dân SRLH xuống còn 0,020
    … năm 2022"): a year after the next value is that value's, not this one's."""
    return (
        bool(_TREND_FROM.search(text, 0, start))
        and _TREND_NEXT.match(_A_YEAR.sub(" ", text[end : end + 60])) is not None
    )


_SINCE = re.compile(rf"(?<!\w){_any(_WORDS.since)}(?!\w)", re.I)
_UNTIL_NOW = re.compile(rf"[^\d.;]{{0,25}}?(?<!\w){_any(_WORDS.until_now)}(?!\w)", re.I)


def opens_span_until_now(text: str, start: int, end: int) -> bool:
    """Whether the year at ``start``-``end`` opens a span that runs until now ("Từ sau ca nhiễm HIV đầu tiên năm
    1998 đến nay lũy tích có 1.580 ca"): what is counted over it stands at the text's time, not in that year."""
    return bool(_SINCE.search(text, max(0, start - 60), start)) and _UNTIL_NOW.match(text, end) is not None
