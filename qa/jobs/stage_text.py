"""What a job's detail says while its build runs: the stage in Vietnamese, with files or chunks done."""

from __future__ import annotations

from qa.index.progress import BuildProgress

_STAGE_TEXT = {
    "parsing": "Đang đọc tệp",
    "embedding": "Đang tính vector",
    "indexing": "Đang dựng chỉ mục",
    "publishing": "Đang chuyển sang chỉ mục mới",
}


def stage_detail(progress: BuildProgress) -> str:
    text = _STAGE_TEXT[progress.stage]
    if progress.stage == "parsing" and progress.files_total:
        text += f" ({progress.files_done}/{progress.files_total} tệp"
        if progress.pages_total:
            text += f", {progress.current_file}: trang {progress.pages_done}/{progress.pages_total}"
        text += ")"
    elif progress.stage == "embedding" and progress.chunks_total:
        text += f" ({progress.chunks_done}/{progress.chunks_total} đoạn)"
    return text + "."
