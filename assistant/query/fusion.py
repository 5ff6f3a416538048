"""How the signals are fused: the weights (chosen by cross-validation), one query's per-passage signals, and their
weighted sum of z-scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

@dataclass
class Weights:
    """How the signals are fused: a weighted sum of z-scores, so that a strong margin on one signal counts.

    BM25 only matches a question written in the passage's own language, and the English encoder only understands
    English: BM25's weight on a passage is scaled by how likely the question is in the passage's language, the
    English encoder's by how likely the question is in English when the passage is English (floors `lexical_cross`,
    `cross`), while the multilingual encoder counts whatever the languages.  Chosen by cross-validation
    (assistant.tools.tune)."""

    passage: float = 0.5  # dense (English encoder): query vs heading + answer text
    question: float = 0.3  # dense (English encoder): query vs the questionnaire's question text
    lexical: float = 1.5  # BM25 over heading, question (in English and French) and answer text
    ml_passage: float = 1.0  # dense (multilingual encoder): query vs heading + answer text
    ml_question: float = 0.6  # dense (multilingual encoder): query vs the question text
    ml_sentence: float = 1.0  # dense (multilingual encoder): query vs the passage's closest sentence
    cross: float = 0.2  # English encoder's weight on a passage in another language than the question
    lexical_cross: float = 0.2  # BM25's weight on a passage in another language than the question
    # the other Parties' answers under a passage's question (columns.py), any language: chosen over 0, 0.25, 0.5, 0.75
    # on 23 sets, each beside Portugal's and all 46 replies indexed: mean R@1 0.649 -> 0.659, 0.628 -> 0.662
    ml_column: float = 0.25
    # which question's answers in the packaged replies whose Party is not indexed the question reads like
    # (columns.prior_profiles, a linear discriminant), for a reply indexed alone or beside one other.  Both chosen on
    # 32 sets, each beside Portugal: left-one-set-out mean R@1 0.674 -> 0.684; on all, the dev set not to drop
    ml_prior: float = 0.75
    prior_shrink: float = 0.2  # its within-question covariance shrunk this far toward the plain distance (1.0)
    # BM25 of the indexed words nearest the question's words (translation.py): on passages in another language than
    # the question (its words translated), and in its own (its words' near relations: "teenagers" -> "adolescents")
    translated: float = 0.5
    related: float = 0.5
    pointer: float = 0.5  # text evidence borrowed from a pointed-to answer counts half: the original ranks first
    # an answer of at most this many words ("Yes.", "Non.", "See below.") says little by itself: it scores the better
    # of its text's and its question's similarity (a bare "No." under "specialised courts?" answers a question on them)
    bare_answer: int = 2
    # without the multilingual signal (a question in the language of every reply it searches, or an index built
    # without it): the English encoder and BM25 alone, weighted for that case
    mono_passage: float = 0.5
    mono_question: float = 0.0
    mono_lexical: float = 0.5
    # the multilingual signals are left out of the ranking when the question is at least this likely in English,
    # the language of every reply in scope: an English question on English replies is what the English encoder and
    # BM25 were chosen for.  With them on every question the second English set gains (R@1 0.731 -> 0.750) and the
    # dev set loses (0.976 -> 0.951): not better, and the multilingual encoder costs twice the English one
    monolingual_above: float = 0.9
    # the encoders read the words that name Parties too (as before 0.5): an ablation (Searcher.topic)
    read_party_words: bool = False
    # signals are z-scored over the passages a filter keeps when it keeps this many (half a reply), else over the whole
    # index: a Party's reply is ranked as with it alone indexed (46 indexed, filter on Portugal: dev R@1 0.927 -> 0.976;
    # a compilation's Party is too few to measure a spread on; chosen over 20, 40 and any, every set in both settings)
    scope_spread: int = 40


@dataclass
class Scores:
    """Per-passage signals for one query, kept apart so that abstention and ablations can read them."""

    dense: np.ndarray
    question: np.ndarray
    lexical: np.ndarray
    fused: np.ndarray
    query_vector: np.ndarray
    ml_dense: np.ndarray | None = None
    ml_question: np.ndarray | None = None
    same_language: np.ndarray | None = None  # per passage: how likely the question is in the passage's language
    ml_sentence: np.ndarray | None = None  # per passage: its closest sentence (the passage's own score if it has none)
    ml_query_vector: np.ndarray | None = None
    scope: np.ndarray | None = None  # the passages searched (the Party and pillar filters), None for all
    english: np.ndarray | None = None  # per passage: `same_language` for an English passage, 0 for one in another
    # the signals of the question as typed, Party words and all, when the encoders read less of it (Searcher.topic)
    typed: Scores | None = None
    # per passage: the question's similarity to the other Parties' answers under the passage's question (columns.py);
    # None with one Party indexed or without multilingual vectors
    ml_column: np.ndarray | None = None
    ml_prior: np.ndarray | None = None  # the same, from the packaged replies whose Party is not indexed
    translated: np.ndarray | None = None  # BM25 of the indexed words nearest the question's words (translation.py)

    def judged(self) -> Scores:
        """The signals whether the replies answer a question is judged on: the question as typed, which the
        similarity floors and the refusal model were chosen on (a Party's name is no evidence either way there, but
        their figures were measured with it)."""
        return self.typed or self


def _z(values: np.ndarray, within: np.ndarray | None = None) -> np.ndarray:
    """z-scores, their mean and spread measured over the passages `within` when given (see Weights.scope_spread)."""
    inside = values[within] if within is not None and within.any() else values
    sd = float(inside.std())
    return (values - inside.mean()) / (sd if sd > 1e-9 else 1.0)


def bare_answers(answer_words, pointer, w: Weights, nothing=False):
    """Bare answers ("Yes.", "Non."): at most `w.bare_answer` words of their own, not pointers, and not answers that
    give nothing (`nothing`: « Sans objet. », "Not applicable.", which say nothing of what their question asks) (arrays
    or one passage's values)."""
    return (answer_words <= w.bare_answer) & ~pointer & ~np.asarray(nothing, dtype=bool) & (w.bare_answer > 0)


def fuse(s: Scores, pointer: np.ndarray, w: Weights, answer_words: np.ndarray | None = None,
         nothing: np.ndarray | None = None) -> np.ndarray:
    """The weighted sum of z-scored signals (see Weights); a pointer's borrowed text evidence counts `w.pointer`;
    a bare answer (`answer_words`: per passage, its answer's words; `nothing`: per passage, it gives nothing) scores
    the better of its text and its question."""
    bare = bare_answers(answer_words, pointer, w, False if nothing is None else nothing) \
        if answer_words is not None and w.bare_answer else None

    within = s.scope if s.scope is not None and s.scope.sum() >= w.scope_spread else None

    def z(values: np.ndarray) -> np.ndarray:
        return _z(values, within)

    def text_z(values: np.ndarray, question: np.ndarray) -> np.ndarray:
        own = z(values)
        return own if bare is None else np.where(bare, np.maximum(own, question), own)

    zq = z(s.question)
    # what a pointer's halving leaves whole: what is said under the passage's question, and the translated words
    extra = w.ml_column * z(s.ml_column) if s.ml_column is not None and w.ml_column else 0.0
    if s.ml_prior is not None and w.ml_prior:
        extra = extra + w.ml_prior * z(s.ml_prior)
    zt = z(s.translated) if s.translated is not None else None
    if zt is not None and w.related:
        extra = extra + w.related * s.same_language * zt
    if s.ml_dense is None:
        text = w.mono_passage * text_z(s.dense, zq) + w.mono_lexical * z(s.lexical)
        return np.where(pointer, w.pointer, 1.0) * text + w.mono_question * zq + extra
    mono = w.cross + (1.0 - w.cross) * (s.english if s.english is not None else s.same_language)
    lexical_weight = w.lexical_cross + (1.0 - w.lexical_cross) * s.same_language
    zmq = z(s.ml_question)
    text = w.passage * mono * text_z(s.dense, zq) + w.lexical * lexical_weight * z(s.lexical)
    text = text + w.ml_passage * text_z(s.ml_dense, zmq)
    question = w.question * mono * zq + w.ml_question * zmq
    if s.ml_sentence is not None and w.ml_sentence:
        text = text + w.ml_sentence * text_z(s.ml_sentence, zmq)
    if zt is not None and w.translated:
        extra = extra + w.translated * (1.0 - s.same_language) * zt
    return np.where(pointer, w.pointer, 1.0) * text + question + extra
