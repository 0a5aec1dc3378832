"""Numeric facts (figures) from the indicator tables and the prose of a parsed document."""

from __future__ import annotations

from qa.extract.figures.context import base_year
from qa.extract.figures.prose import prose_figures
from qa.extract.figures.tables import table_figures
from qa.models import Figure, ParsedDocument


def extract_figures(doc: ParsedDocument) -> list[Figure]:
    """All figures of a document in reading order: table cells and prose numbers."""
    figures: list[Figure] = []
    base = base_year(doc)  # read once: an undated report's own year reads its whole text
    for block in doc.blocks:
        if block.kind == "table_row":
            figures.extend(table_figures(doc, block, base))
        elif block.kind == "text":
            figures.extend(prose_figures(doc, block, base))
    return figures
