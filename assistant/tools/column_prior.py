"""Write the packaged profile of the questionnaire's questions (`data/column_prior.npz`, query/columns.py): each
Party's mean answer under each question, in the multilingual encoder's space, over the replies the project holds.

    python -m assistant.tools.column_prior --corpus corpus --corpus eval/replies [--index DIR] [--write]

The replies are indexed together (in DIR, a temporary folder by default; an index already built there is reused),
then each Party's passages under each questionnaire column are averaged.  Without `--write` it only says what it
would write.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import numpy as np

from ..api import settings_for
from ..encoders.base import MULTILINGUAL_MODEL
from ..ingest.readers import SUFFIXES
from ..query.columns import PRIOR_FILE, party_means
from ..store.build import build_index
from ..store.load import load_index

PACKAGED = Path(__file__).resolve().parents[1] / "data" / PRIOR_FILE


def write_prior(index_dir: Path, out: Path) -> tuple[int, int]:
    """Write the means of the index at `index_dir` to `out`: (Parties, columns)."""
    index = load_index(index_dir)
    if index.ml_passages is None:
        raise SystemExit(f"{index_dir}: the index has no multilingual vectors (built with ASSISTANT_MULTILINGUAL=0)")
    columns, parties, vectors = party_means([p.question_ids for p in index.passages],
                                            [p.party for p in index.passages], index.ml_passages)
    np.savez_compressed(out, columns=np.array(columns), parties=np.array(parties), vectors=vectors.astype("float16"),
                        model=np.array(MULTILINGUAL_MODEL))
    return len(set(parties)), len(set(columns))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, action="append", required=True, help="a folder of replies (repeat)")
    parser.add_argument("--index", type=Path, help="index folder to build (or reuse) [a temporary one]")
    parser.add_argument("--out", type=Path, default=PACKAGED)
    parser.add_argument("--write", action="store_true", help="write the file (else only report)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="assistant-prior-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        for folder in args.corpus:
            for f in sorted(folder.iterdir()):
                if f.suffix.lower() in SUFFIXES:
                    shutil.copy2(f, corpus / f.name)
        index_dir = args.index or work / "index"
        report = build_index(corpus, index_dir, settings_for())
        print(report.summary())
        out = args.out if args.write else work / PRIOR_FILE
        parties, columns = write_prior(index_dir, out)
        print(f"{parties} Parties' answers under {columns} questionnaire columns"
              + (f" -> {out}" if args.write else " (not written: add --write)"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
