"""Build an index generation from documents, atomically.

Layout: ``index/gen-000007/{store.sqlite, vectors.faiss, vectors.npy, ids.npy, lexical/, manifest.json}``
and ``index/current``, a symlink swapped with one rename. A reader resolves
``current`` once and sees an old or a new generation, never a mix; a build that
dies half-way leaves only a ``.gen-*.tmp-*`` directory that the next build removes.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from qa.extract.figures import extract_figures
from qa.extract.regulations import extract_regulations
from qa.fsutil import file_sha256, staged_directory
from qa.index import store
from qa.index.dense import build_faiss, save_faiss
from qa.index.layout import (
    FORMAT_VERSION,
    current_generation,
    next_generation_number,
    prune,
    remove_stale_temp,
    switch_current,
)
from qa.index.lexical import LexicalIndex
from qa.ingest.chunking import chunk_document, chunk_holding
from qa.ingest.pipeline import SUPPORTED_SUFFIXES, parse_file
from qa.models import SECTION_SEP, Chunk, IngestError, ParsedDocument
from qa.settings import Settings


@dataclass(slots=True)
class DocReport:
    source: str
    status: str  # new | changed | reindexed (same file, read again by a newer format) | unchanged | skipped | removed
    reason: str = ""
    title: str = ""
    province: str | None = None
    kind: str | None = None
    sections: int = 0
    tables: int = 0
    chunks: int = 0
    figures: int = 0


@dataclass(slots=True)
class BuildReport:
    generation: str | None
    documents: list[DocReport] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    changed: bool = False


def discover(paths: list[Path]) -> list[Path]:
    """Files to ingest: every file under the given directories, the given files themselves."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.iterdir()
                if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".meta.json")
            )
        else:
            found.append(path)
    return found


def passage_text(chunk: Chunk, title: str, province: str | None) -> str:
    """What both indexes see: the document (title, province) and section it comes from, then the text.

    The document line lets "Hà Nam năm 2021" match chunks that never repeat the province's name.
    """
    head = " | ".join(p for p in (province, title) if p)
    return f"{head}\n{chunk.index_text}" if head else chunk.index_text


# The dense side keeps only the nearest section level of the path: the outer ones ("Phần II. MỤC TIÊU, NHIỆM
# VỤ…") repeat on hundreds of chunks and cost tokens without telling the chunks apart. Measured on dev (100
# questions, onnx-int8; bench/RESULTS.md, "Embedding"), against the whole path (95,711 tokens; dense hit@1 / hit@5
# / MRR 0.425 / 0.736 / 0.550, hybrid 0.793 / 0.943 / 0.847): the nearest level not already in the text embeds
# 19% fewer tokens with dense 0.506 / 0.736 / 0.600 and hybrid 0.793 / 0.954 / 0.856; two levels 14% fewer,
# in between; dropping the document title too lost dense hit@5 (0.713).
EMBEDDING_SECTION_LEVELS = 1
# Stored in the index; a generation embedded from another text recipe has all its vectors recomputed.
EMBEDDING_TEXT_VERSION = 2


def embedding_text(chunk: Chunk, title: str, province: str | None) -> str:
    """What the dense index embeds: the document line, the nearest section levels the text does not already
    hold, the table header (rows), then the text. The lexical index keeps the whole ``passage_text``."""
    levels = [p for p in chunk.section.split(SECTION_SEP) if p.strip() and p.strip() not in chunk.text]
    table = chunk.context[len(chunk.section) :] if chunk.context.startswith(chunk.section) else chunk.context
    head = " | ".join(p for p in (province, title) if p)
    parts = (head, SECTION_SEP.join(levels[-EMBEDDING_SECTION_LEVELS:]), table.strip("\n"), chunk.text)
    return "\n".join(p for p in parts if p)


Embedder = Callable[[list[str]], np.ndarray]


