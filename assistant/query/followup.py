"""Follow-up questions: a short question that leans on the previous one is searched with that one's subject.

    previous: "What is the penalty for possessing child sexual abuse material in Portugal?"
    "and under 14?"        -> "What is the penalty for possessing child sexual abuse material in Portugal, under 14?"
    "what about Belgium?"  -> "What is the penalty for possessing child sexual abuse material in Belgium?"
    "et en France ?"       -> "What is the penalty for possessing child sexual abuse material in France?"

Decided by features of the question, not by a list of known phrasings: it is short; it opens the way a
continuation does (a coordinating conjunction such as "and"/"et"/"y", or "what about"/"qu'en est-il"), or it
brings no words of its own beyond a Party, a number or an age.  A question with a subject of its own
("Which helplines can a child victim call?") is searched as it stands.  Pure: no index, no encoder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..parties import canonical_party, fold

MAX_OWN_WORDS = 6  # words after the opening, for a follow-up that opens like one
MAX_NEW_CONTENT = 3  # of which words with a meaning of their own ("penalty", "boys")
MAX_BARE_WORDS = 4  # a question with no opening: this short, and nothing but a Party, a number or an age

# Function words of the continuation itself, in the Convention's main working languages (English, French) and
# the neighbouring ones Parties write in.  Folded (lower case, no accents, apostrophes as spaces).
CONJUNCTIONS = frozenset("and or but also plus et ou mais aussi y e o pero und oder ma".split())
OPENING_PHRASES = tuple(p.split() for p in (
    "what about", "how about", "what of", "and what about", "and how about", "same for", "same question for",
    "qu en est il de", "qu en est il pour", "qu en est il", "quid de", "et qu en est il de", "et quid de",
    "y que hay de", "y en cuanto a", "e quanto a", "und was ist mit", "was ist mit",
))
FUNCTION_WORDS = frozenset("""
    the a an of for in on at to with by from about into as than is are was were be been it its this that these those
    there then what which who how when where does do did case same regarding concerning any
    le la les l un une des de du d en au aux a pour dans sur par avec est sont ce cela ca qu que quoi il elle cas meme
    el los las lo del al para por con es son os as do da dos das no na em com della per der die das den dem fur im mit
""".split())
# Words that state an age or a threshold: "under 14", "over 16 years old", "moins de 15 ans", "menores de 13 años".
AGE_WORDS = frozenset("""
    under over below above aged age ages year years old older younger less more least most
    moins plus ans age ages agee agees mineur mineurs mineure mineures menor menores mayor mayores anos
    unter uber jahre jahren alt
