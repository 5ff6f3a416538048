"""The Parties to the Lanzarote Convention by every name a professional may type: English, French, their own
languages ("Portugal", "le Portugal", "Allemagne", "Deutschland").  Package data: data/parties.json.

Used to read the Party from a reply's title page, to recognise a Party named in a question (indexed or not),
and to accept `--party Allemagne` for Germany."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .errors import UnknownParty

DATA_FILE = "parties.json"


@dataclass(frozen=True)
class Party:
    code: str  # ISO 3166-1 alpha-2
    en: str  # the Council of Europe's English short name: what citations and filters show
    fr: str
    names: tuple[str, ...]  # every other name, in any language
    former: bool = False
    adjectives: tuple[str, ...] = ()  # "Croatian", « croate »: what a question may say instead of the name

    def all_names(self) -> tuple[str, ...]:
        return (self.en, self.fr, *self.names)


def fold(text: str) -> str:
    """Case and accents folded, apostrophes and hyphens as spaces: 'l’Allemagne' ~ "l'allemagne"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[’'`\-]", " ", text).split())


@lru_cache(maxsize=1)
def convention_parties() -> tuple[Party, ...]:
    """The packaged list, read once."""
    data = json.loads(resources.files("assistant").joinpath("data", DATA_FILE).read_text(encoding="utf-8"))
    return tuple(Party(p["code"], p["en"], p.get("fr", p["en"]), tuple(p.get("names", ())), bool(p.get("former")),
                       tuple(p.get("adjectives", ()))) for p in data["parties"])


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    """Folded name -> English name; French article forms ('la France') also without the article."""
    out: dict[str, str] = {}
    for party in convention_parties():
        for name in party.all_names():
            key = fold(name)
            out.setdefault(key, party.en)
            bare = re.sub(r"^(?:la|le|les|l)\s+", "", key)
            out.setdefault(bare, party.en)
    return out


def canonical_party(name: str) -> str | None:
    """The English name of a Party given by any of its names ('the Netherlands', 'THE NETHERLANDS' too), or None."""
    key = fold(name or "")
    return _by_name().get(key) or _by_name().get(re.sub(r"^the\s+", "", key))


def names_pattern(names: dict[str, str]) -> re.Pattern | None:
    """One regex for folded names (longest first) matched on word boundaries."""
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern | None:
    return names_pattern(_by_name())


def parties_in_text(text: str, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Parties a text names, in order of first mention: Convention Parties by any of their names, and the
    `extra` names (e.g. Parties indexed from a reply but missing from the packaged list) as they are."""
    folded = fold(text or "")
    found: list[str] = []
    for m in (_pattern().finditer(folded) if _pattern() else ()):
        name = _by_name()[m.group(0)]
        if name not in found:
            found.append(name)
    known = _by_name()
    others = {fold(e): e for e in extra if fold(e) not in known}
    pattern = names_pattern(others)
    for m in (pattern.finditer(folded) if pattern else ()):
        name = others[m.group(0)]
        if name not in found:
            found.append(name)
    return found


def indexed_party(name: str, indexed: list[str] | tuple[str, ...]) -> str:
    """The indexed Party a name means, in any language; UnknownParty (listing the indexed ones) when none."""
    found = match_indexed(name, indexed)
    if found is None:
        raise UnknownParty(f"no reply from Party {name!r} in the index; Parties indexed: {', '.join(indexed)}")
    return found


def match_indexed(name: str, indexed: list[str] | tuple[str, ...]) -> str | None:
    """The indexed Party a name means ('Allemagne' -> 'Germany' when Germany is indexed), or None."""
    key = fold(canonical_party(name) or name)
    return next((p for p in indexed if fold(canonical_party(p) or p) == key), None)


def party_stems(names: list[str] | tuple[str, ...]) -> list[str]:
    """"lumbri" for Lumbria: for a Party the package does not know (so names no adjective of), its name of six
    letters or more less the last begins its adjective ("Lumbrian", "Valdorran")."""
    return [f[:-1] for n in names if canonical_party(n) is None and len(f := fold(n)) >= 6 and " " not in f]


@lru_cache(maxsize=64)
def _party_words_pattern(extra: tuple[str, ...]) -> re.Pattern:
    """Every name and adjective of every Convention Party, and the `extra` names (Parties the package does not know)
    with their adjectives, each with an article before it ("the Netherlands", « le Portugal », « l’Allemagne »)."""
    words = {w for party in convention_parties() for w in (*party.all_names(), *party.adjectives)} | set(extra)
    alternatives = sorted({re.escape(w) for w in words} | {re.escape(stem) + r"\w*" for stem in party_stems(extra)},
                          key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:(?:the|le|la|les|du|des|de la)\s+|l['’])?(?:" + "|".join(alternatives) + r")(?!\w)",
                      re.I)


def without_parties(text: str, extra: tuple[str, ...] = ()) -> str:
    """The text without the words that name a Party (any Convention Party, and the `extra` names): they say which
    reply, not what a question is about.  The text as it is when nothing else is left."""
    rest = " ".join(_party_words_pattern(tuple(sorted(extra))).sub(" ", text).split())
    return rest if any(ch.isalnum() for ch in rest) else text

