"""A scanned PDF page as a clean grey image for OCR, and the ruling lines of its tables.

Three steps before Tesseract sees a page:

- render it (pypdfium2, in process; no poppler subprocess per page),
- whiten coloured ink: red seals and blue signatures sit on top of the text and come back from OCR as
  lines of debris ("C37 ⁄"); black print is grey-level, ink is saturated,
- find the table rulings (long horizontal and vertical runs of dark pixels), remember where they are
  (they delimit rows and cells, see ``qa.ingest.formats.ocr``) and whiten them: Tesseract reads a ruled
  cell border as "|", "I" or "—" and, worse, loses row numbers next to it (measured in bench/ocr.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

# A pixel is ink when its channels differ by more than this (0-255): red (200, 30, 30) and blue (30, 30, 160)
# do, black and grey print (and JPEG noise around it, which stays below ~40) do not.
_INK_SPREAD = 80
# Dark enough to belong to a ruling line (0 black .. 255 white).
_DARK = 160
# A horizontal rule is a dark run of at least this share of the page width: table borders span several
# columns, the longest letter strokes of 11 pt text at 300 dpi are ~40 px (1.6% of 2480).
_MIN_HRULE_SHARE = 0.04
# A vertical rule: at least this share of the page height (2% = 70 px at 300 dpi, two text lines: letters
# never make such a run, one table row with its padding does).
_MIN_VRULE_SHARE = 0.02
_FRINGE = 3  # px; at 300 dpi a cell's text starts 15+ px from its border


@dataclass(frozen=True, slots=True)
class Rule:
    """One ruling line: its position across (y of a horizontal rule, x of a vertical one) and extent along."""

    at: int
    start: int
    end: int


@dataclass(slots=True)
class ScanImage:
    image: Image.Image  # mode "L", rulings and coloured ink whitened
    hrules: list[Rule]
    vrules: list[Rule]


def render_page(pdf_page: object, default_dpi: int) -> Image.Image:
    """A pypdfium2 page as an RGB image, at the resolution of the scan it holds (see ``scan_dpi``)."""
    bitmap = pdf_page.render(scale=scan_dpi(pdf_page, default_dpi) / 72)  # type: ignore[attr-defined]
    return bitmap.to_pil().convert("RGB")


# Scans are read at their own resolution within these bounds: rendering a 200 dpi scan at 300 dpi only
# interpolates (on the rendered corpus pages it read worse: 88 vs 97 of 111 table cells, and took 30% longer,
# bench/RESULTS.md "OCR"); below 200 dpi Tesseract loses the tone marks of 11 pt text, above 400 only time grows.
_MIN_SCAN_DPI = 200
_MAX_SCAN_DPI = 400
_FULL_PAGE_SHARE = 0.5  # an image covering at least half the page width is the scan itself


def scan_dpi(pdf_page: object, default_dpi: int) -> int:
    """The resolution of the widest image on the page (pixels per inch of the page it covers), clamped."""
    import pypdfium2.raw as pdfium_c

    page_width = pdf_page.get_size()[0]  # type: ignore[attr-defined]
    best = 0.0
    for obj in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):  # type: ignore[attr-defined]
        left, _, right, _ = obj.get_bounds()
        width_pt = right - left
        if width_pt >= _FULL_PAGE_SHARE * page_width:
            best = max(best, obj.get_px_size()[0] / (width_pt / 72))
    if not best:
        return default_dpi
    return int(min(max(best, _MIN_SCAN_DPI), _MAX_SCAN_DPI))


def clean_page(image: Image.Image) -> ScanImage:
    rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    grey = np.asarray(image.convert("L"), dtype=np.uint8).copy()
    grey[spread > _INK_SPREAD] = 255
    dark = grey < _DARK
    height, width = dark.shape
    hmask = _runs(dark, max(20, int(width * _MIN_HRULE_SHARE)), axis=1)
    vmask = _runs(dark, max(20, int(height * _MIN_VRULE_SHARE)), axis=0)
    grey[_widen(hmask, axis=0) | _widen(vmask, axis=1)] = 255
    return ScanImage(Image.fromarray(grey, mode="L"), _rules(hmask, axis=1), _rules(vmask, axis=0))


def _runs(dark: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Pixels that lie on a straight run of at least ``length`` dark pixels along ``axis``."""
    d = dark if axis == 0 else dark.T
    zeros = np.zeros((1, d.shape[1]), dtype=np.int32)
    sums = np.vstack([zeros, np.cumsum(d, axis=0, dtype=np.int32)])
    full = (sums[length:] - sums[:-length]) == length  # a full run starts here
    starts = np.vstack([zeros, np.cumsum(full, axis=0, dtype=np.int32)])
    idx = np.arange(d.shape[0])
    lo = np.clip(idx - length + 1, 0, full.shape[0])
    hi = np.clip(idx + 1, 0, full.shape[0])
    covered = (starts[hi] - starts[lo]) > 0
    return covered if axis == 0 else covered.T


def _widen(mask: np.ndarray, axis: int) -> np.ndarray:
    """The mask grown by _FRINGE pixels across the rule: the grey anti-aliased or JPEG edge of a ruling line
    stays dark enough for Tesseract to read "_" or "I" next to a cell, and to lose a digit."""
    out = mask.copy()
    for shift in range(1, _FRINGE + 1):
        for step in (shift, -shift):
            out |= np.roll(mask, step, axis=axis)
    return out


def _rules(mask: np.ndarray, axis: int) -> list[Rule]:
    """Ruling lines of a mask: thick lines (several adjacent pixel rows) count once, at their middle."""
    m = mask if axis == 1 else mask.T  # rows of m run along the rule
    rules: list[Rule] = []
    rows = np.flatnonzero(m.any(axis=1))
    group: list[int] = []
    for r in [*rows.tolist(), -10]:
        if group and r != group[-1] + 1:
            span = np.flatnonzero(m[group].any(axis=0))
            rules.append(Rule(group[len(group) // 2], int(span.min()), int(span.max())))
            group = []
        group.append(r)
    return rules
