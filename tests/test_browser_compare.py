"""End to end in Debian's headless Chromium: the Compare view and the coverage picture on three Parties."""

from __future__ import annotations

import pytest

from assistant.web import page as webpage
from assistant.api import Assistant

from conftest import free_port
from test_browser import ARGS, CHROMIUM, OUTPUT, open_page
from test_compare import three_parties  # noqa: F401  (module fixture: three Parties built once)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def page(three_parties):  # noqa: F811
    demo = webpage.launch(Assistant.open(three_parties / "index", corpus=three_parties / "corpus"),
                         host="127.0.0.1", port=free_port(), block=False)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
        open_page(page, demo.local_url)
        yield page
        browser.close()
    demo.close()


def test_compare_view_table_and_export(page):
    OUTPUT.mkdir(exist_ok=True)
    page.get_by_role("tab", name="Compare Parties").click()
    find = page.locator("#compare-find textarea, #compare-find input").first
    find.fill("9.3")
    find.press("Enter")
    table = page.locator("#compare-table")
    table.wait_for(timeout=30_000)
    rows = page.locator("#compare-table tr.cmp-row")
    sync_api.expect(rows).to_have_count(3)
    assert [rows.nth(i).get_attribute("data-party") for i in range(3)] == ["Andorra", "Belgium", "Portugal"]
    sync_api.expect(rows.nth(1)).to_contain_text("blank")
    sync_api.expect(rows.nth(2)).to_contain_text("one month to 2 years")
    sync_api.expect(page.locator("#compare-csv")).to_be_visible()
    with page.expect_download() as download:
        page.locator("#compare-csv").click()
    assert download.value.suggested_filename == "compare-Q9_3.csv"
    page.screenshot(path=str(OUTPUT / "browser-compare.png"), full_page=True)


def test_coverage_cell_opens_the_answer(page):
    page.get_by_role("tab", name="Coverage").click()
    grid = page.locator("#coverage-grid")
    sync_api.expect(grid).to_contain_text("Belgium", timeout=15_000)
    # the Portugal row's 9.12 cell (answered only by pointing to 9.3), found where a person sees it
    header = grid.get_by_text("9.12", exact=True).filter(visible=True).first
    party = grid.get_by_text("Portugal", exact=True).filter(visible=True).first
    # each header names its question on hover, in the questionnaire's words
    titled = grid.locator('thead th[title^="9.12 — "]')
    sync_api.expect(titled).to_have_count(1)
    sync_api.expect(titled).to_have_text("9.12")
    header.scroll_into_view_if_needed()
    hx, py = header.bounding_box(), party.bounding_box()
    page.mouse.click(hx["x"] + hx["width"] / 2, py["y"] + py["height"] / 2)
    answer = page.locator("#coverage-answer")
    sync_api.expect(answer).to_contain_text("Please see answer 9.3.", timeout=15_000)
    sync_api.expect(answer).to_contain_text("Referred answer Q9.3")
    page.screenshot(path=str(OUTPUT / "browser-coverage.png"), full_page=True)
