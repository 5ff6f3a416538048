"""The Python API, the first way in; the command line and the page are thin layers over it.

    from assistant import Assistant
    a = Assistant.open("index", corpus="corpus")
    a.ask("What penalty does Portugal set for possessing child sexual abuse material?")
    a.compare("9.3")
    a.coverage()
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Callable

from .encoders.base import DEFAULT_BACKEND, DEFAULT_MODEL, Encoder
from .encoders.loader import load_encoder
from .errors import CorpusError, IndexCorrupt, IndexMissing, UnknownPillar
from .ingest.document import clean_text
from .ingest.questionnaire import PILLARS, pillar_named
from .parties import indexed_party
from .query.answer import answer
from .query.compare import Comparer
from .query.search import Searcher
from .store.build import BuildReport, build_index
from .store.corpus import corpus_files, printable_name, stale_reason
from .store.layout import current_path, read_manifest
from .store.load import LoadedIndex, load_index
from .store.reading import SHOWN
from .store.settings import Settings

log = logging.getLogger("assistant")

DEFAULT_INDEX = Path("index")
DEFAULT_CORPUS = Path("corpus")


def settings_for(backend: str | None = None, model: str | None = None) -> Settings:
    """Build settings from arguments, else the environment (ASSISTANT_BACKEND, ASSISTANT_MODEL,
    ASSISTANT_MULTILINGUAL=0 for an English-only index without the multilingual encoder), else defaults."""
    return Settings(model=model or os.environ.get("ASSISTANT_MODEL") or DEFAULT_MODEL,
                    backend=backend or os.environ.get("ASSISTANT_BACKEND") or DEFAULT_BACKEND,
                    multilingual=os.environ.get("ASSISTANT_MULTILINGUAL", "1").lower() not in ("0", "false", "no", "off"))


def corpus_of(index_dir: Path, corpus: Path | str | None = None) -> Path:
    """The corpus folder to use: the one given, else the one the index was built from, else corpus/."""
    if corpus is not None:
        return Path(corpus)
    manifest = read_manifest(index_dir)
    return Path(manifest["corpus"]) if manifest and manifest.get("corpus") else DEFAULT_CORPUS


def ensure_index(index_dir: Path | str, corpus: Path | str | None = None, settings: Settings | None = None,
                 progress: Callable[[str, int, int], None] | None = None, rebuild: bool = False) -> LoadedIndex:
    """Load the live build.  Only a missing or damaged index is built first (announced on the 'assistant' logger);
    one older than the corpus answers as it is, with a warning, unless `rebuild`.  Files the live build skipped
    are named in a warning too.  A build started here never makes anything worse: a failed one changes nothing."""
    index_dir = Path(index_dir)
    settings = settings or settings_for()
    corpus_dir = corpus_of(index_dir, corpus)
    try:
        loaded = load_index(index_dir)
    except (IndexMissing, IndexCorrupt) as exc:
        log.warning("Index needs building (%s); building from %s …", str(exc).split(";")[0], corpus_dir)
        loaded = _build_and_load(corpus_dir, index_dir, settings, progress)
    else:
        reason = stale_reason(index_dir, corpus_dir, settings)
        if reason and rebuild:
            log.warning("Rebuilding the index (%s) …", reason)
            loaded = _build_and_load(corpus_dir, index_dir, settings, progress)
        elif reason:
            what = reason if reason.startswith("the index") else f"index is older than the corpus ({reason})"
            log.warning("Warning: %s; run `assistant build` (or pass --rebuild)", what)
    warn_skipped(loaded.manifest, corpus_dir)
    return loaded


def _build_and_load(corpus_dir: Path, index_dir: Path, settings: Settings,
                    progress: Callable[[str, int, int], None] | None) -> LoadedIndex:
    report = build_index(corpus_dir, index_dir, settings, progress=progress)
    log.warning("%s", report.summary())
    return load_index(index_dir)


def warn_skipped(manifest: dict, corpus_dir: Path) -> list[dict]:
    """One line naming the corpus files the live build left out (those still in the corpus), if any."""
    try:
        present = {printable_name(p.name) for p in corpus_files(corpus_dir)}
    except CorpusError:
        present = None  # the corpus is elsewhere: name what the build skipped
    skipped = [s for s in manifest.get("skipped", [])
               if isinstance(s, dict) and (present is None or s.get("name") in present)]
    if skipped:
        names = ", ".join(str(s.get("name")) for s in skipped[:SHOWN]) + (
            f" and {len(skipped) - SHOWN} more" if len(skipped) > SHOWN else "")
        log.warning("Warning: the index leaves out %d corpus file(s) it could not use: %s; `assistant build` says "
                    "why", len(skipped), names)
    return skipped


class Assistant:
    """One loaded index and its encoder: ask, compare, coverage.  Thread-safe; picks up a newer build by itself."""

    def __init__(self, searcher: Searcher, index_dir: Path | str | None = None, corpus: Path | str | None = None):
        self.searcher = searcher
        self.index_dir = Path(index_dir) if index_dir is not None else None
        self.corpus = Path(corpus) if corpus is not None else None
        # held while a newer build is loaded, and by a background build borrowing the encoder (one batch at a time)
        self.lock = threading.RLock()
        self._comparer: Comparer | None = None

    @classmethod
    def open(cls, index: Path | str = DEFAULT_INDEX, corpus: Path | str | None = None, backend: str | None = None,
             build: bool = True, progress: Callable[[str, int, int], None] | None = None,
             rebuild: bool = False) -> "Assistant":
        """The assistant over the index in `index`; with `build`, a missing or damaged index is built from `corpus`
        first (a stale one only with `rebuild`; else it answers as built, with a warning).  Raises IndexMissing
        (without `build`), CorpusError, ReadError, EncoderError."""
        index_dir = Path(index)
        settings = settings_for(backend)
        loaded = ensure_index(index_dir, corpus, settings, progress, rebuild) if build else load_index(index_dir)
        encoder = load_encoder(loaded.manifest.get("model", settings.model), settings.backend)
        return cls(Searcher(loaded, encoder), index_dir=index_dir, corpus=corpus_of(index_dir, corpus))

    # ------------------------------------------------------------------ the live index

    def current(self) -> Searcher:
        """The searcher over the live build: a rebuild repoints index/current, the next question sees it."""
        if self.index_dir is not None:
            live = current_path(self.index_dir)
            if live is not None and live != self.searcher.index.path:
                with self.lock:
                    if self.searcher.index.path != live:
                        self.searcher = Searcher(load_index(self.index_dir), self.searcher.encoder,
                                                 self.searcher.weights)
        return self.searcher

    @property
    def index(self) -> LoadedIndex:
        return self.current().index

    @property
    def encoder(self) -> Encoder:
        return self.searcher.encoder

    @property
    def parties(self) -> list[str]:
        return self.index.parties

    @property
    def settings(self) -> Settings:
        return Settings.from_manifest(self.index.manifest)

    def comparer(self) -> Comparer:
        index = self.index
        if self._comparer is None or self._comparer.index is not index:
            self._comparer = Comparer(index)
        return self._comparer

    # ------------------------------------------------------------------ questions

    def resolve_party(self, party: str | None) -> str | None:
        """The indexed Party a name means, in any language; UnknownParty when its reply is not indexed."""
        if party is None or not party.strip():
            return None
        return indexed_party(party, self.parties)

    @staticmethod
    def resolve_pillar(pillar: str | None) -> str | None:
        if pillar is None or not pillar.strip():
            return None
        found = pillar_named(pillar)
        if found is None:
            raise UnknownPillar(f"{pillar!r} is not a pillar; use one of {', '.join(PILLARS)}")
        return found

    def ask(self, question: str, k: int = 5, party: str | None = None, pillar: str | None = None,
            qid: str | None = None) -> dict:
        """Cited passages that answer `question`: the `ask` contract (docs/ask-contract.md)."""
        party, pillar = self.resolve_party(party), self.resolve_pillar(pillar)
        # bytes a terminal could not decode (argv keeps them as lone surrogates) cannot be encoded: they become "?"
        question = clean_text(str(question).encode("utf-8", "replace").decode("utf-8"))
        return answer(self.current(), question, k=max(1, int(k)), party=party, pillar=pillar, qid=qid)

    def compare(self, question_id: str, parties: list[str] | None = None, language: str | None = None) -> dict:
        """Every Party's answer to one questionnaire question, pointers resolved, gaps listed; the question in
        the questionnaire's English wording, or French with language='fr'.  Each answer stays in its own language."""
        return self.comparer().compare(question_id, parties, language)

    def coverage(self) -> dict:
        """Parties x questions: answered, answered only by pointing elsewhere, blank."""
        return self.comparer().coverage()


def build(corpus: Path | str = DEFAULT_CORPUS, index: Path | str = DEFAULT_INDEX, backend: str | None = None,
          progress: Callable[[str, int, int], None] | None = None) -> BuildReport:
    """Parse, embed and index every reply in `corpus` into `index` (unchanged files reused)."""
    return build_index(Path(corpus), Path(index), settings_for(backend), progress=progress)
