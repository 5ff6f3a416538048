"""Loading the live build into memory: everything search needs, read once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import IndexCorrupt, IndexMissing
from ..model import Answer, Passage, Reply, ReplyMeta
from .layout import MANIFEST, current_path, read_manifest
from .lexical import load_bm25
from .settings import FORMAT
from .vectors import FaissFlatIndex, VectorIndex
from .vocabulary import Vocabulary


def read_replies(folder: Path) -> list[Reply]:
    return [Reply(ReplyMeta(**r["meta"]), [Answer(**a) for a in r["answers"]])
            for r in json.loads((folder / "replies.json").read_text(encoding="utf-8"))]


@dataclass
class LoadedIndex:
    """Everything search needs, read once; `path` tells a server whether a newer build is live."""

    path: Path
    manifest: dict
    passages: list[Passage]
    replies: list[Reply]
    dense: VectorIndex
    questions: np.ndarray
    bm25: object  # bm25s.BM25
    sentences: list[tuple[int, str]]  # (pid, sentence)
    sentence_vectors: np.ndarray
    ml_passages: np.ndarray | None = None  # multilingual encoder: passages and questions (None when built without)
    ml_questions: np.ndarray | None = None
    ml_sentences: np.ndarray | None = None  # one row per entry of `sentences`
    vocabulary: Vocabulary | None = None  # the answers' words and their multilingual vectors (None when built without)

    @property
    def parties(self) -> list[str]:
        return sorted({r.meta.party for r in self.replies})

    def reply_of(self, doc_id: str) -> Reply:
        return next(r for r in self.replies if r.meta.doc_id == doc_id)


def load_index(index_dir: Path) -> LoadedIndex:
    index_dir = Path(index_dir)
    path = current_path(index_dir)
    if path is None:
        raise IndexMissing(f"no index in {index_dir}; build one with `assistant build --index {index_dir}`")
    if read_manifest(index_dir) is None:  # not UTF-8, not JSON, not an object: as good as no index
        raise IndexMissing(f"the index in {index_dir} has a damaged {MANIFEST}; build it again with "
                           f"`assistant build --index {index_dir}`")
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise IndexCorrupt(f"the index in {index_dir} has format {manifest.get('format') if isinstance(manifest, dict) else '?'}, not {FORMAT}; rebuild it "
                               f"with `assistant build --index {index_dir}`")
        passages = [Passage(**p) for p in json.loads((path / "passages.json").read_text(encoding="utf-8"))]
        replies = read_replies(path)
        dense = FaissFlatIndex.load(path)
        questions = np.load(path / "questions.npy")
        bm25 = load_bm25(path / "bm25")
        sentences = [(int(pid), text) for pid, text in json.loads((path / "sentences.json").read_text(encoding="utf-8"))]
        sentence_vectors = np.load(path / "sentences.npy")
        multilingual = (manifest.get("settings") or {}).get("multilingual")
        ml_passages = np.load(path / "ml_passages.npy") if multilingual else None
        ml_questions = np.load(path / "ml_questions.npy") if multilingual else None
        # builds made before the sentences had multilingual vectors still answer (their settings key differs, so
        # they are reported stale and the next build adds them)
        ml_sentences = np.load(path / "ml_sentences.npy") if multilingual and (path / "ml_sentences.npy").exists() \
            else None
        vocabulary = Vocabulary.load(path) if multilingual else None
    except IndexCorrupt:
        raise
    except Exception as exc:
        raise IndexCorrupt(f"the index in {path} is unreadable ({type(exc).__name__}: {exc}); rebuild it with "
                           f"`assistant build --index {index_dir}`") from exc
    if (len(dense) != len(passages) or len(questions) != len(passages) or len(sentence_vectors) != len(sentences)
            or any(m is not None and len(m) != len(passages) for m in (ml_passages, ml_questions))
            or (ml_sentences is not None and len(ml_sentences) != len(sentences))):
        raise IndexCorrupt(f"the index in {path} is inconsistent ({len(dense)} vectors, {len(passages)} passages); "
                           f"rebuild it with `assistant build --index {index_dir}`")
    return LoadedIndex(path, manifest, passages, replies, dense, questions, bm25, sentences, sentence_vectors,
                       ml_passages, ml_questions, ml_sentences, vocabulary)
