"""Choose the fusion weights by cross-validation over several question sets, never by individual questions.

    python -m assistant.tools.tune --set index:../shared/eval/dev_questions.jsonl --set index:eval/questions_en.jsonl \
        --set both-index:eval/questions_valdorre.jsonl ...

Every signal is computed once per question; each candidate weighting is then a few vector operations.  The
folds are stratified by set; the objective is the mean over sets of MRR@10 (each set counts the same, whatever
its size), among the weightings that lose on no set against the previous method (the English encoder and BM25
alone, BASELINE), by R@1 or MRR@10: a weighting that gains on one set and loses on another is not better.
"""

from __future__ import annotations

import argparse
import itertools
import random
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from ..encoders.loader import load_encoder
from ..query.search import Scores, Searcher, Weights, fuse
from ..store.load import load_index
from .evaluation import Row, is_hit, load_rows

GRID = {
    "passage": (0.5, 1.0),
    "question": (0.0, 0.3),
    "lexical": (0.5, 1.0, 1.5),
    "ml_passage": (0.5, 0.75, 1.0, 1.5),
    "ml_question": (0.0, 0.3, 0.6),
    "cross": (0.0, 0.2, 0.5),
    "lexical_cross": (0.2, 0.5, 1.0),
    "pointer": (0.5, 1.0),
}


@dataclass
class Case:
    name: str  # the question set
    row: Row
    searcher: Searcher
    scores: Scores
    hits: np.ndarray  # per passage: does it answer a gold question
    mask: np.ndarray  # the row's Party filter
    boost: np.ndarray | None  # question numbers named in the row


def collect(searcher: Searcher, rows: list[Row], name: str) -> list[Case]:
    out = []
    for row in rows:
        if not row.gold:
            continue
        s = searcher.scores(row.query)
        hits = np.array([is_hit(p.question_ids, row.gold) for p in searcher.index.passages])
        out.append(Case(name, row, searcher, s, hits, *searcher.prepare(row.query, row.party)))
    return out


def reciprocal_rank(case: Case, w: Weights, k: int = 10) -> float:
    fused = fuse(case.scores, case.searcher.pointer, w)
    order, _ = case.searcher.order(fused, case.mask, case.boost, k)
    return next((1.0 / r for r, i in enumerate(order, start=1) if case.hits[i]), 0.0)


# the method before the multilingual signal: what no set may lose against (R@1)
BASELINE = Weights(passage=1.0, question=0.3, lexical=1.0, ml_passage=0.0, ml_question=0.0, cross=1.0,
                   lexical_cross=1.0, pointer=0.5)


def candidates() -> list[Weights]:
    keys = list(GRID)
    return [Weights(**dict(zip(keys, values))) for values in itertools.product(*(GRID[k] for k in keys))]


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
    grid = candidates()
    print(f"{len(cases)} questions from {len(args.set)} sets; {len(grid)} candidate weightings")
    rr = np.zeros((len(grid), len(cases)))
    for n, w in enumerate(grid):
        rr[n] = [reciprocal_rank(c, w) for c in cases]
        if n % 200 == 0:
            print(f"  {n}/{len(grid)} weightings scored", flush=True)
    sets = np.array([c.name for c in cases])
    r1 = rr == 1.0
    floor = np.array([reciprocal_rank(c, BASELINE) for c in cases])

    # cross-validation: choose on k-1 folds, score on the held-out fold
    rng = random.Random(13)
    fold_of = np.zeros(len(cases), dtype=int)
    for name in np.unique(sets):
        members = [i for i in range(len(cases)) if sets[i] == name]
        rng.shuffle(members)
        for n, i in enumerate(members):
            fold_of[i] = n % args.folds
    held_rr = np.zeros(len(cases))
    held_r1 = np.zeros(len(cases))
    for fold in range(args.folds):
        train = np.flatnonzero(fold_of != fold)
        test = np.flatnonzero(fold_of == fold)
        best = int(np.argmax(objective(rr, sets, train, floor)))
        held_rr[test], held_r1[test] = rr[best, test], r1[best, test]
    print("cross-validated (weights chosen without the fold they are scored on):")
    for name in np.unique(sets):
        m = sets == name
        print(f"  {name:<38} n={m.sum():>3}  R@1 {held_r1[m].mean():.3f}  MRR@10 {held_rr[m].mean():.3f}")
    best = int(np.argmax(objective(rr, sets, np.arange(len(cases)), floor)))
    default = next((i for i, w in enumerate(grid) if asdict(w) == asdict(Weights())), None)
    print("chosen on all questions:", {f.name: getattr(grid[best], f.name) for f in fields(Weights)})
    for label, i in (("chosen", best), ("current default", default)):
        if i is None:
            continue
        parts = [f"{name} R@1 {r1[i, sets == name].mean():.3f} MRR {rr[i, sets == name].mean():.3f}"
                 for name in np.unique(sets)]
        print(f"{label}: " + "; ".join(parts))
    parts = [f"{name} R@1 {(floor[sets == name] == 1).mean():.3f} MRR {floor[sets == name].mean():.3f}"
             for name in np.unique(sets)]
    print("baseline (no multilingual signal): " + "; ".join(parts))


if __name__ == "__main__":  # pragma: no cover - run by a maintainer
    main()
