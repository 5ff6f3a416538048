"""The replies one file holds: one for a Party's own reply, one per Party for the Committee's compilation of
answers to one question. What the build reads every corpus file with."""

from __future__ import annotations

from pathlib import Path

from ..errors import NotAReply
from ..model import Reply
from .compilation import is_compilation, read_compilation
from .document import Document
from .parser import read_reply
from .readers import read_document


def read_replies_from(path: Path | str, overrides: dict | None = None, doc: Document | None = None) -> list[Reply]:
    """Every reply in a file, in order: [the reply] for a Party's reply, one per answering Party for a
    compilation (doc ids "<code>-<Party code>", e.g. "T-ES(2018)38_bil-FR"). ReadError when the file cannot be
    read, NotAReply when it holds no answer."""
    doc = doc or read_document(path)
    if not is_compilation(doc):
        return [read_reply(path, overrides, doc=doc)]
    replies = read_compilation(doc, overrides)
    if not replies:
        raise NotAReply(path, "is a compilation of replies, but no Party's answer was found under a Party's name in "
                              "capitals (e.g. \"FRANCE\" or \"GERMANY / ALLEMAGNE\"); check the Party headings")
    return replies
