"""Old Word .doc and OpenDocument .odt, written by LibreOffice headless from a corpus file, give the same
sections and table rows as the .txt; files that are not what their name says are refused in Vietnamese."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docgen import docx_blocks_from_lines, make_docx

from qa.ingest.formats import LoadOptions, load_file
from qa.ingest.pipeline import parse_file
from qa.models import IngestError

SOURCE = Path(__file__).resolve().parents[2] / "corpus" / "001_a66ba2e25b7bb22e.txt"
LIMIT = 50 * 1024 * 1024


def _rows(doc):
    return [(b.row.label, b.row.values) for b in doc.blocks if b.row is not None and b.row.values]


def _sections(doc):
    return {b.section_path for b in doc.blocks if b.kind == "heading"}


@pytest.fixture(scope="module")
def written_by_libreoffice(tmp_path_factory) -> dict[str, Path]:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed (.ci/run installs libreoffice-writer)")
    tmp = tmp_path_factory.mktemp("office")
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    docx = make_docx(tmp / "kehoach.docx", docx_blocks_from_lines(lines))
    out = {}
    for ext in ("doc", "odt"):
        subprocess.run(
            [soffice, f"-env:UserInstallation={(tmp / 'lo').as_uri()}", "--headless", "--convert-to", ext,
             "--outdir", str(tmp), str(docx)],
            check=True, capture_output=True, timeout=180, env={"HOME": str(tmp), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        out[ext] = tmp / f"kehoach.{ext}"
    return out


@pytest.mark.office
@pytest.mark.parametrize("ext", ["doc", "odt"])
def test_doc_and_odt_give_the_rows_and_sections_of_the_text(written_by_libreoffice, ext):
    doc = parse_file(written_by_libreoffice[ext], LIMIT)
    txt = parse_file(SOURCE, LIMIT)
    assert doc.fmt == ext
    assert _rows(doc) == _rows(txt)
    assert len(_sections(doc) & _sections(txt)) >= 0.8 * len(_sections(txt))
    assert (doc.meta.province, doc.meta.kind) == ("Bắc Giang", "Kế hoạch")


def test_doc_without_libreoffice_is_refused_clearly(tmp_path):
    word = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "WordDocument".encode("utf-16-le")
    (tmp_path / "cu.doc").write_bytes(word)
    with pytest.raises(IngestError, match="máy chủ chưa cài LibreOffice .* hãy lưu lại tệp dưới dạng .docx"):
        load_file(tmp_path / "cu.doc", LIMIT, LoadOptions(soffice_cmd="/nonexistent/soffice"))


def assert_refused(path: Path, *reasons: str) -> None:
    with pytest.raises(IngestError) as info:
        load_file(path, LIMIT)
    assert any(r in str(info.value) for r in reasons), str(info.value)


def test_a_doc_that_is_not_a_doc(tmp_path):
    (tmp_path / "text.doc").write_text("Kế hoạch công tác y tế năm 2024", encoding="utf-8")
    assert_refused(tmp_path / "text.doc", "không phải tệp Word .doc")
    docx = make_docx(tmp_path / "new.docx", ["Kế hoạch"])
    shutil.copy(docx, tmp_path / "new.doc")
    assert_refused(tmp_path / "new.doc", "tệp .docx/.xlsx mang nhầm đuôi?")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "Workbook".encode("utf-16-le")
    (tmp_path / "sheet.doc").write_bytes(ole)
    assert_refused(tmp_path / "sheet.doc", "không phải tệp Word .doc (tệp Office 97-2003 loại Excel)")
    pdf = b"%PDF-1.4\n" + bytes(200)
    (tmp_path / "scan.doc").write_bytes(pdf)
    assert_refused(tmp_path / "scan.doc", "không phải tệp Word .doc (nội dung là tệp PDF)")


@pytest.mark.office
def test_a_damaged_doc_is_refused_by_libreoffice(tmp_path, written_by_libreoffice):
    data = written_by_libreoffice["doc"].read_bytes()
    (tmp_path / "cut.doc").write_bytes(data[:2048])
    assert_refused(tmp_path / "cut.doc", "LibreOffice không", "tệp rỗng", "không phải tệp Word .doc")


def test_odt_that_is_not_a_text_document(tmp_path):
    with zipfile.ZipFile(tmp_path / "calc.odt", "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    assert_refused(
        tmp_path / "calc.odt", "không phải văn bản ODT (loại application/vnd.oasis.opendocument.spreadsheet)"
    )
    (tmp_path / "junk.odt").write_bytes(b"PK\x03\x04" + bytes(100))
    assert_refused(tmp_path / "junk.odt", "tệp ODT hỏng")
