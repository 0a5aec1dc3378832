"""End to end in a real browser: headless Chromium (selenium) -> `streamlit run ui/app.py` -> the real API.

Both servers run as subprocesses on free 127.0.0.1 ports; the API serves the session's index
(tests/conftest.py builds it once) read-only. The screenshot lands in test-output/browser/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.run_services import ServiceError, api_command, free_port, service, ui_command

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path(shutil.which("chromedriver") or "/usr/bin/chromedriver")
SHOT = ROOT / "test-output" / "browser" / "answer.png"
QUESTION = "Năm 2024 Bắc Giang đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--window-size=1400,1800",
    "--lang=vi",
)


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)"
    if not CHROMEDRIVER.exists():
        return "chromedriver is missing (apt-get install chromium-driver)"
    return None


# Skip before the fixtures build anything: the index and two servers are wasted without a browser.
pytestmark = [pytest.mark.browser, pytest.mark.skipif(_missing() is not None, reason=_missing() or "")]


@pytest.fixture(scope="module")
def ui_url(engine, tmp_path_factory) -> Iterator[str]:
    logs = tmp_path_factory.mktemp("browser-servers")
    api_port, ui_port = free_port(), free_port()
    api = f"http://127.0.0.1:{api_port}"
    env = {
        "QA_INDEX_DIR": str(engine.settings.index_dir),
        "QA_CORPUS_DIR": str(engine.settings.corpus_dir),
        "QA_CACHE_DIR": str(engine.settings.cache_dir),
        "QA_API_URL": api,
        "QA_API_KEYS": "",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    ui = f"http://127.0.0.1:{ui_port}"
    try:
        with (
            service("API", api_command(api_port), f"{api}/health", env, log=logs / "api.log"),
            service("UI", ui_command(ui_port), f"{ui}/_stcore/health", env, log=logs / "ui.log"),
        ):
            yield ui
    except ServiceError as exc:
        pytest.fail(f"{exc}\n" + "\n".join(p.read_text(errors="replace")[-2000:] for p in logs.glob("*.log")))


@pytest.fixture
def browser(tmp_path, monkeypatch) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never try the network
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER), log_output=os.devnull), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def test_question_answer_and_citation_in_chromium(ui_url, browser):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(ui_url)
    wait = WebDriverWait(browser, 90)
    box = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "textarea[data-testid='stChatInputTextArea']"))
    wait.until(lambda d: "Thử một câu hỏi mẫu" in d.find_element(By.TAG_NAME, "body").text)  # welcome drawn
    box.send_keys(QUESTION)
    box.send_keys(Keys.ENTER)

    def answered(d):  # the assistant's message with its first citation, once Streamlit has drawn it
        messages = d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")
        if len(messages) < 2:
            return None
        # `in`, not startswith: the text begins with the expander icon's ligature name.
        citations = [
            e
            for e in messages[1].find_elements(By.CSS_SELECTOR, "[data-testid='stExpander']")
            if "[1] " in e.text
        ]
        return (messages[1], citations[0]) if citations else None

    try:
        answer, citation = wait.until(answered)
    except TimeoutException:
        pytest.fail(
            "no answer with a citation on the page:\n" + browser.find_element(By.TAG_NAME, "body").text
        )
    assert "12,5" in answer.text
    assert "Kế hoạch Công tác y tế tỉnh Bắc Giang năm 2024" in citation.text and "Bắc Giang" in citation.text
    assert "Số bác sỹ/10.000 dân" in citation.text  # expanded by default: the cited row is on screen
    wait.until(
        lambda d: d.find_elements(
            By.CSS_SELECTOR, "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg"
        )
    )
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SHOT))
