"""What a document says about the years of its figures, and quotes clipped around a value."""

from __future__ import annotations

import re

from qa.models import Block, ParsedDocument
from qa.vn.text import collapse_ws, fold
from qa.vn.years import YEAR

# ---------------------------------------------------------------- shared helpers


MAX_QUOTE = 300


def base_year(doc: ParsedDocument) -> int | None:
    """The document's own year: its date, else the earliest year it is about."""
    if doc.meta.date and re.match(r"\d{4}", doc.meta.date):
        return int(doc.meta.date[:4])
    return min(doc.meta.years) if doc.meta.years else None


def horizon(doc: ParsedDocument, block: Block) -> int | None:
    """Target year of a strategy ('... đến năm 2030') named in the title or the section path."""
    text = fold(" ".join([doc.meta.title, *block.section]))
    years = [int(y) for y in re.findall(rf"den nam ({YEAR})", text)]
    return min(years) if years else None


def clip_quote(text: str, start: int, end: int, lo: int, hi: int) -> str:
    """Whitespace-collapsed text[lo:hi], or a 300-character window around [start, end) of it."""
    quote = collapse_ws(text[lo:hi])
    if len(quote) <= MAX_QUOTE:
        return quote
    a = max(lo, start - 120)
    b = min(hi, max(end + 60, a + MAX_QUOTE))
    return collapse_ws(text[a:b])[:MAX_QUOTE].strip()
