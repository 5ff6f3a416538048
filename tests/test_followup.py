"""Follow-up questions: which ones lean on the previous question, and what is searched for them."""

from __future__ import annotations

import pytest

from assistant.query.followup import leans_on_previous, party_spans, searched_question

PENALTY = "What is the penalty for possessing child sexual abuse material?"
PENALTY_PT = "What is the penalty for possessing child sexual abuse material in Portugal?"
SANCTION_PT = "Quelle est la sanction pour la détention de matériel pédopornographique au Portugal ?"


@pytest.mark.parametrize("question", [
    "and under 14?", "And under 14?", "what about Belgium?", "What about Belgium", "and the penalty?",
    "et en France ?", "Et la Belgique ?", "qu'en est-il de la Belgique ?", "¿Y en España?", "y en Andorra?",
    "How about for boys?", "and in Belgium, for children under 16?", "Belgium?", "under 14?", "in France?",
    "et pour les moins de 15 ans ?", "what about self-generated images?", "and 9.4?", "Or over 16 years old?",
])
def test_short_questions_that_continue_the_previous_one(question):
    assert leans_on_previous(question)


@pytest.mark.parametrize("question", [
    "Which helplines can a child victim call?",
    "Is there a specialised cybercrime unit in the police?",
    "How are professionals trained to deal with self-generated sexual content?",
    "And which helplines can a child victim call in an emergency?",  # a subject of its own, however it opens
    "Quelles lignes d'assistance un enfant victime peut-il appeler ?",
    "What does Belgium say about grooming?",
    "penalty?",  # one word of its own and no continuation: searched as it stands
    "helplines for children",
    "",
])
def test_questions_with_a_subject_of_their_own(question):
    assert not leans_on_previous(question)


def test_a_follow_up_adds_its_words_to_the_previous_question():
    assert searched_question("and under 14?", PENALTY) == \
        "What is the penalty for possessing child sexual abuse material, under 14?"
    assert searched_question("And the penalty?", "Is possessing child sexual abuse material an offence?") == \
        "Is possessing child sexual abuse material an offence, the penalty?"
    assert searched_question("et pour les moins de 15 ans ?", SANCTION_PT) == \
        "Quelle est la sanction pour la détention de matériel pédopornographique au Portugal, pour les moins de 15 ans?"


def test_a_follow_up_naming_a_party_replaces_the_previous_party():
    assert searched_question("what about Belgium?", PENALTY_PT) == \
        "What is the penalty for possessing child sexual abuse material in Belgium?"
    assert searched_question("et en Belgique ?", SANCTION_PT) == \
        "Quelle est la sanction pour la détention de matériel pédopornographique au Belgique?"
    assert searched_question("qu'en est-il de la France ?", SANCTION_PT).endswith("au France?")
    assert searched_question("And in Belgium, for children under 16?", PENALTY_PT) == \
        "What is the penalty for possessing child sexual abuse material in Belgium, for children under 16?"
    assert searched_question("Belgium and France?", PENALTY_PT) == \
        "What is the penalty for possessing child sexual abuse material in Belgium and France?"


def test_a_party_is_added_when_the_previous_question_names_none():
    assert searched_question("what about Belgium?", PENALTY) == \
        "What is the penalty for possessing child sexual abuse material, Belgium?"
    assert searched_question("et en France ?", PENALTY) == \
        "What is the penalty for possessing child sexual abuse material, en France?"


def test_standalone_questions_and_first_questions_are_searched_as_they_stand():
    assert searched_question("Which helplines can a child victim call?", PENALTY) == \
        "Which helplines can a child victim call?"
    assert searched_question("and under 14?", None) == "and under 14?"
    assert searched_question("  and under 14? ", "") == "and under 14?"


def test_party_names_in_any_language_and_those_only_indexed():
    spans = party_spans("Que prévoient l'Allemagne et la Belgique ?")
    assert [s.party for s in spans] == ["Germany", "Belgium"]
    assert [s.typed for s in spans] == ["Allemagne", "Belgique"]
    assert [s.party for s in party_spans("what about Atlantis?", ["Atlantis"])] == ["Atlantis"]
    assert leans_on_previous("what about Atlantis?", ["Atlantis"])
    assert searched_question("Atlantis?", PENALTY_PT, ["Atlantis"]).endswith("material in Atlantis?")
