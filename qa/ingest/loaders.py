"""Read a source file (.txt, .md, .pdf, .docx, .html) into lines, refusing anything unusable.

Every refusal is an `IngestError` with a short Vietnamese reason for the user; library exceptions
(pypdf, python-docx, zipfile) never escape. Line structure is kept so that citations can point at
line numbers (text) or pages (PDF). Text typed in the legacy TCVN3/VNI font encodings is converted
to Unicode (see `legacy_vn`).
"""

from __future__ import annotations

import codecs
import re
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
from bs4 import BeautifulSoup
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag
from charset_normalizer import from_bytes
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from pypdf import PdfReader

from qa.ingest.legacy_vn import LegacyEncoding, detect_legacy, to_unicode
from qa.models import IngestError, LoadedText

MB = 1024 * 1024
_FORMATS = {"txt": "txt", "md": "md", "pdf": "pdf", "docx": "docx", "html": "html", "htm": "html"}
_SUPPORTED = ", ".join(f".{ext}" for ext in _FORMATS)
_MAX_UNZIPPED = 512 * MB


def load_file(path: Path, max_bytes: int) -> LoadedText:
    """Load `path` as lines; raise IngestError with a Vietnamese reason when it cannot be used."""
    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    fmt = _FORMATS.get(ext)
    if fmt is None:
        shown = f".{ext}" if ext else "không có phần mở rộng"
        raise IngestError(f"định dạng không hỗ trợ ({shown}); chỉ nhận {_SUPPORTED}")
    data = _read_checked(path, max_bytes)
    check_content_type(data, fmt, ext)
    loaded = _LOADERS[fmt](data)
    loaded.fmt = fmt
    if not any(line.strip() for line in loaded.lines):
        raise IngestError("tệp rỗng (không có nội dung văn bản)")
    return loaded


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


