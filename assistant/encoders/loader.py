"""One encoder per process and setting: loading costs seconds, encoding milliseconds."""

from __future__ import annotations

from functools import lru_cache

from ..errors import EncoderError
from .base import BACKENDS, DEFAULT_BACKEND, DEFAULT_MODEL, Encoder


@lru_cache(maxsize=4)
def load_encoder(name: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND) -> Encoder:
    """The encoder for a model and back end (torch, onnx, onnx-int8), loaded once per process."""
    if backend == "torch":
        from .torch_backend import TorchEncoder

        return TorchEncoder(name)
    if backend in ("onnx", "onnx-int8"):
        from .onnx_backend import OnnxEncoder

        return OnnxEncoder(name, quantized=backend == "onnx-int8")
    raise EncoderError(f"unknown encoder back end {backend!r}; use one of {', '.join(BACKENDS)}")
