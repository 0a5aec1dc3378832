"""The job journal in PostgreSQL (``QA_DATABASE_URL``), shared by several API processes on several machines.

The same protocol and the same semantics as the embedded journal (``qa.jobs.sqlite_journal``): a job is
claimed only once it is stored, a finished job is never rewritten, a cancel request is seen by the runner's
next progress report, and only the newest ``keep_finished`` finished jobs are kept. What changes is who may
claim: any process of any replica. ``claim_next`` is one statement, ``UPDATE … WHERE seq = (SELECT … FOR
UPDATE SKIP LOCKED)``: two claimers lock different rows, none waits for the other, and no job is taken twice.
Times of a job's start and end come from the database's clock, the one clock every replica shares.

Plain psycopg 3 with versioned SQL rather than SQLAlchemy and Alembic: the journal is one table with a
handful of fixed statements, so an ORM would add a layer and a dependency without removing any SQL, and
the schema's history is a short list of numbered steps applied in order (``_MIGRATIONS``), recorded in
``schema_version``. Every process applies the missing steps at start-up under an advisory lock, so
replicas starting together do not race. A connection pool (psycopg_pool) keeps a few connections per
process; each method is one transaction, committed when it returns.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import UTC, datetime
from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow, dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from qa.index.progress import BuildProgress
from qa.jobs.model import FINISHED, Job, JobDocument, JobStatus
from qa.jobs.stage_text import stage_detail

# Connections one process keeps. A journal call takes 0.3-0.9 ms on a local server (bench/journal.py); the
# callers at once are the runner thread and the odd request reading a job (the build child is a process of
# its own, with its own pool), so four are seldom all busy. Measured worst case: 16 threads reading through
# these four waited 4.9 ms median, 9.8 ms p95 (bench/RESULTS.md, "Job journal"); a 5th connection per
# replica would cost the server more than it saves.
POOL_MAX = 4
_CONNECT_TIMEOUT_S = 30.0  # the database must answer at start-up within this, or the process stops
_MIGRATION_LOCK = 0x716A6F62  # advisory lock key ("qjob") held while the schema is brought up to date

# Step N of the schema is _MIGRATIONS[N - 1]. Append new steps; never edit one that has shipped.
_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE jobs (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        job_id text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('upload', 'delete', 'ingest')),
        status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        step text NOT NULL CHECK (step IN ('received', 'stored')),
        stage text,
        detail text NOT NULL,
        doc_id text,
        source text,
        sha256 text,
        staged text,
        trash jsonb NOT NULL DEFAULT '[]',
        documents jsonb NOT NULL DEFAULT '[]',
        generation text,
        owner text,
        attempts integer NOT NULL DEFAULT 0,
        cancel_requested boolean NOT NULL DEFAULT false,
        files_done integer NOT NULL DEFAULT 0,
        files_total integer NOT NULL DEFAULT 0,
        chunks_done integer NOT NULL DEFAULT 0,
        chunks_total integer NOT NULL DEFAULT 0,
        eta_seconds double precision,
        created_at timestamptz NOT NULL,
        started_at timestamptz,
        finished_at timestamptz
    );
    CREATE INDEX jobs_claimable ON jobs (seq) WHERE status = 'queued' AND step = 'stored';
    CREATE INDEX jobs_unfinished ON jobs (seq) WHERE status IN ('queued', 'running');
    CREATE INDEX jobs_doc ON jobs (doc_id, seq);
    """,
)
SCHEMA_VERSION = len(_MIGRATIONS)


_COLUMNS = [f.name for f in fields(Job)]
_TIMES = ("created_at", "started_at", "finished_at")
_UNFINISHED = "status NOT IN ('done', 'failed', 'cancelled')"


class JournalUnavailable(RuntimeError):
    """The shared journal cannot be used: the database did not answer at start-up, or its schema is newer than
    this release. The message (Vietnamese, without the URL and its password) says what to do."""