def _read_checked(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, after checking existence, type and size without reading a huge file."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise IngestError(f"không tìm thấy tệp {path.name}") from None
    except OSError as exc:
        raise IngestError(f"không đọc được tệp: {exc.strerror or exc}") from None
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
    except OSError as exc:
        raise IngestError(f"không đọc được tệp: {exc.strerror or exc}") from None
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


def check_content_type(data: bytes, fmt: str, ext: str) -> None:
    """The content must be what the extension says (a renamed file fails here, clearly)."""
    kind = _sniff(data)
    if fmt == "pdf":
        if b"%PDF-" not in data[:1024]:  # the PDF spec tolerates junk before the header
            found = f"nội dung là {kind}" if kind else "không có phần đầu %PDF-"
            raise IngestError(f"không phải tệp PDF ({found})")
    elif fmt == "docx":
        _check_docx_zip(data, kind)
    elif kind is not None:
        raise IngestError(f"không phải văn bản (nội dung là {kind}, không khớp đuôi .{ext})")


def _check_docx_zip(data: bytes, kind: str | None) -> None:
    if kind == "tệp Office 97-2003 (.doc/.xls)":
        raise IngestError("tệp Word 97-2003 (.doc) mang đuôi .docx; hãy lưu lại dưới dạng .docx")
    if not data.startswith(b"PK"):
        found = f"nội dung là {kind}" if kind else "không phải tệp zip"
        raise IngestError(f"tệp DOCX hỏng ({found})")
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(f"tệp DOCX hỏng: {_short(exc)}") from None
    if "word/document.xml" not in {info.filename for info in infos}:
        raise IngestError("tệp DOCX hỏng: thiếu word/document.xml (không phải tài liệu Word)")
    if sum(info.file_size for info in infos) > _MAX_UNZIPPED:  # a zip bomb would exhaust memory
        raise IngestError("tệp DOCX bất thường: nội dung giải nén quá lớn")


def _short(exc: BaseException, limit: int = 160) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- text decoding

_UTF16_NUL_SHARE = 0.4  # BOM-less UTF-16: NUL in most high bytes (ASCII) or many (Vietnamese, 0x1E..)
_MAX_GARBAGE = 0.1  # share of control/replacement characters beyond which the decoding is wrong
_TIE_BREAK_GARBAGE = 0.01  # cp1258 leaves this much undecoded: ask charset-normalizer
# C0/C1 controls other than whitespace, U+FFFD from undecodable bytes, private use area.
_GARBAGE_RE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ufffd\ue000-\uf8ff]")
_SPACE_RE = re.compile(r"\s+")
# cp1252 characters of 0x80-0x9F (quotes, dashes) as legacy-font text shows them; 0x81 0x8D 0x8F
# 0x90 0x9D are undefined in cp1252 and stay as they are in latin-1.
_CP1252_C1 = {
    b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_C1_TABLE = str.maketrans({chr(b): c for b, c in _CP1252_C1.items()})


def _bom_encoding(data: bytes) -> str | None:
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return name
    return None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: NULs on one side of the byte pairs only."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul >= _UTF16_NUL_SHARE and even_nul < 0.05:
        return "utf-16-le"
    if even_nul >= _UTF16_NUL_SHARE and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _garbage_share(text: str) -> float:
    """Share of control, replacement and private-use characters among non-space characters."""
    total = len(_SPACE_RE.sub("", text))
    return len(_GARBAGE_RE.findall(text)) / total if total > 0 else 0.0


def _decode_ansi(data: bytes) -> str:
    """Bytes as the latin-1 characters legacy font encodings are shown with (cp1252 in 0x80-0x9F)."""
    return data.decode("latin-1").translate(_C1_TABLE)


def _decode_with_bom(data: bytes, name: str) -> tuple[str, str]:
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise IngestError(f"không nhận dạng được bảng mã (lỗi giải mã {name}: {exc.reason})") from None
    return text.removeprefix("\ufeff"), name


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name): BOM, UTF-8, legacy TCVN3/VNI shown as cp1252, else Windows-1258.

    Legacy-font text is returned still encoded (as cp1252 characters); `load_file` converts it.
    """
    text, name = _decode(data)
    _check_garbage(text)
    return text, name


def _check_garbage(text: str) -> None:
    if _garbage_share(text) > _MAX_GARBAGE:
        raise IngestError("không nhận dạng được bảng mã (nội dung toàn ký tự điều khiển hoặc lỗi)")


def _decode(data: bytes) -> tuple[str, str]:
    name = _bom_encoding(data) or _bomless_utf16(data)
    if name:
        return _decode_with_bom(data, name)
    if b"\x00" in data:
        raise IngestError("không phải văn bản (tệp nhị phân, có byte NUL)")
    if (utf8 := _mostly_utf8(data)) is not None:
        return utf8, "utf-8"
    ansi = _decode_ansi(data)
    if detect_legacy(ansi):
        return ansi, "cp1252"
    text = data.decode("cp1258", errors="replace")
    if _garbage_share(text) > _TIE_BREAK_GARBAGE:
        return _tie_break(data, text)
    return text, "cp1258"


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8, tolerating a few broken bytes (a truncated copy, one bad character) in a text that
    is otherwise valid UTF-8: decoding it as cp1258 would garble every Vietnamese letter."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for c in text if c > "\x7f") - bad
    return text if good >= 20 * bad else None


def _tie_break(data: bytes, cp1258_text: str) -> tuple[str, str]:
    """Bytes cp1258 leaves undecoded: ask charset-normalizer; its answer must be clearly cleaner,
    since for Vietnamese bytes a Western code page "succeeds" and garbles every tone mark."""
    best = from_bytes(data).best()
    if best is None or not best.encoding:
        return cp1258_text, "cp1258"
    other = str(best)
    if _garbage_share(other) * 2 < _garbage_share(cp1258_text):
        return other, codecs.lookup(best.encoding).name
    return cp1258_text, "cp1258"


def _split_lines(text: str) -> list[str]:
    """Lines exactly as numbered by an editor: CRLF/CR become LF, nothing else is touched."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def _convert_legacy(
    lines: list[str], spans: list[tuple[int, int]] | None = None, hint: LegacyEncoding | None = None
) -> tuple[list[str], LegacyEncoding | None]:
    """Convert TCVN3/VNI text to Unicode as a whole (so line context helps TCVN3 guess case)."""
    text = "\n".join(lines)
    legacy = detect_legacy(text, font_hint=hint)
    if legacy is None:
        return lines, None
    converted = to_unicode(text, legacy, upper_spans=spans or ())
    out = converted.split("\n")
    if len(out) != len(lines):  # conversion never touches "\n"; guard the line numbering anyway
        raise IngestError("lỗi chuyển mã TCVN3/VNI (số dòng thay đổi)")
    return out, legacy


