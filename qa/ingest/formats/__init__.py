"""Read a source file into lines, refusing anything unusable.

Formats: .txt/.md (``text``), .pdf with OCR of scanned pages (``pdf``, ``scan``, ``ocr``), .docx (``docx``),
.doc/.odt through LibreOffice (``office``), .html (``html``), .xlsx (``xlsx``), .xls (``xls``) and .csv
(``delimited``), the spreadsheets through one sheet reader (``sheets``).

Every refusal is an `IngestError` with a short Vietnamese reason for the user; library exceptions
(pypdf, python-docx, openpyxl, zipfile) never escape. Line structure is kept so that citations can point at
line numbers (text) or pages (PDF). Text typed in the legacy TCVN3/VNI font encodings is converted
to Unicode (see `legacy_vn`). Problems that do not stop a file (a page OCR could not read) are kept in
``LoadedText.warnings``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qa.ingest.formats.checks import check_content_type, read_checked
from qa.ingest.formats.delimited import load_csv
from qa.ingest.formats.docx import load_docx
from qa.ingest.formats.html import load_html
from qa.ingest.formats.ocr import OcrConfig
from qa.ingest.formats.office import load_office
from qa.ingest.formats.pdf import PageProgress, load_pdf
from qa.ingest.formats.text import load_text
from qa.ingest.formats.xls import load_xls
from qa.ingest.formats.xlsx import load_xlsx
from qa.models import IngestError, LoadedText
from qa.settings import Settings, get_settings

# Extension -> format name. The one list of what the service reads (pipeline.SUPPORTED_SUFFIXES derives from it).
FORMATS = {
    "txt": "txt",
    "md": "md",
    "pdf": "pdf",
    "docx": "docx",
    "doc": "doc",
    "odt": "odt",
    "html": "html",
    "htm": "html",
    "xlsx": "xlsx",
    "xls": "xls",
    "csv": "csv",
}
_SUPPORTED = ", ".join(f".{ext}" for ext in FORMATS)


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """How to read the formats that need outside programs, and whom to tell about page progress."""

    ocr: OcrConfig = field(default_factory=OcrConfig)
    soffice_cmd: str = "soffice"
    convert_timeout_s: float = 120.0
    on_page: PageProgress | None = None  # (pages done, pages in the file), PDF only

    @classmethod
    def from_settings(cls, settings: Settings, on_page: PageProgress | None = None) -> LoadOptions:
        return cls(
            OcrConfig.from_settings(settings), settings.soffice_cmd, settings.convert_timeout_s, on_page
        )


def load_file(path: Path, max_bytes: int, options: LoadOptions | None = None) -> LoadedText:
    """Load `path` as lines; raise IngestError with a Vietnamese reason when it cannot be used."""
    options = options or LoadOptions.from_settings(get_settings())
    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    fmt = FORMATS.get(ext)
    if fmt is None:
        shown = f".{ext}" if ext else "không có phần mở rộng"
        raise IngestError(f"định dạng không hỗ trợ ({shown}); chỉ nhận {_SUPPORTED}")
    data = read_checked(path, max_bytes)
    check_content_type(data, fmt, ext)
    loaded = _LOADERS[fmt](data, options)
    loaded.fmt = fmt
    if not any(line.strip() for line in loaded.lines):
        raise IngestError("tệp rỗng (không có nội dung văn bản)")
    return loaded


_LOADERS: dict[str, Callable[[bytes, LoadOptions], LoadedText]] = {
    "txt": lambda data, _: load_text(data),
    "md": lambda data, _: load_text(data),
    "pdf": lambda data, o: load_pdf(data, o.ocr, o.on_page),
    "docx": lambda data, _: load_docx(data),
    "doc": lambda data, o: load_office(data, "doc", o.soffice_cmd, o.convert_timeout_s),
    "odt": lambda data, o: load_office(data, "odt", o.soffice_cmd, o.convert_timeout_s),
    "html": lambda data, _: load_html(data),
    "xlsx": lambda data, _: load_xlsx(data),
    "xls": lambda data, _: load_xls(data),
    "csv": lambda data, _: load_csv(data),
}
