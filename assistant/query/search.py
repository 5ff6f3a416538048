"""Query -> ranked hits: dense and BM25 rankings fused, question numbers looked up, pointers resolved."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..encoders.base import Encoder
from ..encoders.multilingual import load_multilingual
from ..ids import id_under, ids_in_query
from ..ingest.language import language_probabilities
from ..ingest.nonanswers import gives_nothing
from ..ingest.references import opens_with_pointer, resolve
from ..model import Hit, Passage
from ..parties import canonical_party, parties_in_text, without_parties
from ..store.lexical import bm25_tokens
from ..store.load import LoadedIndex
from .columns import ColumnProfiles, load_prior, prior_profiles
from .fusion import Scores, Weights, bare_answers, fuse
from .translation import Translator


ENGLISH = "en"  # the English encoder's language


def parties_named(query: str, indexed: list[str]) -> tuple[list[str], list[str]]:
    """(indexed Parties the question names, Convention Parties it names whose reply is not indexed).

    "Que prévoit le Portugal…" names Portugal; "What does France set…" names France, indexed or not."""
    named = parties_in_text(query, extra=indexed)
    canon = {p: canonical_party(p) or p for p in indexed}
    inside = [p for p in indexed if canon[p] in named]
    outside = [n for n in named if n not in canon.values()]
    return inside, outside


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
        self.sentence_terms: dict[int, frozenset[str]] = {}  # BM25 terms of the sentences quoted so far (quotes.py)
        # one row per distinct question text: passages of one answer, and Parties quoting the same
        # questionnaire, share it, so scoring touches far less memory than one row per passage
        self.question_rows, self.question_of = np.unique(index.questions, axis=0, return_inverse=True)
        self.question_of = self.question_of.reshape(-1)
        # a passage's sentences are consecutive rows of index.sentences: where each passage's run starts and ends
        self.sentence_pids = sentence_pids = np.array([pid for pid, _ in index.sentences], dtype=np.int64)
        self.sentence_starts = np.flatnonzero(np.r_[True, sentence_pids[1:] != sentence_pids[:-1]]) \
            if len(sentence_pids) else np.zeros(0, dtype=np.int64)
        self.sentence_owner = sentence_pids[self.sentence_starts]
        ends = np.r_[self.sentence_starts[1:], len(sentence_pids)]
        self.sentence_rows: dict[int, list[int]] = {
            int(pid): list(range(a, b)) for pid, a, b in zip(self.sentence_owner, self.sentence_starts, ends)}
        self.pointer = np.array(
            [opens_with_pointer(self._replies[p.doc_id].answers[p.answer_index]) for p in index.passages], dtype=bool
        )
        # words of each passage's own answer text: a bare "Yes." is judged by its question too (Weights.bare_answer)
        self.answer_words = np.array([len(p.text.split()) for p in index.passages], dtype=np.int64)
        self.nothing = np.array([gives_nothing(p.text) for p in index.passages], dtype=bool)  # « Sans objet. »
        self.languages, self.language_of = np.unique([p.language or "en" for p in index.passages],
                                                     return_inverse=True)
        self.english_passage = (self.languages[self.language_of] == ENGLISH).astype("float32")
        self.multilingual = load_multilingual() if index.ml_passages is not None else None
        self.unknown_parties = tuple(p for p in index.parties if canonical_party(p) is None)  # "Valdorre"
        # answer units (one reply's answer to one question, maybe cut into parts) are contiguous in the store
        unit_keys = [(p.doc_id, p.answer_index) for p in index.passages]
        self.unit_starts = np.array([i for i, key in enumerate(unit_keys) if i == 0 or key != unit_keys[i - 1]],
                                    dtype=np.int64)
        self.unit_lengths = np.diff(np.r_[self.unit_starts, len(unit_keys)])
        self.unit_of = np.repeat(np.arange(len(self.unit_starts)), self.unit_lengths)
        self.columns: ColumnProfiles | None = None  # the other Parties' answers under each passage's question
        self.prior: ColumnProfiles | None = None
        if self.multilingual is not None:
            self.ml_question_rows, self.ml_question_of = np.unique(index.ml_questions, axis=0, return_inverse=True)
            self.ml_question_of = self.ml_question_of.reshape(-1)
            ids = [p.question_ids for p in index.passages]
            self.columns = ColumnProfiles.build(ids, list(self.parties), index.ml_passages)
            self.prior = prior_profiles(ids, list(self.parties), load_prior(self.multilingual.name),
                                        self.weights.prior_shrink)
        self.translator = Translator(index.vocabulary, self.multilingual.encode_queries) \
            if self.multilingual is not None and index.vocabulary is not None else None

    def scores(self, query: str, qvec: np.ndarray | None = None, weights: Weights | None = None,
               scope: np.ndarray | None = None, multilingual: bool | None = None) -> Scores:
        """Every signal for one query, and their fusion under `weights` (the searcher's own by default).

        The multilingual signal is computed when the index has it and the question may be in another language
        than some reply in `scope` (a passage mask; the whole index by default); `multilingual` forces either.
        The encoders read the question's `topic`; when it differs from the question as typed, the signals of the
        typed question come too (`Scores.typed`, one batch per encoder), for judging whether the replies answer it."""
        w = weights or self.weights
        topic = query if w.read_party_words else self.topic(query)
        texts = [topic] if topic == query or qvec is not None else [topic, query]
        vectors = self.encoder.encode(texts) if qvec is None else np.asarray(qvec)[None, :]
        probs = language_probabilities(query)
        if multilingual is None:
            multilingual = self.needs_multilingual(probs, scope, w)
        # every question gets its multilingual vector: whether the replies answer it at all is judged with it
        # (refusal.py); the ranking and the quotes use it only where the languages call for it
        ml_vectors = self.multilingual.encode_queries(texts) if self.multilingual is not None else None
        tokens = bm25_tokens([query])[0]
        lexical = np.asarray(self.index.bm25.get_scores(tokens), dtype="float32") if tokens else \
            np.zeros(len(self.index.passages), dtype="float32")
        same = np.array([probs.get(str(lang), 0.0) for lang in self.languages], dtype="float32")[self.language_of]
        inside = scope if scope is not None and scope.any() and not scope.all() else None
        # the typed question's signals judge whether the replies answer it (refusal.py), which reads no column signal
        signals = [self._signals(vectors[n], None if ml_vectors is None else ml_vectors[n], multilingual, lexical,
                                 same, inside, columns=n == 0) for n in range(len(texts))]
        s = signals[0]
        s.typed = signals[1] if len(signals) > 1 else None
        if self.translator is not None and (w.translated or w.related):
            words = self.translator.tokens(query)
            s.translated = np.asarray(self.index.bm25.get_scores(words), dtype="float32") if words else None
        s.fused = fuse(s, self.pointer, w, self.answer_words, self.nothing)
        return s

    def _signals(self, q: np.ndarray, mq: np.ndarray | None, multilingual: bool, lexical: np.ndarray,
                 same: np.ndarray, scope: np.ndarray | None, columns: bool = True) -> Scores:
        """One question vector's (and multilingual vector's) signals, not fused (`columns`: with the other Parties'
        answers under each passage's question)."""
        dense = self.index.dense.scores(q)
        question = (self.question_rows @ q)[self.question_of]
        ml_dense = ml_question = ml_sentence = None
        ml_column = self.columns.similarity(mq) if columns and mq is not None and self.columns is not None else None
        ml_prior = self.prior.similarity(mq) if columns and mq is not None and self.prior is not None else None
        if mq is not None and multilingual:
            ml_dense = self.index.ml_passages @ mq
            ml_question = (self.ml_question_rows @ mq)[self.ml_question_of]
            ml_sentence = self.closest_sentences(self.index.ml_sentences, mq, ml_dense)
        return Scores(dense, question, lexical, np.zeros_like(dense), q, ml_dense, ml_question, same, ml_sentence, mq,
                      scope, same * self.english_passage, ml_column=ml_column, ml_prior=ml_prior)

    def topic(self, query: str) -> str:
        """What the encoders read of a question: the question without the words that name Parties ("Portugal",
        "Portuguese", « le Portugal », "Lumbrian"), which say which reply to search (the filter), not what about.  BM25
        and the language of the question read it as typed.  Chosen on the dev, second English, Portugal multilingual
        and Valdorre sets (each gained R@1 and MRR@10, none lost; `bench speed`'s ablation row "encoders read the
        Party's name too")."""
        return without_parties(query, self.unknown_parties)

    def closest_sentences(self, vectors: np.ndarray | None, query: np.ndarray, whole: np.ndarray
                          ) -> np.ndarray | None:
        """Per passage, the similarity of its closest sentence (rows of `vectors`, one per index.sentences) to the
        question vector; a passage without sentences keeps its whole text's (`whole`).  None without vectors."""
        if vectors is None:
            return None
        out = whole.copy()
        if len(self.sentence_starts):
            out[self.sentence_owner] = np.maximum.reduceat(vectors @ query, self.sentence_starts)
        return out

    def needs_multilingual(self, query: str | dict[str, float], scope: np.ndarray | None = None,
                           weights: Weights | None = None) -> bool:
        """Whether a question (or its language probabilities) is searched with the multilingual encoder: unless it
        is (at least `monolingual_above` likely) in English, the English encoder's language, and so is every reply
        in scope (a passage mask; the whole index by default).  Never when the index has no multilingual vectors."""
        if self.multilingual is None:
            return False
        w = weights or self.weights
        probs = language_probabilities(query) if isinstance(query, str) else query
        if len(self.languages) == 1:
            in_scope = {str(self.languages[0])}
        else:
            codes = self.language_of if scope is None or not scope.any() else self.language_of[scope]
            in_scope = {str(lang) for lang in self.languages[np.unique(codes)]}
        return not (in_scope == {ENGLISH} and probs.get(ENGLISH, 0.0) >= w.monolingual_above)

    def search(
        self, query: str, k: int = 5, party: str | list[str] | None = None, pillar: str | None = None,
        per_party: bool = False,
    ) -> tuple[list[Hit], Scores]:
        """The k best answer units (each its best passage, parts merged); with per_party, also each Party's best."""
        mask, boost = self.prepare(query, party, pillar)
        s = self.scores(query, scope=mask)
        order, fused = self.order(s.fused, mask, boost, k=k, per_party=per_party)
        hits = [Hit(passage=self.unit_passage(i), score=float(fused[i]), rank=r,
                    resolved_refs=self.refs_of(self.index.passages[i]))
                for r, i in enumerate(order, start=1)]
        return hits, s

    def prepare(self, query: str, party: str | list[str] | None = None,
                pillar: str | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """What ranking needs besides the scores: the filter mask, and the boost of question numbers named."""
        mask = np.ones(len(self.index.passages), dtype=bool)
        if party:
            wanted = [party] if isinstance(party, str) else party
            mask &= np.isin(self.parties, [p.lower() for p in wanted])
        if pillar:
            mask &= self.pillars == pillar.lower()
        named = ids_in_query(query)
        boost = np.array([self._named_rank(p, named) for p in self.index.passages], dtype="float32") if named else None
        return mask, boost

    def order(self, fused: np.ndarray, mask: np.ndarray, boost: np.ndarray | None, k: int = 5,
              per_party: bool = False) -> tuple[list[int], np.ndarray]:
        fused = np.where(mask, fused, -np.inf)
        if boost is not None:
            # a question number the user names comes first, in the questionnaire's order
            fused = np.where(np.isfinite(fused) & (boost > 0), fused + 100.0 * boost, fused)
        # one candidate per answer unit: its best passage
        best = np.maximum.reduceat(fused, self.unit_starts)
        is_best = fused == np.repeat(best, self.unit_lengths)
        first = np.maximum.reduceat(np.where(is_best, -np.arange(len(fused)), -len(fused)), self.unit_starts)
        units = -first
        unit_scores = fused[units]
        if len(units) > 4 * k:  # only the top k need ordering: partition first
            top = np.argpartition(-unit_scores, k)[:k]
            ranked = units[top[np.argsort(-unit_scores[top], kind="stable")]]
        else:
            ranked = units[np.argsort(-unit_scores, kind="stable")]
        order = [int(i) for i in ranked[:k] if np.isfinite(fused[i])]
        if per_party:
            chosen = set(order)
            order += [i for i in self._best_per_party(fused) if i not in chosen]
        return order, fused

    def is_bare(self, i: int) -> bool:
        """Passage i is a bare answer ("Yes.", "Non."): no more than Weights.bare_answer words, not a pointer, not an
        answer that gives nothing."""
        return bool(bare_answers(self.answer_words[i], self.pointer[i], self.weights, self.nothing[i]))

    def unit_passage(self, i: int) -> Passage:
        """Passage i standing for its whole answer unit: an answer cut into parts is cited once, in full."""
        p = self.index.passages[i]
        if p.parts == 1:
            return p
        start = self.unit_starts[self.unit_of[i]]
        parts = self.index.passages[start:start + self.unit_lengths[self.unit_of[i]]]
        return replace(p, text="\n\n".join(x.text for x in parts), part=0, parts=1, pid=parts[0].pid)

    def unit_sentence_rows(self, i: int) -> list[int]:
        """Sentence rows of every passage in passage i's answer unit."""
        start = self.unit_starts[self.unit_of[i]]
        return [row for pid in range(start, start + self.unit_lengths[self.unit_of[i]])
                for row in self.sentence_rows.get(pid, [])]

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
