"""load_file and the legacy Vietnamese encodings, on real files generated from the corpus."""

from __future__ import annotations

import codecs
import random
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from docgen import (
    PAGE_BREAK,
    DocHeading,
    DocPara,
    DocTable,
    docx_blocks_from_lines,
    find_font,
    make_docx,
    make_pdf,
)

from qa.ingest.formats import load_file
from qa.ingest.legacy_vn import VIETNAMESE_LETTERS, detect_legacy, from_unicode, to_unicode
from qa.models import IngestError

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
MB = 1024 * 1024
LIMIT = 50 * MB  # the default settings.max_file_mb
HEADER = ["TT", "Chỉ tiêu", "Đơn vị tính", "Ước TH năm 2023", "Kế hoạch năm 2024"]
ROW = ["1", "Số bác sỹ/10.000 dân", "Bác sỹ", "12,2", "12,5"]


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def collapse(s: str) -> str:
    return " ".join(nfc(s).split())


def corpus_lines(name: str) -> list[str]:
    path = next(CORPUS.glob(f"{name}_*.txt"))
    return path.read_text(encoding="utf-8").split("\n")


def excerpt(name: str, start: str, end: str) -> list[str]:
    """The corpus lines from the one starting with `start` to the one containing `end`, as is."""
    lines = corpus_lines(name)
    i = next(k for k, line in enumerate(lines) if nfc(line).strip().startswith(start))
    j = next(k for k in range(i, len(lines)) if end in nfc(lines[k]))
    return lines[i : j + 1]


