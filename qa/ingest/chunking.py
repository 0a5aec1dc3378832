"""Chunks for retrieval: text split inside sections, table rows as units of their own."""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from langchain_text_splitters import RecursiveCharacterTextSplitter

from qa.models import SECTION_SEP, Block, Chunk, ParsedDocument

_SEPARATORS = ["\n", ". ", "; ", ", ", " ", ""]


def chunk_id_for(doc_id: str, sha256: str, ordinal: int) -> int:
    """A stable positive 63-bit id: FAISS IndexIDMap and SQLite both key on it."""
    digest = hashlib.blake2b(f"{doc_id}\0{sha256}\0{ordinal}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


@dataclass(slots=True)
class _Group:
    section: tuple[str, ...]
    blocks: list[Block] = field(default_factory=list)


def _groups(blocks: list[Block]) -> list[_Group]:
    """Consecutive text of one section; a lone heading joins the section that follows it."""
    groups: list[_Group] = []
    pending: list[Block] = []
    closed = False  # a table interrupts the text: what follows it is a new group
    for block in blocks:
        if block.kind == "table_row":
            if pending:
                groups.append(_Group(pending[-1].section, pending))
                pending = []
            closed = True
            continue
        current = groups[-1] if groups else None
        if block.kind == "heading":
            pending.append(block)
            continue
        if pending or closed or current is None or current.section != block.section:
            closed = False
            groups.append(_Group(block.section, pending + [block]))
            pending = []
        else:
            current.blocks.append(block)
    if pending:
        groups.append(_Group(pending[-1].section, pending))
    return groups


def _table_context(block: Block) -> str:
    row = block.row
    assert row is not None
    parts = [SECTION_SEP.join(block.section), " | ".join(h for h in row.header if h)]
    if row.group:
        parts.append(row.group)
    return "\n".join(p for p in parts if p)


def row_header(chunk: Chunk) -> str | None:
    """The column header of a table-row chunk ("TT | Chỉ tiêu | … | Kế hoạch năm 2024"), read back from the
    context `_table_context` wrote; None for prose or a row without a header."""
    if chunk.kind != "table_row":
        return None
    lines = chunk.context.split("\n")
    if chunk.section and lines and lines[0] == chunk.section:
        lines = lines[1:]
    # A header has several columns, so its line always holds the " | " join; a group title never does.
    return lines[0] if lines and " | " in lines[0] else None


def chunk_holding(chunks: Iterable[Chunk], line: int, prefer: str) -> int | None:
    """Id of a chunk whose lines hold ``line``, one of kind ``prefer`` when there is one.

    Figures prefer their table row (the precise citation); regulation mentions prefer the prose around them.
    """
    fallback = None
    for c in chunks:
        if c.start_line <= line <= c.end_line:
            if c.kind == prefer:
                return c.chunk_id
            fallback = fallback if fallback is not None else c.chunk_id
    return fallback


def chunk_document(doc: ParsedDocument, size: int = 1000, overlap: int = 150) -> list[Chunk]:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size, chunk_overlap=overlap, separators=_SEPARATORS, keep_separator="end"
    )
    items: list[tuple[int, Chunk]] = []  # (first line, chunk) so the output follows the document
    for group in _groups(doc.blocks):
        text, offsets, line_at = _assemble(group.blocks)
        section = SECTION_SEP.join(group.section)
        cursor = 0
        for piece in splitter.split_text(text):
            start = text.find(piece, max(0, cursor - overlap - len(piece)))
            start = text.find(piece) if start < 0 else start
            cursor = start + len(piece)
            first = line_at[bisect.bisect_right(offsets, start) - 1]
            last = line_at[bisect.bisect_right(offsets, start + len(piece.rstrip()) - 1) - 1]
            chunk = Chunk(
                0,
                doc.doc_id,
                doc.source,
                section,
                piece.strip(),
                section,
                first,
                last,
                doc.pages[first - 1] if first <= len(doc.pages) else None,
            )
            items.append((first, chunk))
    for block in doc.blocks:
        if block.kind == "table_row":
            chunk = Chunk(
                0,
                doc.doc_id,
                doc.source,
                block.section_path,
                block.text,
                _table_context(block),
                block.start_line,
                block.end_line,
                block.page,
                kind="table_row",
            )
            items.append((block.start_line, chunk))
    items.sort(key=lambda item: (item[0], item[1].kind != "text"))
    chunks = [c for _, c in items if c.text]
    for ordinal, chunk in enumerate(chunks):
        chunk.chunk_id = chunk_id_for(doc.doc_id, doc.sha256, ordinal)
    return chunks


def _assemble(blocks: list[Block]) -> tuple[str, list[int], list[int]]:
    """Join blocks into one text and record where each source line starts in that text."""
    pieces: list[str] = []
    offsets: list[int] = []
    line_at: list[int] = []
    pos = 0
    for block in blocks:
        if pieces:
            pieces.append("\n")
            pos += 1
        for offset, line_no in block.marks or [(0, block.start_line)]:
            offsets.append(pos + offset)
            line_at.append(line_no)
        pieces.append(block.text)
        pos += len(block.text)
    return "".join(pieces), offsets, line_at
