"""Building an index: parse, chunk and embed every corpus file (reusing unchanged files' work), write the
build aside, then swap it in (store/layout.py)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from .. import __version__
from ..encoders.base import MAX_TOKENS, Encoder
from ..encoders.loader import load_encoder
from ..encoders.memo import TextMemo
from ..encoders.multilingual import load_multilingual
from ..errors import CorpusError
from ..ingest.chunking import chunk_reply, embedding_text
from ..ingest.document import sha256_of
from ..ingest.replies import read_replies_from
from ..ingest.questionnaire import other_wordings
from ..ingest.readers import SUFFIXES
from ..ingest.references import opens_with_pointer, resolve
from ..ingest.sentences import split_sentences
from ..memory import release_free_memory
from ..model import Answer, Passage, Reply
from .corpus import corpus_files, read_overrides
from .layout import current_path, new_build_id, prune_builds, read_manifest, swap_current
from .lexical import write_bm25
from .locking import build_lock
from .load import read_replies
from .reading import read_corpus
from .replacing import recover as recover_corpus
from .settings import FORMAT, SENTENCE_KINDS, Settings, reader_fingerprint, vector_kinds
from .vectors import FaissFlatIndex
from .vocabulary import Vocabulary, build_vocabulary


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
        skipped = f"; {len(self.skipped)} file(s) skipped" if self.skipped else ""
        return (
            f"Indexed {self.passages} passages from {self.files} replies "
            f"({self.embedded} embedded, {self.reused} unchanged{skipped}) in {self.seconds:.1f}s -> {self.path}"
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
    """(pid, sentence) for every sentence of every passage: the units an extractive answer quotes.  A sentence too
    long for one passage, cut between two parts of an answer, is one sentence of the part where it begins."""
    out: list[tuple[int, str]] = []
    for p in passages:
        sentences = split_sentences(p.text)
        if p.continues and sentences and out:  # out[-1]: an earlier part of the same answer (part 0 starts one)
            out[-1] = (out[-1][0], f"{out[-1][1]} {sentences.pop(0)}")
        out += [(p.pid, s) for s in sentences]
    return out


def embed_reply(reply: Reply, passages: list[Passage], encoder: Encoder, settings: Settings,
                encode: Callable[[list[str]], np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Every vector a reply's passages get, by kind: passages (heading + text [+ what a pointer points to]),
    questions (the questionnaire question), sentences (for quoting) and, with the multilingual signal on, the
    passages, questions and sentences again in the multilingual encoder's space.  `encode` (the English encoder's, by
    default) may remember texts across replies: a build embeds each questionnaire question once."""
    encode = encode or encoder.encode
    texts, questions = [], []
    for p in passages:
        text = embedding_text(p) if settings.headings else p.text
        extra = pointer_context(reply.answers, p.answer_index) if settings.follow_refs else ""
        if extra:
            text = _fit(encoder, f"{text}\n{extra}", MAX_TOKENS)
        texts.append(text)
        questions.append(_fit(encoder, f"{p.question_title}. {p.question_text}", MAX_TOKENS))
    sentences = [s for _, s in passage_sentences(passages)]
    out = {"passages": encode(texts), "questions": encode(questions), "sentences": encode(sentences)}
    if settings.multilingual:
        ml = load_multilingual()
        out["ml_passages"] = ml.encode_passages(texts)
        out["ml_questions"] = ml.encode_passages(questions)
        out["ml_sentences"] = ml.encode_passages(sentences)
    return out


def lexical_text(reply: Reply, p: Passage, settings: Settings) -> str:
    """What BM25 indexes: heading, the question as the reply prints it and as the questionnaire words it in the
    Committee's other language (so an English question finds a French reply's answer by the question's words,
    and the other way round), the answer, and what a pointer points to."""
    parts = [p.heading, p.question_text] if settings.headings else []
    if settings.bilingual:
        parts += other_wordings(p.question_ids, p.language)
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
            return {**{kind: data[kind] for kind in data.files}, "path": path}
    except Exception:
        return None


