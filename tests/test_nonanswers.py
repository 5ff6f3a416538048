"""Answers that give nothing ("No reply received.", "Not applicable.", « Sans objet. ») are told from content."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.ingest.nonanswers import gives_nothing
from assistant.ingest.replies import read_replies_from
from assistant.query.compare import ANSWERED, NOTHING, POINTER, Comparer
from assistant.query.render import coverage_text

from conftest import PORTUGAL

COMPILATION_Q6 = Path(__file__).resolve().parents[1] / "eval" / "replies" / "T-ES(2018)38_bil_Q6.pdf"


@pytest.mark.parametrize("text", [
    "No reply received. / Pas de réponse reçue.", "Not applicable.", "N/A", "NA.", "N.A.", "Information not available.",
    "No information available.", "No data are available.", "Sans objet.", "Pas d'information disponible.",
    "Aucune donnée disponible.", "Non applicable.", "–", "No reply received.\n\nPas de réponse reçue.",
])
def test_a_statement_that_nothing_is_given_gives_nothing(text):
    assert gives_nothing(text)


@pytest.mark.parametrize("text", [
    "No.", "Non.", "Yes.", "None.", "See below.", "Please see answer 9.2.", "No data are collected on this subject.",
    "Not applicable, since Portugal made no reservation under Article 20(3).",
    "No information is available on the number of cases; the police recorded 12 reports in 2017.", "",
])
def test_an_answer_with_content_or_a_pointer_is_not_nothing(text):
    assert not gives_nothing(text)


def test_a_compilations_no_reply_received_is_marked_nothing_in_compare_and_coverage():
    replies = read_replies_from(COMPILATION_Q6)
    comparer = Comparer(SimpleNamespace(replies=replies))
    rows = {row["party"]: row for row in comparer.compare("6")["parties"]}
    assert rows["Hungary"]["status"] == NOTHING
    assert rows["Hungary"]["text"].startswith("No reply received.")  # still shown as the compilation words it
    assert {row["status"] for party, row in rows.items() if party != "Hungary"} <= {ANSWERED, POINTER}
    coverage = comparer.coverage()
    hungary = next(p for p in coverage["parties"] if p["party"] == "Hungary")
    assert set(hungary["cells"].values()) == {NOTHING, "blank"} and NOTHING in hungary["cells"].values()
    line = next(line for line in coverage_text(coverage).splitlines() if line.startswith("Hungary"))
    assert "-" in line and "+" not in line


def test_checking_a_reply_names_the_answers_that_give_nothing():
    from assistant.ingest.preview import check_reply

    valdorre = Path(__file__).resolve().parents[1] / "eval" / "replies" / "T-ES(2017)ICT-VD_Valdorre.txt"
    facts = dict(check_reply(valdorre).facts())
    # « Pas d'information disponible. » under Question 5's follow-up (5.2 before it is left unanswered)
    assert facts["Answers that give nothing"] == "5"
    # Portugal's "No data available." on the number of victims supported (Question 6's follow-up)
    assert dict(check_reply(PORTUGAL).facts())["Answers that give nothing"] == "6"
