"""The passages under an answer: "Trích dẫn" for the ones its text cites ([n]), "Đoạn liên quan" for the
rest, each with its document title, place, highlighted quote, table header, and the document around it."""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from ui.client import ApiClient, ApiError
from ui.format import (
    citation_key,
    citation_label,
    citation_location,
    document_title,
    escape_md,
    line_range,
    numbered_lines_markdown,
    passage_markdown,
    preview,
    quote_span,
)

CONTEXT_LINES = 8  # lines shown around a citation in "Xem trong tài liệu"
_OPEN = "doc_views_open"  # session state: which citations show their place in the document
_WINDOWS = "doc_windows"  # session state: fetched windows, so a rerun does not fetch them again
VIEW_STATE = (_OPEN, _WINDOWS)


def split_used(citations: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    used = [c for c in citations if c.get("used", True)]
    return used, [c for c in citations if not c.get("used", True)]


def render_citations(citations: list[dict[str, Any]], turn: int, api: ApiClient, *, refused: bool) -> None:
    used, related = split_used(citations)
    if used:
        st.markdown("**Trích dẫn** — đoạn văn bản mà câu trả lời dựa vào (bấm số [n] để mở):")
        for c in used:
            render_citation(c, turn, api, expanded=c is used[0])
    if related:
        title = "Các đoạn có thể liên quan" if refused else "Đoạn liên quan"
        note = " (không đủ để trả lời)" if refused else " (câu trả lời không dùng tới)"
        st.markdown(f"**{title}**{note}:")
        for c in related:
            # A refusal's best passage is opened: it often holds the same indicator for another year.
            render_citation(c, turn, api, expanded=refused and c is related[0], related=True)


def header_table(header: str, row_text: str) -> str | None:
    """A cited table row under its column headers, so "12,2" reads as "Ước TH năm 2023"."""
    names = [h.strip() for h in header.split(" | ")]
    cells = [c.strip() for c in row_text.split("\t") if c.strip()]
    if len(names) != len(cells):
        return None
    head = "".join(f'<th scope="col">{html.escape(n)}</th>' for n in names)
    row = "".join(
        f'<td data-label="{html.escape(n)}">{html.escape(c)}</td>' for n, c in zip(names, cells, strict=True)
    )
    return (
        '<table class="qa-figures"><caption>Dòng bảng được trích, với tiêu đề cột</caption>'
        f"<thead><tr>{head}</tr></thead><tbody><tr>{row}</tr></tbody></table>"
    )


def _toggle(key: str) -> None:
    opened: set[str] = st.session_state.setdefault(_OPEN, set())
    opened.symmetric_difference_update({key})


def render_citation(
    c: dict[str, Any], turn: int, api: ApiClient, *, expanded: bool, related: bool = False
) -> None:
    label = citation_label(c)
    if related:
        label += f" — {escape_md(preview(c.get('quote') or c.get('text', ''), 90))}"
    with st.expander(
        label, expanded=expanded, icon=":material/format_quote:", key=citation_key(turn, int(c["id"]))
    ):
        if c.get("section"):
            st.markdown(f"**Mục:** {escape_md(c['section'])}")
        st.caption(citation_location(c))
        table = header_table(c["header"], c.get("text", "")) if c.get("header") else None
        if table:
            st.html(table)
        elif c.get("header"):
            st.caption(f"Tiêu đề cột của bảng: {escape_md(c['header'])}")
        span = quote_span(c.get("text", ""), c.get("quote", ""))
        if not table:
            st.markdown(passage_markdown(c.get("text", ""), span))
        if span is None and c.get("quote"):
            st.caption(f"Câu được dùng: “{escape_md(c['quote'])}”")
        key = f"doc-{turn}-{c['id']}"
        is_open = key in st.session_state.get(_OPEN, set())
        st.button(
            "Ẩn văn bản gốc" if is_open else "Xem trong tài liệu",
            key=key,
            on_click=_toggle,
            args=(key,),
            icon=":material/unfold_less:" if is_open else ":material/article:",
        )
        if is_open:
            render_document_window(c, key, api)


def render_document_window(c: dict[str, Any], key: str, api: ApiClient) -> None:
    first, last = int(c["start_line"]), int(c["end_line"])
    start, end = max(1, first - CONTEXT_LINES), last + CONTEXT_LINES
    windows: dict[str, Any] = st.session_state.setdefault(_WINDOWS, {})
    if key not in windows:
        try:
            windows[key] = api.document(c["doc_id"], start=start, end=end)
        except ApiError as exc:
            st.error(f"Không mở được tài liệu: {exc.message}", icon=":material/error:")
            return
    doc = windows[key]
    lines = doc.get("lines") or []
    with st.container(border=True):
        shown = line_range(lines[0]["n"], lines[-1]["n"]) if lines else "không có dòng nào"
        page = f", trang {c['page']}" if c.get("page") else ""
        st.caption(
            escape_md(
                f"{document_title(doc)}{page} — {shown}; phần được trích dẫn ({line_range(first, last)}) "
                "được tô màu"
            )
        )
        st.markdown(numbered_lines_markdown(lines, first, last))
