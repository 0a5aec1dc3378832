"""`GET /auth/check`: is this API key valid? The cheapest authenticated call, for the UI's key box."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Security

from qa.api.deps import api_key_header, key_fingerprint, require_write_key
from qa.api.errors import error_responses
from qa.api.schemas import KeyCheckOut

router = APIRouter(tags=["hệ thống"])


@router.get(
    "/auth/check",
    response_model=KeyCheckOut,
    dependencies=[Depends(require_write_key)],
    responses=error_responses(401, 429),
    summary="Kiểm tra khoá API (tiêu đề X-API-Key)",
)
def check_key(key: str | None = Security(api_key_header)) -> dict[str, Any]:
    return {"valid": True, "fingerprint": key_fingerprint(str(key))[:10]}
