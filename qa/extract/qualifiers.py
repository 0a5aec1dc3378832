"""Qualifiers a figure's label does not carry: the period of its section or of its sentence's opening, an age
group or a sex its indicator does not state, and the part of a figure it is ("Trong đó: Tuyến tỉnh …").

A qualified value is never shown as the province-wide value of its indicator (qa/answer), so every rule here
adds a qualifier where the text narrows the value; none removes one. The words are data
(``qa/data/lexicon.json`` "qualifiers"); qualifiers are folded phrases like the label's own
(``IndicatorCatalog.qualifiers``).

- A section title naming part of the year ("I. KẾT QUẢ CÔNG TÁC Y TẾ 6 THÁNG ĐẦU NĂM 2023") narrows the prose
  values reported under it; a table column naming one ("TH 6 tháng") narrows its values. Estimates and targets
  under such a title are for the whole year ("ước thực hiện cả năm"): not narrowed.
- A sentence's leading phrase, before its first figure, that opens with a scope cue and names a period or a date
  ("Tính đến 30/6/2023: …", "Từ ngày 01/01/2023 đến ngày 30/6/2023, …") narrows every value of the sentence;
  ended by a colon at the head of a paragraph, every value of the paragraph.
- Such a span that adds up over more than the report's period, named so ("Lũy tích toàn tỉnh … đến nay") or
  starting in a year before its value's ("Tính từ đầu đợt dịch (ngày 08/7/2021) đến ngày 10/12/2023 …" in a
  2023 report), also narrows the totals of the next sentences and bullets of its section ("- Tổng số liều vắc
  xin đã được tiêm …"), until the text states a time of its own (a period, a date, a year, a span, "trong
  năm", "so với cùng kỳ").
- An age group in the label or the clause before the value ("trẻ dưới 2 tuổi", "≥ 18 tuổi") that the indicator
  does not state ("suy dinh dưỡng trẻ dưới 5 tuổi") is a qualifier.
- A table row broken down by sex ("Chiều cao trung bình của thanh niên 18 tuổi: Nam").
- A part a sentence lists after its total: a count in the parentheses right after it ("550 chứng chỉ (324 …
  y, 226 … dược)"), or after "trong đó (có)" ("605 bệnh nhân, trong đó có 13 trẻ em").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.ingest.metadata.header import read_letterhead
from qa.ingest.metadata.title import news_lead
from qa.models import Figure, ParsedDocument
from qa.vn.lexicon import lexicon
from qa.vn.sentences import NOT_A_SHORTHAND_PERIOD
from qa.vn.text import fold
from qa.vn.years import YEAR, years_in

_RULES = lexicon().qualifier_rules
_SCOPE_OPENING = re.compile(r"^\s*(?:" + "|".join(_RULES.scope_cues) + r")\b", re.I)
# after a bullet, or a footnote's number ("²Trong đó: Cty/DN 16; …" read as "2Trong đó")
_BREAKDOWN = re.compile(r"^[\s\-–•*]*(?:\d{1,2}(?=\w))?(?:" + "|".join(_RULES.breakdown_openers) + r")", re.I)
_AGE = re.compile(_RULES.age_group, re.I)
_DATE = re.compile(rf"\d{{1,2}}\s*/\s*\d{{1,2}}(?:\s*/\s*{YEAR})?")
_DATE_OR_YEAR = re.compile(rf"{_DATE.pattern}|(?<!\d){YEAR}(?!\d)")
_NUMBER = re.compile(r"\d")
_NOT_NARROWED = frozenset({"estimate", "target"})
_UNTIL_NOW = re.compile(r"(?<!\w)(?:" + "|".join(_RULES.until_now) + r")(?!\w)", re.I)


def written_value(value_text: str) -> re.Pattern[str]:
    """A value as a text writes it: not a part of another number ("3" of "93%", of "3,5", of "1.300")."""
    return re.compile(rf"(?<![\d.,]){re.escape(value_text)}(?![\d]|[.,]\d)")


def value_at(f: Figure) -> int:
    """Where the value stands in its quote (-1 if it does not): "3" in "… đạt 93%, vượt 3% …" is the second."""
    m = written_value(f.value_text).search(f.quote)
    return m.start() if m else -1


@dataclass(frozen=True, slots=True)
class DocumentScope:
    """What a whole document is about, for the qualifiers every value of it takes: its title and, for a news
    report, the first sentence of its lead ("Sở Y tế tổ chức sơ kết công tác y tế 6 tháng đầu năm")."""

    title: str = ""
    lead: str = ""


def document_scope(doc: ParsedDocument) -> DocumentScope:
    """The title and a news report's lead, found as the metadata finds it (the first line of prose under the
    headline and its date line)."""
    title = doc.meta.title or ""
    if doc.meta.kind != lexicon().news_kind:
        return DocumentScope(title)
    lead = news_lead(read_letterhead(doc.lines))
    return DocumentScope(title, _SENTENCE_END.split(lead, maxsplit=1)[0].strip())


_SENTENCE_END = re.compile(rf"(?<=[.!?;]){NOT_A_SHORTHAND_PERIOD}\s")


_LEADING_ZERO = re.compile(r"(?<= )0(\d)(?= )")


def _periods_in(text: str) -> list[str]:
    """The periods a text names, each in its shortest form ("6 THÁNG ĐẦU NĂM 2023" -> "6 thang"), which every
    question about that period holds ("6 tháng đầu 2023", "6 tháng đầu năm 2023")."""
    phrase = " " + " ".join(re.findall(r"\w+", fold(text))) + " "
    phrase = _LEADING_ZERO.sub(r"\1", phrase)  # "07 tháng đầu năm" is "7 thang"; "9 tháng tuổi" is an age
    found: list[str] = []
    for p in sorted(_RULES.periods, key=len):
        if f" {p} " in phrase and f" {p} tuoi " not in phrase and not any(q in p for q in found):
            found.append(p)
    return found


def periods_in(text: str) -> list[str]:
    return _periods_in(text)


def section_period(f: Figure) -> list[str]:
    """The period a section title or a table column names, for the values reported under it."""
    if f.kind in _NOT_NARROWED:
        return []
    if f.column:
        return _periods_in(f.column)
    return _periods_in(" ".join(f.section.split(" › "))) if f.section else []


def leading_scope(f: Figure) -> list[str]:
    """The period or date span a sentence opens with, before its first figure."""
    quote = f.quote
    masked = _DATE_OR_YEAR.sub(lambda m: "#" * len(m.group(0)), quote)
    first = _NUMBER.search(masked)
    lead = quote[: first.start() if first else len(quote)]
    at = value_at(f)
    if at >= 0 and at < len(lead):
        lead = lead[:at]
    found: list[str] = []
    for segment in re.split(r"[,:;]", lead):
        found += [s for s in _scope_of(segment) if s not in found]
    return found


# A paragraph's opening phrase ended by a colon: "Tính đến 30/6/2023: Dân số … . Số trẻ em sinh ra …".
_PARAGRAPH_OPENING = re.compile(r"^\s*([^:.;]{1,80}):")


def paragraph_scope(paragraph: str) -> list[str]:
    """The period or date span a paragraph opens with, followed by a colon: the colon makes it head every
    sentence of the paragraph, not only the first one."""
    m = _PARAGRAPH_OPENING.match(paragraph)
    return _scope_of(m.group(1)) if m else []


def _scope_of(segment: str) -> list[str]:
    """The period or date span of a phrase that opens with a scope cue ("Tính đến 30/6/2023"), else nothing."""
    if not _SCOPE_OPENING.match(segment):
        return []
    periods = _periods_in(segment)
    dates = list(_DATE.finditer(segment))
    until = _UNTIL_NOW.search(segment)
    if periods:
        return periods
    if dates:  # up to its last date: "tính từ đầu đợt dịch (ngày 08/7/2021) đến ngày 10/12/2023"
        return [_words(segment[: dates[-1].end()])]
    if until:  # "từ đầu năm 2023 đến nay"
        return [_words(segment[: until.end()])]
    return []


# A folded phrase naming a sum over time ("luy tich"): a span that adds up, a label of a running total.
CUMULATIVE = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, _RULES.cumulative)) + r")(?!\w)")
_OWN_TIME = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, _RULES.own_time)) + r")(?!\w)")


def cumulative_spans(scope: list[str], year: int | None) -> list[str]:
    """The spans of a sentence's scope (``leading_scope``, ``paragraph_scope``) that add up over more than
    the period its values are reported for: named so ("luy tich toan tinh den nay") or starting in a year
    before the value's ("tinh tu dau dot dich ngay 08/7/2021 den ngay 10/12/2023" for a 2023 value)."""
    return [
        s for s in scope if CUMULATIVE.search(s) or (year is not None and any(y < year for y in years_in(s)))
    ]


