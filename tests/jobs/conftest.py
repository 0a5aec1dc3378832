"""The job journal under test: every journal test runs on the embedded SQLite and on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qa.jobs.journal import JobJournal
from qa.jobs.postgres_journal import PostgresJournal
from qa.jobs.sqlite_journal import SqliteJournal

OpenJournal = Callable[..., JobJournal]  # the same alias in the test files (no package to import it from)


@pytest.fixture(params=["sqlite", "postgres"])
def open_journal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenJournal]:
    """Opens a journal on this test's store; each call is a new connection, as another process would have."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    opened: list[JobJournal] = []

    def open_one(keep_finished: int = 1000) -> JobJournal:
        journal: JobJournal
        if url is None:
            journal = SqliteJournal.beside(tmp_path / "index", keep_finished)
        else:
            journal = PostgresJournal(url, keep_finished)
        opened.append(journal)
        return journal

    yield open_one
    for journal in opened:
        journal.close()