def _reusable(cached: dict | None, kinds: tuple[str, ...], passages: int, sentences: int) -> bool:
    """Cached vectors fit when every kind is there with one row per passage (per sentence for SENTENCE_KINDS)."""
    return cached is not None and all(
        kind in cached and len(cached[kind]) == (sentences if kind in SENTENCE_KINDS else passages) for kind in kinds)


def _keep_vectors(target: Path, cached: dict | None, arrays: dict[str, np.ndarray]) -> None:
    """Reused vectors are hard-linked from the live build (no copy); new ones are written."""
    if cached is not None:
        try:
            os.link(cached["path"], target)
            return
        except OSError:
            pass
    np.savez(target, **arrays)


def build_index(
    corpus: Path,
    index_dir: Path,
    settings: Settings | None = None,
    encoder: Encoder | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    overrides: dict[str, dict] | None = None,
    required: Collection[str] = (),
) -> BuildReport:
    """Parse, chunk and embed every corpus file (reusing unchanged files' vectors), then swap the new index in.

    A file that cannot be indexed is skipped and named, with its problem, in the report and the manifest; the good
    files' build goes live.  When no file is good (CorpusError), or a `required` file is bad, nothing is swapped and
    the index already serving stays as it was.  What a killed `add` or build left behind is cleaned up first.
    """
    with build_lock(index_dir):  # another build of this folder (another thread or process) finishes first
        try:
            return _build_index(Path(corpus), Path(index_dir), settings or Settings(), encoder, progress, overrides,
                                required)
        finally:
            release_free_memory()  # a server that built a reply gives the build's working memory back