def states_time(text: str) -> bool:
    """Whether a text says when its values are: a period ("6 tháng"), a date or a year, a span until now,
    or a phrase of the report's own period ("Số nhiễm trong năm", "tăng 36 ca so với cùng kỳ")."""
    folded = " ".join(re.findall(r"\w+", fold(text)))
    return bool(
        _periods_in(text) or _DATE_OR_YEAR.search(text) or _UNTIL_NOW.search(text) or _OWN_TIME.search(folded)
    )


def span_carries(start: Figure, f: Figure, lines: Sequence[str]) -> bool:
    """Whether the cumulative span of ``start``'s sentence still holds for ``f``, a later prose value of the
    same section: nothing from ``start``'s value to the end of ``f``'s sentence states a time of its own."""
    if f.column or start.column or f.section != start.section or not 0 < start.line <= f.line <= len(lines):
        return False
    first, last = lines[start.line - 1], lines[f.line - 1]
    after = _value_span(first, start.value_text)[1]
    if f.line == start.line:
        between = first[after : max(after, _value_span(first, f.value_text, last=True)[0])]
    else:
        between = " ".join(
            [first[after:], *lines[start.line : f.line - 1], last[: _value_span(last, f.value_text, True)[0]]]
        )
    return not states_time(f"{between} {f.quote}")


