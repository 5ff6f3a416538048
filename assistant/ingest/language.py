"""Which language a reply is written in: the languages replies come in, and a guess from frequent words."""

from __future__ import annotations

import re

LANGUAGES = {"en": "English", "fr": "French", "pt": "Portuguese", "es": "Spanish", "de": "German", "it": "Italian"}

# a few frequent words that each language does not share with the others: enough to tell a reply's language
STOP_WORDS = {
    "en": {"the", "and", "of", "to", "is", "are", "that", "with", "which", "this", "be", "by", "or", "for", "have"},
    "fr": {"le", "les", "et", "est", "une", "dans", "du", "des", "pour", "sur", "pas", "au", "sont", "ce", "aux"},
    "pt": {"os", "da", "dos", "não", "uma", "com", "são", "ao", "em", "pelo", "pela", "à", "nos", "na", "também"},
    "es": {"el", "los", "las", "y", "es", "son", "al", "por", "está", "como", "su", "lo", "muy", "sus", "también"},
    "de": {"der", "die", "und", "ist", "nicht", "mit", "von", "zu", "den", "dem", "im", "ein", "eine", "auf", "sich"},
    "it": {"il", "di", "che", "della", "nel", "non", "sono", "gli", "alla", "è", "dei", "delle", "degli", "anche"},
}


def language_name(code: str) -> str:
    """'fr' -> 'French'; an unknown code is shown as it is."""
    return LANGUAGES.get(code, code)


def guess_language(lines: list[str], words: int = 3000) -> str:
    """The language whose stop words are most frequent in the first few thousand words; English by default."""
    tokens = re.findall(r"[^\W\d_]+", " ".join(lines[:400]).lower())[:words]
    counts = {lang: sum(1 for t in tokens if t in stop) for lang, stop in STOP_WORDS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    return best if counts[best] > counts["en"] else "en"
