"""`GET /jobs/{job_id}`: the state of a background job; `POST /jobs/{job_id}/cancel` (with the key) stops it.

What a job shows is harmless to anyone holding its id (a random 48-bit name): status, stage, progress,
a Vietnamese detail written by us (never an exception's text or a path) and the outcome for its own
file. The journal's internals (temp names, trash names, owner, attempts) never leave the server.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi import Path as PathParam

from qa.api.deps import Services, get_services, require_write_key
from qa.api.errors import error_responses
from qa.api.schemas import JobOut
from qa.jobs.model import Job

router = APIRouter(tags=["tài liệu"])
write_router = APIRouter(tags=["tài liệu"], dependencies=[Depends(require_write_key)])


def job_out(job: Job) -> dict[str, Any]:
    return {
        "job_id": job.job_id,
        "kind": job.kind,
        "status": job.status,
        "stage": job.stage if job.status == "running" else None,
        "detail": job.detail,
        "doc_id": job.doc_id,
        "source": job.source,
        "files_done": job.files_done,
        "files_total": job.files_total,
        "chunks_done": job.chunks_done,
        "chunks_total": job.chunks_total,
        "eta_seconds": None if job.eta_seconds is None else round(job.eta_seconds, 1),
        "documents": [{"source": d.source, "status": d.status, "reason": d.reason} for d in job.documents],
        "generation": job.generation,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    responses=error_responses(404, 422),
    summary="Trạng thái một tác vụ lập chỉ mục (tải lên / xoá / qa ingest): giai đoạn, tiến độ, thời gian còn lại",
)
def get_job(
    job_id: str = PathParam(max_length=64), services: Services = Depends(get_services)
) -> dict[str, Any]:
    job = services.journal.get(job_id)
    if job is None:
        raise HTTPException(404, f"Không tìm thấy tác vụ «{job_id}».")
    if job.status == "done" and job.generation and job.generation != _served(services):
        services.live.refresh()  # read your writes: a finished job's result is served before it is reported
        if job.generation != _served(services):
            job.status, job.detail = "running", "Đang chuyển sang chỉ mục mới."
            job.stage, job.finished_at = "publishing", None
    return job_out(job)


def _served(services: Services) -> str | None:
    live = services.live.current
    return live.generation if live else None


@write_router.post(
    "/jobs/{job_id}/cancel",
    status_code=202,
    response_model=JobOut,
    responses={**error_responses(401, 404, 409, 422, 429)},
    summary="Huỷ một tác vụ đang chờ hoặc đang chạy (cần khoá API)",
    description="202: đã yêu cầu huỷ; tác vụ kết thúc `cancelled` và mọi thay đổi được hoàn tác (tệp tải lên được "
    "gỡ bỏ, tệp bị xoá được trả lại). Nếu chỉ mục mới đã được công bố trước khi kịp huỷ, tác vụ kết thúc `done`. "
    "409: tác vụ đã kết thúc.",
)
def cancel_job(
    job_id: str = PathParam(max_length=64), services: Services = Depends(get_services)
) -> dict[str, Any]:
    job = services.journal.get(job_id)
    if job is None:
        raise HTTPException(404, f"Không tìm thấy tác vụ «{job_id}».")
    if job.finished:
        raise HTTPException(409, f"Tác vụ «{job_id}» đã kết thúc ({job.status}); không thể huỷ.")
    job = services.journal.request_cancel(job_id) or job
    services.jobs.cancel(job_id)
    return job_out(job)
