"""👍/👎 on an answer, with an optional comment: kept on the server for the administrators to read."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

from qa.api.stores.sqlite import connect, create

Rating = Literal["up", "down"]


@dataclass(frozen=True, slots=True)
class FeedbackEntry:
    rating: Rating
    comment: str | None
    question: str
    answer: str
    answer_id: str | None
    filters: dict[str, object]  # the search filters of the answer, as sent (province, year, doc_ids)


@dataclass(frozen=True, slots=True)
class StoredFeedback:
    id: int
    created_at: str
    entry: FeedbackEntry


class FeedbackStore(Protocol):
    def add(self, entry: FeedbackEntry) -> StoredFeedback: ...

    def recent(self, limit: int) -> list[StoredFeedback]: ...

    def everything(self) -> Iterator[StoredFeedback]:
        """Every rating, oldest first (what ``qa migrate`` carries to another store)."""
        ...

    def keep(self, stored: StoredFeedback) -> bool:
        """Store a rating given elsewhere, with its time (its id is this store's); False when the same rating,
        given at the same second, is here already."""
        ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    answer_id TEXT,
    filters TEXT NOT NULL
);
"""


class SqliteFeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        create(path, _SCHEMA)

    def add(self, entry: FeedbackEntry) -> StoredFeedback:
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with connect(self.path) as db:
            return StoredFeedback(_insert(db, created, entry), created, entry)

    def recent(self, limit: int) -> list[StoredFeedback]:
        with connect(self.path) as db:
            rows = db.execute("SELECT * FROM feedback ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [_stored(row) for row in rows]

    def everything(self) -> Iterator[StoredFeedback]:
        with connect(self.path) as db:
            rows = db.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        return (_stored(row) for row in rows)

    def keep(self, stored: StoredFeedback) -> bool:
        e = stored.entry
        with connect(self.path) as db:
            if db.execute(
                "SELECT 1 FROM feedback WHERE created_at = ? AND rating = ? AND question = ? AND answer = ? "
                "AND answer_id IS ? AND comment IS ?",
                (stored.created_at, e.rating, e.question, e.answer, e.answer_id, e.comment),
            ).fetchone():
                return False
            _insert(db, stored.created_at, e)
        return True


def _insert(db: sqlite3.Connection, created: str, entry: FeedbackEntry) -> int:
    cursor = db.execute(
        "INSERT INTO feedback (created_at, rating, comment, question, answer, answer_id, filters) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            created,
            entry.rating,
            entry.comment,
            entry.question,
            entry.answer,
            entry.answer_id,
            json.dumps(entry.filters, ensure_ascii=False),
        ),
    )
    return int(cursor.lastrowid or 0)


def _stored(row: sqlite3.Row) -> StoredFeedback:
    return StoredFeedback(
        row["id"],
        row["created_at"],
        FeedbackEntry(
            row["rating"],
            row["comment"],
            row["question"],
            row["answer"],
            row["answer_id"],
            json.loads(row["filters"]),
        ),
    )
