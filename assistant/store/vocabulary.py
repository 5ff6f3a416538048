"""The words of the indexed answers, each with its BM25 token and its multilingual vector (`vocabulary.npz` in a
build): what a question's words are translated to, so that BM25 finds a French answer by an English question's
words ("prison" -> "emprisonnement", "teachers" -> "enseignants") and the other way round (query/translation.py).

A build reuses the vectors of the words the live build already has; only new words are embedded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .lexical import bm25_tokens

FILE = "vocabulary.npz"
RE_WORD = re.compile(r"[^\W\d_]{4,}")  # a word of four letters or more: shorter ones are mostly grammar


def words_in(texts: Iterable[str]) -> list[str]:
    """The distinct words of `texts`, lower case, sorted."""
    return sorted({w.lower() for text in texts for w in RE_WORD.findall(text)})


@dataclass
class Vocabulary:
    words: list[str]
    tokens: list[str]  # per word: its BM25 token ("" when the tokenizer drops it, a stop word)
    vectors: np.ndarray  # per word: the multilingual encoder's unit query vector

    def __post_init__(self):
        self.position = {w: n for n, w in enumerate(self.words)}

    def vectors_for(self, words: list[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for `words`: the vocabulary's own for the words it holds, `embed`'s for the others (one call)."""
        if not words:
            return np.zeros((0, self.vectors.shape[1]), dtype="float32")
        new = [w for w in words if w not in self.position]
        fresh = dict(zip(new, embed(new))) if new else {}
        return np.stack([fresh[w] if w in fresh else self.vectors[self.position[w]] for w in words])

    def save(self, folder: Path) -> None:
        np.savez(folder / FILE, words=np.array(self.words, dtype=str), tokens=np.array(self.tokens, dtype=str),
                 vectors=self.vectors.astype("float16"))

    @classmethod
    def load(cls, folder: Path) -> Vocabulary | None:
        """The build's vocabulary, or None when it has none (built without the multilingual encoder, or before)."""
        path = Path(folder) / FILE
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as data:
            return cls(data["words"].tolist(), data["tokens"].tolist(), data["vectors"].astype("float32"))


def build_vocabulary(texts: Iterable[str], embed: Callable[[list[str]], np.ndarray],
                     previous: Vocabulary | None = None) -> Vocabulary:
    """The vocabulary of `texts`; `embed` (the multilingual encoder's query embedding) is asked only for the words
    `previous` does not hold."""
    words = words_in(texts)
    vectors = previous.vectors_for(words, embed) if previous is not None else embed(words)
    tokens = [t[0] if t else "" for t in bm25_tokens(words)] if words else []
    return Vocabulary(words, tokens, np.asarray(vectors, dtype="float32"))
