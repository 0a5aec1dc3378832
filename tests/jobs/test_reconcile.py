"""The start-up reconciliation: after a crash at any step, corpus/, the index and the journal agree.

Each test lays out the state a crash leaves (files, a real generation's store, journal rows owned by a
process that is gone) and checks the outcome the table in qa/jobs/reconcile.py promises.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from qa.fsutil import file_sha256
from qa.index import store
from qa.index.layout import switch_current
from qa.jobs.corpus import CorpusFiles
from qa.jobs.journal import JobJournal
from qa.jobs.model import Job
from qa.jobs.owners import FileLease
from qa.jobs.reconcile import reconcile
from qa.jobs.sqlite_journal import SqliteJournal
from qa.settings import Settings

GONE = "host-1-dead"  # the lease of a process that no longer exists
OpenJournal = Callable[..., JobJournal]  # tests/jobs/conftest.py: SQLite, then a real PostgreSQL


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "index").mkdir()
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", job_max_attempts=2)


def publish(settings: Settings, number: int, docs: dict[str, str]) -> None:
    """A generation whose store lists these documents (source -> sha256), made current."""
    gen = settings.index_dir / f"gen-{number:06d}"
    gen.mkdir()
    conn = store.connect(gen / "store.sqlite")
    conn.executemany(
        "INSERT INTO documents (doc_id, source, sha256, fmt) VALUES (?, ?, ?, 'md')",
        [(s, s, sha) for s, sha in docs.items()],
    )
    conn.commit()
    conn.close()
    switch_current(settings.index_dir, gen)


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return file_sha256(path)


def state(settings: Settings) -> tuple[list[str], list[str]]:
    corpus = sorted(p.name for p in settings.corpus_dir.iterdir())
    trash_dir = settings.index_dir / ".trash"
    trash = sorted(p.name for p in trash_dir.iterdir()) if trash_dir.is_dir() else []
    return corpus, trash


def test_upload_killed_before_its_202_is_rolled_back(settings: Settings) -> None:
    journal = SqliteJournal.beside(settings.index_dir)
    publish(settings, 1, {})
    part = settings.corpus_dir / ".upload-1.part"
    sha = write(part, "nội dung")
    os.link(part, settings.corpus_dir / "a.md")  # killed between the link and dropping the temp name
    job = journal.submit(
        Job("upload", "a.md", "a.md", step="received", sha256=sha, staged=part.name, owner=GONE)
    )
    report = reconcile(settings, journal)
    assert report.rolled_back == [job.job_id] and state(settings) == ([], [])
    assert journal.get(job.job_id).status == "failed"  # type: ignore[union-attr]


def test_upload_killed_between_its_sidecar_and_its_file_is_rolled_back(settings: Settings) -> None:
    """The uploader's sidecar is published first; killed before the file's link, both go, nothing is left."""
    journal = SqliteJournal.beside(settings.index_dir)
    publish(settings, 1, {})
    part = settings.corpus_dir / ".upload-1.part"
    sha = write(part, "nội dung")
    write(settings.corpus_dir / ".upload-1.part.meta.json", '{"title": "Tiêu đề"}')
    os.link(settings.corpus_dir / ".upload-1.part.meta.json", settings.corpus_dir / "a.md.meta.json")
    job = journal.submit(
        Job("upload", "a.md", "a.md", step="received", sha256=sha, staged=part.name, owner=GONE)
    )
    report = reconcile(settings, journal)
    assert report.rolled_back == [job.job_id] and state(settings) == ([], [])


def test_publishing_an_upload_brings_its_sidecar_first_and_only_once(settings: Settings) -> None:
    corpus = CorpusFiles(settings.corpus_dir, settings.index_dir)
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    write(settings.corpus_dir / ".upload-2.part", "nội dung")
    write(settings.corpus_dir / ".upload-2.part.meta.json", '{"title": "Tiêu đề"}')
    assert corpus.free_name("b.md", set()) == "b.md"
    write(settings.corpus_dir / "b.md.meta.json", "{}")  # a sidecar alone still takes its name
    assert corpus.free_name("b.md", set()) == "b-2.md"
    (settings.corpus_dir / "b.md.meta.json").unlink()
    assert corpus.publish(".upload-2.part", "b.md") and corpus.publish(".upload-2.part", "b.md")  # idempotent
    assert state(settings) == (["b.md", "b.md.meta.json"], [])
    assert "Tiêu đề" in (settings.corpus_dir / "b.md.meta.json").read_text(encoding="utf-8")


def test_stored_upload_is_resumed_then_given_up(settings: Settings) -> None:
    journal = SqliteJournal.beside(settings.index_dir)
    publish(settings, 1, {})
    sha = write(settings.corpus_dir / "a.md", "nội dung")
    job = journal.submit(Job("upload", "a.md", "a.md", sha256=sha, owner=GONE))
    for attempt in (1, 2):
        claimed = journal.claim_next(GONE)  # a runner took it, then died
        assert claimed is not None and claimed.attempts == attempt
        report = reconcile(settings, journal)
        if attempt == 1:
            assert report.resumed == [job.job_id] and journal.get(job.job_id).status == "queued"  # type: ignore[union-attr]
    assert report.rolled_back == [job.job_id] and state(settings) == ([], [])
    assert journal.get(job.job_id).status == "failed"  # type: ignore[union-attr]


def test_a_dead_replicas_job_is_taken_over_by_another(settings: Settings, open_journal: OpenJournal) -> None:
    """Two API processes share one journal (and, here, one machine: leases are lock files beside the index).
    A claims a stored upload and is killed; B's reconciliation puts the job back in the queue, B runs it."""
    replica_a, replica_b = open_journal(), open_journal()
    lease_a, lease_b = FileLease(settings.index_dir), FileLease(settings.index_dir)
    publish(settings, 1, {})
    sha = write(settings.corpus_dir / "a.md", "nội dung")
    job = replica_a.submit(Job("upload", "a.md", "a.md", sha256=sha, owner=lease_a.name))
    claimed = replica_a.claim_next(lease_a.name)
    assert claimed is not None and claimed.job_id == job.job_id
    assert not reconcile(settings, replica_b).resumed  # A is alive: its job is left alone
    os.close(lease_a.fd)  # A is killed: the kernel drops its lock, the lease file stays
    assert reconcile(settings, replica_b).resumed == [job.job_id]
    taken = replica_b.claim_next(lease_b.name)
    assert taken is not None and taken.job_id == job.job_id
    assert taken.owner == lease_b.name and taken.attempts == 2 and replica_a.get(job.job_id) == taken
    lease_b.release()


