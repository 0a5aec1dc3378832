"""The same document as DOCX and PDF gives the same sections and table rows as its .txt."""

from __future__ import annotations

from pathlib import Path

import pytest
from docgen import docx_blocks_from_lines, find_font, make_docx, make_pdf

from qa.ingest.pipeline import parse_file

SOURCE = Path(__file__).resolve().parents[2] / "corpus" / "001_a66ba2e25b7bb22e.txt"


def _rows(doc):
    return [(b.row.label, b.row.values) for b in doc.blocks if b.row is not None and b.row.values]


def _sections(doc):
    return {b.section_path for b in doc.blocks if b.kind == "heading"}


def test_docx_gives_the_same_rows_and_sections(tmp_path):
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    path = make_docx(tmp_path / "kehoach.docx", docx_blocks_from_lines(lines))
    docx = parse_file(path, 50 * 1024 * 1024)
    txt = parse_file(SOURCE, 50 * 1024 * 1024)
    assert _rows(docx) == _rows(txt)
    assert len(_sections(docx) & _sections(txt)) >= 0.8 * len(_sections(txt))
    assert docx.meta.province == "Bắc Giang"


def test_pdf_gives_sections_and_pages(tmp_path):
    font = find_font()
    if font is None:
        pytest.skip("no TTF font with Vietnamese glyphs on this machine")
    lines = [ln for ln in SOURCE.read_text(encoding="utf-8").split("\n")[:120] if "\t" not in ln]
    paragraphs = [ln.replace("**", "") for ln in lines if ln.strip()]
    half = len(paragraphs) // 2
    path = make_pdf(tmp_path / "kehoach.pdf", paragraphs[:half] + ["\f"] + paragraphs[half:], font)
    pdf = parse_file(path, 50 * 1024 * 1024)
    assert pdf.fmt == "pdf" and pdf.meta.province == "Bắc Giang"
    assert any("1. Công tác quản lý, điều hành ngành y tế" in s for s in _sections(pdf))
    pages = sorted({p for p in pdf.pages if p})
    assert pages == list(range(1, len(pages) + 1)) and len(pages) >= 2
