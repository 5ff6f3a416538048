"""`assistant bench ingest`: does indexing cost grow with the text alone?  One run builds the seed reply and a
~2 MB reply made from it (every text new), prints the ratio of times against the ratio of sizes, where a reply's
build time goes, and what per-sentence vectors cost at build time against scoring sentences at query time."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from ..api import Assistant
from ..encoders.loader import load_encoder
from ..encoders.multilingual import load_multilingual
from ..ingest.chunking import chunk_reply, embedding_text
from ..ingest.parser import parse_file
from ..query.search import Searcher
from ..store.build import build_index, passage_sentences
from ..store.load import load_index
from ..store.settings import Settings
from .evaluation import Row
from .stats import percentile
from .synthetic import enlarged_reply


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def run_ingest(seed_file: Path, rows: list[Row], settings: Settings, target_mb: float = 2.0, echo=print) -> None:
    encoder = load_encoder(settings.model, settings.backend)
    seed_bytes = Path(seed_file).stat().st_size
    factor = max(2, round(target_mb * 1e6 / seed_bytes))
    with tempfile.TemporaryDirectory(prefix="assistant-ingest-") as scratch:
        root = Path(scratch)
        for name in ("seed", "big"):
            (root / name).mkdir()
        (root / "seed" / Path(seed_file).name).write_bytes(Path(seed_file).read_bytes())
        big_file = root / "big" / Path(seed_file).name
        # only answers grow: a first try tells how far, and the factor is scaled to reach the size asked.  Every
        # copy is numbered, so the enlarged reply's answers are all new texts to the build (its question texts are
        # the seed's, embedded once, as across Parties)
        first = enlarged_reply(seed_file, factor)
        factor = max(2, round(factor * target_mb * 1e6 / len(first.encode("utf-8"))))
        big_file.write_text(enlarged_reply(seed_file, factor), encoding="utf-8")
        big_bytes = big_file.stat().st_size
        parsed, parse_big = _timed(lambda: parse_file(big_file))
        seed, t_seed = _timed(lambda: build_index(root / "seed", root / "seed-index", settings, encoder=encoder))
        big, t_big = _timed(lambda: build_index(root / "big", root / "big-index", settings, encoder=encoder))
        size_ratio = big_bytes / seed_bytes
        echo(f"seed {Path(seed_file).name}: {seed_bytes / 1e3:.1f} KB, {seed.passages} passages, built in "
             f"{t_seed:.1f} s")
        echo(f"enlarged reply: {big_bytes / 1e6:.2f} MB ({size_ratio:.1f}x the text), {len(parsed.answers)} answers, "
             f"{big.passages} passages, built in {t_big:.1f} s = {t_big / t_seed:.1f}x the seed's time "
             f"({t_big / t_seed / size_ratio:.2f}x per byte; parsing alone {parse_big:.2f} s)")

        # where one reply's build goes (the seed, each step alone, nothing remembered)
        reply, t_parse = _timed(lambda: parse_file(seed_file))
        chunks, t_chunk = _timed(lambda: chunk_reply(reply.meta, reply.answers, encoder.count_tokens,
                                                     target_tokens=settings.target_tokens))
        texts = [embedding_text(p) for p in chunks]
        questions = [f"{p.question_title}. {p.question_text}" for p in chunks]
        sentences = [s for _, s in passage_sentences(chunks)]
        steps = [("parse", t_parse), ("chunk", t_chunk),
                 ("English encoder: passages", _timed(lambda: encoder.encode(texts))[1]),
                 ("English encoder: question texts", _timed(lambda: encoder.encode(questions))[1]),
                 ("English encoder: sentences", _timed(lambda: encoder.encode(sentences))[1])]
        if settings.multilingual:
            ml = load_multilingual()
            steps += [("multilingual encoder: passages", _timed(lambda: ml.embed_passages(texts))[1]),
                      ("multilingual encoder: question texts",
                       _timed(lambda: ml.embed_passages(list(dict.fromkeys(questions))))[1]),
                      ("multilingual encoder: sentences", _timed(lambda: ml.embed_passages(sentences))[1])]
        total = sum(t for _, t in steps)
        echo(f"one reply's build, step by step ({len(chunks)} passages, {len(set(questions))} question texts, "
             f"{len(sentences)} sentences):")
        for label, t in steps:
            echo(f"  {label:<38} {t:6.2f} s  {t / total:5.1%}")

        # per-sentence vectors at build time, or the top passages' sentences scored at query time?
        assistant = Assistant(Searcher(load_index(root / "seed-index"), encoder))
        per_query, asks = [], []
        for row in rows:
            _, t_ask = _timed(lambda: assistant.ask(row.query, k=5))
            searcher = assistant.searcher
            hits, _ = searcher.search(row.query, k=5)
            said = [searcher.index.sentences[r][1] for h in hits for r in searcher.unit_sentence_rows(h.passage.pid)]
            per_query.append(_timed(lambda: encoder.encode(said))[1] * 1000 if said else 0.0)
            asks.append(t_ask * 1000)
        t_sentences = dict(steps)["English encoder: sentences"]  # the multilingual ones also serve ranking
        p50 = percentile(per_query, 0.5)
        echo(f"per-sentence vectors at build time: {t_sentences:.2f} s per reply ({t_sentences / total:.0%} of its "
             f"embedding); at query time instead, the top 5 passages' sentences: p50 {p50:.1f} ms, p95 "
             f"{percentile(per_query, 0.95):.1f} ms per question, against a whole `ask` at p50 "
             f"{percentile(asks, 0.5):.1f} ms: a reply's build-time cost is repaid after "
             f"{t_sentences * 1000 / max(p50, 1e-6):.0f} questions")
