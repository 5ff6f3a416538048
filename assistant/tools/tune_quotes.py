"""Choose how much the multilingual encoder counts in picking quotes, by cross-validation on marked key sentences.

    python -m assistant.tools.tune_quotes --index INDEX --questions eval/questions_en.jsonl

Each row of the set that marks a key sentence (the sentence of the gold answer that answers it) is asked once per
candidate share, every question embedded by both encoders (as if the quotes of a question ranked without the
multilingual encoder were chosen with it too); a candidate scores the rows whose key sentence it quotes.  Folds as in `tune`: the share is
chosen on four fifths of the rows and scored on the rest.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np

from ..api import Assistant
from ..query.answer import should_abstain
from ..query.quotes import choose_quotes
from .evaluation import RowResult, load_rows

SHARES = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)

    assistant = Assistant.open(args.index, build=False)
    searcher = assistant.searcher
    rows = [r for r in load_rows(args.questions) if r.key]
    quoted = np.zeros((len(SHARES), len(rows)))
    for j, row in enumerate(rows):
        hits, scores = searcher.search(row.query, k=5, party=row.party)
        if should_abstain(row.query, hits, scores):  # an abstention quotes nothing, whatever the share
            continue
        ml_query = scores.ml_query_vector
        if ml_query is None and searcher.multilingual is not None:
            ml_query = searcher.multilingual.encode_queries([row.query])[0]
        for i, share in enumerate(SHARES):
            quotes = [q["text"] for q in choose_quotes(searcher, scores, hits, row.query, share=share,
                                                       ml_query=ml_query)]
            quoted[i, j] = RowResult(row, [], False, quotes).key_quoted
    for share, got in zip(SHARES, quoted):
        print(f"share {share:.1f}: key sentence quoted {int(got.sum())}/{len(rows)}")
    order = list(range(len(rows)))
    random.Random(13).shuffle(order)
    fold_of = np.zeros(len(rows), dtype=int)
    fold_of[order] = np.arange(len(rows)) % args.folds
    held = np.zeros(len(rows))
    for fold in range(args.folds):
        train = fold_of != fold
        best = int(np.argmax(quoted[:, train].mean(axis=1)))
        held[fold_of == fold] = quoted[best, fold_of == fold]
        print(f"fold {fold}: chose {SHARES[best]:.1f}")
    print(f"cross-validated: key sentence quoted {int(held.sum())}/{len(rows)}; chosen on all rows: "
          f"{SHARES[int(np.argmax(quoted.mean(axis=1)))]:.1f}")


if __name__ == "__main__":  # pragma: no cover - run by a maintainer
    main()
