"""Leases (qa/jobs/owners.py) on both implementations, held by real processes that are really killed: lock files
beside the index, and advisory locks on a real PostgreSQL server (tests/postgres.py)."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.jobs.model import Job
from qa.jobs.open_corpus import open_corpus
from qa.jobs.open_journal import open_journal
from qa.jobs.owners import Owners, open_owners
from qa.jobs.reconcile import Reconciler
from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

# A process that takes a lease, starts a build child that joins it (inheriting what a child inherits), prints
# the lease's name and the child's pid, and waits to be killed. The child prints "joined" once it holds it.
HOLDER = """
import subprocess, sys, time
from qa.jobs.owners import open_owners
from qa.settings import Settings
settings = Settings.model_validate_json(sys.argv[1])
lease = open_owners(settings).take()
child = subprocess.Popen(
    [sys.executable, "-c", CHILD, sys.argv[1], lease.name], pass_fds=lease.inheritable_fds, stdout=subprocess.PIPE
)
assert child.stdout.readline().strip() == b"joined"
print(lease.name, child.pid, flush=True)
time.sleep(600)
"""
CHILD = """
import sys, time
from qa.jobs.owners import open_owners
from qa.settings import Settings
lease = open_owners(Settings.model_validate_json(sys.argv[1])).join(sys.argv[2])
print("joined", flush=True)
time.sleep(600)
"""


@pytest.fixture(params=["files", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    (tmp_path / "corpus").mkdir()
    yield Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", database_url=url)
    if url:  # before the test's database is dropped
        from qa.index.shared_store import close_shared_stores
        from qa.jobs.shared_corpus import close_shared_corpora

        close_shared_corpora()
        close_shared_stores()


@pytest.fixture
def holder(settings: Settings) -> Iterator[tuple[subprocess.Popen[str], str, int]]:
    """A live lease holder with its build child: (process, lease name, child pid)."""
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-c", f"CHILD = {CHILD!r}\n{HOLDER}", settings.model_dump_json()],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    name, child = process.stdout.readline().split()
    yield process, name, int(child)
    process.kill()
    subprocess.run(["kill", "-9", child], check=False)
    process.wait()


def _dead(owners: Owners, name: str) -> bool:
    with owners.claim_dead(name) as dead:
        return dead


def _kill(pid: int) -> None:
    subprocess.run(["kill", "-9", str(pid)], check=True)
    subprocess.run(
        ["sh", "-c", f"while kill -0 {pid} 2>/dev/null; do sleep 0.05; done"], check=True, timeout=30
    )


def test_a_lease_lives_while_its_process_or_its_build_child_does(settings: Settings, holder) -> None:  # type: ignore[no-untyped-def]
    process, name, child = holder
    owners = open_owners(settings)
    assert not _dead(owners, name)
    process.kill()  # kill -9 of the API process: its build child still works on the job
    process.wait()
    assert not _dead(owners, name)
    _kill(child)
    assert _dead(owners, name)
    assert _dead(owners, "never-existed")


def test_only_one_claimer_holds_a_dead_lease(settings: Settings) -> None:
    owners = open_owners(settings)
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    lease = owners.take()
    name = lease.name
    lease.release()
    seen: list[bool] = []
    with owners.claim_dead(name) as first:
        thread = threading.Thread(target=lambda: seen.append(_dead(open_owners(settings), name)))
        thread.start()
        thread.join()
    assert first is True
    if settings.database_url:
        assert seen == [False]  # a second replica, asking while the first settles, leaves the jobs alone
    assert _dead(owners, name)  # and once the first is done, it is dead again for everyone


def test_a_killed_replicas_running_job_is_taken_over(settings: Settings, holder) -> None:  # type: ignore[no-untyped-def]
    process, name, child = holder
    journal = open_journal(settings)
    try:
        staged = open_corpus(settings).stage(io.BytesIO("Kế hoạch y tế năm 2024.".encode()), 1 << 20)
        sha = staged.sha256
        open_corpus(settings).publish(staged.path.name, "a.md")  # in corpus/, or in PostgreSQL
        job = journal.submit(Job("upload", "a.md", "a.md", sha256=sha, owner=name))
        assert journal.claim_next(name) is not None
        me = open_owners(settings).take()
        try:
            runner = Reconciler(settings, journal)
            assert not runner.take_over_dead(mine=me.name).changed  # its build child is alive
            process.kill()
            _kill(child)
            assert runner.take_over_dead(mine=me.name).resumed == [job.job_id]
            again = journal.get(job.job_id)
            assert again is not None and again.status == "queued" and again.attempts == 1
            assert not runner.take_over_dead(mine=me.name).changed  # queued: nothing more to settle
        finally:
            me.release()
    finally:
        journal.close()
