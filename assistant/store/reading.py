"""Reading the corpus for a build: every file parsed (or its live parse reused); a file that cannot be indexed is
skipped with one line saying why, so one bad file never silences the others, even one a reader fails on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from ..errors import AssistantError, CorpusError, ReadError
from ..ingest.document import sha256_of
from ..ingest.readers import MAX_BYTES, read_document
from ..model import Reply
from .corpus import OVERRIDES_FILE, printable_name

SHOWN = 5  # skipped files named in an error or a warning before "and N more"


@dataclass
class Skipped:
    """A corpus file the build left out, and why; size and SHA-256 tell the next run whether it changed."""

    name: str
    problem: str
    size: int = -1
    sha256: str = ""  # not hashed when too large or unreadable: then the size tells

    @property
    def line(self) -> str:
        return f"{self.name}: {self.problem}"

    def entry(self) -> dict:
        return {"name": self.name, "problem": self.problem, "size": self.size, "sha256": self.sha256}


def read_corpus(files: list[Path], read: Callable[[Path], Reply | list[Reply]], required: Collection[str] = ()
                ) -> tuple[list[Reply], list[Skipped]]:
    """The replies in `files` (read with `read`, in order) and the files skipped (by name).

    A file named in `required` (the one `add` is adding) is never skipped: its problem is raised instead."""
    replies: list[Reply] = []
    skipped: list[Skipped] = []
    for path in files:
        size = -1
        try:
            size = path.stat().st_size
            if printable_name(path.name) != path.name:
                raise ReadError(path, "its file name has bytes that are not UTF-8 or control characters; rename it")
            if size > MAX_BYTES:
                read_document(path)  # refuses it by its size, before reading or hashing a byte
            got = read(path)
        except Exception as exc:
            if not isinstance(exc, (AssistantError, OSError)):  # a fault in a reader: this file's, not the corpus's
                logging.getLogger("assistant").debug("reading %s failed", path, exc_info=exc)
                exc = ReadError(path, f"could not be read: the assistant failed on it ({type(exc).__name__}: {exc}); "
                                      f"please report it with the file")
            if path.name in required:
                raise exc
            skipped.append(Skipped(printable_name(path.name), problem_of(exc), size, _hash(path, size)))
            continue
        replies.extend(got if isinstance(got, list) else [got])
    kept = _unique(replies, skipped, required, {p.name: p for p in files})
    skipped.sort(key=lambda s: s.name)
    if not kept:
        raise CorpusError(f"no reply in {files[0].parent} could be indexed: {summary(skipped)}")
    return kept, skipped


def problem_of(exc: Exception) -> str:
    if isinstance(exc, ReadError):
        return exc.problem
    if isinstance(exc, OSError):
        remedy = "check its permissions" if isinstance(exc, PermissionError) else "check the file"
        return f"cannot be read ({(exc.strerror or str(exc)).lower()}); {remedy}"
    return str(exc)


def summary(skipped: list[Skipped] | list[dict]) -> str:
    """'a.txt: is empty | b.pdf: …' for the first few, then 'and N more'."""
    lines = [s.line if isinstance(s, Skipped) else f"{s.get('name')}: {s.get('problem')}" for s in skipped]
    more = f" | and {len(lines) - SHOWN} more" if len(lines) > SHOWN else ""
    return " | ".join(lines[:SHOWN]) + more


def _hash(path: Path, size: int) -> str:
    if not 0 <= size <= MAX_BYTES:
        return ""
    try:
        return sha256_of(path)
    except OSError:
        return ""


def _unique(replies: list[Reply], skipped: list[Skipped], required: Collection[str],
            paths: dict[str, Path]) -> list[Reply]:
    """Two copies of one file, or two files claiming one document code, would make citations ambiguous: the later
    file (by name) is skipped, unless it or the earlier one is `required`, when the clash is an error."""
    by_sha: dict[str, str] = {}
    by_code: dict[str, str] = {}
    kept = []
    for r in replies:
        name, sha, code = r.meta.source, r.meta.sha256, r.meta.doc_id
        same_file = by_sha.get(sha, name) != name
        earlier = by_sha[sha] if same_file else by_code.get(code, name)
        if earlier != name:
            if name in required or earlier in required:  # the file being added is the one refused
                first, second = (earlier, name) if earlier in required else (name, earlier)
                raise CorpusError(f"{first}: {_clash(same_file, code, second)}")
            path = paths.get(name)
            size = path.stat().st_size if path is not None and path.exists() else -1
            skipped.append(Skipped(name, _clash(same_file, code, earlier), size, sha))
            continue
        by_sha.setdefault(r.meta.sha256, name)
        by_code.setdefault(r.meta.doc_id, name)
        kept.append(r)
    return kept


def _clash(same_file: bool, code: str, other: str) -> str:
    if same_file:
        return f"the same file as {other}; remove one of them"
    return (f"has document code {code}, as {other} does; remove one, or set a distinct doc_id for one in "
            f"{OVERRIDES_FILE}")