class PostgresJournal:
    def __init__(
        self, url: str, keep_finished: int = 1000, connect_timeout: float = _CONNECT_TIMEOUT_S
    ) -> None:
        self.keep_finished = keep_finished
        self._pool: ConnectionPool[Connection[DictRow]] = ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_MAX,
            kwargs={"row_factory": dict_row},
            connection_class=Connection[DictRow],
            open=True,
            name="qa-jobs",
        )
        try:
            self._pool.wait(connect_timeout)
        except PoolTimeout:
            self._pool.close()
            raise JournalUnavailable(
                f"Không kết nối được cơ sở dữ liệu tác vụ (QA_DATABASE_URL) sau {connect_timeout:g} giây: "
                "hãy kiểm tra địa chỉ, tài khoản và máy chủ PostgreSQL."
            ) from None
        try:
            migrate(self._pool)
        except BaseException:
            self._pool.close()
            raise

    # ------------------------------------------------------------------ protocol

    def submit(self, job: Job) -> Job:
        row = _to_row(job)
        marks = ",".join(["%s"] * len(row))
        with self._pool.connection() as conn:
            conn.execute(f"INSERT INTO jobs ({','.join(row)}) VALUES ({marks})", tuple(row.values()))
            self._forget_old(conn)
        return job

    def mark_stored(self, job_id: str) -> None:
        self._write("UPDATE jobs SET step = 'stored' WHERE job_id = %s", (job_id,))

    def claim_next(self, owner: str) -> Job | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "UPDATE jobs SET status = 'running', owner = %s, attempts = attempts + 1, started_at = now(), "
                "detail = %s WHERE seq = (SELECT seq FROM jobs WHERE status = 'queued' AND step = 'stored' "
                "ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *",
                (owner, "Đang bắt đầu lập chỉ mục."),
            ).fetchone()
        return _from_row(row) if row else None

    def start(self, job_id: str, owner: str) -> None:
        """A job run at once by its submitter (``qa ingest``), without going through the queue."""
        self._write(
            "UPDATE jobs SET status = 'running', owner = %s, attempts = attempts + 1, started_at = now() "
            "WHERE job_id = %s",
            (owner, job_id),
        )

    def update_progress(self, job_id: str, progress: BuildProgress, eta_seconds: float | None) -> bool:
        with self._pool.connection() as conn:
            conn.execute(
                "UPDATE jobs SET stage = %s, files_done = %s, files_total = %s, chunks_done = %s, "
                "chunks_total = %s, eta_seconds = %s, detail = %s WHERE job_id = %s AND " + _UNFINISHED,
                (
                    progress.stage,
                    progress.files_done,
                    progress.files_total,
                    progress.chunks_done,
                    progress.chunks_total,
                    eta_seconds,
                    stage_detail(progress),
                    job_id,
                ),
            )
            row = conn.execute("SELECT cancel_requested FROM jobs WHERE job_id = %s", (job_id,)).fetchone()
        return bool(row and row["cancel_requested"])

    def finish(
        self,
        job_id: str,
        status: JobStatus,
        detail: str,
        documents: list[JobDocument] | None = None,
        generation: str | None = None,
    ) -> None:
        docs = Jsonb([asdict(d) for d in documents]) if documents else None
        self._write(
            "UPDATE jobs SET status = %s, detail = %s, documents = COALESCE(%s, documents), "
            "generation = COALESCE(%s, generation), finished_at = now(), eta_seconds = NULL "
            "WHERE job_id = %s AND " + _UNFINISHED,
            (status, detail, docs, generation, job_id),
        )

    def requeue(self, job_id: str, detail: str) -> None:
        self._write(
            "UPDATE jobs SET status = 'queued', owner = NULL, stage = NULL, detail = %s WHERE job_id = %s AND "
            + _UNFINISHED,
            (detail, job_id),
        )

    def request_cancel(self, job_id: str) -> Job | None:
        self._write("UPDATE jobs SET cancel_requested = true WHERE job_id = %s AND " + _UNFINISHED, (job_id,))
        return self.get(job_id)

    def get(self, job_id: str) -> Job | None:
        return self._one("SELECT * FROM jobs WHERE job_id = %s", (job_id,))

    def list_unfinished(self) -> list[Job]:
        return self._all(f"SELECT * FROM jobs WHERE {_UNFINISHED} ORDER BY seq")

    def recent(self, limit: int = 50) -> list[Job]:
        return self._all("SELECT * FROM jobs ORDER BY seq DESC LIMIT %s", (limit,))

    def pending_for(self, doc_id: str) -> Job | None:
        return self._one(
            f"SELECT * FROM jobs WHERE doc_id = %s AND kind != 'ingest' AND {_UNFINISHED} ORDER BY seq LIMIT 1",
            (doc_id,),
        )

    def last_finished_for(self, doc_id: str) -> Job | None:
        return self._one(
            f"SELECT * FROM jobs WHERE doc_id = %s AND NOT ({_UNFINISHED}) ORDER BY seq DESC LIMIT 1",
            (doc_id,),
        )

    def count_unfinished(self) -> int:
        with self._pool.connection() as conn:
            row = conn.execute(f"SELECT count(*) AS n FROM jobs WHERE {_UNFINISHED}").fetchone()
        return int(row["n"]) if row else 0

    def close(self) -> None:
        self._pool.close()

    # ------------------------------------------------------------------ helpers

    def _write(self, sql: str, args: tuple[Any, ...]) -> None:
        with self._pool.connection() as conn:
            conn.execute(sql, args)

    def _one(self, sql: str, args: tuple[Any, ...]) -> Job | None:
        with self._pool.connection() as conn:
            row = conn.execute(sql, args).fetchone()
        return _from_row(row) if row else None

    def _all(self, sql: str, args: tuple[Any, ...] = ()) -> list[Job]:
        with self._pool.connection() as conn:
            rows = conn.execute(sql, args).fetchall()
        return [_from_row(r) for r in rows]

    def _forget_old(self, conn: Connection[DictRow]) -> None:
        done = ",".join(f"'{s}'" for s in FINISHED)
        conn.execute(
            f"DELETE FROM jobs WHERE status IN ({done}) AND seq <= "
            f"(SELECT seq FROM jobs WHERE status IN ({done}) ORDER BY seq DESC LIMIT 1 OFFSET %s)",
            (self.keep_finished,),
        )


