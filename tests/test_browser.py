"""End to end in Debian's headless Chromium: ask on the served page, read the cited answer from the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.web import page as webpage

from conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "test-output"
PENALTY = "What is the penalty for possessing child sexual abuse material?"
OFF_TOPIC = "What is the boiling point of water at sea level?"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-quic", "--no-first-run", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium "
                                                     "(apt-get install -y chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")






@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page_url(served_assistant):
    demo = webpage.launch(served_assistant, host="127.0.0.1", port=free_port(), block=False)
    yield demo.local_url
    demo.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    yield context.new_page()
    context.close()


def open_page(page, url: str) -> None:
    """Load the page and wait until it is ready.  Not "networkidle": the page keeps a heartbeat connection open
    (Gradio does, for the per-session chat state) and looks for a newer build now and then."""
    page.goto(url, wait_until="load")
    page.locator("#index-status .index-status").wait_for(timeout=30_000)
    page.locator("#chat .chat-log").wait_for(timeout=30_000)
    page.wait_for_timeout(500)  # the page-load events (Party choices, Compare lists) have run


def ask(page, question: str) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def wait_for_answer(page, n: int, timeout: int = 30_000):
    """The n-th answer (1-based), once it is there."""
    answer = page.locator(f"#turn-{n} .turn-a")
    answer.wait_for(timeout=timeout)
    return page.locator(f"#turn-{n}")


def test_penalty_question_cited_and_highlighted(page, page_url):
    OUTPUT.mkdir(exist_ok=True)
    open_page(page, page_url)
    # first load: the example questions and the filters are there
    body = page.locator("body")
    sync_api.expect(body).to_contain_text("Which helplines can a child victim call?")
    sync_api.expect(page.locator("#party-filter")).to_contain_text("Party")

    ask(page, PENALTY)
    mark = page.locator("#sources-panel mark", has_text="one month to 2 years")
    mark.first.wait_for(timeout=30_000)
    chat = page.locator("#chat")
    sync_api.expect(chat).to_contain_text("Portugal · Q9.3 · Criminalisation", timeout=10_000)
    sync_api.expect(chat).to_contain_text("one month to 2 years")
    text = body.inner_text()
    assert "9.3" in text
    assert "[1] Portugal · Q9.3" in chat.inner_text()  # the Markdown escapes are not visible
    assert "\\[" not in chat.inner_text() and "\\(" not in chat.inner_text()
    page.screenshot(path=str(OUTPUT / "browser-answer.png"), full_page=True)

    # the answer as a plain-text download named after the question, with its citations and no Markdown escapes
    with page.expect_download() as download:
        page.locator("#export-txt").click()
    assert download.value.suggested_filename.startswith("what-is-the-penalty-for-possessing-child-sexual-abuse-")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Portugal, reply to the 2nd round questionnaire, Q9.3" in text and "\\[" not in text

    # another question of its own in the same chat is searched on its own text
    ask(page, "Which helplines can a child victim call?")
    wait_for_answer(page, 2)
    sync_api.expect(page.locator("#sources-panel .src-set:not([hidden])")).to_contain_text("SOS Criança")
    sync_api.expect(page.locator("#turn-2")).to_contain_text("Q6.1")
    assert chat.inner_text().count("Sources") == 2  # both answers stay in the chat


def test_a_question_in_french_is_answered_from_the_english_reply(page, page_url):
    open_page(page, page_url)
    ask(page, "Quelle peine pour la détention de matériel pédopornographique ?")
    answer = wait_for_answer(page, 1)
    sync_api.expect(answer).to_contain_text("Portugal · Q9.3", timeout=30_000)
    sync_api.expect(answer).to_contain_text("one month to 2 years")  # quoted as the reply wrote it, in English
    sync_api.expect(page.locator("#sources-panel mark", has_text="one month to 2 years").first).to_be_visible()
    assert "do not appear to address" not in page.locator("#chat").inner_text()


def test_abstention_shown_plainly(page, page_url):
    OUTPUT.mkdir(exist_ok=True)
    open_page(page, page_url)
    ask(page, OFF_TOPIC)
    chat = page.locator("#chat")
    sync_api.expect(chat).to_contain_text("do not appear to address this question", timeout=30_000)
    sync_api.expect(chat).to_contain_text("weak match")
    sync_api.expect(page.locator("#sources-panel")).to_contain_text("weak match")
    assert page.locator("#sources-panel mark").count() == 0
    page.screenshot(path=str(OUTPUT / "browser-abstain.png"), full_page=True)


class CraftedAssistant(Assistant):
    """Returns a reply whose text is an attack: the page must show it as text."""

    PAYLOAD = ('<script>window.__xss=1</script> <img src=x onerror="window.__xss=2"> '
               '[click](javascript:window.__xss=3) <b onmouseover=alert(4)>bold</b> **stars**')

    def ask(self, query, k=5, party=None, pillar=None, qid=None):
        p = self.PAYLOAD
        return {"id": qid, "query": query, "abstained": False,
                "answer": [{"text": p, "question_ids": ["9.3"], "citation": "c", "party": "Portugal", "rank": 1}],
                "passages": [{"rank": 1, "score": 1.0, "doc_id": "d", "party": "Portugal", "question_ids": ["9.3"],
                              "heading": "Question 9. Criminalisation — 9.3 " + p, "pillar": "Legislation",
                              "text": "Before. " + p + " After.", "citation": p,
                              "resolved_refs": [{"question_ids": ["9.2"], "text": p}], "lines": [1, 2],
                              "weak": False}]}


def test_crafted_reply_is_inert_in_the_browser(browser, served_assistant):
    demo = webpage.launch(CraftedAssistant(served_assistant.searcher), host="127.0.0.1", port=free_port(), block=False)
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    dialogs: list[str] = []
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        open_page(page, demo.local_url)
        ask(page, "anything")
        panel = page.locator("#sources-panel")
        sync_api.expect(panel).to_contain_text("<script>window.__xss=1</script>", timeout=20_000)
        chat = page.locator("#chat")
        sync_api.expect(chat).to_contain_text('<img src=x onerror="window.__xss=2">')
        sync_api.expect(chat).to_contain_text("[click](javascript:window.__xss=3)")
        sync_api.expect(chat).to_contain_text("bold stars")  # <b> and ** stripped for reading, never rendered
        assert page.locator("#chat strong:has-text('stars'), #chat b").count() == 0
        page.locator("#sources-panel details summary").first.click()  # references expand
        page.mouse.move(300, 300)
        page.wait_for_timeout(300)
        for area in ("#chat", "#sources-panel"):
            assert page.locator(f"{area} script, {area} img[onerror], {area} [onmouseover]").count() == 0
            assert page.locator(f'{area} a[href^="javascript"]').count() == 0
        assert page.evaluate("window.__xss") is None
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "browser-xss.png"), full_page=True)
        assert dialogs == []
    finally:
        context.close()
        demo.close()
