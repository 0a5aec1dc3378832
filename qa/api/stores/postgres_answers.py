"""Saved answers in the shared database (``QA_DATABASE_URL``): any replica saves, any replica reads a share
link or a history. The same protocol and limits as ``SqliteAnswerStore``; times come from the database's clock,
the one clock every replica shares."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from psycopg.rows import DictRow
from psycopg.types.json import Json, Jsonb

from qa.api.stores.answers import MAX_SAVED_ANSWERS, PRUNE_EVERY, ConversationInfo, SavedAnswer
from qa.postgres.pool import Pool
from qa.postgres.times import utc_iso


class PostgresAnswerStore:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool
        self._saves = 0

    def save(
        self,
        owner: str,
        conversation_id: str,
        question: str,
        filters: dict[str, Any],
        response: dict[str, Any],
    ) -> SavedAnswer:
        answer_id = uuid.uuid4().hex
        with self._pool.connection() as conn:
            row = conn.execute(
                "INSERT INTO answers (answer_id, owner, conversation_id, question, filters, response) "
                "VALUES (%s, %s, %s, %s, %s, %s) RETURNING created_at",
                (answer_id, owner, conversation_id, question, Jsonb(filters), Json(response)),
            ).fetchone()
            self._saves += 1
            if self._saves % PRUNE_EVERY == 0:
                conn.execute(
                    "DELETE FROM answers WHERE seq <= (SELECT max(seq) FROM answers) - %s",
                    (MAX_SAVED_ANSWERS,),
                )
        assert row is not None  # INSERT … RETURNING returns the row it wrote
        return SavedAnswer(
            answer_id, conversation_id, owner, question, filters, response, utc_iso(row["created_at"])
        )

    def get(self, answer_id: str) -> SavedAnswer | None:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT * FROM answers WHERE answer_id = %s", (answer_id,)).fetchone()
        return _saved(row) if row else None

    def conversations(self, owner: str, limit: int) -> list[ConversationInfo]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT conversation_id, count(*) AS turns, max(created_at) AS updated, "
                "(array_agg(question ORDER BY seq))[1] AS title FROM answers WHERE owner = %s "
                "GROUP BY conversation_id ORDER BY max(seq) DESC LIMIT %s",
                (owner, limit),
            ).fetchall()
        return [
            ConversationInfo(r["conversation_id"], r["title"], r["turns"], utc_iso(r["updated"]))
            for r in rows
        ]

    def conversation(self, owner: str, conversation_id: str) -> list[SavedAnswer]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT * FROM answers WHERE owner = %s AND conversation_id = %s ORDER BY seq",
                (owner, conversation_id),
            ).fetchall()
        return [_saved(r) for r in rows]

    def everything(self) -> Iterator[SavedAnswer]:
        with self._pool.connection() as conn:
            rows = conn.execute("SELECT * FROM answers ORDER BY seq").fetchall()
        return (_saved(r) for r in rows)

    def keep(self, saved: SavedAnswer) -> bool:
        with self._pool.connection() as conn:
            cursor = conn.execute(
                "INSERT INTO answers (answer_id, owner, conversation_id, question, filters, response, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (answer_id) DO NOTHING",
                (
                    saved.answer_id,
                    saved.owner,
                    saved.conversation_id,
                    saved.question,
                    Jsonb(saved.filters),
                    Json(saved.response),
                    datetime.fromisoformat(saved.created_at),
                ),
            )
            return cursor.rowcount == 1


def _saved(row: DictRow) -> SavedAnswer:
    return SavedAnswer(
        row["answer_id"],
        row["conversation_id"],
        row["owner"],
        row["question"],
        row["filters"],
        row["response"],
        utc_iso(row["created_at"]),
    )
