"""Load check against a running page: many questions from concurrent gradio_client clients, via /ask.

A benchmark, not a timed test: it reports latency percentiles and errors, it asserts nothing.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .stats import percentile

CONTRACT_KEYS = ("id", "query", "abstained", "passages", "answer")


def run_load_check(url: str, questions: list[str], total: int = 50, concurrency: int = 10, k: int = 5,
                   party: str = "All Parties", auth: tuple[str, str] | None = None) -> dict:
    """Ask `total` questions (cycling through `questions`) from `concurrency` threads, one Client per thread.

    Returns count (answered with the contract), errors, error_samples, p50/p95/max/mean latency in ms,
    wall seconds and throughput.  Client set-up (fetching the page config) is not counted in latencies.
    """
    if not questions:
        raise ValueError("run_load_check needs at least one question")
    if total < 1 or concurrency < 1:
        raise ValueError("total and concurrency must be at least 1")
    from gradio_client import Client

    local = threading.local()
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []

    def client() -> Client:
        if getattr(local, "client", None) is None:
            local.client = Client(url, auth=auth, verbose=False, analytics_enabled=False)
        return local.client

    def one(i: int) -> None:
        query = questions[i % len(questions)]
        try:
            c = client()
            t0 = time.perf_counter()
            result = c.predict(query, k, party, api_name="/ask")
            ms = (time.perf_counter() - t0) * 1000
            if not isinstance(result, dict) or any(key not in result for key in CONTRACT_KEYS):
                raise ValueError(f"not an ask result: {str(result)[:80]!r}")
        except Exception as exc:  # counted and sampled, the run goes on
            with lock:
                errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            return
        with lock:
            latencies.append(ms)

    workers = min(concurrency, total)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="loadcheck") as pool:
        list(pool.map(one, range(total)))
    wall = time.perf_counter() - start

    ordered = sorted(latencies)
    return {
        "url": url,
        "total": total,
        "concurrency": workers,
        "count": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "p50_ms": round(percentile(ordered, 0.5), 1) if ordered else 0.0,
        "p95_ms": round(percentile(ordered, 0.95), 1) if ordered else 0.0,
        "max_ms": round(ordered[-1], 1) if ordered else 0.0,
        "mean_ms": round(sum(ordered) / len(ordered), 1) if ordered else 0.0,
        "wall_s": round(wall, 2),
        "throughput_qps": round(len(latencies) / wall, 2) if wall > 0 else 0.0,
    }


def format_load(d: dict) -> str:
    lines = [
        f"Load check against {d.get('url', '?')}: {d['count']}/{d['total']} answered, {d['errors']} errors, "
        f"{d['concurrency']} concurrent clients",
        f"latency ms: p50 {d['p50_ms']:.0f}  p95 {d['p95_ms']:.0f}  max {d['max_ms']:.0f}  mean {d['mean_ms']:.0f}",
        f"wall {d['wall_s']:.1f}s, {d['throughput_qps']:.1f} questions/s",
    ]
    lines += [f"error: {e}" for e in d.get("error_samples", [])]
    return "\n".join(lines)