def build(
    settings: Settings,
    paths: list[Path] | None = None,
    embed: Embedder | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> BuildReport:
    """Sync the index with the files under ``paths`` (default: the corpus directory)."""
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    # One build at a time (CLI and API uploads may overlap); readers never take the lock.
    with (settings.index_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_locked(settings, paths, embed, progress)


def _build_locked(
    settings: Settings,
    paths: list[Path] | None,
    embed: Embedder | None,
    progress: Callable[[str, int, int], None] | None,
) -> BuildReport:
    started = time.perf_counter()
    index_dir = settings.index_dir
    remove_stale_temp(index_dir)
    previous = current_generation(index_dir)
    old = _OldGeneration.open(previous, settings.embedding_model)
    files = discover(paths or [settings.corpus_dir])
    report = BuildReport(generation=previous.name if previous else None)

    docs: list[tuple[ParsedDocument, list[Chunk]]] = []
    reused: list[str] = []
    seen_sources: set[str] = set()
    t0 = time.perf_counter()
    for n, path in enumerate(files, 1):
        if progress:
            progress(path.name, n, len(files))
        if path.name in seen_sources:
            report.documents.append(DocReport(path.name, "skipped", "trùng tên với tệp khác"))
            continue
        seen_sources.add(path.name)
        outcome = _prepare(path, settings, old)
        if isinstance(outcome, DocReport):
            report.documents.append(outcome)
            if outcome.status == "skipped" and old.has(path.name):
                reused.append(old.doc_id(path.name))  # a broken new version never erases the old one
                outcome.reason += " (giữ phiên bản đã lập chỉ mục trước đó)"
            elif outcome.status == "unchanged":
                reused.append(old.doc_id(path.name))
            continue
        doc, chunks, status = outcome
        docs.append((doc, chunks))
        report.documents.append(_doc_report(doc, chunks, status))
    removed = [s for s in old.sources() if s not in seen_sources]
    report.documents += [DocReport(s, "removed") for s in removed]
    report.timings["parse"] = time.perf_counter() - t0

    if previous is not None and not docs and not removed and old.format == FORMAT_VERSION:
        report.timings["total"] = time.perf_counter() - started
        return report  # nothing changed: keep serving the current generation

    generation = _write_generation(settings, docs, reused, old, embed, report)
    report.generation = generation.name
    report.changed = True
    report.timings["total"] = time.perf_counter() - started
    return report


def _prepare(path: Path, settings: Settings, old: _OldGeneration):
    try:
        if not path.is_file():
            raise IngestError("không tìm thấy tệp")
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise IngestError(f"định dạng không hỗ trợ ({path.suffix or 'không có phần mở rộng'})")
        sha = file_sha256(path)
        same_bytes = old.sha(path.name) == sha
        if same_bytes and old.format == FORMAT_VERSION:
            return DocReport(path.name, "unchanged", **old.summary(path.name))
        doc = parse_file(path, settings.max_file_bytes)
        chunks = chunk_document(doc, settings.chunk_size, settings.chunk_overlap)
        if not chunks:
            raise IngestError("không có nội dung văn bản")
        return doc, chunks, ("reindexed" if same_bytes else "changed" if old.has(path.name) else "new")
    except IngestError as exc:
        return DocReport(path.name, "skipped", str(exc))
    except Exception as exc:  # a parser bug on one file must not stop the others
        return DocReport(path.name, "skipped", f"lỗi khi xử lý: {type(exc).__name__}: {exc}")


def _doc_report(doc: ParsedDocument, chunks: list[Chunk], status: str) -> DocReport:
    return DocReport(
        doc.source,
        status,
        "",
        doc.meta.title,
        doc.meta.province,
        doc.meta.kind,
        doc.sections,
        doc.tables,
        len(chunks),
    )


def _write_generation(
    settings: Settings,
    docs: list[tuple[ParsedDocument, list[Chunk]]],
    reused: list[str],
    old: _OldGeneration,
    embed: Embedder | None,
    report: BuildReport,
) -> Path:
    index_dir = settings.index_dir
    generation_no = next_generation_number(index_dir)
    final = index_dir / f"gen-{generation_no:06d}"
    with staged_directory(final) as tmp:
        conn = store.connect(tmp / "store.sqlite")
        try:
            _fill_generation(tmp, conn, settings, docs, reused, old, embed, report, generation_no)
        finally:
            conn.close()
    switch_current(index_dir, final)
    prune(index_dir, keep={final.name, old.path.name if old.path else ""})
    return final


def _fill_generation(
    tmp: Path,
    conn: sqlite3.Connection,
    settings: Settings,
    docs: list[tuple[ParsedDocument, list[Chunk]]],
    reused: list[str],
    old: _OldGeneration,
    embed: Embedder | None,
    report: BuildReport,
    generation_no: int,
) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    for doc_id in reused:
        store.copy_document(conn, old.conn, doc_id)  # type: ignore[arg-type]
    n_figures: dict[str, int] = {}
    for doc, chunks in docs:
        store.write_document(conn, doc, now)
        store.write_chunks(conn, chunks)
        figures = extract_figures(doc)
        for f in figures:
            f.chunk_id = chunk_holding(chunks, f.line, prefer="table_row")
        store.write_figures(conn, figures)
        store.write_regulations(conn, extract_regulations(doc))
        n_figures[doc.source] = len(figures)
    for r in report.documents:
        r.figures = n_figures.get(r.source, r.figures)
    conn.commit()
    report.timings["store"] = time.perf_counter() - t0

    rows = conn.execute(
        "SELECT c.*, d.title AS doc_title, d.province AS doc_province FROM chunks c "
        "JOIN documents d USING (doc_id) ORDER BY d.source, c.ordinal"
    ).fetchall()
    ids = np.array([r["chunk_id"] for r in rows], dtype=np.int64)
    chunks_all = [store.row_to_chunk(r) for r in rows]

    t0 = time.perf_counter()
    vectors = _vectors(rows, chunks_all, ids, old, embed)
    report.timings["embed"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    np.save(tmp / "vectors.npy", vectors)
    np.save(tmp / "ids.npy", ids)
    save_faiss(build_faiss(vectors, ids, settings.faiss_index), tmp / "vectors.faiss")
    (tmp / "lexical").mkdir()
    texts = [
        passage_text(c, r["doc_title"] or "", r["doc_province"])
        for c, r in zip(chunks_all, rows, strict=True)
    ]
    LexicalIndex.build(texts, ids).save(tmp / "lexical")
    report.timings["index"] = time.perf_counter() - t0

    store.set_meta(
        conn,
        {
            "format": FORMAT_VERSION,
            "embedding_model": settings.embedding_model,
            "embedding_text": EMBEDDING_TEXT_VERSION,
            "dim": int(vectors.shape[1]),
            "generation": generation_no,
            "created": now,
            "chunks": len(ids),
        },
    )
    conn.commit()
    manifest = {
        "generation": generation_no,
        "embedding_model": settings.embedding_model,
        "created": now,
        "chunks": len(ids),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def _vectors(
    rows: list[sqlite3.Row], chunks: list[Chunk], ids: np.ndarray, old: _OldGeneration, embed: Embedder | None
) -> np.ndarray:
    known = old.vectors_by_id()
    todo = [k for k, cid in enumerate(ids) if int(cid) not in known]
    dim = next(iter(known.values())).shape[0] if known else 0
    new_vectors: np.ndarray | None = None
    if todo:
        if embed is None:
            raise RuntimeError("an embedding function is needed for new chunks")
        texts = [embedding_text(chunks[k], rows[k]["doc_title"] or "", rows[k]["doc_province"]) for k in todo]
        new_vectors = np.asarray(embed(texts), dtype=np.float32)
        dim = new_vectors.shape[1]
    out = np.zeros((len(ids), dim or 384), dtype=np.float32)
    for k, cid in enumerate(ids):
        if int(cid) in known:
            out[k] = known[int(cid)]
    if new_vectors is not None:
        out[todo] = new_vectors
    return out


class _OldGeneration:
    """The generation being replaced: what can be reused from it."""

    def __init__(self, path: Path | None, conn: sqlite3.Connection | None) -> None:
        self.path = path
        self.conn = conn
        self._docs = {r["source"]: r for r in conn.execute("SELECT * FROM documents")} if conn else {}
        self._vectors: dict[int, np.ndarray] | None = None
        self.format = store.get_meta(conn).get("format") if conn else None

    @classmethod
    def open(cls, path: Path | None, model: str) -> _OldGeneration:
        if path is None or not (path / "store.sqlite").exists():
            return cls(None, None)
        conn = store.connect(path / "store.sqlite", readonly=True)
        meta = store.get_meta(conn)
        if meta.get("embedding_model") != model or meta.get("embedding_text") != EMBEDDING_TEXT_VERSION:
            conn.close()
            return cls(None, None)  # another model or embedded text: every vector must be recomputed
        return cls(path, conn)

    def has(self, source: str) -> bool:
        return source in self._docs

    def sha(self, source: str) -> str | None:
        row = self._docs.get(source)
        return row["sha256"] if row else None

    def doc_id(self, source: str) -> str:
        return self._docs[source]["doc_id"]

    def sources(self) -> list[str]:
        return list(self._docs)

    def summary(self, source: str) -> dict:
        row = self._docs[source]
        assert self.conn is not None
        n = self.conn.execute("SELECT COUNT(*) FROM chunks WHERE doc_id = ?", (row["doc_id"],)).fetchone()[0]
        nf = self.conn.execute("SELECT COUNT(*) FROM figures WHERE doc_id = ?", (row["doc_id"],)).fetchone()[
            0
        ]
        return {
            "title": row["title"],
            "province": row["province"],
            "kind": row["kind"],
            "sections": row["sections"],
            "tables": row["tables"],
            "chunks": n,
            "figures": nf,
        }

    def vectors_by_id(self) -> dict[int, np.ndarray]:
        if self._vectors is None:
            self._vectors = {}
            if self.path is not None and (self.path / "vectors.npy").exists():
                vectors = np.load(self.path / "vectors.npy")
                ids = np.load(self.path / "ids.npy")
                self._vectors = {int(i): v for i, v in zip(ids, vectors, strict=True)}
        return self._vectors