@pytest.fixture(scope="module")
def health_paragraph() -> list[str]:
    """Corpus 000, "1.1." paragraph: wrapped lines, blank lines between, trailing spaces."""
    lines = excerpt("000", "1.1. Thực hiện các chỉ tiêu", "35,8 giường")
    assert len(lines) > 8
    return [nfc(line) for line in lines]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: it has â ê ô ơ ư ă đ and some toned vowels precomposed, other tones as
    combining marks, so decompose only what does not encode (NFD alone fails: no combining ^)."""
    out = bytearray()
    for ch in nfc(text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            tones = [m for m in decomposed if m in "\u0300\u0301\u0303\u0309\u0323"]
            base = nfc("".join(m for m in decomposed if m not in tones))
            out += (base + "".join(tones)).encode("cp1258")
    return bytes(out)


def assert_rejected(path: Path, *reasons: str, max_bytes: int = LIMIT) -> str:
    with pytest.raises(IngestError) as info:
        load_file(path, max_bytes)
    message = str(info.value)
    assert any(r in message for r in reasons), message
    return message


# ---------------------------------------------------------------- text encodings


def test_corpus_files_load_with_their_line_numbers() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        loaded = load_file(path, LIMIT)
        assert loaded.lines == path.read_text(encoding="utf-8").split("\n"), path.name
        assert loaded.pages == [None] * len(loaded.lines)
        assert (loaded.fmt, loaded.encoding) == ("txt", "utf-8")


def test_utf8(tmp_path: Path, health_paragraph: list[str]) -> None:
    text = "\n".join(health_paragraph)
    loaded = load_file(write(tmp_path / "a.txt", text.encode("utf-8")), LIMIT)
    assert loaded.lines == health_paragraph
    assert loaded.lines[2] == health_paragraph[2]  # line 3 of the file
    assert loaded.encoding == "utf-8"


def test_utf8_bom_and_crlf(tmp_path: Path, health_paragraph: list[str]) -> None:
    data = codecs.BOM_UTF8 + "\r\n".join(health_paragraph).encode("utf-8")
    loaded = load_file(write(tmp_path / "a.TXT", data), LIMIT)
    assert loaded.lines == health_paragraph
    assert loaded.encoding == "utf-8-sig"


def test_utf16_le_with_bom(tmp_path: Path, health_paragraph: list[str]) -> None:
    data = codecs.BOM_UTF16_LE + "\r\n".join(health_paragraph).encode("utf-16-le")
    loaded = load_file(write(tmp_path / "a.txt", data), LIMIT)
    assert loaded.lines == health_paragraph
    assert loaded.encoding == "utf-16-le"


def test_utf8_with_one_broken_byte_stays_utf8(tmp_path: Path, health_paragraph: list[str]) -> None:
    data = "\n".join(health_paragraph).encode("utf-8")
    data = data[:200] + b"\xff" + data[200:]  # e.g. a damaged copy
    loaded = load_file(write(tmp_path / "a.txt", data), LIMIT)
    assert loaded.encoding == "utf-8"
    assert len(loaded.lines) == len(health_paragraph)
    assert loaded.lines[-1] == health_paragraph[-1]


def test_cp1258_decodes_to_the_same_text_after_nfc(tmp_path: Path, health_paragraph: list[str]) -> None:
    data = to_cp1258("\n".join(health_paragraph))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    loaded = load_file(write(tmp_path / "a.txt", data), LIMIT)
    assert loaded.encoding == "cp1258"
    assert [nfc(line) for line in loaded.lines] == health_paragraph


def test_markdown(tmp_path: Path) -> None:
    text = "# Kế hoạch năm 2024\n\n## I. MỤC TIÊU\n\n- Tỷ lệ trạm y tế có bác sỹ: **100%**\n"
    loaded = load_file(write(tmp_path / "plan.md", text.encode("utf-8")), LIMIT)
    assert loaded.fmt == "md"
    assert loaded.lines == text.split("\n")


# ---------------------------------------------------------------- legacy TCVN3 / VNI


def test_legacy_tables_cover_all_134_letters() -> None:
    assert len(VIETNAMESE_LETTERS) == len(set(VIETNAMESE_LETTERS)) == 134
    for letter in VIETNAMESE_LETTERS:
        assert to_unicode(from_unicode(letter, "vni"), "vni") == letter
        # TCVN3 gives back the letter, or its lowercase twin for the 60 capitals without a code
        assert to_unicode(from_unicode(letter, "tcvn3"), "tcvn3").lower() == letter.lower()


def test_legacy_examples() -> None:
    assert to_unicode("KÕ ho¹ch", "tcvn3") == "Kế hoạch"
    assert to_unicode("Së Y tÕ", "tcvn3") == "Sở Y tế"
    assert to_unicode("Keá hoaïch", "vni") == "Kế hoạch"
    assert to_unicode("Sôû Y teá", "vni") == "Sở Y tế"
    assert to_unicode("ñaùnh giaù, Ñoàng Thaùp", "vni") == "đánh giá, Đồng Tháp"
    assert from_unicode("Kế hoạch", "tcvn3") == "KÕ ho¹ch"


def test_detect_legacy_leaves_unicode_and_english_alone(health_paragraph: list[str]) -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        assert detect_legacy(path.read_text(encoding="utf-8")) is None, path.name
    assert detect_legacy("Annual report 2023: © WHO, doses of 5 µg × 3, naïve café où Noël.") is None
    text = "\n".join(health_paragraph)
    assert detect_legacy(from_unicode(text, "tcvn3")) == "tcvn3"
    assert detect_legacy(from_unicode(text, "vni")) == "vni"


def test_tcvn3_round_trip(tmp_path: Path, health_paragraph: list[str]) -> None:
    heading = nfc(excerpt("000", "KẾT QUẢ THỰC HIỆN", "NĂM 2023")[0])  # ALL CAPS: case from context
    lines = [heading, "", *health_paragraph]
    # TCVN3 files are single-byte: the legacy characters are their latin-1 bytes
    data = from_unicode("\r\n".join(lines), "tcvn3").encode("latin-1")
    assert b"K\xd5T QU\xb6" in data  # "KÕT QU¶"
    loaded = load_file(write(tmp_path / "tcvn3.txt", data), LIMIT)
    assert loaded.encoding == "tcvn3"
    assert [nfc(line) for line in loaded.lines] == lines


def test_vni_round_trip(tmp_path: Path) -> None:
    lines = [nfc(line) for line in excerpt("000", "Thực hiện Quyết định số 2143", "đạt được:")]
    data = from_unicode("\n".join(lines), "vni").encode("cp1252")
    loaded = load_file(write(tmp_path / "vni.txt", data), LIMIT)
    assert loaded.encoding == "vni"
    assert [nfc(line) for line in loaded.lines] == lines  # VNI keeps case: exact, "Ủy" included


def test_legacy_text_stored_as_utf8_is_converted(tmp_path: Path, health_paragraph: list[str]) -> None:
    """A TCVN3 document copied into a UTF-8 editor keeps its gibberish letters."""
    data = from_unicode("\n".join(health_paragraph), "tcvn3").encode("utf-8")
    loaded = load_file(write(tmp_path / "a.txt", data), LIMIT)
    assert loaded.encoding == "tcvn3"
    assert loaded.lines == health_paragraph


def test_tcvn3_capital_without_code_is_a_guess() -> None:
    """Ủ has no TCVN3 code of its own: capitalised after a sentence end, else read as lowercase."""
    assert to_unicode("ñy ban nh©n d©n tØnh. ñy ban", "tcvn3") == "Ủy ban nhân dân tỉnh. Ủy ban"
    assert to_unicode("cña ñy ban", "tcvn3") == "của ủy ban"  # was "của Ủy ban": documented loss
    assert to_unicode("Së Y TÕ\nKÕ HO¹CH N¡M 2024", "tcvn3") == "Sở Y Tế\nKẾ HOẠCH NĂM 2024"


# ---------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def font() -> Path:
    found = find_font()
    if found is None:
        pytest.skip("no TTF font with Vietnamese glyphs (apt-get install fonts-dejavu-core)")
    return found


def test_pdf_two_pages(tmp_path: Path, font: Path, health_paragraph: list[str]) -> None:
    page1 = [
        nfc(line) for line in excerpt("000", "Thực hiện Quyết định số 2143", "đạt được:") if line.strip()
    ]
    page2 = [line for line in health_paragraph if line.strip()]
    path = make_pdf(tmp_path / "plan.pdf", [*page1, PAGE_BREAK, *page2], font)
    loaded = load_file(path, LIMIT)
    assert (loaded.fmt, loaded.encoding) == ("pdf", "")
    assert len(loaded.pages) == len(loaded.lines)
    assert loaded.pages == sorted(loaded.pages)  # type: ignore[type-var]
    assert set(loaded.pages) == {1, 2}
    on_page = {
        n: collapse(" ".join(t for t, p in zip(loaded.lines, loaded.pages, strict=True) if p == n))
        for n in (1, 2)
    }
    sentence = "Năm 2023, ngành Y tế đã hoàn thành đạt và vượt các chỉ tiêu được HĐND tỉnh giao"
    assert sentence in on_page[2]
    assert sentence not in on_page[1]
    assert collapse(" ".join(page1)) == on_page[1]
    first_on_2 = loaded.pages.index(2)
    assert collapse(loaded.lines[first_on_2]).startswith("1.1. Thực hiện các chỉ tiêu")


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a "scan": drawing only
    pdf.output(str(tmp_path / "scan.pdf"))
    # with Tesseract the page is read and found empty; without it, the message says OCR is not installed
    assert_rejected(
        tmp_path / "scan.pdf", "PDF không có lớp văn bản", "(không có lớp văn bản) và máy chủ chưa cài"
    )


def test_pdf_with_user_password(tmp_path: Path, font: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(tmp_path / "plain.pdf", ["Kế hoạch"], font)
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    with open(tmp_path / "locked.pdf", "wb") as f:
        writer.write(f)
    assert_rejected(tmp_path / "locked.pdf", "mật khẩu", "mã hoá")


def test_pdf_garbage_and_truncated(tmp_path: Path, font: Path) -> None:
    rng = random.Random(1)
    assert_rejected(write(tmp_path / "junk.pdf", rng.randbytes(4000)), "không phải tệp PDF")
    assert_rejected(
        write(tmp_path / "docx.pdf", b"PK\x03\x04" + bytes(100)),
        "không phải tệp PDF (nội dung là tệp nén zip",
    )
    good = make_pdf(tmp_path / "good.pdf", ["Kế hoạch năm 2024"], font).read_bytes()
    broken = write(tmp_path / "broken.pdf", good[:40] + rng.randbytes(200))
    assert_rejected(broken, "tệp PDF hỏng hoặc không đọc được", "PDF không có lớp văn bản")


# ---------------------------------------------------------------- DOCX


def test_docx_order_heading_bold_table(tmp_path: Path) -> None:
    blocks = [
        DocHeading("Phần II. KẾ HOẠCH CÔNG TÁC Y TẾ NĂM 2024", level=1),
        DocPara("Tăng cường hiệu quả quản lý nhà nước về y tế."),
        DocPara("2. Các chỉ tiêu cơ bản", bold=True),
        DocTable([HEADER, ROW]),
        DocHeading("II. NHIỆM VỤ", level=2),
        DocPara("Đảm bảo cung ứng đủ thuốc, vật tư, vắc xin."),
    ]
    loaded = load_file(make_docx(tmp_path / "plan.docx", blocks), LIMIT)
    assert (loaded.fmt, loaded.encoding) == ("docx", "")
    assert loaded.lines == [
        "# Phần II. KẾ HOẠCH CÔNG TÁC Y TẾ NĂM 2024",
        "Tăng cường hiệu quả quản lý nhà nước về y tế.",
        "**2. Các chỉ tiêu cơ bản**",
        "",
        "TT\tChỉ tiêu\tĐơn vị tính\tƯớc TH năm 2023\tKế hoạch năm 2024",
        "1\tSố bác sỹ/10.000 dân\tBác sỹ\t12,2\t12,5",
        "",
        "## II. NHIỆM VỤ",
        "Đảm bảo cung ứng đủ thuốc, vật tư, vắc xin.",
    ]
    assert loaded.pages == [None] * len(loaded.lines)


def test_docx_bold_header_row_has_no_markup(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=len(HEADER))
    for row, values in zip(table.rows, (HEADER, ROW), strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.paragraphs[0].add_run(value).bold = values is HEADER
    document.save(str(tmp_path / "b.docx"))
    assert load_file(tmp_path / "b.docx", LIMIT).lines == ["", "\t".join(HEADER), "\t".join(ROW), ""]


def test_docx_merged_cells_counted_once(tmp_path: Path) -> None:
    table = DocTable([HEADER, ["", "Chỉ tiêu đầu vào"], ROW], merges=[(1, 1, 4)])
    loaded = load_file(make_docx(tmp_path / "m.docx", [DocPara("Bảng"), table]), LIMIT)
    assert loaded.lines[2:6] == ["\t".join(HEADER), "\tChỉ tiêu đầu vào", "\t".join(ROW), ""]


def test_docx_from_corpus_keeps_table_rows(tmp_path: Path) -> None:
    lines = [nfc(line) for line in excerpt("001", "2. Các chỉ tiêu cơ bản", "Tỷ suất tử vong trẻ em dưới 5")]
    loaded = load_file(make_docx(tmp_path / "c.docx", docx_blocks_from_lines(lines)), LIMIT)
    rows = [line for line in lines if "\t" in line]
    assert [line for line in loaded.lines if "\t" in line] == rows
    assert "\t".join(HEADER) in loaded.lines and "\t".join(ROW) in loaded.lines


def test_docx_tcvn3_with_uppercase_font(tmp_path: Path) -> None:
    """A heading in .VnTimeH (capitals-only font, lowercase codes) and body text in .VnTime."""
    import docx

    document = docx.Document()
    heading = document.add_paragraph().add_run("kÕ ho¹ch c«ng t¸c y tÕ n¨m 2024")
    heading.font.name = ".VnTimeH"
    for text in ("T¨ng c­êng hiÖu qu¶ qu¶n lý nhµ n­íc vÒ y tÕ.", "§¶m b¶o cung øng ®ñ thuèc."):
        document.add_paragraph().add_run(text).font.name = ".VnTime"
    document.save(str(tmp_path / "tcvn3.docx"))
    loaded = load_file(tmp_path / "tcvn3.docx", LIMIT)
    assert loaded.encoding == "tcvn3"
    assert loaded.lines == [
        "KẾ HOẠCH CÔNG TÁC Y TẾ NĂM 2024",
        "Tăng cường hiệu quả quản lý nhà nước về y tế.",
        "Đảm bảo cung ứng đủ thuốc.",
    ]


def test_docx_font_hint_decides_short_legacy_text(tmp_path: Path) -> None:
    """ "Së Y tÕ" alone is too little evidence, but a .VnTime font says TCVN3; Unicode text set in
    that font by mistake stays as it is."""
    import docx

    for name, text, expected in (
        ("short.docx", "Së Y tÕ", "Sở Y tế"),
        ("unicode.docx", "Sở Y tế tỉnh Hậu Giang", "Sở Y tế tỉnh Hậu Giang"),
    ):
        document = docx.Document()
        document.add_paragraph().add_run(text).font.name = ".VnTime"
        document.save(str(tmp_path / name))
        assert load_file(tmp_path / name, LIMIT).lines == [expected]


def test_docx_corrupt(tmp_path: Path) -> None:
    assert_rejected(write(tmp_path / "r.docx", random.Random(2).randbytes(3000)), "tệp DOCX hỏng")
    with zipfile.ZipFile(tmp_path / "z.docx", "w") as zf:
        zf.writestr("hello.txt", "không phải Word")
    assert_rejected(tmp_path / "z.docx", "tệp DOCX hỏng: thiếu word/document.xml")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert_rejected(write(tmp_path / "old.docx", ole), ".doc")
    good = make_docx(tmp_path / "good.docx", ["Kế hoạch"]).read_bytes()
    assert_rejected(write(tmp_path / "cut.docx", good[: len(good) // 2]), "tệp DOCX hỏng")


def test_docx_without_text_is_empty(tmp_path: Path) -> None:
    assert_rejected(make_docx(tmp_path / "e.docx", [DocPara(""), DocPara("  ")]), "tệp rỗng")


# ---------------------------------------------------------------- HTML


def test_html_blocks_inline_and_table(tmp_path: Path) -> None:
    html = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Không lấy</title>
    <style>p { color: red }</style><script>var x = "không lấy";</script></head>
    <body><h1>Kế hoạch   năm 2024</h1>
    <p>Tỷ lệ <b>trạm y tế</b> có <i>bác sỹ</i> đạt 100%; diện tích 120 m<sup>2</sup>.</p>
    <!-- ghi chú -->
    <div>Dòng một<br>Dòng <span>hai</span></div>
    <ul><li>Mục <a href="#">một</a></li><li>Mục hai</li></ul>
    <table><thead><tr><th>TT</th><th>Chỉ tiêu</th><th>Đơn vị tính</th><th>Ước TH năm 2023</th>
    <th>Kế hoạch năm 2024</th></tr></thead>
    <tbody><tr><td>1</td><td>Số <b>bác sỹ</b>/10.000 dân</td><td>Bác sỹ</td><td>12,2</td><td>12,5</td></tr>
    </tbody></table><h3>II. Nhiệm vụ</h3></body></html>"""
    loaded = load_file(write(tmp_path / "plan.HTM", html.encode("utf-8")), LIMIT)
    assert (loaded.fmt, loaded.encoding) == ("html", "utf-8")
    assert loaded.lines == [
        "# Kế hoạch năm 2024",
        "Tỷ lệ trạm y tế có bác sỹ đạt 100%; diện tích 120 m2.",
        "Dòng một",
        "Dòng hai",
        "Mục một",
        "Mục hai",
        "",
        "\t".join(HEADER),
        "\t".join(ROW),
        "",
        "### II. Nhiệm vụ",
    ]


