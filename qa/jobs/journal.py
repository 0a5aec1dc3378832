"""The journal's interface: what the API, the CLI and the start-up reconciliation need of a job store.

One implementation today, SQLite beside the index (``qa.jobs.sqlite_journal``), for the embedded mode: one
API process and the CLI on one machine. A shared store for several API replicas (PostgreSQL, issue 17)
implements the same protocol; ``claim_next`` must then be atomic across processes (``SELECT … FOR UPDATE
SKIP LOCKED``), as it is here through SQLite's write lock.
"""

from __future__ import annotations

from typing import Protocol

from qa.index.progress import BuildProgress
from qa.jobs.model import Job, JobDocument, JobStatus


class JobJournal(Protocol):
    def submit(self, job: Job) -> Job:
        """Record a new job (durably, before the corpus is touched)."""
        ...

    def mark_stored(self, job_id: str) -> None:
        """The job's file step is done: the job may now be claimed."""
        ...

    def claim_next(self, owner: str) -> Job | None:
        """The oldest queued, stored job, now running under ``owner``; None when there is none."""
        ...

    def start(self, job_id: str, owner: str) -> None:
        """A job run at once by its submitter (``qa ingest``), without going through the queue."""
        ...

    def update_progress(self, job_id: str, progress: BuildProgress, eta_seconds: float | None) -> bool:
        """Store the build's progress; returns True when a cancel was requested meanwhile."""
        ...

    def finish(
        self,
        job_id: str,
        status: JobStatus,
        detail: str,
        documents: list[JobDocument] | None = None,
        generation: str | None = None,
    ) -> None: ...

    def requeue(self, job_id: str, detail: str) -> None:
        """Put a job whose runner died back in the queue (one more attempt)."""
        ...

    def request_cancel(self, job_id: str) -> Job | None:
        """Ask a job to stop; returns the job as it stands (None if unknown)."""
        ...

    def get(self, job_id: str) -> Job | None: ...

    def list_unfinished(self) -> list[Job]:
        """Every job not done, failed or cancelled, oldest first."""
        ...

    def pending_for(self, doc_id: str) -> Job | None:
        """The unfinished upload or delete of this document, if any."""
        ...

    def last_finished_for(self, doc_id: str) -> Job | None: ...

    def recent(self, limit: int = 50) -> list[Job]:
        """The latest jobs, newest first."""
        ...

    def count_unfinished(self) -> int: ...
