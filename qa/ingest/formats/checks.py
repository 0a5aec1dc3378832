"""Checks before parsing: the file exists, is small enough, and its bytes are what its name says."""

from __future__ import annotations

import logging
import stat
import zipfile
from io import BytesIO
from pathlib import Path

from qa.models import IngestError

logger = logging.getLogger(__name__)

MB = 1024 * 1024
_MAX_UNZIPPED = 512 * MB
# ---------------------------------------------------------------- checks before parsing


def _fmt_size(n: int, unit: int, trim: bool = False) -> str:
    """Vietnamese number style: decimal comma ("60,0 MB")."""
    if unit == 1:
        return f"{n} byte"
    text = f"{n / unit:.1f}".replace(".", ",")
    if trim and text.endswith(",0"):
        text = text[:-2]
    return f"{text} {'MB' if unit == MB else 'KB'}"


def _too_large(size: int, max_bytes: int) -> IngestError:
    unit = MB if max_bytes >= MB else 1024 if max_bytes >= 1024 else 1
    return IngestError(
        f"tệp quá lớn ({_fmt_size(size, unit)} > giới hạn {_fmt_size(max_bytes, unit, trim=True)})"
    )


def read_checked(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, after checking existence, type and size without reading a huge file."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise IngestError(f"không tìm thấy tệp {path.name}") from None
    except OSError:
        raise IngestError("không đọc được tệp (lỗi hệ thống tệp)") from None
    if not stat.S_ISREG(st.st_mode):
        raise IngestError(f"{path.name} không phải là tệp thông thường")
    if st.st_size == 0:
        raise IngestError("tệp rỗng (0 byte)")
    if st.st_size > max_bytes:
        raise _too_large(st.st_size, max_bytes)
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)  # +1: notices a file that grew since stat()
    except PermissionError:
        raise IngestError("không đọc được tệp (không có quyền truy cập)") from None
    except OSError:
        raise IngestError("không đọc được tệp (lỗi hệ thống tệp)") from None
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    if not data:
        raise IngestError("tệp rỗng (0 byte)")
    return data


# Signatures of binary formats people upload under the wrong name.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "tệp PDF"),
    (b"PK\x03\x04", "tệp nén zip (DOCX/XLSX?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "tệp Office 97-2003 (.doc/.xls)"),
    (b"{\\rtf", "tệp RTF"),
    (b"\x89PNG", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"Rar!", "tệp nén RAR"),
    (b"7z\xbc\xaf", "tệp nén 7z"),
    (b"\x1f\x8b", "tệp nén gzip"),
)


def _sniff(data: bytes) -> str | None:
    head = data[:16]
    return next((name for magic, name in _SIGNATURES if head.startswith(magic)), None)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_content_type(data: bytes, fmt: str, ext: str) -> None:
    """The content must be what the extension says (a renamed file fails here, clearly)."""
    kind = _sniff(data)
    if fmt == "pdf":
        if b"%PDF-" not in data[:1024]:  # the PDF spec tolerates junk before the header
            found = f"nội dung là {kind}" if kind else "không có phần đầu %PDF-"
            raise IngestError(f"không phải tệp PDF ({found})")
    elif fmt in _ZIP_PACKAGES:
        _check_package(data, fmt)
    elif fmt == "xls":
        _check_ole(data, "xls")
    elif fmt == "doc":
        if not data.startswith(b"{\\rtf"):  # Word saves RTF under .doc too; LibreOffice reads it
            _check_ole(data, "doc")
    elif kind is not None:
        raise IngestError(f"không phải văn bản (nội dung là {kind}, không khớp đuôi .{ext})")


# Zip packages: the part that proves the kind, its name for users, and how much it may unpack to. openpyxl and
# python-docx hold a whole package in memory (several times its XML size), so the cap is a memory bound too: the
# largest real annex workbooks and Word files seen unpack to a few MB.
_ZIP_PACKAGES: dict[str, tuple[str, str, int]] = {
    "docx": ("word/document.xml", "DOCX", _MAX_UNZIPPED),
    "xlsx": ("xl/workbook.xml", "Excel .xlsx", 128 * MB),
    "odt": ("content.xml", "ODT", _MAX_UNZIPPED),
}
# OLE2 (Office 97-2003) files say what they hold by their stream names ("WordDocument", "Workbook" or, in
# Excel 5, "Book"; "EncryptedPackage" for a password-protected .docx/.xlsx), written in UTF-16 in their directory.
_OLE_NAMES = {"doc": "Word .doc", "xls": "Excel .xls"}


