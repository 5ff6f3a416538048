"""sentence-transformers on PyTorch: the reference back end the others are checked against."""

from __future__ import annotations

import os
import threading

import numpy as np

from ..errors import EncoderError
from .base import DEFAULT_MODEL, MAX_TOKENS, model_path


class TorchEncoder:
    """sentence-transformers on PyTorch, normalised embeddings."""

    def __init__(self, name: str = DEFAULT_MODEL):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()

        self.name = name
        try:
            self.model = SentenceTransformer(model_path(name), device="cpu")
        except Exception as exc:
            raise EncoderError(f"could not load the encoder model {name!r} ({type(exc).__name__}: {exc}); "
                               f"check ASSISTANT_MODEL, or unset it to use the packaged all-MiniLM-L6-v2") from exc
        self.model.max_seq_length = min(self.model.max_seq_length or MAX_TOKENS, MAX_TOKENS)
        self.max_tokens = self.model.max_seq_length
        self.tokenizer = self.model.tokenizer
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        # transformers' fast tokenizer re-sets truncation and padding on every call ("Already borrowed" when two
        # threads meet), so a server's threads take turns here; the ONNX back end needs no such lock
        self._lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        with self._lock:
            vecs = self.model.encode(
                list(texts), batch_size=batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
        return np.ascontiguousarray(vecs, dtype="float32")

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees, with its [CLS] and [SEP]."""
        with self._lock:
            return len(self.tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"])
