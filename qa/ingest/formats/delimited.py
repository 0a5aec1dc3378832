"""CSV (comma, semicolon or tab separated, any of the text encodings ``text.py`` knows): one table."""

from __future__ import annotations

import csv
import io

from qa.ingest.formats.sheets import Sheet, sheets_to_text
from qa.ingest.formats.text import decode_text
from qa.models import IngestError, LoadedText

_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024


def load_csv(data: bytes) -> LoadedText:
    text, encoding = decode_text(data)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise IngestError("tệp rỗng (chỉ có khoảng trắng)")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:_SNIFF_BYTES], delimiters=_DELIMITERS
        )
    except csv.Error:
        dialect = csv.excel  # one column, or too irregular to tell: commas
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise IngestError(f"tệp CSV hỏng: {exc}") from None
    loaded = sheets_to_text([Sheet("", rows)], "csv")
    loaded.encoding = encoding
    return loaded
