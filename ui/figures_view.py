"""The figures of an answer: a table (plain HTML, so it prints, reads aloud and fits a phone) and a chart
that keeps comparators ("> 95") and says when it puts different kinds of figures side by side."""

from __future__ import annotations

import html
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from ui.format import bar_labels, cite_link, comparable_figures, figure_rows, figure_value, kind_label

KIND_ORDER = ["kế hoạch", "mục tiêu", "ước thực hiện", "thực hiện"]
BAR_HEIGHT = 44  # px per bar: the label (two lines on a phone) and the bar both fit


def figures_html(
    figures: list[dict[str, Any]], citations: list[dict[str, Any]], turn: int, caption: str
) -> str:
    """A table of the figures; each cited one links to its passage ([n])."""
    rows = figure_rows(figures, citations)
    columns = ["Chỉ tiêu", "Giá trị", "Đơn vị", "Năm", "Loại", "Tỉnh", "Nguồn"]
    if not any(r["Tỉnh"] for r in rows):
        columns.remove("Tỉnh")
    cited_ids = {c["id"] for c in citations}
    head = "".join(f'<th scope="col">{name}</th>' for name in columns)
    body = []
    for f, row in zip(figures, rows, strict=True):
        cells = []
        for name in columns:
            value = html.escape(row[name])
            if name == "Nguồn" and f.get("citation") in cited_ids:
                where = f", dòng {f['line']}" if f.get("line") else ""
                value = cite_link(turn, int(f["citation"])) + html.escape(where)
            css = ' class="qa-num"' if name in ("Giá trị", "Năm") else ""
            # One child per cell: on a phone the cell is a two-column grid (its label, then this).
            cells.append(f'<td data-label="{name}"{css}><span>{value}</span></td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="qa-figures"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def render_figures(figures: list[dict[str, Any]], citations: list[dict[str, Any]], turn: int) -> None:
    st.html(figures_html(figures, citations, turn, "Số liệu tìm thấy"))
    compared = comparable_figures(figures)
    if compared:
        render_chart(compared)


def chart_note(figures: list[dict[str, Any]]) -> str | None:
    """Say what the chart mixes: an estimate beside an actual or a plan is not the same kind of number."""
    kinds = {kind_label(f) for f in figures if kind_label(f)}
    notes = []
    if "ước thực hiện" in kinds and kinds - {"ước thực hiện"}:
        others = ", ".join(sorted(kinds - {"ước thực hiện"}))
        notes.append(f"biểu đồ đặt số ước thực hiện (chưa phải số chính thức) cạnh số {others}")
    elif len(kinds) > 1:
        notes.append("biểu đồ đặt cạnh nhau các loại số khác nhau: " + ", ".join(sorted(kinds)))
    if any(f.get("comparator") for f in figures):
        notes.append("giá trị có dấu >, ≥, <, ≤ là ngưỡng: thanh nhạt chỉ vẽ tới ngưỡng")
    return ("Lưu ý: " + "; ".join(notes) + ".") if notes else None


def chart_data(figures: list[dict[str, Any]]) -> pd.DataFrame:
    """One bar per figure; its label carries the value as written, with its comparator."""
    labels = bar_labels(figures)
    return pd.DataFrame(
        {
            "Nhãn": [f"{label}: {figure_value(f)}" for label, f in zip(labels, figures, strict=True)],
            "Giá trị": [float(f["value"]) for f in figures],
            "Hiển thị": [figure_value(f) for f in figures],
            "Loại": [kind_label(f) or "không rõ" for f in figures],
            "Ngưỡng": ["ngưỡng" if f.get("comparator") else "giá trị" for f in figures],
        }
    )


def render_chart(figures: list[dict[str, Any]]) -> None:
    data = chart_data(figures)
    unit = figures[0].get("unit") or ""
    # The numbers live in the axis labels, which Streamlit's theme colours for light and dark modes alike
    # (a text mark would be drawn black on the dark background). No value axis: its ticks would print
    # "12.5" with a decimal point.
    # Vega writes English descriptions of axes and legends for screen readers: off, and one Vietnamese
    # description of the whole chart instead.
    y = alt.Y("Nhãn:N", sort=None, title=None, axis=alt.Axis(labelLimit=360, labelFontSize=13, aria=False))
    x = alt.X(
        "Giá trị:Q",
        title=unit,
        axis=alt.Axis(labels=False, ticks=False, grid=False, domain=False, aria=False),
    )
    kinds = [k for k in KIND_ORDER if k in set(data["Loại"])] + sorted(set(data["Loại"]) - set(KIND_ORDER))
    color = alt.Color(
        "Loại:N",
        scale=alt.Scale(domain=kinds),
        legend=alt.Legend(title="Loại số liệu", aria=False),
    )
    opacity = alt.Opacity(
        "Ngưỡng:N", scale=alt.Scale(domain=["giá trị", "ngưỡng"], range=[1.0, 0.45]), legend=None
    )
    bars = (
        alt.Chart(data)
        .mark_bar(cornerRadiusEnd=3, size=22, aria=False)
        .encode(x=x, y=y, color=color, opacity=opacity, tooltip=["Nhãn", "Hiển thị", "Loại"])
    )
    described = "Biểu đồ so sánh: " + "; ".join(data["Nhãn"])
    st.altair_chart(
        bars.properties(height=BAR_HEIGHT * len(figures) + 60, description=described), width="stretch"
    )
    note = chart_note(figures)
    if note:
        st.caption(note)


def render_nearest(nearest: list[dict[str, Any]], citations: list[dict[str, Any]], turn: int) -> None:
    """Figures that exist for the same indicator, another year or province: shown, never as the answer."""
    with st.container(border=True, key=f"qa-nearest-{turn}"):
        st.markdown(
            "**Số liệu gần nhất hiện có** — *không phải* năm hoặc tỉnh được hỏi; chỉ để tham khảo:",
        )
        st.html(figures_html(nearest, citations, turn, "Số liệu gần nhất (không phải điều được hỏi)"))
