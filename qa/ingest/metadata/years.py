"""The years a document covers: the years it gives figures or targets for, and the year it was issued.

Counted: the issue year; every year of the title; the years of its headings and capitalised title lines
(a range by its two ends); the years of its table columns ("KH 2023", "Năm 2030"); the target years of its
objectives ("Đến năm 2016: giảm …", "vào năm 2030", "giai đoạn 2021 - 2025") in the sections named
"Mục tiêu …"/"… chỉ tiêu …", or, in a document without sections (a news report), in the sentences that state a
target ("phấn đấu …", "mục tiêu …"); and the year a comparison points back from ("so với cùng kỳ năm 2022" ->
2023 is reported; in an undated news report also "tăng 5,1 lần so với năm 2021" -> 2022, not 2021).

Not counted: the years of the documents it cites ("Quyết định 122/QĐ-TTg năm 2013", "ngày 23/01/2024") and
of its narrative ("giai đoạn 2021-2025" in passing).

A range counts by its two ends, not every year between: "2024-2030" -> 2024, 2030 (with the target years
named inside it). The answer step tests a question's year against the span of a province's years (min to
max), so the ends are what it needs, and listing 2025-2029 would claim figures the plan never gives for them.
"""

from __future__ import annotations

import re

from qa.ingest.metadata.casing import is_capitalised
from qa.models import Block
from qa.vn.lexicon import lexicon
from qa.vn.so_hieu import NUMBER_RE
from qa.vn.text import fold
from qa.vn.years import YEAR, years_in

_LEX = lexicon()
_TARGET_CUE = re.compile(
    r"(?<!\w)(?:" + "|".join(_LEX.document_years.target_cues) + rf")\s+({YEAR})(?:\s*[-–]\s*({YEAR}))?(?!\d)",
    re.I,
)
_REPORT_CUE = re.compile(rf"{re.escape(_LEX.document_years.report_cue)}\s+({YEAR})(?!\d)", re.I)
_BASELINE_CUE = re.compile(rf"(?<!\w){_LEX.document_years.baseline_cue}\s+({YEAR})(?!\d)", re.I)
_STATUS_CUE = re.compile(
    r"(?<!\w)(?:" + "|".join(_LEX.document_years.status_cues) + rf")\s+({YEAR})(?!\d)", re.I
)
_TARGET_SENTENCE = re.compile(r"(?<!\w)(?:" + "|".join(_LEX.figure_kinds["target"].text_cues) + r")", re.I)
# A sentence ends at . ! ? ; but not inside a number ("8.981 tỷ đồng", "1.500 ca").
_SENTENCE = re.compile(r"(?:[^.!?;]|[.,](?=\d))+")
# A figure: a number with a percent sign, a rate per population or a unit ("78,4%", "20/100.000", "/vạn",
# "395.850 người", "8.981 tỷ đồng"); a year alone is no figure.
_FIGURE = re.compile(
    r"(?<![\d/])\d[\d.,]*\s*(?:%|‰|/\s*(?:vạn|\d[\d.]*)(?!\d)|(?:"
    + "|".join(re.escape(u) for u in sorted(_LEX.units.strong, key=len, reverse=True))
    + r")(?!\w))",
    re.I,
)
# A cited document and its date: "Quyết định 122/QĐ-TTg năm 2013", "số 02/QĐ-TTg ngày 05 tháng 01 năm 2022".
_CITED_DATE = re.compile(
    rf"\s*(?:ngày\s+\d{{1,2}}\s*(?:tháng\s+\d{{1,2}}\s*năm\s+{YEAR}|[/.-]\s*\d{{1,2}}\s*[/.-]\s*{YEAR})|năm\s+{YEAR})",
    re.I,
)
_DATE = re.compile(
    rf"\d{{1,2}}\s*[/.-]\s*\d{{1,2}}\s*[/.-]\s*{YEAR}|ngày\s+\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+{YEAR}",
    re.I,
)
_MAX_TITLE_LINE = 200  # a capitalised block longer than this is a paragraph typed in capitals, not a title
_MIN_YEAR, _MAX_YEAR = 1990, 2100