def _load_text(data: bytes) -> LoadedText:
    text, encoding = decode_text(data)
    if not text.strip():
        raise IngestError("tệp rỗng (chỉ có khoảng trắng)")
    lines, legacy = _convert_legacy(_split_lines(text))
    return LoadedText(lines=lines, pages=[None] * len(lines), fmt="txt", encoding=legacy or encoding)


# ---------------------------------------------------------------- PDF


def _load_pdf(data: bytes) -> LoadedText:
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            _decrypt(reader)
        page_texts = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many exception types for broken files
        raise IngestError(f"tệp PDF hỏng hoặc không đọc được: {_short(exc)}") from None
    lines: list[str] = []
    pages: list[int | None] = []
    for number, text in enumerate(page_texts, start=1):
        if not text.strip():
            continue  # a scanned page: nothing to cite from it
        page_lines = _split_lines(text)
        lines.extend(page_lines)
        pages.extend([number] * len(page_lines))
    if not lines:
        raise IngestError("PDF không có lớp văn bản (ảnh quét?)")
    lines, legacy = _convert_legacy(lines)
    return LoadedText(lines=lines, pages=pages, fmt="pdf", encoding=legacy or "")


def _decrypt(reader: PdfReader) -> None:
    """Open PDFs protected only by an owner password (empty user password); refuse the rest."""
    try:
        ok = reader.decrypt("")
    except Exception as exc:
        raise IngestError(f"PDF được mã hoá, không mở được: {_short(exc)}") from None
    if not ok:
        raise IngestError("PDF được bảo vệ bằng mật khẩu, không mở được")


# ---------------------------------------------------------------- DOCX

_HEADING_RE = re.compile(r"^heading (\d)$", re.IGNORECASE)
# TCVN3 fonts that only have capitals (.VnTimeH, .VnArialH ...) and the families of each encoding.
_TCVN3_UPPER_FONT_RE = re.compile(r"^\.vn.*h$", re.IGNORECASE)
_FONT_FAMILIES: tuple[tuple[re.Pattern[str], LegacyEncoding], ...] = (
    (re.compile(r"^\.vn", re.IGNORECASE), "tcvn3"),
    (re.compile(r"^vni[- ]", re.IGNORECASE), "vni"),
)


@dataclass(slots=True)
class _Line:
    """A line being built from pieces; `upper` marks pieces set in an uppercase-only TCVN3 font."""

    pieces: list[tuple[str, bool]] = field(default_factory=list)

    def add(self, text: str, upper: bool = False) -> None:
        if text:
            self.pieces.append((text, upper))

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.pieces)


@dataclass(slots=True)
class _FontStats:
    """Characters per legacy font family, a hint when detection on the text alone is unsure."""

    chars: dict[str, int] = field(default_factory=dict)

    def add(self, font: str | None, text: str) -> None:
        n = len(text.strip())
        family = next((enc for rx, enc in _FONT_FAMILIES if font and rx.match(font)), "")
        self.chars[family] = self.chars.get(family, 0) + n

    def hint(self) -> LegacyEncoding | None:
        total = sum(self.chars.values())
        if not total:
            return None
        for encoding in ("tcvn3", "vni"):
            if self.chars.get(encoding, 0) * 2 > total:
                return encoding
        return None


