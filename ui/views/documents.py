"""Documents page: what the answers draw on; add a file or remove one (both need the API key)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui.client import ApiClient, ApiError
from ui.jobs import wait_for_job
from ui.places import Places
from ui.session import API_KEY, client, flash, forget_documents, load_documents, load_places, show_flash
from ui.sidebar import render_province_filter

# What the API reads (qa/ingest/formats: FORMATS); the UI speaks only HTTP, so the list is repeated here.
FILE_TYPES = ["txt", "md", "pdf", "docx", "doc", "odt", "html", "htm", "xlsx", "xls", "csv"]
UPLOADS = "uploader_round"  # bumped after an upload so the picker starts empty again
CONFIRM = "confirm_delete"  # doc_id waiting for "Xác nhận xoá"


def documents_table(documents: list[dict[str, Any]], places: Places) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Tiêu đề": d.get("title") or d.get("source"),
                "Tỉnh": places.place(d.get("province"), d.get("current_province")),
                "Loại": d.get("kind") or "",
                "Số hiệu": d.get("number") or "",
                "Năm đề cập": ", ".join(str(y) for y in d.get("years") or []),
                "Số đoạn": d.get("chunks", 0),
                "Tệp": d.get("source", ""),
            }
            for d in documents
        ]
    )


def upload(api: ApiClient, name: str, content: bytes, mime: str | None, meta: dict[str, str]) -> None:
    with st.status(f"Đang tải lên «{name}»…", expanded=True) as box:
        try:
            accepted = api.upload(name, content, mime, meta)
        except ApiError as exc:
            box.update(label="Không tải lên được", state="error")
            st.error(exc.message, icon=":material/error:")
            return
        st.write(f"Đã nhận tệp (lưu với tên «{accepted['source']}»). Đang lập chỉ mục…")
        job = wait_for_job(api, accepted["job_id"], box)
    if job and job.get("status") == "done":
        st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
        forget_documents()
        flash("success", f"Đã thêm «{accepted['source']}» vào kho tài liệu. {job.get('detail', '')}")
        st.rerun()


def delete(api: ApiClient, doc: dict[str, Any]) -> None:
    name = doc.get("title") or doc.get("source")
    with st.status(f"Đang xoá «{name}»…", expanded=True) as box:
        try:
            accepted = api.delete(doc["doc_id"])
        except ApiError as exc:
            box.update(label="Không xoá được", state="error")
            st.error(exc.message, icon=":material/error:")
            return
        job = wait_for_job(api, accepted["job_id"], box)
    if job and job.get("status") == "done":
        st.session_state.pop(CONFIRM, None)
        forget_documents()
        flash("success", f"Đã xoá «{name}» khỏi kho tài liệu.")
        st.rerun()


def upload_section(api: ApiClient, has_key: bool) -> None:
    st.subheader("Thêm tài liệu")
    picked = st.file_uploader(
        "Chọn tệp (.txt, .md, .pdf, .docx, .doc, .odt, .html, .xlsx, .xls, .csv)",
        type=FILE_TYPES,
        key=f"uploader-{st.session_state.get(UPLOADS, 0)}",
        help="Tài liệu được lập chỉ mục ngay sau khi tải lên; có thể mất một đến vài phút "
        "(PDF ảnh quét: vài giây mỗi trang để nhận dạng chữ).",
    )
    round_ = st.session_state.get(UPLOADS, 0)
    with st.expander(
        "Thông tin văn bản (khi tệp không tự ghi: bản quét thiếu trang đầu, tin không có tiêu đề)"
    ):
        meta = {
            "title": st.text_input("Tiêu đề", key=f"meta-title-{round_}"),
            "number": st.text_input("Số hiệu", key=f"meta-number-{round_}", placeholder="95/KH-UBND"),
            "province": st.text_input("Tỉnh ban hành", key=f"meta-province-{round_}"),
            "date": st.text_input("Ngày ban hành", key=f"meta-date-{round_}", placeholder="YYYY-MM-DD"),
        }
    if st.button(
        "Tải lên và lập chỉ mục",
        type="primary",
        icon=":material/upload:",
        key="upload",
        disabled=picked is None or not has_key,
    ):
        upload(api, picked.name, picked.getvalue(), picked.type, meta)


def delete_section(api: ApiClient, documents: list[dict[str, Any]], has_key: bool) -> None:
    st.subheader("Xoá tài liệu")
    by_id = {d["doc_id"]: d for d in documents}
    doc_id = st.selectbox(
        "Tài liệu cần xoá",
        list(by_id),
        key="delete_pick",
        index=None,
        placeholder="Chọn tài liệu",
        format_func=lambda i: f"{by_id[i].get('title') or by_id[i]['source']} ({by_id[i]['source']})",
    )
    if st.button(
        "Xoá tài liệu…", icon=":material/delete:", key="delete", disabled=doc_id is None or not has_key
    ):
        st.session_state[CONFIRM] = doc_id
    pending = st.session_state.get(CONFIRM)
    if pending and pending in by_id:
        doc = by_id[pending]
        st.warning(
            f"Xoá «{doc.get('title') or doc['source']}» khỏi kho? Câu trả lời sẽ không còn dùng tài liệu "
            "này (tệp được chuyển vào thùng rác của máy chủ).",
            icon=":material/warning:",
        )
        yes, no = st.columns(2)
        if yes.button("Xác nhận xoá", type="primary", key="delete_yes", width="stretch"):
            delete(api, doc)
        if no.button("Huỷ", key="delete_no", width="stretch"):
            st.session_state.pop(CONFIRM, None)
            st.rerun()


api = client()
st.title("Tài liệu")
show_flash()
documents, problem = load_documents(api)
places = load_places(api)
province = render_province_filter(places)
if problem:
    st.error(problem, icon=":material/cloud_off:")
else:
    shown = [d for d in documents if places.covers(province, d.get("province"))]
    scope = f" của {places.label(province).strip()}" if province else ""
    st.caption(
        f"{len(documents)} tài liệu đang được dùng để trả lời câu hỏi"
        + (f"; {len(shown)} tài liệu{scope} (theo bộ lọc tỉnh ở thanh bên)." if province else ".")
    )
    if shown:
        st.dataframe(
            documents_table(shown, places),
            hide_index=True,
            column_config={
                "Tiêu đề": st.column_config.TextColumn(width="large"),
                "Số đoạn": st.column_config.NumberColumn(format="%d"),
            },
        )
has_key = bool(st.session_state.get(API_KEY))
if not has_key:
    st.info("Nhập khoá API ở thanh bên (mục «Khoá API») để tải lên hoặc xoá tài liệu.", icon=":material/key:")
left, right = st.columns(2, gap="large")
with left:
    upload_section(api, has_key)
with right:
    delete_section(api, documents, has_key)
