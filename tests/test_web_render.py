"""What the page shows, as pure functions: reply text cleaned for reading, the status line, labels in the
questionnaire's words, links to the replies, the answer's downloads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assistant.web import render
from assistant.web.export import export_markdown, export_name, export_text

MANIFEST = {
    "corpus": "/srv/corpus", "passage_count": 315, "built_at": "2026-11-28T16:43:07Z",
    "files": [
        {"name": "T-ES(2017)ICT-PT_Portugal.txt", "doc_id": "T-ES(2017)ICT-PT", "party": "Portugal", "round": "2nd",
         "language": "en"},
        {"name": "belgique.pdf", "doc_id": "T-ES(2017)ICT-BE", "party": "Belgium", "round": "2nd", "language": "fr"},
        {"name": "andorra.docx", "doc_id": "T-ES(2017)ICT-AD", "party": "Andorra", "round": "2nd", "language": "en"},
    ],
}


def test_reply_markup_is_stripped_for_reading():
    clean = render.clean_text
    assert clean("► <u>Comissão de Proteção</u> (Commission)") == "• Comissão de Proteção (Commission)"
    assert clean("Facebook **GNR:** https://www.facebook.com/GNR") == "Facebook GNR: https://www.facebook.com/GNR"
    assert clean("- ▶ IAC: SOS-Criança") == "- IAC: SOS-Criança"
    assert clean("▶ Public Security Police") == "• Public Security Police"
    assert clean("line one<br>line <b>two</b>") == "line one\nline two"
    # a table: rows under a header read as "Header: value"
    table = "Intro.\n| Offence | Penalty |\n|---|---|\n| possession | 1 month to 2 years |\n| distribution | 1 to 5 years |\nAfter."
    assert clean(table) == ("Intro.\nOffence: possession; Penalty: 1 month to 2 years\n"
                            "Offence: distribution; Penalty: 1 to 5 years\nAfter.")
    assert clean("Question | Answer\n9.3 | Yes.") == "Question: 9.3; Answer: Yes."
    # text that only looks like markup is left to be escaped, not removed
    assert clean("<script>alert(1)</script> 2*3*4 a_b_c") == "<script>alert(1)</script> 2*3*4 a_b_c"


def test_results_are_cleaned_in_a_copy():
    result = {"answer": [{"text": "**Yes**", "rank": 1}],
              "passages": [{"rank": 1, "text": "<u>x</u>", "heading": "H", "resolved_refs": [{"text": "▶ y"}]}],
              "groups": [{"party": "P", "passages": [{"rank": 1, "text": "| a | b |"}]}]}
    clean = render.clean_result(result)
    assert clean["answer"][0]["text"] == "Yes" and clean["passages"][0]["text"] == "x"
    assert clean["passages"][0]["resolved_refs"][0]["text"] == "• y"
    assert clean["groups"][0]["passages"][0]["text"] == "a — b"
    assert result["answer"][0]["text"] == "**Yes**"  # the index's raw text is untouched


def test_status_line_names_the_parties_or_the_first_few():
    assert render.status_line(MANIFEST) == ("3 Parties indexed: Andorra, Belgium, Portugal · 2nd round · "
                                            "English, French · 315 passages · built 2026-11-28 16:43 UTC")
    many = {**MANIFEST, "files": [{"party": f"Party {n:02d}", "round": "2nd"} for n in range(10)]}
    assert render.status_line(many).startswith("10 Parties indexed: Party 00, Party 01, Party 02, Party 03, "
                                               "Party 04, Party 05 +4 · 2nd round")
    assert "Party 09" in render.status_html(many)  # every Party named on hover
    assert render.status_line({"files": []}).startswith("Nothing is indexed yet")


def test_questions_are_labelled_in_the_questionnaires_words():
    assert render.question_title("9.3") == "9.3 — What are the legal consequences of the above behaviours (9.1.a-c)?"
    # a question answered through its "→" prompt is labelled by it
    assert render.question_title("6").startswith("6 — Assistance to victims → Please provide, if any, information "
                                                 "on the number of victims")
    assert render.question_wording("9.1.a")[:2] == ["Question 9. Criminalisation",
                                                    "9.1. Does national law criminalise cases when adults:"]
    assert render.question_wording("9.3", language="fr")[-1].startswith("9.3. Quelles sont les conséquences")
    # a question the questionnaire lacks keeps the Party's wording
    assert render.question_title("99.1", "Question 99. Extra\n99.1. Anything else?") == "99.1 — Anything else?"
    cited = {"party": "Portugal", "question_ids": ["9.3"], "heading": "Question 9. Criminalisation — 9.3 What…"}
    assert render.citation_title(cited) == ("Portugal · Q9.3 — What are the legal consequences of the above "
                                            "behaviours (9.1.a-c)?")


def test_coverage_headers_name_their_question_on_hover():
    cov = {"questions": ["9.3", "6"], "parties": [{"party": "Belgium", "cells": {"9.3": "blank", "6": "answered"}}]}
    html = render.coverage_html(cov)
    assert '<th scope="col" title="9.3 — What are the legal consequences of the above behaviours (9.1.a-c)?">' in html
    assert 'aria-label="Belgium, Q6: ✓ answered">✓</button>' in html
    assert 'data-row="0" data-col="1"' in html and 'data-row="0" data-col="2"' in html


def test_cards_link_to_the_reply_and_a_pdfs_page():
    links = render.reply_links(MANIFEST)
    assert links["T-ES(2017)ICT-PT"]["url"] == "gradio_api/file=/srv/corpus/T-ES%282017%29ICT-PT_Portugal.txt"
    pdf = render.file_link({"doc_id": "T-ES(2017)ICT-BE", "page": 4}, links)
    assert pdf["open"] == "gradio_api/file=/srv/corpus/belgique.pdf#page=4" and pdf["page"] == 4
    txt = render.file_link({"doc_id": "T-ES(2017)ICT-PT", "page": None}, links)
    assert txt["open"] == txt["download"] and txt["name"] == "T-ES(2017)ICT-PT_Portugal.txt"
    assert render.file_link({"doc_id": "unknown"}, links) is None
    card = render.sources_html({"passages": [{"rank": 1, "doc_id": "T-ES(2017)ICT-BE", "page": 4, "party": "Belgium",
                                              "question_ids": ["9.3"], "text": "t"}]}, links)
    assert 'href="gradio_api/file=/srv/corpus/belgique.pdf#page=4"' in card and "open the reply at page 4" in card


TURN = {"question": "and under 14?", "searched": "What is the penalty for possessing material, under 14?",
        "result": {"query": "What is the penalty for possessing material, under 14?", "abstained": False,
                   "answer": [{"text": "**Penalty:** one month [to] 2 years (Article 176/5).", "rank": 1,
                               "party": "Portugal", "question_ids": ["9.3"]}],
                   "passages": [{"rank": 1, "party": "Portugal", "question_ids": ["9.3"], "weak": False,
                                 "citation": "Portugal, reply to the 2nd round questionnaire, Q9.3",
                                 "heading": "Question 9. Criminalisation — 9.3 What are the legal consequences?",
                                 "text": "x"}]}}


def test_exports_are_named_after_the_question_and_the_day():
    assert export_name("What is the penalty for possessing child sexual abuse material?", date(2026, 11, 28)) == \
        "what-is-the-penalty-for-possessing-child-sexual-abuse-2026-11-28"
    assert export_name("Qu'en est-il de la Belgique ?", date(2026, 1, 2)) == "qu-en-est-il-de-la-belgique-2026-01-02"
    assert export_name("???", date(2026, 1, 2)) == "answer-2026-01-02"


def test_plain_text_export_has_no_markdown_escapes():
    text = export_text(TURN)
    assert text.startswith("Q: and under 14?\nSearched as: What is the penalty for possessing material, under 14?\n")
    assert "“Penalty: one month [to] 2 years (Article 176/5).” [1] (Portugal · Q9.3)" in text
    assert "[1] Portugal, reply to the 2nd round questionnaire, Q9.3 — Question 9. Criminalisation" in text
    assert "\\" not in text and "**" not in text
    markdown = export_markdown(TURN)
    assert markdown.startswith("**Question:** and under 14?\n\n_Searched as: What is the penalty")
    assert "one month \\[to\\] 2 years" in markdown  # Markdown keeps its escapes: the text stays text


def test_downloads_are_written_per_answer_and_old_ones_pruned(tmp_path, monkeypatch):
    from assistant.web import export

    monkeypatch.setattr(export, "KEEP", 3)
    paths = [export.write_exports(TURN, tmp_path, date(2026, 11, 28)) for _ in range(5)]
    txt, md = paths[-1]
    assert txt.endswith("/and-under-14-2026-11-28.txt") and md.endswith("/and-under-14-2026-11-28.md")
    assert len(list(tmp_path.glob("answer-*"))) == 3 and all(Path(p).is_file() for p in paths[-1])
    assert export.write_exports({"question": "q", "error": "Sorry"}, tmp_path) == (None, None)


def test_a_weak_answer_still_says_the_best_match_lies_outside_the_filter():
    passage = {"rank": 1, "score": 0.1, "doc_id": "T-ES(2017)ICT-PT", "party": "Portugal", "question_ids": ["1"],
               "heading": "Question 1. Awareness", "pillar": "Prevention", "language": "en", "text": "Leaflets.",
               "citation": "Portugal, reply to the questionnaire, Q1", "resolved_refs": [], "lines": [1, 2],
               "page": None, "weak": True}
    note = "The best match lies outside the chosen filter: Portugal · Q9.3 (Legislation)."
    result = {"query": "penalty?", "abstained": True, "passages": [passage], "answer": [],
              "outside_filter": {"party": "Portugal", "question_ids": ["9.3"], "message": note}}
    view = render.turn_view(1, {"question": "penalty?", "result": result})
    assert view["weak"] and note in view["notes"]
