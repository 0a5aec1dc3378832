"""«Chỉ tiêu» page: one standard health indicator across provinces and years.

Choose an indicator (by group, by name with or without accents, only those with values by default) → a
table of provinces × years with plan / estimate / actual / target (comparators kept), grouped by former
province or by current unit; a chart; each value one click from its source line (the document around it,
`GET /documents/{doc_id}?start=&end=`, as a citation of the chat shows it); and the table as Excel.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import streamlit as st

from ui.citations_view import render_document_window
from ui.client import ApiClient, ApiError
from ui.figures_view import chart_note, render_chart
from ui.format import escape_md, line_range
from ui.indicator_export import indicator_xlsx
from ui.indicator_table import IndicatorTable, Source, build_table, chart_bars, table_html
from ui.places import Places
from ui.session import client, load_places
from ui.sidebar import render_province_filter

CHOSEN = "chi_tieu"  # session-state key of the chosen indicator, also its URL parameter (?chi_tieu=<id>)
GROUP = "nhom_chi_tieu"
OPENED = "chi_tieu_opened"  # the first run of this session on this page has read the address
QUICK_PICKS = 3  # indicators offered as buttons on a first visit: those known for the most provinces


@st.cache_data(ttl=30, show_spinner=False)
def _indicators(base_url: str, api_key: str | None, q: str | None, with_values: bool) -> list[dict[str, Any]]:
    return ApiClient(base_url, api_key).indicators(q, with_values=with_values)


@st.cache_data(ttl=30, show_spinner=False)
def _values(
    base_url: str, api_key: str | None, indicator_id: str, province: str | None, group_by: str
) -> dict:
    return ApiClient(base_url, api_key).indicator_values(indicator_id, province=province, group_by=group_by)


def _choose(indicator_id: str) -> None:
    st.session_state[CHOSEN] = indicator_id


def pick_indicator(api: ApiClient) -> dict[str, Any] | None:
    """Search box, group and "with values" filters, then the indicator itself; returns the chosen one."""
    left, right = st.columns([3, 2])
    q = left.text_input(
        "Tìm chỉ tiêu",
        key="tim_chi_tieu",
        placeholder="ví dụ: giường bệnh, bác sĩ/vạn dân, tiem chung",
        help="Gõ có dấu hoặc không dấu, viết tắt hay cách viết trong văn bản đều được.",
    ).strip()
    with_values = st.checkbox("Chỉ các chỉ tiêu đã có số liệu trong tài liệu", value=True, key="co_so_lieu")
    try:
        found = _indicators(api.base_url, api.api_key, q or None, with_values)
    except ApiError as exc:
        st.error(exc.message, icon=":material/cloud_off:")
        return None
    groups = {i["group"]: i["group_name"] for i in found}
    group = right.selectbox(
        "Nhóm chỉ tiêu",
        list(groups),
        index=None,
        key=GROUP,
        placeholder="Tất cả các nhóm",
        format_func=lambda g: groups.get(g, g),
    )
    # Ordered by group (as the catalog lists them), then name: the list reads group by group.
    shown = [i for i in found if group is None or i["group"] == group]
    by_id = {i["id"]: i for i in shown}
    if st.session_state.get(CHOSEN) and st.session_state[CHOSEN] not in by_id:
        st.session_state[CHOSEN] = None  # narrowed away by the search or the group
    if not shown:
        st.info(
            "Không có chỉ tiêu nào khớp. Hãy bỏ bớt từ tìm kiếm hoặc chọn nhóm khác.",
            icon=":material/search_off:",
        )
        return None
    st.selectbox(
        f"Chỉ tiêu ({len(shown)} chỉ tiêu)",
        list(by_id),
        index=None,
        key=CHOSEN,
        placeholder="Chọn hoặc gõ tên một chỉ tiêu",
        format_func=lambda i: _option_label(by_id[i], group is None),
    )
    chosen = st.session_state.get(CHOSEN)
    # The address names the indicator shown, so a link or a reload opens the same table.
    if chosen:
        st.query_params[CHOSEN] = chosen
    else:
        st.query_params.pop(CHOSEN, None)
    if chosen is None:
        quick_picks(shown)
    return by_id.get(chosen) if chosen else None


def _option_label(ind: dict[str, Any], with_group: bool) -> str:
    count = f"{ind['values']} giá trị" if ind["values"] else "chưa có số liệu"
    group = f" · {ind['group_name'].split(',')[0]}" if with_group else ""
    return f"{ind['name']} — {count}{group}"


def quick_picks(shown: list[dict[str, Any]]) -> None:
    best = sorted(shown, key=lambda i: (-len(i["provinces"]), -i["values"], i["name"]))[:QUICK_PICKS]
    if not best or not best[0]["values"]:
        return
    st.markdown("**Hoặc xem nhanh một chỉ tiêu có số liệu của nhiều tỉnh:**")
    for ind in best:
        st.button(
            f"{ind['name']} ({len(ind['provinces'])} tỉnh)",
            key=f"quick-{ind['id']}",
            on_click=_choose,
            args=(ind["id"],),
            icon=":material/table_chart:",
        )


def describe(ind: dict[str, Any]) -> None:
    better = {True: "càng cao càng tốt", False: "càng thấp càng tốt"}.get(ind.get("higher_is_better"), "")
    parts = [f"**Nhóm:** {escape_md(ind['group_name'])}", f"**Đơn vị chuẩn:** {escape_md(ind['unit'])}"]
    if better:
        parts.append(f"**Chiều tốt:** {better}")
    st.markdown(" · ".join(parts))


def render_sources(table: IndicatorTable, api: ApiClient) -> None:
    st.subheader("Nguồn của từng giá trị")
    st.caption("Bấm vào một giá trị trong bảng để mở dòng nguồn của nó, hoặc mở từng nguồn dưới đây.")
    for source in table.sources:
        render_source(source, api)


def render_source(source: Source, api: ApiClient) -> None:
    place = f" — {source.place}" if source.place else ""
    label = escape_md(f"[{source.n}] {source.title}{place} · {line_range(source.line, source.line)}")
    # Fetched only once opened (a click on its value opens it): an indicator may have many sources.
    box = st.expander(label, key=source.key, icon=":material/format_quote:", on_change="rerun")
    with box:
        if source.section:
            st.markdown(f"**Mục:** {escape_md(source.section)}")
        if source.column:
            st.caption(escape_md(f"Cột của bảng: {source.column}"))
        if box.open:
            c = {"doc_id": source.doc_id, "start_line": source.line, "end_line": source.line}
            render_document_window(c, f"window-{source.doc_id}-{source.line}", api)
        else:
            st.caption(escape_md(f"“{source.quote}”"))


def render_table(ind: dict[str, Any], table: IndicatorTable, places: Places, province: str | None) -> None:
    scope = f" — {places.label(province).strip()}" if province else ""
    caption = f"{ind['name']}{scope} (đơn vị: {ind['unit']}); bấm vào một giá trị để xem dòng nguồn"
    with st.container(key="qa-indicator-table"):
        st.html(table_html(table, places, caption, ind["unit"]))
    values = [r.first for row in table.rows for cell in row.cells.values() for r in cell]
    notes = []
    if any(v.get("comparator") for v in values):
        notes.append("Giá trị có dấu >, ≥, <, ≤ là ngưỡng đặt ra, không phải số đo được.")
    if any(v.get("kind") == "estimate" for v in values):
        notes.append("Số ước thực hiện là số tạm tính trước khi hết năm, chưa phải số chính thức.")
    notes.append(
        "Số liệu chỉ của một phần tỉnh (một tuyến, một huyện, 6 tháng đầu năm) không được đưa vào bảng."
    )
    st.caption(" ".join(notes))


def render_indicator_chart(ind: dict[str, Any], table: IndicatorTable, places: Places) -> None:
    figures, labels, left_out = chart_bars(table, places)
    if not figures:
        return
    st.subheader("Biểu đồ")
    with st.container(key="qa-indicator-chart"):
        render_chart(figures, labels, unit=ind["unit"])
    if left_out:
        st.caption(f"{left_out} giá trị ghi theo đơn vị khác (xem bảng) không được vẽ trên biểu đồ.")
    if not chart_note(figures) and len({f.get("kind") for f in figures}) == 1:
        st.caption(f"Mọi cột đều là số {figures[0].get('kind_label') or 'cùng loại'}.")


api = client()
if not st.session_state.get(OPENED):
    st.session_state[OPENED] = True
    if st.query_params.get(CHOSEN):
        st.session_state[CHOSEN] = str(st.query_params[CHOSEN])
places = load_places(api)
province = render_province_filter(places)
st.title("Chỉ tiêu")
st.markdown(
    "Một chỉ tiêu y tế chuẩn (danh mục theo Thông tư 20/2019/TT-BYT) qua các tỉnh và các năm: số kế hoạch, "
    "ước thực hiện, thực hiện và mục tiêu, mỗi số dẫn tới đúng dòng trong tài liệu."
)
indicator = pick_indicator(api)
if indicator is not None:
    describe(indicator)
    current = st.toggle(
        "Nhóm theo đơn vị hành chính hiện nay",
        key="nhom_hien_nay",
        help="Bật: các tỉnh cũ nằm dưới tỉnh, thành phố hiện nay (sau sáp nhập 01/7/2025) mà chúng thuộc về. "
        "Tắt: mỗi tỉnh như tài liệu ghi.",
    )
    group_by = "current" if current else "former"
    try:
        data = _values(api.base_url, api.api_key, indicator["id"], province, group_by)
    except ApiError as exc:
        st.error(exc.message, icon=":material/cloud_off:")
        data = None
    values = (data or {}).get("values") or []
    if data is not None and not values:
        where = f" của {places.label(province).strip()}" if province else ""
        st.info(f"Kho tài liệu chưa có số liệu nào{where} cho chỉ tiêu này.", icon=":material/info:")
    if values:
        table = build_table(values, places, group_by, indicator["id"])
        render_table(indicator, table, places, province)
        st.download_button(
            "Tải bảng về (Excel, kèm nguồn từng giá trị)",
            indicator_xlsx(indicator, table, places),
            file_name=f"chi-tieu-{indicator['id']}-{datetime.now().strftime('%Y%m%d-%H%M')}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/table_view:",
            key="export-indicator",
            on_click="ignore",
        )
        render_indicator_chart(indicator, table, places)
        render_sources(table, api)
