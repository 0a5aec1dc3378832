"""One answer on screen: its scope (how the question was understood), the text with [n] links, the
figures (or, for a refusal, the nearest data that exists), the passages, and what to do with it (copy,
share, rate)."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from ui.citations_view import render_citations
from ui.client import ApiClient, ApiError
from ui.exports import answer_text
from ui.figures_view import render_figures, render_nearest
from ui.format import KIND_LABEL, answer_markdown_linked, escape_md
from ui.turns import Turn

NOT_FOUND = "Không tìm thấy thông tin trong tài liệu"
REASK = "reask"  # session state: a question to ask afresh (edited scope), set by a form, read by the chat
SHARE_PARAM = "tl"  # ?tl=<answer id>: a shared answer
ASK_PARAM = "hoi"  # ?hoi=<question>&tinh=&nam=: a question to ask on opening


# ---------------------------------------------------------------------- scope


def scope_markdown(turn: Turn) -> str:
    """ "Đã hiểu: «…» · Tỉnh … · Năm … · Loại …" from `understood` (or the plain `question`)."""
    response = turn.response or {}
    understood = response.get("understood") or {}
    parts = [f"**Đã hiểu câu hỏi:** «{escape_md(turn.understood_question)}»"]
    provinces = understood.get("provinces") or (
        [turn.filters["province"]] if turn.filters.get("province") else []
    )
    years = understood.get("years") or ([turn.filters["year"]] if turn.filters.get("year") else [])
    parts.append(f"**Tỉnh:** {escape_md(', '.join(provinces)) if provinces else 'tất cả'}")
    parts.append(f"**Năm:** {', '.join(map(str, years)) if years else 'không nêu'}")
    if understood.get("kind"):
        parts.append(f"**Loại số liệu:** {KIND_LABEL.get(understood['kind'], understood['kind'])}")
    if turn.filters.get("doc_ids"):
        parts.append("**Tài liệu:** theo bộ lọc")
    line = " · ".join(parts)
    extra = []
    if understood.get("follow_up"):
        extra.append(f"câu hỏi nối tiếp «{escape_md(turn.question)}» đã được ghép với câu hỏi trước")
    fixes = understood.get("corrections") or {}
    if fixes:
        extra.append(
            "đã sửa chính tả: " + ", ".join(f"{escape_md(a)} → {escape_md(b)}" for a, b in fixes.items())
        )
    if extra:
        line += "  \n*(" + "; ".join(extra) + ")*"
    return line


def _reask(question_key: str) -> None:
    question = (st.session_state.get(question_key) or "").strip()
    if question:
        st.session_state[REASK] = question


def render_scope(turn: Turn, index: int) -> None:
    understood = (turn.response or {}).get("understood") or {}
    with st.container(key=f"qa-scope-{index}"):
        left, right = st.columns([6, 1], vertical_alignment="top")
        left.markdown(scope_markdown(turn))
        with right.popover("Sửa", icon=":material/edit:", help="Sửa câu hỏi đã hiểu rồi hỏi lại"):
            key = f"edit-question-{index}"
            with st.form(f"edit-form-{index}", border=False):
                st.text_area(
                    "Câu hỏi (sửa tỉnh, năm, chỉ tiêu… rồi hỏi lại)", turn.understood_question, key=key
                )
                st.form_submit_button("Hỏi lại", on_click=_reask, args=(key,), icon=":material/send:")
        if understood.get("filter_note"):
            st.warning(understood["filter_note"], icon=":material/filter_alt:")


# ---------------------------------------------------------------------- answer


def render_answer(turn: Turn, index: int, api: ApiClient) -> None:
    response = turn.response or {}
    citations = response.get("citations") or []
    ids = {int(c["id"]) for c in citations}
    if turn.shared:
        st.info(
            "Câu trả lời được chia sẻ qua đường dẫn, đúng như lúc được đưa ra. Hỏi lại để có câu trả lời "
            "theo dữ liệu hiện nay.",
            icon=":material/link:",
        )
    render_scope(turn, index)
    refused = bool(response.get("abstained"))
    if refused:
        st.warning(f"**{NOT_FOUND}**", icon=":material/search_off:")
    st.markdown(answer_markdown_linked(str(response.get("answer", "")), index, ids), unsafe_allow_html=True)
    nearest = response.get("nearest") or []
    if refused and nearest:
        render_nearest(nearest, citations, index)
    figures = response.get("figures") or []
    if figures:
        render_figures(figures, citations, index)
    if citations:
        render_citations(citations, index, api, refused=refused)
    render_actions(turn, index, api)


# ---------------------------------------------------------------------- copy, share, rate


def share_url(turn: Turn) -> str:
    """A link that reopens this answer in any browser: its saved id, else the question and filters."""
    try:
        base = str(st.context.url or "").split("?")[0]
    except Exception:  # no browser behind the session (tests)
        base = ""
    if turn.answer_id:
        return f"{base}?{urlencode({SHARE_PARAM: turn.answer_id})}"
    params: dict[str, Any] = {ASK_PARAM: turn.understood_question}
    if turn.filters.get("province"):
        params["tinh"] = turn.filters["province"]
    if turn.filters.get("year"):
        params["nam"] = turn.filters["year"]
    return f"{base}?{urlencode(params)}"


def _rated(turn: Turn, index: int, api: ApiClient) -> None:
    rating = st.session_state.get(f"rate-{index}")
    if rating is None:
        return
    _send_feedback(turn, index, api, "up" if rating == 1 else "down", None)


def _send_feedback(turn: Turn, index: int, api: ApiClient, rating: str, comment: str | None) -> None:
    response = turn.response or {}
    body = {
        "rating": rating,
        "comment": comment,
        "question": turn.understood_question[:2000],
        "answer": str(response.get("answer", ""))[:8000],
        "answer_id": turn.answer_id,
        "filters": turn.filters,
    }
    try:
        api.send_feedback({k: v for k, v in body.items() if v is not None})
    except ApiError as exc:
        st.session_state[f"feedback-note-{index}"] = ("error", f"Chưa gửi được đánh giá: {exc.message}")
        return
    st.session_state[f"feedback-note-{index}"] = ("ok", "Cảm ơn! Đánh giá đã được gửi tới quản trị viên.")


def _comment(turn: Turn, index: int, api: ApiClient) -> None:
    text = (st.session_state.get(f"comment-{index}") or "").strip()
    rating = st.session_state.get(f"rate-{index}")
    if text:
        _send_feedback(turn, index, api, "up" if rating == 1 else "down", text)


def render_actions(turn: Turn, index: int, api: ApiClient) -> None:
    with st.container(horizontal=True, key=f"qa-actions-{index}", vertical_alignment="center"):
        text = answer_text(turn)
        st.html(
            f'<button type="button" class="qa-copy" data-text="{html.escape(text, quote=True)}" '
            f'aria-label="Sao chép câu trả lời kèm nguồn">Sao chép câu trả lời</button>'
        )
        with st.popover("Chia sẻ", icon=":material/share:"):
            st.markdown("Đường dẫn mở lại câu hỏi và câu trả lời này (gửi cho đồng nghiệp):")
            st.code(share_url(turn), language=None, wrap_lines=True)
        st.feedback("thumbs", key=f"rate-{index}", on_change=_rated, args=(turn, index, api))
    if st.session_state.get(f"rate-{index}") is not None:
        with st.form(f"comment-form-{index}", border=False):
            st.text_input(
                "Góp ý thêm (không bắt buộc)",
                key=f"comment-{index}",
                placeholder="Ví dụ: số liệu đúng nhưng là của năm 2023",
            )
            st.form_submit_button("Gửi góp ý", on_click=_comment, args=(turn, index, api))
    note = st.session_state.get(f"feedback-note-{index}")
    if note:
        kind, message = note
        (st.success if kind == "ok" else st.error)(message)
