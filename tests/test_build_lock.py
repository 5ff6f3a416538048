"""One build of an index folder at a time: a second process's build waits for the first; a thread's nested
holds (add_reply around its build) do not deadlock."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from assistant.store.locking import LOCK_FILE, build_lock

HOLDER = """
import sys, time
from assistant.store.locking import build_lock
with build_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    print(f"released {time.time():.6f}", flush=True)
"""


def test_a_second_process_waits_for_the_first_build_to_finish(tmp_path, caplog):
    index = tmp_path / "index"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(index), "1.5"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with caplog.at_level("WARNING", logger="assistant"), build_lock(index):
            got_it = time.time()
        released = float(holder.stdout.readline().split()[1])
    finally:
        holder.wait(timeout=30)
    assert got_it >= released
    assert any("Another process is building" in r.getMessage() for r in caplog.records)
    assert (index / LOCK_FILE).exists()


def test_the_lock_is_reentrant_in_a_thread_and_exclusive_between_threads(tmp_path):
    index = tmp_path / "index"
    order: list[str] = []
    with build_lock(index):
        with build_lock(index):  # add_reply holds it, then its build takes it again
            order.append("nested")
        def take() -> None:
            with build_lock(index):
                order.append("other")

        other = threading.Thread(target=take)
        other.start()
        other.join(timeout=0.5)
        assert other.is_alive() and order == ["nested"]  # the other thread waits while this one holds it
        order.append("outer done")
    other.join(timeout=5)
    assert order == ["nested", "outer done", "other"]
