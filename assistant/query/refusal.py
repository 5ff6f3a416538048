"""Is the question one the replies answer at all?  A logistic model over how close the questionnaire's questions
and the replies' sentences are to it and how much of it BM25 finds, fitted by `python -m assistant.tools.tune_refusals`
(package data: data/refusal_model.json).

"What prison sentence does Portugal impose for drug trafficking?" is close to whole answers on penalties, to no
sentence of them in particular, and few of its rarer words score in BM25: no one signal tells it from a paraphrase
of a question the replies answer, together they often do.  The model judges questions in the language of every
reply searched (English ones on English replies, what it was fitted on); others keep the similarity floors of
`answer.should_abstain`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ..parties import parties_in_text
from ..store.lexical import bm25_tokens
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
)


@dataclass(frozen=True)
class RefusalModel:
    """in-scope probability = sigmoid(coef · (x - mean) / scale + intercept); decline below `threshold`."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    def in_scope(self, x: np.ndarray) -> float:
        z = float(self.coef @ ((x - self.mean) / self.scale) + self.intercept)
        return float(1.0 / (1.0 + np.exp(-z)))

    def to_json(self, **about) -> dict:
        return {"features": list(self.features), "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(), "coef": self.coef.round(6).tolist(),
                "intercept": round(self.intercept, 6), "threshold": round(self.threshold, 6), **about}

    @classmethod
    def from_json(cls, d: dict) -> "RefusalModel":
        return cls(tuple(d["features"]), np.array(d["mean"]), np.array(d["scale"]), np.array(d["coef"]),
                   float(d["intercept"]), float(d["threshold"]))


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
    """The question's BM25 terms but Party names, each with its rarity among the indexed passages."""
    names = [*searcher.index.parties, *parties_in_text(query, extra=searcher.index.parties)]
    party_terms = set(bm25_tokens([" ".join(names)])[0]) if names else set()
    return {t: w for t, w in question_terms(searcher, query).items() if t not in party_terms}


def refusal_features(searcher, query: str, scores) -> np.ndarray | None:
    """FEATURES for one searched question (`scores` as `Searcher.scores` returns them), over the passages it searched;
    None without the question's multilingual vector."""
    index, mq, scope = searcher.index, scores.ml_query_vector, scores.scope
    if mq is None or index.ml_passages is None or index.ml_sentences is None or not len(index.ml_sentences):
        return None

    def best(values: np.ndarray, inside: np.ndarray | None) -> float:
        values = values if inside is None else values[inside]
        return float(values.max()) if len(values) else 0.0

    sentences_inside = None if scope is None else scope[searcher.sentence_pids]
    most = sum(content_terms(searcher, query).values())
    ml_sentence = best(index.ml_sentences @ mq, sentences_inside)
    return np.array([
        best(scores.question, scope),
        best((searcher.ml_question_rows @ mq)[searcher.ml_question_of], scope),
        ml_sentence,
        ml_sentence - best(index.ml_passages @ mq, scope),
        best(scores.lexical, scope) / most if most else 0.0,
    ])
