"""Text of a scanned page: Tesseract's Vietnamese model, lines rebuilt from its word boxes.

Why Tesseract's word boxes (its TSV output) and not OCRmyPDF: we need the words with their boxes, not a
searchable PDF. Word boxes let us put each word of a ruled table into its row and cell (the rulings found in
``scan.py``), drop the low-confidence debris of seals and signatures line by line, keep page numbers for
citations, and report one failed page without losing the others. OCRmyPDF runs the same Tesseract and writes
a PDF that we would read back with pypdf, which flattens a table into runs of words: on seven pages rendered
from corpus 001 (bench/ocr.py, bench/RESULTS.md "OCR") it read prose as well as we do (CER 0.03% vs 0.27%)
but 0 of 111 table cells came back as cells (28% CER on the table pages) against 97 of 111 here.

Why not pytesseract: it hands Tesseract the server's whole environment and offers no way to set one
variable for the call, and Tesseract must run with ``OMP_THREAD_LIMIT=1``: its OpenMP threads fight over a
busy 2-core machine, and one page took 19 s with them against 5.5-12 s without (same page, bench/RESULTS.md).
Setting the variable process-wide would also cap FAISS's OpenMP threads in the API process. The call is one
``subprocess.run`` of ``tesseract stdin stdout tsv`` and the TSV has twelve columns.

Page segmentation: ``--psm 6`` (one uniform block of text). Measured on the same pages (bench/RESULTS.md
"OCR"): psm 6 read the table pages best (CER 1.9%, 97/111 cells, against 2.5% and 91/111 for psm 4 and 4.1% and
86/111 for psm 3, automatic layout, which reads a table column by column) and was the fastest; the prose pages
came out the same (0.27%) in all three.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
from dataclasses import dataclass
from statistics import mean

from PIL import Image

from qa.ingest.formats.scan import Rule, ScanImage
from qa.settings import Settings

PSM = 6
# Words below this confidence (0-100) are dropped, and a line whose words average below _LINE_MIN_CONF is
# dropped whole: on clean renders of the corpus printed words score 85-96, the letters of a seal or a
# signature scribble 0-40.
_WORD_MIN_CONF = 30
_LINE_MIN_CONF = 55
# A line whose visible characters are mostly not letters or digits ("— —|—", "⁄ ’") is debris.
_MIN_ALNUM_SHARE = 0.5
# Inside a line outside a ruled table, a gap wider than this many line heights separates two cells of an
# unruled table; justified prose never leaves more than about one.
_CELL_GAP = 2.5
# How far (px at 300 dpi) a vertical rule may stop short of the row it delimits and still count.
_RULE_TOLERANCE = 12
# Tesseract reads the decimal comma of a small number as a semicolon now and then ("12;5"); between two
# digits a semicolon is never what Vietnamese print has.
_DECIMAL_SEMICOLON = re.compile(r"(?<=\d);(?=\d)")
# One thread per Tesseract: see the module docstring.
_TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


@dataclass(frozen=True, slots=True)
class OcrConfig:
    tesseract_cmd: str = "tesseract"
    language: str = "vie"
    dpi: int = 300
    page_timeout_s: float = 180.0
    psm: int = PSM  # Tesseract's page segmentation mode (see the module docstring)

    @classmethod
    def from_settings(cls, settings: Settings) -> OcrConfig:
        return cls(
            settings.ocr_tesseract_cmd, settings.ocr_language, settings.ocr_dpi, settings.ocr_page_timeout_s
        )


class OcrUnavailable(Exception):
    """Tesseract or its Vietnamese model is missing; the message says so in Vietnamese."""


class OcrPageError(Exception):
    """One page could not be read (Tesseract failed or timed out); the message is Vietnamese."""


def check_available(config: OcrConfig) -> None:
    """Raise OcrUnavailable with the reason when this machine cannot OCR Vietnamese."""
    try:
        done = subprocess.run(
            [config.tesseract_cmd, "--list-langs"],
            capture_output=True,
            text=True,
            timeout=60,
            env=_TESSERACT_ENV,
        )
    except (FileNotFoundError, PermissionError, NotADirectoryError):
        raise OcrUnavailable(
            "máy chủ chưa cài chương trình nhận dạng chữ Tesseract OCR "
            f"(«{config.tesseract_cmd}»; cài gói tesseract-ocr và tesseract-ocr-vie)"
        ) from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise OcrUnavailable(f"không chạy được Tesseract OCR: {str(exc)[:120]}") from None
    languages = {line.strip() for line in (done.stdout + done.stderr).splitlines()[1:]}
    if done.returncode != 0:
        raise OcrUnavailable(f"không chạy được Tesseract OCR (mã lỗi {done.returncode})")
    if config.language not in languages:
        raise OcrUnavailable(
            f"Tesseract OCR chưa có mô hình ngôn ngữ «{config.language}» (cài gói tesseract-ocr-vie)"
        )


@dataclass(slots=True)
class _Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    line: tuple[int, int, int]  # Tesseract's (block, paragraph, line)

    @property
    def cx(self) -> float:
        return self.left + self.width / 2

    @property
    def cy(self) -> float:
        return self.top + self.height / 2


def ocr_lines(scan: ScanImage, config: OcrConfig) -> list[str]:
    """The page's text, one entry per printed line; a ruled table comes back one row per line, cells
    separated by tabs (as the .docx loader writes them), with a blank line before and after the table.

    Two Tesseract runs at most: the page with its tables blanked out, and the table cells stacked one under
    the other in a strip (``_cell_strip``). Read in place, widely spaced cells cost digits and words ("12,2"
    read ".2j,2"); alone on a line of the strip they read like prose (bench/RESULTS.md "OCR")."""
    bands = _table_bands(scan.hrules, scan.vrules)
    page = scan.image.copy()
    for band in bands:
        page.paste(255, (band.columns[0], band.top, band.columns[-1], band.bottom))
    placed: list[tuple[float, str]] = []
    for line_words in _group_lines(_words(page, config)):
        if _clean_line([line_words]):
            placed.append((min(w.top for w in line_words), _line_text(line_words)))
    if bands:
        strip, slots = _cell_strip(scan.image, bands)
        cells: dict[tuple[int, int], list[_Word]] = {}
        for w in _words(strip, config):
            slot = next((s for s in slots if s.top <= w.cy <= s.bottom), None)
            if slot is not None:
                cells.setdefault((slot.band, slot.column), []).append(w)
        for k, band in enumerate(bands):
            row = [cells.get((k, c), []) for c in range(len(band.columns) - 1)]
            if _clean_line(row):
                placed.append((band.top, "\t".join(_join(c) for c in row)))
    placed.sort(key=lambda p: p[0])
    return _blank_around_tables([text for _, text in placed])


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where one table cell sits in the strip of cells."""

    band: int
    column: int
    top: int
    bottom: int


