"""Documents: list, one with its numbered lines, upload (202 + a job), delete (202 + a job)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from qa.api.deps import Services, get_services, require_write_key
from qa.api.errors import error_responses
from qa.api.live import Live
from qa.api.schemas import (
    DocumentAccepted,
    DocumentDetail,
    DocumentPending,
    DocumentsResponse,
)
from qa.api.upload_meta import FIELDS as META_FIELDS
from qa.api.upload_meta import MAX_TITLE_CHARS, read_upload_meta
from qa.api.uploads import UploadError, check_content, safe_name
from qa.failpoints import failpoint
from qa.ingest.pipeline import SUPPORTED_SUFFIXES, doc_id_for
from qa.jobs.corpus import TooLarge
from qa.jobs.model import Job

# Starlette's multipart limits for the upload form, documented in the OpenAPI schema.
FORM_MAX_FILES = 1
FORM_MAX_FIELDS = 8  # the parser stops past this many parts (400); any part but `file` is refused (422)
FORM_MAX_PART_KB = 1024  # a non-file field (Starlette's default max_part_size)
# An upload whose name another writer took between choosing it and publishing (one not under ``naming()``, e.g.
# `qa migrate --to-database` carrying a corpus in): nothing of it was published, so the client may send it again.
_NAME_TAKEN = "Tên tệp «{source}» vừa được dùng cho một tệp khác; chưa lưu gì, hãy tải lên lại."


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
    responses={
        202: {"model": DocumentPending, "description": "Tài liệu đã nhận, đang được lập chỉ mục"},
        **error_responses(404, 422, 503),
    },
    summary="Một tài liệu và các dòng đã đánh số (để hiển thị trích dẫn tại chỗ)",
    description="Một tài liệu vừa tải lên (`POST /documents`) trả 202 kèm `job_id` cho đến khi lập chỉ mục "
    "xong, rồi 200. Tài liệu đã xoá: 404.",
)
def get_document(
    doc_id: str = PathParam(max_length=200, examples=["001_a66ba2e25b7bb22e.txt"]),
    start: int | None = Query(None, ge=1, description="Dòng đầu (từ 1)"),
    end: int | None = Query(None, ge=1, description="Dòng cuối (tính cả dòng này)"),
    services: Services = Depends(get_services),
) -> Any:
    services.live.ensure_on_disk()
    live = services.live.current
    if live is None or doc_id not in live.engine.doc_rows:
        services.live.refresh()  # a job that just finished: serve its generation before saying 404
        live = services.live.current
    if live is None or doc_id not in live.engine.doc_rows:
        pending = services.journal.pending_for(doc_id)
        if pending is not None and pending.kind == "upload":
            body = {
                "detail": f"Tài liệu «{pending.source}» đang được xử lý ({pending.detail})",
                "doc_id": doc_id,
                "source": pending.source,
                "job_id": pending.job_id,
                "status": pending.status,
                "stage": pending.stage,
            }
            return JSONResponse(body, 202, headers={"Location": f"/jobs/{pending.job_id}"})
        if live is None:
            raise HTTPException(503, services.live.problem)
        raise HTTPException(404, _not_found(services, doc_id))
    lines = [
        {"n": n, "text": text, "page": page}
        for n, text, page in live.engine.document_lines(doc_id)
        if (start is None or n >= start) and (end is None or n <= end)
    ]
    return {**_document(live, doc_id), "lines": lines}


# ---------------------------------------------------------------------- documents (write)

_EXTENSIONS = ", ".join(SUPPORTED_SUFFIXES)


# What the uploader may say of the document when its text does not (qa/api/upload_meta.py): each wins over
# what is read from the text.
_META_PROPERTIES: dict[str, Any] = {
    "title": {"type": "string", "maxLength": MAX_TITLE_CHARS, "description": "Tiêu đề văn bản"},
    "province": {"type": "string", "description": "Tỉnh ban hành (tên cũ hoặc mới), ví dụ «Ninh Bình»"},
    "kind": {"type": "string", "description": "Loại văn bản: Kế hoạch, Báo cáo, Quyết định, …, Tin bài"},
    "number": {"type": "string", "description": "Số hiệu, ví dụ «95/KH-UBND»"},
    "date": {"type": "string", "format": "date", "description": "Ngày ban hành (YYYY-MM-DD)"},
}


# Documented by hand: the form is read inside the route, after the key check (FastAPI parses declared
# body parameters before it runs dependencies, so an UploadFile parameter would spool the file first).
def _upload_body(max_mb: float) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "additionalProperties": False,
                        "properties": {
                            "file": {
                                "type": "string",
                                "format": "binary",
                                "description": f"Tệp tài liệu ({_EXTENSIONS}), tối đa {max_mb:g} MB",
                            },
                            **_META_PROPERTIES,
                        },
                    },
                    "encoding": {"file": {"contentType": "application/octet-stream"}},
                }
            },
        },
        "x-upload-limits": {
            "max_bytes": int(max_mb * 1024 * 1024),
            "extensions": list(SUPPORTED_SUFFIXES),
            "max_files": FORM_MAX_FILES,
            "max_fields": FORM_MAX_FIELDS,
            "max_field_kb": FORM_MAX_PART_KB,
        },
    }


_ACCEPTED_LINKS = {
    "GetJob": {
        "operationId": "get_job_jobs__job_id__get",
        "parameters": {"job_id": "$response.body#/job_id"},
        "description": "Theo dõi tác vụ",
    },
    "GetDocument": {
        "operationId": "get_document_documents__doc_id__get",
        "parameters": {"doc_id": "$response.body#/doc_id"},
        "description": "Tài liệu (202 khi đang xử lý, 200 khi xong)",
    },
    "CancelJob": {
        "operationId": "cancel_job_jobs__job_id__cancel_post",
        "parameters": {"job_id": "$response.body#/job_id"},
        "description": "Huỷ tác vụ",
    },
    "DeleteDocument": {
        "operationId": "delete_documents__doc_id__delete",
        "parameters": {"doc_id": "$response.body#/doc_id"},
        "description": "Xoá tài liệu (409 khi chưa lập chỉ mục xong)",
    },
}


def upload_doc(max_mb: float) -> dict[str, Any]:
    """The OpenAPI description of the upload route (its limits come from Settings)."""
    return {
        "openapi_extra": _upload_body(max_mb),
        "summary": f"Tải lên một tài liệu ({_EXTENSIONS}); lập chỉ mục chạy nền",
        "description": (
            f"Giới hạn: một tệp, tối đa **{max_mb:g} MB** (vượt quá: 413, kể cả khi gửi không có "
            f"Content-Length); đuôi tệp {_EXTENSIONS}, nội dung phải khớp đuôi (415); biểu mẫu "
            f"multipart/form-data với một trường `file` và, tuỳ chọn, `title`, `province`, `kind`, `number`, "
            f"`date` khi văn bản không tự ghi (trường khác hoặc giá trị sai: 422; quá {FORM_MAX_FIELDS} trường "
            f"hoặc một trường không phải tệp quá {FORM_MAX_PART_KB} KB: 400).\n\n"
            "**202**: tệp đã được lưu và ghi vào nhật ký tác vụ; lập chỉ mục chạy nền. Theo dõi ở "
            "`GET /jobs/{job_id}` (tiêu đề `Location`); `GET /documents/{doc_id}` trả 202 «đang xử lý» cho "
            "đến khi xong. Một tệp không đọc được: tác vụ kết thúc `failed`, tệp được gỡ bỏ, chỉ mục "
            "không đổi. Máy chủ dừng giữa chừng: tác vụ được chạy lại hoặc hoàn tác khi khởi động.\n\n"
            "PDF ảnh quét được nhận dạng chữ (OCR tiếng Việt, vài giây mỗi trang); .doc/.odt được chuyển qua "
            "LibreOffice; mỗi trang tính của .xlsx/.xls là một mục.\n\n"
            "Cùng nội dung với tài liệu đã có: 409 kèm `doc_id` của tài liệu đó. Trùng tên nhưng khác nội "
            "dung: lưu với tên có hậu tố (`ten-2.md`), xem trường `source`."
        ),
    }


async def upload(
    request: Request, response: Response, services: Services = Depends(get_services)
) -> dict[str, Any]:
    file, meta = await _form_file(request)
    try:
        # disk work off the event loop
        accepted = await run_in_threadpool(_accept_upload, services, file, meta)
    finally:
        await file.close()
    response.headers["Location"] = f"/jobs/{accepted['job_id']}"
    return accepted


def write_router(max_mb: float) -> APIRouter:
    """Upload and delete, behind the API key; built per app (the upload's documented limit is a setting)."""
    router = APIRouter(tags=["tài liệu"], dependencies=[Depends(require_write_key)])
    router.add_api_route(
        "/documents",
        upload,
        methods=["POST"],
        status_code=202,
        response_model=DocumentAccepted,
        responses={
            202: {
                "description": "Đã nhận tệp; lập chỉ mục chạy nền",
                "headers": {"Location": {"description": "/jobs/{job_id}", "schema": {"type": "string"}}},
                "links": _ACCEPTED_LINKS,
            },
            **error_responses(400, 401, 409, 413, 415, 422, 429),
        },
        **upload_doc(max_mb),
    )

    router.add_api_route(
        "/documents/{doc_id}",
        delete,
        methods=["DELETE"],
        status_code=202,
        response_model=DocumentAccepted,
        responses={
            202: {
                "description": "Đang xoá (tệp đã chuyển vào index/.trash/); cập nhật chỉ mục chạy nền",
                "headers": {"Location": {"description": "/jobs/{job_id}", "schema": {"type": "string"}}},
                "links": {k: _ACCEPTED_LINKS[k] for k in ("GetJob", "CancelJob", "GetDocument")},
            },
            **error_responses(401, 404, 409, 422, 429, 503),
        },
        summary="Xoá một tài liệu (tệp chuyển vào index/.trash/); cập nhật chỉ mục chạy nền",
        description="Idempotent: gọi lại khi việc xoá còn đang chạy trả 202 với cùng `job_id`; khi đã xoá xong, "
        "404 «Tài liệu … đã bị xoá». Tài liệu đang được tải lên (chưa lập chỉ mục xong): 409 kèm `job_id`.",
    )
    return router


async def _form_file(request: Request) -> tuple[StarletteUploadFile, dict[str, str]]:
    try:
        form = await request.form(
            max_files=FORM_MAX_FILES, max_fields=FORM_MAX_FIELDS, max_part_size=FORM_MAX_PART_KB * 1024
        )
    except StarletteHTTPException as exc:  # Starlette's multipart errors, in English
        if exc.status_code == 413:
            raise
        raise HTTPException(
            400, "Không đọc được biểu mẫu tải lên (sai định dạng multipart hoặc quá số trường)."
        ) from None
    file = form.get("file")
    if not isinstance(file, StarletteUploadFile):
        await form.close()
        raise HTTPException(422, "Thiếu tệp: gửi multipart/form-data với trường «file».")
    if extra := sorted({k for k in form if k != "file" and k not in META_FIELDS}):
        await form.close()
        raise HTTPException(
            422,
            f"Trường không được hỗ trợ: {', '.join(extra)[:200]}; chỉ gửi «file» và các trường "
            f"{', '.join(META_FIELDS)}.",
        )
    texts = {k: v for k, v in form.items() if k in META_FIELDS}
    if any(not isinstance(v, str) for v in texts.values()):
        await form.close()
        raise HTTPException(422, f"Các trường {', '.join(META_FIELDS)} là văn bản, không phải tệp.")
    try:
        meta = read_upload_meta({k: str(v) for k, v in texts.items()})
    except UploadError:
        await form.close()
        raise
    return file, meta


def _accept_upload(services: Services, file: StarletteUploadFile, meta: dict[str, str]) -> dict[str, Any]:
    name = safe_name(file.filename)
    try:
        staged = services.corpus.stage(file.file, services.max_upload_bytes)
    except TooLarge:
        raise UploadError(413, f"Tệp vượt quá giới hạn {services.settings.max_upload_mb:g} MB.") from None
    failpoint("upload.staged")
    try:
        if meta:
            services.corpus.stage_sidecar(staged, meta)  # discarded with the staged file on any refusal
        check_content(staged.path.read_bytes(), Path(name).suffix)
        # corpus_lock: this process's uploads and deletes, one at a time; naming(): every process's (every
        # replica's) choice of a name and its publication, so that two uploads of one name get two names.
        with services.corpus_lock, services.corpus.naming():
            live = services.live.current
            indexed = live.sha_index() if live else {}
            leaving = {j.source for j in services.journal.list_unfinished() if j.kind == "delete"}
            dup = indexed.get(staged.sha256)
            if dup is not None and dup[1] in leaving:
                dup = None
            if dup is None and (same := services.corpus.duplicate_of(staged.sha256, staged.size)):
                dup = (doc_id_for(same), same)
            if dup is not None:
                raise UploadError(
                    409, f"Tài liệu này đã có (cùng nội dung với «{dup[1]}»).", doc_id=dup[0], source=dup[1]
                )
            source = services.corpus.free_name(name, {s for _, s in indexed.values()})
            if source is None:
                raise UploadError(409, f"Đã có quá nhiều tệp tên «{name}».")
            job = Job(
                "upload",
                doc_id_for(source),
                source,
                step="received",
                sha256=staged.sha256,
                staged=staged.path.name,
                owner=services.lease.name,
            )
            services.journal.submit(job)  # the journal first: a crash from here on is reconciled
            failpoint("upload.journaled")
            if not services.corpus.publish(staged.path.name, source):  # taken meanwhile, by other bytes
                services.journal.finish(job.job_id, "failed", _NAME_TAKEN.format(source=source))
                raise UploadError(409, _NAME_TAKEN.format(source=source))
            failpoint("upload.published")
            services.journal.mark_stored(job.job_id)
    finally:
        staged.discard()  # published files are a separate link: this only drops the temp name
    services.jobs.wake()
    return {"job_id": job.job_id, "status": "queued", "doc_id": job.doc_id, "source": source}


def delete(
    response: Response,
    doc_id: str = PathParam(max_length=200),
    services: Services = Depends(get_services),
) -> Any:
    with services.corpus_lock:
        pending = services.journal.pending_for(doc_id)
        if pending is not None and pending.kind == "delete":
            response.headers["Location"] = f"/jobs/{pending.job_id}"
            return {
                "job_id": pending.job_id,
                "status": pending.status,
                "doc_id": doc_id,
                "source": pending.source,
            }
        if pending is not None:
            raise UploadError(
                409,
                f"Tài liệu «{pending.source}» đang được lập chỉ mục; hãy chờ xong rồi xoá, hoặc huỷ tác vụ.",
                job_id=pending.job_id,
            )
        services.live.ensure_on_disk()
        live = services.live.current
        if live is None or doc_id not in live.engine.doc_rows:
            services.live.refresh()  # a job that just finished: its generation first
            live = services.live.current
        if live is None:
            raise HTTPException(503, services.live.problem)
        row = live.engine.doc_rows.get(doc_id)
        if row is None:
            raise HTTPException(404, _not_found(services, doc_id))
        job = Job("delete", doc_id, row["source"], step="received", owner=services.lease.name)
        job.trash = services.corpus.trash_plan(row["source"], job.job_id)
        services.journal.submit(job)  # the journal first: a crash from here on is reconciled
        failpoint("delete.journaled")
        services.corpus.to_trash(job.trash)
        failpoint("delete.moved")
        services.journal.mark_stored(job.job_id)
    services.jobs.wake()
    response.headers["Location"] = f"/jobs/{job.job_id}"
    return {"job_id": job.job_id, "status": "queued", "doc_id": doc_id, "source": row["source"]}


def _not_found(services: Services, doc_id: str) -> str:
    last = services.journal.last_finished_for(doc_id)
    if last is not None and last.kind == "delete" and last.status == "done":
        return f"Tài liệu «{doc_id}» đã bị xoá."
    return f"Không tìm thấy tài liệu «{doc_id}»."
