"""The Python API as a script uses it: open an index, ask, compare, coverage; Parties and pillars in any
language; clear errors for what is not there (docs/ask-contract.md)."""

from __future__ import annotations

import json

import pytest

from assistant import Assistant, add_reply, build_index
from assistant.errors import AssistantError, IndexMissing, UnknownParty, UnknownPillar, UnknownQuestion
from assistant.ids import sort_key

from conftest import copy_built
from replies import MINI, write_txt

PENALTY = "What penalty does Portugal set for possessing child sexual abuse material?"
PASSAGE_KEYS = {"rank", "score", "doc_id", "party", "question_ids", "heading", "pillar", "language", "text",
                "citation", "resolved_refs", "lines", "page", "weak"}
ANSWER_KEYS = {"text", "question_ids", "citation", "party", "rank"}


@pytest.fixture(scope="module")
def mini(tmp_path_factory, mini_built):
    """Portugal's Legislation part to 9.3, indexed; opened the way a script opens it."""
    base = copy_built(mini_built, tmp_path_factory.mktemp("api") / "kb")
    return Assistant.open(base / "index", corpus=base / "corpus")


# --------------------------------------------------------------------------- without an index

def test_the_package_exports_the_api():
    import assistant

    assert callable(build_index) and callable(add_reply) and hasattr(Assistant, "open")
    assert {"Assistant", "build_index", "add_reply"} <= set(assistant.__all__)


def test_opening_an_empty_folder_without_building_is_index_missing(tmp_path):
    with pytest.raises(IndexMissing) as info:
        Assistant.open(tmp_path / "index", corpus=tmp_path / "corpus", build=False)
    assert "assistant build" in str(info.value)  # says what to do
    assert isinstance(info.value, AssistantError)


def test_an_unknown_pillar_names_the_four():
    with pytest.raises(UnknownPillar) as info:
        Assistant.resolve_pillar("Legal")
    assert "'Legal' is not a pillar" in str(info.value)
    assert "Prevention, Protection, Legislation, Prosecution" in str(info.value)
    assert Assistant.resolve_pillar("législation") == "Legislation"
    assert Assistant.resolve_pillar("PROSECUTION") == "Prosecution"
    assert Assistant.resolve_pillar("") is None


# --------------------------------------------------------------------------- ask

@pytest.mark.slow
def test_ask_returns_the_contract(mini):
    result = mini.ask(PENALTY, k=2)
    assert json.loads(json.dumps(result)) == result  # plain JSON: what `ask --json` prints
    assert result["query"] == PENALTY and result["id"] is None and result["abstained"] is False
    assert 1 <= len(result["passages"]) <= 2
    for n, p in enumerate(result["passages"], start=1):
        assert set(p) >= PASSAGE_KEYS and p["rank"] == n and p["weak"] is False
        assert p["party"] == "Portugal" and p["doc_id"] == "T-ES(2017)ICT-PT"
        assert p["citation"] == f"Portugal, reply to the 2nd round questionnaire, Q{', '.join(p['question_ids'])}"
        assert p["text"] and p["heading"].startswith("Question ")
        first, last = p["lines"]
        assert 0 < first <= last
    ranks = {p["rank"]: p for p in result["passages"]}
    assert result["answer"]
    for sentence in result["answer"]:
        assert set(sentence) >= ANSWER_KEYS
        source = ranks[sentence["rank"]]  # [n] points at a listed passage, and the sentence is quoted from it
        assert sentence["text"] in source["text"] and sentence["question_ids"] == source["question_ids"]
    assert "groups" not in result and "unindexed_parties" not in result
    defaults = mini.ask(PENALTY, k=5, party=None, pillar=None)
    assert 2 < len(defaults["passages"]) <= 5 and defaults["passages"][:2] == result["passages"]


@pytest.mark.slow
def test_a_named_question_number_comes_first(mini):
    result = mini.ask("What did Portugal answer to question 9.3?", k=3)
    assert result["passages"][0]["question_ids"] == ["9.3"]
    assert "one month to 2 years" in " ".join(p["text"] for p in result["passages"])


@pytest.mark.slow
def test_party_in_another_language_resolves(mini):
    assert mini.resolve_party("le Portugal") == mini.resolve_party("República Portuguesa") == "Portugal"
    result = mini.ask("penalties for possession", k=3, party="le Portugal")
    assert result["passages"] and {p["party"] for p in result["passages"]} == {"Portugal"}


@pytest.mark.slow
@pytest.mark.parametrize("party", ["Allemagne", "Atlantis"])  # a Convention Party not indexed; no Party at all
def test_a_party_that_is_not_indexed_is_refused(mini, party):
    with pytest.raises(UnknownParty) as info:
        mini.ask(PENALTY, party=party)
    message = str(info.value)
    assert repr(party) in message and "Parties indexed: Portugal" in message


