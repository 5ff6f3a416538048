"""Choose how quotes are picked, by cross-validation on marked key sentences: how much the multilingual encoder
counts (`share`) and how much the question's rarer words held by a sentence count (`lexical`).

    python -m assistant.tools.tune_quotes --index INDEX --questions eval/questions_en.jsonl [--embed-all]

Each row of the set that marks a key sentence (the sentence of the gold answer that answers it) is asked once per
candidate; a candidate scores the rows whose key sentence it quotes.  Rows are quoted as the search serves them (a
question ranked without the multilingual encoder is quoted without it); `--embed-all` quotes every question with
both encoders' vectors, as if the quotes of every question were chosen with the multilingual one too.  Folds as in
`tune`: the candidate is chosen on four fifths of the rows and scored on the rest.
"""

from __future__ import annotations

import argparse
import itertools
import random
from pathlib import Path

import numpy as np

from ..api import Assistant
from ..query.answer import should_abstain
from ..query.quotes import choose_quotes
from .evaluation import RowResult, load_rows

SHARES = (0.0, 0.4, 0.7, 1.0)
LEXICAL = (0.0, 0.1, 0.2, 0.3, 0.5)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--embed-all", action="store_true",
                        help="quote every question with the multilingual encoder too, not only those ranked with it")
    args = parser.parse_args(argv)

    assistant = Assistant.open(args.index, build=False)
    searcher = assistant.searcher
    rows = [r for r in load_rows(args.questions) if r.key]
    grid = list(itertools.product(SHARES, LEXICAL))
    quoted = np.zeros((len(grid), len(rows)))
    count = np.zeros((len(grid), len(rows)))
    for j, row in enumerate(rows):
        hits, scores = searcher.search(row.query, k=5, party=row.party)
        if should_abstain(row.query, hits, scores):  # an abstention quotes nothing, whatever the candidate
            continue
        # the multilingual vector (every question has one) where the ranking used it, or with --embed-all always
        ml_query = scores.ml_query_vector if scores.ml_dense is not None or args.embed_all else None
        for i, (share, lexical) in enumerate(grid):
            quotes = [q["text"] for q in choose_quotes(searcher, scores, hits, row.query, share=share,
                                                       ml_query=ml_query, lexical=lexical)]
            quoted[i, j] = RowResult(row, [], False, quotes).key_quoted
            count[i, j] = len(quotes)
    for (share, lexical), got, n in zip(grid, quoted, count):
        print(f"share {share:.1f} lexical {lexical:.1f}: key sentence quoted {int(got.sum())}/{len(rows)}, "
              f"{n.mean():.2f} quotes per answer")
    order = list(range(len(rows)))
    random.Random(13).shuffle(order)
    fold_of = np.zeros(len(rows), dtype=int)
    fold_of[order] = np.arange(len(rows)) % args.folds
    held = np.zeros(len(rows))
    for fold in range(args.folds):
        train = fold_of != fold
        best = int(np.argmax(quoted[:, train].mean(axis=1)))  # ties: the first, i.e. the smaller weights
        held[fold_of == fold] = quoted[best, fold_of == fold]
        print(f"fold {fold}: chose share {grid[best][0]:.1f}, lexical {grid[best][1]:.1f}")
    share, lexical = grid[int(np.argmax(quoted.mean(axis=1)))]
    print(f"cross-validated: key sentence quoted {int(held.sum())}/{len(rows)}; chosen on all rows: "
          f"share {share:.1f}, lexical {lexical:.1f}")


if __name__ == "__main__":  # pragma: no cover - run by a maintainer
    main()
