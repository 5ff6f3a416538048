"""Quotes that read as the reply wrote them: legal abbreviations do not end sentences, a lead-in keeps its list,
a table row keeps its header, short answers are quoted whole, and no quote is a fragment."""

from __future__ import annotations

import pytest

from assistant.ingest.sentences import split_sentences
from assistant.query.quotes import is_fragment, quote
from assistant.tools.evaluation import load_rows

from conftest import DEV_QUESTIONS, ROOT


def test_legal_abbreviations_do_not_end_a_sentence():
    text = ("Taking into account the provisions of Arts. 171 and 172 of the Criminal Code, the penalty is 1 to 5 "
            "years. See Art. 176.º, n.º 2, cf. Law 166/99 and Decree-Law no. 401/82 (e.g. para. 3). It applies.")
    assert split_sentences(text) == [
        "Taking into account the provisions of Arts. 171 and 172 of the Criminal Code, the penalty is 1 to 5 years.",
        "See Art. 176.º, n.º 2, cf. Law 166/99 and Decree-Law no. 401/82 (e.g. para. 3).",
        "It applies.",
    ]


def test_a_list_number_is_not_a_sentence_of_its_own():
    assert split_sentences("1. The first measure applies. 2. The second one too.") == [
        "1. The first measure applies.", "2. The second one too."]
    assert split_sentences("- **a. possess?** Yes. It is a crime.")[0].startswith("- **a. possess?**")


def test_a_lead_in_is_quoted_with_its_list():
    sentences = ["The PT SIC is a partnership of five entities, namely:", "- FCT;", "- DGE;", "- IPDJ;",
                 "The consortium meets every month to coordinate its work."]
    assert quote(sentences, 0) == "The PT SIC is a partnership of five entities, namely: - FCT; - DGE; - IPDJ;"


def test_a_table_row_is_quoted_with_its_header():
    sentences = ["Conduct | Penalty", "Possession | one month to two years", "Distribution | six months to seven years"]
    assert quote(sentences, 2) == "Distribution — Penalty: six months to seven years"


def test_what_counts_as_a_fragment():
    whole = "No."
    assert not is_fragment("No.", whole)  # the whole answer
    assert is_fragment("1.", "1. Something longer here.")
    assert is_fragment("These resources are:", "These resources are: a, b.")
    assert is_fragment("https://www.youtube.com/watch?v=AxSzREwaKnM", "Watch: https://www.youtube.com/watch")
    assert is_fragment("Taking into account", "Taking into account the law, it is.")
    assert not is_fragment("The penalty is one to five years of prison.", "The penalty is … Another sentence.")


@pytest.mark.slow
def test_no_quote_is_a_fragment_and_ranks_come_in_order(assistant_obj):
    rows = load_rows(DEV_QUESTIONS) if DEV_QUESTIONS.exists() else []
    rows += load_rows(ROOT / "eval" / "questions_en.jsonl")
    seen = 0
    for row in rows:
        result = assistant_obj.ask(row.query)
        texts = {p["rank"]: p["text"] for p in result["passages"]}
        ranks = [q["rank"] for q in result["answer"]]
        assert ranks == sorted(ranks), row.id
        for q in result["answer"]:
            seen += 1
            assert not is_fragment(q["text"], texts[q["rank"]]), (row.id, q["text"])
            assert q["party"] == "Portugal" and q["question_ids"]
    assert seen > len(rows)  # most questions get more than one quote


@pytest.mark.slow
def test_the_best_ranked_answer_is_always_quoted_even_a_bare_yes(assistant_obj):
    result = assistant_obj.ask("Do the police have a function for identifying the children shown in abuse images?")
    first = result["passages"][0]
    assert first["text"].strip() == "Yes."  # Q13: "there is a victim identification function?" - "Yes."
    assert result["answer"][0] == {"text": "Yes.", "question_ids": first["question_ids"], "citation": first["citation"],
                                   "party": "Portugal", "rank": 1}


@pytest.mark.slow
def test_a_sentence_holding_the_questions_rarer_words_is_the_one_quoted(assistant_obj):
    from assistant.query.quotes import question_terms, shared_terms
    from assistant.store.lexical import bm25_tokens

    terms = question_terms(assistant_obj.searcher, "Which topics does the apavparajovens.pt site deal with?")
    held = shared_terms(terms, [frozenset(t) for t in bm25_tokens(["Which one is it?", "It is apavparajovens."])])
    assert held[1] > held[0] > 0  # the site's rare name weighs more than a common word
    result = assistant_obj.ask("Which topics does the apavparajovens.pt site deal with?")
    assert result["answer"][0]["text"].startswith("Amongst other topics, the website www.apavparajovens.pt")


@pytest.mark.slow
def test_a_bare_no_under_the_question_asked_is_quoted(assistant_obj):
    # 13.1.c asks about specialised units "in courts?"; Portugal answers "No."
    result = assistant_obj.ask("Does Portugal have specialised courts for online sexual offences against children?")
    assert {"text": "No.", "question_ids": ["13.1.c"]}.items() <= next(
        q for q in result["answer"] if q["question_ids"] == ["13.1.c"]).items()


@pytest.mark.slow
def test_the_answer_to_a_named_question_is_quoted_whole(assistant_obj):
    result = assistant_obj.ask("What did Portugal answer to question 9.5?")
    [quoted] = result["answer"]
    assert quoted["text"] == result["passages"][0]["text"].strip()


def test_an_exclamation_mark_inside_a_quoted_title_ends_no_sentence():
    text = ('IAC published the book-game "Ameaça nas redes sociais!" (Menace on social net) and the first volume of '
            'the "Alerta Premika! Risco online detetado" series. It is for young children. « Mon image. Mon choix » '
            'ran in 2019. Then "another" campaign.')
    assert split_sentences(text) == [
        'IAC published the book-game "Ameaça nas redes sociais!" (Menace on social net) and the first volume of the '
        '"Alerta Premika! Risco online detetado" series.',
        "It is for young children.", "« Mon image. Mon choix » ran in 2019.", 'Then "another" campaign.']


def test_a_list_item_is_quoted_with_its_lead_in():
    sentences = ["The PT SIC pursues four aims:", "- To promote the safe use of the Internet;",
                 "- To report illegal contents;", "It was created in 2007."]
    assert quote(sentences, 2) == quote(sentences, 0) == (
        "The PT SIC pursues four aims: - To promote the safe use of the Internet; - To report illegal contents;")
    assert quote(sentences, 3) == "It was created in 2007."
    long_list = ["Members:", *[f"- member {n};" for n in range(12)]]
    assert quote(long_list, 12) == "Members: … - member 11;"
