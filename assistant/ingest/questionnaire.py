"""The 2nd-round questionnaire's own questions, kept as package data: a reply that omits the question text
(or whose Word numbering was lost) can still be parsed, every answer keeps its question, and gaps are found.

The English text is derived once from Portugal's reply, which repeats every question in full
(`python -m assistant.tools.derive_questionnaire`); the French wording is written alongside it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources

from ..ids import RE_LABEL, related
from ..model import Reply
from ..parties import fold

DATA_FILE = "questionnaire_2nd.json"
PILLARS = ("Prevention", "Protection", "Legislation", "Prosecution")  # the questionnaire's four parts, in order
PILLARS_FR = {"Prevention": "Prévention", "Protection": "Protection", "Legislation": "Législation",
              "Prosecution": "Poursuites"}


# a pillar heading's numbering: "II. Protection", "Part 3 – Legislation", « Partie IV : Poursuites », "Pillar 1";
# not a bare "1." (an answer's list: "1. Prevention", "2. Protection")
RE_PILLAR_NUMBER = re.compile(r"^(?:(?:part|partie|pillar|pilier)\s+(?:[ivx]{1,4}|[1-4])|[ivx]{1,4}(?=\s*[.:)\-–—]))"
                              r"\s*[.:)\-–—]?\s*", re.I)
ROUND = "2nd"


def pillar_named(word: str) -> str | None:
    """'Legislation', 'législation', 'LEGISLATION' or 'III. Legislation' -> 'Legislation'; None for anything else."""
    w = RE_PILLAR_NUMBER.sub("", word.strip()).strip().casefold()
    return next((p for p in PILLARS if w in (p.casefold(), PILLARS_FR[p].casefold())), None)


MIN_FUZZY = 12  # normalised texts shorter than this must match exactly
RATIO = 0.85  # difflib ratio from which a line is taken for a known question
# ... and for the question a reply asks next in the questionnaire's order (the next item, sub-question or title),
# worded another way: another translation.  Valdorre's own French wording against the packaged one: 0.67-0.84 where
# below RATIO (« Le droit national incrimine-t-il … » / « La législation nationale incrimine-t-elle … » 0.82); an
# answer's lines ending in "?", ":" or ";" in corpus/ and eval/replies/, against every question and title: <= 0.59,
# but for one restating its own question (0.79)
NEXT_RATIO = 0.65
PREFIX = 60  # or: the first PREFIX characters agree
# a line numbered as the next question ("11. Coercition et/ou extorsion sexuelles … : références dans la législation")
# is that question's title when it shares this much of the title's words, in any order: a French reply's own titles
# (eval/README.md's held-out Lumbria) share 0.75-1.0 with the packaged ones, Portugal's numbered list of laws 0.0
SHARED_WORDS = 0.5
RE_FOLLOWUP_ITEM = re.compile(r"^([a-h])\.\s+(.*)$")  # "a. there is a victim identification function?"


@dataclass(frozen=True)
class Entry:
    """One question, sub-question or lettered item, with its text as the questionnaire prints it (no number)."""

    id: str
    kind: str  # question | sub | item
    text: str  # "" for a title-only question; may hold two lines (a heading, then the question)
    pillar: str = ""
    title: str = ""  # a question's title, e.g. "Criminalisation"
    parent: str = ""
    followups: tuple[str, ...] = field(default=())  # "→" prompts of a question
    text_fr: str = ""  # the same in French
    title_fr: str = ""
    followups_fr: tuple[str, ...] = field(default=())

    @property
    def texts(self) -> tuple[str, ...]:
        """Its question text in every language the questionnaire has (a line of a reply is matched against each)."""
        return tuple(t for t in (self.text, self.text_fr) if t)

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(t for t in (self.title, self.title_fr) if t)

    @property
    def all_followups(self) -> tuple[str, ...]:
        return self.followups + self.followups_fr

    def followup_items(self, prompt: str) -> list[tuple[str, tuple[str, ...]]]:
        """The lettered items of the follow-up prompt closest to `prompt` ("As regards law enforcement, please indicate
        if:" then "a. there is a victim identification function?"): (letter, its wordings in each language)."""
        chosen = self._closest_followup(prompt)
        if chosen is None:
            return []
        items = [[RE_FOLLOWUP_ITEM.match(ln) for ln in f.split("\n")[1:]] for f in chosen]
        return [(m[1], tuple(dict.fromkeys(x[2] for x in ms if x))) for ms in zip(*items) if (m := ms[0])]

    def _closest_followup(self, prompt: str) -> tuple[str, str] | None:
        """The follow-up prompt (English, French) closest to `prompt`, by its first line: by the words they share
        (stop words too: both prompts are the questionnaire's), then by their characters."""
        pairs = list(zip(self.followups, self.followups_fr or self.followups))
        if not pairs:
            return None
        line = normalise(prompt)
        words = set(line.split())

        def closeness(pair: tuple[str, str]) -> tuple[int, float]:
            """Words shared (a reply's short title for it: "Links to materials"), then characters."""
            firsts = [normalise(f.split("\n", 1)[0]) for f in pair]
            return (max(len(words & set(f.split())) for f in firsts),
                    max(SequenceMatcher(None, line, f, autojunk=False).ratio() for f in firsts))

        return max(pairs, key=closeness)

    def closest_followup(self, prompt: str, language: str = "en") -> str:
        """The follow-up prompt closest to `prompt` (a reply's own title for it: "Number of victims supported"), in
        French for 'fr'; "" for a question without follow-ups."""
        chosen = self._closest_followup(prompt)
        return "" if chosen is None else chosen[1 if language == "fr" else 0]

    def in_language(self, language: str) -> tuple[str, str]:
        """(title, text) in French for 'fr' where the questionnaire has it, else in English."""
        if language == "fr" and (self.text_fr or self.title_fr):
            return self.title_fr or self.title, self.text_fr or self.text
        return self.title, self.text

    def label(self, language: str = "en") -> str:
        """The entry as a reply would print it: 'Question 9. Criminalisation', '9.3. What…', 'a. possess…'."""
        title, text = self.in_language(language)
        if self.kind == "question":
            return "\n".join(t for t in (f"Question {self.id}. {title}", text) if t)
        if self.kind == "item":
            return f"{self.id.rsplit('.', 1)[1]}. {text}"
        return f"{self.id}. {text}"


class Questionnaire:
    """The questionnaire's entries in order, looked up by id."""

    def __init__(self, entries: list[Entry], round: str = ROUND, source: str = ""):
        self.entries = {e.id: e for e in entries}
        self.round = round
        self.source = source

    def __iter__(self):
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, qid: str) -> Entry | None:
        return self.entries.get(qid)

    def questions(self) -> list[Entry]:
        return [e for e in self if e.kind == "question"]

    def children(self, qid: str) -> list[Entry]:
        return [e for e in self if e.parent == qid]

    def to_json(self) -> dict:
        return {"round": self.round, "source": self.source,
                "entries": [{k: list(v) if isinstance(v, tuple) else v for k, v in asdict(e).items()
                             if v or k in ("id", "kind", "text")} for e in self]}

    @classmethod
    def from_json(cls, data: dict) -> Questionnaire:
        known = set(Entry.__dataclass_fields__)
        entries = [Entry(**{**{k: v for k, v in e.items() if k in known}, "followups": tuple(e.get("followups", ())),
                            "followups_fr": tuple(e.get("followups_fr", ()))}) for e in data["entries"]]
        return cls(entries, data.get("round", ROUND), data.get("source", ""))


