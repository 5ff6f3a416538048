"""Sentence encoders: the protocol, the PyTorch and ONNX Runtime back ends, and a server's encoder shared with builds."""

from .base import BACKENDS, DEFAULT_BACKEND, DEFAULT_MODEL, MAX_TOKENS, Encoder
from .loader import load_encoder

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "DEFAULT_MODEL", "MAX_TOKENS", "Encoder", "load_encoder"]