def _value_span(line: str, value_text: str, last: bool = False) -> tuple[int, int]:
    """Where a value stands in a line (its first or last occurrence); the whole line when it is not found, so
    that every word of the line is read."""
    found = list(written_value(value_text).finditer(line))
    if not found:
        return (len(line), 0)
    m = found[-1] if last else found[0]
    return m.start(), m.end()


def _words(text: str) -> str:
    return " ".join(re.findall(r"[\w/]+", fold(text)))


def _age_key(text: str) -> str:
    """'dưới 05 tuổi' -> 'duoi 5 tuoi'; '<5 tuổi' -> 'duoi 5 tuoi'; '≥ 18 tuổi' -> 'tren 18 tuoi'."""
    t = fold(text).replace("<", " duoi ").replace("≤", " duoi ").replace(">", " tren ").replace("≥", " tren ")
    t = re.sub(r"\b0+(\d)", r"\1", t)
    t = re.sub(r"\s*[-–]\s*", "-", t)
    return " ".join(t.split())


def age_groups(text: str, said: str) -> list[str]:
    """Age groups of ``text`` that the indicator (``said``: its name and matched variant) does not state."""
    stated = {_age_key(m.group(0)) for m in _AGE.finditer(said)}
    out: list[str] = []
    for m in _AGE.finditer(text):
        key = _age_key(m.group(0))
        if key not in stated and key not in out:
            out.append(key)
    return out


def sex_breakdown(label: str) -> list[str]:
    """'… thanh niên 18 tuổi: Nam' -> ['nam gioi']: the row of a table broken down by sex."""
    last = re.split(r":\s*", label.strip())[-1].strip(" ()")
    return [_RULES.sex[last]] if last != label.strip() and last in _RULES.sex else []


def listed_part(f: Figure) -> list[str]:
    """A value listed by name inside the parentheses after a total: "Tổng số lần khám: 1.721.470 (tuyến tỉnh:
    193.929, …, TYT: 558.949)" -> ['tyt'] for 558.949. A name that is a figure kind ("KH: 47,5%") is no part."""
    at = value_at(f)
    if at < 0:
        return []
    before = f.quote[:at]
    opened = before.rfind("(")
    if opened < 0 or before.rfind(")") > opened:
        return []
    m = re.search(r"(?:^|[(,;])\s*([^(),;:]{1,40}):\s*$", before[opened:])
    if not m:
        return []
    name = " ".join(re.findall(r"\w+", fold(m.group(1))))
    return [] if not name or name in _KIND_NAMES else [name]


