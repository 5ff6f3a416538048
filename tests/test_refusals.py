"""Declining what the replies do not answer: the refusal model (query/refusal.py), fitted and packaged by
tools/tune_refusals, judges questions asked in the language of every reply searched."""

from __future__ import annotations

import numpy as np
import pytest

import assistant.query.answer as answer_module
from assistant.query.answer import NOT_ADDRESSED, partial_message
from assistant.query.refusal import FEATURES, RefusalModel, absent_words, load_refusal_model
from assistant.tools.tune_refusals import PARTIAL_RATE, RATE, fitted, verdicts


def test_the_packaged_model_is_fitted_on_the_features_the_code_computes():
    model = load_refusal_model()
    assert model is not None, "assistant/data/refusal_model.json is missing or was fitted on other FEATURES: " \
                              "run python -m assistant.tools.tune_refusals --write"
    assert model.features == FEATURES and model.coef.shape == model.mean.shape == (len(FEATURES),)
    assert 0.0 < model.threshold < 0.5
    assert model.partial_threshold is not None and model.threshold < model.partial_threshold < 1.0


def test_fitting_separates_answerable_from_unanswerable_and_keeps_false_refusals_to_the_rate():
    rng = np.random.default_rng(7)
    answerable = rng.normal(1.0, 1.0, size=(150, len(FEATURES)))
    unanswerable = rng.normal(-1.5, 1.0, size=(20, len(FEATURES)))
    x, y = np.r_[answerable, unanswerable], np.r_[np.ones(150), np.zeros(20)]
    model = fitted(x, y)
    assert (model.coef > 0).all()  # every feature of the answerable kind grows
    declined = np.array([model.in_scope(v) < model.threshold for v in x])
    assert declined[y == 0].mean() >= 0.8
    assert declined[y == 1].mean() <= 2 * RATE + 1 / 150  # the rate holds for rows left out; fitted rows fare better
    declined, partial = verdicts(model, x)
    assert not (declined & partial).any() and (declined | partial)[y == 0].mean() >= declined[y == 0].mean()
    assert (declined | partial)[y == 1].mean() <= 2 * PARTIAL_RATE


def test_a_partial_match_names_the_words_not_found():
    assert partial_message(["drug"]) == ("Partial match: no reply searched mentions “drug”. "
                                         "Check that the passages below answer your question.")
    assert "mentions “impose” or “drug”" in partial_message(["impose", "drug"])
    assert "“a”, “b” or “c”" in partial_message(["a", "b", "c"])
    assert "may not address all of this question" in partial_message([])


@pytest.mark.slow
def test_a_question_near_the_replies_but_not_answered_is_declined(assistant_obj):
    result = assistant_obj.ask("What is the minimum legal age of marriage in Portugal?")
    assert result["abstained"] is True and result["answer"] == []
    assert result["message"].startswith(NOT_ADDRESSED)
    assert result["passages"] and all(p["weak"] for p in result["passages"])  # the nearest, marked as such


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "What penalty does Portugal set for possessing child sexual abuse material?",
    "Does Portugal have specialised courts for online sexual offences against children?",
    "Who answers requests for help sent to SOS Criança?",
    "Are teenagers prosecuted in Portugal for sexting each other consensually?",
])
def test_questions_the_reply_answers_are_not_declined(assistant_obj, question):
    result = assistant_obj.ask(question)
    assert result["abstained"] is False and result["answer"]


@pytest.mark.slow
def test_words_no_reply_holds_are_found_as_typed_party_names_and_function_words_aside(assistant_obj):
    searcher = assistant_obj.searcher
    assert absent_words(searcher, "What prison sentence does Portugal impose for drug trafficking?") == ["impose",
                                                                                                         "drug"]
    assert absent_words(searcher, "Did Portugal's police investigate grooming?") == []
    assert absent_words(searcher, "How many drug cases did anyone report?") == ["drug"]  # not "many", "anyone"
    assert absent_words(searcher, "Is possession of child sexual abuse material punished in France?") == []
    # within a filter, a word only passages outside it hold is not found either
    prevention = searcher.pillars == "prevention"
    assert "extradited" in absent_words(searcher, "Who is extradited?", prevention)
    assert "extradited" not in absent_words(searcher, "Who is extradited?")


@pytest.mark.slow
def test_a_question_about_something_no_reply_mentions_is_answered_as_a_partial_match(assistant_obj, monkeypatch):
    question = "What prison sentence does Portugal impose for drug trafficking?"
    result = assistant_obj.ask(question)
    if not result["abstained"]:  # the packaged model marks it partial; a model fitted on other rows may decline it
        assert result["partial"] is True and "drug" in result["not_found"]
        assert result["message"].startswith("Partial match: no reply searched mentions")
        assert "“drug”" in result["message"] and result["passages"] and result["answer"]
        assert not any(p["weak"] for p in result["passages"])
    # forced into the partial band, the same question carries the mark on every surface (CLI, page, API)
    model = load_refusal_model()
    between = RefusalModel(model.features, model.mean, model.scale, np.zeros(len(FEATURES)), 0.0, threshold=0.1,
                           partial_threshold=0.9)
    monkeypatch.setattr(answer_module, "load_refusal_model", lambda: between)
    result = assistant_obj.ask(question)
    assert result["abstained"] is False and result["partial"] is True and result["not_found"] == ["impose", "drug"]
    from assistant.query.render import to_text
    from assistant.web.render import turn_view

    assert partial_message(["impose", "drug"]) in to_text(result)
    view = turn_view(1, {"question": question, "result": result})
    assert view["emphasis"] == partial_message(["impose", "drug"]) and view["quotes"]
    from assistant.web.render import chat_html

    page = chat_html([{"question": question, "result": result}])
    assert "Closest sentences</strong>, quoted from the replies (a partial match)" in page
    assert "<strong>Answer</strong>" not in page


