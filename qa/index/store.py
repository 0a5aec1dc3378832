"""SQLite store of one index generation: documents, their lines, chunks, figures, regulations."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.index.store_contents import Line, StoreContents
from qa.models import Chunk, DocumentMeta, Figure, ParsedDocument, RegulationMention

if TYPE_CHECKING:
    from qa.index.isolated import PreparedDocument

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, source TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL, fmt TEXT NOT NULL,
    title TEXT, issuer TEXT, province TEXT, current_province TEXT, kind TEXT, number TEXT, date TEXT, years TEXT,
    n_lines INTEGER, sections INTEGER, tables INTEGER, ingested_at TEXT
);
CREATE TABLE IF NOT EXISTS lines (
    doc_id TEXT NOT NULL, line_no INTEGER NOT NULL, text TEXT NOT NULL, page INTEGER,
    PRIMARY KEY (doc_id, line_no)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, source TEXT NOT NULL, section TEXT, text TEXT NOT NULL,
    context TEXT, start_line INTEGER, end_line INTEGER, page INTEGER, kind TEXT, ordinal INTEGER
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS figures (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS figures_doc ON figures(doc_id);
CREATE TABLE IF NOT EXISTS regulations (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, number TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS regulations_doc ON regulations(doc_id);
"""


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.executescript(SCHEMA)
    conn.row_factory = sqlite3.Row
    return conn


def set_meta(conn: sqlite3.Connection, values: dict[str, Any]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
        [(k, json.dumps(v)) for k, v in values.items()],
    )


def get_meta(conn: sqlite3.Connection) -> dict[str, Any]:
    return {row["key"]: json.loads(row["value"]) for row in conn.execute("SELECT key, value FROM meta")}


def write_document(conn: sqlite3.Connection, doc: ParsedDocument, ingested_at: str) -> None:
    m = doc.meta
    conn.execute(
        "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            doc.doc_id,
            doc.source,
            doc.sha256,
            doc.fmt,
            m.title,
            m.issuer,
            m.province,
            m.current_province,
            m.kind,
            m.number,
            m.date,
            json.dumps(m.years),
            len(doc.lines),
            doc.sections,
            doc.tables,
            ingested_at,
        ),
    )
    conn.executemany(
        "INSERT INTO lines VALUES (?,?,?,?)",
        [
            (doc.doc_id, i + 1, text, page)
            for i, (text, page) in enumerate(zip(doc.lines, doc.pages, strict=False))
        ],
    )


def write_chunks(conn: sqlite3.Connection, chunks: Iterable[Chunk]) -> None:
    conn.executemany(
        "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                c.chunk_id,
                c.doc_id,
                c.source,
                c.section,
                c.text,
                c.context,
                c.start_line,
                c.end_line,
                c.page,
                c.kind,
                k,
            )
            for k, c in enumerate(chunks)
        ],
    )


def write_figures(conn: sqlite3.Connection, figures: Iterable[Figure]) -> None:
    conn.executemany(
        "INSERT INTO figures(doc_id, data) VALUES (?, ?)",
        [(f.doc_id, json.dumps(asdict(f), ensure_ascii=False)) for f in figures],
    )


def write_regulations(conn: sqlite3.Connection, mentions: Iterable[RegulationMention]) -> None:
    conn.executemany(
        "INSERT INTO regulations(doc_id, number, data) VALUES (?, ?, ?)",
        [(m.doc_id, m.number, json.dumps(asdict(m), ensure_ascii=False)) for m in mentions],
    )


def write_prepared(conn: sqlite3.Connection, prepared: PreparedDocument, ingested_at: str) -> None:
    """Every row of one read document: the document, its lines, chunks, figures and cited regulations."""
    write_document(conn, prepared.doc, ingested_at)
    write_chunks(conn, prepared.chunks)
    write_figures(conn, prepared.figures)
    write_regulations(conn, prepared.regulations)


def copy_document(dst: sqlite3.Connection, src: sqlite3.Connection, doc_id: str) -> None:
    """Carry an unchanged document (its rows in every table) over from the previous generation.

    Columns are matched by name: a previous generation of an older format (a document kept because its new
    version failed to parse) may lack a column this one has, which then stays empty."""
    for table in ("documents", "lines", "chunks"):
        rows = src.execute(f"SELECT * FROM {table} WHERE doc_id = ?", (doc_id,)).fetchall()
        if rows:
            columns = {info[1] for info in dst.execute(f"PRAGMA table_info({table})")}
            keep = [c for c in rows[0].keys() if c in columns]  # noqa: SIM118 (iterating a Row gives values)
            marks = ",".join("?" * len(keep))
            dst.executemany(
                f"INSERT INTO {table} ({','.join(keep)}) VALUES ({marks})",
                [tuple(r[c] for c in keep) for r in rows],
            )
    dst.executemany(
        "INSERT INTO figures(doc_id, data) VALUES (?, ?)",
        src.execute("SELECT doc_id, data FROM figures WHERE doc_id = ? ORDER BY id", (doc_id,)),
    )
    dst.executemany(
        "INSERT INTO regulations(doc_id, number, data) VALUES (?, ?, ?)",
        src.execute("SELECT doc_id, number, data FROM regulations WHERE doc_id = ? ORDER BY id", (doc_id,)),
    )


def row_to_chunk(row: Mapping[str, Any]) -> Chunk:
    return Chunk(
        row["chunk_id"],
        row["doc_id"],
        row["source"],
        row["section"],
        row["text"],
        row["context"],
        row["start_line"],
        row["end_line"],
        row["page"],
        row["kind"],
    )


def row_to_meta(row: Mapping[str, Any]) -> DocumentMeta:
    return DocumentMeta(
        title=row["title"] or "",
        issuer=row["issuer"],
        province=row["province"],
        current_province=row["current_province"],
        kind=row["kind"],
        number=row["number"],
        date=row["date"],
        years=json.loads(row["years"] or "[]"),
    )


def load_figures(conn: sqlite3.Connection) -> list[Figure]:
    return [Figure(**json.loads(row["data"])) for row in conn.execute("SELECT data FROM figures ORDER BY id")]


def load_regulations(conn: sqlite3.Connection) -> list[RegulationMention]:
    return [
        RegulationMention(**json.loads(row["data"]))
        for row in conn.execute("SELECT data FROM regulations ORDER BY id")
    ]


class SqliteStoreReader:
    """The embedded store of one generation (``store.sqlite``), read-only."""

    def __init__(self, path: Path) -> None:
        self.conn = connect(path, readonly=True)

    def meta(self) -> dict[str, Any]:
        return get_meta(self.conn)

    def contents(self) -> StoreContents:
        return StoreContents(
            [dict(row) for row in self.conn.execute("SELECT * FROM documents ORDER BY source")],
            [row_to_chunk(r) for r in self.conn.execute("SELECT * FROM chunks")],
            load_figures(self.conn),
            load_regulations(self.conn),
        )

    def lines(self, doc_id: str) -> list[Line]:
        return [
            (r["line_no"], r["text"], r["page"])
            for r in self.conn.execute(
                "SELECT line_no, text, page FROM lines WHERE doc_id = ? ORDER BY line_no", (doc_id,)
            )
        ]

    def close(self) -> None:
        self.conn.close()
