"""Word .docx: paragraphs and tables in document order; headings and bold runs marked as markdown."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from qa.ingest.formats.checks import short_reason
from qa.ingest.formats.text import convert_legacy
from qa.ingest.legacy_vn import LegacyEncoding
from qa.models import IngestError, LoadedText

# ---------------------------------------------------------------- DOCX

_HEADING_RE = re.compile(r"^heading (\d)$", re.IGNORECASE)
# TCVN3 fonts that only have capitals (.VnTimeH, .VnArialH ...) and the families of each encoding.
_TCVN3_UPPER_FONT_RE = re.compile(r"^\.vn.*h$", re.IGNORECASE)
_FONT_FAMILIES: tuple[tuple[re.Pattern[str], LegacyEncoding], ...] = (
    (re.compile(r"^\.vn", re.IGNORECASE), "tcvn3"),
    (re.compile(r"^vni[- ]", re.IGNORECASE), "vni"),
)


@dataclass(slots=True)
class _Line:
    """A line being built from pieces; `upper` marks pieces set in an uppercase-only TCVN3 font."""

    pieces: list[tuple[str, bool]] = field(default_factory=list)

    def add(self, text: str, upper: bool = False) -> None:
        if text:
            self.pieces.append((text, upper))

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.pieces)


@dataclass(slots=True)
class _FontStats:
    """Characters per legacy font family, a hint when detection on the text alone is unsure."""

    chars: dict[str, int] = field(default_factory=dict)

    def add(self, font: str | None, text: str) -> None:
        n = len(text.strip())
        family = next((enc for rx, enc in _FONT_FAMILIES if font and rx.match(font)), "")
        self.chars[family] = self.chars.get(family, 0) + n

    def hint(self) -> LegacyEncoding | None:
        total = sum(self.chars.values())
        if not total:
            return None
        for encoding in ("tcvn3", "vni"):
            if self.chars.get(encoding, 0) * 2 > total:
                return encoding
        return None


def _style_attr(style: BaseStyle | None, getter: Callable[[Any], Any]) -> Any:
    """First non-None value along a style's base_style chain."""
    seen = 0
    while style is not None and seen < 20:  # guard against cyclic base styles
        value = getter(style)
        if value is not None:
            return value
        style = getattr(style, "base_style", None)
        seen += 1
    return None


def _run_font(run: Run, para_font: str | None) -> str | None:
    """Font of the run's letters: w:hAnsi covers 0x80-0xFF (the legacy codes), then w:ascii."""
    rpr = run._r.rPr
    fonts = rpr.rFonts if rpr is not None else None
    if fonts is not None:
        name = fonts.get(qn("w:hAnsi")) or fonts.get(qn("w:ascii"))
        if name:
            return str(name)
    return _style_attr(run.style, lambda s: s.font.name) or para_font


def _run_bold(run: Run, para_bold: bool) -> bool:
    if run.bold is not None:
        return bool(run.bold)
    style_bold = _style_attr(run.style, lambda s: s.font.bold)
    return bool(style_bold) if style_bold is not None else para_bold


# Runs of a paragraph in reading order, including hyperlinks, tracked insertions and fields.
_RUN_XPATH = (
    "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r"
    " | ./w:sdt/w:sdtContent/w:r | ./w:customXml/w:r"
)


def _paragraph_runs(paragraph: Paragraph, fonts: _FontStats) -> tuple[list[tuple[str, bool, bool]], int]:
    """(text, bold, upper-font) per run, and the heading level (0 = not a heading)."""
    style = paragraph.style
    name = (style.name or "") if style is not None else ""
    match = _HEADING_RE.match(name)
    level = int(match.group(1)) if match else 1 if name.lower() == "title" else 0
    para_font = _style_attr(style, lambda s: s.font.name)
    para_bold = bool(_style_attr(style, lambda s: s.font.bold))
    runs: list[tuple[str, bool, bool]] = []
    for r in paragraph._p.xpath(_RUN_XPATH):
        run = Run(r, paragraph)
        text = run.text.replace("\n", " ")  # a soft line break stays inside the paragraph's line
        if not text:
            continue
        font = _run_font(run, para_font)
        fonts.add(font, text)
        runs.append((text, _run_bold(run, para_bold), bool(font and _TCVN3_UPPER_FONT_RE.match(font))))
    return runs, level


