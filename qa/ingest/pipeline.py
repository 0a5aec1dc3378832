"""From a file on disk to a parsed document and its chunks."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from qa.fsutil import file_sha256
from qa.ingest.chunking import chunk_document
from qa.ingest.formats import FORMATS, LoadOptions, load_file
from qa.ingest.metadata import apply_sidecar, detect_metadata
from qa.ingest.normalize import normalize_lines
from qa.ingest.structure import build_blocks
from qa.ingest.tables import find_tables
from qa.models import Chunk, IngestError, LoadedText, ParsedDocument
from qa.settings import get_settings
from qa.vn.gazetteer import load_gazetteer

SUPPORTED_SUFFIXES = tuple(f".{ext}" for ext in FORMATS)


_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")
_HASHED_MARK = "~"  # never in a plain name: a hashed id cannot equal the id of another, plainly named file


def doc_id_for(source: str) -> str:
    """The id of the file named ``source``: one id per file, stable while the name stays.

    A plain name (ASCII letters, digits, ``_.-``) is its own id, extension included, so ``x.txt`` and
    ``x.docx`` are two documents. Any other name gets a readable ASCII slug, ``~`` and a hash of the exact
    name: ``Kế hoạch 2024.md`` -> ``Ke-hoach-2024.md~6d1f0c2a9b``. A changed file keeps its id.
    """
    if _PLAIN_NAME.fullmatch(source):
        return source
    folded = "".join(
        c
        for c in unicodedata.normalize("NFD", source.replace("đ", "d").replace("Đ", "D"))
        if not unicodedata.combining(c)
    )
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", folded).strip("-.")[:80] or "tai-lieu"
    return f"{slug}{_HASHED_MARK}{hashlib.sha1(source.encode()).hexdigest()[:10]}"


def parse_loaded(loaded: LoadedText, source: str, sha256: str, path: Path | None = None) -> ParsedDocument:
    lines = normalize_lines(loaded.lines)
    if not any(line.strip() for line in lines):
        raise IngestError("tệp rỗng")
    tables = find_tables(lines)
    structure = build_blocks(lines, tables, loaded.pages, loaded.headings)
    meta = detect_metadata(lines, structure.blocks)
    if path is not None:
        meta = apply_sidecar(meta, path)
    if meta.province and not meta.current_province:
        meta.current_province = load_gazetteer().current_of(meta.province)
    return ParsedDocument(
        doc_id=doc_id_for(source),
        source=source,
        sha256=sha256,
        fmt=loaded.fmt,
        lines=lines,
        pages=loaded.pages,
        blocks=structure.blocks,
        meta=meta,
        tables=len(tables),
        sections=structure.sections,
        dropped_lines=structure.dropped_lines,
        warnings=list(loaded.warnings),
    )


def parse_file(
    path: Path,
    max_bytes: int,
    on_page: Callable[[int, int], None] | None = None,
    options: LoadOptions | None = None,
) -> ParsedDocument:
    """Parse one file. ``on_page(done, total)`` is called after each page of a PDF (scanned pages take
    seconds each); ``options`` say where OCR and LibreOffice are (default: this machine's PATH)."""
    options = options or LoadOptions.from_settings(get_settings())
    if on_page is not None:
        options = replace(options, on_page=on_page)
    loaded = load_file(path, max_bytes, options)
    return parse_loaded(loaded, path.name, file_sha256(path), path)


def parse_and_chunk(
    path: Path, max_bytes: int, size: int = 1000, overlap: int = 150
) -> tuple[ParsedDocument, list[Chunk]]:
    doc = parse_file(path, max_bytes)
    return doc, chunk_document(doc, size, overlap)