@pytest.mark.slow
def test_pillar_filter(mini):
    with pytest.raises(UnknownPillar):
        mini.ask(PENALTY, pillar="Legal")
    kept = mini.ask(PENALTY, k=3, pillar="législation")
    assert kept["passages"] and {p["pillar"] for p in kept["passages"]} == {"Legislation"}
    assert mini.ask(PENALTY, pillar="Prevention")["passages"] == []  # the mini reply has no Prevention part


def test_a_filter_that_hides_the_best_match_says_where_it_lies(mini):
    hidden = mini.ask(PENALTY, pillar="Prevention")
    outside = hidden["outside_filter"]
    assert outside["party"] == "Portugal" and outside["pillar"] == "Legislation"
    assert outside["question_ids"][0].startswith("9.") and outside["citation"].startswith("Portugal, reply to")
    assert "The best match lies outside the chosen filter: Portugal · Q9." in hidden["message"]
    assert "outside_filter" not in mini.ask(PENALTY, pillar="Legislation")  # the filter holds the best match
    assert "outside_filter" not in mini.ask(PENALTY)  # no filter, nothing hidden


@pytest.mark.slow
def test_a_question_about_an_unindexed_party_quotes_no_one(mini):
    result = mini.ask("What penalty does France set for grooming?")
    assert result["abstained"] is True and result["passages"] == [] and result["answer"] == []
    assert result["unindexed_parties"] == ["France"]
    assert result["message"] == "France's reply is not in the index; indexed: Portugal."


@pytest.mark.slow
def test_an_empty_question_asks_for_one(mini):
    result = mini.ask("   ", qid="q7")
    assert (result["id"], result["abstained"], result["passages"]) == ("q7", True, [])
    assert result["message"] == "Ask a question about the replies."


# --------------------------------------------------------------------------- compare and coverage

@pytest.mark.slow
def test_compare(mini):
    result = mini.compare("9.3")
    assert result["question_id"] == "9.3" and "legal consequences" in result["question"]
    [row] = result["parties"]
    assert (row["party"], row["status"], row["question_ids"]) == ("Portugal", "answered", ["9.3"])
    assert "one month to 2 years" in row["text"]
    assert row["citation"] == "Portugal, reply to the 2nd round questionnaire, Q9.3"
    assert mini.compare("Q9.3") == mini.compare("question 9.3") == result
    assert mini.compare("9.1")["parties"][0]["question_ids"] == ["9.1.a", "9.1.b", "9.1.c"]  # what lies under 9.1
    with pytest.raises(UnknownQuestion, match="assistant coverage"):
        mini.compare("13.2")  # beyond the mini reply
    with pytest.raises(UnknownQuestion, match="not a question number"):
        mini.compare("penalties")
    with pytest.raises(UnknownParty, match="Parties indexed: Portugal"):
        mini.compare("9.3", ["Atlantis"])
    assert mini.compare("9.3", ["le Portugal"]) == result


@pytest.mark.slow
def test_coverage(mini):
    result = mini.coverage()
    columns = result["questions"]
    assert columns == sorted(columns, key=sort_key) and len(set(columns)) == len(columns)
    assert {"9.1", "9.2", "9.3"} <= set(columns) and "9.1.a" not in columns  # items count in their sub-question
    [row] = result["parties"]
    assert row["party"] == "Portugal" and set(row["cells"]) == set(columns)
    assert row["cells"]["9.3"] == "answered"
    assert set(row["cells"].values()) <= {"answered", "pointer", "blank"}


# --------------------------------------------------------------------------- a second Party

@pytest.mark.slow
def test_an_added_party_is_seen_without_reopening(tmp_path, mini_built, encoder):
    base = copy_built(mini_built, tmp_path / "kb")
    a = Assistant.open(base / "index", corpus=base / "corpus")
    with pytest.raises(UnknownParty):
        a.ask(PENALTY, party="Andorre")
    andorra = write_txt(tmp_path / "andorra.txt", MINI, "ANDORRA", "AD")
    added = add_reply(andorra, base / "corpus", base / "index", encoder=encoder)
    assert added.report is not None and added.report.embedded == 1 and added.report.reused == 1

    assert a.parties == ["Andorra", "Portugal"]  # the newer build is picked up by itself
    only = a.ask(PENALTY, k=3, party="Andorre")  # Andorra, in French
    assert only["passages"] and {p["party"] for p in only["passages"]} == {"Andorra"}
    grouped = a.ask("What penalties apply to the distribution of such material?", k=2)
    assert [g["party"] for g in grouped["groups"]] and {g["party"] for g in grouped["groups"]} == {"Andorra",
                                                                                                 "Portugal"}
    scores = [g["best_score"] for g in grouped["groups"]]
    assert scores == sorted(scores, reverse=True)
    for g in grouped["groups"]:
        assert all(p["party"] == g["party"] for p in g["passages"])
    assert [r["party"] for r in a.compare("9.3")["parties"]] == ["Andorra", "Portugal"]
    assert [r["party"] for r in a.coverage()["parties"]] == ["Andorra", "Portugal"]