def migrate(pool: ConnectionPool[Connection[DictRow]]) -> int:
    """Apply the schema steps this database lacks, in order, in one transaction; returns the version."""
    with pool.connection() as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        row = conn.execute("SELECT coalesce(max(version), 0) AS v FROM schema_version").fetchone()
        have = int(row["v"]) if row else 0
        if have > SCHEMA_VERSION:
            raise JournalUnavailable(
                f"Cơ sở dữ liệu tác vụ ở phiên bản lược đồ {have}, mới hơn phiên bản {SCHEMA_VERSION} "
                "mà chương trình này biết: hãy cập nhật chương trình."
            )
        for version in range(have + 1, SCHEMA_VERSION + 1):
            conn.execute(_MIGRATIONS[version - 1])
            conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
    return SCHEMA_VERSION


def _to_row(job: Job) -> dict[str, Any]:
    row = asdict(job)
    row["trash"] = Jsonb([list(pair) for pair in job.trash])
    row["documents"] = Jsonb([asdict(d) for d in job.documents])
    for key in _TIMES:
        row[key] = datetime.fromisoformat(row[key]) if row[key] else None
    return {k: row[k] for k in _COLUMNS}


def _from_row(row: DictRow) -> Job:
    values = {k: row[k] for k in _COLUMNS}
    values["trash"] = [tuple(pair) for pair in row["trash"]]  # jsonb comes back as Python lists and dicts
    values["documents"] = [JobDocument(**d) for d in row["documents"]]
    for key in _TIMES:
        when: datetime | None = row[key]
        values[key] = when.astimezone(UTC).isoformat(timespec="seconds") if when else None
    return Job(**values)
