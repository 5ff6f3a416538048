"""Query -> ranked hits: dense and BM25 rankings fused, question numbers looked up, pointers resolved."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..encoders.base import Encoder
from ..ids import id_under, ids_in_query
from ..ingest.references import opens_with_pointer, resolve
from ..model import Hit, Passage
from ..parties import canonical_party, parties_in_text
from ..store.lexical import bm25_tokens
from ..store.load import LoadedIndex


@dataclass
class Weights:
    """How the signals are fused: a weighted sum of z-scores, so that a strong margin on one signal counts."""

    passage: float = 1.0  # dense: query vs heading + answer text
    question: float = 0.3  # dense: query vs the questionnaire's question text
    lexical: float = 1.0  # BM25 over heading, question and answer text
    pointer: float = 0.5  # text evidence borrowed from a pointed-to answer counts half: the original ranks first


@dataclass
class Scores:
    """Per-passage signals for one query, kept apart so that abstention and ablations can read them."""

    dense: np.ndarray
    question: np.ndarray
    lexical: np.ndarray
    fused: np.ndarray
    query_vector: np.ndarray


def parties_named(query: str, indexed: list[str]) -> tuple[list[str], list[str]]:
    """(indexed Parties the question names, Convention Parties it names whose reply is not indexed).

    "Que prévoit le Portugal…" names Portugal; "What does France set…" names France, indexed or not."""
    named = parties_in_text(query, extra=indexed)
    canon = {p: canonical_party(p) or p for p in indexed}
    inside = [p for p in indexed if canon[p] in named]
    outside = [n for n in named if n not in canon.values()]
    return inside, outside


def _z(values: np.ndarray) -> np.ndarray:
    sd = float(values.std())
    return (values - values.mean()) / (sd if sd > 1e-9 else 1.0)


class Searcher:
    """Holds an index and an encoder; one `search` call costs one query encoding plus vector arithmetic."""

    def __init__(self, index: LoadedIndex, encoder: Encoder, weights: Weights | None = None):
        self.index = index
        self.encoder = encoder
        self.weights = weights or Weights()
        self.parties = np.array([p.party.lower() for p in index.passages])
        self.party_codes = np.unique(self.parties, return_inverse=True)[1].reshape(-1)
        self.by_party = np.argsort(self.party_codes, kind="stable")
        self.party_starts = np.r_[0, np.flatnonzero(np.diff(self.party_codes[self.by_party])) + 1]
        self.party_lengths = np.diff(np.r_[self.party_starts, len(self.by_party)])
        self.pillars = np.array([p.pillar.lower() for p in index.passages])
        self._replies = {r.meta.doc_id: r for r in index.replies}
        self._refs: dict[int, list[dict]] = {}
        # one row per distinct question text: passages of one answer, and Parties quoting the same
        # questionnaire, share it, so scoring touches far less memory than one row per passage
        self.question_rows, self.question_of = np.unique(index.questions, axis=0, return_inverse=True)
        self.question_of = self.question_of.reshape(-1)
        self.sentence_rows: dict[int, list[int]] = {}
        for row, (pid, _) in enumerate(index.sentences):
            self.sentence_rows.setdefault(pid, []).append(row)
        self.pointer = np.array(
            [opens_with_pointer(self._replies[p.doc_id].answers[p.answer_index]) for p in index.passages], dtype=bool
        )

    def scores(self, query: str, qvec: np.ndarray | None = None) -> Scores:
        w = self.weights
        q = self.encoder.encode([query])[0] if qvec is None else qvec
        dense = self.index.dense.scores(q)
        question = (self.question_rows @ q)[self.question_of]
        tokens = bm25_tokens([query])[0]
        lexical = np.asarray(self.index.bm25.get_scores(tokens), dtype="float32") if tokens else np.zeros_like(dense)
        text_evidence = w.passage * _z(dense) + w.lexical * _z(lexical)
        fused = np.where(self.pointer, w.pointer, 1.0) * text_evidence + w.question * _z(question)
        return Scores(dense, question, lexical, fused, q)

    def search(
        self, query: str, k: int = 5, party: str | list[str] | None = None, pillar: str | None = None,
        per_party: bool = False,
    ) -> tuple[list[Hit], Scores]:
        """The k best passages; with per_party, also each Party's best passage (ranked after the k)."""
        s = self.scores(query)
        mask = np.ones(len(s.fused), dtype=bool)
        if party:
            wanted = [party] if isinstance(party, str) else party
            mask &= np.isin(self.parties, [p.lower() for p in wanted])
        if pillar:
            mask &= self.pillars == pillar.lower()
        fused = np.where(mask, s.fused, -np.inf)
        named = ids_in_query(query)
        if named:
            # a question number the user names comes first, in the questionnaire's order
            boost = np.array([self._named_rank(p, named) for p in self.index.passages], dtype="float32")
            fused = np.where(np.isfinite(fused) & (boost > 0), fused + 100.0 * boost, fused)
        if len(fused) > 4 * k:  # only the top k need ordering: partition first
            top = np.argpartition(-fused, k)[:k]
            ranked = top[np.argsort(-fused[top], kind="stable")]
        else:
            ranked = np.argsort(-fused, kind="stable")
        order = [int(i) for i in ranked[:k] if np.isfinite(fused[i])]
        if per_party:
            chosen = set(order)
            order += [i for i in self._best_per_party(fused) if i not in chosen]
        hits = [
            Hit(passage=self.index.passages[i], score=float(fused[i]), rank=r, resolved_refs=self.refs_of(self.index.passages[i]))
            for r, i in enumerate(order, start=1)
        ]
        return hits, s

    def _best_per_party(self, fused: np.ndarray) -> list[int]:
        """Each Party's best passage, best first: one max per Party over a fixed Party-sorted order."""
        values = fused[self.by_party]
        best = np.maximum.reduceat(values, self.party_starts)
        hit = values == np.repeat(best, self.party_lengths)
        # the first passage reaching its Party's best value
        first = np.maximum.reduceat(np.where(hit, -np.arange(len(values)), -len(values)), self.party_starts)
        picked = self.by_party[-first]
        picked = picked[np.isfinite(fused[picked])]
        return [int(i) for i in picked[np.argsort(-fused[picked], kind="stable")]]

    @staticmethod
    def _named_rank(p: Passage, named: list[str]) -> float:
        for n, qid in enumerate(named):
            for pid in p.question_ids:
                if pid == qid:
                    return 3.0 - n * 0.01 - p.part * 0.001
                if id_under(pid, qid):
                    return 2.0 - n * 0.01 - p.part * 0.001
        return 0.0

    def refs_of(self, p: Passage) -> list[dict]:
        """The answers a passage points to, resolved once per passage (the index does not change under us)."""
        cached = self._refs.get(p.pid)
        if cached is None:
            reply = self._replies.get(p.doc_id)
            cached = [] if reply is None or not p.refs else [
                {"question_ids": list(reply.answers[j].question_ids), "text": reply.answers[j].text}
                for j in resolve(reply.answers, p.answer_index)
            ]
            self._refs[p.pid] = cached
        return [dict(r, question_ids=list(r["question_ids"])) for r in cached]
