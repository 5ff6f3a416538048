"""Several `serve` processes on one index folder (behind a load balancer): a rebuild made by a third process,
`assistant add`, reaches every one of them by itself."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest
from conftest import PORTUGAL, copy_built, free_port

from assistant.store.layout import current_path
from assistant.tools.serve_process import start_serve, stop_process, wait_healthy
from assistant.tools.synthetic import synthetic_reply

pytestmark = pytest.mark.slow


def test_two_servers_on_one_index_both_answer_from_a_new_build(built, tmp_path):
    base = copy_built(built, tmp_path / "site")
    index, corpus = base / "index", base / "corpus"
    ports = [free_port(), free_port()]
    servers = [start_serve(index, port, corpus=corpus, log=tmp_path / f"serve-{port}.log") for port in ports]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        before = [wait_healthy(url, server)["build"] for url, server in zip(urls, servers)]
        assert before[0] == before[1] == current_path(index).name

        reply = tmp_path / "Malta.txt"
        reply.write_text(synthetic_reply(PORTUGAL.read_text(encoding="utf-8"), "Malta", seed=3), encoding="utf-8")
        added = subprocess.run([sys.executable, "-m", "assistant.cli", "add", str(reply), "--index", str(index),
                                "--corpus", str(corpus), "--quiet"], capture_output=True, text=True, timeout=600)
        assert added.returncode == 0, added.stderr
        new_build = current_path(index).name
        assert new_build != before[0]

        question = "What is the penalty for possessing child sexual abuse material in Malta?"
        for url in urls:
            deadline = time.monotonic() + 60
            while (health := wait_healthy(url))["build"] != new_build and time.monotonic() < deadline:
                time.sleep(0.2)
            assert health["build"] == new_build and health["parties"] == ["Malta", "Portugal"]
            answer = httpx.get(f"{url}/api/ask", params={"q": question, "k": 3}, timeout=60).json()
            assert answer["passages"] and {p["party"] for p in answer["passages"]} == {"Malta"}
    finally:
        for server in servers:
            stop_process(server)


def test_bench_load_reports_the_floor_both_apis_and_questions_during_adds(mini_built, tmp_path):
    from assistant.tools.loadcheck import run_load_bench

    base = copy_built(mini_built, tmp_path / "mini")
    lines: list[str] = []
    questions = ["What is the penalty for possessing child sexual abuse material?", "Which law covers grooming?"]
    got = run_load_bench(base / "index", base / "corpus", questions, echo=lines.append, total=12, page_total=4,
                         clients=(1, 3), add_clients=3)
    labels = [(row["label"].split(" during")[0], row["concurrency"], "during add" in row["label"]) for row in got["rows"]]
    page, raw = "page API (gradio_client)", "page API (HTTP)"
    stock = "page API (stock gradio_client)"  # as gradio_client comes, beside clients that share an SSL context
    assert labels == [("HTTP API", 1, False), ("HTTP API", 3, False), (page, 1, False), (page, 3, False),
                      (stock, 3, False), (raw, 1, False), (raw, 3, False), ("HTTP API", 3, True), (page, 3, True)]
    assert all(row["errors"] == 0 and row["count"] >= 3 for row in got["rows"]), got["rows"]
    assert got["floor"]["p50_ms"] > 0 and len(got["adds_s"]) == 2
    assert 0 < got["serving_peak_rss_mb"] <= got["peak_rss_mb"]
    text = "\n".join(lines)
    assert "in-process floor" in text and "p95 ms" in text and "peak RSS of the serve process" in text
    assert (base / "corpus").exists() and len(list((base / "corpus").glob("*.txt"))) == 1  # worked on a copy


def test_bench_load_refuses_a_bad_client_list():
    from click.testing import CliRunner

    from assistant.cli import cli

    result = CliRunner().invoke(cli, ["bench", "load", "--clients", "ten"])
    assert result.exit_code == 2 and "--clients takes numbers of clients" in result.output


def test_a_server_gives_freed_memory_back_on_a_daemon_thread():
    import threading
    import time

    from assistant.memory import _libc, start_memory_trimmer

    before = set(threading.enumerate())
    stop = start_memory_trimmer(every=0.01)
    if _libc() is None:  # pragma: no cover - not glibc
        assert stop is None
        return
    try:
        (trimmer,) = [t for t in threading.enumerate() if t not in before and t.name == "memory-trimmer"]
        assert trimmer.daemon and trimmer.is_alive()
    finally:
        stop.set()
    trimmer.join(timeout=1)
    assert not trimmer.is_alive()
