"""The chat page's functions and its API endpoint, over a small real index (Portugal's reply)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.web import chat, page
from assistant.web import render as webrender
from assistant.web.export import export_text
from assistant.query.render import md_inline

from conftest import free_port

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
PORTUGAL = REPO / "corpus" / "T-ES(2017)ICT-PT_Portugal.txt"
PENALTY = "What is the penalty for possessing child sexual abuse material?"
OFF_TOPIC = "What is the boiling point of water at sea level?"
PAYLOAD = "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3))"
CONTRACT_KEYS = {"id", "query", "abstained", "partial", "passages", "answer"}
PASSAGE_KEYS = {"rank", "score", "doc_id", "party", "question_ids", "heading", "pillar", "language", "page", "text",
                "citation",
                "resolved_refs", "lines", "weak"}






@pytest.fixture(scope="module")
def assistant(served_assistant):
    return served_assistant


@pytest.fixture(scope="module")
def service(assistant):
    return chat.ChatService(assistant)


@pytest.fixture(scope="module")
def xss_assistant(tmp_path_factory):
    """Portugal's reply cut to its Legislation part (quick to embed), with the 9.3 answer line replaced by a payload."""
    from assistant.api import Assistant

    lines = PORTUGAL.read_text(encoding="utf-8").splitlines()
    target = next(i for i, line in enumerate(lines) if line.startswith("For the mere possession of pornographic"))
    lines[target] = PAYLOAD
    legislation = lines.index("Legislation")
    question_10 = next(i for i, line in enumerate(lines) if line.startswith("Question 10."))
    kept = lines[:legislation - 9] + lines[legislation:question_10]  # title block, then Legislation to Q9
    assert PAYLOAD in kept
    base = tmp_path_factory.mktemp("xss")
    (base / "corpus").mkdir()
    (base / "corpus" / PORTUGAL.name).write_text("\n".join(kept) + "\n", encoding="utf-8")
    return Assistant.open(base / "index", corpus=base / "corpus")


# ----------------------------------------------------------------------------------------------- chat

def ask(service, question, turns=None, party=None, pillar=None, k=5):
    """One turn on the page's service: (turns, the chat's HTML, the sources panel's HTML)."""
    turns = service.chat(question, turns or [], party, pillar, k)
    return turns, service.chat_view(turns), service.sources_view(turns)


def test_penalty_answer_cites_9_3(service):
    turns, chat_html, sources = ask(service, PENALTY)
    assert [t["question"] for t in turns] == [PENALTY] and turns[0]["searched"] == PENALTY
    assert "Searched as" not in chat_html  # a question of its own is searched as it stands
    assert "Portugal · Q9.3 · Criminalisation — What are the legal consequences" in chat_html
    assert "<strong>Answer</strong>" in chat_html and "one month to 2 years" in chat_html
    # every [n] is a link to its card among this answer's sources, naming the question on hover
    assert '<a class="cite" href="#src-1-1" title="Portugal · Q9.3 — What are the legal consequences of the above ' \
           'behaviours (9.1.a-c)?" data-turn="1">[1]</a>' in chat_html
    assert 'id="src-1-1" tabindex="0"' in sources
    # the sources panel: the passage in full, the quoted sentence highlighted, heading and pillar shown
    assert "<mark>For the mere possession of pornographic material involving children, the penalties are one month " \
           "to 2 years of prison" in sources
    assert "Question 9. Criminalisation — 9.3 What are the legal consequences" in sources
    assert "Legislation" in sources
    assert "Portugal, reply to the 2nd round questionnaire, Q9.3" in sources
    # a link to the reply itself, served from the corpus folder
    assert 'download="T-ES(2017)ICT-PT_Portugal.txt"' in sources and "gradio_api/file=/" in sources
    # the copy button's plain text: no Markdown escapes
    assert '<button type="button" class="copy-answer" data-turn="1">Copy answer 1</button>' in chat_html
    plain = export_text(turns[-1])
    assert plain.startswith(f"Q: {PENALTY}") and "[1] Portugal, reply to the 2nd round questionnaire, Q9.3" in plain
    assert "\\" not in plain
    # the downloads: named after the question and the day; the Markdown one keeps its citations
    txt, md = service.exports(turns)
    assert Path(txt).name.startswith("what-is-the-penalty-for-possessing-child-sexual-abuse") and txt.endswith(".txt")
    assert Path(md).read_text(encoding="utf-8").startswith(f"**Question:** {md_inline(PENALTY)}")
    assert "Portugal, reply to the 2nd round questionnaire, Q9.3" in Path(md).read_text(encoding="utf-8")