# White space around each cell in the strip: Tesseract needs a margin to see a line, and a gap between two
# cells keeps their words apart (in px at the scan's resolution; one text line is ~45 px at 300 dpi).
_STRIP_PAD = 24
# A cell is cropped this far inside its rules: the faint grey edge of a whitened rule otherwise stays in the
# crop and costs the digits next to it.
_CELL_INSET = 8
_EMPTY_CELL = 128  # a cell whose darkest pixel is lighter than this holds no print


def _cell_strip(image: Image.Image, bands: list[_Band]) -> tuple[Image.Image, list[_Slot]]:
    """The table cells that hold ink, cropped inside their rules and stacked in one tall white image."""
    crops: list[tuple[_Slot, Image.Image]] = []
    y = _STRIP_PAD
    for k, band in enumerate(bands):
        for c, (left, right) in enumerate(zip(band.columns, band.columns[1:], strict=False)):
            crop = image.crop(
                (left + _CELL_INSET, band.top + _CELL_INSET, right - _CELL_INSET, band.bottom - _CELL_INSET)
            )
            darkest = crop.getextrema()[0]  # a grey image: (min, max)
            if isinstance(darkest, int | float) and darkest > _EMPTY_CELL:  # no ink: an empty cell
                continue
            crops.append((_Slot(k, c, y, y + crop.height), crop))
            y += crop.height + _STRIP_PAD
    width = max((crop.width for _, crop in crops), default=1) + 2 * _STRIP_PAD
    strip = Image.new("L", (width, max(y, 1)), 255)
    for slot, crop in crops:
        strip.paste(crop, (_STRIP_PAD, slot.top))
    return strip, [slot for slot, _ in crops]