""".split())
WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*")
ARTICLE = re.compile(r"^(?:l['’]\s*|la\s+|le\s+|les\s+|the\s+)", re.IGNORECASE)
MAX_NAME_WORDS = 4  # "Bosnia and Herzegovina", "Republic of Moldova"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    party: str  # the Party's English name
    typed: str  # the name as the text has it, without an article


def words(text: str) -> list[re.Match]:
    return list(WORD.finditer(text or ""))


def party_spans(text: str, extra: tuple[str, ...] | list[str] = ()) -> list[Span]:
    """Where the text names a Party (by any of its names, with or without an article), longest names first."""
    found = words(text)
    others = {fold(e): e for e in extra}
    spans: list[Span] = []
    i = 0
    while i < len(found):
        for n in range(min(MAX_NAME_WORDS, len(found) - i), 0, -1):
            piece = text[found[i].start():found[i + n - 1].end()]
            bare = ARTICLE.sub("", piece)
            party = canonical_party(piece) or canonical_party(bare) or others.get(fold(piece)) or others.get(fold(bare))
            if party:
                spans.append(Span(found[i].start(), found[i + n - 1].end(), party, bare))
                i += n
                break
        else:
            i += 1
    return spans


def _opening(tokens: list[re.Match]) -> int:
    """How many leading tokens open the question as a continuation (0 when none)."""
    folded = [fold(m.group(0)).split() for m in tokens]
    flat = [w for f in folded for w in f]
    length = next((len(p) for p in sorted(OPENING_PHRASES, key=len, reverse=True) if flat[:len(p)] == p), 0)
    if not length and flat and flat[0] in CONJUNCTIONS:
        length = 1
    n = 0
    while n < len(tokens) and length > 0:  # a token such as "qu'en" folds to two words
        length -= len(folded[n])
        n += 1
    return n


def _content(tokens: list[re.Match], parties: list[Span]) -> list[str]:
    """The words that carry a meaning of their own: not a function word, a number, an age word or a Party."""
    inside = [(s.start, s.end) for s in parties]
    out = []
    for m in tokens:
        if any(a <= m.start() < b for a, b in inside):
            continue
        for w in fold(m.group(0)).split():
            if not (w[0].isdigit() or w in FUNCTION_WORDS or w in AGE_WORDS or w in CONJUNCTIONS):
                out.append(w)
    return out


def leans_on_previous(question: str, extra: tuple[str, ...] | list[str] = ()) -> bool:
    """A short question that continues the previous one rather than asking something of its own."""
    tokens = words(question)
    if not tokens:
        return False
    opening = _opening(tokens)
    own = tokens[opening:]
    content = _content(own, party_spans(question, extra))
    if opening:
        return len(own) <= MAX_OWN_WORDS and len(content) <= MAX_NEW_CONTENT
    return len(tokens) <= MAX_BARE_WORDS and not content


def _tail(question: str, extra: tuple[str, ...] | list[str]) -> str:
    """The follow-up's own words: after its opening, without the closing punctuation."""
    tokens = words(question)
    skip = _opening(tokens)
    if skip >= len(tokens):
        return ""
    return question[tokens[skip].start():].strip().rstrip("?!.;:¿¡ ").strip()


def _core(question: str) -> str:
    return question.strip().rstrip("?!.;: ").strip()


def _without_parties(text: str, extra: tuple[str, ...] | list[str]) -> str:
    """The text less the Parties it names; empty when what remains has no word that says something."""
    spans = party_spans(text, extra)
    for s in reversed(spans):
        text = text[:s.start] + text[s.end:]
    tokens = words(text)
    lead = 0  # "in , for boys" -> "for boys": the preposition that went with the Party goes too
    while lead < len(tokens) and fold(tokens[lead].group(0)) in FUNCTION_WORDS and \
            text[tokens[lead].end():].lstrip()[:1] in (",", ";", ""):
        lead += 1
    rest = text[tokens[lead].start():] if lead < len(tokens) else ""
    rest = " ".join(rest.split()).strip(" ,;")
    return rest if _content(words(rest), []) or any(m.group(0)[0].isdigit() for m in words(rest)) else ""


def combine(question: str, previous: str, extra: tuple[str, ...] | list[str] = ()) -> str:
    """The follow-up searched with the previous question's subject: the previous question with the follow-up's
    Party in place of its own, or followed by the follow-up's words."""
    tail = _tail(question, extra)
    base = _core(previous)
    named = party_spans(tail, extra)
    if named:
        before = party_spans(base, extra)
        if before:
            first = before[0]
            # "Belgium and France": the names as the follow-up gives them, with what joins them
            names = named[0].typed if len(named) == 1 else tail[named[0].start:named[-1].end]
            base = base[:first.start] + names + base[first.end:]
            tail = _without_parties(tail, extra)
    return f"{base}, {tail}?" if tail else f"{base}?"


def searched_question(question: str, previous: str | None, extra: tuple[str, ...] | list[str] = ()) -> str:
    """What to search for `question` asked after `previous`: the question itself, or the combination."""
    question = (question or "").strip()
    if not previous or not previous.strip() or not leans_on_previous(question, extra):
        return question
    return combine(question, previous, extra)
