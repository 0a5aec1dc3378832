"""The web interface (Streamlit AppTest) against a real API server: uvicorn in a subprocess on a free
127.0.0.1 port, serving a tmp copy of the corpus and of the session's index (tests/conftest.py builds
it once; copied, so the upload and deletion here never touch what other test files read)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from qa.run_services import ServiceError, api_command, free_port, service

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "ui" / "app.py")
KEY = "khoa-giao-dien-123"
BAC_GIANG = "Năm 2024 Bắc Giang đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?"
NOT_FOUND = "Không tìm thấy thông tin trong tài liệu"
UNREACHABLE = "Không kết nối được tới máy chủ"
LAM_DONG_MD = """# KẾ HOẠCH CÔNG TÁC Y TẾ TỈNH LÂM ĐỒNG NĂM 2024

Số: 998/KH-SYT, Lâm Đồng, ngày 15 tháng 01 năm 2024

## I. MỤC TIÊU, CHỈ TIÊU

Năm 2024, Sở Y tế tỉnh Lâm Đồng phấn đấu số bác sĩ trên 10.000 dân đạt 11,4 bác sĩ.
""".encode()


@pytest.fixture(scope="session")
def api_url(engine, tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("ui-api")
    shutil.copytree(ROOT / "corpus", root / "corpus")
    shutil.copytree(engine.settings.index_dir, root / "index", symlinks=True)  # already embedded: no rebuild
    port, log = free_port(), root / "api.log"
    env = {
        "QA_CORPUS_DIR": str(root / "corpus"),
        "QA_INDEX_DIR": str(root / "index"),
        "QA_CACHE_DIR": str(engine.settings.cache_dir),
        "QA_API_KEYS": KEY,
        "QA_PROTECT_READS": "false",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    url = f"http://127.0.0.1:{port}"
    try:
        with service("API", api_command(port), f"{url}/health", env, log=log):
            yield url
    except ServiceError as exc:
        pytest.fail(f"{exc}\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def app(api_url, monkeypatch) -> AppTest:
    monkeypatch.setenv("QA_API_URL", api_url)
    return AppTest.from_file(APP, default_timeout=60).run()


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def last_response(at: AppTest) -> dict[str, Any]:
    turn = at.session_state["turns"][-1]
    assert not turn.error, turn.error
    return turn.response


def answer_texts(at: AppTest) -> list[str]:
    """Each answer's text (the markdown after the scope line)."""
    return [
        next(m.value for m in msg.markdown if "Đã hiểu câu hỏi" not in m.value)
        for msg in at.chat_message
        if msg.name == "assistant" and len(msg.markdown)
    ]


def figures_tables(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.main.get("html") if "qa-figures" in h.proto.body]


def citation_expanders(at: AppTest, n: int | None = None) -> list[Any]:
    found = [e for e in at.main.expander if e.label.startswith("\\[")]
    return [e for e in found if e.label.startswith(f"\\[{n}\\]")] if n is not None else found


# ---------------------------------------------------------------------- chat


def test_first_visit_shows_welcome_and_examples(app):
    assert not app.exception
    assert "Đặt câu hỏi bằng tiếng Việt" in app.main.markdown[0].value
    assert any(c.value.startswith("Kho hiện có ") and "Bắc Giang" in c.value for c in app.main.caption)
    examples = [b for b in app.main.button if b.key.startswith("example-main")]
    assert len(examples) >= 4
    examples[0].click().run()  # a first-time user clicks an example: it is asked
    assert "12,5" in answer_texts(app)[0]


def test_chat_turn_and_follow_up_uses_history(app):
    ask(app, BAC_GIANG)
    first = answer_texts(app)[0]
    assert "12,5" in first and 'class="qa-cite"' in first and ">[1]</a>" in first
    assert citation_expanders(app, 1) and "Bắc Giang" in citation_expanders(app, 1)[0].label
    table = figures_tables(app)[0]
    assert '<th scope="col">Chỉ tiêu</th><th scope="col">Giá trị</th>' in table
    assert 'data-label="Giá trị" class="qa-num"><span>12,5' in table and ">kế hoạch<" in table

    ask(app, "Còn năm 2023 thì sao?")
    second = answer_texts(app)[1]
    assert "12,2" in second and "2023" in second
    assert last_response(app)["figures"][0]["year"] == 2023