def test_upload_killed_after_publishing_is_done(settings: Settings) -> None:
    journal = SqliteJournal.beside(settings.index_dir)
    sha = write(settings.corpus_dir / "a.md", "nội dung")
    publish(settings, 1, {"a.md": sha})
    job = journal.submit(Job("upload", "a.md", "a.md", sha256=sha, owner=GONE))
    journal.claim_next(GONE)
    report = reconcile(settings, journal)
    done = journal.get(job.job_id)
    assert report.completed == [job.job_id] and done is not None and done.status == "done"
    assert done.generation == "gen-000001" and state(settings) == (["a.md"], [])


def test_half_moved_delete_is_put_back(settings: Settings) -> None:
    journal = SqliteJournal.beside(settings.index_dir)
    sha = write(settings.corpus_dir / "a.md", "nội dung")
    write(settings.corpus_dir / "a.md.meta.json", "{}")
    publish(settings, 1, {"a.md": sha})
    corpus = CorpusFiles(settings.corpus_dir, settings.index_dir)
    job = Job("delete", "a.md", "a.md", step="received", owner=GONE)
    job.trash = corpus.trash_plan("a.md", job.job_id)
    journal.submit(job)
    corpus.to_trash(job.trash[:1])  # killed after moving the file, before its sidecar
    reconcile(settings, journal)
    assert state(settings) == (["a.md", "a.md.meta.json"], [])
    assert journal.get(job.job_id).status == "failed"  # type: ignore[union-attr]


