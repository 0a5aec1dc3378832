"""What the browser tests share (test helper): the API and UI pair on free 127.0.0.1 ports, headless Chromium
(selenium) with its own profile, waiting for what a person would see, screenshots in test-output/browser/, and
the scan for English left on a page."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from page_scan import SCAN_JS, english_words

from qa.run_services import ServiceError, api_command, service, ui_command

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path(shutil.which("chromedriver") or "/usr/bin/chromedriver")
SHOTS = ROOT / "test-output" / "browser"
WAIT = 90  # seconds: a busy 2-core machine
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--lang=vi",
)


def missing() -> str | None:
    """Why no browser test can run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)"
    if not CHROMEDRIVER.exists():
        return "chromedriver is missing (apt-get install chromium-driver)"
    return None


@contextmanager
def api_and_ui(
    engine: Any, logs: Path, api_port: int, ui_port: int, env: dict[str, str]
) -> Iterator[tuple[str, str]]:
    """The real API over the session's index (read-only; saved answers and feedback in `logs`) and the real
    UI, until the block ends; yields their addresses. `env` adds to or overrides the servers' settings
    (`QA_API_URL` is where the UI finds the API)."""
    api, ui = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{ui_port}"
    full = {
        "QA_INDEX_DIR": str(engine.settings.index_dir),
        "QA_CORPUS_DIR": str(engine.settings.corpus_dir),
        "QA_CACHE_DIR": str(engine.settings.cache_dir),
        "QA_STORE_DIR": str(logs / "stores"),
        "QA_API_URL": api,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        **env,
    }
    try:
        with (
            service("API", api_command(api_port), f"{api}/health", full, log=logs / "api.log"),
            service("UI", ui_command(ui_port), f"{ui}/_stcore/health", full, log=logs / "ui.log"),
        ):
            yield api, ui
    except ServiceError as exc:
        pytest.fail(f"{exc}\n" + "\n".join(p.read_text(errors="replace")[-2000:] for p in logs.glob("*.log")))


@contextmanager
def chromium(profiles: Path) -> Iterator[Callable[..., Any]]:
    """A function that starts a fresh Chromium (its own profile: no cookies) at a size or a phone's viewport,
    optionally in dark mode; every browser started is closed when the block ends."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    drivers: list[Any] = []
    downloads = profiles / "downloads"

    def start(width: int = 1400, height: int = 1800, *, phone: bool = False, dark: bool = False) -> Any:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        profile = profiles / f"profile-{len(drivers)}"
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
            options.add_argument(flag)
        if phone:
            options.add_experimental_option(
                "mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2}}
            )
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER), log_output=os.devnull), options=options)
        driver.set_page_load_timeout(60)
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        if dark:
            driver.execute_cdp_cmd(
                "Emulation.setEmulatedMedia",
                {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
            )
        drivers.append(driver)
        return driver

    try:
        yield start
    finally:
        for d in drivers:
            d.quit()


def wait(driver: Any, condition: Callable[[Any], Any], what: str, timeout: float = WAIT) -> Any:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.25).until(condition)
    except TimeoutException:
        text = driver.find_element("tag name", "body").text
        shot(driver, f"failed-{what.replace(' ', '-')}")
        pytest.fail(f"{what}: not on the page after {timeout:.0f} s:\n{text[-3000:]}")


def shot(driver: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert driver.save_screenshot(str(path))
    return path


def body(driver: Any) -> str:
    return str(driver.find_element("tag name", "body").text)


def click_text(driver: Any, text: str, css: str = "button") -> None:
    def found(d: Any) -> Any:
        return next(
            (e for e in d.find_elements("css selector", css) if text in e.text and e.is_displayed()), None
        )

    element = wait(driver, found, f"button {text!r}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def shown(driver: Any, css: str, what: str) -> Any:
    """The first element matching css once it can take input (an expander opens with an animation: the input exists,
    hidden, before it is interactable)."""

    def found(d: Any) -> Any:
        return next(
            (e for e in d.find_elements("css selector", css) if e.is_displayed() and e.is_enabled()), None
        )

    return wait(driver, found, what)


def no_english(driver: Any) -> list[tuple[str, str, list[str]]]:
    items = driver.execute_script(SCAN_JS)
    return [
        (kind, text[:120], english_words(text))
        for kind, text in items
        if kind != "lang" and english_words(text)
    ]


def caption_contrasts(driver: Any) -> list[float]:
    """WCAG contrast of every caption's text against the page background (opacity included)."""
    return list(
        driver.execute_script(
            """
            function rgb(s) { return s.match(/[\\d.]+/g).map(Number); }
            function lum(c) { const v = c.slice(0, 3).map(x => { x /= 255;
              return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
              return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
            const bg = rgb(getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor);
            return Array.from(document.querySelectorAll('[data-testid="stCaptionContainer"]')).map(el => {
              let a = 1; for (let e = el; e; e = e.parentElement) a *= Number(getComputedStyle(e).opacity);
              const fg = rgb(getComputedStyle(el).color); const fa = (fg[3] === undefined ? 1 : fg[3]) * a;
              const mix = [0, 1, 2].map(i => fg[i] * fa + bg[i] * (1 - fa));
              const [l1, l2] = [lum(mix), lum(bg)].sort((x, y) => y - x);
              return (l1 + 0.05) / (l2 + 0.05); });
            """
        )
    )
