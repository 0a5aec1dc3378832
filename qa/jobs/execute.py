"""Run one job: sync the index, report progress into the journal, end in done, failed or cancelled.

Used by the API's build process (``qa.api.worker``) and by ``qa ingest``. The embedding function comes
from the caller (the index stage does not import the model). A failure or a cancel undoes the job's
file step, unless the index already shows the job's result (it published just before): then it is done.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from qa.index.build import BuildReport, DocReport, Embedder, build
from qa.index.milvus_collection import VectorStoreError
from qa.index.progress import BuildCancelled, BuildProgress, EtaEstimator, ProgressCallback
from qa.jobs.journal import JobJournal
from qa.jobs.model import Job, JobStatus
from qa.jobs.open_corpus import open_corpus
from qa.jobs.reconcile import Reconciler
from qa.jobs.state import current_name
from qa.settings import Settings

logger = logging.getLogger(__name__)

# Progress rows are written at most this often (and at every change of stage): ~2 writes a second keep a
# progress bar live and cost nothing next to the build; a cancel is seen within this time too.
PROGRESS_INTERVAL = 0.5

_FAILED = "Lập chỉ mục thất bại do lỗi nội bộ; không có thay đổi nào."


def run_job(
    settings: Settings,
    journal: JobJournal,
    job: Job,
    embed: Embedder,
    also: ProgressCallback | None = None,
    paths: list[Path] | None = None,
) -> JobStatus:
    """Build for a claimed (running) job and finish it; ``also`` sees every progress report too."""
    reconciler = Reconciler(settings, journal)
    eta = EtaEstimator()
    last: dict[str, object] = {"at": 0.0, "stage": None}

    def on_progress(progress: BuildProgress) -> None:
        seconds_left = eta.eta_seconds(progress)
        if also is not None:
            also(progress)
        now = time.monotonic()
        if progress.stage == last["stage"] and now - float(last["at"]) < PROGRESS_INTERVAL:  # type: ignore[arg-type]
            return
        last["at"], last["stage"] = now, progress.stage
        if journal.update_progress(job.job_id, progress, seconds_left):
            raise BuildCancelled  # nothing is published yet: "publishing" is reported before the rename

    try:
        report = build(settings, paths, embed=embed, progress=on_progress)
    except BuildCancelled:
        reconciler.undo(job)
        journal.finish(job.job_id, "cancelled", "Đã huỷ theo yêu cầu; không có thay đổi nào.")
        return "cancelled"
    except VectorStoreError as exc:  # QA_VECTOR_URL: Milvus unreachable or refusing; nothing was switched
        logger.exception("index build failed for job %s", job.job_id)
        reconciler.undo(job)
        journal.finish(job.job_id, "failed", f"Lập chỉ mục thất bại: {exc}; không có thay đổi nào.")
        return "failed"
    except Exception:
        logger.exception("index build failed for job %s", job.job_id)
        if reconciler.effect_visible(job):
            journal.finish(job.job_id, "done", _done_detail(job, None), generation=current_name(settings))
            return "done"
        reconciler.undo(job)
        journal.finish(job.job_id, "failed", _FAILED)
        return "failed"
    status, detail = _outcome(job, report)
    if status == "failed":
        reconciler.undo(job)
    documents = [d for d in report.documents if job.kind == "ingest" or d.source == job.source]
    journal.finish(job.job_id, status, detail, documents, current_name(settings))
    prune_trash(settings, journal)
    return status


def prune_trash(settings: Settings, journal: JobJournal) -> None:
    """After each job: the trash keeps files for trash_max_age_days, within trash_max_mb."""
    keep = {trashed for j in journal.list_unfinished() for _, trashed in j.trash}
    open_corpus(settings).prune_trash(
        settings.trash_max_age_days, int(settings.trash_max_mb * 1024 * 1024), keep
    )


def _outcome(job: Job, report: BuildReport) -> tuple[JobStatus, str]:
    mine = next((d for d in report.documents if d.source == job.source), None)
    if job.kind == "upload" and (mine is None or mine.status == "skipped"):
        reason = mine.reason if mine else "tệp không còn trong thư mục tài liệu"
        return "failed", f"Không lập chỉ mục được «{job.source}»: {reason}. Tệp đã được gỡ bỏ."
    return "done", _done_detail(job, mine if job.kind == "upload" else None, report)


def _done_detail(job: Job, mine: DocReport | None, report: BuildReport | None = None) -> str:
    if job.kind == "delete":
        return f"Đã xoá «{job.source}» khỏi chỉ mục (tệp được chuyển vào thùng rác của chỉ mục)."
    if job.kind == "ingest":
        skipped = sum(d.status == "skipped" for d in report.documents) if report else 0
        n = len(report.documents) if report else 0
        return f"Đã đồng bộ chỉ mục: {n} tệp" + (f", bỏ qua {skipped} tệp lỗi." if skipped else ".")
    if mine is None:
        return f"Đã lập chỉ mục «{job.source}»."
    return (
        f"Đã lập chỉ mục «{job.source}»: {mine.chunks} đoạn, {mine.figures} số liệu"
        f"{', tỉnh ' + mine.province if mine.province else ''}."
    )
