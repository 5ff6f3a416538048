"""Passages fit the encoder whole, keep their ids and headings, and split only between sentences."""

from __future__ import annotations

from assistant.ingest.chunking import chunk_reply, embedding_text
from assistant.ingest.sentences import split_sentences


def test_every_passage_fits_the_model(portugal, encoder):
    passages = chunk_reply(portugal.meta, portugal.answers, encoder.count_tokens)
    assert len(passages) >= len(portugal.answers)
    for p in passages:
        # the model's own tokenizer, special tokens included
        assert encoder.count_tokens(embedding_text(p)) <= 256, p.question_ids


def test_long_answers_split_on_sentence_boundaries(portugal, encoder):
    passages = chunk_reply(portugal.meta, portugal.answers, encoder.count_tokens, target_tokens=128)
    split = [p for p in passages if p.parts > 1]
    assert split, "the long answers to question 1 and 2 should be split"
    for p in split:
        assert p.question_ids and p.heading.startswith(f"Question {p.question_number}.")
        whole = set(split_sentences(portugal.answers[p.answer_index].text))
        mine = split_sentences(p.text)
        # a part starts and ends where a sentence of the whole answer does, unless that sentence alone overflows
        for edge in (mine[0], mine[-1]):
            if edge not in whole:
                # the same words can stand in several sentences (a name listed twice): one of them overflows
                containers = [w for w in whole if edge in w]
                assert any(encoder.count_tokens(f"{p.heading}\n{w}") > 128 for w in containers), edge[:80]
    # the parts of one answer put back together are the answer, nothing lost or repeated
    for index, answer in enumerate(portugal.answers):
        parts = [p.text for p in passages if p.answer_index == index]
        assert " ".join(" ".join(parts).split()) == " ".join(answer.text.split())


def test_heading_names_the_question(portugal, encoder):
    passages = chunk_reply(portugal.meta, portugal.answers, encoder.count_tokens)
    nine_three = next(p for p in passages if p.question_ids == ["9.3"])
    assert nine_three.heading.startswith("Question 9. Criminalisation — 9.3 What are the legal consequences")
    no = next(p for p in passages if p.question_ids == ["13.1.c"])
    assert no.text == "No." and "in courts" in no.heading


def test_sentence_splitter_keeps_legal_abbreviations():
    text = "It is punished (Article 176, n. 1, d), Criminal Code). Furthermore, the law prohibits it."
    assert split_sentences(text) == [
        "It is punished (Article 176, n. 1, d), Criminal Code).",
        "Furthermore, the law prohibits it.",
    ]


def test_a_sentence_too_long_for_one_passage_is_quoted_whole(portugal, encoder):
    """Portugal's Advisory Board sentence lists 23 institutions: cut across passages at small budgets, it is still
    one sentence to quote, under the part where it begins, and no part's sentences are its clauses."""
    from assistant.store.build import passage_sentences

    passages = chunk_reply(portugal.meta, portugal.answers, encoder.count_tokens, target_tokens=64)
    sentence = next(s for a in portugal.answers for s in split_sentences(a.text) if "23 institutions" in s)
    assert encoder.count_tokens(sentence) > 64
    going_on = [p for p in passages if p.continues]
    assert going_on and all(p.part > 0 for p in going_on)
    rows = passage_sentences(passages)
    assert [s for _, s in rows].count(sentence) == 1
    pid = next(pid for pid, s in rows if s == sentence)
    assert sentence[:40] in passages[pid].text and sentence not in passages[pid].text  # where it begins
    assert not any(s.endswith(",") for _, s in rows)  # a clause is never a sentence of its own


def test_a_paragraph_broken_off_mid_sentence_reads_as_one_sentence():
    """A conversion left a blank line inside a sentence: the sentence is whole again; a heading, a list item and a
    link after a lead-in stay apart."""
    text = ("aiming at training entities with competence in Childhood and youth (Preschool, 1st and\n\n"
            "2nd cycles), Hospitals and Health Centres.\n\n"
            "The site gives information and offers ways\n\nto deal with the crimes.\n\n"
            "Specialised brigades\n\nThey investigate cases in\n\nb. in prosecution?\n\n"
            "It is available for download in\n\nhttps://example.org/file.pdf")
    assert split_sentences(text) == [
        "aiming at training entities with competence in Childhood and youth (Preschool, 1st and 2nd cycles), "
        "Hospitals and Health Centres.",
        "The site gives information and offers ways to deal with the crimes.",
        "Specialised brigades", "They investigate cases in", "b. in prosecution?",
        "It is available for download in", "https://example.org/file.pdf"]
