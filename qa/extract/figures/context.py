"""What a document says about the years of its figures, and quotes clipped around a value."""

from __future__ import annotations

import re

from qa.models import Block, FigureKind, ParsedDocument
from qa.vn.lexicon import lexicon
from qa.vn.text import collapse_ws, fold
from qa.vn.years import YEAR

# ---------------------------------------------------------------- shared helpers


MAX_QUOTE = 300

_SECTION_ACTUAL = re.compile("|".join(lexicon().figure_kinds["actual"].section_cues), re.I)
_SECTION_PLAN = re.compile("|".join(lexicon().figure_kinds["plan"].section_cues), re.I)


def section_kind(block: Block) -> FigureKind | None:
    """What the nearest section title naming one says its values are: "Kết quả …" results, "Mục tiêu …" plans."""
    for title in reversed(block.section):
        if _SECTION_ACTUAL.search(title):
            return "actual"
        if _SECTION_PLAN.search(title):
            return "plan"
    return None


def dated_year(doc: ParsedDocument) -> int | None:
    """The year of the document's own date ("2023-12-25"), or None when it carries none."""
    return int(doc.meta.date[:4]) if doc.meta.date and re.match(r"\d{4}", doc.meta.date) else None


def base_year(doc: ParsedDocument) -> int | None:
    """The document's own year: its date, else the earliest year it is about; but an undated news report tells
    the present and compares it with the past ("9 tháng đầu năm 2011 … so với cùng kỳ năm 2010", "trong khi
    năm 2010 có 2 ca tử vong"): its own year is the latest it names that it does not name as a time to reach
    ("đến năm 2025"). Reads the whole text: once per document."""
    dated = dated_year(doc)
    if dated is not None:
        return dated
    if not doc.meta.years:
        return None
    if doc.meta.kind in (None, lexicon().news_kind) and not any(b.kind == "heading" for b in doc.blocks):
        text = "\n".join(doc.lines)
        ahead = {int(m.group(1)) for m in _TIME_TO_REACH.finditer(text)}
        reported = [y for y in doc.meta.years if y not in ahead]
        said = [y for y in reported if y not in _only_aimed_at(text)]
        if reported:
            return max(said or reported)
    return min(doc.meta.years)


# A year named as a time to reach: "đến năm 2025", "vào năm 2030", "tầm nhìn đến năm 2045" (lexicon reach_cues).
_TIME_TO_REACH = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in lexicon().document_years.reach_cues)
    + rf")\s+({YEAR})(?!\d)",
    re.IGNORECASE,
)


# A sentence that aims ("Năm 2026, ngành Y tế tiếp tục phấn đấu duy trì …", the target cues of the lexicon): a year
# that only such sentences name is one the report looks ahead to, not its own.
_AIMING = re.compile(r"(?<!\w)(?:" + "|".join(lexicon().figure_kinds["target"].text_cues) + r")", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_A_YEAR = re.compile(rf"(?<!\d)({YEAR})(?!\d)")


def _only_aimed_at(text: str) -> set[int]:
    aimed: set[int] = set()
    said: set[int] = set()
    for sentence in _SENTENCE_END.split(text):
        years = {int(y) for y in _A_YEAR.findall(sentence)}
        (aimed if _AIMING.search(sentence) else said).update(years)
    return aimed - said


def horizon(doc: ParsedDocument, block: Block) -> int | None:
    """Target year of a strategy ('... đến năm 2030') named in the title or the section path."""
    text = fold(" ".join([doc.meta.title, *block.section]))
    years = [int(y) for y in re.findall(rf"den nam ({YEAR})", text)]
    return min(years) if years else None


def clip_quote(text: str, start: int, end: int, lo: int, hi: int) -> str:
    """Whitespace-collapsed text[lo:hi], or a 300-character window around [start, end) of it."""
    quote = collapse_ws(text[lo:hi])
    if len(quote) <= MAX_QUOTE:
        return quote
    a = max(lo, start - 120)
    b = min(hi, max(end + 60, a + MAX_QUOTE))
    return collapse_ws(text[a:b])[:MAX_QUOTE].strip()
