"""The page as a professional uses it, in Debian's headless Chromium: what is indexed, citations that open their
card, each answer with its own sources, follow-ups, contrast, the narrow layout, Compare's no-match message,
the downloads and the link to the reply itself.  Screenshots go to test-output/."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.web import page as webpage

from conftest import copy_built, free_port
from replies import MINI, write_docx
from test_browser import (ARGS, CHROMIUM, OUTPUT, PENALTY, ask, browser, open_page,  # noqa: F401 (fixtures)
                          page_url, wait_for_answer)

HELPLINES = "Which helplines can a child victim call?"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

# WCAG 2 contrast of every visible piece of text under the selector, from the colours the browser rendered:
# the text colour composited over the first opaque background behind it (semi-transparent layers blended).
CONTRAST_JS = """
(selector) => {
  const parse = (c) => {
    let m = c.match(/^rgba?\\(([^)]+)\\)/);
    if (m) { const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
             return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; }
    m = c.match(/^color\\(srgb ([^)]+)\\)/);
    if (m) { const p = m[1].split(/[\\s\\/]+/).filter(Boolean).map(Number);
             return {r: p[0] * 255, g: p[1] * 255, b: p[2] * 255, a: p.length > 3 ? p[3] : 1}; }
    return null;
  };
  const blend = (top, bottom) => ({r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
                                   b: top.b * top.a + bottom.b * (1 - top.a), a: 1});
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let bg = {r: 255, g: 255, b: 255, a: 1};
    for (const layer of layers.reverse()) bg = blend(layer, bg);
    return bg;
  };
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3 && n.textContent.trim()).length;
    if (!own || !el.getClientRects().length || el.closest('[hidden], :disabled')) continue;  // WCAG exempts disabled controls
    const bg = background(el);
    const fg = blend(parse(getComputedStyle(el).color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    out.push({text: el.textContent.trim().slice(0, 50), ratio: (hi + 0.05) / (lo + 0.05)});
  }
  return out;
}
"""


def new_page(browser, url, width=1400, height=1000, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    open_page(page, url)
    return page


@pytest.fixture()
def page(browser, page_url):
    p = new_page(browser, page_url)
    yield p
    p.context.close()


def in_view(page, locator) -> bool:
    """Whether the element's top part is visible: inside the window and inside the box that scrolls it."""
    return page.evaluate("""(el) => {
        const r = el.getBoundingClientRect();
        if (r.top < 0 || r.top + 20 > window.innerHeight) return false;
        for (let p = el.parentElement; p; p = p.parentElement) {
            const s = getComputedStyle(p);
            if (/(auto|scroll)/.test(s.overflowY) && p.scrollHeight > p.clientHeight + 1) {
                const b = p.getBoundingClientRect();
                if (r.top < b.top - 1 || r.top + 20 > b.bottom) return false;
            }
        }
        return true;
    }""", locator.element_handle())


def visible_set(page):
    return page.locator("#sources-panel .src-set:not([hidden])")


# ------------------------------------------------------------------------------------------ what is indexed

def test_status_line_after_start(page):
    status = page.locator("#index-status")
    sync_api.expect(status).to_contain_text("1 Party indexed: Portugal · 2nd round · English")
    assert re.search(r"\d+ passages · built \d{4}-\d\d-\d\d \d\d:\d\d UTC", status.inner_text())


def test_status_line_after_an_upload(browser, tmp_path, mini_built):
    base = copy_built(mini_built, tmp_path / "kb")
    demo = webpage.launch(Assistant.open(base / "index", corpus=base / "corpus"), host="127.0.0.1", port=free_port(),
                          block=False)
    page = new_page(browser, demo.local_url)
    try:
        status = page.locator("#index-status")
        sync_api.expect(status).to_contain_text("1 Party indexed: Portugal")
        page.get_by_role("tab", name="Add a reply").click()
        upload = write_docx(tmp_path / "andorra.docx", MINI, "ANDORRA", "AD")
        page.locator("#add-file input[type=file]").set_input_files(str(upload))
        sync_api.expect(page.locator("#add-preview")).to_contain_text("Andorra", timeout=30_000)
        page.locator("#add-confirm").click()
        sync_api.expect(page.locator("#add-status")).to_contain_text("Done", timeout=120_000)
        sync_api.expect(status).to_contain_text("2 Parties indexed: Andorra, Portugal", timeout=15_000)
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "add-reply-status.png"), full_page=True)
        assert (base / "corpus").joinpath("T-ES(2017)ICT-AD_Andorra.docx").is_file()  # the copy, not the fixture
    finally:
        page.context.close()
        demo.close()


# ------------------------------------------------------------------------------------------ citations and sources

