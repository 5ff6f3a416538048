"""A reply as text lines, whatever its format: what every reader returns and the parser reads."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReadError

# what prints the same but would split a word for search: a soft hyphen, zero-width spaces and joiners, a stray byte
# order mark ("protec\xadtion"), and the ligatures a PDF may keep ("identiﬁcation")
_SAME_PRINT = str.maketrans({"\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None,
                             "\ufeff": None, "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                             "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
MAX_PARAGRAPHS = 20_000  # paragraphs (non-blank lines) in one reply: more is not a reply, and would embed for hours


@dataclass
class Document:
    """A reply as lines of text; `pages[i]` is the page of line i+1 where the format has pages."""

    path: Path
    lines: list[str]
    sha256: str
    pages: list[int] | None = field(default=None)


def clean_text(text: str) -> str:
    """Text as it prints, one way: composed accents (NFC: "é", not "e" + U+0301), no invisible characters, no
    ligatures. Reply lines and questions alike, so a word matches itself however it was typed or extracted."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text.translate(_SAME_PRINT))


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def too_many_paragraphs(path: Path, count: str) -> ReadError:
    return ReadError(path, f"has {count} paragraphs; the limit is {MAX_PARAGRAPHS:,} for one reply — is it a valid "
                           f"reply?")