def test_abstains_plainly_and_lists_weak_passages(service):
    _, chat_html, sources = ask(service, OFF_TOPIC, k=3)
    assert "The replies do not appear to address this question." in chat_html
    assert chat_html.count("<em>weak match</em>") == 3
    assert "<mark>" not in sources
    assert sources.count("weak match</span>") == 3


def test_questions_of_their_own_keep_the_chat_and_search_their_own_text(service):
    turns, _, _ = ask(service, PENALTY)
    turns, chat_html, sources = ask(service, "Which helplines can a child victim call?", turns)
    assert [t["searched"] for t in turns] == [PENALTY, "Which helplines can a child victim call?"]
    second = chat_html[chat_html.index('id="turn-2"'):]
    assert "Q6.1" in second and "Q9.3" not in second  # the helpline answer, not the penalty one
    # each answer keeps its own sources: the first answer's cards are still there, hidden until selected
    assert '<section class="src-set" data-turn="1" aria-label="Sources of answer 1" hidden>' in sources
    assert '<section class="src-set" data-turn="2" aria-label="Sources of answer 2">' in sources
    assert "SOS Criança" in sources[sources.index('data-turn="2"'):]
    assert "one month to 2 years" in sources[:sources.index('data-turn="2"')]


def test_a_follow_up_is_searched_with_the_previous_subject(service):
    turns, _, _ = ask(service, PENALTY)
    turns, chat_html, _ = ask(service, "and under 14?", turns)
    assert turns[-1]["searched"] == "What is the penalty for possessing child sexual abuse material, under 14?"
    assert "Searched as: “What is the penalty for possessing child sexual abuse material, under 14?”" in chat_html
    assert turns[-1]["result"]["passages"][0]["question_ids"][0].startswith("9.")  # still about the penalties
    assert "Searched as: What is the penalty" in export_text(turns[-1])


def test_filters_party_pillar_and_k(service):
    assert service.parties == ["Portugal"]
    assert service.pillars == ["Prevention", "Protection", "Legislation", "Prosecution"]
    result = service.ask(PENALTY, k=2, party=chat.ALL_PARTIES, pillar="Protection")
    assert len(result["passages"]) == 2
    assert {p["pillar"] for p in result["passages"]} == {"Protection"}
    assert service.ask(PENALTY, k=3, party="Portugal", pillar=chat.ALL_PILLARS)["passages"][0]["question_ids"] == ["9.3"]
    # the page's Passages control stops at 10 whatever is typed; the API keeps its own limit
    turns = service.chat(PENALTY, [], None, None, 25)
    assert len(turns[-1]["result"]["passages"]) == chat.MAX_K
    assert chat.clamp_k(0) == 1 and chat.clamp_k("7") == 7 and chat.clamp_k(None) == chat.DEFAULT_K


def test_resolved_references_are_expandable(service):
    _, _, sources = ask(service, "What does the reply say under 9.9?", k=3)
    assert "Please see answer 9.3." in sources
    assert "<details><summary>Referred answer Q9.3</summary>" in sources


def test_status_line_says_what_is_indexed(service):
    status = service.status()
    assert "1 Party indexed: Portugal · 2nd round · English · " in status and " passages · built 20" in status
    assert 'role="status"' in status


