"""FastAPI application: `create_app(settings)` (run with `qa serve` or `uvicorn qa.api.app:create_app --factory`).

The Engine/Answerer load once in the lifespan and reach the routes through dependencies
(`qa/api_deps.py`); uploads and deletions sync the index in a background job and swap the new
generation in when it is ready. Every error is JSON `{"detail": "…"}` in Vietnamese, never a trace.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from qa.api.deps import JSON_BODY_LIMIT, MULTIPART_SLACK, Services, require_read_key, upload_limit
from qa.api.middleware import BodyLimitMiddleware
from qa.api.routes import documents_router, error_responses, health_router, query_router, write_router
from qa.api.uploads import UploadError
from qa.settings import Settings, get_settings

logger = logging.getLogger("qa.api.app")

DESCRIPTION = """Hỏi đáp có trích dẫn trên kế hoạch, báo cáo y tế của các tỉnh.

* `POST /ask` — câu trả lời ngắn, trích dẫn (tài liệu, mục, dòng) và số liệu; nói rõ khi không tìm thấy.
* `POST /search`, `GET /figures`, `GET /regulations`, `GET /documents` — tra cứu.
* `POST /documents`, `DELETE /documents/{doc_id}` — cần khoá API (`X-API-Key`); lập chỉ mục chạy nền, theo dõi ở
  `GET /jobs/{job_id}`.
"""

_FASTAPI_PARSE_ERROR = "There was an error parsing the body"
# Vietnamese text for the errors Starlette raises with its English reason phrase.
_DEFAULT_DETAIL = {
    400: "Không đọc được nội dung yêu cầu.",
    404: "Không tìm thấy đường dẫn.",
    405: "Phương thức không được hỗ trợ cho đường dẫn này.",
    413: "Dữ liệu gửi lên quá lớn.",
}
_VALIDATION_MSG = {
    "missing": "thiếu trường bắt buộc",
    "json_invalid": "không phải JSON hợp lệ",
    "string_too_long": "quá dài (tối đa {max_length} ký tự)",
    "string_too_short": "quá ngắn (tối thiểu {min_length} ký tự)",
    "string_pattern_mismatch": "không được để trống",
    "too_long": "quá nhiều phần tử (tối đa {max_length})",
    "greater_than_equal": "phải ≥ {ge}",
    "less_than_equal": "phải ≤ {le}",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "string_type": "phải là chuỗi ký tự",
    "literal_error": "phải là một trong {expected}",
    "extra_forbidden": "trường không được hỗ trợ",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.torch_threads > 0:
            import torch

            torch.set_num_threads(settings.torch_threads)
        services = Services.create(settings)
        await run_in_threadpool(services.live.load_initial)  # loads the index and warms the model
        services.jobs.start()
        app.state.services = services
        try:
            yield
        finally:
            await run_in_threadpool(services.jobs.stop)

    app = FastAPI(title="healthplan-qa", version="1.0", description=DESCRIPTION, lifespan=lifespan)
    read: dict[str, Any] = {}
    if settings.protect_reads:
        read = {"dependencies": [Depends(require_read_key)], "responses": error_responses(401)}
    app.include_router(health_router)
    app.include_router(query_router, **read)
    app.include_router(documents_router, **read)
    app.include_router(write_router)
    # JSON requests are small; the upload route may carry one file at the size limit plus its framing.
    too_big = f"Tệp vượt quá giới hạn {settings.max_upload_mb:g} MB."
    app.add_middleware(BodyLimitMiddleware, default=JSON_BODY_LIMIT,
                       routes={("POST", "/documents"): (upload_limit(settings) + MULTIPART_SLACK, too_big)})
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Content-Type", "X-API-Key"])
    _add_error_handlers(app)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == _FASTAPI_PARSE_ERROR and _is_json(request):
            # FastAPI's answer to a body that is not even text (bad UTF-8): the same 422 as bad JSON.
            return JSONResponse({"detail": "Dữ liệu gửi lên không hợp lệ: body không phải JSON hợp lệ.",
                                 "errors": [{"loc": ["body"], "msg": "Invalid JSON body", "type": "json_invalid"}]},
                                422)
        detail = exc.detail
        if not isinstance(detail, str) or detail in (HTTPStatus(exc.status_code).phrase, _FASTAPI_PARSE_ERROR):
            detail = _DEFAULT_DETAIL.get(exc.status_code, HTTPStatus(exc.status_code).phrase)
        return JSONResponse({"detail": detail}, exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_field_error(e) for e in exc.errors()]
        first = errors[0] if errors else None
        detail = "Dữ liệu gửi lên không hợp lệ"
        if first:
            where = "body" if first["type"] == "json_invalid" else ".".join(first["loc"])
            detail += f": {where} {first['vi']}"
        return JSONResponse({"detail": detail + ".", "errors": [
            {"loc": e["loc"], "msg": e["msg"], "type": e["type"]} for e in errors]}, 422)

    @app.exception_handler(UploadError)
    async def upload_error(request: Request, exc: UploadError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail, **exc.extra}, exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Logged with its trace on the server; the client learns nothing about the internals.
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "Lỗi máy chủ nội bộ."}, 500)


def _is_json(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower().endswith("json")


def _field_error(error: Any) -> dict[str, Any]:
    # Never echo the input back: it may be large, binary or not JSON-serialisable.
    loc = [str(part) for part in error.get("loc", ())]
    kind = str(error.get("type", ""))
    try:
        vi = _VALIDATION_MSG.get(kind, "không hợp lệ").format(**error.get("ctx", {}))
    except (KeyError, IndexError, ValueError):
        vi = "không hợp lệ"
    return {"loc": loc, "msg": str(error.get("msg", "")), "type": kind, "vi": vi}
