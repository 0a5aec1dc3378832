"""Every error as JSON `{"detail": "…"}` in Vietnamese, never a trace; the error schema of each route."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from qa.api.schemas import ErrorOut
from qa.api.uploads import UploadError

logger = logging.getLogger("qa.api")

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_FASTAPI_PARSE_ERROR = "There was an error parsing the body"
# Vietnamese text for the errors Starlette raises with its English reason phrase.
_DEFAULT_DETAIL = {
    400: "Không đọc được nội dung yêu cầu.",
    404: "Không tìm thấy đường dẫn.",
    405: "Phương thức không được hỗ trợ cho đường dẫn này.",
    408: "Yêu cầu gửi quá chậm hoặc bị bỏ dở; kết nối đã được đóng.",
    413: "Dữ liệu gửi lên quá lớn.",
    429: "Quá nhiều yêu cầu; hãy thử lại sau.",
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
    "int_from_float": "phải là số nguyên",
    "string_type": "phải là chuỗi ký tự",
    "literal_error": "phải là một trong {expected}",
    "extra_forbidden": "trường không được hỗ trợ",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        400: "Yêu cầu không hợp lệ",
        401: "Thiếu hoặc sai khoá API",
        404: "Không tìm thấy",
        409: "Trùng tài liệu",
        413: "Dữ liệu quá lớn",
        415: "Định dạng không hỗ trợ",
        422: "Dữ liệu không hợp lệ",
        429: "Sai khoá API quá nhiều lần (xem tiêu đề Retry-After)",
        503: "Chưa có chỉ mục",
    }
    return {code: {"model": ErrorOut, "description": text[code]} for code in codes}


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == _FASTAPI_PARSE_ERROR and _is_json(request):
            # FastAPI's answer to a body that is not even text (bad UTF-8): the same 422 as bad JSON.
            return JSONResponse(
                {
                    "detail": "Dữ liệu gửi lên không hợp lệ: body không phải JSON hợp lệ.",
                    "errors": [{"loc": ["body"], "msg": "Invalid JSON body", "type": "json_invalid"}],
                },
                422,
            )
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        detail = exc.detail
        if not isinstance(detail, str) or detail in (
            HTTPStatus(exc.status_code).phrase,
            _FASTAPI_PARSE_ERROR,
        ):
            detail = _DEFAULT_DETAIL.get(exc.status_code, HTTPStatus(exc.status_code).phrase)
        return JSONResponse({"detail": detail}, exc.status_code, headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_field_error(e) for e in exc.errors()]
        first = errors[0] if errors else None
        detail = "Dữ liệu gửi lên không hợp lệ"
        if first:
            where = "body" if first["type"] == "json_invalid" else ".".join(first["loc"])
            detail += f": {where} {first['vi']}"
        return JSONResponse(
            {
                "detail": detail + ".",
                "errors": [{"loc": e["loc"], "msg": e["msg"], "type": e["type"]} for e in errors],
            },
            422,
        )

    @app.exception_handler(UploadError)
    async def upload_error(_request: Request, exc: UploadError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail, **exc.extra}, exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, _exc: Exception) -> JSONResponse:
        # Logged with its trace on the server; the client learns nothing about the internals.
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "Lỗi máy chủ nội bộ."}, 500)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route accepts on this path (Starlette's own 405 names only the first route's)."""
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]


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
