"""A question's words translated into the indexed answers' words, for BM25 across languages.

BM25 only matches a question written in the answer's own language.  Each word of the question is matched, by the
multilingual encoder, to the indexed words nearest to it (store/vocabulary.py): "emprisonnement" and "peine" for
"prison", "enseignants" for "teachers", whatever language the question is in.  The BM25 scores of those words are a
signal of their own (fusion.fuse): translations on the passages in another language than the question, and near
relations of its words on those in its own ("jail" -> "prison", "teenagers" -> "adolescents").

Its settings were chosen by left-one-set-out cross-validation over the 32 question sets, each reply beside
Portugal's: the two nearest words (of 2 and 3), within 0.02 of the nearest (of 0.02, 0.04 and any) and at least
0.9 similar; weight 0.5 on other languages (of 0.25 and 0.5), then 0.5 on the question's own (of 0-1).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..encoders.memo import TextMemo
from ..store.vocabulary import Vocabulary, words_in

NEAREST = 2  # indexed words taken per question word
FLOOR = 0.9  # ... at least this similar to it
MARGIN = 0.02  # ... and within this of the nearest


class Translator:
    """`tokens(question)`: the BM25 tokens of the indexed words nearest to the question's words.  A question word the
    vocabulary holds is not embedded again; others are, once per process (a memo)."""

    def __init__(self, vocabulary: Vocabulary, embed: Callable[[list[str]], np.ndarray]):
        self.vocabulary = vocabulary
        self.embed = TextMemo(embed, vocabulary.vectors.shape[1], capacity=20_000)

    def tokens(self, question: str) -> list[str]:
        words = words_in([question])
        if not words or not len(self.vocabulary.words):
            return []
        sims = self.vocabulary.vectors_for(words, self.embed) @ self.vocabulary.vectors.T
        take = min(NEAREST, sims.shape[1])
        out: list[str] = []
        for row in sims:
            nearest = np.argpartition(-row, take - 1)[:take]
            nearest = nearest[np.argsort(-row[nearest])]
            floor = max(FLOOR, float(row[nearest[0]]) - MARGIN)
            out += [self.vocabulary.tokens[i] for i in nearest if row[i] >= floor and self.vocabulary.tokens[i]]
        return out
