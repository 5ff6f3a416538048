"""Micro-batching for a server's query encoder: single texts arriving from several threads at about the same time
are encoded together, in one call of the wrapped encoder (one session.run), instead of one run each.

The batch is whatever has queued while the previous batch was being encoded (plus, optionally, a short wait), so
a lone question is encoded at once and adds no latency; under load, batches form by themselves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

import numpy as np


class MicroBatcher:
    """`encode(texts)` from many threads at once becomes one call of `encode_many` per batch, on one thread."""

    def __init__(self, encode_many: Callable[..., np.ndarray], window: float = 0.0, max_batch: int = 16):
        self.encode_many, self.window, self.max_batch = encode_many, window, max_batch
        self._pending: list[tuple[str, Future]] = []
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="query-batcher", daemon=True)
        self._thread.start()

    def encode(self, texts: list[str]) -> np.ndarray:
        """The texts' vectors, in order; blocks until the batch they went into is encoded."""
        waiting = [Future() for _ in texts]
        with self._wake:
            self._pending.extend(zip(texts, waiting))
            self._wake.notify()
        return np.stack([done.result() for done in waiting])

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._pending:
                    self._wake.wait()
            if self.window:
                time.sleep(self.window)  # let a few more questions arrive
            with self._wake:
                batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch:]
            try:
                vectors = self.encode_many([text for text, _ in batch], batch_size=len(batch))
            except BaseException as exc:  # every waiting question gets the error, the batcher keeps running
                for _, done in batch:
                    done.set_exception(exc)
                continue
            for row, (_, done) in enumerate(batch):
                done.set_result(vectors[row])
