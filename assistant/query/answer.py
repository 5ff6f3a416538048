"""Hits -> a cited answer: the structured result of the `ask` contract (docs/ask-contract.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ids import id_under, ids_in_query
from ..model import Hit
from .citations import passage_citation, short_tag
from .compare import group_by_party
from .quotes import choose_quotes
from .refusal import absent_words, closest_question, content_terms, load_refusal_model, refusal_features
from .fusion import Scores
from .search import Searcher, parties_named

# Calibrated on score distributions (not wording): the best passage's cosine (English encoder) to the dev set's
# out-of-scope questions stayed below 0.30, to in-scope ones above 0.34; midpoint, rounded.  A question in
# another language than the reply it is searched in is judged by the multilingual encoder instead, whose
# cosine to in-scope questions in eval/ (five languages) stayed at 0.799 or above.
ABSTAIN_BELOW = 0.32
ML_ABSTAIN_BELOW = 0.79
SAME_LANGUAGE = 0.5  # how likely the question is in the best passage's language for the English encoder to judge
PER_PARTY = 1  # passages shown for each Party when answers are grouped by Party

NOT_ADDRESSED = "The replies do not appear to address this question."
WEAK_NOTE = "The nearest passages are listed as weak matches."
EMPTY_QUESTION = "Ask a question about the replies."
OUTSIDE_FILTER = "The best match lies outside the chosen filter: {tag} ({pillar})."
PARTIAL = "Partial match: {what}. Check that the passages below answer your question."
PARTIAL_UNSURE = "the replies may not address all of this question"


def partial_message(not_found: list[str]) -> str:
    """"Partial match: no reply searched mentions “drug”. Check that …" (or, with no word to name, may not address)."""
    if not not_found:
        return PARTIAL.format(what=PARTIAL_UNSURE)
    quoted = [f"“{w}”" for w in not_found]
    words = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return PARTIAL.format(what=f"no reply searched mentions {words}")


@dataclass(frozen=True)
class Verdict:
    """Whether the replies answer a question: abstain, answer as a partial match (naming the question's words no
    reply searched holds, `not_found`), or answer."""

    abstained: bool
    partial: bool = False
    not_found: tuple[str, ...] = ()


def unindexed_message(missing: list[str], indexed: list[str]) -> str:
    """"France's reply is not in the index; indexed: Portugal." """
    names = " and ".join(f"{p}'s" for p in missing)
    verb = "reply is" if len(missing) == 1 else "replies are"
    return f"{names} {verb} not in the index; indexed: {', '.join(indexed)}."


def answer(searcher: Searcher, query: str, k: int = 5, party: str | list[str] | None = None,
           pillar: str | None = None, qid: str | None = None) -> dict:
    """The `ask` contract for one question over one searcher (filters already validated)."""
    query = (query or "").strip()
    if not query:
        return {"id": qid, "query": query, "abstained": True, "partial": False, "passages": [], "answer": [],
                "message": EMPTY_QUESTION}
    parties = searcher.index.parties
    named, unindexed = parties_named(query, parties) if not party else ([], [])
    if unindexed and not named:
        # a Party whose reply is not indexed: say so, and quote no other Party as if it answered
        return {"id": qid, "query": query, "abstained": True, "partial": False, "passages": [], "answer": [],
                "unindexed_parties": unindexed, "message": unindexed_message(unindexed, parties)}
    grouped = len(parties) > 1 and not party and not named
    hits, scores = searcher.search(query, k=k, party=party or named or None, pillar=pillar, per_party=grouped)
    pool, hits = hits, hits[:k]  # the pool adds each Party's best passage when grouped
    verdict = judge(query, hits, scores, searcher)
    abstained = verdict.abstained
    for h in pool:
        h.weak = abstained
    result = {
        "id": qid,
        "query": query,
        "abstained": abstained,
        "partial": verdict.partial,
        "passages": [passage_json(h) for h in hits],
        "answer": [] if abstained else choose_quotes(searcher, scores, hits, query),
    }
    if verdict.partial:
        result["not_found"] = list(verdict.not_found)
    if unindexed:
        result["unindexed_parties"] = unindexed
    outside = outside_filter(searcher, scores, query, hits) if party or pillar else None
    if outside:
        result["outside_filter"] = outside
    if grouped:
        # a question about no Party in particular: what each Party said, best Party first
        result["groups"] = [
            {"party": g["party"], "doc_id": g["doc_id"], "best_score": round(g["best_score"], 4),
             "passages": [passage_json(pool[r - 1]) for r in g["ranks"]]}
            for g in group_by_party(pool, PER_PARTY)
        ]
    notes = []
    if abstained:
        notes.append(f"{NOT_ADDRESSED} {WEAK_NOTE}")
    if verdict.partial:
        notes.append(partial_message(list(verdict.not_found)))
    if unindexed:
        notes.append(unindexed_message(unindexed, parties))
    if outside:
        notes.append(outside["message"])
    if notes:
        result["message"] = " ".join(notes)
    return result


def outside_filter(searcher: Searcher, scores: Scores, query: str, hits: list[Hit]) -> dict | None:
    """The best match over the whole index, when the Party or pillar filter leaves it out and it answers another
    question than the best match inside the filter (or nothing inside matched); None otherwise.  The same Party's
    or another Party's answer to the same question is not news: only another question is."""
    _, boost = searcher.prepare(query)
    order, fused = searcher.order(scores.fused, np.ones(len(searcher.index.passages), dtype=bool), boost, k=1)
    if not order:
        return None
    best = searcher.unit_passage(order[0])
    if hits and set(best.question_ids) & set(hits[0].passage.question_ids):
        return None
    tag = short_tag(best.party, list(best.question_ids))
    return {"party": best.party, "question_ids": list(best.question_ids), "pillar": best.pillar,
            "citation": passage_citation(best), "score": round(float(fused[order[0]]), 4),
            "message": OUTSIDE_FILTER.format(tag=tag, pillar=best.pillar or "no pillar")}


