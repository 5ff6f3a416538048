"""Vectors remembered by text: a text met before (or twice in one call) is embedded once.

The same questionnaire question is quoted by every Party, synthetic and real replies repeat boilerplate ("This
subject is not specifically addressed"), and an unchanged reply built again repeats everything: each costs one
dictionary lookup instead of an encoder run."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np


class TextMemo:
    """`memo(texts)` returns `embed(texts)` for texts not seen yet and remembered vectors for the rest, keeping
    at most `capacity` vectors (least recently used dropped first).  One call embeds at a time (a lock)."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], dim: int, capacity: int = 50_000):
        self.embed, self.dim, self.capacity = embed, dim, capacity
        self._seen: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).digest() for t in texts]
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k not in self._seen))
            if missing:
                first = {k: texts[i] for i, k in reversed(list(enumerate(keys)))}
                for k, vec in zip(missing, self.embed([first[k] for k in missing])):
                    self._seen[k] = np.asarray(vec, dtype="float32")
            self.misses += len(missing)
            self.hits += len(keys) - len(missing)
            out = np.zeros((len(texts), self.dim), dtype="float32")
            for i, k in enumerate(keys):
                out[i] = self._seen[k]
                self._seen.move_to_end(k)
            while len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
        return out
