"""One build of an index folder at a time, across threads and processes.

`assistant add` in a terminal, the page's "Add a reply", `serve --watch` and a second `serve` process on the
same index all build into one folder.  Each build holds a lock file in that folder (an advisory `flock`), so a
second build waits for the first and then starts from what it made live.  Within a process the lock is
re-entrant: `add_reply` holds it around its corpus steps and the build inside them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: builds are exclusive within a process only
    fcntl = None

LOCK_FILE = ".build.lock"
_thread_lock = threading.RLock()  # one build at a time in a process
_held: dict[Path, tuple[int, object]] = {}  # index folder -> (depth, open lock file), under _thread_lock

log = logging.getLogger("assistant")


@contextmanager
def build_lock(index_dir: Path | str) -> Iterator[None]:
    """Hold the index folder's build lock; waits (saying so once) while another process builds."""
    index_dir = Path(index_dir).resolve()
    with _thread_lock:
        depth, handle = _held.get(index_dir, (0, None))
        if depth == 0:
            index_dir.mkdir(parents=True, exist_ok=True)
            handle = open(index_dir / LOCK_FILE, "a+")  # noqa: SIM115 - held across the yield
            if fcntl is not None:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    log.warning("Another process is building %s; waiting for it to finish …", index_dir)
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        _held[index_dir] = (depth + 1, handle)
        try:
            yield
        finally:
            depth, handle = _held.pop(index_dir)
            if depth > 1:
                _held[index_dir] = (depth - 1, handle)
            else:
                handle.close()  # closing the file releases the flock
