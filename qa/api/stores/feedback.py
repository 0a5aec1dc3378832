"""👍/👎 on an answer, with an optional comment: kept on the server for the administrators to read."""

from __future__ import annotations

import json
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
            return StoredFeedback(int(cursor.lastrowid or 0), created, entry)

    def recent(self, limit: int) -> list[StoredFeedback]:
        with connect(self.path) as db:
            rows = db.execute("SELECT * FROM feedback ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [
            StoredFeedback(
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
            for row in rows
        ]
