"""Building an index: parse, chunk and embed every corpus file (reusing unchanged files' work), write the
build aside, then swap it in (store/layout.py)."""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np

from .. import __version__
from ..encoders.base import MAX_TOKENS, Encoder
from ..encoders.loader import load_encoder
from ..errors import CorpusError
from ..ingest.chunking import chunk_reply, embedding_text
from ..ingest.document import sha256_of
from ..ingest.parser import read_reply
from ..ingest.readers import SUFFIXES
from ..ingest.references import opens_with_pointer, resolve
from ..ingest.sentences import split_sentences
from ..model import Answer, Passage, Reply
from .corpus import OVERRIDES_FILE, corpus_files, read_overrides
from .layout import current_path, new_build_id, prune_builds, read_manifest, swap_current
from .lexical import write_bm25
from .load import read_replies
from .settings import FORMAT, Settings
from .vectors import FaissFlatIndex


@dataclass
class BuildReport:
    files: int
    reused: int
    embedded: int
    passages: int
    seconds: float
    path: Path
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Indexed {self.passages} passages from {self.files} replies "
            f"({self.embedded} embedded, {self.reused} unchanged) in {self.seconds:.1f}s -> {self.path}"
        )


def pointer_context(answers: list[Answer], index: int) -> str:
    """The text a pointer answer stands for, so 'Please see answer 9.3' is found by 9.3's words too."""
    if not opens_with_pointer(answers[index]):
        return ""
    return "\n".join(answers[j].text for j in resolve(answers, index))


def _fit(encoder: Encoder, text: str, limit: int) -> str:
    """Trim extra context to the encoder's limit at a word boundary."""
    if encoder.count_tokens(text) <= limit:
        return text
    words = text.split(" ")
    lo, hi = 0, len(words)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if encoder.count_tokens(" ".join(words[:mid])) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return " ".join(words[:lo])


def passage_sentences(passages: list[Passage]) -> list[tuple[int, str]]:
    """(pid, sentence) for every sentence of every passage: the units an extractive answer quotes."""
    return [(p.pid, s) for p in passages for s in split_sentences(p.text)]


