"""Vietnamese text helpers shared by ingestion, indexing and question parsing."""

from __future__ import annotations

import re
import unicodedata

_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_WS_RE = re.compile(r"\s+")
_MARKUP_RE = re.compile(r"[*|#]")

# Letters that are not decomposable, so NFD alone does not fold them.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def nfc(text: str) -> str:
    """NFC plus the usual look-alike fixes (Ð U+00D0 typed for Đ)."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("\u00d0", "Đ").replace("\u00f0", "đ").replace("\u00a0", " ")


def strip_tags(text: str) -> str:
    return _TAG_RE.sub("", text)


def collapse_ws(text: str) -> str:
    return _WS_RE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower-case and remove Vietnamese accents: 'Số bác sĩ' -> 'so bac si'."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.lower()


def evidence_form(text: str) -> str:
    """The comparison form of the evaluation: NFC, no tags or markdown, collapsed, lower-cased."""
    return collapse_ws(_MARKUP_RE.sub(" ", strip_tags(nfc(text)))).lower()
