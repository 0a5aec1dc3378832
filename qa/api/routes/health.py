"""`GET /health`: the service and the index it serves."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from qa.api.deps import Services, get_services
from qa.api.schemas import (
    HealthOut,
)

# ---------------------------------------------------------------------- service

router = APIRouter(tags=["hệ thống"])


@router.get("/health", response_model=HealthOut, summary="Tình trạng dịch vụ và chỉ mục")
def health(services: Services = Depends(get_services)) -> dict[str, Any]:
    services.live.ensure_on_disk()  # never report a generation pruned from disk
    live = services.live.current
    base = {"model": services.settings.embedding_model, "pending_jobs": services.jobs.pending()}
    if live is None:
        return {
            **base,
            "status": "empty",
            "generation": None,
            "documents": 0,
            "chunks": 0,
            "figures": 0,
            "detail": services.live.problem,
        }
    counts = live.engine.counts()
    return {**base, "status": "ok", "generation": live.generation, **counts}
