"""A server's encoder lent to a background build (the page's "Add a reply", `serve --watch`), so that questions
keep being answered while the build runs."""

from __future__ import annotations

import numpy as np


class SharedEncoder:
    """The server's encoder lent to a background build, taking no lock: the ONNX encoder is thread-safe (its
    session and tokenizer; tests/test_concurrency.py), the PyTorch one locks itself per call.  The build encodes in
    slices of `batch` texts, so a locking encoder lets questions in between; on ONNX a question's run goes
    alongside the build's runs of at most 8 texts.

    Measured with 10 clients during an in-server add: giving the build an ONNX session of its own with one
    intra-op thread gave the same p95 (317 ms against 327 ms; the reply's multilingual embedding dominates the
    build) and kept 114 MB more after it, so the build shares the server's session.  (`lock` is not taken any
    more: Assistant.lock only guards swapping in a new build.)"""

    def __init__(self, encoder, lock=None, batch: int = 32):
        self.encoder, self.lock, self.batch = encoder, lock, batch

    def __getattr__(self, name: str):
        return getattr(self.encoder, name)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        parts = [self.encoder.encode(texts[i:i + self.batch], batch_size) for i in range(0, len(texts), self.batch)]
        return np.vstack(parts) if parts else self.encoder.encode([])

    def count_tokens(self, text: str) -> int:
        return self.encoder.count_tokens(text)