def test_html_meta_charset_windows_1258(tmp_path: Path) -> None:
    body = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
    data = (
        body.encode("ascii")
        + b"</head><body><p>"
        + to_cp1258("Sở Y tế tỉnh Hậu Giang")
        + b"</p></body></html>"
    )
    loaded = load_file(write(tmp_path / "a.html", data), LIMIT)
    assert loaded.encoding == "cp1258"
    assert [nfc(line) for line in loaded.lines] == ["Sở Y tế tỉnh Hậu Giang"]


def test_html_tcvn3_declared_latin1(tmp_path: Path, health_paragraph: list[str]) -> None:
    body = "".join(f"<p>{line}</p>" for line in health_paragraph if line.strip())
    html = f'<html><head><meta charset="iso-8859-1"></head><body>{from_unicode(body, "tcvn3")}</body></html>'
    loaded = load_file(write(tmp_path / "old.html", html.encode("latin-1")), LIMIT)
    assert loaded.encoding == "tcvn3"
    assert loaded.lines == [" ".join(line.split()) for line in health_paragraph if line.strip()]


# ---------------------------------------------------------------- refusals


def test_empty_files(tmp_path: Path) -> None:
    assert_rejected(write(tmp_path / "e.txt", b""), "tệp rỗng")
    assert_rejected(write(tmp_path / "w.txt", b" \r\n\t \n"), "tệp rỗng")
    assert_rejected(write(tmp_path / "e.pdf", b""), "tệp rỗng")
    assert_rejected(
        write(tmp_path / "e.html", b"<html><head><title>x</title></head><body> </body></html>"), "tệp rỗng"
    )


