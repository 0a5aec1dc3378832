"""The job journal in SQLite beside the index (``index/jobs.sqlite``), for the embedded mode.

WAL mode with ``synchronous=FULL``: a committed row survives a crash of the process or of the machine,
readers (GET /jobs) never block the writer, and the API process, its build children and ``qa ingest``
may all write (SQLite serialises writers; ``busy_timeout`` makes them wait instead of failing).
One connection per thread: sqlite3 connections are not shared across threads here.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from qa.index.progress import BuildProgress
from qa.jobs.model import FINISHED, Job, JobDocument, JobStatus, now_iso

JOURNAL_FILE = "jobs.sqlite"
_BUSY_TIMEOUT_MS = 30_000  # a writer holds the lock for milliseconds; 30 s means something is stuck

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    step TEXT NOT NULL,
    stage TEXT,
    detail TEXT NOT NULL,
    doc_id TEXT,
    source TEXT,
    sha256 TEXT,
    staged TEXT,
    trash TEXT NOT NULL DEFAULT '[]',
    documents TEXT NOT NULL DEFAULT '[]',
    generation TEXT,
    owner TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    files_done INTEGER NOT NULL DEFAULT 0,
    files_total INTEGER NOT NULL DEFAULT 0,
    chunks_done INTEGER NOT NULL DEFAULT 0,
    chunks_total INTEGER NOT NULL DEFAULT 0,
    eta_seconds REAL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
CREATE INDEX IF NOT EXISTS jobs_doc ON jobs(doc_id);
"""
_COLUMNS = [f.name for f in fields(Job)]
_UNFINISHED = "status NOT IN ('done', 'failed', 'cancelled')"


