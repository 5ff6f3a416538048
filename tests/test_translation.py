"""A question's words are translated into the indexed answers' words for BM25 across languages
(store/vocabulary.py, query/translation.py)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.query.translation import Translator
from assistant.store.vocabulary import Vocabulary, build_vocabulary, words_in

# a toy multilingual space: each meaning one axis, a word's languages near each other
MEANINGS = {"prison": 0, "emprisonnement": 0, "peine": 0, "teachers": 1, "enseignants": 1, "école": 2,
            "school": 2, "stockage": 3, "storage": 3, "titre": 4, "term": 5}


def embed_counting(calls: list[list[str]]):
    def embed(words: list[str]) -> np.ndarray:
        calls.append(list(words))
        out = np.zeros((len(words), 8), dtype="float32")
        for n, w in enumerate(words):
            out[n, MEANINGS.get(w, 7)] = 1.0
            out[n, 6] = 0.1 * (len(w) % 3)  # near, not equal, across languages
        return out / np.linalg.norm(out, axis=1, keepdims=True)
    return embed


def test_the_vocabulary_holds_the_answers_words_of_four_letters_or_more():
    assert words_in(["Peine d'emprisonnement : 3 ans.", "L'école, les ÉCOLES"]) == \
        ["emprisonnement", "peine", "école", "écoles"]


def test_a_build_embeds_only_the_words_the_live_build_lacks(tmp_path):
    calls: list[list[str]] = []
    first = build_vocabulary(["La peine d'emprisonnement"], embed_counting(calls))
    first.save(tmp_path)
    again = build_vocabulary(["La peine d'emprisonnement des enseignants"], embed_counting(calls),
                             Vocabulary.load(tmp_path))
    assert calls == [["emprisonnement", "peine"], ["enseignants"]]
    assert again.words == ["emprisonnement", "enseignants", "peine"]
    assert again.tokens[again.position["enseignants"]] != ""  # its BM25 token
    assert np.allclose(again.vectors[again.position["peine"]], first.vectors[first.position["peine"]], atol=1e-3)
    assert Vocabulary.load(tmp_path / "nowhere") is None


def test_question_words_become_the_nearest_indexed_words_in_any_language():
    calls: list[list[str]] = []
    vocabulary = build_vocabulary(["Peine d'emprisonnement, titre, stockage, enseignants de l'école"],
                                  embed_counting([]))
    translator = Translator(vocabulary, embed_counting(calls))
    tokens = translator.tokens("What prison term for teachers?")
    token = dict(zip(vocabulary.words, vocabulary.tokens))
    # "prison" -> its two nearest (emprisonnement, peine); "teachers" -> "enseignants"; "term" is near nothing
    assert set(tokens) == {token["emprisonnement"], token["peine"], token["enseignants"]}
    translator.tokens("What prison term for teachers?")
    assert calls == [["prison", "teachers", "term", "what"]]  # embedded once; "for" is too short to count


def test_a_word_the_vocabulary_holds_is_not_embedded_again():
    calls: list[list[str]] = []
    vocabulary = build_vocabulary(["stockage école"], embed_counting([]))
    assert Translator(vocabulary, embed_counting(calls)).tokens("stockage") == \
        [vocabulary.tokens[vocabulary.position["stockage"]]]
    assert calls == []


@pytest.mark.slow
def test_an_english_question_on_a_french_reply_is_matched_by_bm25_through_its_words_in_french(tmp_path, encoder):
    import shutil

    from assistant.query.search import Searcher
    from assistant.store.build import build_index
    from assistant.store.load import load_index

    from test_languages import VALDORRE

    (tmp_path / "corpus").mkdir()
    shutil.copy(VALDORRE, tmp_path / "corpus")
    build_index(tmp_path / "corpus", tmp_path / "index", encoder=encoder)
    searcher = Searcher(load_index(tmp_path / "index"), encoder)
    assert "emprisonnement" in searcher.index.vocabulary.words
    words = searcher.translator.tokens("Which prison sentences apply to teachers?")
    token = dict(zip(searcher.index.vocabulary.words, searcher.index.vocabulary.tokens))
    assert token["emprisonnement"] in words and token["enseignants"] in words
    s = searcher.scores("Which prison sentences apply to teachers?", multilingual=True)
    assert s.translated is not None and s.translated.max() > 0
    prison = [i for i, p in enumerate(searcher.index.passages) if "emprisonnement" in p.text.lower()]
    others = [i for i in range(len(searcher.index.passages)) if i not in prison]
    assert (s.translated[prison] > 0).all() and s.translated[prison].mean() > s.translated[others].mean()


def test_nearest_words_count_as_translations_on_other_languages_and_as_relations_on_the_questions_own():
    from assistant.query.fusion import Scores, Weights, fuse

    n = 4
    zeros = np.zeros(n, dtype="float32")
    same = np.array([1.0, 1.0, 0.0, 0.0], dtype="float32")  # passages 0-1 in the question's language, 2-3 not
    translated = np.array([0.0, 2.0, 0.0, 2.0], dtype="float32")
    s = Scores(zeros, zeros, zeros, zeros, np.zeros(3, dtype="float32"), zeros, zeros, same, zeros,
               np.zeros(3, dtype="float32"), english=same, translated=translated)

    def gain(**weights):
        fused = fuse(s, np.zeros(n, dtype=bool), Weights(**weights))
        return fused[1] - fused[0], fused[3] - fused[2]

    own, other = gain(related=0.0, translated=0.5)
    assert own == 0 and other > 0  # translations count on the other language only
    own, other = gain(related=0.5, translated=0.0)
    assert own > 0 and other == 0  # near relations on the question's own
    # an English question on English replies (no multilingual signal) is helped by the near relations too
    mono = fuse(Scores(zeros, zeros, zeros, zeros, np.zeros(3, dtype="float32"), same_language=same,
                       translated=translated), np.zeros(n, dtype=bool), Weights())
    assert mono[1] > mono[0] and mono[3] == mono[2]