def parenthesised_part(f: Figure) -> list[str]:
    """A count listed in the parentheses right after its total: "550 chứng chỉ hành nghề (324 chứng chỉ hành nghề
    y, 226 chứng chỉ hành nghề dược)" -> ['chung chi hanh nghe y'] for 324. Not a percentage or a rate restating
    the total ("187/209 (89,5%)", "trên 100.000 dân (77,62 ca/100.000 dân)"), a plan or a change ("(KH 9,3)",
    "(tăng 19,7%)"): only a count opening its item."""
    at = value_at(f)
    if at < 0 or any(mark in (f.unit or "") for mark in ("%", "‰", "/")):
        return []  # a share or a rate restates the total, it is no part of it
    before = f.quote[:at]
    opened = before.rfind("(")
    if opened < 0 or before.rfind(")") > opened or not _TOTAL_BEFORE.search(before[:opened]):
        return []
    inside = before[opened + 1 :]
    if inside.strip() and not _EARLIER_ITEMS.fullmatch(inside):
        return []
    return _named_after(f, at, r"[,;)]")


# A sentence opening on the whole country: "Tại Việt Nam, … dịch sốt xuất huyết bùng phát với hơn 166.000 trường
# hợp mắc …" in a province's plan (lexicon qualifiers.nationwide).
_NATIONWIDE = re.compile(r"^(?:" + "|".join(re.escape(p) for p in _RULES.nationwide) + r")(?!\w)")
_SENTENCE_BREAK = re.compile(r"[.!?]" + NOT_A_SHORTHAND_PERIOD + r"\s+")
NATIONWIDE = "ca nuoc"  # the qualifier of a value of the whole country, as a label "cả nước" gives it


def nationwide(f: Figure, line: str) -> list[str]:
    """['ca nuoc'] for a prose value whose sentence, in its source ``line``, opens on the whole country."""
    if f.column:
        return []
    at = line.find(f.quote)
    if at < 0:
        return []
    at += max(0, value_at(f))
    start = max((m.end() for m in _SENTENCE_BREAK.finditer(line, 0, at)), default=0)
    head = fold(line[start:]).lower().lstrip(" -+*•–")
    return [NATIONWIDE] if _NATIONWIDE.match(head) else []


def part_in_sentence(f: Figure) -> list[str]:
    """A count its sentence gives as part of the total before it: "… đang điều trị ARV là 605 bệnh nhân, trong đó
    có 13 trẻ em" -> ['tre em'] for 13: the words after the value, to the clause's end."""
    at = value_at(f)
    if at < 0 or any(mark in (f.unit or "") for mark in ("%", "‰", "/")):
        return []
    m = _OPENER_THEN_VALUE.search(f.quote[:at])
    if not m or not _NUMBER.search(f.quote[: m.start()]):
        return []
    return _named_after(f, at, r"[,;.()]")


def part_named_before(f: Figure) -> list[str]:
    """A part its sentence names between "trong đó" and the value, after a total: "được hỗ trợ 50% mức đóng (trong
    đó, ngân sách địa phương hỗ trợ 20%)" -> ['ngan sach dia phuong ho tro'] for 20. A share too: the opener says
    it is a part, not the total restated."""
    at = value_at(f)
    if at < 0:
        return []
    m = _OPENER_THEN_NAME.search(f.quote[:at])
    if not m or not _NUMBER.search(f.quote[: m.start()]):
        return []
    words = re.findall(r"[^\W\d_]+", fold(m.group("name")))
    # a name says something: "trong đó có 13 trẻ em" has only "có" before the value (its part follows it)
    return [" ".join(words)] if len(words) >= MIN_PART_NAME_WORDS else []


# Words a part's name has at least (one word before a value is a verb or glue: "có", "là", "chiếm").
MIN_PART_NAME_WORDS = 2


def _named_after(f: Figure, at: int, end: str) -> list[str]:
    """The part's name: the words after its value up to ``end`` (folded), as one qualifier."""
    name = re.split(end, f.quote[at + len(f.value_text) :], maxsplit=1)[0]
    words = " ".join(re.findall(r"[^\W\d_]+", fold(name)))
    return [words] if words else []


