"""`GET /jobs/{job_id}`: the state of a background upload or delete."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi import Path as PathParam

from qa.api.deps import Services, get_services
from qa.api.errors import error_responses
from qa.api.schemas import (
    JobOut,
)

router = APIRouter(tags=["tài liệu"])


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    responses=error_responses(404, 422),
    summary="Trạng thái một tác vụ lập chỉ mục (tải lên / xoá)",
)
def get_job(
    job_id: str = PathParam(max_length=64), services: Services = Depends(get_services)
) -> dict[str, Any]:
    job = services.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"Không tìm thấy tác vụ «{job_id}».")
    return job.as_dict()
