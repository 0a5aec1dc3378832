"""A job of the journal: what was asked, how far it got, how it ended."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from qa.index.progress import BuildStage
from qa.index.report import DocReport

JobKind = Literal["upload", "delete", "ingest"]
JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
# The file step of an upload or a delete, written to the journal before and after the corpus is touched:
# "received": the journal knows the job, the corpus is not yet changed (no 202 sent yet);
# "stored": the file is in corpus/ (upload) or in index/.trash/ (delete): the job may run.
FileStep = Literal["received", "stored"]
FINISHED: tuple[JobStatus, ...] = ("done", "failed", "cancelled")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_job_id() -> str:
    return uuid.uuid4().hex[:12]


# What the build said about one file of the job (its own file, or every file of an ingest), as the journal keeps it.
JobDocument = DocReport


@dataclass(slots=True)
class Job:
    kind: JobKind
    doc_id: str | None = None
    source: str | None = None
    job_id: str = field(default_factory=new_job_id)
    status: JobStatus = "queued"
    step: FileStep = "stored"
    stage: BuildStage | None = None
    detail: str = "Đang chờ xử lý."
    sha256: str | None = None  # of the uploaded bytes
    staged: str | None = None  # name of the upload's temp file in corpus/ (".upload-….part")
    trash: list[tuple[str, str]] = field(default_factory=list)  # (name in corpus/, name in index/.trash/)
    documents: list[JobDocument] = field(default_factory=list)
    generation: str | None = None  # the generation that holds the job's result
    owner: str | None = None  # lease of the process that runs (or receives) it
    attempts: int = 0
    cancel_requested: bool = False
    files_done: int = 0
    files_total: int = 0
    chunks_done: int = 0
    chunks_total: int = 0
    eta_seconds: float | None = None
    created_at: str = field(default_factory=now_iso)
    started_at: str | None = None
    finished_at: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED
