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
from fastapi_offline import FastAPIOffline
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
from qa.jobs.reconcile import reconcile
from qa.settings import Settings, get_settings

DESCRIPTION = """Hỏi đáp có trích dẫn trên kế hoạch, báo cáo y tế của các tỉnh.

* `POST /ask` — câu trả lời ngắn, trích dẫn (tài liệu, mục, dòng) và số liệu; nói rõ khi không tìm thấy.
* `POST /search`, `GET /figures`, `GET /regulations`, `GET /documents` — tra cứu.
* `GET /answers/{{answer_id}}`, `GET /conversations` — câu trả lời đã lưu (đường dẫn chia sẻ, lịch sử).
* `POST /feedback` — đánh giá 👍/👎; `GET /feedback` — danh sách đánh giá (cần khoá API).
* `GET /indicators`, `GET /indicators/{{indicator_id}}/values` — danh mục chỉ tiêu chuẩn và giá trị theo tỉnh, năm.
* `POST /documents`, `DELETE /documents/{{doc_id}}`, `POST /jobs/{{job_id}}/cancel` — cần khoá API (`X-API-Key`);
  lập chỉ mục chạy nền (202), theo dõi ở `GET /jobs/{{job_id}}` (giai đoạn, số đoạn đã xử lý, thời gian còn lại).
  Sai khoá quá {key_failures} lần trong {key_window:g} giây: 429 cho đến hết khoảng thời gian đó.
* Giới hạn: JSON tối đa {json_kb} KB; tệp tải lên tối đa {upload_mb:g} MB ({extensions}); mỗi tệp được đọc trong một
  tiến trình riêng (tối đa {parse_mb} MB bộ nhớ, {parse_cpu} giây CPU, {parse_wall:g} giây, {pages} trang PDF,
  {expanded:g} MB nội dung giải nén); yêu cầu gửi dở: phần đầu phải đến trong {head_s:g} giây, thân yêu cầu không
  được ngừng quá {idle_s:g} giây (408).
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.torch_threads > 0:
            import torch

            torch.set_num_threads(settings.torch_threads)
        services = Services.create(settings)
        # Before any new work: finish, resume or roll back what a crash left (qa/jobs/reconcile.py).
        await run_in_threadpool(reconcile, settings, services.journal, services.owners)
        await run_in_threadpool(services.live.load_initial)  # loads the index and warms the model
        services.live.start_watching()
        services.jobs.start()
        app.state.services = services
        try:
            yield
        finally:
            services.live.stop_watching()
            await run_in_threadpool(services.jobs.stop)
            services.journal.close()
            services.stores.close()
            services.lease.release()

    description = DESCRIPTION.format(
        key_failures=settings.key_failures_allowed,
        key_window=settings.key_failure_window_seconds,
        json_kb=JSON_BODY_LIMIT // 1024,
        upload_mb=settings.max_upload_mb,
        extensions=", ".join(documents.SUPPORTED_SUFFIXES),
        parse_mb=settings.parse_memory_mb,
        parse_cpu=settings.parse_cpu_seconds,
        parse_wall=settings.parse_wall_seconds,
        pages=settings.max_pages,
        expanded=settings.max_expanded_mb,
        head_s=settings.header_timeout_seconds,
        idle_s=settings.body_idle_timeout_seconds,
    )
    # FastAPIOffline: /docs and /redoc load Swagger UI and ReDoc from the package, never from a CDN.
    app = FastAPIOffline(title="healthplan-qa", version="1.0", description=description, lifespan=lifespan)
    read: dict[str, Any] = {}
    if settings.protect_reads:
        read = {"dependencies": [Depends(require_read_key)], "responses": error_responses(401, 429)}
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
    app.include_router(documents.write_router(settings.max_upload_mb))
    app.include_router(jobs.write_router)
    app.include_router(auth.router)
    # JSON requests are small; the upload route may carry one file at the size limit plus its framing.
    too_big = f"Tệp vượt quá giới hạn {settings.max_upload_mb:g} MB."
    app.add_middleware(
        BodyLimitMiddleware,
        default=JSON_BODY_LIMIT,
        routes={("POST", "/documents"): (upload_limit(settings) + MULTIPART_SLACK, too_big)},
        idle_timeout=settings.body_idle_timeout_seconds,
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
