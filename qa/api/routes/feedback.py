"""`POST /feedback` (👍/👎 and a comment on an answer) and `GET /feedback` (the list, for administrators)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from qa.api.deps import Services, get_services, require_write_key
from qa.api.errors import error_responses
from qa.api.schemas import FeedbackIn, FeedbackList, FeedbackOut
from qa.api.stores.feedback import FeedbackEntry, StoredFeedback

router = APIRouter(tags=["phản hồi"])


def _out(stored: StoredFeedback) -> dict[str, Any]:
    e = stored.entry
    return {
        "id": stored.id,
        "created_at": stored.created_at,
        "rating": e.rating,
        "comment": e.comment,
        "question": e.question,
        "answer": e.answer,
        "answer_id": e.answer_id,
        "filters": e.filters,
    }


@router.post(
    "/feedback",
    status_code=201,
    response_model=FeedbackOut,
    responses=error_responses(413, 422),
    summary="Gửi đánh giá 👍/👎 (và góp ý) về một câu trả lời",
)
def add_feedback(body: FeedbackIn, services: Services = Depends(get_services)) -> dict[str, Any]:
    comment = (body.comment or "").strip() or None
    entry = FeedbackEntry(
        body.rating,
        comment,
        body.question,
        body.answer,
        body.answer_id,
        body.filters.model_dump(exclude_none=True),
    )
    return _out(services.feedback.add(entry))


@router.get(
    "/feedback",
    response_model=FeedbackList,
    dependencies=[Depends(require_write_key)],
    responses=error_responses(401, 422, 429),
    summary="Các đánh giá gần nhất (cần khoá API)",
)
def list_feedback(
    limit: int = Query(100, ge=1, le=1000), services: Services = Depends(get_services)
) -> dict[str, Any]:
    return {"feedback": [_out(f) for f in services.feedback.recent(limit)]}
