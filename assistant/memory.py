"""Process memory of a long-running server.

glibc gives each thread that allocates its own malloc arena (up to eight per core) and keeps what was freed in it;
a server answering from many threads (uvicorn's, Gradio's, ONNX Runtime's) grows by tens of MB that way.  With two
arenas `assistant bench load` measured the serve process flat at 538-540 MB through its HTTP API and 1, 10 and 50
`gradio_client` clients (546-561 MB, growing, without the cap).  What is freed is also given back every few seconds
(malloc_trim): since every question is embedded by both encoders, the serve process peaked at 609 MB under the page
API's plain HTTP clients without it and 594 MB with it (`assistant bench load --no-add`)."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading

log = logging.getLogger("assistant")
M_ARENA_MAX = -8  # mallopt parameter (malloc.h)


def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "mallopt") else None


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas for threads started from now on; False where the C library is not glibc."""
    libc = _libc()
    if libc is None:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


def release_free_memory() -> None:
    """Give memory freed by a finished build back to the system (glibc's malloc_trim); a no-op elsewhere."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def start_memory_trimmer(every: float = 5.0) -> threading.Event | None:
    """A server's daemon thread giving freed memory back to the system every `every` seconds (malloc_trim: about a
    millisecond) until the returned event is set; None where the C library is not glibc."""
    libc = _libc()
    if libc is None or not hasattr(libc, "malloc_trim"):
        return None
    stop = threading.Event()

    def trim() -> None:
        while not stop.wait(every):
            libc.malloc_trim(0)

    threading.Thread(target=trim, name="memory-trimmer", daemon=True).start()
    return stop