# The openers that are words ("trong đó", "gồm"), not a bullet ("+").
_WORD_OPENERS = "|".join(w for w in _RULES.breakdown_openers if w.isalpha() or " " in w)
# "…, trong đó có ", "(trong đó: ", "… bao gồm ": the opener right before a value
_OPENER_THEN_VALUE = re.compile(r"(?:^|[\s,(;])(?:" + _WORD_OPENERS + r")(?:\s+(?:có|là))?\s*:?\s*$", re.I)
# "(trong đó, ngân sách địa phương hỗ trợ ": an opener, then the words naming the part, right before its value
_OPENER_THEN_NAME = re.compile(
    r"(?:^|[\s,(;])(?:" + _WORD_OPENERS + r")\s*[,:]?\s+(?P<name>[^\W\d_][^\d,;:()]{2,60}?)\s*[:]?\s*$", re.I
)


# a total right before the parenthesis: "550 chứng chỉ hành nghề ("
_TOTAL_BEFORE = re.compile(r"\d[\d.,]*\s+[^\W\d_][^\d()]{0,60}\s*$")
# the items listed before this one inside the parenthesis: "324 chứng chỉ hành nghề y, "
_EARLIER_ITEMS = re.compile(r"(?:\s*\d[\d.,]*\s+[^\d,;()]+,)+\s*")


_KIND_NAMES = frozenset(p for k in lexicon().figure_kinds.values() for p in k.column_prefixes)


def clause_after(f: Figure) -> str:
    """The words right after the value, to the clause's end: "chiếm hơn 70% tổng tiền thuốc … tại các cơ sở
    khám chữa bệnh công lập"."""
    at = value_at(f)
    if at < 0:
        return ""
    return re.split(r"[,;.()]", f.quote[at + len(f.value_text) :].lstrip(" %"), maxsplit=1)[0]


def change_reference(f: Figure) -> list[str]:
    """A change keeps what it changed against as its qualifier: "Số lượt khám bệnh (tăng so với cùng kỳ năm
    2022)" -> ['so voi cung ky'], which a question about the change holds ("tăng bao nhiêu so với cùng kỳ")."""
    m = _CHANGE.search(f.indicator)
    return [reference_words(m.group("ref"))] if m else []


def reference_words(reference: str) -> str:
    """What a change was measured against, as a qualifier: "so với cùng kỳ năm 2022" -> "so voi cung ky"."""
    return re.sub(rf"\s*(?:nam\s+)?{YEAR}$", "", " ".join(re.findall(r"\w+", fold(reference))))


def is_change_reference(qualifier: str) -> bool:
    """Whether a qualifier is what a change was measured against (``change_reference``: "so voi cung ky")."""
    return qualifier.startswith("so voi")


_CHANGE = re.compile(
    r"\((?:"
    + "|".join(lexicon().prose_targets.change_verbs)
    + r") (?P<ref>"
    + lexicon().prose_targets.change_reference
    + r")\)$",
    re.I,
)


def opens_parts(f: Figure) -> bool:
    """A figure whose sentence ends by announcing its parts: "Tổng tiền thuốc sử dụng nội trú: … đồng, trong đó:"."""
    return bool(re.search(r"(?:" + "|".join(_RULES.breakdown_openers) + r")\s*:\s*$", f.quote, re.I))


def names_its_parts(f: Figure) -> bool:
    """A sentence that says it lists parts ("Trong đó: …", "Gồm …"), not only a bullet ("+ Tổng số …")."""
    return bool(_NAMED_BREAKDOWN.match(f.quote))


_NAMED_BREAKDOWN = re.compile(r"^[\s\-–•*+]*(?:\d{1,2}(?=\w))?(?:" + _WORD_OPENERS + r")", re.I)


def is_breakdown(f: Figure) -> bool:
    """A sentence giving the parts of the figure before it: 'Trong đó: Tuyến tỉnh …', '+ Động kinh: …'."""
    return bool(_BREAKDOWN.match(f.quote))


_AIMED = re.compile(r"\((?P<verb>" + "|".join(lexicon().prose_targets.change_verbs) + r")\)$", re.I)


def aimed_change(f: Figure, said: str) -> list[str]:
    """A change an objective sets ("trường hợp sinh con thứ 3 trở lên (giảm)": 1,5%, figures/prose.py) is no level
    of the indicator it changes: its verb qualifies it (a question asking the level does not ask it), unless the
    indicator is itself a change ("giảm tỷ lệ sinh")."""
    m = _AIMED.search(f.indicator)
    verb = fold(m.group("verb")).lower() if m else ""
    return [verb] if verb and verb not in fold(said).lower().split() else []