def _style_attr(style: BaseStyle | None, getter: Callable[[Any], Any]) -> Any:
    """First non-None value along a style's base_style chain."""
    seen = 0
    while style is not None and seen < 20:  # guard against cyclic base styles
        value = getter(style)
        if value is not None:
            return value
        style = getattr(style, "base_style", None)
        seen += 1
    return None


def _run_font(run: Run, para_font: str | None) -> str | None:
    """Font of the run's letters: w:hAnsi covers 0x80-0xFF (the legacy codes), then w:ascii."""
    rpr = run._r.rPr
    fonts = rpr.rFonts if rpr is not None else None
    if fonts is not None:
        name = fonts.get(qn("w:hAnsi")) or fonts.get(qn("w:ascii"))
        if name:
            return str(name)
    return _style_attr(run.style, lambda s: s.font.name) or para_font


def _run_bold(run: Run, para_bold: bool) -> bool:
    if run.bold is not None:
        return bool(run.bold)
    style_bold = _style_attr(run.style, lambda s: s.font.bold)
    return bool(style_bold) if style_bold is not None else para_bold


# Runs of a paragraph in reading order, including hyperlinks, tracked insertions and fields.
_RUN_XPATH = (
    "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r"
    " | ./w:sdt/w:sdtContent/w:r | ./w:customXml/w:r"
)


def _paragraph_runs(paragraph: Paragraph, fonts: _FontStats) -> tuple[list[tuple[str, bool, bool]], int]:
    """(text, bold, upper-font) per run, and the heading level (0 = not a heading)."""
    style = paragraph.style
    name = (style.name or "") if style is not None else ""
    match = _HEADING_RE.match(name)
    level = int(match.group(1)) if match else 1 if name.lower() == "title" else 0
    para_font = _style_attr(style, lambda s: s.font.name)
    para_bold = bool(_style_attr(style, lambda s: s.font.bold))
    runs: list[tuple[str, bool, bool]] = []
    for r in paragraph._p.xpath(_RUN_XPATH):
        run = Run(r, paragraph)
        text = run.text.replace("\n", " ")  # a soft line break stays inside the paragraph's line
        if not text:
            continue
        font = _run_font(run, para_font)
        fonts.add(font, text)
        runs.append((text, _run_bold(run, para_bold), bool(font and _TCVN3_UPPER_FONT_RE.match(font))))
    return runs, level


def _paragraph_line(paragraph: Paragraph, fonts: _FontStats, markup: bool = True) -> _Line:
    """The paragraph's text; with markup, "# " for headings and "**...**" for bold-only text
    (not in table cells, where bold header rows would hide the column names)."""
    runs, level = _paragraph_runs(paragraph, fonts)
    if not markup:
        level = 0
    line = _Line()
    text = "".join(t for t, _, _ in runs)
    if level and text.strip():
        line.add("#" * level + " ")
    visible = [bold for t, bold, _ in runs if t.strip()]
    bold_only = markup and not level and bool(visible) and all(visible)
    if bold_only:  # a bold-only paragraph is usually an unnumbered heading: keep it recognisable
        runs = _strip_runs(runs)
        line.add("**")
    for t, _, upper in runs:
        line.add(t, upper)
    if bold_only:
        line.add("**")
    return line


def _strip_runs(runs: list[tuple[str, bool, bool]]) -> list[tuple[str, bool, bool]]:
    """Drop leading/trailing whitespace across runs ("** text **" would not read as bold)."""
    runs = list(runs)
    while runs and not runs[0][0].lstrip():
        runs.pop(0)
    while runs and not runs[-1][0].rstrip():
        runs.pop()
    if runs:
        runs[0] = (runs[0][0].lstrip(), *runs[0][1:])
        runs[-1] = (runs[-1][0].rstrip(), *runs[-1][1:])
    return runs


