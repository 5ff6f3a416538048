"""Load figures for `bench load`: concurrent clients against a running server, on the HTTP JSON API (/api/ask,
httpx) and on the page's API (/ask, gradio_client), and while a reply is being added.

A benchmark, not a timed test: it reports throughput, latency percentiles and errors, it asserts nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..api import Assistant
from .serve_process import free_port, health, rss_mb, serve_process, stop_process, wait_for_build
from .stats import percentile
from .synthetic import code_of, party_names, synthetic_reply

CONTRACT_KEYS = ("id", "query", "abstained", "passages", "answer")
Asker = Callable[[str], dict]  # one client's question -> the ask contract (raises on any failure)


# --------------------------------------------------------------------------- clients

def http_client(url: str, k: int = 5, auth: tuple[str, str] | None = None) -> Callable[[], Asker]:
    """A factory of HTTP API clients: one httpx.Client (one kept-alive connection) per thread."""
    import httpx

    base = url.rstrip("/")

    def make() -> Asker:
        client = httpx.Client(auth=auth, timeout=60)

        def ask(query: str) -> dict:
            response = client.get(f"{base}/api/ask", params={"q": query, "k": k})
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:160]}")
            return response.json()

        return ask

    return make


def page_client(url: str, k: int = 5, party: str = "All Parties", auth: tuple[str, str] | None = None,
                stock: bool = False) -> Callable[[], Asker]:
    """A factory of page API clients: one gradio_client.Client per thread, calling the page's /ask endpoint.

    gradio_client opens two new httpx clients for every call, and each loads the CA bundle into a new SSL context
    (~34 ms of its ~37 ms of CPU per question, even on plain http): with the clients on the server's two cores,
    that measures the client. So each client is given one SSL context, made once (`ssl_verify` is passed through
    to httpx as `verify`); `stock=True` leaves gradio_client as it comes."""
    import httpx
    from gradio_client import Client

    context = None if stock else httpx.create_ssl_context()

    def make() -> Asker:
        options = {} if stock else {"ssl_verify": context}
        client = Client(url, auth=auth, verbose=False, analytics_enabled=False, **options)
        return lambda query: client.predict(query, k, party, api_name="/ask")

    return make


def page_http_client(url: str, k: int = 5, party: str = "All Parties") -> Callable[[], Asker]:
    """A factory of light clients for the page's /ask endpoint, speaking Gradio's documented HTTP protocol
    (POST /gradio_api/call/ask, then read the event stream) with httpx, one kept-alive connection per thread."""
    import httpx

    base = f"{url.rstrip('/')}/gradio_api/call/ask"

    def make() -> Asker:
        client = httpx.Client(timeout=60)

        def ask(query: str) -> dict:
            posted = client.post(base, json={"data": [query, k, party]})
            posted.raise_for_status()
            stream = client.get(f"{base}/{posted.json()['event_id']}")
            event = ""
            for line in stream.text.splitlines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    data = json.loads(line[5:])
                    if event == "error":
                        raise RuntimeError(str(data.get("error") if isinstance(data, dict) else data))
                    return data[0]
            raise RuntimeError(f"no result in the event stream: {stream.text[:120]!r}")

        return ask

    return make


# --------------------------------------------------------------------------- driving them

def drive(make: Callable[[], Asker], questions: list[str], total: int = 50, concurrency: int = 10,
          until: threading.Event | None = None, label: str = "", start: Callable[[], None] | None = None,
          raw: dict | None = None) -> dict:
    """Ask `total` questions (cycling through `questions`) from `concurrency` threads, one client per thread;
    with `until`, every thread keeps asking until the event is set (at least `total` questions in all).

    Returns label, count (answered with the contract), errors, error_samples, p50/p95/max/mean latency in ms,
    wall seconds and throughput.  Client set-up is not counted in latencies or wall time; `start` is called once
    every client is set up, before the first question (to start several processes' clients together)."""
    if not questions:
        raise ValueError("a load check needs at least one question")
    if total < 1 or concurrency < 1:
        raise ValueError("total and concurrency must be at least 1")
    workers = concurrency if until is not None else min(concurrency, total)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    asked = iter(range(10**9))
    made, ready = threading.Barrier(workers + 1), threading.Barrier(workers + 1)

    def record(ms: float | None, problem: str = "") -> None:
        with lock:
            if problem:
                errors.append(problem)
            else:
                latencies.append(ms)

    def worker() -> None:
        try:
            ask = make()
        except Exception as exc:  # a client that cannot connect counts as one error
            record(None, f"client set-up: {type(exc).__name__}: {str(exc)[:160]}")
            ask = None
        made.wait()
        ready.wait()
        while ask is not None:
            with lock:
                n = next(asked)
            if n >= total and (until is None or until.is_set()):
                return
            t0 = time.perf_counter()
            try:
                result = ask(questions[n % len(questions)])
                if not isinstance(result, dict) or any(key not in result for key in CONTRACT_KEYS):
                    raise ValueError(f"not an ask result: {str(result)[:80]!r}")
            except Exception as exc:  # counted and sampled, the run goes on
                record(None, f"{type(exc).__name__}: {str(exc)[:200]}")
                continue
            record((time.perf_counter() - t0) * 1000)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="loadcheck") as pool:
        for _ in range(workers):
            pool.submit(worker)
        made.wait()
        if start is not None:
            start()
        ready.wait()
        began = time.perf_counter()
    wall = time.perf_counter() - began
    if raw is not None:  # the unsummarised figures, for a caller that merges several runs
        raw.update(latencies=latencies, errors=errors, wall=wall)
    return summarize(latencies, errors, wall, workers, label=label)


