"""Quotes that read as the reply wrote them: the sentences of the best answers that answer the question.

Rules (docs/ask-contract.md, "answer"):
- an answer of one or two sentences, and the answer to a question number the user named, is quoted whole; a
  bare "No." counts as close as its question is to the one asked (as in the ranking);
- otherwise the sentences closest to the question (by meaning, and by the question's rarer words they hold), at
  most three, none shorter than four words, and always one from the best-ranked answer;
- a lead-in ending with a colon is quoted with the list that follows it, and a list item with its lead-in (the
  list once); a table row with its header
  ("Distribution — Penalty: six months to seven years"); a bare link only when the question asks for one;
- quotes come in rank order, and in reading order within one answer.
"""

from __future__ import annotations

import re

import numpy as np

from ..ids import id_under, ids_in_query
from ..ingest.document import CELLS
from ..model import Hit
from ..store.lexical import bm25_tokens, rarity
from .citations import passage_citation

MAX_QUOTES = 3
MIN_WORDS = 4
WHOLE_SENTENCES = 2  # an answer this short is quoted whole
NEAR_BEST = 0.12  # a sentence this close to the best one's similarity is quoted too
# the multilingual encoder's share in a sentence's similarity when the question was searched with it and is in
# the reply's language (the rest is the English encoder's; in another language it is all the multilingual one's).
# Chosen by cross-validation on the key sentences of eval/questions_en.jsonl (python -m assistant.tools.tune_quotes,
# which embeds every question with both encoders): 0.7 quoted the key sentence for 68/108 rows held out, the
# English encoder alone 61/108.  A question ranked without the multilingual encoder (English, on English replies)
# is quoted without it too.  Its vector (every question now has one, for the refusal model) would quote the key
# sentence for 69/108 held out (tune_quotes --embed-all, share 0.7; served as now: 65/108), but with 2.71 quotes per
# answer against 2.05, and on the multilingual encoder's narrow scale a bare "No." under the question asked
# ("specialised courts?") lost its place to the sentences of a longer answer ranked above it
QUOTE_MULTILINGUAL = 0.7
# quotes chosen by the English encoder alone: a sentence holding the question's rarer words is closer, by the share
# of the question's terms it holds, weighted by rarity, at this weight.  Chosen by cross-validation on the same key
# sentences, rows quoted as served (tune_quotes): the key sentence quoted for 64/108 rows held out against 61/108
# without it, with fewer quotes per answer (2.05 against 2.31).  With the multilingual encoder's vectors it gained
# nothing (68/108 at 0.0 and 0.2, 66/108 at 0.5), so those quotes go without it
QUOTE_LEXICAL = 0.5
LIST_ITEMS = 8  # at most this many list items follow a lead-in
RE_URL_ONLY = re.compile(r"^\W*(?:\w+\W{0,3}){0,3}(?:https?://|www\.)\S+\W*$", re.I)
RE_LIST_ITEM = re.compile(r"^(?:[-•►▶▪*→]|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)]\s|https?://|www\.)")
RE_ASKS_FOR_LINK = re.compile(r"\b(?:links?|url|web\s?sites?|sites?|webpage|page|lien|liens|enlace|ligação|sito)\b",
                              re.I)


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def is_fragment(text: str, whole: str) -> bool:
    """What a quote must never be: under four words (unless it is the whole answer), a lead-in cut before its
    list, a bare table header, a bare link."""
    t = text.strip()
    if t == whole.strip():
        return False
    return words(t) < MIN_WORDS or t.endswith(":") or bool(RE_URL_ONLY.match(t))


def _table_row(sentences: list[str], i: int) -> str:
    """A table row as "first cell — header: value; header: value" (its header is the block's first row)."""
    row = [c.strip() for c in sentences[i].split(CELLS)]
    j = i
    while j > 0 and CELLS in sentences[j - 1]:
        j -= 1
    header = [c.strip() for c in sentences[j].split(CELLS)]
    if j == i or len(header) != len(row):
        return " — ".join(row)
    return f"{row[0]} — " + "; ".join(f"{h}: {v}" for h, v in zip(header[1:], row[1:]))


