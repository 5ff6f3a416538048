"""Process memory of a long-running server.

glibc gives each thread that allocates its own malloc arena (up to eight per core) and keeps what was freed in it;
a server answering from many threads (uvicorn's, Gradio's, ONNX Runtime's) grows by tens of MB that way.  With two
arenas `assistant bench load` measured the serve process flat at 538-540 MB through its HTTP API and 1, 10 and 50
`gradio_client` clients (546-561 MB, growing, without the cap)."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

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
