"""`assistant serve --watch`: rebuild the index in a background thread when reply files in corpus/ change.

The running server keeps answering from the live build meanwhile and picks up the new one at its next
question (Assistant.current()); a failed rebuild is logged and changes nothing."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

from ..encoders.shared import SharedEncoder
from ..ingest.readers import DOCUMENTS
from .locking import build_lock
from .build import build_index
from .corpus import OVERRIDES_FILE, stale_reason
from .settings import Settings

log = logging.getLogger(__name__)


def corpus_filter(change: object, path: str) -> bool:
    """Reply files (and documents of a type not read, which a build names) and metadata.json; not hidden files
    (`add` writes `.incoming-*` first)."""
    p = Path(path)
    return not p.name.startswith(".") and (p.suffix.lower() in DOCUMENTS or p.name == OVERRIDES_FILE)


def watch_corpus(corpus: Path, rebuild: Callable[[set[str]], object], stop: threading.Event,
                 quiet_ms: int = 800, max_wait_ms: int = 5000) -> None:
    """Call rebuild(changed names) once changes have settled for quiet_ms (debounced); errors are logged, never raised."""
    from watchfiles import watch

    for changes in watch(corpus, watch_filter=corpus_filter, step=quiet_ms, debounce=max_wait_ms, stop_event=stop,
                         recursive=False, raise_interrupt=False):
        names = {Path(p).name for _, p in changes}
        log.info("corpus changed (%s): rebuilding the index", ", ".join(sorted(names)))
        try:
            result = rebuild(names)
        except Exception as exc:  # the old index keeps serving; the next change tries again
            log.error("rebuild after a corpus change failed: %s; the previous index keeps serving", exc)
            continue
        if result is not None:
            log.info("%s", getattr(result, "summary", lambda: result)())


def index_rebuilder(corpus: Path, index_dir: Path, settings: Settings, encoder=None,
                    lock=None) -> Callable[[set[str]], object]:
    """A rebuild for the watcher: skipped when the index already matches the corpus (e.g. after `add`)."""
    def rebuild(names: set[str]):
        with build_lock(index_dir):
            if OVERRIDES_FILE not in names and stale_reason(index_dir, corpus, settings) is None:
                return None
            shared = SharedEncoder(encoder, lock) if encoder is not None and lock is not None else encoder
            return build_index(corpus, index_dir, settings, encoder=shared)

    return rebuild


def start_watcher(corpus: Path, rebuild: Callable[[set[str]], object], **kwargs) -> tuple[threading.Thread, threading.Event]:
    """Run watch_corpus in a daemon thread; set the returned event to stop it."""
    if not log.handlers:  # the server's terminal shows what the watcher did
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s watcher: %(message)s", "%H:%M:%S"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    stop = threading.Event()
    thread = threading.Thread(target=watch_corpus, args=(Path(corpus), rebuild, stop), kwargs=kwargs,
                              name="corpus-watcher", daemon=True)
    thread.start()
    return thread, stop
