"""One tokenizer for the lexical index and its queries: the same stemming on both sides or nothing matches."""

from __future__ import annotations

import re
from functools import lru_cache

import logging

import bm25s

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
