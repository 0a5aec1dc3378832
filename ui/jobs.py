"""Follow a background indexing job (`GET /jobs/{id}`) until it is done or failed, on screen."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from ui.client import ApiClient, ApiError

POLL_SECONDS = 1.0
JOB_TIMEOUT = 15 * 60  # a large PDF on a busy 2-core machine; after that we stop waiting, not the job
STATUS_VI = {
    "queued": "đang chờ",
    "running": "đang lập chỉ mục",
    "done": "hoàn tất",
    "failed": "thất bại",
    "cancelled": "đã huỷ",
}


STAGE_VI = {
    "queued": "đang chờ",
    "parsing": "đang đọc tài liệu",
    "parse": "đang đọc tài liệu",
    "chunking": "đang chia đoạn",
    "embedding": "đang tính véc-tơ",
    "embed": "đang tính véc-tơ",
    "indexing": "đang lập chỉ mục",
    "index": "đang lập chỉ mục",
    "publishing": "đang đưa vào sử dụng",
    "publish": "đang đưa vào sử dụng",
}


def _progress(job: dict[str, Any], waited: float) -> float:
    status = job.get("status", "queued")
    if status == "done":
        return 1.0
    done, total = job.get("chunks_done"), job.get("chunks_total")
    if isinstance(done, int) and isinstance(total, int) and total > 0:
        return min(0.99, 0.05 + 0.9 * done / total)  # the server counts the chunks it has embedded
    # No count from the server: creep towards 90 % while it works, so the bar shows life.
    base = 0.05 if status == "queued" else 0.15
    return min(0.9, base + 0.75 * (1 - 1 / (1 + waited / 30)))


def progress_text(job: dict[str, Any], waited: float) -> str:
    """ "Đang tính véc-tơ — 120/300 đoạn — còn khoảng 40 giây" when the server reports its progress
    (stage, chunks_done/chunks_total, eta_seconds); the status and the time waited otherwise."""
    status = job.get("status", "queued")
    stage = job.get("stage")
    parts = [
        STAGE_VI.get(stage, stage) if isinstance(stage, str) and stage else STATUS_VI.get(status, status)
    ]
    done, total = job.get("chunks_done"), job.get("chunks_total")
    if isinstance(done, int) and isinstance(total, int) and total > 0:
        parts.append(f"{done}/{total} đoạn")
    eta = job.get("eta_seconds")
    if isinstance(eta, int | float) and eta > 0:
        parts.append(f"còn khoảng {eta:.0f} giây" if eta < 120 else f"còn khoảng {eta / 60:.0f} phút")
    else:
        parts.append(f"{waited:.0f} giây")
    return " — ".join(parts).capitalize()


def wait_for_job(
    api: ApiClient, job_id: str, box: Any, timeout: float = JOB_TIMEOUT
) -> dict[str, Any] | None:
    """Poll until the job ends; `box` is the `st.status` to update. Returns the last job seen."""
    bar = st.progress(0.05, text="Đang chờ xử lý…")
    started = time.monotonic()
    job: dict[str, Any] | None = None
    while (waited := time.monotonic() - started) < timeout:
        try:
            job = api.job(job_id)
        except ApiError as exc:
            box.update(label="Không theo dõi được tác vụ", state="error")
            st.error(exc.message, icon=":material/error:")
            return None
        status = job.get("status", "queued")
        bar.progress(_progress(job, waited), text=progress_text(job, waited))
        if status == "done":
            box.update(label="Hoàn tất", state="complete", expanded=False)
            return job
        if status in ("failed", "cancelled"):
            box.update(label="Không thành công", state="error")
            st.error(job.get("detail") or "Lập chỉ mục thất bại.", icon=":material/error:")
            return job
        time.sleep(POLL_SECONDS)
    box.update(label="Vẫn đang xử lý", state="running")
    st.warning(
        "Máy chủ vẫn đang lập chỉ mục. Hãy tải lại trang sau ít phút để xem kết quả.",
        icon=":material/schedule:",
    )
    return job
