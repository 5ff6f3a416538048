"""Other Parties' answers under a passage's questionnaire question describe that question (query/columns.py)."""

from __future__ import annotations

import numpy as np

from assistant.query.columns import ColumnProfiles


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype="float32")
    return v / np.linalg.norm(v)


def test_with_one_party_indexed_there_is_no_profile():
    assert ColumnProfiles.build([["9.3"], ["9.1.a"]], ["portugal", "portugal"], np.stack([unit(1, 0), unit(0, 1)])) is None


def test_a_passage_is_described_by_the_other_partys_answer_to_its_question_not_its_own():
    # Portugal's 9.3 answer points one way, Valdorre's 9.3 answer another; each is profiled by the other
    ids = [["9.3"], ["9.3"], ["6.1"], ["6.1"]]
    parties = ["portugal", "valdorre", "portugal", "valdorre"]
    vectors = np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1), unit(0, 0, 1)])
    profiles = ColumnProfiles.build(ids, parties, vectors)
    sims = profiles.similarity(unit(0, 1, 0))  # a question worded as Valdorre answers 9.3
    assert sims[0] > 0.99 and sims[1] < 0.01  # Portugal's 9.3 gains from Valdorre's words, Valdorre's does not
    assert sims[2] < 0.01 and sims[3] < 0.01


def test_each_party_counts_once_however_many_passages_it_has():
    # Portugal answers 9.3 in three passages, Valdorre in one: Lumbria's 9.3 profile is half each, not 3:1
    ids = [["9.3"]] * 5
    parties = ["portugal"] * 3 + ["valdorre", "lumbria"]
    vectors = np.stack([unit(1, 0, 0)] * 3 + [unit(0, 1, 0), unit(0, 0, 1)])
    sims = ColumnProfiles.build(ids, parties, vectors).similarity
    assert abs(sims(unit(1, 0, 0))[4] - sims(unit(0, 1, 0))[4]) < 1e-6


def test_items_count_under_their_sub_question_and_an_unshared_question_scores_neutral():
    # 9.7.a and 9.7.c are both column 9.7; 12 is answered by Portugal alone: it neither gains nor loses
    ids = [["9.7.a"], ["9.7.c"], ["12"]]
    parties = ["portugal", "valdorre", "portugal"]
    vectors = np.stack([unit(1, 0), unit(0, 1), unit(1, 1)])
    sims = ColumnProfiles.build(ids, parties, vectors).similarity(unit(0, 1))
    assert sims[0] > 0.99 and sims[1] < 0.01
    assert abs(sims[2] - (sims[0] + sims[1]) / 2) < 1e-6


def test_a_passage_answering_two_questions_takes_the_closer_profile():
    ids = [["2.1", "2.2"], ["2.1"], ["2.2"]]
    parties = ["portugal", "valdorre", "lumbria"]
    vectors = np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)])
    sims = ColumnProfiles.build(ids, parties, vectors).similarity
    assert sims(unit(0, 1, 0))[0] > 0.99 and sims(unit(0, 0, 1))[0] > 0.99


def test_a_filtered_search_is_scored_within_its_filter_whatever_else_is_indexed():
    from assistant.query.search import Scores, Weights, fuse

    rng = np.random.default_rng(3)
    inside = 50
    dense, question, lexical = (rng.normal(size=inside).astype("float32") for _ in range(3))

    def ranking(extra: int, spread: float) -> list[int]:
        # `extra` passages of other replies with far-off signals (another language: BM25 and the encoder near 0)
        pad = lambda v: np.r_[v, np.full(extra, spread, dtype="float32")]  # noqa: E731
        scope = np.r_[np.ones(inside, dtype=bool), np.zeros(extra, dtype=bool)]
        s = Scores(pad(dense), pad(question), pad(lexical), np.zeros(inside + extra, dtype="float32"),
                   np.zeros(3, dtype="float32"), scope=scope if extra else None)
        fused = fuse(s, np.zeros(inside + extra, dtype=bool), Weights())
        return list(np.argsort(-fused[:inside]))

    alone = ranking(0, 0.0)
    assert ranking(400, -5.0) == alone and ranking(400, 5.0) == alone