def test_errors_are_a_sentence_not_a_traceback(assistant):
    from assistant.api import Assistant
    from assistant.errors import IndexCorrupt

    class Broken(Assistant):
        def ask(self, *a, **kw):
            raise IndexCorrupt("index/current/passages.json is unreadable")

    service = chat.ChatService(Broken(assistant.searcher))
    turns, chat_html, sources = ask(service, PENALTY)
    assert turns[-1]["error"].startswith("Sorry, the question could not be answered")
    assert "unreadable" in chat_html and "Traceback" not in chat_html
    assert service.exports(turns) == (None, None) and sources == webrender.placeholder_html()

    class Buggy(Broken):
        def ask(self, *a, **kw):
            raise KeyError("secret internals")

    turns, chat_html, _ = ask(chat.ChatService(Buggy(assistant.searcher)), PENALTY)
    assert "unexpected KeyError" in chat_html
    assert "secret internals" not in chat_html


def test_empty_question_changes_nothing(service):
    before = [{"question": "hi", "searched": "hi", "result": None}]
    assert service.chat("   ", before, None, None, 5) == before


def test_new_chat_forgets_the_previous_subject(service):
    turns = service.chat("and under 14?", [], None, None, 5)  # nothing before it: searched as it stands
    assert turns[-1]["searched"] == "and under 14?"


# ----------------------------------------------------------------------------------------------- safety

def test_crafted_reply_is_shown_inertly(xss_assistant):
    service = chat.ChatService(xss_assistant)
    turns, chat_html, sources = ask(service, "What are the legal consequences under question 9.3?")
    cited = [p for p in turns[-1]["result"]["passages"] if "<script>" in p["text"]]
    assert cited, "the crafted passage should be among those cited"
    # sources panel and chat: escaped, never raw
    for html in (sources, chat_html):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(2)&gt;" in html
        assert "<script" not in html and "<img" not in html and "<a href=\"javascript" not in html
    assert "[click](javascript:alert(3))" in sources  # shown as text inside an escaped text node


def test_markdown_and_html_neutralised_in_chat_text():
    text = md_inline(PAYLOAD + " **bold** `code` $x$ https://example.org")
    assert "<" not in text and ">" not in text
    assert "&lt;script&gt;" in text and "onerror=alert\\(2\\)" in text
    assert "\\[click\\]\\(javascript\\:alert\\(3\\)\\)" in text
    assert "\\*\\*bold\\*\\*" in text and "\\`code\\`" in text and "\\$x\\$" in text
    assert "https\\://example.org" in text  # no autolink either
    card = webrender.sources_html({"passages": [{"rank": 1, "party": "P", "question_ids": ["9.3"], "text": PAYLOAD}],
                                   "answer": [{"text": "<img src=x onerror=alert(2)>", "rank": 1}]})
    assert ("&lt;script&gt;alert(1)&lt;/script&gt; <mark>&lt;img src=x onerror=alert(2)&gt;</mark> "
            "[click](javascript:alert(3))") in card


def test_sources_and_chat_escape_every_field():
    evil = '"><script>x</script>'
    result = {"query": "q", "abstained": False, "answer": [{"text": evil, "rank": 1}], "passages": [{
        "rank": 1, "party": evil, "question_ids": [evil], "heading": evil, "pillar": evil, "text": "a " + evil,
        "citation": evil, "resolved_refs": [{"question_ids": [evil], "text": evil}], "lines": [1, 2], "weak": True}]}
    out = webrender.sources_html(result)
    assert evil not in out and "<script" not in out
    # party, ids, heading, pillar, citation, text, the highlighted sentence and the reference: all escaped
    assert out.count("&#34;&gt;&lt;script&gt;x&lt;/script&gt;") >= 8
    html = webrender.chat_html([{"question": evil, "searched": evil + "?", "result": result}], [evil])
    assert evil not in html and "<script" not in html
    assert html.count("&#34;&gt;&lt;script&gt;x&lt;/script&gt;") >= 5


