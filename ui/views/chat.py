"""Questions page: a chat over the documents; follow-up questions carry the conversation as `history`."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.answer_view import VIEW_STATE, render_answer
from ui.client import ApiClient, ApiError
from ui.format import escape_md
from ui.session import client, load_documents
from ui.sidebar import PENDING, render_examples, render_filters

MESSAGES = "messages"  # [{role, content, response?, error?}]
HISTORY_TURNS = 10  # the API accepts 20 turns; the last few are all a follow-up needs
TURN_CHARS = 1000  # the API's limit for one history turn


def history(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Earlier turns as the API wants them; failed turns carry nothing worth remembering."""
    turns = [
        {"role": m["role"], "content": m["content"][:TURN_CHARS]} for m in messages if not m.get("error")
    ]
    return turns[-HISTORY_TURNS:]


def ask(
    api: ApiClient, question: str, filters: dict[str, Any], messages: list[dict[str, Any]]
) -> dict[str, Any]:
    try:
        response = api.ask(question, filters=filters, history=history(messages))
    except ApiError as exc:
        return {"role": "assistant", "content": "", "error": exc.message}
    return {"role": "assistant", "content": response.get("answer", ""), "response": response}


def show(message: dict[str, Any], turn: int, api: ApiClient) -> None:
    if message["role"] == "user":
        with st.chat_message("user", avatar=":material/person:"):
            st.markdown(escape_md(message["content"]))
        return
    with st.chat_message("assistant", avatar=":material/health_and_safety:"):
        if message.get("error"):
            st.error(message["error"], icon=":material/cloud_off:")
        else:
            render_answer(message["response"], turn, api)


def new_conversation() -> None:
    # Opened "Xem trong tài liệu" views are keyed by turn number, which starts again at 0.
    for key in (MESSAGES, *VIEW_STATE):
        st.session_state.pop(key, None)


def welcome(documents: list[dict[str, Any]], problem: str | None) -> None:
    st.markdown(
        "Đặt câu hỏi bằng tiếng Việt (có dấu hoặc không dấu) về kế hoạch, báo cáo y tế của các tỉnh. "
        "Mỗi câu trả lời ghi rõ nguồn **[1]**, **[2]**… — bấm vào từng nguồn để xem đúng mục, dòng trong văn bản. "
        "Có thể hỏi nối tiếp, ví dụ: *Còn năm 2023 thì sao?*"
    )
    if documents:
        provinces = ", ".join(sorted({d["province"] for d in documents if d.get("province")}))
        st.caption(f"Kho hiện có {len(documents)} tài liệu của các tỉnh: {provinces}.")
    elif problem is None:
        st.info("Kho chưa có tài liệu nào. Hãy thêm tài liệu ở trang «Tài liệu».", icon=":material/info:")
    st.markdown("**Thử một câu hỏi mẫu:**")
    render_examples(st, "example-main")


api = client()
documents, problem = load_documents(api)
filters = render_filters(documents)
if problem:
    st.sidebar.error(problem, icon=":material/cloud_off:")
with st.sidebar.expander("Câu hỏi mẫu", icon=":material/lightbulb:"):
    render_examples(st, "example-side")
if st.session_state.get(MESSAGES):
    st.sidebar.button(
        "Bắt đầu cuộc hỏi đáp mới", icon=":material/restart_alt:", width="stretch", on_click=new_conversation
    )

st.title("Hỏi đáp kế hoạch, báo cáo y tế")
messages: list[dict[str, Any]] = st.session_state.setdefault(MESSAGES, [])
typed = st.chat_input("Nhập câu hỏi, ví dụ: Số bác sĩ trên 10.000 dân của Bắc Giang năm 2024?")
question = (typed or st.session_state.pop(PENDING, None) or "").strip()
if not messages and not question:
    welcome(documents, problem)
for turn, message in enumerate(messages):
    show(message, turn, api)
if question:
    user = {"role": "user", "content": question}
    show(user, len(messages), api)
    with st.spinner("Đang tìm trong tài liệu…"):
        reply = ask(api, question, filters, messages)
    messages += [user, reply]
    show(reply, len(messages) - 1, api)
