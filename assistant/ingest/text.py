"""Plain-text replies (.txt, .md): UTF-8, UTF-16 with a byte-order mark, or Windows-1252; binary refused."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
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


# a paginated file saved as text keeps its running footers between the answers ("T-ES(2017)ICT-LU — page 7", "Page 3
# of 24"): a short line with words and a number that comes back, its number changed, at least REPEATS times, never
# closer than GAP lines apart (a list of "Article 171", "Article 172" lines stays)
REPEATS = 3
GAP = 10
MAX_WORDS = 12
RE_OPENS_AS_QUESTION = re.compile(r"^\s*(?:\(?\d{1,2}(?:\.\d{1,2})*[.)]?\s|(?:question|q)\s*\d)", re.I)


def page_furniture(lines: list[str]) -> set[int]:
    """Indices of the running footer and header lines a paginated file left in its text export."""
    seen: dict[str, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        flat = " ".join(line.split())
        if (flat and len(flat.split()) <= MAX_WORDS and re.search(r"\d", flat) and re.search(r"[^\W\d_]", flat)
                and not flat.endswith((".", "?", ":", ";")) and not RE_OPENS_AS_QUESTION.match(flat)):
            seen[re.sub(r"\d+", "#", flat.lower())].append(i)
    out: set[int] = set()
    for at in seen.values():
        texts = {" ".join(lines[i].split()) for i in at}
        if len(at) >= REPEATS and len(texts) > 1 and min(b - a for a, b in zip(at, at[1:])) >= GAP:
            out.update(at)
    return out


def read_text_file(path: Path) -> Document:
    data = path.read_bytes()
    lines = decode_text(path, data).splitlines()
    drop = page_furniture(lines)
    # blanked, not removed: line numbers still point into the file
    lines = ["" if i in drop else line for i, line in enumerate(lines)]
    return Document(path=path, lines=lines, sha256=hashlib.sha256(data).hexdigest())