def embed_reply(reply: Reply, passages: list[Passage], encoder: Encoder, settings: Settings
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Passage vectors (heading + text [+ what a pointer points to]), question vectors, sentence vectors."""
    texts, questions = [], []
    for p in passages:
        text = embedding_text(p) if settings.headings else p.text
        extra = pointer_context(reply.answers, p.answer_index) if settings.follow_refs else ""
        if extra:
            text = _fit(encoder, f"{text}\n{extra}", MAX_TOKENS)
        texts.append(text)
        questions.append(_fit(encoder, f"{p.question_title}. {p.question_text}", MAX_TOKENS))
    sentences = [s for _, s in passage_sentences(passages)]
    return encoder.encode(texts), encoder.encode(questions), encoder.encode(sentences)


def lexical_text(reply: Reply, p: Passage, settings: Settings) -> str:
    parts = [p.heading, p.question_text] if settings.headings else []
    parts.append(p.text)
    if settings.follow_refs:
        parts.append(pointer_context(reply.answers, p.answer_index))
    return "\n".join(parts)


def _cached_vectors(index_dir: Path, key: str) -> dict | None:
    """The live build's vectors for one file, if it has them (a damaged cache file is just re-embedded)."""
    cur = current_path(index_dir)
    if cur is None:
        return None
    path = cur / "vectors" / f"{key}.npz"
    if not path.is_file():
        return None
    try:
        with np.load(path) as data:
            return {"passages": data["passages"], "questions": data["questions"], "sentences": data["sentences"],
                    "path": path}
    except Exception:
        return None


def _keep_vectors(target: Path, cached: dict | None, pv: np.ndarray, qv: np.ndarray, sv: np.ndarray) -> None:
    """Reused vectors are hard-linked from the live build (no copy); new ones are written."""
    if cached is not None:
        try:
            os.link(cached["path"], target)
            return
        except OSError:
            pass
    np.savez(target, passages=pv, questions=qv, sentences=sv)


def build_index(
    corpus: Path,
    index_dir: Path,
    settings: Settings | None = None,
    encoder: Encoder | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    overrides: dict[str, dict] | None = None,
) -> BuildReport:
    """Parse, chunk and embed every corpus file (reusing unchanged files' vectors), then swap the new index in.

    Any bad file stops the build before the swap, so the index already serving stays as it was.
    """
    t0 = time.perf_counter()
    settings = settings or Settings()
    corpus, index_dir = Path(corpus), Path(index_dir)
    files = corpus_files(corpus)
    if not files:
        raise CorpusError(f"no reply files ({', '.join(SUFFIXES)}) in {corpus}; put replies there or name "
                          f"another folder with --corpus")

    overrides = {**read_overrides(corpus), **(overrides or {})}
    previous = _previous_files(index_dir, settings)
    replies: list[Reply] = []
    chunks: dict[str, list[Passage]] = {}  # unchanged files' passages, as the live build has them
    for path in files:
        seen = previous.get(path.name)
        if seen and seen[0] == sha256_of(path) and seen[1] == _overrides_key(overrides.get(path.name)):
            replies.append(seen[2])
            chunks[path.name] = seen[3]
            continue
        replies.append(read_reply(path, overrides.get(path.name)))
    _check_unique(replies)

    index_dir.mkdir(parents=True, exist_ok=True)
    builds = index_dir / "builds"
    builds.mkdir(exist_ok=True)
    build_id = new_build_id()
    tmp = builds / f".tmp-{build_id}"
    tmp.mkdir()
    try:
        (tmp / "vectors").mkdir()
        passages: list[Passage] = []
        dense, qvecs, svecs, lexical, sentences = [], [], [], [], []
        file_entries = []
        reused = embedded = 0
        for n, reply in enumerate(replies, start=1):
            if reply.meta.source in chunks:
                chunked = [replace(p, pid=len(passages) + n) for n, p in enumerate(chunks[reply.meta.source])]
            else:
                encoder = encoder or load_encoder(settings.model, settings.backend)  # only when something is new
                chunked = chunk_reply(reply.meta, reply.answers, encoder.count_tokens, start_pid=len(passages),
                                      target_tokens=settings.target_tokens)
            key = f"{reply.meta.sha256[:20]}-{settings.key()}"
            cached = _cached_vectors(index_dir, key)
            sents = passage_sentences(chunked)
            if cached is not None and len(cached["passages"]) == len(chunked) and len(cached["sentences"]) == len(sents):
                pv, qv, sv = cached["passages"], cached["questions"], cached["sentences"]
                reused += 1
            else:
                cached = None
                encoder = encoder or load_encoder(settings.model, settings.backend)
                pv, qv, sv = embed_reply(reply, chunked, encoder, settings)
                embedded += 1
            _keep_vectors(tmp / "vectors" / f"{key}.npz", cached, pv, qv, sv)
            passages.extend(chunked)
            sentences.extend(sents)
            dense.append(pv)
            qvecs.append(qv)
            svecs.append(sv)
            lexical.extend(lexical_text(reply, p, settings) for p in chunked)
            file_entries.append({
                "name": reply.meta.source, "sha256": reply.meta.sha256, "party": reply.meta.party,
                "doc_id": reply.meta.doc_id, "round": reply.meta.round, "language": reply.meta.language,
                "answers": len(reply.answers), "overrides": _overrides_key(overrides.get(reply.meta.source)),
                "passages": len(chunked), "vectors": key,
            })
            if progress:
                progress(reply.meta.source, n, len(replies))

        matrix = np.vstack(dense).astype("float32")
        dim = int(matrix.shape[1])
        FaissFlatIndex.from_vectors(matrix).save(tmp)
        np.save(tmp / "questions.npy", np.vstack(qvecs).astype("float32"))
        np.save(tmp / "sentences.npy", np.vstack(svecs).astype("float32"))
        (tmp / "sentences.json").write_text(json.dumps(sentences, ensure_ascii=False))
        write_bm25(lexical, tmp / "bm25")
        (tmp / "passages.json").write_text(json.dumps([p.to_dict() for p in passages], ensure_ascii=False))
        (tmp / "replies.json").write_text(json.dumps(
            [{"meta": asdict(r.meta), "answers": [asdict(a) for a in r.answers]} for r in replies], ensure_ascii=False))
        manifest = {
            "format": FORMAT, "tool_version": __version__, "model": settings.model, "backend": settings.backend,
            "dimension": dim, "settings_key": settings.key(), "settings": asdict(settings),
            "corpus": str(corpus.resolve()), "files": file_entries, "passage_count": len(passages),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        final = builds / build_id
        tmp.rename(final)
        swap_current(index_dir, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    prune_builds(index_dir)
    return BuildReport(len(replies), reused, embedded, len(passages), time.perf_counter() - t0, final)


def _overrides_key(values: dict | None) -> str:
    return json.dumps(values or {}, sort_keys=True)


def _previous_files(index_dir: Path, settings: Settings) -> dict[str, tuple[str, str, Reply, list[Passage]]]:
    """The live build's parse and passages per file name, reusable when file, corrections and settings match."""
    manifest = read_manifest(index_dir)
    if not manifest or manifest.get("settings_key") != settings.key() or manifest.get("format") != FORMAT:
        return {}
    try:
        live = current_path(index_dir)
        replies = read_replies(live)
        passages = [Passage(**p) for p in json.loads((live / "passages.json").read_text())]
    except Exception:
        return {}  # an unreadable build is simply not reused
    by_doc: dict[str, list[Passage]] = {}
    for p in passages:
        by_doc.setdefault(p.doc_id, []).append(p)
    out = {}
    for entry, reply in zip(manifest.get("files", []), replies):
        if entry.get("name") == reply.meta.source and "overrides" in entry:
            out[entry["name"]] = (entry["sha256"], entry["overrides"], reply, by_doc.get(reply.meta.doc_id, []))
    return out


def _check_unique(replies: list[Reply]) -> None:
    """Two copies of one file, or two files claiming one document code, would make citations ambiguous."""
    seen: dict[str, str] = {}
    codes: dict[str, str] = {}
    for r in replies:
        if r.meta.sha256 in seen:
            raise CorpusError(f"{r.meta.source} is the same file as {seen[r.meta.sha256]}; remove one of them")
        seen[r.meta.sha256] = r.meta.source
        if r.meta.doc_id in codes:
            raise CorpusError(f"{r.meta.source} and {codes[r.meta.doc_id]} both have document code {r.meta.doc_id}; "
                              f"remove one, or set a distinct doc_id for one in {OVERRIDES_FILE}")
        codes[r.meta.doc_id] = r.meta.source
