"""What a build's vectors depend on: change any of these and the replies are embedded again."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..encoders.base import DEFAULT_BACKEND, DEFAULT_MODEL, MAX_TOKENS, MULTILINGUAL_MODEL

FORMAT = 1  # the on-disk layout of a build; a build of another format is rebuilt
PACKAGE = Path(__file__).resolve().parent.parent
# what shapes a reply's reading and its vectors: the readers and the parser, the question-id rules, the packaged
# questionnaire and Party list, the encoders, and what a build embeds and indexes of each passage
READER_SOURCES = ("ingest/*.py", "encoders/*.py", "ids.py", "model.py", "parties.py", "data/questionnaire_2nd.json",
                  "data/parties.json", "store/build.py", "store/lexical.py", "store/vocabulary.py")


@cache
def reader_fingerprint() -> str:
    """A digest of the code and data that read replies and embed them (READER_SOURCES): an index built by other
    code is read again, whatever the version number says, so a better reading never waits for a release."""
    return fingerprint_of(PACKAGE)


def fingerprint_of(package: Path) -> str:
    """The digest of READER_SOURCES under a package folder: their names and contents."""
    digest = hashlib.sha256()
    for pattern in READER_SOURCES:
        for path in sorted(package.glob(pattern)):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@dataclass
class Settings:
    """The model, the back end that runs it, passage size and what is embedded with each passage."""

    model: str = DEFAULT_MODEL
    backend: str = DEFAULT_BACKEND
    target_tokens: int = MAX_TOKENS
    headings: bool = True  # embed each passage with its question heading (off only for ablations)
    follow_refs: bool = True  # embed a pointer with the text it points to (off only for ablations)
    multilingual: bool = True  # also embed with the multilingual encoder (questions in any language, any reply)
    bilingual: bool = True  # BM25 also indexes the questionnaire's wording in the Committee's other language

    def key(self) -> str:
        """Parses and vectors are reused only under the same key: onnx-int8 vectors are not fp32 vectors, and code
        that reads or embeds replies differently (reader_fingerprint) reads every file again rather than keep an
        older reading."""
        raw = json.dumps([self.model, self.backend, self.target_tokens, self.headings, self.follow_refs,
                          self.multilingual and MULTILINGUAL_MODEL, self.bilingual, FORMAT, reader_fingerprint(),
                          vector_kinds(self)])
        return hashlib.sha256(raw.encode()).hexdigest()[:12]

    @classmethod
    def from_manifest(cls, manifest: dict) -> "Settings":
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in (manifest.get("settings") or {}).items() if k in known})


SENTENCE_KINDS = ("sentences", "ml_sentences")  # one row per sentence; every other kind one row per passage


def vector_kinds(settings: Settings) -> tuple[str, ...]:
    """The vectors a build stores, passages first (FAISS); each other kind is <kind>.npy in the build."""
    kinds = ("passages", "questions", "sentences")
    return kinds + ("ml_passages", "ml_questions", "ml_sentences") if settings.multilingual else kinds
