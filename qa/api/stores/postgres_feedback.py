"""Feedback in the shared database (``QA_DATABASE_URL``): given through any replica, read from any."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from qa.api.stores.feedback import FeedbackEntry, StoredFeedback
from qa.postgres.pool import Pool
from qa.postgres.times import utc_iso

_COLUMNS = "rating, comment, question, answer, answer_id, filters"


class PostgresFeedbackStore:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    def add(self, entry: FeedbackEntry) -> StoredFeedback:
        with self._pool.connection() as conn:
            row = conn.execute(
                f"INSERT INTO feedback ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s) RETURNING id, created_at",
                _values(entry),
            ).fetchone()
        assert row is not None  # INSERT … RETURNING returns the row it wrote
        return StoredFeedback(int(row["id"]), utc_iso(row["created_at"]), entry)

    def recent(self, limit: int) -> list[StoredFeedback]:
        with self._pool.connection() as conn:
            rows = conn.execute("SELECT * FROM feedback ORDER BY id DESC LIMIT %s", (limit,)).fetchall()
        return [_stored(row) for row in rows]

    def everything(self) -> Iterator[StoredFeedback]:
        with self._pool.connection() as conn:
            rows = conn.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        return (_stored(row) for row in rows)

    def keep(self, stored: StoredFeedback) -> bool:
        e = stored.entry
        created = datetime.fromisoformat(stored.created_at)
        with self._pool.connection() as conn:
            if conn.execute(
                "SELECT 1 FROM feedback WHERE date_trunc('second', created_at) = %s AND rating = %s "
                "AND question = %s AND answer = %s AND answer_id IS NOT DISTINCT FROM %s "
                "AND comment IS NOT DISTINCT FROM %s",
                (created, e.rating, e.question, e.answer, e.answer_id, e.comment),
            ).fetchone():
                return False
            conn.execute(
                f"INSERT INTO feedback (created_at, {_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (created, *_values(e)),
            )
        return True


def _values(entry: FeedbackEntry) -> tuple[object, ...]:
    return (entry.rating, entry.comment, entry.question, entry.answer, entry.answer_id, Jsonb(entry.filters))


def _stored(row: DictRow) -> StoredFeedback:
    return StoredFeedback(
        int(row["id"]),
        utc_iso(row["created_at"]),
        FeedbackEntry(
            row["rating"], row["comment"], row["question"], row["answer"], row["answer_id"], row["filters"]
        ),
    )
