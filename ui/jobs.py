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


def _progress(status: str, waited: float) -> float:
    # The API reports no percentage: creep towards 90 % while it works, so the bar shows life.
    if status == "done":
        return 1.0
    base = 0.05 if status == "queued" else 0.15
    return min(0.9, base + 0.75 * (1 - 1 / (1 + waited / 30)))


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
        bar.progress(
            _progress(status, waited),
            text=f"{STATUS_VI.get(status, status).capitalize()} — {waited:.0f} giây",
        )
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
