"""Feedback page (administrators): the 👍/👎 and comments users left on answers (`GET /feedback`)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.client import ApiError
from ui.format import escape_md
from ui.session import API_KEY, client


def show(entries: list[dict[str, Any]]) -> None:
    ups = sum(e["rating"] == "up" for e in entries)
    st.caption(f"{len(entries)} phản hồi gần nhất: {ups} 👍, {len(entries) - ups} 👎.")
    if not entries:
        st.info("Chưa có phản hồi nào.", icon=":material/inbox:")
    for e in entries:
        icon = "👍" if e["rating"] == "up" else "👎"
        with st.container(border=True):
            st.markdown(f"{icon} **{escape_md(e['question'])}**")
            if e.get("comment"):
                st.markdown(f"Góp ý: *{escape_md(e['comment'])}*")
            when = e["created_at"].replace("T", " ")[:16]
            st.caption(f"Lúc {when} (giờ UTC) — câu trả lời: {escape_md(e['answer'][:300])}")


# No st.stop() here: the key box is drawn after the page (ui/app.py).
st.title("Phản hồi của người dùng")
if not st.session_state.get(API_KEY):
    st.info("Nhập khoá API ở thanh bên (mục «Khoá API») để xem các phản hồi.", icon=":material/key:")
else:
    try:
        show(client().feedback())
    except ApiError as exc:
        st.error(exc.message, icon=":material/error:")
