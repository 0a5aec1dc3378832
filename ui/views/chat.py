"""Questions page: a chat over the documents.

A question is asked on a worker thread while the page shows the time waited and a «Dừng» button; the
API's answer is saved on the server (history, share links). A failed or stopped turn stays on screen with
«Thử lại» but is never context for a follow-up. A share link (`?tl=<answer id>`) reopens one answer, a
`?hoi=…&tinh=…&nam=…` link asks a question; otherwise the browser's last conversation comes back.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any

import streamlit as st

from ui.answer_view import ASK_PARAM, REASK, SHARE_PARAM, render_answer
from ui.citations_view import VIEW_STATE
from ui.client import ApiClient, ApiError
from ui.exports import conversation_docx, figures_xlsx
from ui.format import escape_md
from ui.page import CONVERSATION, browser_id, new_id, remembered_conversation
from ui.session import API_KEY, client, load_documents
from ui.sidebar import PENDING, render_examples, render_filters
from ui.turns import Turn, history, turn_from_saved

TURNS = "turns"  # [Turn]
IN_FLIGHT = "in_flight"  # the Turn being asked (not yet in TURNS)
STOP = "stop_requested"
RETRY = "retry_turn"  # index of a failed turn to ask again
_PAST = "past_conversations"  # (when fetched, what): the sidebar's history list
STARTED = "chat_started"  # the first run of this session has opened the URL / restored the history
POLL_SECONDS = 0.2  # how often the wait redraws its timer: also how fast «Dừng» takes effect
STOPPED = "Đã dừng theo yêu cầu: câu hỏi chưa được trả lời."
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="qa-ask")


# ---------------------------------------------------------------------- state


def turns() -> list[Turn]:
    return st.session_state.setdefault(TURNS, [])


def conversation_id() -> str:
    if not st.session_state.get(CONVERSATION):
        st.session_state[CONVERSATION] = new_id()
    return str(st.session_state[CONVERSATION])


def new_conversation() -> None:
    for key in (TURNS, IN_FLIGHT, STOP, *VIEW_STATE):
        st.session_state.pop(key, None)
    st.session_state[CONVERSATION] = new_id()


def _stop() -> None:
    st.session_state[STOP] = True


def _retry(index: int) -> None:
    st.session_state[RETRY] = index


def _drop(index: int) -> None:
    if 0 <= index < len(turns()):
        turns().pop(index)


# ---------------------------------------------------------------------- opening: link or history


def open_from_url(api: ApiClient) -> bool:
    """A share link: the saved answer; an ask link: its question and filters. True when the URL had one."""
    params = st.query_params
    if params.get(SHARE_PARAM):
        try:
            saved = api.answer(str(params[SHARE_PARAM]))
        except ApiError as exc:
            st.session_state["open_error"] = f"Không mở được câu trả lời được chia sẻ: {exc.message}"
            return True
        turns().append(turn_from_saved(saved, shared=True))
        return True
    if params.get(ASK_PARAM):
        if params.get("tinh"):
            st.session_state["filter_province"] = str(params["tinh"])
        if str(params.get("nam", "")).isdigit():
            st.session_state["filter_year"] = int(params["nam"])
        st.session_state[PENDING] = str(params[ASK_PARAM])
        return True
    return False


def restore_history(api: ApiClient) -> None:
    """The conversation this browser (or key holder) had on screen, after a reload or a new visit."""
    owner = browser_id()
    try:
        wanted = remembered_conversation()
        if wanted is None:
            recent = api.conversations(owner)
            wanted = recent[0]["conversation_id"] if recent else None
        if wanted is None:
            return
        saved = api.conversation(owner, wanted)
    except ApiError:
        return  # nothing saved (404) or no server: start empty, the page says why elsewhere
    st.session_state[CONVERSATION] = wanted
    turns().extend(turn_from_saved(t) for t in saved.get("turns") or [])


def open_conversation(api: ApiClient, wanted: str) -> None:
    try:
        saved = api.conversation(browser_id(), wanted)
    except ApiError as exc:
        st.session_state["open_error"] = f"Không mở được cuộc hỏi đáp: {exc.message}"
        return
    new_conversation()
    st.session_state[CONVERSATION] = wanted
    turns().extend(turn_from_saved(t) for t in saved.get("turns") or [])


# ---------------------------------------------------------------------- asking


def ask_api(api: ApiClient, turn: Turn, conversation: dict[str, str]) -> Turn:
    try:
        response = api.ask(
            turn.question, filters=turn.filters, history=turn.history, conversation=conversation
        )
    except ApiError as exc:
        turn.error, turn.retryable = exc.message, exc.retryable
        return turn
    turn.response, turn.error = response, None
    return turn


def wait_for_answer(api: ApiClient, turn: Turn) -> None:
    """Ask on a worker thread; redraw a timer (which is where a click on «Dừng» interrupts this run)."""
    st.session_state[IN_FLIGHT] = turn
    st.session_state.pop(STOP, None)
    with st.chat_message("user", avatar=":material/person:"):
        st.markdown(escape_md(turn.question))
    with st.chat_message("assistant", avatar=":material/health_and_safety:"):
        st.button(
            "Dừng", key="stop", on_click=_stop, icon=":material/stop_circle:", help="Dừng chờ câu trả lời"
        )
        timer = st.empty()
        conversation = {"owner": browser_id(), "id": conversation_id()}
        future: Future[Turn] = _POOL.submit(ask_api, api, Turn(**_fields(turn)), conversation)
        started = time.monotonic()
        while not future.done():
            timer.caption(f"Đang tìm trong tài liệu… {time.monotonic() - started:.0f} giây")
            time.sleep(POLL_SECONDS)
    st.session_state.pop(IN_FLIGHT, None)
    turns().append(future.result())
    st.rerun()


def _fields(turn: Turn) -> dict[str, Any]:
    return {f: getattr(turn, f) for f in ("question", "filters", "history")}


def next_question(filters: dict[str, Any], typed: str | None) -> Turn | None:
    """What to ask on this run: a typed or example question, an edited scope, a retry, or the question
    whose wait was interrupted by something other than «Dừng» (asked again)."""
    in_flight: Turn | None = st.session_state.pop(IN_FLIGHT, None)
    if in_flight is not None and (st.session_state.pop(STOP, False) or typed):
        in_flight.error, in_flight.retryable = STOPPED, True
        turns().append(in_flight)
        in_flight = None
    if typed or st.session_state.get(PENDING):
        question = (typed or st.session_state.pop(PENDING, "")).strip()
        return Turn(question, dict(filters), history(turns())) if question else None
    if st.session_state.get(REASK):
        return Turn(str(st.session_state.pop(REASK)), dict(filters), [])  # understood already: no context
    retry = st.session_state.pop(RETRY, None)
    if retry is not None and 0 <= retry < len(turns()):
        failed = turns().pop(retry)
        # The same question with the context it had: the answered turns before it.
        return Turn(failed.question, failed.filters, history(turns()[:retry]))
    return in_flight


# ---------------------------------------------------------------------- drawing


def show(turn: Turn, index: int, api: ApiClient) -> None:
    with st.chat_message("user", avatar=":material/person:"):
        st.markdown(escape_md(turn.question))
    with st.chat_message("assistant", avatar=":material/health_and_safety:"):
        if turn.error:
            st.error(turn.error, icon=":material/cloud_off:")
            st.caption("Lượt này không được dùng làm ngữ cảnh cho câu hỏi nối tiếp.")
            with st.container(horizontal=True):
                st.button(
                    "Thử lại", key=f"retry-{index}", on_click=_retry, args=(index,), icon=":material/refresh:"
                )
                st.button(
                    "Bỏ lượt này", key=f"drop-{index}", on_click=_drop, args=(index,), icon=":material/close:"
                )
        else:
            render_answer(turn, index, api)


def past_conversations(api: ApiClient, turn_count: int) -> tuple[list[dict[str, Any]], str | None]:
    """The saved conversations, fetched again only when they can have changed (a new answer, another
    conversation or key): a hanging server then delays one run, not every click."""
    stamp = (browser_id(), st.session_state.get(CONVERSATION), turn_count, st.session_state.get(API_KEY))
    cached = st.session_state.get(_PAST)
    if cached and cached[0] == stamp:
        return cached[1], None
    try:
        past = api.conversations(browser_id())
    except ApiError as exc:
        return [], exc.message
    st.session_state[_PAST] = (stamp, past)
    return past, None


def welcome(documents: list[dict[str, Any]], problem: str | None) -> None:
    st.markdown(
        "Đặt câu hỏi bằng tiếng Việt (có dấu hoặc không dấu) về kế hoạch, báo cáo y tế của các tỉnh. "
        "Mỗi câu trả lời cho biết câu hỏi đã được hiểu thế nào và ghi rõ nguồn **[1]**, **[2]**… — bấm vào "
        "từng số để xem đúng đoạn văn bản. Có thể hỏi nối tiếp, ví dụ: *Còn năm 2023 thì sao?*"
    )
    if documents:
        provinces = ", ".join(sorted({d["province"] for d in documents if d.get("province")}))
        st.caption(f"Kho hiện có {len(documents)} tài liệu của các tỉnh: {provinces}.")
    elif problem is None:
        st.info("Kho chưa có tài liệu nào. Hãy thêm tài liệu ở trang «Tài liệu».", icon=":material/info:")
    st.markdown("**Thử một câu hỏi mẫu:**")
    render_examples(st, "example-main")


def sidebar(api: ApiClient, shown: list[Turn]) -> None:
    sb = st.sidebar
    if shown:
        sb.button(
            "Bắt đầu cuộc hỏi đáp mới",
            icon=":material/restart_alt:",
            width="stretch",
            on_click=new_conversation,
        )
    answered = [t for t in shown if t.ok]
    if answered:
        with sb.expander("Tải về, in", icon=":material/download:", expanded=False):
            stamp = datetime.now().strftime("%Y%m%d-%H%M")
            st.download_button(
                "Cuộc hỏi đáp (Word)",
                conversation_docx(answered),
                file_name=f"hoi-dap-y-te-{stamp}.docx",
                mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                icon=":material/description:",
                key="export-docx",
                on_click="ignore",
                width="stretch",
            )
            st.download_button(
                "Số liệu (Excel)",
                figures_xlsx(answered),
                file_name=f"so-lieu-y-te-{stamp}.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                icon=":material/table_view:",
                key="export-xlsx",
                on_click="ignore",
                width="stretch",
            )
            st.html('<button type="button" class="qa-print">In / lưu PDF</button>')
    with sb.expander("Lịch sử hỏi đáp", icon=":material/history:"):
        past, problem = past_conversations(api, len(shown))
        if problem:
            st.caption(f"Chưa xem được lịch sử: {problem}")
        if not past:
            st.caption("Chưa có cuộc hỏi đáp nào được lưu trên trình duyệt này.")
        for c in past[:10]:
            title = c["title"] if len(c["title"]) <= 60 else c["title"][:59] + "…"
            current = c["conversation_id"] == st.session_state.get(CONVERSATION)
            st.button(
                f"{title} ({c['turns']} câu)" + (" — đang xem" if current else ""),
                key=f"history-{c['conversation_id']}",
                on_click=open_conversation,
                args=(api, c["conversation_id"]),
                disabled=current,
                width="stretch",
            )
    with sb.expander("Câu hỏi mẫu", icon=":material/lightbulb:"):
        render_examples(st, "example-side")


api = client()
if not st.session_state.get(STARTED):
    st.session_state[STARTED] = True
    if not open_from_url(api):
        restore_history(api)
documents, problem = load_documents(api)
filters = render_filters(documents)
if problem:
    st.sidebar.error(problem, icon=":material/cloud_off:")

st.title("Hỏi đáp kế hoạch, báo cáo y tế")
if st.session_state.get("open_error"):
    st.error(st.session_state.pop("open_error"), icon=":material/link_off:")
typed = st.chat_input("Nhập câu hỏi, ví dụ: Số bác sĩ trên 10.000 dân của Bắc Giang năm 2024?")
asking = next_question(filters, (typed or "").strip() or None)
shown = turns()
sidebar(api, shown)
if not shown and asking is None:
    welcome(documents, problem)
for index, turn in enumerate(shown):
    show(turn, index, api)
if asking is not None:
    wait_for_answer(api, asking)