def test_citation_link_brings_its_card_into_view(page):
    ask(page, PENALTY)
    turn = wait_for_answer(page, 1)
    OUTPUT.mkdir(exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(OUTPUT / "ask-1400.png"), full_page=True)
    last = turn.locator(".cite-list a.cite").last  # the last source: its card is below the panel's fold
    rank = last.inner_text().strip("[]")
    card = page.locator(f"#src-1-{rank}")
    assert not in_view(page, card)
    # the question in full on hover; reachable and usable from the keyboard
    assert last.get_attribute("title").startswith("Portugal · Q")
    assert page.evaluate("(el) => el.tabIndex", last.element_handle()) >= 0
    last.focus()
    page.keyboard.press("Enter")
    sync_api.expect(card).to_have_class(re.compile(r"\bsrc-flash\b"))
    assert in_view(page, card)
    assert page.evaluate("() => document.activeElement.id") == f"src-1-{rank}"  # focus moved to the card
    assert card.get_attribute("tabindex") == "0"
    page.screenshot(path=str(OUTPUT / "citation-card.png"))
    # a quote's [1] opens the first card, with the quoted sentence highlighted
    turn.locator(".turn-quote a.cite").first.click()
    first = page.locator("#src-1-1")
    assert in_view(page, first) and "src-flash" in first.get_attribute("class")
    sync_api.expect(first.locator("mark").first).to_contain_text("one month to 2 years")


def test_an_earlier_answer_shows_its_own_sources(page):
    ask(page, PENALTY)
    wait_for_answer(page, 1)
    ask(page, HELPLINES)
    wait_for_answer(page, 2)
    sets = visible_set(page)
    sync_api.expect(sets).to_have_count(1)
    sync_api.expect(sets).to_have_attribute("data-turn", "2")
    sync_api.expect(sets).to_contain_text("SOS Criança")
    # [1] in the first answer opens the first answer's card, not the second's
    page.locator("#turn-1 a.cite").first.click()
    sync_api.expect(sets).to_have_attribute("data-turn", "1")
    sync_api.expect(page.locator("#src-1-1")).to_contain_text("one month to 2 years")
    assert in_view(page, page.locator("#src-1-1"))
    sync_api.expect(page.locator("#turn-1")).to_have_class(re.compile(r"\bselected\b"))
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "earlier-answer.png"))
    # selecting the second answer again shows its sources
    page.locator("#turn-2 .turn-q").click()
    sync_api.expect(sets).to_have_attribute("data-turn", "2")
    sync_api.expect(page.locator("#turn-1")).not_to_have_class(re.compile(r"\bselected\b"))


def test_new_answers_scroll_into_view_from_their_start(page):
    ask(page, PENALTY)
    wait_for_answer(page, 1)
    ask(page, HELPLINES)
    second = wait_for_answer(page, 2)
    page.wait_for_timeout(300)
    assert in_view(page, second.locator(".turn-q"))  # its start, not its end
    assert in_view(page, second.locator(".turn-quote").first)


# ------------------------------------------------------------------------------------------ follow-ups, examples, clearing

def test_a_follow_up_is_searched_with_the_previous_subject(page):
    ask(page, PENALTY)
    wait_for_answer(page, 1)
    ask(page, "and under 14?")
    second = wait_for_answer(page, 2)
    sync_api.expect(second.locator(".turn-searched")).to_have_text(
        "Searched as: “What is the penalty for possessing child sexual abuse material, under 14?”")
    sync_api.expect(second.locator(".cite-line").first).to_contain_text("Portugal · Q9.")  # still the penalties
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "follow-up.png"))

    # an example is asked when clicked, as a question of its own
    page.get_by_role("button", name=HELPLINES).click()
    third = wait_for_answer(page, 3)
    sync_api.expect(third.locator(".turn-q")).to_contain_text(HELPLINES)
    assert third.locator(".turn-searched").count() == 0
    sync_api.expect(third).to_contain_text("Q6.1")

    # "New chat" clears everything: the chat, the sources, the downloads; the next short question stands alone
    page.locator("#clear-button").click()
    sync_api.expect(page.locator("#chat .turn")).to_have_count(0)
    sync_api.expect(page.locator("#sources-panel .src")).to_have_count(0)
    sync_api.expect(page.locator("#export-txt")).to_be_disabled()
    ask(page, "and under 14?")
    sync_api.expect(wait_for_answer(page, 1).locator(".turn-searched")).to_have_count(0)


