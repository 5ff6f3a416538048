"""Turn a reply file into plain text lines, whatever its format, so one parser serves every format."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED = (".txt", ".md")


class ReadError(ValueError):
    """A reply file could not be read; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem}")


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


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 first (with or without BOM), then UTF-16 with BOM, then cp1252; refuse binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        head = data[:4096]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if max(even, odd) > 0.3 * (len(head) // 2) and min(even, odd) < 0.02 * (len(head) // 2):
            raise ReadError(path, "is UTF-16 text without a byte-order mark; save it as UTF-8 and add it again")
        raise ReadError(path, "looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ReadError(path, f"is in an unknown text encoding, neither UTF-8 nor Windows-1252 ({exc.reason} at byte "
                              f"{exc.start}); save it as UTF-8 and add it again") from exc


def read_text_file(path: Path) -> Document:
    data = path.read_bytes()
    text = decode_text(path, data)
    return Document(path=path, lines=text.splitlines(), sha256=hashlib.sha256(data).hexdigest())


def read_document(path: Path | str) -> Document:
    """Read any supported reply file; raises ReadError naming the file and the problem."""
    path = Path(path)
    if not path.exists():
        raise ReadError(path, "no such file")
    if not path.is_file():
        raise ReadError(path, "is not a file")
    suffix = path.suffix.lower()
    readers = {".txt": read_text_file, ".md": read_text_file}
    try:
        from . import office  # docx / pdf readers, optional

        readers.update(office.READERS)
    except ImportError:
        pass
    if suffix not in readers:
        raise ReadError(path, f"unsupported file type {suffix or '(none)'}; use one of {', '.join(sorted(readers))}")
    if path.stat().st_size == 0:
        raise ReadError(path, "is empty")
    doc = readers[suffix](path)
    if not any(line.strip() for line in doc.lines):
        raise ReadError(path, "has no text")
    return doc