def test_too_large(tmp_path: Path) -> None:
    message = assert_rejected(write(tmp_path / "a.txt", b"x" * 5000), "tệp quá lớn", max_bytes=1024)
    assert message == "tệp quá lớn (4,9 KB > giới hạn 1 KB)"
    sparse = tmp_path / "big.txt"
    with sparse.open("wb") as f:
        f.truncate(60 * MB)  # sparse: no 60 MB actually written
    assert assert_rejected(sparse, "tệp quá lớn") == "tệp quá lớn (60,0 MB > giới hạn 50 MB)"


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    message = assert_rejected(write(tmp_path / "a.xyz", "Kế hoạch".encode()), "định dạng không hỗ trợ (.xyz)")
    assert ".docx" in message  # tells what is accepted
    assert_rejected(write(tmp_path / "noext", "Kế hoạch".encode()), "định dạng không hỗ trợ")
    assert_rejected(tmp_path / "missing.txt", "không tìm thấy tệp")


def test_binary_named_txt(tmp_path: Path) -> None:
    rng = random.Random(3)
    with_nuls = bytes(b if i % 3 else 0 for i, b in enumerate(rng.randbytes(3000)))
    assert_rejected(write(tmp_path / "nul.txt", with_nuls), "không phải văn bản")
    controls = bytes(
        rng.choice(b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x1b\x7fabc") for _ in range(3000)
    )
    assert_rejected(write(tmp_path / "ctl.txt", controls), "không nhận dạng được bảng mã")
    png = b"\x89PNG\r\n\x1a\n" + rng.randbytes(500)
    assert_rejected(write(tmp_path / "img.md", png), "không phải văn bản (nội dung là ảnh PNG")


def test_pdf_named_txt(tmp_path: Path, font: Path) -> None:
    data = make_pdf(tmp_path / "x.pdf", ["Kế hoạch"], font).read_bytes()
    assert_rejected(write(tmp_path / "x.txt", data), "không phải văn bản (nội dung là tệp PDF")


def test_messages_are_vietnamese_not_library_errors(tmp_path: Path) -> None:
    """No pypdf/docx exception text without a Vietnamese reason in front of it."""
    cases = {
        "a.pdf": b"%PDF-1.7\n" + random.Random(4).randbytes(300),
        "b.docx": b"PK\x03\x04" + random.Random(5).randbytes(300),
    }
    for name, data in cases.items():
        message = assert_rejected(write(tmp_path / name, data), "hỏng", "không")
        assert re.match(r"^(tệp|PDF|không)", message), message