# ------------------------------------------------------------------------------------------ accessibility

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast_is_wcag_aa(browser, page_url, scheme):
    page = new_page(browser, page_url, color_scheme=scheme)
    try:
        ask(page, PENALTY)
        wait_for_answer(page, 1)
        page.locator("#turn-1 a.cite").first.click()
        cite_lines = page.evaluate(CONTRAST_JS, "#sources-panel .src-cite, #chat .cite-line")
        assert len(cite_lines) >= 10
        low = [c for c in cite_lines if c["ratio"] < 4.5]
        assert not low, low
        # all text on the Ask tab: the page's own, and Gradio's labels, tabs, buttons
        everything = page.evaluate(CONTRAST_JS, ".gradio-container *")
        low = [c for c in everything if c["ratio"] < 4.5]
        assert len(everything) > 80 and not low, low
        placeholder = page.evaluate("""() => getComputedStyle(document.querySelector('#question textarea'),
                                                               '::placeholder').color""")
        assert placeholder in ("rgb(75, 85, 99)", "rgb(195, 200, 208)")  # --lz-muted: 7.5:1 light, 9:1 dark
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / f"contrast-{scheme}.png"))
    finally:
        page.context.close()


def test_inputs_are_labelled_and_numbers_kept_in_range(page):
    sync_api.expect(page.get_by_role("textbox", name="Your question")).to_be_visible()
    number = page.locator("#k-slider input[type=number]")
    number.fill("25")
    number.press("Tab")
    sync_api.expect(number).to_have_value("10")
    sync_api.expect(page.locator("#k-slider input[type=range]")).to_have_value("10")
    number.fill("0")
    number.press("Tab")
    sync_api.expect(number).to_have_value("1")


def test_narrow_screen_shows_the_sources_right_after_the_answer(browser, page_url):
    page = new_page(browser, page_url, width=400, height=900)
    try:
        ask(page, PENALTY)
        wait_for_answer(page, 1)
        page.wait_for_timeout(300)
        chat, title, sources, question = (page.locator(s).bounding_box() for s in
                                          ("#chat", "#sources-title", "#sources-panel", "#question"))
        assert chat["x"] + chat["width"] <= 400 and sources["width"] > 300  # one column
        assert chat["y"] + chat["height"] <= title["y"] < sources["y"]  # the sources follow the answer …
        assert title["y"] - (chat["y"] + chat["height"]) < 60  # … directly: nothing in between
        assert sources["y"] + sources["height"] <= question["y"]  # the question box, examples, export after them
        assert in_view(page, page.locator("#turn-1 .turn-q"))  # the answer opens at its start
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "ask-400.png"))
        page.screenshot(path=str(OUTPUT / "ask-400-full.png"), full_page=True)
    finally:
        page.context.close()


# ------------------------------------------------------------------------------------------ copying and files

def test_copy_and_download_the_answer_as_plain_text(browser, page_url):
    page = new_page(browser, page_url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page_url.rstrip("/"))
    try:
        ask(page, PENALTY)
        turn = wait_for_answer(page, 1)
        turn.get_by_role("button", name="Copy answer 1").click()
        sync_api.expect(turn.locator(".copy-done")).to_have_text("Copied as plain text.")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied.startswith(f"Q: {PENALTY}")
        assert "[1] Portugal, reply to the 2nd round questionnaire, Q9.3" in copied and "\\" not in copied
        with page.expect_download() as download:
            page.locator("#export-md").click()
        today = datetime.date.today().isoformat()
        assert download.value.suggested_filename == \
            f"what-is-the-penalty-for-possessing-child-sexual-abuse-{today}.md"
        assert "**Question:**" in Path(download.value.path()).read_text(encoding="utf-8")
    finally:
        page.context.close()


def test_a_card_links_to_the_reply_file(page, served_assistant):
    ask(page, PENALTY)
    wait_for_answer(page, 1)
    link = page.locator("#src-1-1 a.src-download")
    assert link.get_attribute("download") == "T-ES(2017)ICT-PT_Portugal.txt"
    with page.expect_download() as download:
        link.click()
    served = Path(download.value.path()).read_bytes()
    assert served == (served_assistant.corpus / "T-ES(2017)ICT-PT_Portugal.txt").read_bytes()
    # only the corpus folder is served
    base = page.url.split("?")[0].rstrip("/")
    assert page.request.get(f"{base}/gradio_api/file=/etc/passwd").status >= 400


# ------------------------------------------------------------------------------------------ Compare

def test_compare_says_when_no_question_matches(page):
    page.get_by_role("tab", name="Compare Parties").click()
    find = page.locator("#compare-find textarea, #compare-find input").first
    find.fill("xyzzy plugh quux")
    find.press("Enter")
    output = page.locator("#compare-output")
    sync_api.expect(output).to_contain_text("No question matches “xyzzy plugh quux”", timeout=20_000)
    page.wait_for_timeout(500)
    sync_api.expect(output).to_contain_text("No question matches")  # not replaced by some question's table
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "compare-no-match.png"))
    # the questionnaire's wording labels the question found by its number
    find.fill("9.3")
    find.press("Enter")
    label = output.locator(".cmp-q")
    sync_api.expect(label).to_contain_text("Question 9. Criminalisation", timeout=20_000)
    sync_api.expect(label).to_contain_text("9.3. What are the legal consequences of the above behaviours (9.1.a-c)?")
