"""One answer on screen: the text with its [n] markers, the figures (table, chart), the citations."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from ui.client import ApiClient, ApiError
from ui.format import (
    answer_markdown,
    bar_labels,
    citation_label,
    citation_location,
    comparable_figures,
    escape_md,
    figure_rows,
    line_range,
    numbered_lines_markdown,
    passage_markdown,
    quote_span,
)

NOT_FOUND = "Không tìm thấy thông tin trong tài liệu"
CONTEXT_LINES = 8  # lines shown around a citation in "Xem trong tài liệu"
_OPEN = "doc_views_open"  # session state: which citations show their place in the document
_WINDOWS = "doc_windows"  # session state: fetched windows, so a rerun does not fetch them again
VIEW_STATE = (_OPEN, _WINDOWS)


def render_answer(response: dict[str, Any], turn: int, api: ApiClient) -> None:
    citations = response.get("citations") or []
    if response.get("abstained"):
        st.warning(f"**{NOT_FOUND}**", icon=":material/search_off:")
        st.markdown(answer_markdown(response.get("answer", "")))
        if citations:
            st.caption("Các đoạn có thể liên quan (không đủ để trả lời):")
            for c in citations:
                render_citation(c, turn, api, expanded=False)
        return
    st.markdown(answer_markdown(response.get("answer", "")))
    figures = response.get("figures") or []
    if figures:
        render_figures(figures, citations, turn)
    if citations:
        st.caption("Trích dẫn — bấm để xem đoạn văn bản gốc:")
        for c in citations:
            render_citation(c, turn, api, expanded=c.get("id") == 1)


# ---------------------------------------------------------------------- figures


def render_figures(figures: list[dict[str, Any]], citations: list[dict[str, Any]], turn: int) -> None:
    st.markdown("**Số liệu tìm thấy**")
    rows = pd.DataFrame(figure_rows(figures, citations))
    if not any(rows["Tỉnh"]):
        rows = rows.drop(columns="Tỉnh")
    st.dataframe(rows, hide_index=True, key=f"figures-{turn}")
    compared = comparable_figures(figures)
    if compared:
        render_chart(compared)


def render_chart(figures: list[dict[str, Any]]) -> None:
    data = pd.DataFrame(
        {
            "Nhãn": bar_labels(figures),
            "Giá trị": [float(f["value"]) for f in figures],
            "Hiển thị": [str(f["value_text"]) for f in figures],
        }
    )
    unit = figures[0].get("unit") or ""
    y = alt.Y("Nhãn:N", sort=None, title=None, axis=alt.Axis(labelLimit=320, labelFontSize=13))
    # No value axis: its ticks would print "12.5" (decimal point); each bar carries "12,5" itself.
    x = alt.X("Giá trị:Q", title=unit, axis=alt.Axis(labels=False, ticks=False, grid=False, domain=False))
    bars = alt.Chart(data).mark_bar(cornerRadiusEnd=3, size=22).encode(x=x, y=y, tooltip=["Nhãn", "Hiển thị"])
    text = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, fontSize=13)
        .encode(x="Giá trị:Q", y=y, text="Hiển thị:N")
    )
    st.altair_chart((bars + text).properties(height=44 * len(figures) + 40), width="stretch")


# ---------------------------------------------------------------------- citations


def _toggle(key: str) -> None:
    opened: set[str] = st.session_state.setdefault(_OPEN, set())
    opened.symmetric_difference_update({key})


def render_citation(c: dict[str, Any], turn: int, api: ApiClient, *, expanded: bool) -> None:
    key = f"doc-{turn}-{c['id']}"
    with st.expander(citation_label(c), expanded=expanded, icon=":material/format_quote:"):
        if c.get("section"):
            st.markdown(f"**Mục:** {escape_md(c['section'])}")
        st.caption(citation_location(c))
        span = quote_span(c.get("text", ""), c.get("quote", ""))
        st.markdown(passage_markdown(c.get("text", ""), span))
        if span is None and c.get("quote"):
            st.caption(f"Câu được dùng: “{escape_md(c['quote'])}”")
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
        st.caption(
            escape_md(
                f"{doc.get('title') or doc.get('source')} — {doc.get('source')}, {shown}; "
                f"phần được trích dẫn ({line_range(first, last)}) được tô màu"
            )
        )
        st.markdown(numbered_lines_markdown(lines, first, last))
