"""Benchmarks that print figures (never timed tests): build speed, query latency against the encoder floor,
memory, encoder back ends side by side, and what each retrieval method adds."""

from __future__ import annotations

import resource
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from .answer import Assistant
from .encoder import Encoder, load_encoder
from .evaluation import Report, Row, evaluate
from .search import Searcher, Weights
from .store import BuildReport, Settings, build_index, load_index


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


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
    """Warm, in process: each query's full `ask` and its bare encoding, interleaved so noise hits both alike."""
    for q in queries[:3]:
        assistant.ask(q)
        encoder.encode([q])
    full, floor = [], []
    for _ in range(rounds):
        for q in queries:
            t0 = time.perf_counter()
            encoder.encode([q])
            t1 = time.perf_counter()
            assistant.ask(q, k=5)
            t2 = time.perf_counter()
            floor.append((t1 - t0) * 1000)
            full.append((t2 - t1) * 1000)
    return Latency(percentile(full, 0.5), percentile(full, 0.95), percentile(floor, 0.5), percentile(floor, 0.95))


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


def run_speed(corpus: Path, index_dir: Path, rows: list[Row], backends: list[str], settings: Settings,
              echo=print) -> None:
    """Build once per back end in a scratch folder, then latency and eval against the index in index_dir."""
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
            report = evaluate(lambda q, k: assistant.ask(q, k=k), rows) if any(r.gold for r in rows) else None
            echo(f"[{backend}] encoder load {load_s:.1f}s")
            echo(f"[{backend}] full build {full.seconds:.1f}s, {full.passages} passages, "
                 f"{full.passages / full.seconds:.1f} passages/s (sentences and questions embedded too)")
            echo(f"[{backend}] rebuild of the unchanged corpus {again.seconds:.2f}s "
                 f"= {again.seconds / full.seconds:.1%} of a full build")
            echo(f"[{backend}] query latency p50 {lat.p50:.1f} ms, p95 {lat.p95:.1f} ms; "
                 f"floor (query encoding alone) p50 {lat.floor_p50:.1f} ms, p95 {lat.floor_p95:.1f} ms; "
                 f"ratio p50 {lat.ratio50:.2f}x, p95/floor {lat.ratio95:.2f}x")
            if report is not None:
                echo(f"[{backend}] eval: {figures_line(report)}")
            if n == 0:
                echo(f"[{backend}] peak RSS {peak_rss_mb():.0f} MB (this back end alone)")
        echo(f"peak RSS with all back ends loaded {peak_rss_mb():.0f} MB")


ABLATIONS: list[tuple[str, dict, dict]] = [
    ("full method", {}, {}),
    ("without heading context", {"headings": False}, {}),
    ("without BM25", {}, {"lexical": 0.0}),
    ("without question matching", {}, {"question": 0.0}),
    ("without reference resolution", {"follow_refs": False}, {"pointer": 1.0}),
    ("dense passages only", {}, {"lexical": 0.0, "question": 0.0}),
    ("BM25 only", {}, {"passage": 0.0, "question": 0.0}),
]


def run_ablations(corpus: Path, rows: list[Row], settings: Settings, echo=print) -> None:
    """Each line switches one method off; the index is rebuilt where the switch changes what is embedded."""
    encoder = load_encoder(settings.model, settings.backend)
    scratch = Path(tempfile.mkdtemp(prefix="assistant-ablation-"))
    try:
        echo(f"{'variant':<32}figures")
        for name, build_changes, weight_changes in ABLATIONS:
            variant = replace(settings, **build_changes)
            index_dir = scratch / variant.key()
            if not (index_dir / "current").exists():
                build_index(corpus, index_dir, variant, encoder=encoder)
            searcher = Searcher(load_index(index_dir), encoder, replace(Weights(), **weight_changes))
            assistant = Assistant(searcher)
            report = evaluate(lambda q, k: assistant.ask(q, k=k), rows)
            echo(f"{name:<32}{figures_line(report)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def fallback_rows(index_dir: Path) -> list[Row]:
    """Without a question set, the questionnaire's own questions serve as queries (latency only)."""
    index = load_index(index_dir)
    seen: dict[str, Row] = {}
    for p in index.passages:
        seen.setdefault(p.heading, Row(f"h{len(seen)}", p.heading.split(" — ", 1)[-1], [], "heading"))
    return list(seen.values())[:40]


def folder_size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()) / 1e6


