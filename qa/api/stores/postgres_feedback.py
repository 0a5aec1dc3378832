"""Feedback in the shared database (``QA_DATABASE_URL``): given through any replica, read from any."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from qa.api.stores.feedback import FeedbackEntry, StoredFeedback
from qa.postgres.pool import Pool
from qa.postgres.times import utc_iso


class PostgresFeedbackStore:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    def add(self, entry: FeedbackEntry) -> StoredFeedback:
        with self._pool.connection() as conn:
            row = conn.execute(
                "INSERT INTO feedback (rating, comment, question, answer, answer_id, filters) "
                "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id, created_at",
                (
                    entry.rating,
                    entry.comment,
                    entry.question,
                    entry.answer,
                    entry.answer_id,
                    Jsonb(entry.filters),
                ),
            ).fetchone()
        assert row is not None  # INSERT … RETURNING returns the row it wrote
        return StoredFeedback(int(row["id"]), utc_iso(row["created_at"]), entry)

    def recent(self, limit: int) -> list[StoredFeedback]:
        with self._pool.connection() as conn:
            rows = conn.execute("SELECT * FROM feedback ORDER BY id DESC LIMIT %s", (limit,)).fetchall()
        return [
            StoredFeedback(
                int(row["id"]),
                utc_iso(row["created_at"]),
                FeedbackEntry(
                    row["rating"],
                    row["comment"],
                    row["question"],
                    row["answer"],
                    row["answer_id"],
                    row["filters"],
                ),
            )
            for row in rows
        ]
