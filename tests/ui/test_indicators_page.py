"""The «Chỉ tiêu» page in a real browser: headless Chromium -> `streamlit run ui/app.py` -> the real API over the
session's index (one API and one UI for the module, tests/ui/browser_kit.py). An official picks «Số giường bệnh
trên 10.000 dân», reads the shipped documents' values in the table and the chart, opens a value's source line,
takes the table away as Excel; on a phone, in dark mode, the table is grouped by today's units.
Screenshots in test-output/browser/ (20-…).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from browser_kit import (
    api_and_ui,
    body,
    caption_contrasts,
    chromium,
    click_text,
    missing,
    no_english,
    shot,
    wait,
)

from qa.run_services import free_port

pytestmark = [pytest.mark.browser, pytest.mark.skipif(missing() is not None, reason=missing() or "")]

BEDS = "hospital_beds_per_10k"
# The shipped corpus: (province, kind, year) -> the value as written (documents 000, 001, 004).
EXPECTED = {
    ("Hậu Giang", "thực hiện", "2023"): "35,8",
    ("Hậu Giang", "kế hoạch", "2023"): "35,7",
    ("Bắc Giang", "kế hoạch", "2024"): "33,8",
    ("Bắc Giang", "ước thực hiện", "2023"): "32,0",
    ("Hà Nam", "kế hoạch", "2022"): "24",
}
ROWS_JS = """
return Array.from(document.querySelectorAll('table.qa-indicator tbody tr:not(.qa-group)')).map(tr => {
  const head = tr.querySelector('th[scope=row]').innerText.split('\\n')[0].trim();
  const cells = {};
  for (const td of tr.querySelectorAll('td')) {
    const link = td.querySelector('a.qa-value');
    cells[td.dataset.label] = link ? link.innerText.trim() : td.innerText.trim();
  }
  return [head, cells];
});
"""


@pytest.fixture(scope="module")
def ui(engine, tmp_path_factory) -> Iterator[str]:
    logs = tmp_path_factory.mktemp("indicator-servers")
    with api_and_ui(engine, logs, free_port(), free_port(), {}) as (_api, ui_url):
        yield ui_url


@pytest.fixture
def open_browser(tmp_path, monkeypatch) -> Iterator[Callable[..., Any]]:
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never try the network
    with chromium(tmp_path) as start:
        yield start


def table_rows(driver: Any) -> dict[tuple[str, str, str], str]:
    """(province, kind, year) -> the value shown, read from the rendered table."""
    out = {}
    for head, cells in driver.execute_script(ROWS_JS):
        kind = cells.pop("Loại số liệu")
        out |= {(head, kind, year): text for year, text in cells.items() if text != "—"}
    return out


def table_text(driver: Any) -> str:
    """The table's text, read in one script call: a rerun may replace the element between two calls."""
    return str(
        driver.execute_script(
            "const t = document.querySelector('table.qa-indicator'); return t ? t.innerText : ''"
        )
    )


def table_ready(driver: Any) -> dict[tuple[str, str, str], str]:
    wait(
        driver, lambda d: d.find_elements("css selector", "table.qa-indicator a.qa-value"), "indicator table"
    )
    return table_rows(driver)


