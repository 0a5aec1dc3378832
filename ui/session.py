"""What every page shares: the API client of this session, the cached document list, the key box."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.client import ApiClient, ApiError

API_KEY = "api_key"  # session-state key of the accepted (checked) API key
_TYPED = "api_key_typed"  # the password box itself
_KEY_NOTE = "api_key_note"


def client() -> ApiClient:
    return ApiClient.from_env(st.session_state.get(API_KEY) or None)


@st.cache_data(ttl=30, show_spinner=False)
def _documents(base_url: str, api_key: str | None) -> list[dict[str, Any]]:
    # Cached briefly: every rerun needs the list for the filters; errors are not cached.
    return ApiClient(base_url, api_key).documents()


def load_documents(api: ApiClient) -> tuple[list[dict[str, Any]], str | None]:
    """The indexed documents, or an empty list and the reason the API could not give them."""
    try:
        return _documents(api.base_url, api.api_key), None
    except ApiError as exc:
        return [], exc.message


def forget_documents() -> None:
    """After an upload or a deletion the list (and the filters built from it) must be fresh."""
    _documents.clear()


def _check_key() -> None:
    """Accept a typed key only once the API says it is valid (`GET /auth/check`)."""
    typed = (st.session_state.get(_TYPED) or "").strip()
    if not typed:
        st.session_state.pop(API_KEY, None)
        st.session_state[_KEY_NOTE] = ("info", "Chưa nhập khoá.")
        return
    try:
        ApiClient.from_env(typed).check_key()
    except ApiError as exc:
        st.session_state.pop(API_KEY, None)
        reason = "Khoá không đúng." if exc.status == 401 else exc.message
        st.session_state[_KEY_NOTE] = ("error", f"Khoá chưa được chấp nhận: {reason}")
        return
    st.session_state[API_KEY] = typed
    st.session_state[_KEY_NOTE] = ("ok", "Khoá hợp lệ: có thể tải lên, xoá tài liệu và xem phản hồi.")
    _documents.clear()


def render_api_key() -> None:
    with st.sidebar.expander(
        "Khoá API (quản trị)", icon=":material/key:", expanded=bool(st.session_state.get(_KEY_NOTE))
    ):
        st.text_input(
            "Khoá API",
            key=_TYPED,
            type="password",
            label_visibility="collapsed",
            placeholder="Nhập khoá API rồi nhấn Enter",
            help="Cần để tải lên hoặc xoá tài liệu và xem phản hồi. Hỏi đáp không cần khoá. "
            "Khoá được in ra khi chạy `make run` lần đầu và lưu trong tệp index/api-key trên máy chủ.",
            on_change=_check_key,
        )
        kind, note = st.session_state.get(_KEY_NOTE, (None, None))
        if kind == "ok":
            st.success(note, icon=":material/check_circle:")
        elif kind == "error":
            st.error(note, icon=":material/error:")


def flash(kind: str, message: str) -> None:
    """A message that survives the `st.rerun()` following an upload or a deletion."""
    st.session_state["flash"] = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop("flash", (None, None))
    if kind == "success":
        st.success(message, icon=":material/check_circle:")
    elif kind == "error":
        st.error(message, icon=":material/error:")
