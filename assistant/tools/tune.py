"""Choose the fusion weights by cross-validation over several question sets, never by individual questions.

    python -m assistant.tools.tune --set index:../shared/eval/dev_questions.jsonl --set index:eval/questions_en.jsonl \
        --set both-index:eval/questions_valdorre.jsonl ...

Every signal is computed once per question; each candidate weighting is then a few vector operations.  The
folds are stratified by set; the objective is the mean over sets of MRR@10 (each set counts the same, whatever
its size), among the weightings that lose on no set against the previous method (the English encoder and BM25
alone, BASELINE), by R@1 or MRR@10: a weighting that gains on one set and loses on another is not better.

Questions the search answers without the multilingual encoder (in the language of every reply in scope) are
scored by the `mono_*` weights only, the others by the rest: the two groups are chosen apart, each on its own
questions, each under the same no-loss rule.
"""

from __future__ import annotations

import argparse
import itertools
import random
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np

from ..encoders.loader import load_encoder
from ..query.fusion import Scores, Weights, fuse
from ..query.search import Searcher
from ..store.load import load_index
from .evaluation import Row, is_hit, load_rows

GRID = {
    "passage": (0.5, 1.0),
    "question": (0.0, 0.3),
    "lexical": (0.5, 1.0, 1.5),
    "ml_passage": (0.5, 0.75, 1.0, 1.5),
    "ml_question": (0.0, 0.3, 0.6),
    "ml_sentence": (0.0, 0.5, 1.0, 1.5),
    "cross": (0.0, 0.2, 0.5),
    "lexical_cross": (0.2, 0.5, 1.0),
    "pointer": (0.5, 1.0),
    "bare_answer": (0, 2, 4),
}  # ml_column stays at its default here: it is chosen with every held-out reply indexed (see Weights.ml_column)
MONO_GRID = {"mono_passage": (0.5, 1.0, 1.5), "mono_question": (0.0, 0.3, 0.5), "mono_lexical": (0.5, 1.0, 1.5),
             "bare_answer": (0, 2, 4)}


@dataclass
class Case:
    name: str  # the question set
    row: Row
    searcher: Searcher
    scores: Scores
    hits: np.ndarray  # per passage: does it answer a gold question
    mask: np.ndarray  # the row's Party filter
    boost: np.ndarray | None  # question numbers named in the row
    monolingual: bool  # the search skips the multilingual encoder for this question


def collect(searcher: Searcher, rows: list[Row], name: str) -> list[Case]:
    out = []
    for row in rows:
        if not row.gold:
            continue
        mask, boost = searcher.prepare(row.query, row.party)
        s = searcher.scores(row.query, multilingual=True, scope=mask)  # as `search` scores it: within the filter
        hits = np.array([is_hit(p.question_ids, row.gold) for p in searcher.index.passages])
        out.append(Case(name, row, searcher, s, hits, mask, boost, not searcher.needs_multilingual(row.query, mask)))
    return out


def reciprocal_rank(case: Case, w: Weights, k: int = 10, monolingual: bool | None = None) -> float:
    """The gold answer's reciprocal rank under `w`, with or without the multilingual signal (as searched)."""
    mono = case.monolingual if monolingual is None else monolingual
    scores = replace(case.scores, ml_dense=None, ml_question=None) if mono else case.scores
    fused = fuse(scores, case.searcher.pointer, w, case.searcher.answer_words, case.searcher.nothing)
    order, _ = case.searcher.order(fused, case.mask, case.boost, k)
    return next((1.0 / r for r, i in enumerate(order, start=1) if case.hits[i]), 0.0)


# the method before the multilingual signal (scored without it): what no set may lose against
BASELINE = Weights(mono_passage=1.0, mono_question=0.3, mono_lexical=1.0, pointer=0.5, bare_answer=0)


def candidates(grid: dict[str, tuple]) -> list[Weights]:
    keys = list(grid)
    return [Weights(**dict(zip(keys, values))) for values in itertools.product(*(grid[k] for k in keys))]