class SqliteJournal:
    def __init__(self, path: Path, keep_finished: int = 1000) -> None:
        self.path = path
        self.keep_finished = keep_finished
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._conn() as conn:
            conn.executescript(_SCHEMA)

    @classmethod
    def beside(cls, index_dir: Path, keep_finished: int = 1000) -> SqliteJournal:
        return cls(index_dir / JOURNAL_FILE, keep_finished)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
            self._local.conn = conn
        return conn

    def _write(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = conn.execute(sql, args)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return cursor.rowcount

    # ------------------------------------------------------------------ protocol

    def submit(self, job: Job) -> Job:
        row = _to_row(job)
        marks = ",".join("?" * len(row))
        self._write(f"INSERT INTO jobs ({','.join(row)}) VALUES ({marks})", tuple(row.values()))
        self._forget_old()
        return job

    def mark_stored(self, job_id: str) -> None:
        self._write("UPDATE jobs SET step = 'stored' WHERE job_id = ?", (job_id,))

    def claim_next(self, owner: str) -> Job | None:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")  # the write lock: two claimers cannot take the same job
        try:
            row = conn.execute(
                "SELECT * FROM jobs WHERE status = 'queued' AND step = 'stored' ORDER BY seq LIMIT 1"
            ).fetchone()
            if row is None:
                conn.execute("COMMIT")
                return None
            conn.execute(
                "UPDATE jobs SET status = 'running', owner = ?, attempts = attempts + 1, started_at = ?, "
                "detail = ? WHERE job_id = ?",
                (owner, now_iso(), "Đang bắt đầu lập chỉ mục.", row["job_id"]),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return self.get(row["job_id"])

    def start(self, job_id: str, owner: str) -> None:
        """A job run at once by its submitter (``qa ingest``), without going through the queue."""
        self._write(
            "UPDATE jobs SET status = 'running', owner = ?, attempts = attempts + 1, started_at = ? "
            "WHERE job_id = ?",
            (owner, now_iso(), job_id),
        )

    def update_progress(self, job_id: str, progress: BuildProgress, eta_seconds: float | None) -> bool:
        self._write(
            "UPDATE jobs SET stage = ?, files_done = ?, files_total = ?, chunks_done = ?, chunks_total = ?, "
            "eta_seconds = ?, detail = ? WHERE job_id = ? AND " + _UNFINISHED,
            (
                progress.stage,
                progress.files_done,
                progress.files_total,
                progress.chunks_done,
                progress.chunks_total,
                eta_seconds,
                _stage_detail(progress),
                job_id,
            ),
        )
        row = self._conn().execute("SELECT cancel_requested FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return bool(row and row["cancel_requested"])

    def finish(
        self,
        job_id: str,
        status: JobStatus,
        detail: str,
        documents: list[JobDocument] | None = None,
        generation: str | None = None,
    ) -> None:
        docs = json.dumps([asdict(d) for d in documents or []], ensure_ascii=False)
        self._write(
            "UPDATE jobs SET status = ?, detail = ?, documents = CASE WHEN ? = '[]' THEN documents ELSE ? END, "
            "generation = COALESCE(?, generation), finished_at = ?, eta_seconds = NULL "
            "WHERE job_id = ? AND " + _UNFINISHED,
            (status, detail, docs, docs, generation, now_iso(), job_id),
        )

    def requeue(self, job_id: str, detail: str) -> None:
        self._write(
            "UPDATE jobs SET status = 'queued', owner = NULL, stage = NULL, detail = ? WHERE job_id = ? AND "
            + _UNFINISHED,
            (detail, job_id),
        )

    def request_cancel(self, job_id: str) -> Job | None:
        self._write("UPDATE jobs SET cancel_requested = 1 WHERE job_id = ? AND " + _UNFINISHED, (job_id,))
        return self.get(job_id)

    def get(self, job_id: str) -> Job | None:
        row = self._conn().execute("SELECT * FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return _from_row(row) if row else None

    def list_unfinished(self) -> list[Job]:
        rows = self._conn().execute(f"SELECT * FROM jobs WHERE {_UNFINISHED} ORDER BY seq").fetchall()
        return [_from_row(r) for r in rows]

    def recent(self, limit: int = 50) -> list[Job]:
        rows = self._conn().execute("SELECT * FROM jobs ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
        return [_from_row(r) for r in rows]

    def pending_for(self, doc_id: str) -> Job | None:
        row = (
            self._conn()
            .execute(
                f"SELECT * FROM jobs WHERE doc_id = ? AND kind != 'ingest' AND {_UNFINISHED} ORDER BY seq LIMIT 1",
                (doc_id,),
            )
            .fetchone()
        )
        return _from_row(row) if row else None

    def last_finished_for(self, doc_id: str) -> Job | None:
        row = (
            self._conn()
            .execute(
                f"SELECT * FROM jobs WHERE doc_id = ? AND NOT ({_UNFINISHED}) ORDER BY seq DESC LIMIT 1",
                (doc_id,),
            )
            .fetchone()
        )
        return _from_row(row) if row else None

    def count_unfinished(self) -> int:
        return int(self._conn().execute(f"SELECT COUNT(*) FROM jobs WHERE {_UNFINISHED}").fetchone()[0])

    def _forget_old(self) -> None:
        done = ",".join(f"'{s}'" for s in FINISHED)
        self._write(
            f"DELETE FROM jobs WHERE status IN ({done}) AND seq <= "
            f"(SELECT seq FROM jobs WHERE status IN ({done}) ORDER BY seq DESC LIMIT 1 OFFSET ?)",
            (self.keep_finished,),
        )

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


_STAGE_TEXT = {
    "parsing": "Đang đọc tệp",
    "embedding": "Đang tính vector",
    "indexing": "Đang dựng chỉ mục",
    "publishing": "Đang chuyển sang chỉ mục mới",
}


def _stage_detail(progress: BuildProgress) -> str:
    text = _STAGE_TEXT[progress.stage]
    if progress.stage == "parsing" and progress.files_total:
        text += f" ({progress.files_done}/{progress.files_total} tệp"
        if progress.pages_total:
            text += f", {progress.current_file}: trang {progress.pages_done}/{progress.pages_total}"
        text += ")"
    elif progress.stage == "embedding" and progress.chunks_total:
        text += f" ({progress.chunks_done}/{progress.chunks_total} đoạn)"
    return text + "."


def _to_row(job: Job) -> dict[str, Any]:
    row = asdict(job)
    row["trash"] = json.dumps(job.trash, ensure_ascii=False)
    row["documents"] = json.dumps([asdict(d) for d in job.documents], ensure_ascii=False)
    row["cancel_requested"] = int(job.cancel_requested)
    return {k: row[k] for k in _COLUMNS}


def _from_row(row: sqlite3.Row) -> Job:
    values = {k: row[k] for k in _COLUMNS}
    values["trash"] = [tuple(pair) for pair in json.loads(row["trash"])]
    values["documents"] = [JobDocument(**d) for d in json.loads(row["documents"])]
    values["cancel_requested"] = bool(row["cancel_requested"])
    return Job(**values)
