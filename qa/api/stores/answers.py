"""Answers kept for later: a browser's (or a key holder's) history, and share links to one answer.

The server stores what it answered, never what a client sends back, so a shared link shows exactly the
answer the service gave. Ids are random (uuid4, 128 bits): knowing one is what lets a browser read it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from qa.api.stores.sqlite import connect, create

# Oldest answers are dropped past this many: a saved answer with its passages is ~10-20 KB, so the file
# stays under ~400 MB; at a few hundred questions a day that is months of history and share links.
MAX_SAVED_ANSWERS = 20_000
PRUNE_EVERY = 200  # saves between two prunes (one DELETE over the rowid index)


@dataclass(frozen=True, slots=True)
class SavedAnswer:
    answer_id: str
    conversation_id: str
    owner: str
    question: str  # as typed
    filters: dict[str, Any]  # as sent
    response: dict[str, Any]  # the POST /ask response, as returned
    created_at: str


@dataclass(frozen=True, slots=True)
class ConversationInfo:
    conversation_id: str
    title: str  # its first question
    turns: int
    updated_at: str


class AnswerStore(Protocol):
    def save(
        self,
        owner: str,
        conversation_id: str,
        question: str,
        filters: dict[str, Any],
        response: dict[str, Any],
    ) -> SavedAnswer: ...

    def get(self, answer_id: str) -> SavedAnswer | None: ...

    def conversations(self, owner: str, limit: int) -> list[ConversationInfo]: ...

    def conversation(self, owner: str, conversation_id: str) -> list[SavedAnswer]: ...

    def everything(self) -> Iterator[SavedAnswer]:
        """Every saved answer, oldest first (what ``qa migrate`` carries to another store)."""
        ...

    def keep(self, saved: SavedAnswer) -> bool:
        """Store an answer as it was saved elsewhere (same id and time); False when it is here already."""
        ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    question TEXT NOT NULL,
    filters TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_by_owner ON answers (owner, conversation_id, seq);
"""


class SqliteAnswerStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._saves = 0
        create(path, _SCHEMA)

    def save(
        self,
        owner: str,
        conversation_id: str,
        question: str,
        filters: dict[str, Any],
        response: dict[str, Any],
    ) -> SavedAnswer:
        saved = SavedAnswer(
            uuid.uuid4().hex,
            conversation_id,
            owner,
            question,
            filters,
            response,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        self.keep(saved)
        self._saves += 1
        if self._saves % PRUNE_EVERY == 0:
            with connect(self.path) as db:
                db.execute(
                    "DELETE FROM answers WHERE seq <= (SELECT MAX(seq) FROM answers) - ?",
                    (MAX_SAVED_ANSWERS,),
                )
        return saved

    def get(self, answer_id: str) -> SavedAnswer | None:
        with connect(self.path) as db:
            row = db.execute("SELECT * FROM answers WHERE answer_id = ?", (answer_id,)).fetchone()
        return _saved(row) if row else None

    def conversations(self, owner: str, limit: int) -> list[ConversationInfo]:
        with connect(self.path) as db:
            rows = db.execute(
                "SELECT conversation_id, COUNT(*) AS turns, MAX(seq) AS last, MAX(created_at) AS updated, "
                "(SELECT question FROM answers f WHERE f.owner = a.owner "
                " AND f.conversation_id = a.conversation_id ORDER BY seq LIMIT 1) AS title "
                "FROM answers a WHERE owner = ? GROUP BY conversation_id ORDER BY last DESC LIMIT ?",
                (owner, limit),
            ).fetchall()
        return [ConversationInfo(r["conversation_id"], r["title"], r["turns"], r["updated"]) for r in rows]

    def conversation(self, owner: str, conversation_id: str) -> list[SavedAnswer]:
        with connect(self.path) as db:
            rows = db.execute(
                "SELECT * FROM answers WHERE owner = ? AND conversation_id = ? ORDER BY seq",
                (owner, conversation_id),
            ).fetchall()
        return [_saved(r) for r in rows]

    def everything(self) -> Iterator[SavedAnswer]:
        with connect(self.path) as db:
            rows = db.execute("SELECT * FROM answers ORDER BY seq").fetchall()
        return (_saved(r) for r in rows)

    def keep(self, saved: SavedAnswer) -> bool:
        with connect(self.path) as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO answers (answer_id, owner, conversation_id, question, filters, response, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    saved.answer_id,
                    saved.owner,
                    saved.conversation_id,
                    saved.question,
                    json.dumps(saved.filters, ensure_ascii=False),
                    json.dumps(saved.response, ensure_ascii=False),
                    saved.created_at,
                ),
            )
            return cursor.rowcount == 1


def _saved(row: Any) -> SavedAnswer:
    return SavedAnswer(
        row["answer_id"],
        row["conversation_id"],
        row["owner"],
        row["question"],
        json.loads(row["filters"]),
        json.loads(row["response"]),
        row["created_at"],
    )