def _with_list(sentences: list[str], i: int) -> str:
    """A lead-in ending with a colon, with the list items that follow it."""
    items = []
    for s in sentences[i + 1:i + 1 + LIST_ITEMS]:
        if not (RE_LIST_ITEM.match(s) or (words(s) <= 8 and not s.rstrip().endswith("."))):
            break
        items.append(s)
    return " ".join([sentences[i], *items]) if items else sentences[i]


def quote(sentences: list[str], i: int) -> str:
    """Sentence i of an answer as it should be quoted."""
    if CELLS in sentences[i]:
        return _table_row(sentences, i)
    if sentences[i].rstrip().endswith(":"):
        return _with_list(sentences, i)
    lead = _lead_in(sentences, i)
    if lead is not None:
        # a list item says what it is part of only with its lead-in: "… are: - To promote …; - To report …;"
        whole = _with_list(sentences, lead)
        return whole if sentences[i] in whole else f"{sentences[lead]} … {sentences[i]}"
    return sentences[i]


def _lead_in(sentences: list[str], i: int) -> int | None:
    """The lead-in ("… namely:") of list item i, when i is an item of a list that has one."""
    j = i
    while j > 0 and RE_LIST_ITEM.match(sentences[j]) and i - j < 3 * LIST_ITEMS:
        j -= 1
    return j if j < i and RE_LIST_ITEM.match(sentences[i]) and sentences[j].rstrip().endswith(":") else None


def sentence_similarity(searcher, scores, pid: int, rows: list[int], ml_query: np.ndarray | None,
                        share: float = QUOTE_MULTILINGUAL) -> np.ndarray:
    """How close each sentence (rows of index.sentences) of passage `pid` is to the question: the English and the
    multilingual encoders' similarities mixed, the English one counting (1 - share) as far as the question is in
    the passage's language; the English encoder's alone without multilingual vectors (`ml_query` None)."""
    index = searcher.index
    sims = index.sentence_vectors[rows] @ scores.query_vector
    if ml_query is None or index.ml_sentences is None:
        return sims
    same = float(scores.same_language[pid]) if scores.same_language is not None else 1.0
    english = (1.0 - share) * same
    return english * sims + (1.0 - english) * (index.ml_sentences[rows] @ ml_query)


def question_similarity(scores, pid: int) -> float:
    """How close passage `pid`'s question is to the asked one, by the encoders it was searched with: the English
    encoder's as far as the question is in the passage's language, else the multilingual one's."""
    english = float(scores.question[pid])
    if scores.ml_question is None:
        return english
    same = float(scores.same_language[pid]) if scores.same_language is not None else 1.0
    return same * english + (1.0 - same) * float(scores.ml_question[pid])


def sentence_terms(searcher, rows: list[int]) -> list[frozenset[str]]:
    """BM25's terms of each sentence (rows of index.sentences), tokenized once per sentence and kept."""
    cache = searcher.sentence_terms
    missing = [r for r in rows if r not in cache]
    if missing:
        for r, terms in zip(missing, bm25_tokens([searcher.index.sentences[r][1] for r in missing])):
            cache[r] = frozenset(terms)
    return [cache[r] for r in rows]


def question_terms(searcher, query: str) -> dict[str, float]:
    """The question's BM25 terms, each with its rarity among the indexed passages."""
    terms = sorted(set(bm25_tokens([query])[0]))
    return dict(zip(terms, rarity(searcher.index.bm25, terms)))


def shared_terms(terms: dict[str, float], held: list[frozenset[str]]) -> np.ndarray:
    """Per sentence (`held`: its terms), the share of the question's `terms` it holds, each weighted by rarity."""
    total = sum(terms.values())
    if not total or not held:
        return np.zeros(len(held))
    return np.array([sum(w for t, w in terms.items() if t in h) / total for h in held])


