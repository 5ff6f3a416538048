"""Is the question one the replies answer at all?  A logistic model over how close the questionnaire's questions
and the replies' sentences are to it and how much of it BM25 finds, fitted by `python -m assistant.tools.tune_refusals`
(package data: data/refusal_model.json).

"What prison sentence does Portugal impose for drug trafficking?" is close to whole answers on penalties, to no
sentence of them in particular, few of its rarer words score in BM25, and "drug", a word no reply holds, pulls it
away from every passage: no one signal tells it from a paraphrase of a question the replies answer, together they
often do.  Below the model's threshold the question is declined; below its partial threshold it is answered as a
partial match that names the words no reply holds.  The model judges questions in the language of every reply
searched (English ones on English replies, what it was fitted on); others keep the similarity floors of
`answer.should_abstain`, and are answered as a partial match when no questionnaire question is close to them
(`ml_partial_below`, set so that at most one answerable question in ten across languages is so marked).
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from bm25s.stopwords import STOPWORDS_EN_PLUS

from ..store.lexical import bm25_tokens, holders
from .quotes import question_terms

DATA_FILE = "refusal_model.json"
# Chosen by the nested cross-validation `tune_refusals` prints: fitted on 15 near-domain questions, 9 declined, 0 of
# 34 answerable dev questions and 2 of 102 of the second set; all five weigh towards "answered" as they grow.  With
# the English encoder's closest passage and sentence, the multilingual encoder's closest passage as such, and the
# share of the question's words the best answers hold or no reply uses, fitted alongside, several took weights
# against their meaning (a closer passage counting against a question) and fewer held-out questions were declined
# (3 to 5 of 12 against 6).  That model declined 10 of 20 near-domain questions written after it; fitted on all 35
# it declines 18 cross-validated, 6 of 12 held out, for the same false refusals.
FEATURES = (
    "question",  # the closest questionnaire question, by the English encoder
    "ml_question",  # the closest questionnaire question, by the multilingual encoder
    "ml_sentence",  # the closest sentence, by the multilingual encoder
    "ml_focus",  # how much closer that sentence is than the closest whole passage: a question near a reply's
                 # topic but answered by none of its sentences is close to whole answers and to no sentence
    "lexical",  # the best BM25 score over the sum of the question's terms' rarities (Party names left out)
    # occlusion: how much closer the question is to its closest passage, and sentence (English encoder), than the
    # question without its words no searched passage holds.  "drug" in "What prison sentence does Portugal impose
    # for drug trafficking?" pulls the question away from every passage (dropped, it comes closer), where a
    # paraphrase's own words ("jail" for imprisonment) pull it towards the answer.  0 without such words
    "absent_passage",
    "absent_sentence",
)


@dataclass(frozen=True)
class RefusalModel:
    """in-scope probability = sigmoid(coef · (x - mean) / scale + intercept); decline below `threshold`, answer as
    a partial match below `partial_threshold`."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    partial_threshold: float | None = None
    # questions searched with the multilingual encoder (another language than some reply's): a partial match when
    # their closest questionnaire question (multilingual encoder, `closest_question`) is less close than this
    ml_partial_below: float | None = None

    def in_scope(self, x: np.ndarray) -> float:
        z = float(self.coef @ ((x - self.mean) / self.scale) + self.intercept)
        return float(1.0 / (1.0 + np.exp(-z)))

    def to_json(self, **about) -> dict:
        return {"features": list(self.features), "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(), "coef": self.coef.round(6).tolist(),
                "intercept": round(self.intercept, 6), "threshold": round(self.threshold, 6),
                "partial_threshold": None if self.partial_threshold is None else round(self.partial_threshold, 6),
                "ml_partial_below": None if self.ml_partial_below is None else round(self.ml_partial_below, 6),
                **about}

    @classmethod
    def from_json(cls, d: dict) -> "RefusalModel":
        return cls(tuple(d["features"]), np.array(d["mean"]), np.array(d["scale"]), np.array(d["coef"]),
                   float(d["intercept"]), float(d["threshold"]),
                   None if d.get("partial_threshold") is None else float(d["partial_threshold"]),
                   None if d.get("ml_partial_below") is None else float(d["ml_partial_below"]))


