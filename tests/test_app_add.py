"""The page's "Add a reply" panel, through its functions: preview, refusal of bad uploads, background indexing
with progress, and the Party dropdown gaining the new Party."""

from __future__ import annotations

import pytest

from assistant.web import chat, page
from assistant.query.render import md_inline
from assistant.ingest import readers as intake
from assistant.api import Assistant
from assistant.web.add_panel import AddPanel
from assistant.query.search import Searcher
from assistant.store.load import load_index

from conftest import copy_built
from replies import MINI, write_docx, write_pdf

pytestmark = pytest.mark.slow


@pytest.fixture
def panel(tmp_path, mini_built, encoder):
    base = copy_built(mini_built, tmp_path / "kb")
    assistant = Assistant(Searcher(load_index(base / "index"), encoder), index_dir=base / "index")
    return AddPanel(assistant, corpus=base / "corpus")


def test_preview_shows_what_was_detected(tmp_path, panel):
    upload = write_pdf(tmp_path / "andorra.pdf", MINI, "ANDORRA", "AD")
    text, button = panel.preview(str(upload))
    assert button["interactive"] is True
    md = md_inline
    for expected in ("andorra.pdf", "**Party:** Andorra", f"**Document code:** {md('T-ES(2017)ICT-AD')}",
                     "**Round:** 2nd", "**Language:** English", "**Answers found:** 12", "pages",
                     "no answer:** 1, 2, 3, 4, 5, 6, 7, 9.4"):
        assert expected in text, (expected, text)
    text, _ = panel.preview(str(upload), "Principality of Andorra")
    assert "**Party:** Principality of Andorra" in text
    assert panel.preview(None) == ("", {"__type__": "update", "interactive": False})


@pytest.mark.parametrize(("name", "data", "problem"), [
    ("junk.docx", b"\x00\x01junk" * 40, "junk.docx: is not a valid Word .docx file"),
    ("reply.exe", b"MZ\x90\x00", "reply.exe: unsupported file type .exe"),
    ("notes.txt", b"Shopping list\n\nmilk\n", "notes.txt: no questionnaire answers found"),
    ("big.txt", b"Question 9. Criminalisation\n\n9.3 Yes.\n" * 10, "big.txt: is 0.0 MB; the limit is 0 MB"),
])
def test_bad_uploads_are_refused_with_a_reason(tmp_path, panel, monkeypatch, name, data, problem):
    monkeypatch.setattr(intake, "MAX_BYTES", 300)
    path = tmp_path / name
    path.write_bytes(data)
    text, button = panel.preview(str(path))
    assert button["interactive"] is False
    assert text.startswith("**This file cannot be added.**") and md_inline(problem) in text


def test_confirm_indexes_in_the_background_and_offers_the_new_party(tmp_path, panel):
    upload = write_docx(tmp_path / "andorra.docx", MINI, "ANDORRA", "AD")
    steps = list(panel.confirm(str(upload), "Principality of Andorra"))
    statuses = [status for status, _ in steps]
    assert any(s.startswith("**Working:** Checking") or s.startswith("**Working:** Indexing") for s in statuses[:-1])
    final, dropdown = steps[-1]
    assert final.startswith("**Done:** Added Principality of Andorra's reply") and "Indexed" in final
    assert "/builds/" not in final
    assert dropdown["choices"] == [chat.ALL_PARTIES, "Portugal", "Principality of Andorra"]
    assert (panel.corpus / "T-ES(2017)ICT-AD_Principality-of-Andorra.docx").is_file()
    # the chat's service sees the new Party at once, and answers from its reply
    service = chat.ChatService(panel.assistant)
    assert service.parties == ["Portugal", "Principality of Andorra"]
    assert "2 Parties indexed: Portugal, Principality of Andorra · 2nd round" in service.status()
    result = service.ask("What is the penalty for possessing child sexual abuse material?",
                         party="Principality of Andorra")
    assert result["passages"] and {p["party"] for p in result["passages"]} == {"Principality of Andorra"}

    again = list(panel.confirm(str(upload), "Principality of Andorra"))
    assert md_inline("same content): skipped") in again[-1][0]


def test_one_indexing_at_a_time_and_errors_change_nothing(tmp_path, panel):
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"\x00junk" * 50)
    first = panel.start(str(write_docx(tmp_path / "a.docx", MINI, "ANDORRA", "AD")))
    busy = list(panel.confirm(str(junk)))
    assert len(busy) == 1 and "still being indexed" in busy[0][0]
    first.thread.join(120)
    before = sorted(p.name for p in panel.corpus.iterdir())
    final, dropdown = list(panel.confirm(str(junk)))[-1]
    assert final.startswith("**Not added:**") and md_inline("junk.docx: is not a valid Word") in final
    assert sorted(p.name for p in panel.corpus.iterdir()) == before


def test_the_page_has_the_panel(panel):
    demo = page.build_app(panel.assistant)
    assert isinstance(demo.adder, AddPanel)
    assert page.build_app(Assistant(panel.assistant.searcher)).adder is None  # no index folder: no panel