def _words(image: Image.Image, config: OcrConfig) -> list[_Word]:
    png = io.BytesIO()
    image.save(png, format="PNG")
    command = [
        config.tesseract_cmd,
        "stdin",
        "stdout",
        "-l",
        config.language,
        "--psm",
        str(config.psm),
        "tsv",
    ]
    try:
        done = subprocess.run(
            command,
            input=png.getvalue(),
            capture_output=True,
            timeout=config.page_timeout_s,
            env=_TESSERACT_ENV,
        )
    except subprocess.TimeoutExpired:
        raise OcrPageError(f"quá thời gian nhận dạng chữ ({config.page_timeout_s:.0f} giây)") from None
    except OSError as exc:
        raise OcrPageError(f"không chạy được Tesseract OCR: {exc.strerror or exc}") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise OcrPageError(f"Tesseract báo lỗi: {' '.join(detail)[:120] or done.returncode}")
    rows = csv.DictReader(
        io.StringIO(done.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    words = []
    for row in rows:
        text = (row.get("text") or "").strip()
        conf = float(row.get("conf") or -1)
        if not text or conf < _WORD_MIN_CONF:
            continue
        words.append(
            _Word(
                _DECIMAL_SEMICOLON.sub(",", text),
                int(row["left"]),
                int(row["top"]),
                int(row["width"]),
                int(row["height"]),
                conf,
                (int(row["block_num"]), int(row["par_num"]), int(row["line_num"])),
            )
        )
    return words


@dataclass(slots=True)
class _Band:
    """One row of a ruled table: between two horizontal rules, cut into cells by the vertical rules."""

    top: int
    bottom: int
    columns: list[int]  # x of the vertical rules, left to right


def _table_bands(hrules: list[Rule], vrules: list[Rule]) -> list[_Band]:
    bands = []
    ordered = sorted(hrules, key=lambda r: r.at)
    for upper, lower in zip(ordered, ordered[1:], strict=False):
        left, right = max(upper.start, lower.start), min(upper.end, lower.end)
        columns = sorted(
            v.at
            for v in vrules
            if v.start <= upper.at + _RULE_TOLERANCE
            and v.end >= lower.at - _RULE_TOLERANCE
            and left - _RULE_TOLERANCE <= v.at <= right + _RULE_TOLERANCE
        )
        if len(columns) >= 3:  # two cells at least: a framed paragraph is not a table
            bands.append(_Band(upper.at, lower.at, columns))
    return bands


def _group_lines(words: list[_Word]) -> list[list[_Word]]:
    lines: dict[tuple[int, int, int], list[_Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    return [sorted(ws, key=lambda w: w.left) for ws in lines.values()]


def _line_text(words: list[_Word]) -> str:
    """Words of one line; a gap of several line heights is a cell boundary of an unruled table."""
    height = max(w.height for w in words)
    out = words[0].text
    for prev, w in zip(words, words[1:], strict=False):
        gap = w.left - (prev.left + prev.width)
        out += ("\t" if gap > _CELL_GAP * height else " ") + w.text
    return out


def _join(cell: list[_Word]) -> str:
    """A cell's words in reading order: Tesseract's lines top to bottom, words left to right."""
    ordered = sorted(cell, key=lambda w: (w.line, w.left))
    return " ".join(w.text for w in ordered)


def _clean_line(groups: list[list[_Word]]) -> bool:
    """Not seal or signature debris: confident words, mostly letters and digits."""
    words = [w for g in groups for w in g]
    if not words:
        return False
    text = "".join(w.text for w in words)
    alnum = sum(ch.isalnum() for ch in text)
    return mean(w.conf for w in words) >= _LINE_MIN_CONF and alnum >= _MIN_ALNUM_SHARE * len(text)


def _blank_around_tables(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        in_table = "\t" in line
        if out and in_table != ("\t" in out[-1]) and out[-1] != "":
            out.append("")
        out.append(line)
    return out


def is_blank_page(text: str) -> bool:
    """A page without a usable text layer: fewer letters than a page number line and a header."""
    return len(re.findall(r"[^\W\d_]", text)) < _MIN_LETTERS_OF_TEXT_PAGE


# A page whose text layer has fewer letters than this is scanned: a scanner's own stamp ("Scanned by …") or a
# page number is no text to cite, while the sparsest real page of the corpus PDFs (a signature page) has ~60.
_MIN_LETTERS_OF_TEXT_PAGE = 20
