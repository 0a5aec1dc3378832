"""`GET /conversations`, `GET /conversations/{id}`: the saved history of one browser or key holder."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi import Path as PathParam

from qa.api.deps import OPTIONAL_KEY, Services, get_services, history_owner
from qa.api.errors import error_responses
from qa.api.routes.answers import saved_answer_out
from qa.api.schemas import ConversationOut, ConversationsOut

router = APIRouter(tags=["lịch sử"])

_TOKEN = r"^[A-Za-z0-9_-]{16,64}$"
_OWNER = Query(pattern=_TOKEN, description="Mã trình duyệt (bỏ qua khi gửi kèm khoá API hợp lệ)")


@router.get(
    "/conversations",
    response_model=ConversationsOut,
    responses=error_responses(422),
    summary="Các cuộc hỏi đáp đã lưu, mới nhất trước",
)
def list_conversations(
    owner: str = _OWNER,
    limit: int = Query(20, ge=1, le=100),
    services: Services = Depends(get_services),
    key: str | None = OPTIONAL_KEY,
) -> dict[str, Any]:
    found = services.answers.conversations(history_owner(services, key, owner), limit)
    return {
        "conversations": [
            {
                "conversation_id": c.conversation_id,
                "title": c.title,
                "turns": c.turns,
                "updated_at": c.updated_at,
            }
            for c in found
        ]
    }


@router.get(
    "/conversations/{conversation_id}",
    response_model=ConversationOut,
    responses=error_responses(404, 422),
    summary="Các lượt hỏi đáp của một cuộc hỏi đáp đã lưu",
)
def get_conversation(
    conversation_id: str = PathParam(pattern=_TOKEN),
    owner: str = _OWNER,
    services: Services = Depends(get_services),
    key: str | None = OPTIONAL_KEY,
) -> dict[str, Any]:
    turns = services.answers.conversation(history_owner(services, key, owner), conversation_id)
    if not turns:
        raise HTTPException(404, "Không tìm thấy cuộc hỏi đáp này trong lịch sử.")
    return {"conversation_id": conversation_id, "turns": [saved_answer_out(t) for t in turns]}
