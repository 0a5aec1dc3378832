"""PDF with a text layer: one line per extracted line, each with its page number."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from qa.ingest.formats.checks import short_reason
from qa.ingest.formats.text import convert_legacy, split_lines
from qa.models import IngestError, LoadedText

# ---------------------------------------------------------------- PDF


def load_pdf(data: bytes) -> LoadedText:
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            _decrypt(reader)
        page_texts = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many exception types for broken files
        raise IngestError(f"tệp PDF hỏng hoặc không đọc được: {short_reason(exc)}") from None
    lines: list[str] = []
    pages: list[int | None] = []
    for number, text in enumerate(page_texts, start=1):
        if not text.strip():
            continue  # a scanned page: nothing to cite from it
        page_lines = split_lines(text)
        lines.extend(page_lines)
        pages.extend([number] * len(page_lines))
    if not lines:
        raise IngestError("PDF không có lớp văn bản (ảnh quét?)")
    lines, legacy = convert_legacy(lines)
    return LoadedText(lines=lines, pages=pages, fmt="pdf", encoding=legacy or "")


def _decrypt(reader: PdfReader) -> None:
    """Open PDFs protected only by an owner password (empty user password); refuse the rest."""
    try:
        ok = reader.decrypt("")
    except Exception as exc:
        raise IngestError(f"PDF được mã hoá, không mở được: {short_reason(exc)}") from None
    if not ok:
        raise IngestError("PDF được bảo vệ bằng mật khẩu, không mở được")
