"""`assistant bench scale`: a synthetic round of N replies: build, incremental add, latency, comparison, size."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from ..api import Assistant
from ..encoders.loader import load_encoder
from ..query.compare import Comparer
from ..query.search import Searcher
from ..store.layout import current_path
from ..store.load import load_index
from ..store.settings import Settings
from .bench import measure_latency, timed_build
from .evaluation import Row
from .stats import peak_rss_mb, percentile
from .synthetic import write_synthetic_corpus


def folder_size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()) / 1e6


def run_scale(source_file: Path, replies: int, rows: list[Row], settings: Settings, echo=print) -> None:
    """A synthetic round of `replies` replies: build, incremental add, latency against one reply, comparison."""
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
        for qid in [q for q in ("9.3", "1", "13.1", "9.12", "6.2") if comparer.known(q)] or comparer.columns()[:5]:
            t0 = time.perf_counter()
            result = comparer.compare(qid)
            times.append((time.perf_counter() - t0) * 1000)
        echo(f"compare one question across {len(result['parties'])} Parties: p50 {percentile(times, 0.5):.1f} ms, "
             f"max {max(times):.1f} ms")
        echo(f"index on disk {folder_size_mb(current_path_of(root / 'index')):.1f} MB for {index.dense.__len__()} "
             f"passages ({folder_size_mb(current_path_of(root / 'index1')):.1f} MB for 1 reply); "
             f"peak RSS {peak_rss_mb():.0f} MB")


def current_path_of(index_dir: Path) -> Path:
    path = current_path(index_dir)
    assert path is not None
    return path
