"""The Compare and Coverage views' functions, on three Parties (the browser test drives the same page)."""

from __future__ import annotations

import pytest

from assistant.api import Assistant
from assistant.web.compare_tab import CompareService
from assistant.web.export import export_markdown, export_text
from assistant.query.search import Searcher
from assistant.store.load import load_index

from test_compare import three_parties  # noqa: F401  (module fixture: three Parties built once)


@pytest.fixture(scope="module")
def service(three_parties, encoder):  # noqa: F811
    return CompareService(Assistant(Searcher(load_index(three_parties / "index"), encoder)))


def test_choices_and_find(service):
    choices = service.choices()
    # labelled in the questionnaire's words, not a Party's
    assert "9.3 — What are the legal consequences of the above behaviours (9.1.a-c)?" in choices
    assert "9.1 — Does national law criminalise cases when adults:" in choices
    assert service.find("9.3")[0].startswith("9.3 — ")
    found = service.find("penalties for distributing child pornography")
    assert found and found[0].split(" — ")[0] in {"9.3", "9.1", "9.6", "9.4"}


def test_words_that_match_nothing_find_no_question(service):
    assert service.find("xyzzy plugh quux") == []
    assert service.find("99.9") == []  # a number no reply answers
    pick, message = service.on_find("xyzzy plugh quux")
    assert pick["value"] is None and pick["choices"] == service.choices()
    assert "No question matches “xyzzy plugh quux”" in message and 'role="status"' in message
    pick, message = service.on_find("9.3")
    assert pick["value"].startswith("9.3 — ") and message == {"__type__": "update"}  # left to the table
    assert service.on_pick("") == ({"__type__": "update"},) * 4  # a cleared pick keeps the message shown


def test_compare_table_and_exports(service):
    html, csv_path, md_path, markdown = service.compare("9.3 — What are the legal consequences…")
    assert html.count('class="cmp-row"') == 3
    assert "Question 9. Criminalisation<br>9.3. What are the legal consequences of the above behaviours" in html
    assert "Belgium" in html and "— blank" in html and "one month to 2 years" in html
    assert open(csv_path, encoding="utf-8").read().startswith("question_id,party")
    assert open(md_path, encoding="utf-8").read() == markdown and "| Andorra |" in markdown
    only, *_ = service.compare("9.3", ["Andorra"])
    assert only.count('class="cmp-row"') == 1


def test_compare_escapes_reply_text(service, monkeypatch):
    from assistant.web import render as compare_view

    result = {"question_id": "9.3", "question": "<b>q</b>", "parties": [
        {"party": "X<script>", "doc_id": "", "question_ids": ["9.3"], "text": "<script>alert(1)</script>",
         "resolved_refs": [{"question_ids": ["9.2"], "text": "<img src=x onerror=alert(2)>"}],
         "status": "answered", "citation": "c"}]}
    out = compare_view.compare_html(result)
    assert "<script>" not in out and "<img" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_a_follow_up_prompt_shows_its_own_answer_first(assistant_obj):
    html, *_ = CompareService(assistant_obj).compare("6")
    # question 6's "→ number of victims" prompt: Portugal's own answer to it, then the sub-questions' answers
    assert html.index("No data available.") < html.index("In both cases a. and b. children are signalized")
    assert "→ Please provide, if any, information on the number of victims" in html


def test_coverage_grid_and_cell(service):
    grid = service.coverage_view()
    assert 'title="9.3 — What are the legal consequences of the above behaviours (9.1.a-c)?"' in grid
    assert grid.count('class="cov-cell"') == 3 * grid.count('<th scope="col" title=')
    headers, rows = service.coverage_rows()
    assert headers[0] == "Party" and "9.3" in headers
    belgium = next(r for r in rows if r[0] == "Belgium")
    assert belgium[headers.index("9.3")] == "—" and belgium[headers.index("8.1")] == "✓"
    portugal_row = [r[0] for r in rows].index("Portugal")
    html = service.open_cell(portugal_row, headers.index("9.12"))
    assert "Please see answer 9.3." in html and "Referred answer Q9.3" in html


def test_chat_groups_answers_by_party(service):
    from assistant.web.chat import ChatService

    chat = ChatService(service.assistant)
    turns = chat.chat("How do Parties punish the distribution of child sexual abuse material?", [])
    reply, panel = chat.chat_view(turns), chat.sources_view(turns)
    assert "<strong>By Party</strong>" in reply
    for party in ("Andorra", "Belgium", "Portugal"):
        assert party in panel, party  # every Party's best passage can be opened in the sources panel
    assert "**By Party**, best first:" in export_markdown(turns[-1])
    assert "By Party, best first:" in export_text(turns[-1])
