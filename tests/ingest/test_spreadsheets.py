"""Excel and CSV annexes built from a corpus table give the same rows and figures as the text table, and
broken or hostile workbooks are refused with a Vietnamese reason."""

from __future__ import annotations

import codecs
import random
import zipfile
from pathlib import Path

import pytest

from qa.extract.figures import extract_figures
from qa.ingest.formats import load_file
from qa.ingest.pipeline import parse_file
from qa.models import IngestError, ParsedDocument
from qa.vn.numbers import parse_vn_number

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SOURCE = CORPUS / "001_a66ba2e25b7bb22e.txt"
LIMIT = 50 * 1024 * 1024


def corpus_table() -> list[list[str]]:
    """The indicator table of corpus 001 ("2. Các chỉ tiêu cơ bản"), its tab rows as cells."""
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    start = next(k for k, line in enumerate(lines) if line.startswith("TT\tChỉ tiêu"))
    rows = []
    for line in lines[start:]:
        if "\t" not in line:
            if rows and line.strip():
                break
            continue
        rows.append(line.split("\t"))
    return rows


def table_figures(doc: ParsedDocument) -> list[tuple]:
    return sorted(
        (f.indicator, f.value, f.unit, f.year, f.kind, f.comparator) for f in extract_figures(doc) if f.column
    )


@pytest.fixture(scope="module")
def text_figures() -> list[tuple]:
    return table_figures(parse_file(SOURCE, LIMIT))


def _number_or_text(cell: str) -> tuple[float | str, str]:
    """A cell as Excel would hold it: numbers as numbers with the decimals shown in the text."""
    value = parse_vn_number(cell)
    if value is None:
        return cell, "General"
    decimals = len(cell.split(",")[1]) if "," in cell else 0
    return value, "#,##0" + ("." + "0" * decimals if decimals else "")


def write_xlsx(path: Path, rows: list[list[str]], title: str | None = None, two_level: bool = False) -> Path:
    """The table in a workbook, as an annex is typed: an optional merged title row, numbers as numbers;
    ``two_level`` splits the value headers into a merged "Năm" row over "Ước TH | KH" (and merges TT,
    Chỉ tiêu and Đơn vị tính over both header rows)."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Biểu 01"
    r = 1
    width = len(rows[0])
    if title:
        ws.cell(r, 1, title)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        r += 1
    header, body = rows[0], rows[1:]
    if two_level:
        for c in range(1, 4):
            ws.cell(r, c, header[c - 1])
            ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
        ws.cell(r, 4, "Năm 2023")
        ws.cell(r, 5, "Năm 2024")
        ws.cell(r + 1, 4, "Ước TH")
        ws.cell(r + 1, 5, "Kế hoạch")
        r += 2
    else:
        for c, name in enumerate(header, 1):
            ws.cell(r, c, name)
        r += 1
    for row in body:
        if row == header:  # the header repeated after a page break in the text
            continue
        for c, cell in enumerate(row, 1):
            if not cell:
                continue
            value, fmt = _number_or_text(cell) if c > 3 else (cell, "General")
            ws.cell(r, c, value).number_format = fmt
        r += 1
    book.save(path)
    return path


def test_xlsx_gives_the_figures_of_the_text_table(tmp_path, text_figures):
    path = write_xlsx(
        tmp_path / "phu-luc.xlsx", corpus_table(), title="BIỂU 01. CÁC CHỈ TIÊU CƠ BẢN NĂM 2024"
    )
    doc = parse_file(path, LIMIT)
    assert doc.fmt == "xlsx" and doc.tables == 1
    assert table_figures(doc) == text_figures
    assert {b.section[0] for b in doc.blocks if b.row is not None} == {"Biểu 01"}  # the sheet is the section
    row = next(b.row for b in doc.blocks if b.row is not None and b.row.label == "Số bác sỹ/10.000 dân")
    assert row.values == [("Ước TH năm 2023", "12,2"), ("Kế hoạch năm 2024", "12,5")]


def test_xlsx_two_level_merged_header_is_kept_on_every_row(tmp_path):
    path = write_xlsx(tmp_path / "hai-tang.xlsx", corpus_table(), two_level=True)
    doc = parse_file(path, LIMIT)
    rows = [b.row for b in doc.blocks if b.row is not None and b.row.values]
    assert rows and all(
        r.header == ["TT", "Chỉ tiêu", "Đơn vị tính", "Ước TH Năm 2023", "Kế hoạch Năm 2024"] for r in rows
    )
    figures = {(f.indicator, f.year, f.kind): f.value for f in extract_figures(doc) if f.column}
    assert figures[("Số bác sỹ/10.000 dân", 2023, "estimate")] == 12.2
    assert figures[("Số bác sỹ/10.000 dân", 2024, "plan")] == 12.5
    assert figures[("Dân số trung bình", 2024, "plan")] == 1950000


def test_csv_semicolons_utf8_bom(tmp_path, text_figures):
    """A CSV as Excel exports it in a Vietnamese locale ("CSV UTF-8"): semicolons, a BOM, CRLF."""
    text = "\r\n".join(";".join(f'"{c}"' if ";" in c else c for c in row) for row in corpus_table())
    path = tmp_path / "bang.csv"
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    doc = parse_file(path, LIMIT)
    assert doc.fmt == "csv" and table_figures(doc) == text_figures


@pytest.mark.office
def test_xls_written_by_libreoffice_gives_the_same_figures(tmp_path, text_figures):
    """The old binary .xls, as LibreOffice writes it from the .xlsx (merged header included)."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed (.ci/run installs libreoffice-calc)")
    xlsx = write_xlsx(tmp_path / "nam.xlsx", corpus_table(), two_level=True)
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to", "xls",
         "--outdir", str(tmp_path), str(xlsx)],
        check=True, capture_output=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    if not (tmp_path / "nam.xls").is_file():
        pytest.skip("LibreOffice has no Calc here (apt-get install libreoffice-calc)")
    doc = parse_file(tmp_path / "nam.xls", LIMIT)
    assert doc.fmt == "xls"
    figures = table_figures(doc)
    assert figures == table_figures(parse_file(xlsx, LIMIT))
    assert len(figures) == len(text_figures)


