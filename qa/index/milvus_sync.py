"""Keep the Milvus collection in step with an index generation, in two steps that are safe to repeat.

The generation on disk stays the source of truth; Milvus holds its chunks for search. Chunk ids are stable
(a hash of document, file digest and position: ``qa.ingest.chunking.chunk_id_for``), so an unchanged document's
rows stay and only changed, new and removed documents cost writes.

1. ``publish`` (before ``index/current`` switches to the generation): mark the documents about to change as
   pending, upsert their rows, stamp the generation. Nothing is deleted, so a reader still on the previous
   generation finds all its rows (the new ones carry ids it does not know, and it skips them).
2. ``retire`` (after the switch): delete the rows of removed documents and the old rows of changed ones, then
   record each document's digest.

A crash between or inside the steps leaves extra rows, never missing ones, and the next build (or
``qa migrate``) finishes the job: a document whose recorded digest is not the generation's (pending included) is
written and cleaned again, a recorded document the generation lacks is removed.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from qa.index import store
from qa.index.build import EMBEDDING_TEXT_VERSION, passage_text
from qa.index.layout import FORMAT_VERSION, current_generation
from qa.index.milvus_collection import (
    DENSE_FIELD,
    DOC_FIELD,
    DOC_KEY_PREFIX,
    ID_FIELD,
    PROVINCE_FIELD,
    TOKENS_FIELD,
    YEARS_FIELD,
    GenerationStamp,
    VectorStoreError,
    ensure_collections,
    quoted,
    state_collection,
    state_row,
    write_stamp,
)
from qa.index.token_codes import encoded_text
from qa.vn.text import fold

if TYPE_CHECKING:
    from pymilvus import MilvusClient

# Rows per upsert: a row is ~1.5 KB of vector and up to ~12 KB of token codes, so ~3.5 MB a request, far
# under gRPC's message limit, and few enough round trips (427 chunks: 2).
UPSERT_BATCH = 256
# Documents whose rows one delete expression names; the expression stays a few KB.
DELETE_DOCS_BATCH = 64
PENDING = "pending"
# Milvus returns at most this many rows per query; the state is read page by page.
QUERY_PAGE = 16_384
# Milvus Lite returns no MVCC timestamp for an iterator; pymilvus then warns on every read of the state (and
# reads at the client's time, which is what a sync wants anyway). Set when reading: importing pymilvus
# configures its loggers.
ITERATOR_LOGGER = "pymilvus.client.iterator.query_iterator"


@dataclass(slots=True)
class SyncReport:
    generation: int
    written_docs: int = 0
    written_rows: int = 0
    removed_docs: int = 0
    cleaned_docs: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class _Doc:
    doc_id: str
    province: str
    years: list[int]
    chunk_ids: list[int]
    digest: str


class GenerationRows:
    """What Milvus holds of one generation: per document its digest, and its rows on demand."""

    def __init__(self, generation: Path) -> None:
        self.path = generation
        self.conn = store.connect(generation / "store.sqlite", readonly=True)
        self.meta = store.get_meta(self.conn)
        self.stamp = GenerationStamp(int(self.meta["generation"]), str(self.meta["created"]))
        self.dim = int(self.meta["dim"])
        ids = np.load(generation / "ids.npy")
        self.row_of = {int(i): k for k, i in enumerate(ids)}
        self.vectors = np.load(generation / "vectors.npy", mmap_mode="r")
        self.docs: dict[str, _Doc] = {}
        by_doc: dict[str, list[int]] = {}
        for r in self.conn.execute("SELECT doc_id, chunk_id FROM chunks ORDER BY doc_id, ordinal"):
            by_doc.setdefault(r["doc_id"], []).append(int(r["chunk_id"]))
        # What a document's rows depend on besides its chunk ids (which already hash its file): the tokens and
        # text recipes (the format) and the vectors' model and text.
        recipe = f"{FORMAT_VERSION}|{self.meta.get('embedding_model')}|{EMBEDDING_TEXT_VERSION}|"
        for r in self.conn.execute("SELECT doc_id, province, years FROM documents"):
            chunk_ids = by_doc.get(r["doc_id"], [])
            digest = hashlib.blake2b(
                (recipe + ",".join(map(str, sorted(chunk_ids)))).encode(), digest_size=16
            ).hexdigest()
            years = [int(y) for y in json.loads(r["years"] or "[]")]
            self.docs[r["doc_id"]] = _Doc(r["doc_id"], fold(r["province"] or ""), years, chunk_ids, digest)

    def rows(self, doc_ids: list[str]) -> Iterator[dict[str, Any]]:
        for doc_id in doc_ids:
            doc = self.docs[doc_id]
            for r in self.conn.execute(
                "SELECT c.*, d.title AS doc_title, d.province AS doc_province FROM chunks c "
                "JOIN documents d USING (doc_id) WHERE c.doc_id = ? ORDER BY c.ordinal",
                (doc_id,),
            ):
                chunk = store.row_to_chunk(r)
                yield {
                    ID_FIELD: chunk.chunk_id,
                    DOC_FIELD: doc_id,
                    PROVINCE_FIELD: doc.province,
                    YEARS_FIELD: doc.years,
                    TOKENS_FIELD: encoded_text(passage_text(chunk, r["doc_title"] or "", r["doc_province"])),
                    DENSE_FIELD: np.asarray(
                        self.vectors[self.row_of[chunk.chunk_id]], dtype=np.float32
                    ).tolist(),
                }

    def close(self) -> None:
        self.conn.close()


def recorded_digests(client: MilvusClient, collection: str) -> dict[str, str]:
    """Document id -> the digest recorded for its rows (``pending`` while being written)."""
    name = state_collection(collection)
    out: dict[str, str] = {}
    logging.getLogger(ITERATOR_LOGGER).setLevel(logging.ERROR)
    iterator = client.query_iterator(
        name, batch_size=QUERY_PAGE, filter=f'key like "{DOC_KEY_PREFIX}%"', output_fields=["key", "value"]
    )
    try:
        while batch := iterator.next():
            out.update({r["key"][len(DOC_KEY_PREFIX) :]: r["value"] for r in batch})
    finally:
        iterator.close()
    return out


def publish(client: MilvusClient, collection: str, rows: GenerationRows, report: SyncReport) -> None:
    """Step 1: every row of the generation is in Milvus (and maybe some of the previous one's)."""
    ensure_collections(client, collection, rows.dim)
    recorded = recorded_digests(client, collection)
    todo = [d for d, doc in rows.docs.items() if recorded.get(d) != doc.digest]
    state = state_collection(collection)
    for start in range(0, len(todo), UPSERT_BATCH):
        client.upsert(
            state, [state_row(DOC_KEY_PREFIX + d, PENDING) for d in todo[start : start + UPSERT_BATCH]]
        )
    batch: list[dict[str, Any]] = []
    for row in rows.rows(todo):
        batch.append(row)
        if len(batch) == UPSERT_BATCH:
            client.upsert(collection, batch)
            report.written_rows += len(batch)
            batch = []
    if batch:
        client.upsert(collection, batch)
        report.written_rows += len(batch)
    client.flush(collection)
    write_stamp(client, collection, rows.stamp)
    client.flush(state)
    report.written_docs = len(todo)


def retire(client: MilvusClient, collection: str, rows: GenerationRows, report: SyncReport) -> None:
    """Step 2, once readers use the generation: only its rows remain, and the state records them."""
    recorded = recorded_digests(client, collection)
    state = state_collection(collection)
    gone = [d for d in recorded if d not in rows.docs]
    for start in range(0, len(gone), DELETE_DOCS_BATCH):
        part = gone[start : start + DELETE_DOCS_BATCH]
        client.delete(collection, filter=f"{DOC_FIELD} in {quoted(part)}")
        client.delete(state, filter=f"key in {quoted([DOC_KEY_PREFIX + d for d in part])}")
    changed = [d for d, doc in rows.docs.items() if recorded.get(d) != doc.digest]
    for doc_id in changed:
        doc = rows.docs[doc_id]
        keep = f" and {ID_FIELD} not in {doc.chunk_ids}" if doc.chunk_ids else ""
        client.delete(collection, filter=f"{DOC_FIELD} == {quoted([doc_id])[1:-1]}{keep}")
        client.upsert(state, [state_row(DOC_KEY_PREFIX + doc_id, doc.digest)])
    client.flush(collection)
    client.flush(state)
    report.removed_docs, report.cleaned_docs = len(gone), len(changed)


def open_generation(generation: Path) -> GenerationRows:
    try:
        return GenerationRows(generation)
    except (OSError, KeyError, sqlite3.DatabaseError) as exc:
        raise RuntimeError(f"không đọc được thế hệ chỉ mục {generation}: {exc}") from exc


class MilvusSync:
    """Both steps for one generation, over one connection (the build calls them around its switch)."""

    def __init__(self, url: str, collection: str, generation: Path) -> None:
        from qa.index.milvus_collection import connect

        self.collection = collection
        self.rows = open_generation(generation)
        self.report = SyncReport(self.rows.stamp.generation)
        try:
            self.client = connect(url)
        except Exception:
            self.rows.close()
            raise

    def publish(self) -> None:
        t0 = time.perf_counter()
        try:
            publish(self.client, self.collection, self.rows, self.report)
        except VectorStoreError:
            raise
        except Exception as exc:  # pymilvus's and gRPC's errors alike: the build stops before its switch
            raise VectorStoreError(f"không ghi được vào cơ sở dữ liệu vector: {exc}") from exc
        self.report.seconds["publish"] = time.perf_counter() - t0

    def retire(self) -> None:
        t0 = time.perf_counter()
        retire(self.client, self.collection, self.rows, self.report)
        self.report.seconds["retire"] = time.perf_counter() - t0

    def close(self) -> None:
        self.rows.close()
        self.client.close()


def sync_current(index_dir: Path, url: str, collection: str) -> SyncReport:
    """Make Milvus hold exactly the current generation (``qa migrate --to-vector``), under the build lock so no
    build switches generations meanwhile."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        generation = current_generation(index_dir)
        if generation is None:
            raise RuntimeError(f"chưa có chỉ mục trong {index_dir}: chạy `qa ingest` trước")
        sync = MilvusSync(url, collection, generation)
        try:
            sync.publish()
            sync.retire()
        finally:
            sync.close()
        return sync.report
