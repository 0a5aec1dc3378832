"""PDF: pages with a text layer are read by pypdf; scanned pages (no text layer) by OCR (``ocr.py``).

Every line keeps its page number. A page OCR cannot read is reported in ``LoadedText.warnings`` and left
out; the file is refused only when no page gives any text. Without Tesseract on the machine, a fully
scanned PDF is refused with that reason in Vietnamese and a mixed one keeps its text pages.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from pypdf import PdfReader

from qa.ingest.formats.checks import short_reason
from qa.ingest.formats.ocr import (
    OcrConfig,
    OcrPageError,
    OcrUnavailable,
    check_available,
    is_blank_page,
    ocr_lines,
)
from qa.ingest.formats.scan import clean_page, render_page
from qa.ingest.formats.text import convert_legacy, split_lines
from qa.models import IngestError, LoadedText

PageProgress = Callable[[int, int], None]  # (pages done, pages in the file)


def load_pdf(data: bytes, ocr: OcrConfig | None = None, on_page: PageProgress | None = None) -> LoadedText:
    ocr = ocr or OcrConfig()
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            _decrypt(reader)
        page_texts = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many exception types for broken files
        raise IngestError(f"tệp PDF hỏng hoặc không đọc được: {short_reason(exc)}") from None
    scanned = [n for n, text in enumerate(page_texts, start=1) if is_blank_page(text)]
    reader_of_scans = _Scans(data, ocr, scanned)
    lines: list[str] = []
    pages: list[int | None] = []
    warnings: list[str] = []
    for number, text in enumerate(page_texts, start=1):
        page_lines: list[str] = []
        if number in scanned:
            try:
                page_lines = reader_of_scans.read(number)
            except OcrPageError as exc:
                warnings.append(f"trang {number}: không nhận dạng được chữ ({exc})")
        elif text.strip():
            page_lines = split_lines(text)
        lines.extend(page_lines)
        pages.extend([number] * len(page_lines))
        if on_page is not None:
            on_page(number, len(page_texts))
    if reader_of_scans.unavailable:
        warnings.insert(
            0, f"{len(scanned)} trang là ảnh quét nhưng {reader_of_scans.unavailable}; các trang đó bị bỏ qua"
        )
    if not any(line.strip() for line in lines):
        if reader_of_scans.unavailable:
            raise IngestError(f"PDF là ảnh quét (không có lớp văn bản) và {reader_of_scans.unavailable}")
        reason = "; ".join(warnings) if warnings else "không nhận dạng được chữ nào trên các trang"
        raise IngestError(f"PDF không có lớp văn bản (ảnh quét?): {reason}")
    lines, legacy = convert_legacy(lines)
    return LoadedText(lines=lines, pages=pages, fmt="pdf", encoding=legacy or "", warnings=warnings)


class _Scans:
    """Scanned pages rendered and OCR'd on demand; the OCR check runs once, at the first scanned page."""

    def __init__(self, data: bytes, config: OcrConfig, pages: list[int]) -> None:
        self.data = data
        self.config = config
        self.unavailable = ""
        self._document: object | None = None
        if pages:
            try:
                check_available(config)
            except OcrUnavailable as exc:
                self.unavailable = str(exc)

    def read(self, number: int) -> list[str]:
        if self.unavailable:
            return []
        import pypdfium2 as pdfium

        try:
            if self._document is None:
                self._document = pdfium.PdfDocument(self.data)
            image = render_page(self._document[number - 1], self.config.dpi)  # type: ignore[index]
        except Exception as exc:  # pdfium errors on a damaged page
            raise OcrPageError(f"không dựng được ảnh trang: {short_reason(exc)}") from None
        return ocr_lines(clean_page(image), self.config)


def _decrypt(reader: PdfReader) -> None:
    """Open PDFs protected only by an owner password (empty user password); refuse the rest."""
    try:
        ok = reader.decrypt("")
    except Exception as exc:
        raise IngestError(f"PDF được mã hoá, không mở được: {short_reason(exc)}") from None
    if not ok:
        raise IngestError("PDF được bảo vệ bằng mật khẩu, không mở được")