def _ole_has(data: bytes, stream: str) -> bool:
    return stream.encode("utf-16-le") in data


def _check_ole(data: bytes, fmt: str) -> None:
    name = _OLE_NAMES[fmt]
    if not data.startswith(_OLE):
        kind = _sniff(data)
        found = f"nội dung là {kind}" if kind else "không phải tệp Office 97-2003"
        hint = "; tệp .docx/.xlsx mang nhầm đuôi?" if data.startswith(b"PK") else ""
        raise IngestError(f"không phải tệp {name} ({found}){hint}")
    if _ole_has(data, "EncryptedPackage"):
        raise IngestError(f"tệp {name} được bảo vệ bằng mật khẩu, không mở được")
    wanted = ("Workbook", "Book") if fmt == "xls" else ("WordDocument",)
    if not any(_ole_has(data, stream) for stream in wanted):
        other = (
            "Word" if _ole_has(data, "WordDocument") else "Excel" if _ole_has(data, "Workbook") else "khác"
        )
        raise IngestError(f"không phải tệp {name} (tệp Office 97-2003 loại {other})")


def _check_package(data: bytes, fmt: str) -> None:
    part, name, max_unzipped = _ZIP_PACKAGES[fmt]
    kind = _sniff(data)
    if data.startswith(_OLE):
        if _ole_has(data, "EncryptedPackage"):  # Office encrypts .docx/.xlsx into an OLE2 container
            raise IngestError(f"tệp {name} được bảo vệ bằng mật khẩu, không mở được")
        old = {"docx": ".doc", "xlsx": ".xls", "odt": ".doc"}[fmt]
        raise IngestError(
            f"tệp Office 97-2003 ({old}) mang đuôi .{fmt}; hãy đổi đuôi thành {old} hoặc lưu lại"
        )
    if not data.startswith(b"PK"):
        found = f"nội dung là {kind}" if kind else "không phải tệp zip"
        raise IngestError(f"tệp {name} hỏng ({found})")
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            infos = zf.infolist()
            mimetype = zf.read("mimetype")[:100] if fmt == "odt" and "mimetype" in zf.namelist() else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise IngestError(f"tệp {name} hỏng: {short_reason(exc)}") from None
    names = {info.filename for info in infos}
    if part not in names:
        what = {"docx": "tài liệu Word", "xlsx": "bảng tính Excel", "odt": "văn bản OpenDocument"}[fmt]
        raise IngestError(f"tệp {name} hỏng: thiếu {part} (không phải {what})")
    if fmt == "odt" and mimetype and not mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        raise IngestError(f"không phải văn bản ODT (loại {mimetype.decode('ascii', 'replace')})")
    if sum(info.file_size for info in infos) > max_unzipped:  # a zip bomb would exhaust memory
        raise IngestError(
            f"tệp {name} bất thường: nội dung giải nén quá lớn (> {max_unzipped // MB} MB), có thể là bom nén"
        )


def short_reason(exc: BaseException) -> str:
    """What a user is told about a library's exception: a Vietnamese phrase, never its text (which may hold
    internals or paths). The original goes to the log for whoever runs the server."""
    logger.info("reader error: %s: %s", type(exc).__name__, exc)
    if isinstance(exc, MemoryError):
        return "không đủ bộ nhớ để đọc"
    if isinstance(exc, (EOFError, zipfile.BadZipFile)):
        return "tệp bị cắt cụt hoặc không đúng cấu trúc"
    if isinstance(exc, (UnicodeError, ValueError, KeyError, IndexError, TypeError, AttributeError)):
        return "nội dung không đúng cấu trúc"
    return "cấu trúc tệp không đọc được"
