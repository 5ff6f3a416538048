"""Adding a reply: copy it into the corpus under a safe name, record the user's corrections, rebuild.

Used by `assistant add`, the page's "Add a reply" panel and `serve --watch`.  Nothing in corpus/ or the
index changes unless the new reply reads, parses and the build with it succeeds; the file goes in by the steps of
store/replacing.py, so a kill at any instant leaves the old reply or the new one (the next build finishes the job).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import ReadError
from ..ingest.document import sha256_of
from ..ingest.preview import Preview, check_reply, clean_overrides
from ..ingest.readers import SUFFIXES, read_document
from ..ingest.titlepage import META_FIELDS, read_meta
from ..model import ReplyMeta
from .build import BuildReport, build_index
from .corpus import corpus_files, read_overrides
from .layout import read_manifest
from .locking import build_lock
from .replacing import Replacement, recover
from .settings import Settings


# --------------------------------------------------------------------------- naming and the corpus

def _slug(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9().-]+", "-", ascii_text).strip("-.")[:limit].strip("-.")


def safe_name(meta: ReplyMeta, suffix: str) -> str:
    """'<doc_id>_<Party>.<ext>': ASCII letters, digits, ( ) . - only, so no path, no hidden file, no clash with '_'."""
    suffix = suffix.lower() if suffix.lower() in SUFFIXES else ".txt"
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

    The same content twice is skipped. A failure anywhere puts corpus/ back as it was; the index swap is atomic.
    Other corpus files the build had to skip are named in `result.report.skipped`."""
    path, corpus, index_dir = Path(path), Path(corpus), Path(index_dir)
    overrides = clean_overrides(overrides)
    preview = preview or check_reply(path, overrides)
    meta = preview.meta
    corpus.mkdir(parents=True, exist_ok=True)
    with build_lock(index_dir):  # from choosing the name to the swap: one add or build of this index at a time
        recover(corpus)
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

        table = read_overrides(corpus)
        changed = table.pop(old.name, None) is not None if old is not None else False
        changed = table.pop(name, None) is not None or changed
        if record:
            table[name] = record
        step = Replacement(corpus, name, old.name if old else None)
        try:
            step.stage(path)
            if record or changed:
                step.write_overrides(table)
            step.expose()
            report = build_index(corpus, index_dir, settings, encoder=encoder, progress=progress, required={name})
        except BaseException:
            step.undo()
            raise
        step.commit()
    return AddResult("replaced" if old else "added", name, preview, old.name if old else "", report)