# ---------------------------------------------------------------- refusals


def assert_refused(path: Path, *reasons: str) -> str:
    with pytest.raises(IngestError) as info:
        load_file(path, LIMIT)
    message = str(info.value)
    assert any(r in message for r in reasons), message
    return message


def test_corrupt_and_truncated_xlsx(tmp_path):
    rng = random.Random(7)
    (tmp_path / "r.xlsx").write_bytes(rng.randbytes(3000))
    assert_refused(tmp_path / "r.xlsx", "tệp Excel .xlsx hỏng")
    good = write_xlsx(tmp_path / "good.xlsx", corpus_table()[:4]).read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(good[: len(good) // 2])
    assert_refused(tmp_path / "cut.xlsx", "tệp Excel .xlsx hỏng")
    with zipfile.ZipFile(tmp_path / "docx.xlsx", "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert_refused(tmp_path / "docx.xlsx", "thiếu xl/workbook.xml (không phải bảng tính Excel)")
    with zipfile.ZipFile(tmp_path / "bad-xml.xlsx", "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook><sheets>")
        zf.writestr("[Content_Types].xml", "<Types/>")
    message = assert_refused(tmp_path / "bad-xml.xlsx", "tệp Excel hỏng hoặc không đọc được")
    assert message.startswith("tệp Excel")


def test_zip_bomb_named_xlsx_is_refused_before_unpacking(tmp_path):
    """A 200 MB sheet of spaces compressed to ~200 KB: refused from the zip directory, nothing unpacked."""
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b" " * (1 << 20)
            for _ in range(200):
                sheet.write(block)
    assert path.stat().st_size < 2 * 1024 * 1024
    assert_refused(path, "nội dung giải nén quá lớn")


def test_password_protected_xlsx_and_old_xls_under_xlsx_name(tmp_path):
    """Office encrypts a protected .xlsx into an OLE2 container holding an "EncryptedPackage" stream."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    (tmp_path / "khoa.xlsx").write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + bytes(500))
    assert_refused(tmp_path / "khoa.xlsx", "tệp Excel .xlsx được bảo vệ bằng mật khẩu")
    (tmp_path / "cu.xlsx").write_bytes(ole + "Workbook".encode("utf-16-le") + bytes(500))
    assert_refused(tmp_path / "cu.xlsx", "mang đuôi .xlsx; hãy đổi đuôi thành .xls")


def test_xls_that_is_not_an_xls(tmp_path):
    (tmp_path / "a.xls").write_bytes("TT;Chỉ tiêu;2024\n1;Số bác sỹ;12,5\n".encode())
    assert_refused(tmp_path / "a.xls", "không phải tệp Excel .xls")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "WordDocument".encode("utf-16-le")
    (tmp_path / "word.xls").write_bytes(ole)
    assert_refused(tmp_path / "word.xls", "không phải tệp Excel .xls (tệp Office 97-2003 loại Word)")
    (tmp_path / "broken.xls").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le") + bytes(600)
    )
    assert_refused(tmp_path / "broken.xls", "tệp Excel .xls hỏng hoặc không đọc được")


def test_binary_named_csv(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"PK\x03\x04" + bytes(300))
    assert_refused(tmp_path / "a.csv", "không phải văn bản")
