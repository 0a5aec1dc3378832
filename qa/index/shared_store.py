"""Index generations in the shared database (``QA_DATABASE_URL``): each one's store rows and files.

Replicas of a shared deployment need not share a disk. A build writes its generation into its own index
directory as the embedded default does, then ``publish`` copies it into PostgreSQL — every row of its
``store.sqlite`` into the ``gen_*`` tables (schema step 3, ``qa.postgres.schema``), every other file of the
generation (``lexical/``, the vectors, ``abbreviations.json``, ``answer_model.json``, ``manifest.json``) as a
``bytea`` blob — and moves the ``current_generation`` pointer to it, all in one transaction: a replica reads the
old generation or the new one, never a half. That transaction also deletes the generations older than the
previous one (the layout's rule, ``qa.index.layout.prune``: a reader may still hold the previous one).

A replica serves the pointer's generation: the Engine reads its rows from here (``SharedStoreReader``) and its
files from the replica's own index directory, a cache filled from the blobs once per generation
(``materialise``). Blobs rather than a shared file system: the files are read whole at load (bm25s, FAISS,
JSON), they are a few MB for the shipped corpus, and one database then holds everything a replica needs.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import tuple_row

from qa.fsutil import staged_directory
from qa.index import store
from qa.index.layout import CURRENT, switch_current
from qa.index.store_contents import Line, StoreContents
from qa.models import Figure, RegulationMention
from qa.postgres.advisory import session_lock
from qa.postgres.pool import Pool, open_pool

STORE_FILE = "store.sqlite"  # its rows go to the gen_* tables, not to a blob
MANIFEST_FILE = (
    "manifest.json"  # names the generation's number and creation time: a cached copy is checked by it
)
# Session advisory lock held by a build from the moment it reads the current generation until it has published
# its own: builds on several replicas run one at a time, each on top of the last published generation.
BUILD_LOCK = 0x716A6275  # "qjbu"
POOL_SIZE = 2  # a replica's reads here are the load of a generation and a document's lines per request
# The store tables and their columns, in the order of store.SCHEMA (the SQLite store's own names).
TABLES: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    "documents": (
        "doc_id",
        "source",
        "sha256",
        "fmt",
        "title",
        "issuer",
        "province",
        "current_province",
        "kind",
        "number",
        "date",
        "years",
        "n_lines",
        "sections",
        "tables",
        "ingested_at",
    ),
    "lines": ("doc_id", "line_no", "text", "page"),
    "chunks": (
        "chunk_id",
        "doc_id",
        "source",
        "section",
        "text",
        "context",
        "start_line",
        "end_line",
        "page",
        "kind",
        "ordinal",
    ),
    "figures": ("id", "doc_id", "data"),
    "regulations": ("id", "doc_id", "number", "data"),
}


_OPEN: dict[str, SharedStore] = {}
_OPENING = threading.Lock()  # the API's watcher and request threads may ask at once


def generation_name(number: int) -> str:
    return f"gen-{number:06d}"


@dataclass(frozen=True, slots=True)
class GenerationRef:
    """A published generation: its number (the directory ``gen-NNNNNN``) and creation time (meta ``created``)."""

    number: int
    created: str

    @property
    def name(self) -> str:
        return generation_name(self.number)


class GenerationConflict(RuntimeError):
    """Another build published a generation after this one read the current one: nothing was published."""


def shared_store(url: str) -> SharedStore:
    """The process's one SharedStore for ``url`` (opened on first use, kept until the process exits): every
    Engine a replica loads over its life reads through the same few connections."""
    with _OPENING:
        store_ = _OPEN.get(url)
        if store_ is None:
            store_ = _OPEN[url] = SharedStore(url)
        return store_


def close_shared_stores() -> None:
    """Close every store ``shared_store`` opened (tests, whose databases are dropped after each one)."""
    while _OPEN:
        _OPEN.popitem()[1].close()


class SharedStore:
    """The shared database's generations, through a small pool (its schema brought up to date on open)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.pool: Pool = open_pool(url, "qa-generations", POOL_SIZE)

    def close(self) -> None:
        self.pool.close()

    # ------------------------------------------------------------------ the pointer

    def current(self) -> GenerationRef | None:
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT g.generation, g.created FROM current_generation c JOIN generations g USING (generation)"
            ).fetchone()
        return GenerationRef(int(row["generation"]), str(row["created"])) if row else None

    def latest_number(self) -> int:
        """The highest generation number ever published and still kept (0 when none)."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT coalesce(max(generation), 0) AS n FROM generations").fetchone()
        return int(row["n"]) if row else 0

    @contextmanager
    def build_lock(self) -> Iterator[None]:
        """Held by one build at a time across every replica (a session lock: a killed build lets it go)."""
        with session_lock(self.url, BUILD_LOCK):
            yield

    # ------------------------------------------------------------------ publishing

    def publish(self, generation: Path, base: int | None) -> GenerationRef:
        """Copy a finished generation directory in and make it current, in one transaction, if the current
        generation is still ``base`` (None: there was none); else raise ``GenerationConflict``. Keeps the new
        and the previous generation, deletes the others."""
        src = store.connect(generation / STORE_FILE, readonly=True)
        try:
            meta = store.get_meta(src)
            ref = GenerationRef(int(meta["generation"]), str(meta["created"]))
            with self.pool.connection() as conn:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (BUILD_LOCK + 1,))
                row = conn.execute("SELECT generation FROM current_generation").fetchone()
                now = int(row["generation"]) if row else None
                if now != base:
                    raise GenerationConflict(
                        f"generation {generation_name(now or 0)} was published after this build began "
                        f"from {generation_name(base or 0)}"
                    )
                conn.execute(
                    "INSERT INTO generations (generation, format, created) VALUES (%s, %s, %s)",
                    (ref.number, int(meta["format"]), ref.created),
                )
                for table, columns in TABLES.items():
                    _copy_rows(conn, src, table, columns, ref.number)
                for path in sorted(p for p in generation.rglob("*") if p.is_file()):
                    name = path.relative_to(generation).as_posix()
                    if name != STORE_FILE:
                        conn.execute(
                            "INSERT INTO gen_files (generation, path, data) VALUES (%s, %s, %s)",
                            (ref.number, name, path.read_bytes()),
                        )
                conn.execute(
                    "INSERT INTO current_generation (generation) VALUES (%s) "
                    "ON CONFLICT (only_row) DO UPDATE SET generation = excluded.generation",
                    (ref.number,),
                )
                conn.execute(
                    "DELETE FROM generations WHERE generation <> ALL(%s)",
                    ([n for n in (ref.number, base) if n is not None],),
                )
            return ref
        finally:
            src.close()

    def put_file(self, number: int, name: str, data: bytes) -> None:
        """Add or replace one file of a published generation (``qa train`` writes ``answer_model.json``)."""
        with self.pool.connection() as conn:
            conn.execute(
                "INSERT INTO gen_files (generation, path, data) VALUES (%s, %s, %s) "
                "ON CONFLICT (generation, path) DO UPDATE SET data = excluded.data",
                (number, name, data),
            )

    # ------------------------------------------------------------------ reading

    def reader(self, ref: GenerationRef) -> SharedStoreReader:
        return SharedStoreReader(self.pool, ref.number)

    def sources(self, number: int) -> dict[str, str]:
        """source -> sha256 of every document of a generation."""
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT source, sha256 FROM gen_documents WHERE generation = %s", (number,)
            ).fetchall()
        return {r["source"]: r["sha256"] for r in rows}

    def materialise(self, index_dir: Path, ref: GenerationRef, with_store: bool = False) -> Path:
        """The generation's directory in this replica's own index directory, written from the database unless a
        copy of this very generation (same number and creation time) is there already. ``with_store`` also
        writes its ``store.sqlite`` (a build reuses the unchanged documents' rows from it)."""
        final = index_dir / ref.name
        if _holds(final, ref) and (not with_store or (final / STORE_FILE).is_file()):
            return final
        with staged_directory(final) as tmp, self.pool.connection() as conn:
            for row in conn.execute(
                "SELECT path, data FROM gen_files WHERE generation = %s", (ref.number,)
            ).fetchall():
                path = tmp / row["path"]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(row["data"])
            if with_store:
                _write_sqlite(conn, ref.number, tmp / STORE_FILE)
        return final

    def mirror(self, index_dir: Path, ref: GenerationRef, with_store: bool = False) -> Path:
        """``materialise``, then point this replica's ``index/current`` at it and keep only it and the
        generation before it on disk (``qa.index.layout``'s rule)."""
        final = self.materialise(index_dir, ref, with_store)
        link = index_dir / CURRENT
        if not link.is_symlink() or os.readlink(link) != final.name:
            switch_current(index_dir, final)
        older = sorted(
            n for p in index_dir.glob("gen-*") if p.name[4:].isdigit() and (n := int(p.name[4:])) < ref.number
        )
        # Newer directories are left alone: a build of this replica may have written one it is publishing.
        for n in older[:-1]:
            shutil.rmtree(index_dir / generation_name(n), ignore_errors=True)
        return final


class SharedStoreReader:
    """One generation's store in the shared database (``qa.index.store_contents.StoreReader``)."""

    def __init__(self, pool: Pool, number: int) -> None:
        self.pool = pool
        self.number = number

    def meta(self) -> dict[str, Any]:
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT key, value FROM gen_meta WHERE generation = %s", (self.number,)
            ).fetchall()
        return {r["key"]: r["value"] for r in rows}

    def contents(self) -> StoreContents:
        with self.pool.connection() as conn:
            documents = conn.execute(
                "SELECT * FROM gen_documents WHERE generation = %s ORDER BY source", (self.number,)
            ).fetchall()
            chunks = conn.execute("SELECT * FROM gen_chunks WHERE generation = %s", (self.number,)).fetchall()
            figures = conn.execute(
                "SELECT data FROM gen_figures WHERE generation = %s ORDER BY id", (self.number,)
            ).fetchall()
            regulations = conn.execute(
                "SELECT data FROM gen_regulations WHERE generation = %s ORDER BY id", (self.number,)
            ).fetchall()
        for row in documents:
            del row["generation"]
        return StoreContents(
            [dict(r) for r in documents],
            [store.row_to_chunk(r) for r in chunks],
            [Figure(**json.loads(r["data"])) for r in figures],
            [RegulationMention(**json.loads(r["data"])) for r in regulations],
        )

    def lines(self, doc_id: str) -> list[Line]:
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT line_no, text, page FROM gen_lines WHERE generation = %s AND doc_id = %s "
                "ORDER BY line_no",
                (self.number, doc_id),
            ).fetchall()
        return [(r["line_no"], r["text"], r["page"]) for r in rows]

    def close(self) -> None:
        pass  # the pool is the SharedStore's


