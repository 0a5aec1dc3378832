"""Background index syncs for uploads and deletions, one at a time, with a job id to follow.

One worker thread runs the jobs in order (the indexer takes an exclusive file lock anyway);
queries keep being served from the current generation until the new one is swapped in.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from qa.api.live import LiveIndex
from qa.index.build import BuildReport, build
from qa.settings import Settings

logger = logging.getLogger(__name__)

_KEEP_JOBS = 500  # finished jobs remembered for GET /jobs/{id}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class Job:
    kind: Literal["upload", "delete"]
    doc_id: str | None
    source: str | None
    # Put things back when the sync fails (remove the upload, restore a deleted file).
    undo: Callable[[], None] | None = None
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    status: Literal["queued", "running", "done", "failed"] = "queued"
    detail: str = "Đang chờ xử lý."
    documents: list[dict[str, Any]] = field(default_factory=list)
    generation: str | None = None
    created_at: str = field(default_factory=_now)
    finished_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "kind": self.kind,
            "status": self.status,
            "detail": self.detail,
            "doc_id": self.doc_id,
            "source": self.source,
            "documents": self.documents,
            "generation": self.generation,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
        }

    def finish(self, status: Literal["done", "failed"], detail: str) -> None:
        self.detail = detail
        self.finished_at = _now()
        self.status = status  # last: a poller that sees "done" also sees the detail


class JobRunner:
    def __init__(self, settings: Settings, live: LiveIndex) -> None:
        self.settings = settings
        self.live = live
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="qa-index-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Let the running build finish (a half build is harmless, but a clean stop is quicker)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)

    # ------------------------------------------------------------------ queue

    def submit(self, job: Job) -> Job:
        with self._lock:
            self._jobs[job.job_id] = job
            while len(self._jobs) > _KEEP_JOBS:
                oldest = next(iter(self._jobs.values()))
                if oldest.status in ("queued", "running"):
                    break
                self._jobs.popitem(last=False)
        self._queue.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def pending(self) -> int:
        with self._lock:
            return sum(j.status in ("queued", "running") for j in self._jobs.values())

    def _loop(self) -> None:
        while (job := self._queue.get()) is not None:
            try:
                self.run(job)
            except Exception as exc:  # the worker must survive anything one job does
                logger.exception("job %s failed", job.job_id)
                job.finish("failed", f"Lỗi khi xử lý: {type(exc).__name__}")

    # ------------------------------------------------------------------ one job

    def run(self, job: Job) -> None:
        job.status = "running"
        job.detail = "Đang lập chỉ mục."
        try:
            report = build(self.settings, embed=self.live.passage_embedder())
        except Exception as exc:
            logger.exception("index build failed for job %s", job.job_id)
            self._undo(job)
            job.finish(
                "failed", f"Lập chỉ mục thất bại ({type(exc).__name__}: {exc}); không có thay đổi nào."
            )
            return
        job.documents = [asdict(d) for d in report.documents]
        if report.changed:
            self.live.reload()
        job.generation = self.live.current.generation if self.live.current else None
        mine = next((d for d in report.documents if d.source == job.source), None)
        if job.kind == "upload" and (mine is None or mine.status == "skipped"):
            self._undo(job)
            reason = mine.reason if mine else "tệp không còn trong thư mục tài liệu"
            job.finish("failed", f"Không lập chỉ mục được «{job.source}»: {reason}. Tệp đã được gỡ bỏ.")
            return
        job.finish("done", _done_message(job, report))

    def _undo(self, job: Job) -> None:
        if job.undo is not None:
            try:
                job.undo()
            except OSError:
                logger.exception("could not undo job %s", job.job_id)


def _done_message(job: Job, report: BuildReport) -> str:
    if job.kind == "delete":
        return f"Đã xoá «{job.source}» khỏi chỉ mục (tệp được chuyển vào thùng rác của chỉ mục)."
    mine = next(d for d in report.documents if d.source == job.source)
    return (
        f"Đã lập chỉ mục «{job.source}»: {mine.chunks} đoạn, {mine.figures} số liệu"
        f"{', tỉnh ' + mine.province if mine.province else ''}."
    )
