"""The browser tests' English scan (tests/ui/page_scan.py): file extensions are names, not prose; English
prose is still caught, also next to them."""

from __future__ import annotations

from page_scan import english_words


def test_file_extensions_are_not_english() -> None:
    hint = "Chọn tệp (.txt, .md, .pdf, .docx, .doc, .odt, .html, .xlsx, .xls, .csv)"
    assert english_words(hint) == []
    assert english_words("Tải lên báo cáo .odt hoặc bảng tính .xls, .csv") == []


def test_english_prose_is_still_caught() -> None:
    assert english_words("Drag and drop files here. Limit 200MB per file • .odt, .csv") == [
        *("Drag", "and", "drop", "files", "here", "Limit", "per", "file")
    ]
    assert english_words("Upload.Browse files") == ["Upload", "Browse", "files"]  # no space after a dot
    assert english_words("odt xls csv") == ["odt", "xls", "csv"]  # without their dot they are just words
    assert english_words("Bắc Giang, tham khảo, bac si") == []
