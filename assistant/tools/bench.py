"""Benchmarks that print figures (never timed tests): build speed, query latency against the encoder floor,
memory, encoder back ends side by side, and what each retrieval method adds."""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..api import Assistant
from ..encoders.base import Encoder
from ..encoders.loader import load_encoder
from ..query.fusion import Weights
from ..query.search import Searcher
from ..query.translation import Translator
from ..store.build import BuildReport, build_index
from ..store.load import load_index
from ..store.settings import Settings
from ..store.vocabulary import words_in
from .evaluation import Report, Row, evaluate
from .stats import peak_rss_mb, percentile


@dataclass
class Latency:
    p50: float
    p95: float
    floor_p50: float
    floor_p95: float

    @property
    def ratio50(self) -> float:
        return self.p50 / self.floor_p50

    @property
    def ratio95(self) -> float:
        return self.p95 / self.floor_p50


def measure_latency(assistant: Assistant, encoder: Encoder, queries: list[str], rounds: int = 3) -> Latency:
    """Warm, in process: each query's full `ask` and its bare encoding by every encoder it uses (the English one,
    and the multilingual one when the index has its vectors: every question gets both, see Searcher.scores),
    interleaved so noise hits both alike."""
    searcher = assistant.searcher

    def encode_alone(q: str) -> None:
        encoder.encode([q])
        if searcher.multilingual is not None:
            searcher.multilingual.encode_queries([q])

    for q in queries[:3]:
        assistant.ask(q)
        encode_alone(q)
    full, floor = [], []
    for _ in range(rounds):
        for q in queries:
            t0 = time.perf_counter()
            encode_alone(q)
            t1 = time.perf_counter()
            assistant.ask(q, k=5)
            t2 = time.perf_counter()
            floor.append((t1 - t0) * 1000)
            full.append((t2 - t1) * 1000)
    return Latency(percentile(full, 0.5), percentile(full, 0.95), percentile(floor, 0.5), percentile(floor, 0.95))


def measure_translation(searcher: Searcher, queries: list[str]) -> str:
    """What translating a question's words costs when none of them was seen before (a fresh memo): the latency
    figures above reuse the words of earlier rounds.  Only questions searched with the multilingual encoder pay it."""
    if searcher.translator is None:
        return "no vocabulary (built without the multilingual encoder)"
    fresh = Translator(searcher.index.vocabulary, searcher.multilingual.encode_queries)
    times, words, embedded = [], 0, 0
    for q in queries:
        before = fresh.embed.misses
        t0 = time.perf_counter()
        fresh.tokens(q)
        times.append((time.perf_counter() - t0) * 1000)
        words += len(words_in([q]))
        embedded += fresh.embed.misses - before
    return (f"p50 {percentile(times, 0.5):.1f} ms, p95 {percentile(times, 0.95):.1f} ms per question, "
            f"{embedded} of {words} words embedded (the rest in the index's vocabulary or met before)")


def timed_build(corpus: Path, index_dir: Path, settings: Settings, encoder: Encoder) -> BuildReport:
    return build_index(corpus, index_dir, settings, encoder=encoder)


def figures_line(report: Report) -> str:
    f = report.figures(exclude={"multilingual"})
    a = report.abstention()
    if not f.get("n"):
        return "no scored questions"
    return (f"R@1 {f['recall@1']:.3f}  R@5 {f['recall@5']:.3f}  MRR@10 {f['mrr@10']:.3f}  "
            f"abstained {a['out_of_scope_abstained']}/{a['out_of_scope']} out-of-scope, "
            f"{a['in_scope_abstained']}/{a['in_scope']} in-scope")


