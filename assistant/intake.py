"""Adding a reply: check it, copy it into the corpus under a safe name, record the user's corrections, rebuild.

Used by `assistant add`, the page's "Add a reply" panel and `serve --watch`.  Nothing in corpus/ or the
index changes unless the new reply reads, parses and the build succeeds.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .model import Reply, ReplyMeta
from .parsing import LANGUAGES, META_FIELDS, read_meta
from .questionnaire import Entry, missing_questions
from .readers import Document, ReadError, read_document, sha256_of
from .store import (CORPUS_SUFFIXES, OVERRIDES_FILE, BuildReport, Settings, build_index, corpus_files,
                    parse_corpus_file, read_manifest, read_overrides)

MAX_BYTES = 20 * 1024 * 1024  # an upload or `add` larger than this is refused
BUILD_LOCK = threading.Lock()  # one build at a time in a process: `add`, the page and the watcher share it


# --------------------------------------------------------------------------- checking a file

@dataclass
class Preview:
    """What was detected in a reply before it is added: shown by `add` and the page's panel."""

    path: Path
    display: str  # the name the user knows the file by
    doc: Document
    reply: Reply
    missing: list[Entry]

    @property
    def meta(self) -> ReplyMeta:
        return self.reply.meta

    def answered_ids(self) -> list[str]:
        return list(dict.fromkeys(q for a in self.reply.answers for q in a.question_ids))

    def facts(self) -> list[tuple[str, str]]:
        m = self.meta
        pages = max(self.doc.pages) if self.doc.pages else 0
        return [("Party", m.party), ("Document code", m.doc_id), ("Round", m.round or "not stated"),
                ("Language", LANGUAGES.get(m.language, m.language)),
                ("Answers found", f"{len(self.reply.answers)} (questions {_span(self.answered_ids())})"
                 + (f", {pages} pages" if pages else ""))]

    def missing_text(self, limit: int = 40) -> str:
        if not self.missing:
            return "none: every questionnaire question has an answer"
        ids = [e.id for e in self.missing]
        more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
        return ", ".join(ids[:limit]) + more

    def summary(self) -> str:
        """Plain text for the command line."""
        lines = [f"{self.display}:"] + [f"  {k}: {v}" for k, v in self.facts()]
        lines.append(f"  Questionnaire questions with no answer: {self.missing_text()}")
        return "\n".join(lines)


def _span(ids: list[str]) -> str:
    return f"{ids[0]} … {ids[-1]}" if len(ids) > 2 else ", ".join(ids)


def clean_overrides(values: dict | None) -> dict[str, str]:
    """Only the metadata fields a user may set, without blanks."""
    return {k: str(v).strip() for k, v in (values or {}).items() if k in META_FIELDS and v and str(v).strip()}


def check_reply(path: Path | str, overrides: dict | None = None, display: str | None = None) -> Preview:
    """Read and parse a candidate reply; ReadError or CorpusError (naming the file) when it cannot be added."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() in CORPUS_SUFFIXES and path.stat().st_size > MAX_BYTES:
        raise ReadError(path, f"is {path.stat().st_size / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB")
    doc = read_document(path)
    reply = parse_corpus_file(path, clean_overrides(overrides), doc=doc)
    missing = missing_questions(reply) if reply.meta.round in ("", "2nd") else []
    return Preview(path, display or path.name, doc, reply, missing)


# --------------------------------------------------------------------------- naming and the corpus

def _slug(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9().-]+", "-", ascii_text).strip("-.")[:limit].strip("-.")


def safe_name(meta: ReplyMeta, suffix: str) -> str:
    """'<doc_id>_<Party>.<ext>': ASCII letters, digits, ( ) . - only, so no path, no hidden file, no clash with '_'."""
    suffix = suffix.lower() if suffix.lower() in CORPUS_SUFFIXES else ".txt"
    return f"{_slug(meta.doc_id) or 'reply'}_{_slug(meta.party) or 'Party'}{suffix}"


@dataclass
class CorpusFile:
    name: str
    sha256: str
    party: str
    round: str


def corpus_entries(corpus: Path, index_dir: Path) -> list[CorpusFile]:
    """Who sent each corpus file: from the index's manifest when the file is unchanged, else from its header."""
    manifest = read_manifest(index_dir) or {}
    indexed = {f["name"]: f for f in manifest.get("files", [])}
    overrides = read_overrides(corpus)
    out = []
    for path in corpus_files(corpus):
        sha = sha256_of(path)
        entry = indexed.get(path.name)
        if entry and entry.get("sha256") == sha:
            out.append(CorpusFile(path.name, sha, entry.get("party", ""), entry.get("round", "")))
            continue
        try:
            meta = read_meta(read_document(path), overrides.get(path.name))
        except ReadError:
            out.append(CorpusFile(path.name, sha, "", ""))
            continue
        out.append(CorpusFile(path.name, sha, meta.party, meta.round))
    return out


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# --------------------------------------------------------------------------- adding

