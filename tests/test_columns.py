"""Other Parties' answers under a passage's questionnaire question describe that question (query/columns.py)."""

from __future__ import annotations

import numpy as np
import pytest

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
    from assistant.query.fusion import Scores, Weights, fuse

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


def prior_of(entries: list[tuple[str, str, np.ndarray]]):
    from assistant.query.columns import Prior

    return Prior(np.array([c for c, _, _ in entries]), np.array([p for _, p, _ in entries]),
                 np.stack([v for _, _, v in entries]), "model")


def test_a_reply_indexed_alone_is_profiled_by_the_packaged_parties_whose_reply_is_not_indexed():
    from assistant.query.columns import prior_profiles

    # under 9.3 Valdorre and Lumbria write penalties (near x), under 6.1 helplines (near y); Portugal's 9.3 answer,
    # packaged too, reads like a helpline answer.  Portugal alone is indexed: its own answers do not count
    prior = prior_of([("9.3", "portugal", unit(0, 1, 0)), ("9.3", "valdorre", unit(1, 0, 0.2)),
                      ("9.3", "lumbria", unit(1, 0, -0.2)), ("6.1", "valdorre", unit(0, 1, 0.2)),
                      ("6.1", "lumbria", unit(0, 1, -0.2))])
    profiles = prior_profiles([["9.3"], ["9.1.a"], ["6.1"]], ["portugal"] * 3, prior)
    penalties, helplines = profiles.similarity(unit(1, 0, 0)), profiles.similarity(unit(0, 1, 0))
    assert penalties[0] > penalties[2] and helplines[2] > helplines[0]
    assert abs(penalties[1] - (penalties[0] + penalties[2]) / 2) < 1e-5  # 9.1 is in no packaged reply: neutral
    # every packaged Party indexed: nothing left to profile with
    assert prior_profiles([["9.3"], ["6.1"]], ["valdorre", "lumbria"], prior_of([("9.3", "valdorre", unit(1, 0))])) \
        is None


def test_the_packaged_profile_discounts_what_sets_one_partys_answers_apart_from_anothers():
    from assistant.query.columns import prior_profiles

    # under each question one Party's answers sit high on z (their language), the other's low; 9.3's answers lean
    # +x and a little +z, 6.1's -x and a little -z.  A question low on z but leaning +x reads as 9.3 once the
    # spread between Parties along z is discounted; by the plain distance to each mean (shrink 1) z leads: 6.1
    v = lambda *xs: np.array(xs, dtype="float32")  # noqa: E731
    prior = prior_of([("9.3", "valdorre", v(0.3, 0, 1.2)), ("9.3", "lumbria", v(0.3, 0, -0.8)),
                      ("6.1", "valdorre", v(-0.3, 0, 0.8)), ("6.1", "lumbria", v(-0.3, 0, -1.2))])
    ids, query = [["9.3"], ["6.1"]], unit(0.1, 0, -1)
    discounted = prior_profiles(ids, ["portugal"] * 2, prior, shrink=0.2).similarity(query)
    plain = prior_profiles(ids, ["portugal"] * 2, prior, shrink=1.0).similarity(query)
    assert discounted[0] > discounted[1] and plain[1] > plain[0]


def test_the_packaged_profile_belongs_to_the_multilingual_encoder_that_embedded_it():
    from assistant.encoders.base import MULTILINGUAL_MODEL
    from assistant.query.columns import load_prior

    prior = load_prior(MULTILINGUAL_MODEL)
    assert prior is not None and len(prior.parties) == len(prior.columns) == len(prior.vectors)
    assert "portugal" in set(prior.parties) and {"9.3", "6.1", "13"} <= set(prior.columns)
    assert load_prior("another-encoder") is None  # vectors of another space would mean nothing


@pytest.mark.slow
def test_column_prior_writes_each_partys_means_and_writes_the_package_only_when_asked(built, tmp_path, capsys):
    from assistant.query.columns import PRIOR_FILE
    from assistant.tools import column_prior

    out = tmp_path / PRIOR_FILE
    parties, columns = column_prior.write_prior(built / "index", out)
    with np.load(out) as data:
        assert set(data["parties"]) == {"portugal"} and parties == 1 and len(set(data["columns"])) == columns > 20
        assert np.allclose(np.linalg.norm(data["vectors"].astype("float32"), axis=1), 1.0, atol=1e-2)
    packaged = column_prior.PACKAGED.read_bytes()
    column_prior.main(["--corpus", str(built / "corpus"), "--index", str(tmp_path / "index")])
    assert "not written" in capsys.readouterr().out and column_prior.PACKAGED.read_bytes() == packaged


@pytest.mark.slow
def test_a_search_of_portugal_alone_reads_the_packaged_profile_without_portugals_own_answers(assistant_obj):
    searcher = assistant_obj.searcher
    assert searcher.prior is not None
    s = searcher.scores("What number can a child call for help when an intimate photo of them circulates?")
    assert s.ml_prior is not None and s.ml_column is None  # one Party indexed: no other Party's answers
