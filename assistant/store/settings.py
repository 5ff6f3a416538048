"""What a build's vectors depend on: change any of these and the replies are embedded again."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .. import __version__
from ..encoders.base import DEFAULT_BACKEND, DEFAULT_MODEL, MAX_TOKENS, MULTILINGUAL_MODEL

FORMAT = 1  # the on-disk layout of a build; a build of another format is rebuilt


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
        """Parses and vectors are reused only under the same key: onnx-int8 vectors are not fp32 vectors, and a
        release that reads replies better (major.minor) reads every file again rather than keep an older reading."""
        raw = json.dumps([self.model, self.backend, self.target_tokens, self.headings, self.follow_refs,
                          self.multilingual and MULTILINGUAL_MODEL, self.bilingual, FORMAT,
                          ".".join(__version__.split(".")[:2]), vector_kinds(self)])
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