def _cell_line(cell: _Cell, fonts: _FontStats) -> _Line:
    """A cell on one line: its paragraphs (and nested tables) joined by spaces, no tabs."""
    out = _Line()
    for child in cell._tc.iterchildren():
        if child.tag == qn("w:p"):
            parts = [_paragraph_line(Paragraph(child, cell), fonts, markup=False)]
        elif child.tag == qn("w:tbl"):
            parts = _table_lines(Table(child, cell), fonts)
        else:
            continue
        for part in parts:
            if not part.text.strip():
                continue
            if out.pieces:
                out.add(" ")
            for text, upper in part.pieces:
                out.add(text.replace("\t", " "), upper)
    return out


def _table_lines(table: Table, fonts: _FontStats) -> list[_Line]:
    """One line per row, cells joined by tabs; a merged cell repeated by python-docx counts once."""
    lines: list[_Line] = []
    for row in table.rows:
        cells: list[_Line] = []
        prev_tc = None
        for cell in row.cells:
            if cell._tc is prev_tc:
                continue
            prev_tc = cell._tc
            cells.append(_cell_line(cell, fonts))
        if not any(c.text.strip() for c in cells):
            continue  # an empty row would end the table for the structure parser
        line = _Line()
        for i, cell_line in enumerate(cells):
            if i:
                line.add("\t")
            line.pieces.extend(cell_line.pieces)
        lines.append(line)
    return lines


def _body_lines(container: DocxDocument, elements: Iterator[Any], fonts: _FontStats) -> Iterator[_Line]:
    """Paragraphs and tables in document order; a table gets an empty line before and after."""
    for el in elements:
        if el.tag == qn("w:p"):
            yield _paragraph_line(Paragraph(el, container), fonts)
        elif el.tag == qn("w:tbl"):
            yield _Line()
            yield from _table_lines(Table(el, container), fonts)
            yield _Line()
        elif el.tag == qn("w:sdt"):  # content control: its content is ordinary body content
            for content in el.iterchildren(qn("w:sdtContent")):
                yield from _body_lines(container, content.iterchildren(), fonts)


def _load_docx(data: bytes) -> LoadedText:
    fonts = _FontStats()
    try:
        document = docx.Document(BytesIO(data))
        body = document.element.body
        built = list(_body_lines(document, body.iterchildren(), fonts))
    except Exception as exc:  # python-docx/lxml/zipfile errors on malformed packages
        raise IngestError(f"tệp DOCX hỏng: {_short(exc)}") from None
    lines = [line.text for line in built]
    spans = _upper_spans(built)
    lines, legacy = _convert_legacy(lines, spans, hint=fonts.hint())
    return LoadedText(lines=lines, pages=[None] * len(lines), fmt="docx", encoding=legacy or "")


