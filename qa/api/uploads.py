"""What an upload must be before it is stored: a safe name, content that matches it.

- The name is sanitised: basename only, accents folded to ASCII (``Kế hoạch.md`` -> ``Ke_hoach.md``, so the
  doc_id stays readable), only letters, digits and ``-_.``, no leading dot.
- The content must be what the extension says, by the loader's own checks (415).
- Storing the bytes (a hidden temp file, then one link), the journal and deletions: ``qa.jobs.corpus``.
"""

from __future__ import annotations

import re
import unicodedata

from qa.ingest.formats import FORMATS
from qa.ingest.formats.checks import check_content_type
from qa.ingest.formats.text import decode_text  # the indexer's own rules
from qa.ingest.pipeline import SUPPORTED_SUFFIXES
from qa.models import IngestError

_MAX_STEM = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9_\-.]+")
_TEXT_FORMATS = {".txt", ".md", ".html", ".htm", ".csv"}


class UploadError(Exception):
    """A refused upload: HTTP status, Vietnamese message, and extra response fields."""

    def __init__(self, status_code: int, detail: str, **extra: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.extra = extra


def safe_name(raw: str | None) -> str:
    """A file name that cannot leave the corpus directory, hide itself or confuse a shell."""
    name = re.split(r"[\\/]", raw or "")[-1]  # basename, whichever separator the client used
    name = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D").replace("Ð", "D"))
    name = "".join(ch for ch in name if not unicodedata.combining(ch))
    stem, dot, ext = name.rpartition(".")
    suffix = f".{ext.lower()}" if dot else ""
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "không có phần mở rộng"
        raise UploadError(415, f"Định dạng không hỗ trợ ({shown}); chỉ nhận {', '.join(SUPPORTED_SUFFIXES)}.")
    # No leading dot (hidden file, ".."), nothing but safe characters, a bounded length.
    stem = re.sub(r"_+", "_", _UNSAFE.sub("_", stem)).strip("._")[:_MAX_STEM] or "tai-lieu"
    return stem + suffix


def check_content(data: bytes, suffix: str) -> None:
    """The content matches the extension, by the loader's own checks: PDF header; DOCX/XLSX/ODT zip with their
    main part and no zip bomb; DOC/XLS Office 97-2003 files of the right kind, not password-protected; text
    (txt, md, html, csv) that decodes."""
    if not data:
        raise UploadError(400, "Tệp rỗng (0 byte).")
    fmt = FORMATS[suffix.lstrip(".")]
    try:
        check_content_type(data, fmt, suffix.lstrip("."))
        if suffix in _TEXT_FORMATS:
            decode_text(data)
    except IngestError as exc:
        raise UploadError(415, f"Nội dung tệp không hợp lệ: {exc}.") from None
