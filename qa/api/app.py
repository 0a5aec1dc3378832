"""FastAPI application: `create_app(settings)` (run with `qa serve` or `uvicorn qa.api.app:create_app --factory`).

The Engine/Answerer load once in the lifespan and reach the routes through dependencies
(`qa/api/deps.py`); uploads and deletions sync the index in a background job and swap the new
generation in when it is ready. Every error is JSON `{"detail": "…"}` in Vietnamese, never a trace.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

from qa.api.deps import JSON_BODY_LIMIT, MULTIPART_SLACK, Services, require_read_key, upload_limit
from qa.api.errors import add_error_handlers, error_responses
from qa.api.middleware import BodyLimitMiddleware
from qa.api.routes import (
    answers,
    auth,
    conversations,
    documents,
    feedback,
    figures,
    health,
    indicators,
    jobs,
    provinces,
    questions,
    regulations,
)
from qa.settings import Settings, get_settings

DESCRIPTION = """Hỏi đáp có trích dẫn trên kế hoạch, báo cáo y tế của các tỉnh.

* `POST /ask` — câu trả lời ngắn, trích dẫn (tài liệu, mục, dòng) và số liệu; nói rõ khi không tìm thấy.
* `POST /search`, `GET /figures`, `GET /regulations`, `GET /documents` — tra cứu.
* `GET /answers/{answer_id}`, `GET /conversations` — câu trả lời đã lưu (đường dẫn chia sẻ, lịch sử).
* `POST /feedback` — đánh giá 👍/👎; `GET /feedback` — danh sách đánh giá (cần khoá API).
* `POST /documents`, `DELETE /documents/{doc_id}` — cần khoá API (`X-API-Key`); lập chỉ mục chạy nền, theo dõi ở
  `GET /jobs/{job_id}`.
"""


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
    app.include_router(health.router)
    for module in (
        questions,
        figures,
        indicators,
        regulations,
        documents,
        provinces,
        jobs,
        answers,
        conversations,
        feedback,
    ):
        app.include_router(module.router, **read)
    app.include_router(documents.write_router)
    app.include_router(auth.router)
    # JSON requests are small; the upload route may carry one file at the size limit plus its framing.
    too_big = f"Tệp vượt quá giới hạn {settings.max_upload_mb:g} MB."
    app.add_middleware(
        BodyLimitMiddleware,
        default=JSON_BODY_LIMIT,
        routes={("POST", "/documents"): (upload_limit(settings) + MULTIPART_SLACK, too_big)},
    )
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Content-Type", "X-API-Key"],
        )
    add_error_handlers(app)
    return app
