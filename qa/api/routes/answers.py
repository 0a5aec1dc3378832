"""`GET /answers/{answer_id}`: a saved answer as it was given (what a share link reopens)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi import Path as PathParam

from qa.api.deps import Services, get_services
from qa.api.errors import error_responses
from qa.api.schemas import SavedAnswerOut
from qa.api.stores.answers import SavedAnswer

router = APIRouter(tags=["lịch sử"])


def saved_answer_out(saved: SavedAnswer) -> dict[str, Any]:
    return {
        "answer_id": saved.answer_id,
        "conversation_id": saved.conversation_id,
        "question": saved.question,
        "filters": saved.filters,
        "created_at": saved.created_at,
        "response": {**saved.response, "answer_id": saved.answer_id},
    }


@router.get(
    "/answers/{answer_id}",
    response_model=SavedAnswerOut,
    responses=error_responses(404, 422),
    summary="Mở lại một câu trả lời đã lưu (đường dẫn chia sẻ)",
)
def get_answer(
    answer_id: str = PathParam(pattern=r"^[A-Za-z0-9_-]{16,64}$"),
    services: Services = Depends(get_services),
) -> dict[str, Any]:
    saved = services.answers.get(answer_id)
    if saved is None:
        raise HTTPException(404, "Không tìm thấy câu trả lời này (đường dẫn sai hoặc câu trả lời đã quá cũ).")
    return saved_answer_out(saved)
