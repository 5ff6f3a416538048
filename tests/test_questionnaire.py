"""The packaged 2nd-round questionnaire: derived from Portugal's reply, matched fuzzily, used to check a reply."""

from __future__ import annotations

import dataclasses
import json
from importlib import resources

from assistant.ingest.parser import parse_file, parse_reply
from assistant.ids import parent_id, sort_key
from assistant.ingest.questionnaire import PILLARS, load_questionnaire, missing_questions, text_matches
from assistant.tools.derive_questionnaire import derive
from assistant.ingest.readers import read_document

from conftest import PORTUGAL


def test_packaged_english_text_is_what_derivation_gives():
    packaged = json.loads(resources.files("assistant").joinpath("data", "questionnaire_2nd.json").read_text())
    english = [{k: v for k, v in e.items() if not k.endswith("_fr")} for e in packaged["entries"]]
    assert derive(PORTUGAL).to_json()["entries"] == english


def test_every_question_has_its_french_wording():
    q = load_questionnaire()
    assert all(e.text_fr or not e.text for e in q)
    assert q.get("9").in_language("fr")[0] == "Incrimination"
    assert q.get("9.3").in_language("fr")[1].startswith("Quelles sont les conséquences juridiques")
    assert q.get("9.3").in_language("en")[1].startswith("What are the legal consequences")


def test_the_questionnaire_is_in_order_and_every_entry_hangs_from_its_parent():
    q = load_questionnaire()
    ids = [e.id for e in q]
    assert q.round == "2nd" and ids == sorted(ids, key=sort_key) and len(set(ids)) == len(ids)
    for e in q:
        assert e.pillar in PILLARS, e.id
        if e.kind == "question":
            assert e.parent == "" and "." not in e.id
        else:
            assert e.parent == parent_id(e.id) and q.get(e.parent) is not None, e.id
    assert [e.id for e in q.questions()] == [str(n) for n in range(1, 17)]
    assert q.get("9").title == "Criminalisation" and q.get("9").pillar == "Legislation"
    assert q.get("9.3").text == "What are the legal consequences of the above behaviours (9.1.a-c)?"
    assert q.get("9.1.a").text.startswith("possess child self-generated") and q.get("9.1.a").parent == "9.1"
    assert q.get("5.2.b").kind == "item"  # "a. …?b. …?" run together on one line in the reply
    assert q.get("3").text.startswith("Does national curriculum")
    assert q.get("13").followups[1].startswith("As regards law enforcement") and "a. there is a victim" in \
        q.get("13").followups[1]


def test_the_questionnaire_does_not_change_how_portugal_is_parsed():
    doc = read_document(PORTUGAL)
    plain, known = parse_reply(doc, plain=True), parse_reply(doc)
    assert [dataclasses.asdict(a) for a in plain.answers] == [dataclasses.asdict(a) for a in known.answers]


def test_portugal_answers_every_question_and_a_part_reply_misses_the_rest(tmp_path):
    assert missing_questions(parse_file(PORTUGAL)) == []
    from replies import MINI, write_txt

    part = parse_file(write_txt(tmp_path / "T-ES(2017)ICT-PT_Portugal.txt", MINI))
    missing = [e.id for e in missing_questions(part)]
    # whole questions once, not item by item; inside question 9 the sub-questions not reached
    assert missing[:7] == ["1", "2", "3", "4", "5", "6", "7"]
    assert "9.4" in missing and "9.12" in missing and "9.3" not in missing and "9.1.a" not in missing
    assert "10" in missing and "16" in missing and "16.1" not in missing


def test_text_matching():
    known = "Does national law criminalise cases when adults:"
    assert text_matches("- Does national law criminalise cases when adults:", known)
    assert text_matches("9.1. Does national law criminalize cases when adults?", known)  # spelling, numbering
    assert not text_matches("Does national law criminalise cases when children:", "What are the legal consequences?")
    assert text_matches("Are there special circumstances (including alternative interventions) under which the "
                        "above cases, although established in fact and in law, are not prosecuted",
                        "Are there special circumstances (including alternative interventions) under which the above "
                        "cases (9.1.a-c), although established in fact and in law, are not prosecuted and/or do not "
                        "lead to a conviction?")  # the first 60 characters agree
    assert text_matches("- judges?", "judges?") and not text_matches("judges", "judges?", short_ok=False)
    assert not text_matches("No.", "in courts?")
