"""The corpus folder: which files are replies, the user's corrections (metadata.json), and whether the live
index still matches the folder."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from ..errors import CorpusError
from ..ingest.document import sha256_of
from ..ingest.readers import DOCUMENTS
from .layout import read_manifest
from .settings import Settings

OVERRIDES_FILE = "metadata.json"  # {"file name": {"party": …, "doc_id": …, "round": …, "language": …}}


def read_overrides(corpus: Path) -> dict[str, dict]:
    """The user's corrections to what a reply's title page says; a broken file is an error, not ignored."""
    path = Path(corpus) / OVERRIDES_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{path}: not valid UTF-8 JSON ({exc}); fix it or delete it") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise CorpusError(f'{path}: expected an object mapping file names to metadata, such as '
                          f'{{"reply.txt": {{"party": "San Marino"}}}}; fix it or delete it')
    return data


def printable_name(name: str) -> str:
    """A file name as it can be shown on one line and stored as UTF-8: undecodable bytes and control characters
    escaped (a name that needed this is skipped by the build: its name would break the index files)."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def corpus_files(corpus: Path) -> list[Path]:
    """Reply files in the corpus folder, by name, with documents of a type not read (named among the skipped
    files, with what to do); hidden files (an `add` in progress) are not replies."""
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise CorpusError(f"corpus folder {corpus} does not exist; create it and put reply files in it, "
                          f"or name another with --corpus")
    return sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix.lower() in DOCUMENTS
                  and not p.name.startswith("."))


def stale_reason(index_dir: Path, corpus: Path | None = None, settings: Settings | None = None) -> str | None:
    """Why the index does not match the corpus (or None when it does): missing, changed, added, removed files."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        return f"no index in {index_dir}"
    corpus = Path(corpus or manifest.get("corpus", "corpus"))
    if settings and manifest.get("settings_key") != settings.key():
        if manifest.get("settings") == asdict(settings):
            return "the index was built by another version of the assistant, which read or embedded replies " \
                   "differently"
        return "the index was built with other settings (model, back end or passage size)"
    indexed = {f["name"]: f["sha256"] for f in manifest.get("files", [])}
    try:
        files = corpus_files(corpus)
    except CorpusError:
        return None  # the corpus is elsewhere; trust the index as built

    present = {p.name: p for p in files}
    skipped = {s.get("name"): s for s in manifest.get("skipped", []) if isinstance(s, dict)}
    for name, path in present.items():
        shown = printable_name(name)
        if shown in skipped and not indexed.get(name):
            if not _same_skipped(path, skipped[shown]):
                return f"{name} changed since the index was built"
            continue
        if name not in indexed:
            return f"{name} is new in {corpus}"
        if sha256_of(path) != indexed[name]:
            return f"{name} changed since the index was built"
    for name in indexed:
        if name not in present:
            return f"{name} was removed from {corpus}"
    return None


def _same_skipped(path: Path, entry: dict) -> bool:
    """A file the last build skipped is unchanged when its size is (too large to hash) or its SHA-256 is."""
    try:
        if path.stat().st_size != entry.get("size"):
            return False
        return not entry.get("sha256") or sha256_of(path) == entry["sha256"]
    except OSError:
        return not entry.get("sha256")
