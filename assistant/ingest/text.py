"""Plain-text replies (.txt, .md): UTF-8, UTF-16 with a byte-order mark, or Windows-1252; binary refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import ReadError
from .document import Document


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