def choose_quotes(searcher, scores, hits: list[Hit], query: str, top: int = 3, share: float = QUOTE_MULTILINGUAL,
                  ml_query: np.ndarray | None = None, lexical: float = QUOTE_LEXICAL) -> list[dict]:
    """The quoted answer (`scores`: the search's, for the question's vectors; `ml_query` the question's
    multilingual vector when not the search's): see the module's rules."""
    index = searcher.index
    if ml_query is None and scores.ml_dense is not None:
        ml_query = scores.ml_query_vector  # quotes use the multilingual vector where the ranking did
    lexical = lexical if ml_query is None else 0.0  # the rarer words help the English encoder alone
    terms = question_terms(searcher, query) if lexical else {}
    named = ids_in_query(query)
    wants_link = bool(RE_ASKS_FOR_LINK.search(query))
    candidates: list[tuple[float, int, int, str]] = []  # (similarity, rank, position, text)
    for rank, h in enumerate(hits[:top]):
        rows = searcher.unit_sentence_rows(h.passage.pid)
        if not rows:
            continue
        sentences = [index.sentences[r][1] for r in rows]
        sims = sentence_similarity(searcher, scores, h.passage.pid, rows, ml_query, share)
        if lexical:
            sims = sims + lexical * shared_terms(terms, sentence_terms(searcher, rows))
        sims = sims - 0.03 * rank  # the ranking already weighed context
        answers_named = rank == 0 and any(id_under(q, n) for q in h.passage.question_ids for n in named)
        if len(sentences) <= WHOLE_SENTENCES or answers_named:
            best = float(sims.max())
            if searcher.is_bare(h.passage.pid):
                # a bare "No." says what its question asks: as close as its question is (as in the ranking)
                asked = question_similarity(scores, h.passage.pid) - 0.03 * rank
                if lexical:
                    asked_terms = frozenset(bm25_tokens([h.passage.question_text])[0])
                    asked += lexical * float(shared_terms(terms, [asked_terms])[0])
                best = max(best, asked)
            candidates.append((best + (1.0 if answers_named else 0.0), rank, 0, h.passage.text.strip()))
            continue
        whole = h.passage.text
        for pos, (s, sim) in enumerate(zip(sentences, sims)):
            text = quote(sentences, pos)
            if CELLS not in s and (is_fragment(text, whole) and not (wants_link and RE_URL_ONLY.match(text))):
                continue
            if CELLS in s and (pos == 0 or CELLS not in sentences[pos - 1]):
                continue  # a table's header row says nothing alone
            candidates.append((float(sim), rank, pos, text))
    if not candidates:
        return []
    by_text: dict[str, tuple[float, int, int, str]] = {}
    for c in candidates:  # the items of one list are quoted as one: once, as close as its closest item
        kept = by_text.get(c[3])
        by_text[c[3]] = c if kept is None else (max(kept[0], c[0]), *min(kept[1:3], c[1:3]), c[3])
    candidates = list(by_text.values())
    best = max(c[0] for c in candidates)
    chosen = sorted(candidates, key=lambda c: -c[0])[:MAX_QUOTES]
    chosen = [c for c in chosen if c[0] >= best - NEAR_BEST]
    first = max((c for c in candidates if c[1] == 0), key=lambda c: c[0], default=None)
    if first is not None and not any(c[1] == 0 for c in chosen):
        # the best-ranked answer always speaks first: a short "Yes." or "See below." under the question it
        # answers says more than a closer-sounding sentence from another answer
        chosen = [first, *chosen[:MAX_QUOTES - 1]]
    out = []
    for sim, rank, pos, text in sorted(chosen, key=lambda c: (c[1], c[2])):  # rank order, then reading order
        p = hits[rank].passage
        out.append({"text": text, "question_ids": list(p.question_ids), "citation": passage_citation(p),
                    "party": p.party, "rank": rank + 1})
    return out
