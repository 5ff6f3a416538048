"""Which language a reply is written in: the languages replies come in, and a guess from frequent words."""

from __future__ import annotations

import re
from functools import lru_cache

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


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True, langs=list(LANGUAGES))


@lru_cache(maxsize=4096)
def language_probabilities(text: str) -> dict[str, float]:
    """How likely a question is in each of the replies' languages (py3langid restricted to them); a text with
    no words counts as English.  Short questions ("helplines?") are uncertain, and the figures say so."""
    if not re.search(r"[^\W\d_]{2,}", text or ""):
        return {"en": 1.0}
    return {lang: float(p) for lang, p in _identifier().rank(text)}


def query_language(text: str) -> str:
    """The most likely language of a question."""
    probs = language_probabilities(text)
    return max(probs, key=probs.get)
