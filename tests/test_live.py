"""A build killed mid-way leaves the previous index serving; a running assistant answers from the old index during
a rebuild and from the new one after it, without a restart; the corpus watcher rebuilds after changes."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from assistant.api import Assistant
from assistant.query.search import Searcher
from assistant.store.build import build_index
from assistant.store.layout import current_path
from assistant.store.load import load_index
from assistant.store.settings import Settings

from conftest import ROOT, copy_built
from replies import LEGISLATION, MINI, write_txt

pytestmark = pytest.mark.slow
PENALTY = "What is the penalty for possessing child sexual abuse material?"


def wait_for(condition, timeout: float, step: float = 0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s")


def test_killed_build_leaves_the_previous_index_serving(tmp_path, mini_built, encoder):
    base = copy_built(mini_built, tmp_path / "kb")
    corpus, index_dir = base / "corpus", base / "index"
    before = current_path(index_dir)
    # sorted after Portugal's reply: Portugal's vectors are reused (saved into the new build first), then Zedland's
    # reply is embedded for several seconds
    write_txt(corpus / "T-ES(2017)ICT-ZZ_Zedland.txt", LEGISLATION[:100], "ZEDLAND", "ZZ")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "build", "--corpus", str(corpus), "--index",
                             str(index_dir), "--quiet"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        tmp = wait_for(lambda: next((index_dir / "builds").glob(".tmp-*/vectors/*.npz"), None), timeout=120)
        time.sleep(0.3)
        assert proc.poll() is None, proc.stdout.read().decode()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    dead = tmp.parent.parent
    assert dead.is_dir() and not (dead / "manifest.json").exists()  # killed while embedding, before the swap
    assert current_path(index_dir) == before

    assistant = Assistant(Searcher(load_index(index_dir), encoder), index_dir=index_dir)
    result = assistant.ask(PENALTY)
    assert not result["abstained"] and result["passages"][0]["party"] == "Portugal"
    assert any(p["question_ids"] == ["9.3"] for p in result["passages"])

    report = build_index(corpus, index_dir, encoder=encoder)  # the next build finishes the work and cleans up
    assert (report.reused, report.embedded) == (1, 1)
    assert not dead.exists() and not list((index_dir / "builds").glob(".tmp-*"))
    assert "Zedland" in assistant.current().index.parties


def test_a_running_assistant_swaps_to_the_new_index_without_restart(tmp_path, mini_built, encoder):
    base = copy_built(mini_built, tmp_path / "kb")
    corpus, index_dir = base / "corpus", base / "index"
    assistant = Assistant(Searcher(load_index(index_dir), encoder), index_dir=index_dir)
    assert assistant.ask(PENALTY)["passages"][0]["party"] == "Portugal"
    write_txt(corpus / "T-ES(2017)ICT-AD_Andorra.txt", MINI, "ANDORRA", "AD")

    midway, release = threading.Event(), threading.Event()

    def progress(name: str, n: int, total: int) -> None:
        if n == 1:  # Andorra embedded, the new build not yet swapped in
            midway.set()
            release.wait(60)

    errors: list[BaseException] = []

    def run() -> None:
        try:
            build_index(corpus, index_dir, encoder=encoder, progress=progress)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    builder = threading.Thread(target=run)
    builder.start()
    try:
        assert midway.wait(120)
        during = assistant.ask(PENALTY, k=10)
        assert {p["party"] for p in during["passages"]} == {"Portugal"}
        assert assistant.current().index.parties == ["Portugal"]
    finally:
        release.set()
        builder.join(120)
    assert not errors
    after = assistant.ask(PENALTY, party="Andorra")
    assert after["passages"] and {p["party"] for p in after["passages"]} == {"Andorra"}
    assert any(p["question_ids"] == ["9.3"] for p in after["passages"])
    assert assistant.searcher.index.parties == ["Andorra", "Portugal"]


def test_watcher_rebuilds_once_per_burst_and_survives_errors(tmp_path, caplog):
    from assistant.store.watch import start_watcher

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    calls: list[set[str]] = []
    fail = threading.Event()

    def rebuild(names: set[str]):
        calls.append(names)
        if fail.is_set():
            raise RuntimeError("broken.txt: is empty")
        return None

    caplog.set_level(logging.INFO, logger="assistant.store.watch")
    thread, stop = start_watcher(corpus, rebuild, quiet_ms=200, max_wait_ms=2000)
    try:
        time.sleep(0.5)  # the watcher is up
        for name in ("a.txt", "b.docx", ".incoming-c.txt", "photo.jpg"):
            (corpus / name).write_text("x")
        (corpus / "a.txt").write_text("xy")
        wait_for(lambda: calls, timeout=10)
        time.sleep(0.5)
        assert calls == [{"a.txt", "b.docx"}]  # one rebuild for the burst; hidden and foreign files ignored
        fail.set()
        (corpus / "metadata.json").write_text("{}")
        wait_for(lambda: len(calls) == 2, timeout=10)
        wait_for(lambda: "rebuild after a corpus change failed: broken.txt: is empty" in caplog.text, timeout=5)
        assert thread.is_alive()
        fail.clear()
        (corpus / "d.md").write_text("x")
        wait_for(lambda: len(calls) == 3, timeout=10)
        assert calls[2] == {"d.md"}
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_index_rebuilder_builds_only_when_needed(tmp_path, mini_built, encoder):
    import threading as th

    from assistant.store.watch import index_rebuilder

    base = copy_built(mini_built, tmp_path / "kb")
    rebuild = index_rebuilder(base / "corpus", base / "index", Settings(), encoder, th.RLock())
    assert rebuild({"T-ES(2017)ICT-PT_Portugal.txt"}) is None  # nothing changed
    report = rebuild({"metadata.json"})  # overrides are not in the index's file hashes: always rebuild
    assert report.reused == 1 and report.embedded == 0
    write_txt(base / "corpus" / "T-ES(2017)ICT-PT_Portugal.txt", MINI[:40])
    assert rebuild({"T-ES(2017)ICT-PT_Portugal.txt"}).embedded == 1
