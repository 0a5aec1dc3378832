"""Defect 3 of issue 16: one file could take ~1 GB of RAM and minutes of the only worker.

Every file is now read in a child process with limits; each breach is a Vietnamese refusal for that
file alone, and the refusal comes fast. Real files: a zip bomb built like the one in the issue (a small
.docx whose document.xml expands enormously), a generated PDF, the shipped corpus.
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from docgen import find_font, make_docx, make_pdf

from qa.index.isolated import IsolatedParser, ParseLimits
from qa.models import IngestError
from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
LIMITS = ParseLimits.from_settings(Settings())


def zip_bomb(path: Path, xml_mb: int) -> Path:
    """A valid .docx whose document.xml is `xml_mb` paragraphs of 1 MB each (it compresses ~1000:1)."""
    make_docx(path.with_suffix(".src.docx"), ["mẫu"])
    para = "<w:p><w:r><w:t>" + "a" * 1_000_000 + "</w:t></w:r></w:p>"
    body = para * xml_mb
    with (
        zipfile.ZipFile(path.with_suffix(".src.docx")) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                text = data.decode()
                start, end = text.index("<w:body>") + len("<w:body>"), text.index("</w:body>")
                data = (text[:start] + body + text[end:]).encode()
            out.writestr(info.filename, data)
    path.with_suffix(".src.docx").unlink()
    return path


def test_a_corpus_file_is_read_in_a_child() -> None:
    parser = IsolatedParser(LIMITS)
    prepared = parser.prepare(ROOT / "corpus" / "002_f78375c6f514f37c.txt")
    assert prepared.doc.source == "002_f78375c6f514f37c.txt" and prepared.chunks and prepared.figures
    assert all(f.chunk_id is not None for f in prepared.figures if f.line)


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bom.docx", xml_mb=12)
    assert bomb.stat().st_size < 100 * 1024  # well under any upload limit
    started = time.monotonic()
    with pytest.raises(IngestError, match="giải nén quá lớn"):
        IsolatedParser(replace(LIMITS, max_expanded_mb=10)).prepare(bomb)
    assert time.monotonic() - started < 30


def test_memory_budget_stops_a_parse_that_grows(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bom.docx", xml_mb=60)
    # A long-lived parent (the API's build, this test session) has freed heap; the budget must hold whatever
    # the parent holds (it did not inside the full suite when readers were forked from the parent itself).
    # Leave 300 MB of freed heap here; freeing a mapped block first raises glibc's mmap threshold.
    del_big = bytes(30_000_000)
    del del_big
    held = [bytes(100_000) for _ in range(3000)]
    last = held[-1]
    del held
    # Past the size check, only the memory budget stops it (the CPU limit bounds the test if it did not).
    limits = replace(LIMITS, max_expanded_mb=1000, memory_mb=48, cpu_seconds=60)
    with pytest.raises(IngestError, match="quá nhiều bộ nhớ"):
        IsolatedParser(limits).prepare(bomb)
    assert len(last) == 100_000


def test_wall_clock_limit() -> None:
    with pytest.raises(IngestError, match="quá lâu"):
        IsolatedParser(replace(LIMITS, wall_seconds=0.05)).prepare(
            ROOT / "corpus" / "000_ed8f74c002a8b9ab.txt"
        )


def test_cpu_time_limit(tmp_path: Path) -> None:
    big = tmp_path / "lon.txt"
    text = (ROOT / "corpus" / "000_ed8f74c002a8b9ab.txt").read_text(encoding="utf-8")
    big.write_text(text * 20, encoding="utf-8")  # 1.8 MB: many CPU seconds of structure and figures
    with pytest.raises(IngestError, match="thời gian xử lý"):
        IsolatedParser(replace(LIMITS, cpu_seconds=1, wall_seconds=600)).prepare(big)


@pytest.mark.skipif(find_font() is None, reason="no TrueType font with Vietnamese glyphs (fonts-dejavu)")
def test_page_limit(tmp_path: Path) -> None:
    font = find_font()
    assert font is not None
    # pages with a sentence each: a page of two words reads as a scan, which needs Tesseract
    pages = [
        f"Trang {n}: kế hoạch công tác y tế năm 2024 của tỉnh, các chỉ tiêu và giải pháp."
        for n in range(1, 4)
    ]
    pdf = make_pdf(tmp_path / "dai.pdf", [pages[0], "\f", pages[1], "\f", pages[2]], font)
    with pytest.raises(IngestError, match="quá nhiều trang"):
        IsolatedParser(replace(LIMITS, max_pages=2)).prepare(pdf)
    assert IsolatedParser(replace(LIMITS, max_pages=3)).prepare(pdf).doc.fmt == "pdf"


def test_a_cancel_stops_the_child_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(IngestError, match="đã huỷ"):
        IsolatedParser(LIMITS).prepare(ROOT / "corpus" / "000_ed8f74c002a8b9ab.txt", should_stop=lambda: True)
    assert time.monotonic() - started < 5
