"""Read a source file (.txt, .md, .pdf, .docx, .html) into lines, refusing anything unusable.

Every refusal is an `IngestError` with a short Vietnamese reason for the user; library exceptions
(pypdf, python-docx, zipfile) never escape. Line structure is kept so that citations can point at
line numbers (text) or pages (PDF). Text typed in the legacy TCVN3/VNI font encodings is converted
to Unicode (see `legacy_vn`). One module per format.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qa.ingest.formats.checks import check_content_type, read_checked
from qa.ingest.formats.docx import load_docx
from qa.ingest.formats.html import load_html
from qa.ingest.formats.pdf import load_pdf
from qa.ingest.formats.text import load_text
from qa.models import IngestError, LoadedText

_FORMATS = {"txt": "txt", "md": "md", "pdf": "pdf", "docx": "docx", "html": "html", "htm": "html"}
_SUPPORTED = ", ".join(f".{ext}" for ext in _FORMATS)


def load_file(path: Path, max_bytes: int) -> LoadedText:
    """Load `path` as lines; raise IngestError with a Vietnamese reason when it cannot be used."""
    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    fmt = _FORMATS.get(ext)
    if fmt is None:
        shown = f".{ext}" if ext else "không có phần mở rộng"
        raise IngestError(f"định dạng không hỗ trợ ({shown}); chỉ nhận {_SUPPORTED}")
    data = read_checked(path, max_bytes)
    check_content_type(data, fmt, ext)
    loaded = _LOADERS[fmt](data)
    loaded.fmt = fmt
    if not any(line.strip() for line in loaded.lines):
        raise IngestError("tệp rỗng (không có nội dung văn bản)")
    return loaded


_LOADERS: dict[str, Callable[[bytes], LoadedText]] = {
    "txt": load_text,
    "md": load_text,
    "pdf": load_pdf,
    "docx": load_docx,
    "html": load_html,
}
