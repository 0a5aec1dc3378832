"""Background index syncs for uploads and deletions: the journal's queue, run one at a time in a build process.

Jobs live in the journal (qa/jobs/, SQLite beside the index), written before the corpus is touched, so a
crash loses none: at start-up ``qa.jobs.reconcile`` finishes, resumes or rolls back what was running, and
while idle the runner does the same for jobs of processes that died since (another replica, a `qa ingest`).
One runner thread claims the oldest stored job and runs it in a child process (``qa.api.worker``, at a
lower CPU priority, with its own model): questions keep being answered by this process, from the
current generation, at full speed. When the child exits the runner settles a job it left unfinished
(crash or cancel: undone unless the index already shows it) and makes the API serve the new generation.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time

from qa.api.live import LiveIndex
from qa.jobs.journal import JobJournal
from qa.jobs.model import Job
from qa.jobs.owners import Lease, Owners
from qa.jobs.reconcile import Reconciler, Why
from qa.settings import Settings

logger = logging.getLogger(__name__)

_IDLE_WAIT = 1.0  # seconds between two looks at the queue when nobody woke the runner
_CHILD_POLL = 0.2  # seconds between two looks at the running child (exit, cancel)
_STOP_GRACE = 10.0  # seconds a build child gets to stop on SIGTERM at shutdown
# Seconds between two looks, while idle, for jobs whose every process is gone (another replica killed, a `qa
# ingest` killed): one journal query when there are none. A killed replica's job is taken over within this
# plus the time its lease takes to lapse (at once when a process dies on a live machine: its lock file's
# descriptor, or its database session, is closed by the kernel).
DEAD_OWNER_SWEEP_S = 5.0


class JobRunner:
    def __init__(
        self, settings: Settings, journal: JobJournal, owners: Owners, lease: Lease, live: LiveIndex
    ) -> None:
        self.settings = settings
        self.journal = journal
        self.owners = owners
        self.lease = lease
        self.live = live
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._child: subprocess.Popen[bytes] | None = None
        self._cancel: set[str] = set()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="qa-index-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the running build (its job goes back to the queue: it resumes at the next start)."""
        self._stopping.set()
        self._wake.set()
        with self._lock:
            child = self._child
        if child is not None and child.poll() is None:
            _signal_group(child, signal.SIGTERM)
            try:
                child.wait(_STOP_GRACE)
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        self._wake.set()

    def cancel(self, job_id: str) -> None:
        """Stop the job now if it is the one running (its build child is killed, then the job undone)."""
        with self._lock:
            self._cancel.add(job_id)
        self._wake.set()

    def pending(self) -> int:
        return self.journal.count_unfinished()

    # ------------------------------------------------------------------ the queue

    def _loop(self) -> None:
        swept = time.monotonic()
        while not self._stopping.is_set():
            try:
                job = self.journal.claim_next(self.lease.name)
                if job is None and time.monotonic() - swept >= DEAD_OWNER_SWEEP_S:
                    swept = time.monotonic()
                    if (
                        Reconciler(self.settings, self.journal, self.owners)
                        .take_over_dead(mine=self.lease.name)
                        .changed
                    ):
                        self.live.refresh()
                        continue
                if job is None:
                    self._wake.wait(_IDLE_WAIT)
                    self._wake.clear()
                    continue
                self._run(job)
            except Exception:  # the runner must survive anything one job does
                logger.exception("job runner error")
                time.sleep(_IDLE_WAIT)

    def _run(self, job: Job) -> None:
        if job.cancel_requested or job.job_id in self._cancel:
            self._settle(job, "cancelled")
            return
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "qa.api.worker", job.job_id],
                stdin=subprocess.PIPE,
                pass_fds=self.lease.inheritable_fds,  # the child keeps the lease alive while it works
                start_new_session=True,  # its own process group: a cancel kills it with its parse children
            )
            assert child.stdin is not None
            child.stdin.write(self.settings.model_dump_json().encode())
            child.stdin.close()
        except OSError:
            logger.exception("cannot start the build process for job %s", job.job_id)
            self._settle(job, "crashed")
            return
        with self._lock:
            self._child = child
        cancelled = False
        while child.poll() is None:
            time.sleep(_CHILD_POLL)
            with self._lock:
                wanted = job.job_id in self._cancel
            if wanted and not cancelled:
                cancelled = True
                _signal_group(child, signal.SIGKILL)
        with self._lock:
            self._child = None
            self._cancel.discard(job.job_id)
        if self._stopping.is_set() and child.returncode != 0:
            self.journal.requeue(
                job.job_id, "Máy chủ dừng khi tác vụ đang chạy; tác vụ sẽ chạy lại khi khởi động."
            )
            return
        after = self.journal.get(job.job_id)
        if after is not None and not after.finished:
            self._settle(after, "cancelled" if cancelled else "crashed")
        self.live.refresh()

    def _settle(self, job: Job, why: Why) -> None:
        Reconciler(self.settings, self.journal, self.owners).settle(job, why)


def _signal_group(child: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)
