"""The dense index behind one small interface, so a distributed vector engine could stand in for FAISS."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np


class VectorIndex(Protocol):
    """Normalised vectors in insertion order (row i is passage i); cosine by inner product."""

    def __len__(self) -> int: ...

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine of the query to every stored vector: fusion and filters need them all while the corpus is small."""

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k row ids and cosines: what a remote engine would answer instead of `scores`."""

    def save(self, path: Path) -> None: ...


class FaissFlatIndex:
    """Exact inner-product search with FAISS; a whole round (~45 replies, ~5,000 passages) is milliseconds."""

    FILE = "dense.faiss"

    def __init__(self, index=None, dim: int | None = None):
        import faiss

        self._index = index if index is not None else faiss.IndexFlatIP(int(dim or 384))
        self._matrix: np.ndarray | None = None

    @classmethod
    def from_vectors(cls, vectors: np.ndarray) -> "FaissFlatIndex":
        out = cls(dim=vectors.shape[1])
        out._index.add(np.ascontiguousarray(vectors, dtype="float32"))
        return out

    @classmethod
    def load(cls, folder: Path) -> "FaissFlatIndex":
        import faiss

        return cls(faiss.read_index(str(Path(folder) / cls.FILE)))

    def save(self, folder: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(Path(folder) / self.FILE))

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    def matrix(self) -> np.ndarray:
        if self._matrix is None:
            self._matrix = self._index.reconstruct_n(0, self._index.ntotal)
        return self._matrix

    def scores(self, query: np.ndarray) -> np.ndarray:
        return self.matrix() @ np.asarray(query, dtype="float32")

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        sims, ids = self._index.search(np.asarray(query, dtype="float32").reshape(1, -1), min(k, len(self)))
        return ids[0], sims[0]
