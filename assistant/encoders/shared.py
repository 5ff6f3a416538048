"""A server's encoder lent to a background build: one batch at a time under the query lock, so questions keep
being answered during the build."""

from __future__ import annotations

import numpy as np


class SharedEncoder:
    """A server's encoder lent to a background build: one batch at a time under the query lock, so
    questions keep being answered during the build (the tokenizer must not be used by two threads at once)."""

    def __init__(self, encoder, lock, batch: int = 32):
        self.encoder, self.lock, self.batch = encoder, lock, batch

    def __getattr__(self, name: str):
        return getattr(self.encoder, name)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        parts = []
        for i in range(0, len(texts), self.batch):
            with self.lock:
                parts.append(self.encoder.encode(texts[i:i + self.batch], batch_size))
        if not parts:
            with self.lock:
                return self.encoder.encode([])
        return np.vstack(parts)

    def count_tokens(self, text: str) -> int:
        with self.lock:
            return self.encoder.count_tokens(text)