@lru_cache(maxsize=1)
def load_refusal_model() -> RefusalModel | None:
    """The packaged model, or None when it is missing or was fitted on other features (then only the floors judge)."""
    try:
        data = json.loads(resources.files("assistant").joinpath("data", DATA_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    model = RefusalModel.from_json(data)
    return model if model.features == FEATURES else None


def content_terms(searcher, query: str) -> dict[str, float]:
    """The question's BM25 terms but the words for Parties (names, adjectives: "Croatian"; `Searcher.topic`), each
    with its rarity among the indexed passages."""
    return question_terms(searcher, searcher.topic(query))


def best(values: np.ndarray, inside: np.ndarray | None) -> float:
    """The largest of `values` within a mask (all without one); 0 when the mask holds nothing."""
    values = values if inside is None else values[inside]
    return float(values.max()) if len(values) else 0.0


WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def glasgow_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words (the Glasgow IR group's list), read from its data module alone: importing
    scikit-learn for them would cost a server about 115 MB."""
    spec = importlib.util.find_spec("sklearn")
    path = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py" if spec and spec.origin else None
    if path is None or not path.is_file():  # pragma: no cover - scikit-learn is a dependency
        return frozenset()
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location("_glasgow_stop_words", path))
    module.__spec__.loader.exec_module(module)
    return frozenset(module.ENGLISH_STOP_WORDS)


# "did", "many", "anything", "beyond": not what a question is about (two lists well kept elsewhere, together)
FUNCTION_WORDS = frozenset(STOPWORDS_EN_PLUS) | glasgow_stop_words()


def absent_words(searcher, query: str, scope: np.ndarray | None = None,
                 terms: dict[str, float] | None = None) -> list[str]:
    """The question's words (as typed, in order, once each) whose terms no passage in `scope` (a mask; all by
    default) holds, Party names and stop words aside: what a partial match names as not found (`terms`: the
    question's `content_terms`, when already computed)."""
    terms = content_terms(searcher, query) if terms is None else terms
    bm25 = searcher.index.bm25
    absent = {t for t in terms if not (held := holders(bm25, t)).size or (scope is not None and not scope[held].any())}
    if not absent:
        return []
    words = [w for w in WORD.findall(query) if w.lower() not in FUNCTION_WORDS]
    own = bm25_tokens(words) if words else []
    return list(dict.fromkeys(w for w, tokens in zip(words, own) if tokens and set(tokens) <= absent))


def occlusion(searcher, query: str, scores, absent: list[str]) -> tuple[float, float]:
    """(closest passage, closest sentence) similarity of the question less that of the question without its
    `absent` words, by the English encoder, over the passages searched; (0, 0) without such words."""
    if not absent:
        return 0.0, 0.0
    index, scope = searcher.index, scores.scope
    sentences_inside = None if scope is None else scope[searcher.sentence_pids]

    def closest(q: np.ndarray) -> np.ndarray:
        return np.array([best(index.dense.scores(q), scope), best(index.sentence_vectors @ q, sentences_inside)])

    dropped = set(absent)
    rest = " ".join(w for w in WORD.findall(query) if w not in dropped)
    delta = closest(scores.query_vector) - (closest(searcher.encoder.encode([rest])[0]) if rest else 0.0)
    return float(delta[0]), float(delta[1])


def closest_question(searcher, scores) -> float:
    """How close the closest questionnaire question the search covered is to the question, by the multilingual
    encoder (0 without the question's multilingual vector)."""
    scores = scores.judged()
    mq = scores.ml_query_vector
    if mq is None or searcher.multilingual is None:
        return 0.0
    return best((searcher.ml_question_rows @ mq)[searcher.ml_question_of], scores.scope)


def refusal_features(searcher, query: str, scores, terms: dict[str, float] | None = None,
                     absent: list[str] | None = None) -> np.ndarray | None:
    """FEATURES for one searched question (`scores` as `Searcher.scores` returns them; `terms` its `content_terms`
    and `absent` its `absent_words`, when already computed), over the passages it searched; None without the
    question's multilingual vector."""
    scores = scores.judged()
    index, mq, scope = searcher.index, scores.ml_query_vector, scores.scope
    if mq is None or index.ml_passages is None or index.ml_sentences is None or not len(index.ml_sentences):
        return None
    sentences_inside = None if scope is None else scope[searcher.sentence_pids]
    terms = content_terms(searcher, query) if terms is None else terms
    most = sum(terms.values())
    ml_sentence = best(index.ml_sentences @ mq, sentences_inside)
    absent = absent_words(searcher, query, scope, terms) if absent is None else absent
    return np.array([
        best(scores.question, scope),
        closest_question(searcher, scores),
        ml_sentence,
        ml_sentence - best(index.ml_passages @ mq, scope),
        best(scores.lexical, scope) / most if most else 0.0,
        *occlusion(searcher, query, scores, absent),
    ])
