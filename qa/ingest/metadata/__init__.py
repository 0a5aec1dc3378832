"""Document metadata: title, kind, số hiệu, issuer, issuing province, issue date and covered years.

Detected from the text (``header``: the letterhead; ``title``: the type line and subject; ``years``: the years
covered; ``casing``: titles typed in capitals); a sidecar ``NAME.meta.json`` next to the file overrides any
field it sets.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from qa.ingest.metadata.header import issuer_name, issuing_province, read_letterhead
from qa.ingest.metadata.title import kind_and_title, news_lead
from qa.ingest.metadata.years import document_years
from qa.models import Block, DocumentMeta
from qa.vn.lexicon import lexicon

_SIDECAR_FIELDS = {f.name for f in fields(DocumentMeta)}
SIDECAR_SUFFIX = ".meta.json"


def sidecar_name(name: str) -> str:
    """The sidecar of a file: ``NAME.meta.json`` beside it."""
    return name + SIDECAR_SUFFIX


def detect_metadata(lines: list[str], blocks: list[Block]) -> DocumentMeta:
    head = read_letterhead(lines)
    meta = DocumentMeta()
    meta.number = head.number
    meta.date = head.date
    meta.province = issuing_province(head, lines)
    meta.issuer = issuer_name(head, meta.province)
    meta.kind, meta.title = kind_and_title(head, blocks)
    lead = news_lead(head) if meta.kind == lexicon().news_kind else ""
    meta.years = document_years(meta.title, blocks, meta.date, lines, lead)
    return meta


def apply_sidecar(meta: DocumentMeta, path: Path) -> DocumentMeta:
    sidecar = path.with_name(sidecar_name(path.name))
    if not sidecar.is_file():
        sidecar = path.with_suffix(SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return meta
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    for key, value in data.items():
        if key in _SIDECAR_FIELDS:
            setattr(meta, key, value)
    return meta
