"""The on-disk index: built aside, swapped in by one atomic rename, reused per file when nothing changed.

Layout of an index folder:
    current -> builds/<id>          symlink; readers follow it, a rebuild repoints it atomically
    builds/<id>/manifest.json       model, dimension, corpus files with SHA-256, counts, version, time
    builds/<id>/passages.json       the passage store
    builds/<id>/replies.json        parsed replies (answer units), for references and comparison
    builds/<id>/dense.faiss         passage vectors (inner product over normalised vectors)
    builds/<id>/questions.npy       questionnaire-question vectors, one row per passage
    builds/<id>/bm25/               the lexical index
    builds/<id>/sentences.*         every passage sentence and its vector, for extractive answers
    builds/<id>/vectors/<key>.npz   per-file vectors, reused by the next build when the file is unchanged
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np

from . import __version__
from .chunking import MAX_TOKENS, chunk_reply, embedding_text, split_sentences
from .encoder import DEFAULT_MODEL, Encoder, load_encoder
from .model import Answer, Passage, Reply, ReplyMeta
from .parsing import parse_reply
from .readers import Document, ReadError, read_document, sha256_of
from .references import opens_with_pointer, resolve
from .tokens import bm25_tokens
from .vectors import FaissFlatIndex, VectorIndex

FORMAT = 1
CORPUS_SUFFIXES = (".txt", ".md", ".docx", ".pdf")


class IndexProblem(RuntimeError):
    """Base for index problems a user can act on."""


class IndexMissing(IndexProblem):
    pass


class IndexCorrupt(IndexProblem):
    pass


class CorpusError(IndexProblem):
    """A corpus file could not be turned into a reply; the message names the file."""


@dataclass
class Settings:
    """What the vectors depend on: change any of these and files are re-embedded."""

    model: str = DEFAULT_MODEL
    backend: str = "torch"
    target_tokens: int = MAX_TOKENS
    headings: bool = True  # embed each passage with its question heading (off only for ablations)
    follow_refs: bool = True  # embed a pointer with the text it points to (off only for ablations)

    def key(self) -> str:
        raw = json.dumps([self.model, self.target_tokens, self.headings, self.follow_refs, FORMAT,
                          __version__.split(".")[0]])
        return hashlib.sha256(raw.encode()).hexdigest()[:12]


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


OVERRIDES_FILE = "metadata.json"  # in the corpus folder: {"file name": {"party": …, "doc_id": …, "round": …}}


def read_overrides(corpus: Path) -> dict[str, dict]:
    """The user's corrections to what a reply's title page says; a broken file is an error, not ignored."""
    path = Path(corpus) / OVERRIDES_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{OVERRIDES_FILE}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise CorpusError(f"{OVERRIDES_FILE}: expected an object mapping file names to metadata")
    return data


def corpus_files(corpus: Path) -> list[Path]:
    if not corpus.is_dir():
        raise CorpusError(f"corpus folder {corpus} does not exist")
    return sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix.lower() in CORPUS_SUFFIXES
                  and not p.name.startswith("."))


def current_path(index_dir: Path) -> Path | None:
    link = index_dir / "current"
    if link.is_symlink() or link.is_dir():
        target = link.resolve()
        if (target / "manifest.json").is_file():
            return target
    return None


def read_manifest(index_dir: Path) -> dict | None:
    path = current_path(index_dir)
    if path is None:
        return None
    try:
        return json.loads((path / "manifest.json").read_text())
    except (OSError, json.JSONDecodeError):
        return None


def stale_reason(index_dir: Path, corpus: Path | None = None, settings: Settings | None = None) -> str | None:
    """Why the index does not match the corpus (or None when it does): missing, changed, added, removed files."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        return f"no index in {index_dir}"
    corpus = corpus or Path(manifest.get("corpus", "corpus"))
    if settings and manifest.get("settings_key") != settings.key():
        return "the index was built with other settings (model or passage size)"
    indexed = {f["name"]: f["sha256"] for f in manifest.get("files", [])}
    try:
        files = corpus_files(corpus)
    except CorpusError:
        return None  # the corpus is elsewhere; trust the index as built

    present = {p.name: p for p in files}
    for name, path in present.items():
        if name not in indexed:
            return f"{name} is new in {corpus}"
        if sha256_of(path) != indexed[name]:
            return f"{name} changed since the index was built"
    for name in indexed:
        if name not in present:
            return f"{name} was removed from {corpus}"
    return None


