"""The job journal in PostgreSQL (``QA_DATABASE_URL``), shared by several API processes on several machines.

The same protocol and the same semantics as the embedded journal (``qa.jobs.sqlite_journal``): a job is
claimed only once it is stored, a finished job is never rewritten, a cancel request is seen by the runner's
next progress report, and only the newest ``keep_finished`` finished jobs are kept. What changes is who may
claim: any process of any replica. ``claim_next`` is one statement, ``UPDATE … WHERE seq = (SELECT … FOR
UPDATE SKIP LOCKED)``: two claimers lock different rows, none waits for the other, and no job is taken twice.
Times of a job's start and end come from the database's clock, the one clock every replica shares.

The table is step 1 of the shared database's schema (``qa.postgres.schema``); the connections come from
``qa.postgres.pool``: a few per process, each method one transaction, committed when it returns.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from qa.index.progress import BuildProgress
from qa.jobs.model import FINISHED, Job, JobDocument, JobStatus
from qa.jobs.stage_text import stage_detail
from qa.postgres.pool import CONNECT_TIMEOUT_S, open_pool
from qa.postgres.times import utc_iso

# Connections one process keeps. A journal call takes 0.3-0.9 ms on a local server (bench/journal.py); the
# callers at once are the runner thread and the odd request reading a job (the build child is a process of
# its own, with its own pool), so four are seldom all busy. Measured worst case: 16 threads reading through
# these four waited 4.9 ms median, 9.8 ms p95 (bench/RESULTS.md, "Job journal"); a 5th connection per
# replica would cost the server more than it saves.
POOL_MAX = 4

_COLUMNS = [f.name for f in fields(Job)]
_TIMES = ("created_at", "started_at", "finished_at")
_UNFINISHED = "status NOT IN ('done', 'failed', 'cancelled')"


class PostgresJournal:
    def __init__(
        self, url: str, keep_finished: int = 1000, connect_timeout: float = CONNECT_TIMEOUT_S
    ) -> None:
        self.keep_finished = keep_finished
        self._pool = open_pool(url, "qa-jobs", POOL_MAX, connect_timeout)

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
        values[key] = utc_iso(when) if when else None
    return Job(**values)
