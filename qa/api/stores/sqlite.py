"""One way to open the service's SQLite files: WAL (readers never wait for the writer), a busy timeout."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

# Requests run on FastAPI's thread pool; a write holds the lock for a millisecond or two, so a few
# seconds of waiting covers any burst without failing a request.
BUSY_TIMEOUT_S = 5.0


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A short-lived connection (one per call: sqlite3 connections must not cross threads) whose
    block is one transaction: committed when it ends, rolled back on an error."""
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)) as db:
        db.row_factory = sqlite3.Row
        with db:
            yield db


def create(path: Path, schema: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(schema)
        db.commit()
