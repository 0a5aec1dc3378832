"""Documents: list, one with its numbered lines, upload (202 + a job), delete (202 + a job)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from qa.api.deps import Services, get_live, get_services, require_write_key
from qa.api.errors import error_responses
from qa.api.jobs import Job
from qa.api.live import Live
from qa.api.schemas import (
    DocumentAccepted,
    DocumentDetail,
    DocumentsResponse,
)
from qa.api.uploads import check_content, safe_name
from qa.ingest.pipeline import doc_id_for


def _document(live: Live, doc_id: str) -> dict[str, Any]:
    row, meta = live.engine.doc_rows[doc_id], live.engine.docs[doc_id]
    return {
        "doc_id": doc_id,
        "source": row["source"],
        "title": meta.title,
        "issuer": meta.issuer,
        "province": meta.province,
        "current_province": meta.current_province,
        "kind": meta.kind,
        "number": meta.number,
        "date": meta.date,
        "years": meta.years,
        "chunks": live.chunk_counts.get(doc_id, 0),
        "sections": row["sections"],
        "tables": row["tables"],
        "n_lines": row["n_lines"],
        "fmt": row["fmt"],
        "sha256": row["sha256"],
        "ingested_at": row["ingested_at"],
    }


# ---------------------------------------------------------------------- documents (read)

router = APIRouter(tags=["tài liệu"])


@router.get("/documents", response_model=DocumentsResponse, summary="Danh sách tài liệu đã lập chỉ mục")
def list_documents(services: Services = Depends(get_services)) -> dict[str, Any]:
    live = services.live.current
    return {"documents": [_document(live, d) for d in live.engine.doc_rows] if live else []}


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentDetail,
    responses=error_responses(404, 422, 503),
    summary="Một tài liệu và các dòng đã đánh số (để hiển thị trích dẫn tại chỗ)",
)
def get_document(
    doc_id: str = PathParam(max_length=200, examples=["001_a66ba2e25b7bb22e"]),
    start: int | None = Query(None, ge=1, description="Dòng đầu (từ 1)"),
    end: int | None = Query(None, ge=1, description="Dòng cuối (tính cả dòng này)"),
    live: Live = Depends(get_live),
) -> dict[str, Any]:
    if doc_id not in live.engine.doc_rows:
        raise HTTPException(404, f"Không tìm thấy tài liệu «{doc_id}».")
    lines = [
        {"n": n, "text": text, "page": page}
        for n, text, page in live.engine.document_lines(doc_id)
        if (start is None or n >= start) and (end is None or n <= end)
    ]
    return {**_document(live, doc_id), "lines": lines}


# ---------------------------------------------------------------------- documents (write)

write_router = APIRouter(tags=["tài liệu"], dependencies=[Depends(require_write_key)])


# Documented by hand: the form is read inside the route, after the key check (FastAPI parses declared
# body parameters before it runs dependencies, so an UploadFile parameter would spool the file first).
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "Tệp tài liệu"}
                    },
                }
            }
        },
    }
}


@write_router.post(
    "/documents",
    status_code=202,
    response_model=DocumentAccepted,
    openapi_extra=_UPLOAD_BODY,
    responses=error_responses(400, 401, 409, 413, 415, 422),
    summary="Tải lên một tài liệu (.txt, .md, .pdf, .docx, .doc, .odt, .html, .xlsx, .xls, .csv); lập chỉ mục chạy nền",
    description="Trả về 202 và `job_id` (theo dõi ở `GET /jobs/{job_id}`). PDF ảnh quét được nhận dạng chữ "
    "(OCR tiếng Việt, vài giây mỗi trang); .doc/.odt được chuyển qua LibreOffice; mỗi trang tính của .xlsx/.xls "
    "là một mục. Cùng nội dung với tài liệu đã có: "
    "409 kèm `doc_id` của tài liệu đó. Trùng tên nhưng khác nội dung: lưu với tên có hậu tố "
    "(`ten-2.md`), xem trường `source`.",
)
async def upload(
    request: Request, response: Response, services: Services = Depends(get_services)
) -> dict[str, Any]:
    file = await _form_file(request)
    try:
        accepted = await run_in_threadpool(_accept_upload, services, file)  # disk work off the event loop
    finally:
        await file.close()
    response.headers["Location"] = f"/jobs/{accepted['job_id']}"
    return accepted


async def _form_file(request: Request) -> StarletteUploadFile:
    try:
        form = await request.form(max_files=1, max_fields=8)
    except StarletteHTTPException as exc:  # Starlette's multipart errors, in English
        raise HTTPException(400, f"Không đọc được biểu mẫu tải lên ({exc.detail}).") from None
    file = form.get("file")
    if not isinstance(file, StarletteUploadFile):
        await form.close()
        raise HTTPException(422, "Thiếu tệp: gửi multipart/form-data với trường «file».")
    return file


def _accept_upload(services: Services, file: StarletteUploadFile) -> dict[str, Any]:
    name = safe_name(file.filename)
    staged = services.corpus.stage(file.file, services.max_upload_bytes)
    try:
        check_content(staged.path.read_bytes(), Path(name).suffix)
        live = services.live.current
        source = services.corpus.commit(staged, name, live.sha_index() if live else {})
    finally:
        staged.discard()  # committed files are a separate link: this only drops the temp name
    job = services.jobs.submit(
        Job("upload", doc_id_for(source), source, undo=lambda: services.corpus.remove(source))
    )
    return {"job_id": job.job_id, "status": job.status, "doc_id": job.doc_id, "source": source}


@write_router.delete(
    "/documents/{doc_id}",
    status_code=202,
    response_model=DocumentAccepted,
    responses=error_responses(401, 404, 422, 503),
    summary="Xoá một tài liệu (tệp chuyển vào index/.trash/); cập nhật chỉ mục chạy nền",
)
def delete(
    response: Response,
    doc_id: str = PathParam(max_length=200),
    services: Services = Depends(get_services),
    live: Live = Depends(get_live),
) -> dict[str, Any]:
    row = live.engine.doc_rows.get(doc_id)
    if row is None:
        raise HTTPException(404, f"Không tìm thấy tài liệu «{doc_id}».")
    job = Job("delete", doc_id, row["source"])
    moved = services.corpus.to_trash(row["source"], job.job_id)
    job.undo = lambda: services.corpus.restore(moved)
    services.jobs.submit(job)
    response.headers["Location"] = f"/jobs/{job.job_id}"
    return {"job_id": job.job_id, "status": job.status, "doc_id": doc_id, "source": row["source"]}
