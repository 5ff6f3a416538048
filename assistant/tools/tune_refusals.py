"""Fit the refusal model (query/refusal.py) on question sets, report it cross-validated, and package it.

    python -m assistant.tools.tune_refusals --set INDEX:QUESTIONS [--set …] [--heldout INDEX:QUESTIONS] [--write]

Rows with gold ids are questions the replies answer; rows without (but for those about a Party whose reply is not
indexed, which are declined by name) are questions they do not.  Only rows the model would judge are used: asked
in the language of every reply searched, and past the similarity floor (`answer.should_abstain`).  The model is a
logistic regression (L2, classes weighted alike) on the standardised FEATURES; its threshold is the in-scope
probability below which at most RATE of the answerable rows fall, each row scored by a model fitted without it, and
its partial threshold the one below which at most PARTIAL_RATE fall (answered, marked as a partial match).
The figures printed are nested: each tenth of the rows is judged by a model and threshold chosen on the rest.
`--heldout` sets are judged by the final model only, never fitted on.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..api import Assistant
from ..query.answer import ABSTAIN_BELOW, best_cosine, judge, named_answer
from ..query.refusal import DATA_FILE, FEATURES, RefusalModel, closest_question, refusal_features
from ..query.search import parties_named
from .evaluation import load_rows

RATE = 0.01  # at most this share of answerable questions declined (cross-validated)
PARTIAL_RATE = 0.10  # at most this share of answerable questions declined or marked as a partial match
L2 = 1.0  # the penalty on the standardised coefficients
FOLDS = 10


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2) -> RefusalModel:
    """Logistic regression by Newton's method: standardised features, L2 on the coefficients (not the intercept),
    each class weighing as much in total."""
    mean, scale = x.mean(0), x.std(0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = np.c_[(x - mean) / scale, np.ones(len(x))]
    weight = np.where(y == 1, len(y) / (2 * max(y.sum(), 1)), len(y) / (2 * max((1 - y).sum(), 1)))
    beta = np.zeros(z.shape[1])
    penalty = np.r_[np.full(z.shape[1] - 1, l2), 0.0]
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ beta)))
        gradient = z.T @ (weight * (p - y)) + penalty * beta
        hessian = (z * (weight * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return RefusalModel(FEATURES, mean, scale, beta[:-1], float(beta[-1]), 0.5)


def thresholds(x: np.ndarray, y: np.ndarray, rates: tuple[float, ...] = (RATE, PARTIAL_RATE)) -> list[float]:
    """For each rate, the in-scope probability below which at most that share of the answerable rows fall, each row
    judged by a model fitted without it."""
    held_out = np.array([fit(np.delete(x, i, 0), np.delete(y, i)).in_scope(x[i]) for i in range(len(y)) if y[i]])
    held_out.sort()
    return [float(held_out[int(np.floor(rate * len(held_out)))]) for rate in rates]


def fitted(x: np.ndarray, y: np.ndarray) -> RefusalModel:
    model = fit(x, y)
    decline, partial = thresholds(x, y)
    return RefusalModel(model.features, model.mean, model.scale, model.coef, model.intercept, decline, partial)


def verdicts(model: RefusalModel, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(declined, marked partial) for each row of `x`."""
    p = np.array([model.in_scope(v) for v in x])
    declined = p < model.threshold
    return declined, ~declined & (p < model.partial_threshold)


def searched_rows(searcher, path: Path):
    """(row, hits, scores) for each row of a set searched as `ask` searches it (within its Party, or the indexed
    Parties it names), but for rows about a Party whose reply is not indexed (declined by name), rows nothing
    matched and rows whose best hit answers a question number they name: what a refusal rule may judge."""
    for row in load_rows(path):
        named, unindexed = parties_named(row.query, searcher.index.parties)
        if row.kind == "unindexed-party" or unindexed:
            continue
        hits, scores = searcher.search(row.query, k=5, party=row.party or named or None)
        if hits and not named_answer(row.query, hits):
            yield row, hits, scores


def collect(assistant: Assistant, path: Path) -> tuple[list[np.ndarray], list[int], list[str]]:
    """(features, in scope?, row id) for the rows of a set the model would judge: in the language of every reply
    searched, past the similarity floor."""
    searcher = assistant.searcher
    xs, ys, ids = [], [], []
    for row, _, scores in searched_rows(searcher, path):
        if scores.ml_dense is not None or best_cosine(scores) < ABSTAIN_BELOW:
            continue
        x = refusal_features(searcher, row.query, scores)
        if x is not None:
            xs.append(x), ys.append(1 if row.gold else 0), ids.append(row.id)
    return xs, ys, ids


def collect_multilingual(assistant: Assistant, path: Path) -> tuple[list[float], list[int]]:
    """(closest questionnaire question, in scope?) for the rows of a set searched with the multilingual encoder and
    not abstained on by the similarity floors: what `ml_partial_below` judges."""
    searcher = assistant.searcher
    xs, ys = [], []
    for row, hits, scores in searched_rows(searcher, path):
        if scores.ml_dense is not None and not judge(row.query, hits, scores).abstained:
            xs.append(closest_question(searcher, scores)), ys.append(1 if row.gold else 0)
    return xs, ys


def ml_threshold(x: np.ndarray, y: np.ndarray, rate: float = PARTIAL_RATE) -> float:
    """The closeness below which at most `rate` of the answerable rows fall (-inf without any: nothing marked)."""
    answerable = np.sort(x[y == 1])
    return float(answerable[int(np.floor(rate * len(answerable)))]) if len(answerable) else float("-inf")