def _paragraph_line(paragraph: Paragraph, fonts: _FontStats, markup: bool = True) -> _Line:
    """The paragraph's text; with markup, "# " for headings and "**...**" for bold-only text
    (not in table cells, where bold header rows would hide the column names)."""
    runs, level = _paragraph_runs(paragraph, fonts)
    if not markup:
        level = 0
    line = _Line()
    text = "".join(t for t, _, _ in runs)
    if level and text.strip():
        line.add("#" * level + " ")
    visible = [bold for t, bold, _ in runs if t.strip()]
    bold_only = markup and not level and bool(visible) and all(visible)
    if bold_only:  # a bold-only paragraph is usually an unnumbered heading: keep it recognisable
        runs = _strip_runs(runs)
        line.add("**")
    for t, _, upper in runs:
        line.add(t, upper)
    if bold_only:
        line.add("**")
    return line


def _strip_runs(runs: list[tuple[str, bool, bool]]) -> list[tuple[str, bool, bool]]:
    """Drop leading/trailing whitespace across runs ("** text **" would not read as bold)."""
    runs = list(runs)
    while runs and not runs[0][0].lstrip():
        runs.pop(0)
    while runs and not runs[-1][0].rstrip():
        runs.pop()
    if runs:
        runs[0] = (runs[0][0].lstrip(), *runs[0][1:])
        runs[-1] = (runs[-1][0].rstrip(), *runs[-1][1:])
    return runs


def _cell_line(cell: _Cell, fonts: _FontStats) -> _Line:
    """A cell on one line: its paragraphs (and nested tables) joined by spaces, no tabs."""
    out = _Line()
    for child in cell._tc.iterchildren():
        if child.tag == qn("w:p"):
            parts = [_paragraph_line(Paragraph(child, cell), fonts, markup=False)]
        elif child.tag == qn("w:tbl"):
            parts = _table_lines(Table(child, cell), fonts)
        else:
            continue
        for part in parts:
            if not part.text.strip():
                continue
            if out.pieces:
                out.add(" ")
            for text, upper in part.pieces:
                out.add(text.replace("\t", " "), upper)
    return out


def _table_lines(table: Table, fonts: _FontStats) -> list[_Line]:
    """One line per row, cells joined by tabs; a merged cell repeated by python-docx counts once."""
    lines: list[_Line] = []
    for row in table.rows:
        cells: list[_Line] = []
        prev_tc = None
        for cell in row.cells:
            if cell._tc is prev_tc:
                continue
            prev_tc = cell._tc
            cells.append(_cell_line(cell, fonts))
        if not any(c.text.strip() for c in cells):
            continue  # an empty row would end the table for the structure parser
        line = _Line()
        for i, cell_line in enumerate(cells):
            if i:
                line.add("\t")
            line.pieces.extend(cell_line.pieces)
        lines.append(line)
    return lines


def _body_lines(container: DocxDocument, elements: Iterator[Any], fonts: _FontStats) -> Iterator[_Line]:
    """Paragraphs and tables in document order; a table gets an empty line before and after."""
    for el in elements:
        if el.tag == qn("w:p"):
            yield _paragraph_line(Paragraph(el, container), fonts)
        elif el.tag == qn("w:tbl"):
            yield _Line()
            yield from _table_lines(Table(el, container), fonts)
            yield _Line()
        elif el.tag == qn("w:sdt"):  # content control: its content is ordinary body content
            for content in el.iterchildren(qn("w:sdtContent")):
                yield from _body_lines(container, content.iterchildren(), fonts)


def load_docx(data: bytes) -> LoadedText:
    fonts = _FontStats()
    try:
        document = docx.Document(BytesIO(data))
        body = document.element.body
        built = list(_body_lines(document, body.iterchildren(), fonts))
    except Exception as exc:  # python-docx/lxml/zipfile errors on malformed packages
        raise IngestError(f"tệp DOCX hỏng: {short_reason(exc)}") from None
    lines = [line.text for line in built]
    spans = _upper_spans(built)
    lines, legacy = convert_legacy(lines, spans, hint=fonts.hint())
    return LoadedText(lines=lines, pages=[None] * len(lines), fmt="docx", encoding=legacy or "")


def _upper_spans(lines: list[_Line]) -> list[tuple[int, int]]:
    """Offsets, in the lines joined by "\\n", of text set in uppercase-only TCVN3 fonts."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in lines:
        for text, upper in line.pieces:
            if upper:
                spans.append((pos, pos + len(text)))
            pos += len(text)
        pos += 1  # the "\n"
    return spans
