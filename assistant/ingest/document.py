"""A reply as text lines, whatever its format: what every reader returns and the parser reads."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReadError

MAX_PARAGRAPHS = 20_000  # paragraphs (non-blank lines) in one reply: more is not a reply, and would embed for hours


@dataclass
class Document:
    """A reply as lines of text; `pages[i]` is the page of line i+1 where the format has pages."""

    path: Path
    lines: list[str]
    sha256: str
    pages: list[int] | None = field(default=None)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def too_many_paragraphs(path: Path, count: str) -> ReadError:
    return ReadError(path, f"has {count} paragraphs; the limit is {MAX_PARAGRAPHS:,} for one reply — is it a valid "
                           f"reply?")
