"""The job journal, embedded (SQLite) and shared (PostgreSQL): a job's life, atomic claims across processes,
cancel requests, what survives a reopen. Every test runs on both (the ``open_journal`` fixture)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from qa.index.progress import BuildProgress
from qa.jobs.journal import JobJournal
from qa.jobs.model import Job, JobDocument

OpenJournal = Callable[..., JobJournal]  # tests/jobs/conftest.py: a new connection to this test's journal


def test_a_job_from_submit_to_finish_survives_reopening(open_journal: OpenJournal) -> None:
    journal = open_journal()
    job = journal.submit(Job("upload", "a.md", "a.md", step="received", sha256="ab", staged=".upload-1.part"))
    assert journal.claim_next("me") is None  # not stored yet: nobody may run it
    journal.mark_stored(job.job_id)
    claimed = journal.claim_next("me")
    assert (
        claimed is not None
        and claimed.status == "running"
        and claimed.owner == "me"
        and claimed.attempts == 1
    )
    assert not journal.update_progress(job.job_id, BuildProgress("embedding", 1, 1, 32, 100), 12.5)
    journal.finish(job.job_id, "done", "Đã lập chỉ mục «a.md».", [JobDocument("a.md", "new")], "gen-000002")
    journal.close()

    again = open_journal().get(job.job_id)
    assert again is not None and again.status == "done" and again.generation == "gen-000002"
    assert again.chunks_done == 32 and again.chunks_total == 100 and again.documents[0].source == "a.md"
    assert again.staged == ".upload-1.part" and again.sha256 == "ab" and again.created_at == job.created_at
    assert again.started_at is not None and again.finished_at is not None and again.eta_seconds is None


def test_finished_jobs_cannot_be_reopened_or_cancelled(open_journal: OpenJournal) -> None:
    journal = open_journal()
    job = journal.submit(Job("delete", "a.md", "a.md"))
    journal.finish(job.job_id, "failed", "x")
    journal.finish(job.job_id, "done", "y")  # a late second writer does not rewrite history
    journal.requeue(job.job_id, "z")
    after = journal.request_cancel(job.job_id)
    assert (
        after is not None and after.status == "failed" and after.detail == "x" and not after.cancel_requested
    )


def test_cancel_request_is_seen_by_the_runner(open_journal: OpenJournal) -> None:
    journal = open_journal()
    job = journal.submit(Job("ingest"))
    journal.start(job.job_id, "me")
    journal.request_cancel(job.job_id)
    assert journal.update_progress(job.job_id, BuildProgress("parsing", 0, 3), None)


def test_two_claimers_never_take_the_same_job(open_journal: OpenJournal) -> None:
    """Claimers with their own connections, as the API replicas of a shared deployment have."""
    journal = open_journal()
    ids = {journal.submit(Job("delete", f"d{n}", f"d{n}")).job_id for n in range(40)}
    taken: list[str] = []

    def claim(owner: str) -> None:
        mine = open_journal()  # its own connection, as another process would have
        while (job := mine.claim_next(owner)) is not None:
            taken.append(job.job_id)

    threads = [threading.Thread(target=claim, args=(f"w{k}",)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == sorted(ids)
    claimed = [journal.get(job_id) for job_id in ids]
    assert all(j is not None and j.status == "running" and j.attempts == 1 for j in claimed)


def test_pending_and_last_finished_per_document(open_journal: OpenJournal) -> None:
    journal = open_journal()
    upload = journal.submit(Job("upload", "a.md", "a.md"))
    assert journal.pending_for("a.md") == journal.get(upload.job_id)
    journal.finish(upload.job_id, "done", "ok")
    delete = journal.submit(Job("delete", "a.md", "a.md"))
    journal.finish(delete.job_id, "done", "ok")
    assert journal.pending_for("a.md") is None
    last = journal.last_finished_for("a.md")
    assert last is not None and last.kind == "delete"
    assert [j.job_id for j in journal.recent(2)] == [delete.job_id, upload.job_id]


def test_old_finished_jobs_are_forgotten(open_journal: OpenJournal) -> None:
    journal = open_journal(keep_finished=3)
    running = journal.submit(Job("ingest"))
    for _ in range(6):
        job = journal.submit(Job("ingest"))
        journal.finish(job.job_id, "done", "ok")
    journal.submit(Job("ingest"))
    assert len(journal.recent(100)) == 5  # 3 finished + 2 unfinished (never forgotten)
    assert journal.get(running.job_id) is not None