@lru_cache(maxsize=1)
def load_questionnaire() -> Questionnaire:
    """The packaged 2nd-round questionnaire (read once per process)."""
    text = resources.files("assistant").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return Questionnaire.from_json(json.loads(text))


def other_wordings(question_ids: list[str], language: str) -> list[str]:
    """The questionnaire's wording of these questions in the Committee's languages other than `language`."""
    questionnaire = load_questionnaire()
    out = []
    for qid in question_ids:
        entry = questionnaire.get(qid)
        if entry is None:
            continue
        for lang in ("en", "fr"):
            if lang != language:
                title, text = entry.in_language(lang)
                out.append(" ".join(t for t in (title, text) if t))
    return out


# --------------------------------------------------------------------------- matching a line to a known text

@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """Lower case, no number or letter label, no punctuation: what stays the same when Word drops the numbering."""
    t = text.strip().lstrip("-•►→*#> \t").strip()
    t = RE_LABEL.sub("", t)
    return " ".join(re.sub(r"[^\w]+", " ", t.lower()).split())


def text_matches(line: str, known: str, short_ok: bool = True, ratio: float = RATIO) -> bool:
    """The line is that question: equal once normalised, or difflib ratio >= `ratio` (0.85), or the same first 60
    chars.

    Short texts ("judges?") only match exactly, and only where `short_ok` (a list item or a question line)."""
    a = normalise(line)
    forms = {normalise(known), normalise(known.split("\n", 1)[0])} - {""}
    for b in forms:
        if a == b:
            if short_ok or len(b) >= MIN_FUZZY:
                return True
            continue
        la, lb = len(a), len(b)
        if min(la, lb) < MIN_FUZZY:
            continue
        n = min(PREFIX, la, lb)
        if n >= 40 and a[:n] == b[:n] and la <= 1.3 * lb + 20:
            return True
        if 2 * min(la, lb) / (la + lb) < ratio:
            continue
        matcher = SequenceMatcher(None, a, b, autojunk=False)
        if matcher.quick_ratio() >= ratio and matcher.ratio() >= ratio:
            return True
    return False


def shares_words(line: str, wordings: tuple[str, ...], share: float = SHARED_WORDS) -> bool:
    """The line uses the same words as one of the wordings, in any order (Dice overlap of words of three letters
    or more, accents and labels aside): a question's title rephrased by a Party."""
    def words(text: str) -> set[str]:
        return {w for w in fold(normalise(text)).split() if len(w) >= 3}

    a = words(line)
    return bool(a) and any((b := words(w)) and 2 * len(a & b) / (len(a) + len(b)) >= share for w in wordings)


def matches_any(line: str, wordings: tuple[str, ...], short_ok: bool = True, ratio: float = RATIO) -> bool:
    """The line is one of a question's wordings (English, French): see text_matches."""
    return any(text_matches(line, w, short_ok, ratio) for w in wordings)


# --------------------------------------------------------------------------- checking a reply

def covers(answered: set[str], qid: str) -> bool:
    """An entry is answered when an answer's id lies under it, or it lies under an answered id."""
    return any(related(a, qid) for a in answered)


def missing_questions(reply: Reply, questionnaire: Questionnaire | None = None) -> list[Entry]:
    """Questionnaire entries the reply leaves unanswered; a whole missing question is listed once, not per item."""
    questionnaire = questionnaire or load_questionnaire()
    answered = {q for a in reply.answers for q in a.question_ids}
    missing: list[Entry] = []

    def walk(entry: Entry) -> None:
        if not covers(answered, entry.id):
            missing.append(entry)
            return
        for child in questionnaire.children(entry.id):
            walk(child)

    for question in questionnaire.questions():
        walk(question)
    return missing