def _build_index(corpus: Path, index_dir: Path, settings: Settings, encoder: Encoder | None,
                 progress: Callable[[str, int, int], None] | None, overrides: dict[str, dict] | None,
                 required: Collection[str]) -> BuildReport:
    t0 = time.perf_counter()
    for done in recover_corpus(corpus):
        logging.getLogger("assistant").warning("%s", done)
    files = corpus_files(corpus)
    if not files:
        raise CorpusError(f"no reply files ({', '.join(SUFFIXES)}) in {corpus}; put replies there or name "
                          f"another folder with --corpus")

    overrides = {**read_overrides(corpus), **(overrides or {})}
    previous = _previous_files(index_dir, settings)
    chunks: dict[tuple[str, str], list[Passage]] = {}  # unchanged replies' passages, as the live build has them

    def read(path: Path) -> list[Reply]:
        seen = previous.get(path.name)
        if seen and seen[0] == sha256_of(path) and seen[1] == _overrides_key(overrides.get(path.name)):
            for reply, reply_passages in seen[2]:
                chunks[(path.name, reply.meta.doc_id)] = reply_passages
            return [reply for reply, _ in seen[2]]
        return read_replies_from(path, overrides.get(path.name))  # a compilation gives one reply per Party

    replies, skipped = read_corpus(files, read, required)

    index_dir.mkdir(parents=True, exist_ok=True)
    builds = index_dir / "builds"
    builds.mkdir(exist_ok=True)
    build_id = new_build_id()
    tmp = builds / f".tmp-{build_id}"
    tmp.mkdir()
    try:
        (tmp / "vectors").mkdir()
        passages: list[Passage] = []
        kinds = vector_kinds(settings)
        stacks: dict[str, list[np.ndarray]] = {kind: [] for kind in kinds}
        lexical, sentences = [], []
        file_entries = []
        reused = embedded = 0
        memo: TextMemo | None = None
        for n, reply in enumerate(replies, start=1):
            unit = (reply.meta.source, reply.meta.doc_id)
            if unit in chunks:
                chunked = [replace(p, pid=len(passages) + n) for n, p in enumerate(chunks[unit])]
            else:
                encoder = encoder or load_encoder(settings.model, settings.backend)  # only when something is new
                chunked = chunk_reply(reply.meta, reply.answers, encoder.count_tokens, start_pid=len(passages),
                                      target_tokens=settings.target_tokens)
            key = vectors_key(reply, settings)
            cached = _cached_vectors(index_dir, key)
            sents = passage_sentences(chunked)
            if _reusable(cached, kinds, len(chunked), len(sents)):
                arrays = {kind: cached[kind] for kind in kinds}
                reused += 1
            else:
                cached = None
                encoder = encoder or load_encoder(settings.model, settings.backend)
                memo = memo or TextMemo(encoder.encode, encoder.dim)  # this build's texts, dropped with it
                arrays = embed_reply(reply, chunked, encoder, settings, memo)
                embedded += 1
            _keep_vectors(tmp / "vectors" / f"{key}.npz", cached, arrays)
            passages.extend(chunked)
            sentences.extend(sents)
            for kind in kinds:
                stacks[kind].append(arrays[kind])
            lexical.extend(lexical_text(reply, p, settings) for p in chunked)
            file_entries.append({
                "name": reply.meta.source, "sha256": reply.meta.sha256, "party": reply.meta.party,
                "doc_id": reply.meta.doc_id, "round": reply.meta.round, "language": reply.meta.language,
                "answers": len(reply.answers), "overrides": _overrides_key(overrides.get(reply.meta.source)),
                "passages": len(chunked), "vectors": key,
            })
            if progress:
                progress(reply.meta.source, n, len(replies))

        matrix = np.vstack(stacks["passages"]).astype("float32")
        dim = int(matrix.shape[1])
        FaissFlatIndex.from_vectors(matrix).save(tmp)
        for kind in kinds[1:]:
            np.save(tmp / f"{kind}.npy", np.vstack(stacks[kind]).astype("float32"))
        (tmp / "sentences.json").write_text(json.dumps(sentences, ensure_ascii=False))
        write_bm25(lexical, tmp / "bm25")
        if settings.multilingual:  # the answers' words, for translating a question's words (query/translation.py)
            live = current_path(index_dir)  # its words' vectors are reused: the encoder loads only for new words
            build_vocabulary((p.text for p in passages), lambda words: load_multilingual().encode_queries(words),
                             Vocabulary.load(live) if live is not None else None).save(tmp)
        (tmp / "passages.json").write_text(json.dumps([p.to_dict() for p in passages], ensure_ascii=False))
        (tmp / "replies.json").write_text(json.dumps(
            [{"meta": asdict(r.meta), "answers": [asdict(a) for a in r.answers]} for r in replies], ensure_ascii=False))
        manifest = {
            "format": FORMAT, "tool_version": __version__, "model": settings.model, "backend": settings.backend,
            "dimension": dim, "settings_key": settings.key(), "reader": reader_fingerprint(),
            "settings": asdict(settings),
            "corpus": str(corpus.resolve()), "files": file_entries, "passage_count": len(passages),
            "skipped": [s.entry() for s in skipped],
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
    return BuildReport(len(replies), reused, embedded, len(passages), time.perf_counter() - t0, final,
                       [s.line for s in skipped])


def _overrides_key(values: dict | None) -> str:
    return json.dumps(values or {}, sort_keys=True)


def vectors_key(reply: Reply, settings: Settings) -> str:
    """The name a reply's vectors are kept under: its file's content, which of the file's replies it is (a
    compilation holds many), and the settings that shaped the vectors."""
    which = hashlib.sha256(reply.meta.doc_id.encode("utf-8")).hexdigest()[:8]
    return f"{reply.meta.sha256[:20]}-{which}-{settings.key()}"


def _previous_files(index_dir: Path, settings: Settings
                    ) -> dict[str, tuple[str, str, list[tuple[Reply, list[Passage]]]]]:
    """The live build's parse and passages per file name (a compilation gives several replies), reusable when
    file, corrections and settings match."""
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
    out: dict[str, tuple[str, str, list[tuple[Reply, list[Passage]]]]] = {}
    for entry, reply in zip(manifest.get("files", []), replies):
        if entry.get("name") == reply.meta.source and "overrides" in entry:
            sha, over, got = out.setdefault(entry["name"], (entry["sha256"], entry["overrides"], []))
            got.append((reply, by_doc.get(reply.meta.doc_id, [])))
    return out