def test_pick_an_indicator_read_its_table_and_chart_open_a_source_and_export(ui, open_browser, tmp_path):
    from openpyxl import load_workbook
    from selenium.webdriver.common.keys import Keys

    driver = open_browser()
    driver.get(f"{ui}/chi-tieu")
    box = wait(
        driver, lambda d: d.find_elements("css selector", ".st-key-chi_tieu input"), "indicator picker"
    )[0]
    wait(driver, lambda d: d.execute_script("return document.documentElement.lang") == "vi", "lang=vi")
    wait(driver, lambda d: "Hoặc xem nhanh một chỉ tiêu" in body(d), "quick picks")
    assert no_english(driver) == []
    shot(driver, "20-indicators-first-visit")

    box.click()
    box.send_keys("Số giường bệnh trên 10.000 dân")
    box.send_keys(Keys.ENTER)
    rows = table_ready(driver)
    assert {k: rows.get(k) for k in EXPECTED} == EXPECTED
    assert ("Kiên Giang", "mục tiêu", "2030") in rows  # targets have their own row
    assert f"chi_tieu={BEDS}" in driver.current_url  # a link to this table
    # The chart: one bar per value, each named with its kind and year; the estimate beside actuals is said.
    chart = wait(
        driver,
        lambda d: d.find_elements("css selector", ".st-key-qa-indicator-chart [role='graphics-document']"),
        "chart",
    )[0]
    described = chart.get_attribute("aria-label")
    assert (
        "Bắc Giang · Ước thực hiện 2023: 32,0" in described
        and "Hậu Giang · Thực hiện 2023: 35,8" in described
    )
    assert "số ước thực hiện (chưa phải số chính thức)" in body(driver)
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'start'})",
        driver.find_element("css selector", "table.qa-indicator"),
    )
    time.sleep(1.0)  # the chart's first paint
    shot(driver, "21-indicator-table-and-chart")

    # One click on a value opens its source: the document around the line, that line highlighted.
    value = next(a for a in driver.find_elements("css selector", "a.qa-value") if a.text == "33,8")
    target = value.get_attribute("data-target")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", value)
    value.click()
    # Its caption comes first, the numbered lines a moment later: wait for the lines with the value.
    source = wait(
        driver,
        lambda d: next(
            (
                e
                for e in d.find_elements("css selector", f".st-key-{target}")
                if "được tô màu" in e.text and "Số giường bệnh/10.000 dân" in e.text
            ),
            None,
        ),
        "source line",
    )
    text = source.text
    assert (
        "Kế hoạch Công tác y tế tỉnh Bắc Giang năm 2024" in text
        and "tỉnh Bắc Giang cũ, nay thuộc tỉnh Bắc Ninh" in text
    )
    assert "(dòng 332) được tô màu" in text and "Số giường bệnh/10.000 dân" in text and "33,8" in text
    marked = source.find_elements("css selector", "span[class*='background'], mark, [style*='background']")
    assert any("33,8" in m.text for m in marked), "the source line is not highlighted"
    shot(driver, "22-indicator-value-opens-its-source-line")

    click_text(driver, "Tải bảng về (Excel")
    downloads = tmp_path / "downloads"
    wait(driver, lambda _: list(downloads.glob("chi-tieu-*.xlsx")), "downloaded Excel file")
    book = load_workbook(next(downloads.glob("chi-tieu-*.xlsx")))
    sheet, sources = book["Bảng"], book["Nguồn"]
    years = [c.value for c in sheet[4]][3:]
    exported = {
        (r[1], r[2], year): v
        for r in sheet.iter_rows(min_row=5, values_only=True)
        for year, v in zip(years, r[3:], strict=True)
        if v is not None
    }
    for key, shown in EXPECTED.items():  # the same values, as numbers
        assert exported[key] == float(shown.replace(",", ".")), key
    lines = {(r[1], r[10], r[11]) for r in sources.iter_rows(min_row=2, values_only=True)}
    assert ("Bắc Giang", "Kế hoạch Công tác y tế tỉnh Bắc Giang năm 2024", 332) in lines

    # The province filter narrows the table to today's unit, and stays chosen on the documents page.
    pick = driver.find_element("css selector", ".st-key-filter_province input")
    pick.click()
    pick.send_keys("Bắc Ninh")
    pick.send_keys(Keys.ENTER)
    wait(driver, lambda d: {k[0] for k in table_rows(d)} == {"Bắc Giang"}, "table of Bắc Ninh")
    assert no_english(driver) == []
    click_text(driver, "Tài liệu", "[data-testid='stSidebarNav'] a")
    wait(driver, lambda d: "1 tài liệu của tỉnh Bắc Ninh" in body(d), "documents of Bắc Ninh")


def test_phone_dark_mode_grouped_by_current_unit(ui, open_browser):
    from PIL import Image

    driver = open_browser(390, 844, phone=True, dark=True)
    driver.get(f"{ui}/chi-tieu?chi_tieu={BEDS}")  # a shared link opens the table
    table_ready(driver)
    # The controls above the table may come after its rows on a phone: wait for the toggle, do not assume it.
    wait(
        driver,
        lambda d: d.find_elements("css selector", ".st-key-nhom_hien_nay label"),
        "the grouping toggle",
    )
    toggle = driver.find_element("css selector", ".st-key-nhom_hien_nay label")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", toggle)
    toggle.click()
    wait(driver, lambda d: "tỉnh Hậu Giang cũ" in table_text(d), "grouped")
    groups = driver.execute_script(  # one call: a rerun may replace the rows between two
        "return Array.from(document.querySelectorAll('table.qa-indicator tr.qa-group')).map(g => g.innerText.trim())"
    )
    assert groups == ["tỉnh An Giang", "tỉnh Bắc Ninh", "thành phố Cần Thơ", "tỉnh Ninh Bình"]
    rows = table_rows(driver)
    assert rows[("tỉnh Hậu Giang cũ", "thực hiện", "2023")] == "35,8"
    assert rows[("tỉnh Bắc Giang cũ", "kế hoạch", "2024")] == "33,8"
    # Nothing wider than the phone: each row is a card, years without a value left out.
    width = driver.execute_script("return document.documentElement.clientWidth")
    cells = driver.execute_script(
        "return Array.from(document.querySelectorAll('table.qa-indicator td, table.qa-indicator th'))"
        ".filter(c => c.offsetParent).map(c => { const r = c.getBoundingClientRect(); return [r.left, r.right]; })"
    )
    assert cells and all(left >= 0 and right <= width + 0.5 for left, right in cells)
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    table = driver.find_element("css selector", "table.qa-indicator")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", table)
    shot(driver, "23-indicators-phone-dark-grouped-by-current-unit")
    # Dark mode: the chart's labels (its numbers) are light on the dark background, captions readable.
    chart = wait(
        driver,
        lambda d: d.find_elements(
            "css selector", ".st-key-qa-indicator-chart canvas, .st-key-qa-indicator-chart svg.marks"
        ),
        "chart",
    )[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", chart)
    time.sleep(1.0)  # the chart's first paint
    image = Image.open(io.BytesIO(chart.screenshot_as_png)).convert("L")
    labels = image.crop((0, 0, image.width // 3, image.height))
    assert sum(labels.histogram()[171:]) > 50, "no light text on the dark chart"
    assert min(caption_contrasts(driver)) >= 4.5
    shot(driver, "24-indicators-phone-dark-chart")
