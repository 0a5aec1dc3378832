"""`GET /regulations`: the registry of cited documents, by số hiệu or subject words."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from qa.api.deps import get_live
from qa.api.errors import error_responses
from qa.api.live import Live
from qa.api.schemas import (
    RegulationsResponse,
)
from qa.retrieval.lookup import find_regulations

router = APIRouter(tags=["hỏi đáp"])


@router.get(
    "/regulations",
    response_model=RegulationsResponse,
    responses=error_responses(422, 503),
    summary="Tra cứu văn bản được viện dẫn theo số hiệu hoặc nội dung",
)
def regulations(
    number: str | None = Query(None, max_length=100, description="Số hiệu", examples=["2143/QĐ-UBND"]),
    q: str | None = Query(
        None, max_length=500, description="Từ khoá nội dung", examples=["chức năng Sở Y tế"]
    ),
    province: str | None = Query(None, max_length=100, examples=["Hậu Giang"]),
    limit: int = Query(50, ge=1, le=500),
    live: Live = Depends(get_live),
) -> dict[str, Any]:
    found = find_regulations(live.registry, number or None, q or None, province or None)
    return {"regulations": [r.as_dict() for r in found[:limit]]}