def document_years(
    title: str, blocks: list[Block], date: str | None, lines: list[str], lead: str = ""
) -> list[int]:
    """``lead``: a news report's first sentence, which says what is reported (its period counts like a
    title's)."""
    named = set(years_in(_without_citations(title)))
    named.update(_target_years(_without_comparisons(_without_citations(_first_sentence(lead)))))
    years: set[int] = set(named)
    if date:
        years.add(int(date[:4]))
    # Targets lie ahead of the document: a past year in its objectives is a baseline ("so với năm 2015").
    base = min([int(date[:4])] if date else sorted(named)[:1] or [_MIN_YEAR])
    has_sections = any(b.kind == "heading" for b in blocks)
    # the years of the sentences with figures, counted when nothing else dates the text
    reported: set[int] = set()
    for b in blocks:
        if b.kind == "heading":
            years.update(years_in(_without_citations(b.text)))
        elif b.row is not None:
            for column, _ in b.row.values:
                years.update(years_in(column))
        else:
            text = _without_citations(b.text)
            years.update(int(y) for y in _STATUS_CUE.findall(text))
            for sentence in _SENTENCE.findall(text):
                if _in_targets(b) or not has_sections and _TARGET_SENTENCE.search(sentence):
                    years.update(y for y in _target_years(sentence) if y >= base)
                if _FIGURE.search(_without_years(sentence)):
                    found = _reported_years(sentence, date)
                    reported.update(found)
                    if not has_sections:
                        years.update(found)
    for line in lines:  # title lines typed in capitals that the structure did not make headings
        if len(line.strip()) <= _MAX_TITLE_LINE and is_capitalised(line):
            years.update(years_in(_without_citations(line)))
    years.update(int(y) + 1 for y in _REPORT_CUE.findall(_without_citations("\n".join(lines))))
    if not any(_MIN_YEAR <= y <= _MAX_YEAR for y in years):
        # No title, heading, date or objective dates it (a news page cut from its site, under a subheading of
        # its own): the years its figures are reported in do.
        years = reported
    return sorted(y for y in years if _MIN_YEAR <= y <= _MAX_YEAR)


def _reported_years(sentence: str, date: str | None) -> set[int]:
    """The years a sentence with figures reports (not what its changes compare with); undated, a change's baseline
    is not the year reported: the next one is."""
    if date:
        return set(years_in(_without_comparisons(sentence)))
    found = set(years_in(_without_baselines(_without_comparisons(sentence))))
    return found | {int(y) + 1 for y in _BASELINE_CUE.findall(sentence)}


def _in_targets(block: Block) -> bool:
    return is_objectives_section(block.section)


# A section of results names its objectives too ("I. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, CHỈ TIÊU NĂM 2021"): any
# title of the path with a result word (figure_kinds.actual.section_cues) makes it a section of results.
_RESULTS_SECTION = re.compile("|".join(_LEX.figure_kinds["actual"].section_cues), re.I)


def is_objectives_section(section: tuple[str, ...]) -> bool:
    """A section of objectives ("I. MỤC TIÊU › 2. Mục tiêu cụ thể"), not one of results about them."""
    named = any(any(w in fold(title) for w in _LEX.document_years.target_sections) for title in section)
    return named and not any(_RESULTS_SECTION.search(title) for title in section)


def _target_years(text: str) -> set[int]:
    found: set[int] = set()
    for m in _TARGET_CUE.finditer(text):
        found.update(int(y) for y in m.groups() if y)
    return found


def _first_sentence(text: str) -> str:
    found = _SENTENCE.search(text)
    return found.group(0) if found else ""


def _without_comparisons(text: str) -> str:
    """The text without the year a same-period comparison points back to ("so với cùng kỳ năm 2022")."""
    return _REPORT_CUE.sub(lambda m: " " * len(m.group(0)), text)


def _without_baselines(text: str) -> str:
    """The text without the year a change is measured from ("tăng 5,1 lần so với năm 2021")."""
    return _BASELINE_CUE.sub(lambda m: " " * len(m.group(0)), text)


def _without_years(text: str) -> str:
    """Years blanked, so that "năm 2020 đạt" does not read as a figure of 2020 units."""
    return re.sub(rf"(?<![\d.,]){YEAR}(?![\d.,]\d)", lambda m: " " * len(m.group(0)), text)


def _without_citations(text: str) -> str:
    """The text with cited document numbers, their dates and other dates blanked out."""
    out = text
    for m in NUMBER_RE.finditer(text):
        end = m.end()
        date = _CITED_DATE.match(text, end)
        if date:
            end = date.end()
        out = out[: m.start()] + " " * (end - m.start()) + out[end:]
    return _DATE.sub(lambda m: " " * len(m.group(0)), out)
