"""Which job journal this process uses: PostgreSQL when ``QA_DATABASE_URL`` is set, else SQLite beside the index."""

from __future__ import annotations

from qa.jobs.journal import JobJournal
from qa.settings import Settings


def open_journal(settings: Settings) -> JobJournal:
    if settings.database_url:
        # Imported here: the embedded default never loads the PostgreSQL driver.
        from qa.jobs.postgres_journal import PostgresJournal

        return PostgresJournal(settings.database_url, settings.jobs_keep)
    from qa.jobs.sqlite_journal import SqliteJournal

    return SqliteJournal.beside(settings.index_dir, settings.jobs_keep)