def _upper_spans(lines: list[_Line]) -> list[tuple[int, int]]:
    """Offsets, in the lines joined by "\\n", of text set in uppercase-only TCVN3 fonts."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in lines:
        for text, upper in line.pieces:
            if upper:
                spans.append((pos, pos + len(text)))
            pos += len(text)
        pos += 1  # the "\n"
    return spans


# ---------------------------------------------------------------- HTML

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_DROP_TAGS = frozenset(
    {"script", "style", "head", "title", "noscript", "template", "svg", "iframe", "object"}
)
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "section", "article", "header", "footer",
        "nav", "main", "aside", "blockquote", "figure", "figcaption", "address", "form", "fieldset",
        "hr", "caption", "center", "body", "html", "tbody", "thead", "tfoot",
    }
)  # fmt: skip
_HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
_BREAKING_TAGS = _BLOCK_TAGS | set(_HEADING_TAGS) | {"br", "pre", "table", "tr", "td", "th"}
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def _decode_html(data: bytes) -> tuple[str, str]:
    """BOM, then <meta charset>, then the same detection as plain text."""
    if _bom_encoding(data) is None and (m := _META_CHARSET_RE.search(data[:4096])):
        try:
            name = codecs.lookup(m.group(1).decode("ascii")).name
            text = data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: detect instead
        else:
            _check_garbage(text)
            return text, name
    return decode_text(data)


class _HtmlText:
    """Collects the text of an HTML tree as lines (block elements break lines)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._buf: list[str] = []

    def flush(self, keep_empty: bool = False) -> None:
        line = " ".join("".join(self._buf).split())
        self._buf = []
        if line or keep_empty:
            self.lines.append(line)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, _SKIPPED_STRINGS):
                continue
            if isinstance(child, NavigableString):
                self._buf.append(str(child))
            elif isinstance(child, Tag):
                self._element(child)

    def _element(self, tag: Tag) -> None:
        name = tag.name.lower()
        if name in _DROP_TAGS:
            return
        if name == "br":
            self.flush(keep_empty=True)
        elif name == "table":
            self.flush()
            self.blank()
            for row in _table_rows(tag):
                self.lines.append(row)
            self.blank()
        elif name == "tr":  # a row outside any <table>
            self.flush()
            if row := _row_text(tag):
                self.lines.append(row)
        elif name in _HEADING_TAGS:
            self.flush()
            text = _inline_text(tag)
            if text:
                self.lines.append("#" * _HEADING_TAGS[name] + " " + text)
        elif name == "pre":
            self.flush()
            self.lines.extend(line.rstrip() for line in _raw_text(tag).split("\n"))
        elif name in _BLOCK_TAGS:
            self.flush()
            self.walk(tag)
            self.flush()
        else:  # inline (b, i, sup, span, a, ...): its text only
            self.walk(tag)


def _raw_text(tag: Tag) -> str:
    parts: list[str] = []
    for s in tag.descendants:
        if (
            isinstance(s, NavigableString)
            and not isinstance(s, _SKIPPED_STRINGS)
            and not any(p.name in _DROP_TAGS for p in s.parents if isinstance(p, Tag))
        ):
            parts.append(str(s))
    return "".join(parts)


def _inline_text(tag: Tag) -> str:
    """The text of a heading or cell on one line; <br> and nested blocks become spaces."""
    parts: list[str] = []

    def visit(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, _SKIPPED_STRINGS):
                continue
            if isinstance(child, NavigableString):
                parts.append(str(child))
            elif isinstance(child, Tag) and child.name not in _DROP_TAGS:
                breaking = child.name in _BREAKING_TAGS
                parts.append(" " if breaking else "")
                visit(child)
                parts.append(" " if breaking else "")

    visit(tag)
    return " ".join("".join(parts).split())


def _row_text(tr: Tag) -> str:
    cells = [_inline_text(c) for c in tr.find_all(["td", "th"], recursive=False)]
    return "\t".join(cells) if any(cells) else ""


def _table_rows(table: Tag) -> list[str]:
    """Rows of this table only (not of tables nested in its cells)."""
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    return [text for tr in rows if (text := _row_text(tr))]


def _load_html(data: bytes) -> LoadedText:
    text, encoding = _decode_html(data)
    if not text.strip():
        raise IngestError("tệp rỗng (chỉ có khoảng trắng)")
    # html.parser: part of Python, and keeps the tree as written (lxml is not a declared dependency)
    collector = _HtmlText()
    try:
        soup = BeautifulSoup(text, "html.parser")
        collector.walk(soup)
    except RecursionError:
        raise IngestError("tệp HTML lồng thẻ quá sâu, không đọc được") from None
    collector.flush()
    lines = collector.lines
    while lines and lines[-1] == "":
        lines.pop()
    lines, legacy = _convert_legacy(lines)
    return LoadedText(lines=lines, pages=[None] * len(lines), fmt="html", encoding=legacy or encoding)


_LOADERS: dict[str, Callable[[bytes], LoadedText]] = {
    "txt": _load_text,
    "md": _load_text,
    "pdf": _load_pdf,
    "docx": _load_docx,
    "html": _load_html,
}
