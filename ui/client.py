"""The UI's only way to the data: small, typed wrappers over the HTTP API (httpx).

Every failure becomes an `ApiError` with a Vietnamese message fit for the screen: the page shows
`error.message` and never a traceback. The server's own `detail` is kept when it sends one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import httpx

DEFAULT_API_URL = "http://127.0.0.1:8000"

# Read timeouts per kind of call: an answer takes 0.3-0.9 s (bench/RESULTS.md), so 15 s means the server
# is stuck or restarting, and the official gets a clear message and a retry button instead of a long wait.
ASK_TIMEOUT = float(os.environ.get("QA_ASK_TIMEOUT") or 15.0)
READ_TIMEOUT = 10.0  # lists and one document: milliseconds on a live server
UPLOAD_TIMEOUT = 180.0
CONNECT_TIMEOUT = 3.0  # a local server either answers at once or is not running

_STATUS_TEXT = {
    400: "Yêu cầu không hợp lệ.",
    401: "Thiếu hoặc sai khoá API.",
    403: "Không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy.",
    409: "Tài liệu này đã có trong kho.",
    413: "Tệp hoặc nội dung gửi lên quá lớn.",
    415: "Định dạng tệp không được hỗ trợ.",
    422: "Dữ liệu gửi lên không hợp lệ.",
    503: "Máy chủ chưa sẵn sàng (chưa có chỉ mục tài liệu).",
}


class ApiError(Exception):
    """A failed call, described for the user (`message`) with the HTTP status when there was one.

    `retryable`: the same request may well succeed later (no connection, a timeout, a 5xx)."""

    def __init__(self, message: str, status: int | None = None, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable


def api_url_from_env() -> str:
    return (os.environ.get("QA_API_URL") or DEFAULT_API_URL).rstrip("/")


def _detail(response: httpx.Response) -> str:
    """The server's `detail` (a string, or FastAPI's list of field errors), else a text per status."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):
        detail = "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail)
    if isinstance(detail, str) and detail.strip():
        return detail.strip()
    if response.status_code >= 500:
        return "Máy chủ gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại sau."
    return _STATUS_TEXT.get(response.status_code, f"Máy chủ trả về lỗi {response.status_code}.")


@dataclass(frozen=True, slots=True)
class ApiClient:
    base_url: str
    api_key: str | None = None

    @classmethod
    def from_env(cls, api_key: str | None = None) -> ApiClient:
        return cls(api_url_from_env(), api_key or None)

    # ------------------------------------------------------------------ calls

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health", READ_TIMEOUT)

    def ask(
        self,
        question: str,
        *,
        filters: dict[str, Any] | None = None,
        history: list[dict[str, str]] | None = None,
        top_k: int = 5,
        conversation: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"question": question, "top_k": top_k, "filters": filters or {}}
        if history:
            body["history"] = history
        if conversation:
            body["conversation"] = conversation
        return self._call("POST", "/ask", ASK_TIMEOUT, json=body)

    def answer(self, answer_id: str) -> dict[str, Any]:
        return self._call("GET", f"/answers/{answer_id}", READ_TIMEOUT)

    def conversations(self, owner: str) -> list[dict[str, Any]]:
        found = self._call("GET", "/conversations", READ_TIMEOUT, params={"owner": owner})
        return list(found.get("conversations", []))

    def conversation(self, owner: str, conversation_id: str) -> dict[str, Any]:
        return self._call("GET", f"/conversations/{conversation_id}", READ_TIMEOUT, params={"owner": owner})

    def send_feedback(self, feedback: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/feedback", READ_TIMEOUT, json=feedback)

    def feedback(self, limit: int = 200) -> list[dict[str, Any]]:
        return list(self._call("GET", "/feedback", READ_TIMEOUT, params={"limit": limit}).get("feedback", []))

    def check_key(self) -> dict[str, Any]:
        return self._call("GET", "/auth/check", READ_TIMEOUT)

    def documents(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/documents", READ_TIMEOUT).get("documents", []))

    def document(self, doc_id: str, start: int | None = None, end: int | None = None) -> dict[str, Any]:
        params = {k: v for k, v in (("start", start), ("end", end)) if v is not None}
        return self._call("GET", f"/documents/{doc_id}", READ_TIMEOUT, params=params)

    def provinces(self) -> dict[str, Any]:
        """Every current unit with its former provinces and their document counts (`GET /provinces`)."""
        return self._call("GET", "/provinces", READ_TIMEOUT)

    def indicators(
        self, q: str | None = None, group: str | None = None, *, with_values: bool = True
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"with_values": with_values}
        params |= {k: v for k, v in (("q", q), ("group", group)) if v}
        return list(self._call("GET", "/indicators", READ_TIMEOUT, params=params).get("indicators", []))

    def indicator_values(
        self, indicator_id: str, *, province: str | None = None, group_by: str = "former"
    ) -> dict[str, Any]:
        params = {"group_by": group_by} | ({"province": province} if province else {})
        return self._call("GET", f"/indicators/{indicator_id}/values", READ_TIMEOUT, params=params)

    def upload(
        self, filename: str, content: bytes, mime: str | None = None, meta: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """``meta``: what the uploader says of the document (title, province, kind, number, date)."""
        files = {"file": (filename, content, mime or "application/octet-stream")}
        data = {k: v for k, v in (meta or {}).items() if v}
        return self._call("POST", "/documents", UPLOAD_TIMEOUT, files=files, data=data)

    def delete(self, doc_id: str) -> dict[str, Any]:
        return self._call("DELETE", f"/documents/{doc_id}", READ_TIMEOUT)

    def job(self, job_id: str) -> dict[str, Any]:
        return self._call("GET", f"/jobs/{job_id}", READ_TIMEOUT)

    # ------------------------------------------------------------------ transport

    def _call(self, method: str, path: str, timeout: float, **kwargs: Any) -> dict[str, Any]:
        headers = {"X-API-Key": self.api_key} if self.api_key else {}
        try:
            with httpx.Client(
                base_url=self.base_url,
                timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
                trust_env=False,
            ) as http:  # trust_env: a proxy variable must not catch 127.0.0.1
                response = http.request(method, path, headers=headers, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise ApiError(
                f"Không kết nối được tới máy chủ hỏi đáp ({self.base_url}). Máy chủ có thể đang khởi động "
                "lại; hãy thử lại sau ít giây.",
                retryable=True,
            ) from exc
        except httpx.TimeoutException as exc:
            raise ApiError(
                f"Máy chủ chưa trả lời sau {timeout:.0f} giây (có thể đang bận hoặc đang khởi động lại). "
                "Hãy thử lại.",
                retryable=True,
            ) from exc
        except httpx.HTTPError as exc:
            raise ApiError(
                f"Mất kết nối tới máy chủ hỏi đáp ({self.base_url}) giữa chừng. Hãy thử lại.", retryable=True
            ) from exc
        if response.is_error:
            retry = response.status_code >= 500 or response.status_code == 503
            raise ApiError(_detail(response), response.status_code, retryable=retry)
        try:
            data = response.json()
        except ValueError as exc:
            raise ApiError("Máy chủ trả về dữ liệu không đọc được.", response.status_code) from exc
        if not isinstance(data, dict):
            raise ApiError("Máy chủ trả về dữ liệu không đúng định dạng.", response.status_code)
        return data
