"""Sidebar: the province filter every page shares, the questions page's other filters (fed by
`GET /documents`) and example questions."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.places import Places

EXAMPLES = (
    "Năm 2024 Bắc Giang đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?",
    "Số ca nhiễm HIV mới phát hiện năm 2023 ở Hậu Giang?",
    "Số giường bệnh trên 10.000 dân năm 2023: Hậu Giang hay Bắc Giang cao hơn?",
    "Quyết định nào phê duyệt Chiến lược quốc gia bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân đến 2030?",
    "Khó khăn về nhân lực của ngành y tế Hà Nam năm 2021 là gì?",
)
PENDING = "pending_question"  # an example clicked: asked on this run as if typed


def ask_example(question: str) -> None:
    st.session_state[PENDING] = question


def render_examples(where: Any, key_prefix: str) -> None:
    for i, question in enumerate(EXAMPLES):
        where.button(
            question,
            key=f"{key_prefix}-{i}",
            on_click=ask_example,
            args=(question,),
            icon=":material/help:",
            width="stretch",
        )


def _doc_label(doc: dict[str, Any]) -> str:
    title = doc.get("title") or doc.get("source") or doc["doc_id"]
    title = title if len(title) <= 70 else title[:69] + "…"
    return f"{title} ({doc['province']})" if doc.get("province") else title


PROVINCE_FILTER = "filter_province"  # session-state key, shared by the pages (and set by ?tinh= links)


def render_province_filter(places: Places) -> str | None:
    """The province filter: each current unit (with documents) and, under it, its former provinces.

    Returns the `filters.province` value: a current unit covers all its former provinces' documents."""
    values = [o.value for o in places.options]
    chosen = st.session_state.get(PROVINCE_FILTER)
    if chosen is not None and chosen not in values:
        # A link or an older session named a province the list does not hold (yet): keep it as a choice.
        values.append(chosen)
    # No selection (placeholder) means "all"; the box's clear button brings the filter back to "all".
    return st.sidebar.selectbox(
        "Tỉnh",
        values,
        index=None,
        key=PROVINCE_FILTER,
        placeholder="Tất cả các tỉnh",
        format_func=places.label,
        help="Tỉnh, thành phố hiện nay (sau sáp nhập 01/7/2025) và, thụt vào bên dưới, các tỉnh cũ đã sáp nhập "
        "vào đó. Chọn đơn vị hiện nay để tìm trong tài liệu của mọi tỉnh cũ thuộc đơn vị đó; chọn một tỉnh cũ "
        "để chỉ tìm trong tài liệu của tỉnh đó.",
        persist_state="session",
    )


def render_filters(documents: list[dict[str, Any]], places: Places) -> dict[str, Any]:
    """Province, year and document pickers; returns the `filters` object of `POST /ask`."""
    sb = st.sidebar
    sb.subheader("Phạm vi tìm kiếm")
    province = render_province_filter(places)
    years = sorted({y for d in documents for y in d.get("years") or []}, reverse=True)
    year = sb.selectbox(
        "Năm",
        years,
        index=None,
        key="filter_year",
        placeholder="Tất cả các năm",
        help="Chỉ tìm trong các tài liệu có đề cập năm này.",
    )
    shown = [d for d in documents if places.covers(province, d.get("province"))]
    labels = {d["doc_id"]: _doc_label(d) for d in shown}
    doc_id = sb.selectbox(
        "Tài liệu",
        list(labels),
        index=None,
        key="filter_doc",
        placeholder="Tất cả tài liệu",
        format_func=lambda d: labels.get(d, d),
    )
    filters: dict[str, Any] = {}
    if province:
        filters["province"] = province
    if year:
        filters["year"] = year
    if doc_id:
        filters["doc_ids"] = [doc_id]
    return filters
