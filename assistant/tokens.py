"""One tokenizer for the lexical index and its queries: the same stemming on both sides or nothing matches."""

from __future__ import annotations

from functools import lru_cache

import bm25s


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def bm25_tokens(texts: list[str]) -> list[list[str]]:
    """Lower-cased, English stop words out, Snowball-stemmed; accents kept so Portuguese names still match."""
    return bm25s.tokenize(texts, stemmer=_stemmer(), stopwords="en", return_ids=False, show_progress=False)