def run_speed(corpus: Path, rows: list[Row], backends: list[str], settings: Settings, echo=print) -> None:
    """Build once per back end in a scratch folder, then latency and eval on that build."""
    queries = [r.query for r in rows]
    with tempfile.TemporaryDirectory(prefix="assistant-bench-") as scratch:
        for n, backend in enumerate(backends):
            t0 = time.perf_counter()
            encoder = load_encoder(settings.model, backend)
            load_s = time.perf_counter() - t0
            scratch_index = Path(scratch) / backend
            full = timed_build(corpus, scratch_index, replace(settings, backend=backend), encoder)
            again = timed_build(corpus, scratch_index, replace(settings, backend=backend), encoder)
            index = load_index(scratch_index)
            assistant = Assistant(Searcher(index, encoder))
            lat = measure_latency(assistant, encoder, queries)
            report = evaluate(lambda q, k, row: assistant.ask(q, k=k, party=row.party), rows) if any(r.gold for r in rows) else None
            echo(f"[{backend}] encoder load {load_s:.1f}s")
            echo(f"[{backend}] full build {full.seconds:.1f}s, {full.passages} passages, "
                 f"{full.passages / full.seconds:.1f} passages/s (sentences and questions embedded too)")
            echo(f"[{backend}] rebuild of the unchanged corpus {again.seconds:.2f}s "
                 f"= {again.seconds / full.seconds:.1%} of a full build")
            echo(f"[{backend}] translating a question's words, unseen: {measure_translation(assistant.searcher, queries)}")
            echo(f"[{backend}] query latency p50 {lat.p50:.1f} ms, p95 {lat.p95:.1f} ms; "
                 f"floor (query encoding alone, every encoder in use) p50 {lat.floor_p50:.1f} ms, p95 {lat.floor_p95:.1f} ms; "
                 f"ratio p50 {lat.ratio50:.2f}x, p95/floor {lat.ratio95:.2f}x")
            if report is not None:
                echo(f"[{backend}] eval: {figures_line(report)}")
            if n == 0:
                echo(f"[{backend}] peak RSS {peak_rss_mb():.0f} MB (this back end alone)")
        echo(f"peak RSS with all back ends loaded {peak_rss_mb():.0f} MB")


ABLATIONS: list[tuple[str, dict, dict]] = [
    ("full method", {}, {}),
    ("without heading context", {"headings": False}, {}),
    ("without BM25", {}, {"lexical": 0.0, "mono_lexical": 0.0}),
    ("without question matching", {}, {"question": 0.0, "ml_question": 0.0, "mono_question": 0.0}),
    ("without reference resolution", {"follow_refs": False}, {"pointer": 1.0}),
    ("bare answers scored by their own words", {}, {"bare_answer": 0}),
    ("without the multilingual encoder", {"multilingual": False}, {}),
    ("encoders read the Party's name too", {}, {"read_party_words": True}),
    ("without closest-sentence matching", {}, {"ml_sentence": 0.0}),
    ("without other Parties' answers", {}, {"ml_column": 0.0}),
    ("without the packaged replies' profile", {}, {"ml_prior": 0.0}),
    ("profile by plain distance to the mean", {}, {"prior_shrink": 1.0}),
    ("without translated words for BM25", {}, {"translated": 0.0}),
    ("without related words for BM25", {}, {"related": 0.0}),
    ("multilingual encoder on every question", {}, {"monolingual_above": 2.0}),
    ("without language-aware weights", {}, {"cross": 1.0, "lexical_cross": 1.0}),
    ("without bilingual question wording", {"bilingual": False}, {}),
    ("English encoder + BM25 only", {"multilingual": False}, {"mono_question": 0.0}),
    ("multilingual encoder only", {}, {"passage": 0.0, "question": 0.0, "lexical": 0.0, "monolingual_above": 2.0}),
    ("BM25 only", {}, {"passage": 0.0, "question": 0.0, "ml_passage": 0.0, "ml_question": 0.0,
                       "ml_sentence": 0.0, "mono_passage": 0.0, "mono_question": 0.0}),
]


def run_ablations(sets: list[tuple[str, Path, list[Row]]], settings: Settings, echo=print) -> None:
    """Each line switches one method off, on every (name, corpus, questions) set side by side; indexes are
    rebuilt where the switch changes what is embedded.  R@1 / MRR@10 per set."""
    encoder = load_encoder(settings.model, settings.backend)
    scratch = Path(tempfile.mkdtemp(prefix="assistant-ablation-"))
    try:
        echo(f"{'variant':<38}" + "".join(f"{name[:22]:>24}" for name, _, _ in sets))
        for label, build_changes, weight_changes in ABLATIONS:
            variant = replace(settings, **build_changes)
            cells = []
            for n, (_, corpus, rows) in enumerate(sets):
                index_dir = scratch / f"{n}-{variant.key()}"
                if not (index_dir / "current").exists():
                    build_index(corpus, index_dir, variant, encoder=encoder)
                searcher = Searcher(load_index(index_dir), encoder, replace(Weights(), **weight_changes))
                assistant = Assistant(searcher)
                f = evaluate(lambda q, k, row: assistant.ask(q, k=k, party=row.party), rows).figures()
                cells.append(f"{f['recall@1']:.3f} / {f['mrr@10']:.3f}" if f.get("n") else "-")
            echo(f"{label:<38}" + "".join(f"{c:>24}" for c in cells))
        echo("(R@1 / MRR@10 per question set)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def fallback_rows(index) -> list[Row]:
    """Without a question set, the questionnaire's own questions serve as queries (latency only)."""
    seen: dict[str, Row] = {}
    for p in index.passages:
        seen.setdefault(p.heading, Row(f"h{len(seen)}", p.heading.split(" — ", 1)[-1], [], "heading"))
    return list(seen.values())[:40]