def report(name: str, declined: np.ndarray, partial: np.ndarray, y: np.ndarray) -> str:
    no, yes = y == 0, y == 1
    return (f"{name}: unanswerable {int((declined & no).sum())}/{int(no.sum())} declined, "
            f"{int((partial & no).sum())} more partial; answerable {int((declined & yes).sum())}/{int(yes.sum())} "
            f"declined (false refusals), {int((partial & yes).sum())} partial")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", required=True, metavar="INDEX:QUESTIONS",
                        help="an index folder and a question set over it (repeatable)")
    parser.add_argument("--heldout", action="append", default=[], metavar="INDEX:QUESTIONS",
                        help="a set the final model judges but is never fitted on (repeatable)")
    parser.add_argument("--multilingual", action="append", default=[], metavar="INDEX:QUESTIONS",
                        help="a set asked across languages, to set the partial threshold of questions searched with "
                             "the multilingual encoder (repeatable)")
    parser.add_argument("--write", action="store_true", help=f"write the model to assistant/data/{DATA_FILE}")
    args = parser.parse_args(argv)

    assistants: dict[str, Assistant] = {}

    def assistant_for(index: str) -> Assistant:
        if index not in assistants:
            assistants[index] = Assistant.open(index, build=False)
        return assistants[index]

    def gather(spec: str) -> tuple[str, list[np.ndarray], list[int], list[str]]:
        index, _, questions = spec.partition(":")
        return (Path(questions).stem, *collect(assistant_for(index), Path(questions)))

    def gather_multilingual(spec: str) -> tuple[str, list[float], list[int]]:
        index, _, questions = spec.partition(":")
        return (Path(questions).stem, *collect_multilingual(assistant_for(index), Path(questions)))

    sets = [gather(spec) for spec in args.set]
    x = np.array([f for _, xs, _, _ in sets for f in xs])
    y = np.array([v for _, _, ys, _ in sets for v in ys])
    name = np.array([n for n, xs, _, _ in sets for _ in xs])
    print(f"{len(y)} rows judged by the model: {int(y.sum())} answerable, {int((1 - y).sum())} not")

    folds = np.arange(len(y)) % FOLDS
    np.random.default_rng(0).shuffle(folds)
    declined = np.zeros(len(y), dtype=bool)
    partial = np.zeros(len(y), dtype=bool)
    for f in range(FOLDS):
        train, test = folds != f, folds == f
        declined[test], partial[test] = verdicts(fitted(x[train], y[train]), x[test])
    print(f"cross-validated ({FOLDS} folds; thresholds: at most {RATE:.0%} of answerable rows declined, "
          f"{PARTIAL_RATE:.0%} declined or partial):")
    for n in dict.fromkeys(name):
        print("  " + report(n, declined[name == n], partial[name == n], y[name == n]))

    final = fitted(x, y)
    ml = [gather_multilingual(spec) for spec in args.multilingual]
    mx = np.array([v for _, xs, _ in ml for v in xs])
    my = np.array([v for _, _, ys in ml for v in ys])
    if args.multilingual and not my.sum():
        print("across languages: no answerable row searched with the multilingual encoder; no partial threshold set")
    elif args.multilingual:
        mname = np.array([n for n, xs, _ in ml for _ in xs])
        mfolds = np.arange(len(my)) % FOLDS
        np.random.default_rng(0).shuffle(mfolds)
        flagged = np.zeros(len(my), dtype=bool)
        for f in range(FOLDS):
            flagged[mfolds == f] = mx[mfolds == f] < ml_threshold(mx[mfolds != f], my[mfolds != f])
        print(f"across languages, cross-validated (partial: at most {PARTIAL_RATE:.0%} of answerable rows):")
        for n in dict.fromkeys(mname):
            inside = mname == n
            print(f"  {n}: unanswerable {int((flagged & inside & (my == 0)).sum())}/{int((inside & (my == 0)).sum())} "
                  f"partial; answerable {int((flagged & inside & (my == 1)).sum())}/{int((inside & (my == 1)).sum())}")
        final = replace(final, ml_partial_below=ml_threshold(mx, my))
    print("final model: " + ", ".join(f"{f} {c:+.2f}" for f, c in zip(FEATURES, final.coef))
          + f"; threshold {final.threshold:.3f}, partial below {final.partial_threshold:.3f}")
    for spec in args.heldout:
        n, xs, ys, _ = gather(spec)
        if xs:
            print(f"  held out {report(n, *verdicts(final, np.array(xs)), np.array(ys))} "
                  f"(rows past the similarity floor; those below it are declined anyway)")
        _, mxs, mys = gather_multilingual(spec)
        if mxs and final.ml_partial_below is not None:
            marked = np.array(mxs) < final.ml_partial_below
            print(f"  held out {n} across languages: unanswerable {int((marked & (np.array(mys) == 0)).sum())}/"
                  f"{mys.count(0)} partial; answerable {int((marked & (np.array(mys) == 1)).sum())}/{mys.count(1)}")
    if args.write:
        path = Path(__file__).resolve().parents[1] / "data" / DATA_FILE
        about = {"fitted_on": {n: int((name == n).sum()) for n in dict.fromkeys(name)},
                 "ml_set_on": [Path(spec.partition(":")[2]).stem for spec in args.multilingual], "rate": RATE,
                 "partial_rate": PARTIAL_RATE, "l2": L2,
                 "made_by": "python -m assistant.tools.tune_refusals"}
        path.write_text(json.dumps(final.to_json(**about), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
