"""A server's encoder lent to a background build (the page's "Add a reply", `serve --watch`), so that questions
keep being answered while the build runs."""

from __future__ import annotations

import threading

import numpy as np

BUILD_THREADS = 1  # the build encodes on one core; the questions keep the other


class SharedEncoder:
    """The build's encoder in a server.  An ONNX encoder gets a session of its own with one intra-op thread,
    made at the build's first batch: the build never waits for questions nor they for it, and it keeps one
    core out of two free for them.  Any other encoder is shared one batch at a time, so questions get in between.
    (`lock` is no longer taken: Assistant.lock only guards swapping in a new build.)"""

    def __init__(self, encoder, lock=None, batch: int = 32):
        self.encoder, self.lock, self.batch = encoder, lock, batch
        self._own = None
        self._making = threading.Lock()

    def __getattr__(self, name: str):
        return getattr(self.encoder, name)

    def own(self):
        """The build's own encoder (an ONNX sibling session), or None when the encoder cannot make one."""
        make = getattr(self.encoder, "sibling", None)
        if make is None:
            return None
        with self._making:
            if self._own is None:
                self._own = make(threads=BUILD_THREADS)
        return self._own

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        own = self.own()
        if own is not None:
            return own.encode(texts, batch_size)
        parts = [self.encoder.encode(texts[i:i + self.batch], batch_size) for i in range(0, len(texts), self.batch)]
        return np.vstack(parts) if parts else self.encoder.encode([])

    def count_tokens(self, text: str) -> int:
        own = self.own()
        return (own or self.encoder).count_tokens(text)
