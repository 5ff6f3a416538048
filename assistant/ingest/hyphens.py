"""A word a line end broke at a hyphen, joined as the reply wrote it: "protec-" / "tion" is "protection", while
"child-" / "friendly" stays "child-friendly".

Which of the two a writer meant is a fact about the language, not about the page: the form that is more common in
written English or French (wordfreq's word frequencies, the Committee's two languages) is the one kept.  A hyphenated
form is scored as its parts, so a syllable that is no word ("tion", "cational") makes it rare."""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

LANGUAGES = ("en", "fr")
RE_HEAD = re.compile(r"(\w+)-$")  # the broken word's first part, at the end of a line
RE_TAIL = re.compile(r"^(\w+)")  # its second part, at the start of the next


@lru_cache(maxsize=4096)
def frequency(word: str) -> float:
    """How common a word (or hyphenated compound) is, on the Zipf scale, in the more common of the two languages."""
    return max(zipf_frequency(word, lang) for lang in LANGUAGES)


def join_broken(head: str, tail: str) -> str:
    """`head` ends with a hyphen at a line end, `tail` goes on in lower case: the two as one line, the hyphen kept when
    the hyphenated compound is the commoner word ("child-friendly", "follow-up", "co-operation") and dropped when the
    joined word is ("protection", "international", "adolescents")."""
    first, second = RE_HEAD.search(head), RE_TAIL.match(tail)
    if first and second:
        a, b = first.group(1), second.group(1)
        if frequency(f"{a}{b}".lower()) > frequency(f"{a}-{b}".lower()):
            return head[:-1] + tail
    return head + tail