CLIENT_PROCESSES = 2  # gradio_client clients are spread over this many processes (one core each, at most)


def _page_clients_share(url: str, questions: list[str], total: int, concurrency: int, k: int, party: str,
                        stock: bool, barrier, results) -> None:
    """One process's share of a page API run (a process of its own: a stock gradio_client holds the GIL ~37 ms
    per question, so clients sharing one process cannot ask faster than one core allows)."""
    raw: dict = {"latencies": [], "errors": [], "wall": 0.0}
    try:
        drive(page_client(url, k, party, stock=stock), questions, total, concurrency, start=barrier.wait, raw=raw)
    except Exception as exc:  # reported as this share's errors
        raw["errors"] = [f"{type(exc).__name__}: {exc}"] * total
    results.put((raw["latencies"], raw["errors"], raw["wall"]))


def drive_page_processes(url: str, questions: list[str], total: int = 50, concurrency: int = 10,
                         processes: int = CLIENT_PROCESSES, k: int = 5, party: str = "All Parties",
                         label: str = "page API (gradio_client)", stock: bool = False) -> dict:
    """`concurrency` gradio_client clients spread over `processes` processes, started together; one summary."""
    import multiprocessing

    shares = min(processes, concurrency, total)
    if shares <= 1:
        return drive(page_client(url, k, party, stock=stock), questions, total, concurrency, label=label)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(shares), ctx.Queue()
    split = [(total // shares + (i < total % shares), concurrency // shares + (i < concurrency % shares))
             for i in range(shares)]
    procs = [ctx.Process(target=_page_clients_share, args=(url, questions, n, c, k, party, stock, barrier, results))
             for n, c in split]
    for proc in procs:
        proc.start()
    parts = [results.get(timeout=600) for _ in procs]
    for proc in procs:
        proc.join()
    latencies = [ms for part in parts for ms in part[0]]
    errors = [e for part in parts for e in part[1]]
    return summarize(latencies, errors, max(part[2] for part in parts), concurrency, label=label)


def summarize(latencies: list[float], errors: list[str], wall: float, concurrency: int, label: str = "") -> dict:
    ordered = sorted(latencies)
    return {
        "label": label,
        "total": len(ordered) + len(errors),
        "concurrency": concurrency,
        "count": len(ordered),
        "errors": len(errors),
        "error_samples": errors[:5],
        "p50_ms": round(percentile(ordered, 0.5), 1) if ordered else 0.0,
        "p95_ms": round(percentile(ordered, 0.95), 1) if ordered else 0.0,
        "max_ms": round(ordered[-1], 1) if ordered else 0.0,
        "mean_ms": round(sum(ordered) / len(ordered), 1) if ordered else 0.0,
        "wall_s": round(wall, 2),
        "throughput_qps": round(len(ordered) / wall, 2) if wall > 0 else 0.0,
    }


def run_load_check(url: str, questions: list[str], total: int = 50, concurrency: int = 10, k: int = 5,
                   party: str = "All Parties", auth: tuple[str, str] | None = None) -> dict:
    """`total` questions from `concurrency` gradio_client clients on the page's /ask endpoint."""
    return dict(drive(page_client(url, k, party, auth), questions, total, concurrency, label="page API"), url=url)


def run_http_load(url: str, questions: list[str], total: int = 50, concurrency: int = 10, k: int = 5,
                  auth: tuple[str, str] | None = None, until: threading.Event | None = None) -> dict:
    """`total` questions from `concurrency` httpx clients on the HTTP JSON API's GET /api/ask."""
    return dict(drive(http_client(url, k, auth), questions, total, concurrency, until, label="HTTP API"), url=url)


def in_process_floor(ask: Asker, questions: list[str], rounds: int = 3) -> dict:
    """Assistant.ask in this process, one question at a time: the latency no server can beat."""
    for q in questions:
        ask(q)  # warm caches
    latencies = []
    start = time.perf_counter()
    for _ in range(rounds):
        for q in questions:
            t0 = time.perf_counter()
            ask(q)
            latencies.append((time.perf_counter() - t0) * 1000)
    return summarize(latencies, [], time.perf_counter() - start, 1, label="in-process Assistant.ask")


def format_load(d: dict) -> str:
    lines = [
        f"Load check against {d.get('url', '?')}: {d['count']}/{d['total']} answered, {d['errors']} errors, "
        f"{d['concurrency']} concurrent clients",
        f"latency ms: p50 {d['p50_ms']:.0f}  p95 {d['p95_ms']:.0f}  max {d['max_ms']:.0f}  mean {d['mean_ms']:.0f}",
        f"wall {d['wall_s']:.1f}s, {d['throughput_qps']:.1f} questions/s",
    ]
    lines += [f"error: {e}" for e in d.get("error_samples", [])]
    return "\n".join(lines)


def format_row(d: dict) -> str:
    """One line of the `bench load` table."""
    line = (f"{d['label']:<42} {d['concurrency']:>3} {d['count']:>6} {d['errors']:>4} {d['throughput_qps']:>8.1f} "
            f"{d['p50_ms']:>8.1f} {d['p95_ms']:>8.1f} {d['max_ms']:>8.1f} {d.get('rss_mb', 0):>7.0f}")
    return "\n".join([line] + [f"    error: {e}" for e in d.get("error_samples", [])[:2]])


TABLE_HEADER = (f"{'':<42} {'clients':>3} {'answered':>6} {'errors':>4} {'q/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
                f"{'max ms':>8} {'RSS MB':>7}")


# --------------------------------------------------------------------------- `bench load`

def add_during_load(url: str, corpus: Path, party: str, load: Callable[[threading.Event], dict],
                    timeout: float = 900.0) -> tuple[dict, float]:
    """Drop a synthetic reply from `party` into the corpus of a `serve --watch` server and run `load(until)` until
    the server answers from the new build: (the load's figures, seconds from the file's arrival to the new build)."""
    old = health(url)["build"]
    replies = [p for p in sorted(corpus.iterdir()) if p.suffix == ".txt" and not p.name.startswith(".")]
    source = next((p for p in replies if "Portugal" in p.name), replies[0])  # synthetic_reply renames Portugal
    name = f"T-ES(2017)ICT-{code_of(party)}_{party.replace(' ', '-')}.txt"
    hidden = corpus / f".{name}"  # the watcher ignores hidden files: it sees the reply whole, at the rename
    hidden.write_text(synthetic_reply(source.read_text(encoding="utf-8"), party, seed=11), encoding="utf-8")
    done = threading.Event()
    start = time.perf_counter()
    os.replace(hidden, corpus / name)
    waiter = threading.Thread(target=wait_for_build, args=(url, old, done, timeout), daemon=True)
    waiter.start()
    figures = load(done)
    waiter.join()
    seconds = time.perf_counter() - start
    if party not in health(url)["parties"]:
        figures["error_samples"] = [f"{party}'s reply did not reach the server within {timeout:.0f}s"]
        figures["errors"] += 1
    return figures, seconds


def run_load_bench(index_dir: Path, corpus: Path, questions: list[str], echo: Callable[[str], None] = print,
                   backend: str | None = None, total: int = 400,
                   page_total: int = 200, clients: tuple[int, ...] = (1, 10, 50), add_clients: int = 10,
                   add: bool = True) -> dict:
    """The whole `bench load` run on a copy of the index: the in-process floor, then a `serve --watch` process
    loaded by HTTP API clients and page API clients, then the same during two in-server rebuilds; peak RSS."""
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        site = Path(tmp)
        shutil.copytree(corpus, site / "corpus")
        shutil.copytree(index_dir, site / "index", symlinks=True)
        floor = in_process_floor(Assistant.open(site / "index", corpus=site / "corpus", backend=backend,
                                                build=False).ask, questions)
        echo(f"in-process floor (Assistant.ask, one at a time): p50 {floor['p50_ms']:.1f} ms, "
             f"p95 {floor['p95_ms']:.1f} ms over {floor['count']} questions")
        port = free_port()
        started = time.perf_counter()
        proc = serve_process(site / "index", port, corpus=site / "corpus", backend=backend, watch=True,
                             log=site / "serve.log", timeout=600)
        url = f"http://127.0.0.1:{port}"
        try:
            echo(f"`assistant serve --watch` pid {proc.pid} on {url}: ready in {time.perf_counter() - started:.1f}s, "
                 f"RSS {rss_mb(proc.pid, 'VmRSS'):.0f} MB")
            echo(TABLE_HEADER)

            def show(row: dict) -> None:  # with the server's peak RSS so far
                rows.append(dict(row, rss_mb=rss_mb(proc.pid)))
                echo(format_row(rows[-1]))

            for n in clients:
                show(run_http_load(url, questions, total=total, concurrency=n))
            for n in clients:
                show(drive_page_processes(url, questions, page_total, n, label="page API (gradio_client)"))
            stock_clients = 10 if 10 in clients else max(clients)
            show(drive_page_processes(url, questions, page_total, stock_clients, stock=True,
                                      label="page API (stock gradio_client)"))
            for n in clients:
                show(drive(page_http_client(url), questions, page_total, n, label="page API (HTTP)"))
            serving_peak = rss_mb(proc.pid)
            adds = []
            if add:
                indexed = set(health(url)["parties"])
                new = [p for p in party_names() if p not in indexed][:2]
                for party, load in zip(new, (
                        lambda until: run_http_load(url, questions, total=add_clients, concurrency=add_clients,
                                                    until=until),
                        lambda until: drive(page_client(url), questions, add_clients, add_clients, until,
                                            label="page API (gradio_client)"))):
                    figures, seconds = add_during_load(url, site / "corpus", party, load)
                    show(dict(figures, label=f"{figures['label']} during add ({seconds:.0f}s)"))
                    adds.append(seconds)
            peak = rss_mb(proc.pid)
        finally:
            stop_process(proc)
    echo(f"peak RSS of the serve process: {serving_peak:.0f} MB serving"
         + (f", {peak:.0f} MB including the in-server rebuilds" if add else ""))
    echo(f"load average of this machine at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
         f"({os.cpu_count()} cores; other programs running make every figure worse)")
    return {"floor": floor, "rows": rows, "serving_peak_rss_mb": serving_peak, "peak_rss_mb": peak, "adds_s": adds}
