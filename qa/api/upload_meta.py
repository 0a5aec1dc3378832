"""What an uploader may say of a document: its title, province, kind, số hiệu and date.

A scanned plan whose first page is missing, a news page saved without its headline: the text does not hold the
title, and no rule on the text can find it. The uploader can type it. Each field is checked (422 with the reason)
and kept as the document's sidecar (``NAME.meta.json``, qa.ingest.metadata.apply_sidecar), which wins over what
the text says; what is not given is still read from the text.
"""

from __future__ import annotations

from datetime import date

from qa.api.uploads import UploadError
from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import lexicon
from qa.vn.so_hieu import NUMBER_ANY_CASE_RE, normalize_number
from qa.vn.text import collapse_ws, nfc

# The form fields, as the API names them; each maps to the DocumentMeta field of the same name.
FIELDS = ("title", "province", "kind", "number", "date")
MAX_TITLE_CHARS = 500  # the longest shipped or gathered title is 190 characters


def read_upload_meta(form: dict[str, str]) -> dict[str, str]:
    """The metadata fields of an upload form, checked and normalised; blank fields are left out."""
    out: dict[str, str] = {}
    for name in FIELDS:
        raw = collapse_ws(nfc(form.get(name) or ""))
        if raw:
            out[name] = _CHECKS[name](raw)
    return out


def _title(raw: str) -> str:
    if len(raw) > MAX_TITLE_CHARS:
        raise UploadError(422, f"Tiêu đề quá dài ({len(raw)} ký tự, tối đa {MAX_TITLE_CHARS}).")
    return raw


def _province(raw: str) -> str:
    name = load_gazetteer().canonical(raw)
    if name is None:
        raise UploadError(422, f"Không nhận ra tỉnh «{raw[:80]}»: ghi tên tỉnh, thành phố (cũ hoặc mới).")
    return name


def _kind(raw: str) -> str:
    kinds = [k.name for k in lexicon().document_kinds] + [lexicon().news_kind]
    for kind in kinds:
        if kind.lower() == raw.lower():
            return kind
    raise UploadError(422, f"Loại văn bản «{raw[:80]}» không hợp lệ; chọn một trong: {', '.join(kinds)}.")


def _number(raw: str) -> str:
    if not NUMBER_ANY_CASE_RE.fullmatch(raw):
        raise UploadError(422, f"Số hiệu «{raw[:80]}» không đúng dạng (ví dụ: 95/KH-UBND).")
    return normalize_number(raw.upper())  # "95/kh-ubnd" as documents write it: 95/KH-UBND


def _date(raw: str) -> str:
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise UploadError(
            422, f"Ngày ban hành «{raw[:40]}» không hợp lệ; ghi theo dạng YYYY-MM-DD."
        ) from None


_CHECKS = {"title": _title, "province": _province, "kind": _kind, "number": _number, "date": _date}
