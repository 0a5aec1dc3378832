"""The SQLite job journal: a job's life, atomic claims, cancel requests, what survives a reopen."""

from __future__ import annotations

import threading
from pathlib import Path

from qa.index.progress import BuildProgress
from qa.jobs.model import Job, JobDocument
from qa.jobs.sqlite_journal import SqliteJournal


def test_a_job_from_submit_to_finish_survives_reopening(tmp_path: Path) -> None:
    journal = SqliteJournal.beside(tmp_path)
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

    again = SqliteJournal.beside(tmp_path).get(job.job_id)
    assert again is not None and again.status == "done" and again.generation == "gen-000002"
    assert again.chunks_done == 32 and again.chunks_total == 100 and again.documents[0].source == "a.md"
    assert again.staged == ".upload-1.part" and again.sha256 == "ab"


def test_finished_jobs_cannot_be_reopened_or_cancelled(tmp_path: Path) -> None:
    journal = SqliteJournal.beside(tmp_path)
    job = journal.submit(Job("delete", "a.md", "a.md"))
    journal.finish(job.job_id, "failed", "x")
    journal.finish(job.job_id, "done", "y")  # a late second writer does not rewrite history
    journal.requeue(job.job_id, "z")
    after = journal.request_cancel(job.job_id)
    assert (
        after is not None and after.status == "failed" and after.detail == "x" and not after.cancel_requested
    )


def test_cancel_request_is_seen_by_the_runner(tmp_path: Path) -> None:
    journal = SqliteJournal.beside(tmp_path)
    job = journal.submit(Job("ingest"))
    journal.start(job.job_id, "me")
    journal.request_cancel(job.job_id)
    assert journal.update_progress(job.job_id, BuildProgress("parsing", 0, 3), None)


def test_two_claimers_never_take_the_same_job(tmp_path: Path) -> None:
    journal = SqliteJournal.beside(tmp_path)
    ids = {journal.submit(Job("delete", f"d{n}", f"d{n}")).job_id for n in range(40)}
    taken: list[str] = []

    def claim(owner: str) -> None:
        mine = SqliteJournal.beside(tmp_path)  # its own connection, as another process would have
        while (job := mine.claim_next(owner)) is not None:
            taken.append(job.job_id)

    threads = [threading.Thread(target=claim, args=(f"w{k}",)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == sorted(ids)


def test_pending_and_last_finished_per_document(tmp_path: Path) -> None:
    journal = SqliteJournal.beside(tmp_path)
    upload = journal.submit(Job("upload", "a.md", "a.md"))
    assert journal.pending_for("a.md") == journal.get(upload.job_id)
    journal.finish(upload.job_id, "done", "ok")
    delete = journal.submit(Job("delete", "a.md", "a.md"))
    journal.finish(delete.job_id, "done", "ok")
    assert journal.pending_for("a.md") is None
    last = journal.last_finished_for("a.md")
    assert last is not None and last.kind == "delete"
    assert [j.job_id for j in journal.recent(2)] == [delete.job_id, upload.job_id]


def test_old_finished_jobs_are_forgotten(tmp_path: Path) -> None:
    journal = SqliteJournal.beside(tmp_path, keep_finished=3)
    running = journal.submit(Job("ingest"))
    for _ in range(6):
        job = journal.submit(Job("ingest"))
        journal.finish(job.job_id, "done", "ok")
    journal.submit(Job("ingest"))
    assert len(journal.recent(100)) == 5  # 3 finished + 2 unfinished (never forgotten)
    assert journal.get(running.job_id) is not None