def run_scale(source_file: Path, replies: int, rows: list[Row], settings: Settings, echo=print) -> None:
    """A synthetic round of `replies` replies: build, incremental add, latency against one reply, comparison."""
    from .compare import Comparer
    from .synthetic import write_synthetic_corpus

    encoder = load_encoder(settings.model, settings.backend)
    queries = [r.query for r in rows]
    with tempfile.TemporaryDirectory(prefix="assistant-scale-") as scratch:
        root = Path(scratch)
        single = root / "single"
        single.mkdir()
        shutil.copy(source_file, single / Path(source_file).name)
        one = timed_build(single, root / "index1", settings, encoder)
        base = Assistant(Searcher(load_index(root / "index1"), encoder))
        lat1 = measure_latency(base, encoder, queries)
        rss1 = peak_rss_mb()
        echo(f"1 reply: build {one.seconds:.1f}s, {one.passages} passages; query p50 {lat1.p50:.1f} ms, "
             f"p95 {lat1.p95:.1f} ms (floor p50 {lat1.floor_p50:.1f} ms); peak RSS {rss1:.0f} MB")

        corpus = root / "corpus"
        paths = write_synthetic_corpus(Path(source_file), corpus, replies)
        held_out = paths[-1]
        aside = root / held_out.name
        held_out.rename(aside)
        full = timed_build(corpus, root / "index", settings, encoder)
        echo(f"{replies - 1} replies: full build {full.seconds:.1f}s, {full.passages} passages "
             f"({full.passages / full.seconds:.1f} passages/s)")
        aside.rename(held_out)
        add = timed_build(corpus, root / "index", settings, encoder)
        echo(f"add 1 reply to {replies - 1}: {add.seconds:.1f}s ({add.embedded} embedded, {add.reused} reused) "
             f"vs {one.seconds:.1f}s to build that one reply alone = {add.seconds / one.seconds:.2f}x")
        unchanged = timed_build(corpus, root / "index", settings, encoder)
        echo(f"rebuild of the unchanged {replies}-reply corpus: {unchanged.seconds:.1f}s "
             f"= {unchanged.seconds / (full.seconds + one.seconds):.1%} of a full build")

        index = load_index(root / "index")
        big = Assistant(Searcher(index, encoder))
        lat = measure_latency(big, encoder, queries)
        echo(f"{replies} replies: query p50 {lat.p50:.1f} ms, p95 {lat.p95:.1f} ms (floor p50 {lat.floor_p50:.1f} ms); "
             f"p50 vs 1 reply {lat.p50 / lat1.p50:.2f}x, p95 vs 1 reply {lat.p95 / lat1.p95:.2f}x")
        party = index.parties[len(index.parties) // 2]
        filtered = big.ask(queries[0], k=10, party=party)
        only = {p["party"] for p in filtered["passages"]} == {party}
        echo(f"Party filter ({party}): {len(filtered['passages'])} passages, all from that Party: {only}")
        comparer = Comparer(index)
        times = []
        for qid in ("9.3", "1", "13.1", "9.12", "6.2"):
            t0 = time.perf_counter()
            result = comparer.compare(qid)
            times.append((time.perf_counter() - t0) * 1000)
        echo(f"compare one question across {len(result['parties'])} Parties: p50 {percentile(times, 0.5):.1f} ms, "
             f"max {max(times):.1f} ms")
        echo(f"index on disk {folder_size_mb(current_path_of(root / 'index')):.1f} MB for {index.dense.__len__()} "
             f"passages ({folder_size_mb(current_path_of(root / 'index1')):.1f} MB for 1 reply); "
             f"peak RSS {peak_rss_mb():.0f} MB")


def current_path_of(index_dir: Path) -> Path:
    from .store import current_path

    path = current_path(index_dir)
    assert path is not None
    return path
