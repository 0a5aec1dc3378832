"""What every page shares: the API client of this session, the cached document list, the key box."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.client import ApiClient, ApiError

API_KEY = "api_key"  # session-state key of the sidebar's password box


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


def render_api_key() -> None:
    with st.sidebar.expander("Khoá API (quản trị)", icon=":material/key:", expanded=False):
        st.text_input(
            "Khoá API",
            key=API_KEY,
            type="password",
            label_visibility="collapsed",
            placeholder="Nhập khoá API",
            help="Cần để tải lên hoặc xoá tài liệu. Hỏi đáp không cần khoá.",
        )


def flash(kind: str, message: str) -> None:
    """A message that survives the `st.rerun()` following an upload or a deletion."""
    st.session_state["flash"] = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop("flash", (None, None))
    if kind == "success":
        st.success(message, icon=":material/check_circle:")
    elif kind == "error":
        st.error(message, icon=":material/error:")