@pytest.mark.slow
def test_a_question_across_languages_near_no_questionnaire_question_is_a_partial_match(assistant_obj):
    """Across languages no word can be missing (the reply words it another way): the closest questionnaire question
    judges, and the answer names no word."""
    assert load_refusal_model().ml_partial_below is not None
    far = assistant_obj.ask("Quel est l'âge minimum légal du mariage au Portugal ?")
    assert far["abstained"] is False and far["partial"] is True and far["not_found"] == []
    assert far["message"].startswith(partial_message([]))
    near = assistant_obj.ask("Quelle peine le Portugal prévoit-il pour la détention de matériel d'abus sexuels sur "
                             "enfants ?")
    assert near["partial"] is False and near["answer"]


@pytest.mark.slow
def test_questions_the_reply_answers_are_not_marked_partial(assistant_obj):
    for question in ["What penalty does Portugal set for possessing child sexual abuse material?",
                     "Which helplines can a child victim call in Portugal?"]:
        result = assistant_obj.ask(question)
        assert result["partial"] is False and "not_found" not in result


@pytest.mark.slow
def test_the_model_judges_only_questions_in_the_language_of_the_replies(assistant_obj, monkeypatch):
    declines_all = RefusalModel(FEATURES, np.zeros(len(FEATURES)), np.ones(len(FEATURES)),
                                np.zeros(len(FEATURES)), 0.0, threshold=1.0)
    monkeypatch.setattr(answer_module, "load_refusal_model", lambda: declines_all)
    english = "What penalty does Portugal set for possessing child sexual abuse material?"
    french = "Quelle peine le Portugal prévoit-il pour la détention de matériel d'abus sexuels sur enfants ?"
    assert assistant_obj.ask(english)["abstained"] is True
    assert assistant_obj.ask(french)["abstained"] is False  # across languages only the similarity floors judge
    assert assistant_obj.ask("What did Portugal answer to question 9.3?")["abstained"] is False  # a number named


@pytest.mark.slow
def test_the_model_judges_a_question_by_the_passages_it_searched(assistant_obj):
    """With a filter (a Party, a pillar), what lies outside it does not make the question look answered."""
    from assistant.query.refusal import refusal_features

    searcher = assistant_obj.searcher
    question = "What penalty does Portugal set for possessing child sexual abuse material?"
    _, everywhere = searcher.search(question)
    _, prevention = searcher.search(question, pillar="Prevention")
    inside = prevention.scope
    assert inside is not None and not inside.all() and everywhere.scope is None
    whole, filtered = refusal_features(searcher, question, everywhere), refusal_features(searcher, question, prevention)
    # judged on the question as typed ("Portugal" and all), as the model was fitted
    assert whole[0] == pytest.approx(float(everywhere.judged().question.max()))
    assert filtered[0] == pytest.approx(float(prevention.judged().question[inside].max())) and filtered[0] < whole[0]


@pytest.mark.slow
def test_tune_refusals_reports_its_figures_cross_validated_and_writes_only_when_asked(built, tmp_path, capsys):
    import json

    from assistant.tools import tune_refusals

    answerable = ["What penalty does Portugal set for possessing child sexual abuse material?",
                  "Which helplines can a child victim call in Portugal?",
                  "Does Portugal have specialised courts for online sexual offences against children?",
                  "Who answers requests for help sent to SOS Criança?",
                  "Are teenagers prosecuted in Portugal for sexting each other consensually?",
                  "How does Portugal train judges and prosecutors on online child sexual abuse?",
                  "What does the Portuguese Criminal Code say about grooming children online?",
                  "Which Portuguese police unit investigates online child sexual exploitation?",
                  "Do Portuguese schools teach pupils about the risks of sending intimate images?",
                  "Does Portugal contribute to Interpol's ICSE database?"]
    unanswerable = ["What is the minimum legal age of marriage in Portugal?",
                    "How many weeks of paid maternity leave does Portugal grant?",
                    "What is the legal age for buying alcohol in Portugal?",
                    "What minimum wage do apprentices under 18 earn in Portugal?"]
    questions = tmp_path / "q.jsonl"
    questions.write_text("".join(json.dumps({"id": f"t{n}", "query": q, "gold": ["9"] if q in answerable else []})
                                 + "\n" for n, q in enumerate(answerable + unanswerable)), encoding="utf-8")
    packaged = (tune_refusals.Path(tune_refusals.__file__).resolve().parents[1] / "data" / "refusal_model.json")
    before = packaged.read_bytes()
    tune_refusals.main(["--set", f"{built / 'index'}:{questions}", "--heldout", f"{built / 'index'}:{questions}"])
    out = capsys.readouterr().out
    assert "rows judged by the model" in out and "cross-validated (10 folds" in out and "held out q:" in out
    assert "more partial" in out and "partial below" in out
    french = tmp_path / "fr.jsonl"
    french.write_text("".join(json.dumps({"id": f"f{n}", "query": q, "gold": g}) + "\n" for n, (q, g) in enumerate([
        ("Quelle peine le Portugal prévoit-il pour la détention de matériel pédopornographique ?", ["9.3"]),
        ("Quelles lignes d'assistance un enfant victime peut-il appeler au Portugal ?", ["6.1"]),
        ("Quel est l'âge minimum légal du mariage au Portugal ?", [])])), encoding="utf-8")
    tune_refusals.main(["--set", f"{built / 'index'}:{questions}", "--multilingual", f"{built / 'index'}:{french}"])
    out = capsys.readouterr().out
    assert "across languages, cross-validated" in out and "fr: unanswerable" in out
    assert packaged.read_bytes() == before
    assert packaged.read_bytes() == before  # nothing written without --write