def test_delete_killed_after_publishing_finishes_its_move(settings: Settings) -> None:
    journal = SqliteJournal.beside(settings.index_dir)
    write(settings.corpus_dir / "a.md", "nội dung")
    write(settings.corpus_dir / "a.md.meta.json", "{}")
    publish(settings, 1, {})  # the index no longer has a.md
    corpus = CorpusFiles(settings.corpus_dir, settings.index_dir)
    job = Job("delete", "a.md", "a.md", owner=GONE)
    job.trash = corpus.trash_plan("a.md", job.job_id)
    journal.submit(job)
    corpus.to_trash(job.trash[:1])
    journal.claim_next(GONE)
    reconcile(settings, journal)
    corpus_names, trash = state(settings)
    assert corpus_names == [] and len(trash) == 2 and journal.get(job.job_id).status == "done"  # type: ignore[union-attr]


def test_interrupted_ingest(settings: Settings) -> None:
    journal = SqliteJournal.beside(settings.index_dir)
    publish(settings, 1, {})
    stopped = journal.submit(Job("ingest", generation="gen-000001", owner=GONE))
    journal.start(stopped.job_id, GONE)
    published = journal.submit(Job("ingest", generation=None, owner=GONE))
    journal.start(published.job_id, GONE)
    reconcile(settings, journal)
    assert journal.get(stopped.job_id).status == "failed"  # type: ignore[union-attr]
    assert journal.get(published.job_id).status == "done"  # type: ignore[union-attr]


def test_jobs_of_a_live_process_are_left_alone(settings: Settings) -> None:
    journal = SqliteJournal.beside(settings.index_dir)
    publish(settings, 1, {})
    lease = FileLease(settings.index_dir)
    part = settings.corpus_dir / ".upload-2.part"
    write(part, "đang nhận")
    job = journal.submit(Job("upload", "b.md", "b.md", step="received", staged=part.name, owner=lease.name))
    report = reconcile(settings, journal)
    assert not report.changed and part.exists() and journal.get(job.job_id).status == "queued"  # type: ignore[union-attr]
    lease.release()
    reconcile(settings, journal)
    assert not part.exists() and journal.get(job.job_id).status == "failed"  # type: ignore[union-attr]


def test_leftovers_without_a_job_are_removed(settings: Settings) -> None:
    journal = SqliteJournal.beside(settings.index_dir)
    index = settings.index_dir
    for n in (1, 2, 3, 4):
        publish(settings, n, {})
    (index / "gen-000005").mkdir()  # published, never made current
    (index / ".gen-000006.tmp-abc").mkdir()  # a build killed half-way
    (index / ".current-999").symlink_to("gen-000004")
    write(settings.corpus_dir / ".upload-7.part", "mồ côi")
    write(settings.corpus_dir / ".upload-8.part.meta.json", "{}")  # an uploader's sidecar, its upload gone
    write(settings.corpus_dir / "kept.md", "giữ")
    (index / ".owners").mkdir(exist_ok=True)
    (index / ".owners" / f"{GONE}.lock").touch()
    report = reconcile(settings, journal)
    assert sorted(p.name for p in index.iterdir() if p.name.startswith(("gen-", ".gen", ".current"))) == [
        "gen-000003",
        "gen-000004",
    ]
    assert [p.name for p in settings.corpus_dir.iterdir()] == ["kept.md"]
    assert not (index / ".owners" / f"{GONE}.lock").exists() and ".upload-7.part" in report.removed
    assert ".upload-8.part.meta.json" in report.removed


def test_trash_is_pruned_by_age_then_size(settings: Settings) -> None:
    journal = SqliteJournal.beside(settings.index_dir)
    trash = settings.index_dir / ".trash"
    trash.mkdir()
    now = time.time()
    for name, age_days, size in (("old", 40, 10), ("a", 3, 600_000), ("b", 2, 600_000), ("c", 1, 600_000)):
        (trash / name).write_bytes(b"x" * size)
        os.utime(trash / name, (now - age_days * 86400, now - age_days * 86400))
    limited = settings.model_copy(update={"trash_max_age_days": 30.0, "trash_max_mb": 1.2})
    reconcile(limited, journal)
    assert sorted(p.name for p in trash.iterdir()) == ["b", "c"]  # 40 days old, then the oldest over 1.2 MB