def test_citation_content_and_document_view(app):
    ask(app, BAC_GIANG)
    cited = last_response(app)["citations"][0]
    box = citation_expanders(app, 1)[0]
    texts = [m.value for m in box.markdown]
    assert any(t.startswith("**Mục:**") and "Các chỉ tiêu cơ bản" in t for t in texts)
    assert any(f"dòng {cited['start_line']}" in c.value for c in box.caption)
    header = next(h.proto.body for h in box.get("html"))  # the cited row under its column headers
    assert (
        '<th scope="col">Ước TH năm 2023</th>' in header
        and '<td data-label="Ước TH năm 2023">12,2</td>' in header
    )

    app.button(key="doc-0-1").click().run()
    assert not app.exception
    box = citation_expanders(app, 1)[0]
    view = box.markdown[-1].value  # numbered original lines, the cited one highlighted
    n = cited["start_line"]
    assert f"`{n}` :orange-background[1 │ Số bác sỹ/10.000 dân" in view
    assert f"`{n - 2}` TT │ Chỉ tiêu │ Đơn vị tính │ Ước TH năm 2023 │ Kế hoạch năm 2024" in view
    assert any(f"dòng {n - 8}–{n + 8}" in c.value for c in box.caption)
    assert box.button[0].label == "Ẩn văn bản gốc"


def test_province_filter_is_sent(app):
    app.sidebar.selectbox(key="filter_province").select("Hà Nam").run()
    ask(app, "Số bác sĩ trên 10.000 dân là bao nhiêu?")
    citations = last_response(app)["citations"]
    assert citations and {c["province"] for c in citations} == {"Hà Nam"}
    assert all("— Hà Nam · " in e.label for e in citation_expanders(app))
    assert "8,3" in answer_texts(app)[0]


def test_abstention_notice_with_related_passages(app):
    ask(app, "Bắc Giang ghi nhận bao nhiêu ca bệnh dại trong 6 tháng đầu năm 2023?")
    assert last_response(app)["abstained"]
    assert any(NOT_FOUND in w.value for w in app.main.warning)
    assert any("có thể liên quan" in m.value for m in app.main.markdown)
    assert citation_expanders(app)


def test_unreachable_api_gives_a_message_not_a_traceback(monkeypatch):
    monkeypatch.setenv("QA_API_URL", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert any(UNREACHABLE in e.value for e in at.sidebar.error)
    at.chat_input[0].set_value(BAC_GIANG).run()
    assert not at.exception
    assert any(UNREACHABLE in e.value for e in at.main.error)


# ---------------------------------------------------------------------- documents page


def test_documents_page_upload_and_delete(app):
    app.switch_page("views/documents.py").run()
    assert not app.exception
    before = len(app.main.dataframe[0].value)
    assert before >= 5
    assert app.button(key="upload").disabled  # no key yet: the page says where to enter it
    assert any("Nhập khoá API" in i.value for i in app.main.info)

    app.sidebar.text_input(key="api_key_typed").input("sai-khoa").run()
    assert any("Khoá chưa được chấp nhận" in e.value for e in app.sidebar.error)  # checked by the API
    assert app.button(key="upload").disabled

    app.sidebar.text_input(key="api_key_typed").input(KEY).run()
    assert any("Khoá hợp lệ" in s.value for s in app.sidebar.success)
    app.file_uploader[0].set_value(("ke-hoach-lam-dong-2024.md", LAM_DONG_MD, "text/markdown")).run()
    app.button(key="upload").click().run(timeout=180)  # waits for the background indexing job
    assert not app.exception
    assert any("Đã thêm «ke-hoach-lam-dong-2024.md»" in s.value for s in app.main.success)
    table = app.main.dataframe[0].value
    assert len(table) == before + 1 and "ke-hoach-lam-dong-2024.md" in set(table["Tệp"])

    app.selectbox(key="delete_pick").select("ke-hoach-lam-dong-2024.md").run()
    app.button(key="delete").click().run()
    assert any("Xoá «" in w.value for w in app.main.warning)  # asks before deleting
    app.button(key="delete_yes").click().run(timeout=180)
    assert not app.exception
    assert any("Đã xoá" in s.value for s in app.main.success)
    table = app.main.dataframe[0].value
    assert len(table) == before and "ke-hoach-lam-dong-2024.md" not in set(table["Tệp"])
