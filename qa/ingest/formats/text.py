"""Plain text and markdown: the encoding detected (UTF-8/16, cp1258, legacy TCVN3/VNI fonts), split into lines."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from qa.ingest.legacy_vn import LegacyEncoding, detect_legacy, to_unicode
from qa.models import IngestError, LoadedText

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


def bom_encoding(data: bytes) -> str | None:
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
    check_garbage(text)
    return text, name


def check_garbage(text: str) -> None:
    if _garbage_share(text) > _MAX_GARBAGE:
        raise IngestError("không nhận dạng được bảng mã (nội dung toàn ký tự điều khiển hoặc lỗi)")


def _decode(data: bytes) -> tuple[str, str]:
    name = bom_encoding(data) or _bomless_utf16(data)
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


def split_lines(text: str) -> list[str]:
    """Lines exactly as numbered by an editor: CRLF/CR become LF, nothing else is touched."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def convert_legacy(
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


def load_text(data: bytes) -> LoadedText:
    text, encoding = decode_text(data)
    if not text.strip():
        raise IngestError("tệp rỗng (chỉ có khoảng trắng)")
    lines, legacy = convert_legacy(split_lines(text))
    return LoadedText(lines=lines, pages=[None] * len(lines), fmt="txt", encoding=legacy or encoding)