def named_answer(query: str, hits: list[Hit]) -> bool:
    """The best hit answers a question number the user named."""
    named = ids_in_query(query)
    return bool(hits) and any(id_under(q, n) for q in hits[0].passage.question_ids for n in named)


def best_cosine(scores: Scores) -> float:
    """The closest passage or question by the English encoder, to the question as typed."""
    scores = scores.judged()
    return max(float(scores.dense.max()), float(scores.question.max()))


def should_abstain(query: str, hits: list[Hit], scores: Scores, searcher: Searcher | None = None) -> bool:
    """Whether to abstain (see `judge`)."""
    return judge(query, hits, scores, searcher).abstained


def judge(query: str, hits: list[Hit], scores: Scores, searcher: Searcher | None = None) -> Verdict:
    """Abstain when no passage is semantically close, unless the best hit answers a question number the user named;
    and, for a question in the language of every reply searched, when the refusal model (refusal.py, given the
    `searcher`) finds it unlike the questions the replies answer, or answer it as a partial match when it finds it
    only somewhat unlike them.

    Close means: by the English encoder, or (the only judge across languages) by the multilingual one.  Judged on
    the question as typed (`Scores.judged`)."""
    scores = scores.judged()
    if not hits:
        return Verdict(True)
    if named_answer(query, hits):
        return Verdict(False)
    if best_cosine(scores) >= ABSTAIN_BELOW:
        if searcher is None:
            return Verdict(False)
        return model_verdict(searcher, query, scores) if scores.ml_dense is None else multilingual_verdict(
            searcher, scores)
    across = scores.same_language is not None and float(scores.same_language[hits[0].passage.pid]) < SAME_LANGUAGE
    if scores.ml_dense is None or not across:
        return Verdict(True)
    if max(float(scores.ml_dense.max()), float(scores.ml_question.max())) < ML_ABSTAIN_BELOW:
        return Verdict(True)
    return multilingual_verdict(searcher, scores) if searcher is not None else Verdict(False)


def multilingual_verdict(searcher: Searcher, scores: Scores) -> Verdict:
    """A question searched with the multilingual encoder is answered; as a partial match (naming no word: across
    languages a missing word says nothing) when no questionnaire question it searched is close to it."""
    model = load_refusal_model()
    if model is None or model.ml_partial_below is None:
        return Verdict(False)
    return Verdict(False, closest_question(searcher, scores) < model.ml_partial_below)


def model_verdict(searcher: Searcher, query: str, scores: Scores) -> Verdict:
    """The refusal model's verdict on the question's in-scope probability: declined below the model's threshold,
    a partial match below its partial threshold (answered, without a model or the question's multilingual vector)."""
    model = load_refusal_model()
    if model is None:
        return Verdict(False)
    terms = content_terms(searcher, query)
    absent = absent_words(searcher, query, scores.scope, terms)
    x = refusal_features(searcher, query, scores, terms, absent)
    if x is None:
        return Verdict(False)
    p = model.in_scope(x)
    if p < model.threshold:
        return Verdict(True)
    if model.partial_threshold is not None and p < model.partial_threshold:
        return Verdict(False, True, tuple(absent))
    return Verdict(False)


def passage_json(h: Hit) -> dict:
    p = h.passage
    return {
        "rank": h.rank,
        "score": round(h.score, 4),
        "doc_id": p.doc_id,
        "party": p.party,
        "question_ids": list(p.question_ids),
        "heading": p.heading,
        "pillar": p.pillar,
        "language": p.language,
        "text": p.text,
        "citation": passage_citation(p),
        "resolved_refs": h.resolved_refs,
        "lines": [p.line_start, p.line_end],
        "page": p.page,
        "weak": h.weak,
    }
