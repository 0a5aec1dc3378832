"""Generate real PDF/DOCX files from text for loader and pipeline tests.

make_pdf(path, paragraphs, font)  - fpdf2 with a TTF font; "\\f" starts a new page, lines with tabs
                                    become table rows (consecutive ones form one table).
make_docx(path, blocks)           - python-docx: DocHeading / DocPara / DocTable, or plain str.
docx_blocks_from_lines(lines)     - a corpus .txt as DOCX blocks (tab lines -> tables).
find_font()                       - a TTF with Vietnamese glyphs on this machine, or None.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import docx
from docx.table import _Cell

if TYPE_CHECKING:
    from docx.document import Document
    from fpdf import FPDF

PAGE_BREAK = "\f"

# Fonts known to cover Vietnamese (Latin Extended Additional); first found wins.
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
)


def find_font() -> Path | None:
    known = next((Path(p) for p in _FONT_CANDIDATES if Path(p).is_file()), None)
    return known or _fc_list_vietnamese()


def _fc_list_vietnamese() -> Path | None:
    """Any TrueType font fontconfig says covers Vietnamese."""
    try:
        out = subprocess.run(["fc-list", ":lang=vi", "file"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.strip().rstrip(":") for line in out.stdout.splitlines())
    return next((Path(f) for f in files if f.lower().endswith(".ttf")), None)


@dataclass(slots=True)
class DocHeading:
    text: str
    level: int = 1


@dataclass(slots=True)
class DocPara:
    text: str
    bold: bool = False


@dataclass(slots=True)
class DocTable:
    """Rows of cells; a row shorter than the widest row gets its last cell merged to the right
    edge, so the loader (which counts a merged cell once) gives back exactly these cells."""

    rows: list[list[str]]
    merges: list[tuple[int, int, int]] = field(default_factory=list)  # (row, first col, last col)


DocBlock = DocHeading | DocPara | DocTable | str


def make_docx(path: Path, blocks: Iterable[DocBlock]) -> Path:
    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            block = DocPara(block)
        if isinstance(block, DocHeading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, DocPara):
            paragraph = document.add_paragraph()
            if block.text:
                paragraph.add_run(block.text).bold = block.bold or None
        else:
            _add_table(document, block)
    document.save(str(path))
    return path


def _add_table(document: Document, table: DocTable) -> None:
    width = max(len(row) for row in table.rows)
    grid = document.add_table(rows=len(table.rows), cols=width)
    merges = list(table.merges)
    for r, row in enumerate(table.rows):
        if len(row) < width:
            merges.append((r, len(row) - 1, width - 1))
    for r, first, last in merges:
        grid.cell(r, first).merge(grid.cell(r, last))
    for r, row in enumerate(table.rows):
        # a merged cell repeats in row.cells: values go to the distinct cells, left to right
        for cell, text in zip(_distinct(grid.rows[r].cells), row, strict=False):
            cell.text = text


def _distinct(cells: Sequence[_Cell]) -> list[_Cell]:
    out: list[_Cell] = []
    for cell in cells:
        if not out or cell._tc is not out[-1]._tc:
            out.append(cell)
    return out


def docx_blocks_from_lines(lines: Sequence[str]) -> list[DocBlock]:
    """A .txt document as DOCX blocks: runs of tab-separated lines become one table, blank lines
    next to a table are dropped (the loader puts its own blank line around tables)."""
    blocks: list[DocBlock] = []
    for is_table, group in _groups(lines):
        if is_table:
            while blocks and blocks[-1] == DocPara(""):
                blocks.pop()
            blocks.append(DocTable([line.split("\t") for line in group]))
        else:
            if blocks and isinstance(blocks[-1], DocTable):
                while group and not group[0].strip():
                    group = group[1:]
            blocks.extend(DocPara(line) for line in group)
    return blocks


def _groups(lines: Sequence[str]) -> Iterator[tuple[bool, list[str]]]:
    current: list[str] = []
    in_table = False
    for line in lines:
        is_row = "\t" in line
        if current and is_row != in_table:
            yield in_table, current
            current = []
        in_table = is_row
        current.append(line)
    if current:
        yield in_table, current


def make_pdf(path: Path, paragraphs: Iterable[str], font: Path, size: float = 11) -> Path:
    """A text PDF: each paragraph wrapped to the page width; PAGE_BREAK ("\\f") starts a new page;
    consecutive lines containing tabs are drawn as a table (one row per line)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("body", "", str(font))
    pdf.set_font("body", size=size)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    for is_table, group in _groups(list(paragraphs)):
        if is_table:
            _pdf_table(pdf, [line.split("\t") for line in group])
            continue
        for paragraph in group:
            if paragraph == PAGE_BREAK:
                pdf.add_page()
            else:
                pdf.multi_cell(0, size * 0.55, paragraph, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def _pdf_table(pdf: FPDF, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    # columns as wide as their longest cell (within reason): fewer wrapped cells
    longest = [max((len(row[c]) for row in rows if c < len(row)), default=1) for c in range(width)]
    col_widths = tuple(min(max(n, 3), 60) for n in longest)
    with pdf.table(first_row_as_headings=False, col_widths=col_widths) as table:
        for row in rows:
            cells = table.row()
            for text in row + [""] * (width - len(row)):
                cells.cell(text)


# ---------------------------------------------------------------- scanned pages (images only)

SCAN_DPI = 200  # a common office-scanner setting; Tesseract reads 10-11 pt text well from 200 dpi up


@dataclass(slots=True)
class _Pen:
    """Where the next line goes on a page image being drawn."""

    y: int
    page: int = 0


def make_scanned_pdf(
    path: Path,
    paragraphs: Iterable[str],
    font: Path,
    dpi: int = SCAN_DPI,
    size_pt: float = 11,
    stamp: bool = False,
) -> list[str]:
    """An image-only PDF, as a scanner makes it: the paragraphs drawn with Pillow on A4 pages at
    ``dpi`` (no text layer). PAGE_BREAK starts a page; consecutive lines with tabs are drawn as a ruled
    table, one row per line. ``stamp`` adds a red round seal and a signature scribble on the last page.

    Returns the text drawn on each page (table rows as tab-separated lines): what OCR should give back."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = round(8.27 * dpi), round(11.69 * dpi)
    margin = round(0.8 * dpi)
    body = ImageFont.truetype(str(font), round(size_pt / 72 * dpi))
    small = ImageFont.truetype(str(font), round((size_pt - 1) / 72 * dpi))
    line_h = round(body.size * 1.45)
    pages: list[Image.Image] = []

    def new_page() -> ImageDraw.ImageDraw:
        pages.append(Image.new("RGB", (width, height), "white"))
        return ImageDraw.Draw(pages[-1])

    drawn: list[list[str]] = []
    new_page()
    pen = _Pen(margin)

    def draw() -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(pages[-1])

    def room(needed: int) -> None:
        if pen.y + needed > height - margin:
            new_page()
            pen.y = margin

    def record(text: str) -> None:
        while len(drawn) < len(pages):
            drawn.append([])
        drawn[len(pages) - 1].append(text)

    for is_table, group in _groups(list(paragraphs)):
        if is_table:
            rows = [line.split("\t") for line in group]
            _draw_table(rows, small, margin, width - margin, pen, room, draw, record)
            pen.y += line_h // 2
            continue
        for paragraph in group:
            if paragraph == PAGE_BREAK:
                new_page()
                pen.y = margin
                continue
            for line in _wrap(paragraph, body, width - 2 * margin) or [""]:
                room(line_h)
                draw().text((margin, pen.y), line, font=body, fill="black")
                record(line)
                pen.y += line_h
    if stamp:
        _draw_stamp(ImageDraw.Draw(pages[-1]), small, (width - margin - dpi, pen.y + dpi // 3), dpi)
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return ["\n".join(lines) for lines in drawn] + [""] * (len(pages) - len(drawn))


def _wrap(text: str, font, width: int) -> list[str]:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _draw_table(rows, font, left, right, pen, room, current_draw, record) -> None:  # type: ignore[no-untyped-def]
    """A ruled table: columns as wide as their longest cell (the rest to the widest), wrapped cells."""
    n = max(len(r) for r in rows)
    rows = [r + [""] * (n - len(r)) for r in rows]
    pad = font.size // 2
    natural = [max(font.getlength(r[c]) for r in rows) + 2 * pad for c in range(n)]
    total = right - left
    widths = list(natural)
    if sum(widths) > total:  # shrink the widest column (the indicator label) first, then all of them
        widest = max(range(n), key=lambda c: widths[c])
        widths[widest] = max(total - (sum(widths) - widths[widest]), total * 0.3)
        widths = [w * min(1.0, total / sum(widths)) for w in widths]
    line_h = round(font.size * 1.35)
    for row in rows:
        cells = [_wrap(cell, font, int(w - 2 * pad)) or [""] for cell, w in zip(row, widths, strict=True)]
        row_h = max(len(c) for c in cells) * line_h + pad
        room(row_h)
        draw = current_draw()
        record("\t".join(" ".join(lines) for lines in cells))
        x = left
        for cell_lines, w in zip(cells, widths, strict=True):
            draw.rectangle([x, pen.y, x + w, pen.y + row_h], outline="black", width=2)
            for k, text in enumerate(cell_lines):
                draw.text((x + pad, pen.y + pad // 2 + k * line_h), text, font=font, fill="black")
            x += w
        pen.y += row_h


def _draw_stamp(draw, font, centre: tuple[int, int], dpi: int) -> None:  # type: ignore[no-untyped-def]
    """A red round seal with a star and letters around it, and a blue signature scribble over it."""
    import math

    cx, cy = centre
    r = dpi // 2
    for radius, w in ((r, 6), (r - dpi // 12, 3)):
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=(200, 30, 30), width=w)
    for k, ch in enumerate("SỞ Y TẾ * ĐÃ KÝ *"):
        angle = math.pi * (1.1 + 1.6 * k / 17)
        x, y = cx + (r - dpi // 7) * math.cos(angle), cy + (r - dpi // 7) * math.sin(angle)
        draw.text((x, y), ch, font=font, fill=(200, 30, 30))
    points = [
        (cx - r + k * 9, cy + int(25 * math.sin(k / 2.5)) + int(15 * math.cos(k / 1.3)))
        for k in range(2 * r // 9)
    ]
    draw.line(points, fill=(30, 30, 160), width=4)
