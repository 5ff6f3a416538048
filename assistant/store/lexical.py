"""The lexical index (BM25): one tokenizer for the index and its queries, or nothing matches."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


# legal references that lose their meaning when split: "Article 176-A", "Law 166/99", "Article 5/1/b"
RE_LEGAL_REF = re.compile(r"\b\d+(?:[-/][0-9A-Za-z]+)+\b")


def _with_joined_refs(text: str) -> str:
    """Keep '176-A' findable as itself (176_a) besides its parts, so it does not match every 'Article 176'."""
    return RE_LEGAL_REF.sub(lambda m: f"{m.group(0)} {re.sub(r'[-/]', '_', m.group(0))}", text)


def bm25_tokens(texts: list[str]) -> list[list[str]]:
    """Lower-cased, English stop words out, Snowball-stemmed; accents kept so Portuguese names still match."""
    return bm25s.tokenize([_with_joined_refs(t) for t in texts], stemmer=_stemmer(), stopwords="en",
                          return_ids=False, show_progress=False)


def rarity(bm25: bm25s.BM25, terms: list[str]) -> list[float]:
    """How rare each (tokenized) term is among the indexed passages: log(1 + passages / passages holding it); a term
    no passage holds counts as rarest of all."""
    n = int(bm25.scores["num_docs"])
    indptr = bm25.scores["indptr"]
    out = []
    for t in terms:
        i = bm25.vocab_dict.get(t)
        df = int(indptr[i + 1] - indptr[i]) if i is not None else 0
        out.append(float(np.log1p(n / max(df, 1))))
    return out


def holders(bm25: bm25s.BM25, term: str) -> np.ndarray:
    """The indexed passages (positions) holding a tokenized term; none for a term the index never saw."""
    i = bm25.vocab_dict.get(term)
    if i is None:
        return np.zeros(0, dtype=np.int64)
    indptr = bm25.scores["indptr"]
    return np.asarray(bm25.scores["indices"][indptr[i]:indptr[i + 1]], dtype=np.int64)


def write_bm25(texts: list[str], path: Path) -> None:
    retriever = bm25s.BM25()
    retriever.index(bm25_tokens(texts), show_progress=False)
    retriever.save(str(path), show_progress=False)


def load_bm25(path: Path) -> bm25s.BM25:
    return bm25s.BM25.load(str(path), show_progress=False)
