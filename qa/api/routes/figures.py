"""`GET /figures`: extracted figures by indicator words, province, year and kind."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from qa.answer import FigureAnswer
from qa.api.deps import get_live
from qa.api.errors import error_responses
from qa.api.live import Live
from qa.api.schemas import (
    FiguresResponse,
)
from qa.retrieval.lookup import find_figures
from qa.vn.lexicon import FigureKind

router = APIRouter(tags=["hỏi đáp"])


@router.get(
    "/figures",
    response_model=FiguresResponse,
    responses=error_responses(422, 503),
    summary="Tra cứu số liệu đã trích xuất",
)
def figures(
    q: str | None = Query(
        None, max_length=500, description="Từ khoá chỉ tiêu", examples=["bác sĩ trên 10.000 dân"]
    ),
    province: str | None = Query(None, max_length=100, examples=["Bắc Giang"]),
    year: int | None = Query(None, ge=1900, le=2100, examples=[2024]),
    kind: FigureKind | None = Query(None, description="plan | actual | estimate | target"),
    limit: int = Query(20, ge=1, le=200),
    live: Live = Depends(get_live),
) -> dict[str, Any]:
    found = find_figures(live.engine.figures, q or None, province or None, year, kind, limit)
    return {"figures": [FigureAnswer.from_figure(f) for f in found]}