def objective(rr: np.ndarray, sets: np.ndarray, rows: np.ndarray, floor: np.ndarray | None = None) -> np.ndarray:
    """Mean over sets of MRR@10 for every candidate (rr: candidates x cases); -inf for a candidate whose R@1 or
    MRR@10 on some set falls below the baseline's (floor: the baseline's reciprocal ranks)."""
    names = np.unique(sets[rows])
    score = np.mean([rr[:, rows[sets[rows] == n]].mean(axis=1) for n in names], axis=0)
    if floor is not None:
        for n in names:
            cols = rows[sets[rows] == n]
            loses = ((rr[:, cols] == 1.0).mean(axis=1) < (floor[cols] == 1.0).mean() - 1e-9) | (
                rr[:, cols].mean(axis=1) < floor[cols].mean() - 1e-9)
            score = np.where(loses, -np.inf, score)
    return score


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", required=True, metavar="INDEX:QUESTIONS",
                        help="an index folder and a question set searched in it (repeatable)")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)

    cases: list[Case] = []
    searchers: dict[str, Searcher] = {}
    for spec in args.set:
        index_dir, questions = spec.split(":", 1)
        if index_dir not in searchers:
            index = load_index(Path(index_dir))
            encoder = load_encoder(index.manifest.get("model"), index.manifest.get("backend", "onnx"))
            searchers[index_dir] = Searcher(index, encoder)
        cases += collect(searchers[index_dir], load_rows(Path(questions)), Path(questions).stem)
    sets = np.array([c.name for c in cases])
    mono = np.array([c.monolingual for c in cases])
    floor = np.array([reciprocal_rank(c, BASELINE, monolingual=True) for c in cases])
    # two groups of weights (their keys, candidates, questions), each scored on the questions it serves:
    # rr[group] is candidates x cases
    groups = {"multilingual": (GRID, candidates(GRID), ~mono),
              "monolingual": (MONO_GRID, candidates(MONO_GRID), mono)}
    print(f"{len(cases)} questions from {len(args.set)} sets ({mono.sum()} searched without the multilingual "
          f"encoder); {sum(len(g) for _, g, _ in groups.values())} candidate weightings")
    rr = {}
    for group, (_, grid, members) in groups.items():
        rr[group] = np.zeros((len(grid), len(cases)))
        cols = np.flatnonzero(members)
        for n, w in enumerate(grid):
            rr[group][n, cols] = [reciprocal_rank(cases[i], w) for i in cols]

    def choose(rows: np.ndarray) -> dict[str, int]:
        picks = {}
        for group, (_, _, members) in groups.items():
            part = rows[members[rows]]
            picks[group] = int(np.argmax(objective(rr[group], sets, part, floor))) if len(part) else 0
        return picks

    def merged(picks: dict[str, int]) -> Weights:
        """One weighting from each group's pick; a key both groups tune (bare_answer) must agree, or it is said."""
        chosen: dict = {}
        for group, (keys, grid, _) in groups.items():
            for k in keys:
                value = getattr(grid[picks[group]], k)
                if k in chosen and chosen[k] != value:
                    print(f"  note: {k} chosen {chosen[k]} for the multilingual group, {value} for the monolingual "
                          f"one; the default holds one value")
                chosen[k] = value
        return Weights(**chosen)

    # cross-validation: choose on k-1 folds, score on the held-out fold
    rng = random.Random(13)
    fold_of = np.zeros(len(cases), dtype=int)
    for name in np.unique(sets):
        members = [i for i in range(len(cases)) if sets[i] == name]
        rng.shuffle(members)
        for n, i in enumerate(members):
            fold_of[i] = n % args.folds
    held_rr = np.zeros(len(cases))
    for fold in range(args.folds):
        picks = choose(np.flatnonzero(fold_of != fold))
        for group, (_, _, members) in groups.items():
            test = np.flatnonzero((fold_of == fold) & members)
            held_rr[test] = rr[group][picks[group], test]
    print("cross-validated (weights chosen without the fold they are scored on):")
    for name in np.unique(sets):
        m = sets == name
        print(f"  {name:<38} n={m.sum():>3}  R@1 {(held_rr[m] == 1).mean():.3f}  MRR@10 {held_rr[m].mean():.3f}")
    chosen = merged(choose(np.arange(len(cases))))
    print("chosen on all questions:", {f.name: getattr(chosen, f.name) for f in fields(Weights)})
    for label, w, as_searched in (("chosen", chosen, None), ("current default", Weights(), None),
                                  ("baseline (no multilingual signal)", BASELINE, True)):
        got = np.array([reciprocal_rank(c, w, monolingual=as_searched) for c in cases])
        parts = [f"{name} R@1 {(got[sets == name] == 1).mean():.3f} MRR {got[sets == name].mean():.3f}"
                 for name in np.unique(sets)]
        print(f"{label}: " + "; ".join(parts))


if __name__ == "__main__":  # pragma: no cover - run by a maintainer
    main()