def parse_corpus_file(path: Path, overrides: dict | None = None, doc: Document | None = None) -> Reply:
    """Read and parse one file, turning every failure into a message that names it."""
    doc = doc or read_document(path)
    reply = parse_reply(doc, overrides)
    if not reply.answers:
        raise CorpusError(f"{path.name}: no questionnaire answers found (is this a reply to the Lanzarote questionnaire?)")
    return reply


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
        raise CorpusError(f"no reply files (.txt, .md, .docx, .pdf) in {corpus}")

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
        try:
            replies.append(parse_corpus_file(path, overrides.get(path.name)))
        except ReadError as exc:
            raise CorpusError(str(exc)) from exc
    _check_unique(replies)

    index_dir.mkdir(parents=True, exist_ok=True)
    builds = index_dir / "builds"
    builds.mkdir(exist_ok=True)
    build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.perf_counter_ns() % 100000}"
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
        _write_bm25(lexical, tmp / "bm25")
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
        replies = _read_replies(live)
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


def _read_replies(folder: Path) -> list[Reply]:
    return [Reply(ReplyMeta(**r["meta"]), [Answer(**a) for a in r["answers"]])
            for r in json.loads((folder / "replies.json").read_text())]


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


def _write_bm25(texts: list[str], path: Path) -> None:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(bm25_tokens(texts), show_progress=False)
    retriever.save(str(path), show_progress=False)


def swap_current(index_dir: Path, target: Path) -> None:
    """Repoint index/current with rename(2): readers see the old build or the new one, never a mix."""
    link = index_dir / "current"
    tmp_link = index_dir / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(os.path.relpath(target, index_dir), tmp_link)
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)
    os.replace(tmp_link, link)


def prune_builds(index_dir: Path, keep: int = 2) -> None:
    """Keep the live build and the one before it (a server may still be reading it); drop older and failed ones."""
    builds = index_dir / "builds"
    live = current_path(index_dir)
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    for old in done[:-keep]:
        if old != live:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in builds.glob(".tmp-*"):
        try:
            pid = int(tmp.name.split("-")[2])
        except (IndexError, ValueError):
            pid = -1
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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

    @property
    def parties(self) -> list[str]:
        return sorted({r.meta.party for r in self.replies})

    def reply_of(self, doc_id: str) -> Reply:
        return next(r for r in self.replies if r.meta.doc_id == doc_id)


def load_index(index_dir: Path) -> LoadedIndex:
    import bm25s

    index_dir = Path(index_dir)
    path = current_path(index_dir)
    if path is None:
        raise IndexMissing(f"no index in {index_dir}: run `assistant build --index {index_dir}` first")
    try:
        manifest = json.loads((path / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise IndexCorrupt(f"index in {index_dir} has format {manifest.get('format')}, expected {FORMAT}: rebuild it")
        passages = [Passage(**p) for p in json.loads((path / "passages.json").read_text())]
        replies = _read_replies(path)
        dense = FaissFlatIndex.load(path)
        questions = np.load(path / "questions.npy")
        bm25 = bm25s.BM25.load(str(path / "bm25"), show_progress=False)
        sentences = [(int(pid), text) for pid, text in json.loads((path / "sentences.json").read_text())]
        sentence_vectors = np.load(path / "sentences.npy")
    except IndexCorrupt:
        raise
    except Exception as exc:
        raise IndexCorrupt(f"index in {path} is unreadable ({type(exc).__name__}: {exc}); rebuild it with `assistant build`") from exc
    if len(dense) != len(passages) or len(questions) != len(passages):
        raise IndexCorrupt(f"index in {path} is inconsistent ({len(dense)} vectors, {len(passages)} passages); rebuild it")
    return LoadedIndex(path, manifest, passages, replies, dense, questions, bm25, sentences, sentence_vectors)