def test_question_label():
    p = {"heading": "Question 9. Criminalisation — 9.4.a possess child self-generated sexual content?"}
    assert webrender.question_label(p) == "Criminalisation — possess child self-generated sexual content?"
    p = {"heading": "Question 2. Civil society involvement — 2.1, 2.2 How do State authorities encourage…"}
    assert webrender.question_label(p) == "Civil society involvement — How do State authorities encourage…"
    assert webrender.question_label({"heading": "Question 4. Training"}) == "Training"


# ----------------------------------------------------------------------------------------------- API

def test_gradio_client_calls_the_ask_endpoint(assistant):
    from gradio_client import Client

    port = free_port()
    demo = page.launch(assistant, host="127.0.0.1", port=port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        result = client.predict(PENALTY, 5, chat.ALL_PARTIES, api_name="/ask")
        assert isinstance(result, dict)
        assert CONTRACT_KEYS <= set(result) and set(result) <= CONTRACT_KEYS | {"message"}
        assert result["query"] == PENALTY and result["abstained"] is False
        assert len(result["passages"]) == 5
        assert all(PASSAGE_KEYS == set(p) for p in result["passages"])
        assert any(p["question_ids"] == ["9.3"] for p in result["passages"])
        assert result["answer"] and all({"text", "question_ids", "citation", "party", "rank"} <= set(s)
                                        for s in result["answer"])
        # the page's own event handlers are not part of the public API
        assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/ask"]

        off = client.predict(OFF_TOPIC, 2, "Portugal", api_name="/ask")
        assert off["abstained"] is True and "do not appear to address" in off["message"]
        assert all(p["weak"] for p in off["passages"])

        with pytest.raises(Exception, match="no reply from Party 'Atlantis'"):
            client.predict(PENALTY, 5, "Atlantis", api_name="/ask")
    finally:
        demo.close()


def test_the_page_keeps_gradios_event_records_bounded(assistant, monkeypatch):
    for name in page.GRADIO_EVENT_RECORDS:
        monkeypatch.delenv(name, raising=False)
    queue = page.build_app(assistant)._queue
    assert queue.ANALYTICS_MAX_EVENTS == 1000 and queue.ANAYLTICS_CACHE_FREQUENCY == 1000
    monkeypatch.setenv("GRADIO_ANALYTICS_MAX_EVENTS", "50")  # an operator's own setting wins
    assert page.build_app(assistant)._queue.ANALYTICS_MAX_EVENTS == 50


def test_load_check_against_running_server(assistant):
    from assistant.tools.loadcheck import format_load, run_load_check

    port = free_port()
    demo = page.launch(assistant, host="127.0.0.1", port=port, block=False)
    try:
        d = run_load_check(f"http://127.0.0.1:{port}/", [PENALTY, OFF_TOPIC, "Which helplines can a child victim call?"],
                           total=6, concurrency=3)
    finally:
        demo.close()
    assert d["count"] == 6 and d["errors"] == 0
    assert 0 < d["p50_ms"] <= d["p95_ms"] <= d["max_ms"]
    text = format_load(d)
    assert "6/6 answered" in text and "p95" in text


def test_login_when_auth_is_set(assistant):
    from gradio_client import Client

    port = free_port()
    demo = page.launch(assistant, host="127.0.0.1", port=port, auth=("reader", "s3cret"), block=False)
    try:
        url = f"http://127.0.0.1:{port}/"
        with pytest.raises(Exception):
            Client(url, verbose=False).predict(PENALTY, 1, chat.ALL_PARTIES, api_name="/ask")
        result = Client(url, auth=("reader", "s3cret"), verbose=False).predict(PENALTY, 1, "Portugal", api_name="/ask")
        assert result["passages"][0]["question_ids"] == ["9.3"]
    finally:
        demo.close()
