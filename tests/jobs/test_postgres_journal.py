"""The shared database's versioned schema (qa/postgres/schema.py), seen through the job journal: created once by
replicas starting together, brought up to date from an older release, refused from a newer one."""

from __future__ import annotations

import threading

import psycopg
import pytest

from qa.jobs.model import Job
from qa.jobs.postgres_journal import PostgresJournal
from qa.postgres.schema import MIGRATIONS, SCHEMA_VERSION, DatabaseUnavailable


def versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT version FROM schema_version ORDER BY version")]


def test_replicas_starting_together_create_the_schema_once(postgres_url: str) -> None:
    opened: list[PostgresJournal] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            opened.append(PostgresJournal(postgres_url))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(opened) == 3
    assert versions(postgres_url) == list(range(1, SCHEMA_VERSION + 1))
    job = opened[0].submit(Job("ingest"))
    assert opened[2].get(job.job_id) == job
    for journal in opened:
        journal.close()


def test_a_database_of_an_older_release_is_brought_up_to_date_keeping_its_jobs(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:  # what the release with only the job journal created
        conn.execute(
            "CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        conn.execute(MIGRATIONS[0])
        conn.execute("INSERT INTO schema_version VALUES (1, now())")
    with psycopg.connect(postgres_url) as conn:
        conn.execute(
            "INSERT INTO jobs (job_id, kind, status, step, detail, created_at) "
            "VALUES ('cu-1', 'ingest', 'done', 'stored', 'Xong.', now())"
        )
    journal = PostgresJournal(postgres_url)
    try:
        assert versions(postgres_url) == list(range(1, SCHEMA_VERSION + 1))
        kept = journal.get("cu-1")
        assert kept is not None and kept.status == "done"
        with psycopg.connect(postgres_url) as conn:
            assert conn.execute("SELECT count(*) FROM answers").fetchone() == (0,)
    finally:
        journal.close()


def test_a_database_from_a_newer_release_is_refused(postgres_url: str) -> None:
    PostgresJournal(postgres_url).close()
    with psycopg.connect(postgres_url) as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION + 1,))
    with pytest.raises(DatabaseUnavailable, match="mới hơn"):
        PostgresJournal(postgres_url)


def test_a_server_that_does_not_answer_is_reported_without_the_password(postgres_server) -> None:
    url = f"postgresql://postgres:secret@127.0.0.1:{postgres_server.port}/no_such_database"
    with pytest.raises(DatabaseUnavailable, match="QA_DATABASE_URL") as refused:
        PostgresJournal(url, connect_timeout=0.5)
    assert "secret" not in str(refused.value)