@dataclass
class AddResult:
    action: str  # added | replaced | skipped
    name: str  # the file in the corpus
    preview: Preview
    replaced: str = ""
    report: BuildReport | None = None

    def message(self) -> str:
        m = self.preview.meta
        if self.action == "skipped":
            return (f"{self.preview.display} is already in the corpus as {self.name} (same content): "
                    f"skipped, nothing changed.")
        what = f"{m.party}'s reply ({m.doc_id}{', ' + m.round + ' round' if m.round else ''})"
        if self.action == "replaced":
            return (f"Replaced {self.replaced} with {self.name}: {what} supersedes the earlier reply "
                    f"from {m.party} for the same round.")
        return f"Added {what} to the corpus as {self.name}."


def add_reply(path: Path | str, corpus: Path, index_dir: Path, overrides: dict | None = None, *,
              preview: Preview | None = None, settings: Settings | None = None, encoder=None,
              progress: Callable[[str, int, int], None] | None = None) -> AddResult:
    """Check, copy under a safe name (replacing the same Party's reply for the same round), record overrides, build.

    The same content twice is skipped. A failure anywhere puts corpus/ back as it was; the index swap is atomic."""
    path, corpus, index_dir = Path(path), Path(corpus), Path(index_dir)
    overrides = clean_overrides(overrides)
    preview = preview or check_reply(path, overrides)
    meta = preview.meta
    corpus.mkdir(parents=True, exist_ok=True)
    with BUILD_LOCK:
        entries = corpus_entries(corpus, index_dir)
        same = next((e for e in entries if e.sha256 == meta.sha256), None)
        if same is not None:
            return AddResult("skipped", same.name, preview)
        old = next((e for e in entries if e.party.casefold() == meta.party.casefold() and e.round == meta.round),
                   None)
        name = safe_name(meta, path.suffix)
        taken = {e.name for e in entries} - ({old.name} if old else set())
        stem, suffix, n = name[: -len(Path(name).suffix)], Path(name).suffix, 2
        while name in taken:
            name, n = f"{stem}-{n}{suffix}", n + 1
        # what the build will read under the new name; anything that differs from the preview is recorded
        seen_as = read_meta(dataclasses.replace(preview.doc, path=corpus / name), overrides)
        record = {**{k: getattr(meta, k) for k in META_FIELDS if getattr(seen_as, k) != getattr(meta, k)}, **overrides}

        meta_path = corpus / OVERRIDES_FILE
        meta_before = meta_path.read_bytes() if meta_path.is_file() else None
        target, aside = corpus / name, corpus / f".replaced-{old.name}" if old else None
        try:
            if old is not None:
                os.replace(corpus / old.name, aside)
            incoming = corpus / f".incoming-{name}"
            shutil.copyfile(path, incoming)
            os.replace(incoming, target)
            table = read_overrides(corpus)
            if old is not None:
                table.pop(old.name, None)
            table.pop(name, None)
            if record:
                table[name] = record
            if record or meta_before is not None:
                _write_json(meta_path, table)
            report = build_index(corpus, index_dir, settings, encoder=encoder, progress=progress)
        except BaseException:
            target.unlink(missing_ok=True)
            if aside is not None and aside.exists():
                os.replace(aside, corpus / old.name)
            if meta_before is None:
                meta_path.unlink(missing_ok=True)
            else:
                meta_path.write_bytes(meta_before)
            raise
        if aside is not None:
            aside.unlink(missing_ok=True)
    return AddResult("replaced" if old else "added", name, preview, old.name if old else "", report)


class SharedEncoder:
    """A server's encoder lent to a background build: one batch at a time under the query lock, so
    questions keep being answered during the build (the tokenizer must not be used by two threads at once)."""

    def __init__(self, encoder, lock, batch: int = 32):
        self.encoder, self.lock, self.batch = encoder, lock, batch

    def __getattr__(self, name: str):
        return getattr(self.encoder, name)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        parts = []
        for i in range(0, len(texts), self.batch):
            with self.lock:
                parts.append(self.encoder.encode(texts[i:i + self.batch], batch_size))
        if not parts:
            with self.lock:
                return self.encoder.encode([])
        return np.vstack(parts)

    def count_tokens(self, text: str) -> int:
        with self.lock:
            return self.encoder.count_tokens(text)
