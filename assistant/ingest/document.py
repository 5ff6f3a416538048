"""A reply as text lines, whatever its format: what every reader returns and the parser reads."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path


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