def _copy_rows(
    conn: psycopg.Connection[Any], src: sqlite3.Connection, table: str, columns: tuple[str, ...], number: int
) -> None:
    """COPY a store table's rows in (the fastest way into PostgreSQL: one stream, no statement per row)."""
    target = f"gen_{table}"
    names = ", ".join(columns)
    with conn.cursor() as cur, cur.copy(f"COPY {target} (generation, {names}) FROM STDIN") as copy:
        for row in src.execute(f"SELECT {names} FROM {table}"):
            copy.write_row((number, *row))


def _write_sqlite(conn: psycopg.Connection[Any], number: int, path: Path) -> None:
    """A generation's rows as the embedded store (``store.SCHEMA``) at ``path``."""
    dst = store.connect(path)
    try:
        for table, columns in TABLES.items():
            names = ", ".join(columns)
            marks = ", ".join("?" * len(columns))
            with conn.cursor(row_factory=tuple_row) as cur:
                cur.execute(f"SELECT {names} FROM gen_{table} WHERE generation = %s", (number,))
                rows = cur.fetchall()
            if table == "meta":
                rows = [(k, json.dumps(v)) for k, v in rows]
            dst.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        dst.commit()
    finally:
        dst.close()


def _holds(directory: Path, ref: GenerationRef) -> bool:
    """Whether a local directory is a copy of this very generation (a build killed before publishing may have
    left a directory of the same number with other contents)."""
    try:
        manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("generation") == ref.number and manifest.get("created") == ref.created
