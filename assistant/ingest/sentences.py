"""Sentences as a reply wrote them: the units an extractive answer quotes."""

from __future__ import annotations

import re

# a sentence ends at . ! ? followed by space and an upper-case letter, a quote, a bullet or a digit,
# but not after abbreviations common in legal text ("n. 1", "Art. 5", "i.e. the")
_ABBREV = r"(?<!\bn)(?<!\bno)(?<!\bArt)(?<!\bart)(?<!\bi\.e)(?<!\be\.g)(?<!\bf\.i)(?<!\bvs)(?<!\bDr)(?<!\bSt)(?<!\bLda)(?<!\bIP)"
RE_SENTENCE_END = re.compile(_ABBREV + r"[.!?][\"”»)]?\s+(?=[A-Z0-9\"“«(►•▶-])")


def split_sentences(text: str) -> list[str]:
    """Sentences as they stand, whitespace kept out; good enough for legal prose with article numbers."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para:
            continue
        start = 0
        for m in RE_SENTENCE_END.finditer(para):
            out.append(para[start:m.end()].strip())
            start = m.end()
        tail = para[start:].strip()
        if tail:
            out.append(tail)
    return [s for s in out if s]
