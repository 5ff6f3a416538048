"""The Committee's per-question compilations: many Parties' answers to one question in one document, each read
as a reply of its own.

The shape: a bilingual title ("Compilation of Replies to Question 6 (Assistance to victims) of the Thematic
Questionnaire… / Compilation des réponses à la question 6…"), a document code ("T-ES(2018)38_bil"), the
question in English and in French, then each Party's answer under the Party's name in capitals ("AUSTRIA",
"FRANCE / FRANCE", "GERMANY / ALLEMAGNE"), in English or French, sub-question numbers ("6.1", "Question 6.2")
before each answer."""

from __future__ import annotations

import re

from ..ids import RE_NUMBERED_LINE, RE_QUESTION_HEADER, item_letter
from ..model import Reply, ReplyMeta
from ..parties import canonical_party, convention_parties, fold
from .document import Document
from .language import guess_language
from .parser import parse_lines
from .questionnaire import load_questionnaire, pillar_named
from .titlepage import (RE_FORM_AFTER, RE_OFFICIAL_FORM, RE_ROUND, TITLE_LINES, compilation_question, ordinal,
                        party_name)

RE_CODE = re.compile(r"\bT-ES\(\d{4}\)[A-Za-z0-9][A-Za-z0-9_-]*[A-Za-z0-9]")
# bilingual headings that are not Parties: the Committee, the Convention, the document itself
RE_NOT_A_PARTY = re.compile(r"\b(?:COMMITTEE|COMIT[ÉE]|CONVENTION|COUNCIL|CONSEIL|QUESTIONS?|COMPILATIONS?|"
                            r"LANZAROTE|REPL(?:Y|IES)|R[ÉE]PONSES?|ANNEXE?|CONTENTS?|SOMMAIRE|ENGLISH|ANGLAIS|"
                            r"FRENCH|FRAN[ÇC]AIS|VERSION|ORIGINAL)\b")
# who answered, said under the Party's name: "Reply submitted by the Ministry of Justice.", « Réponse du Gouvernement
# princier – Direction des Services judiciaires. »
RE_ANSWERED_BY = re.compile(
    r"^(?:repl(?:y|ies)|answers?|responses?|réponses?|contribution)\s+(?:(?:submitted|provided|sent|given|prepared|"
    r"transmise?s?|fournies?|soumises?|préparée?s?)\s+)?(?:by|from|of|par|du|de la|de l['’]|des|de)\s+[^:：]{3,160}$",
    re.I)
META_FIELDS = ("doc_id", "round")  # what a user may set for a whole compilation; Party and language are per answer


def is_compilation(doc: Document) -> bool:
    return compilation_question(doc) is not None


def heading_text(line: str) -> str:
    """A heading line without its markup: "**AUSTRIA**:" -> "AUSTRIA"."""
    return line.strip().strip("*#_ ").rstrip(":").strip()


def party_heading(line: str) -> str | None:
    """The Party a heading line names: a Party's name in capitals, alone, as "NAME / NOM" or with its form ("CORVALIA
    (REPUBLIC OF)", "REPUBLIC OF CORVALIA"); else None.

    A bilingual capitals heading naming no known Party is still taken for one ("EASTLAND / ESTLANDE"), but a
    single capitals word is not by itself (it may be an acronym in an answer; `named_alone` tells by its place)."""
    text = heading_text(line)
    if not text or len(text) > 80 or not text.isupper() or any(ch.isdigit() for ch in text):
        return None
    halves = [half.strip() for half in text.split("/")]
    if len(halves) > 2 or not all(halves):
        return None
    first = halves[0]
    if (formed := RE_FORM_AFTER.match(first)) or RE_OFFICIAL_FORM.match(first):
        return party_name(formed["name"] if formed else first)  # "CORVALIA (REPUBLIC OF)", "REPUBLIC OF CORVALIA"
    for half in halves:
        if name := canonical_party(half):
            return name
    if len(halves) == 2 and not RE_NOT_A_PARTY.search(text):
        return halves[0].title()
    return None


RE_ONE_NAME = re.compile(r"[A-ZÀ-Ý][A-ZÀ-Ý'’-]{3,}")  # "BELMONTE": a name in capitals, one word
VOWELS = set("AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ")


def named_alone(doc: Document, questions: tuple[str, ...]) -> set[str]:
    """One-word capitals headings that are Parties the package does not know ("BELMONTE"), told from an acronym or a
    subheading alone on its line ("NCMEC", "POLICE") by where they stand: once under each question of a compilation
    of several, each time in the alphabetical place of its Parties between the headings known to be Parties before
    and after it."""
    headings = [(i, heading_text(line), party_heading(line)) for i, line in enumerate(doc.lines)]
    named = [(i, name) for i, _, name in headings if name]
    candidates: dict[str, list[int]] = {}
    for i, text, name in headings:
        if name is None and RE_ONE_NAME.fullmatch(text) and sum(ch in VOWELS for ch in text) >= 2 \
                and not RE_NOT_A_PARTY.search(text) and pillar_named(text) is None:
            candidates.setdefault(text, []).append(i)
    out: set[str] = set()
    asked = len({q.split(".")[0] for q in questions})
    for text, at in candidates.items():
        if asked < 2 or len(at) != asked:  # under one question, "POLICE" heading part of an answer could be one
            continue
        name = fold(text).lower()
        if all(any(n < i for n, _ in named) and any(n > i for n, _ in named)
               and fold(max((n, p) for n, p in named if n < i)[1]).lower() < name
               < fold(min((n, p) for n, p in named if n > i)[1]).lower() for i in at):
            out.add(text)
    return out


def party_suffix(party: str) -> str:
    """'France' -> 'FR' (the ISO code), a Party not in the packaged list -> its name in capitals."""
    code = next((p.code for p in convention_parties() if p.en == party), "")
    return code or re.sub(r"[^A-Z0-9]+", "-", fold(party).upper()).strip("-")


def party_sections(doc: Document, questions: tuple[str, ...], title: str = "") -> dict[str, list[tuple[int, str]]]:
    """Each Party's (line number, text) lines, in the order the Parties come, each part opened by the question it
    answers ("Question 10. Title:", and the sub-question when the compilation names one, or when the question's
    text before the Parties prints only one: "10.2 For Parties that have not made a reservation…").  A compilation
    of several questions ("… to Questions 10 and 11") gives each its own part of every Party's answers, under its
    "Question 11 – …" heading; the preamble (title, question texts) belongs to none."""
    known = load_questionnaire()
    numbers = {q.split(".")[0]: q for q in questions}
    sections: dict[str, list[tuple[int, str]]] = {}
    current: list[tuple[int, str]] | None = None
    fresh = False  # nothing of the current Party's answer read yet
    question = questions[0].split(".")[0]
    printed: list[str] = []  # the sub-questions the current question's text prints
    alone = named_alone(doc, questions)
    for lineno, line in enumerate(doc.lines, start=1):
        party = party_heading(line) or (heading_text(line).title() if heading_text(line) in alone else None)
        heading = RE_QUESTION_HEADER.match(line.strip())
        if party is None and heading and heading.group(1) in numbers and heading.group(1) != question:
            question, current, printed = heading.group(1), None, []  # the next question of the compilation
            continue
        if party is not None:
            entry = known.get(question)
            name = (title if len(questions) == 1 else "") or (entry.title if entry else "")
            sub = numbers[question] if "." in numbers[question] else printed[0] if len(printed) == 1 else ""
            current, fresh = sections.setdefault(party, []), True
            # "…:" so that no prose is taken for the question's text
            current += [(lineno, f"Question {question}. {name}:")] + ([(lineno, sub)] if sub else [])
        elif current is not None:
            if fresh and RE_ANSWERED_BY.match(line.strip()):
                continue  # who answered, right under the Party's name ("Reply submitted by …"): no answer
            fresh = fresh and not line.strip()
            current.append((lineno, line))
        elif (m := RE_NUMBERED_LINE.match(line.strip())) and str(int(m["q"])) == question and not item_letter(m):
            if (sid := f"{question}.{int(m['s'])}") not in printed:
                printed.append(sid)
    return sections


def read_compilation(doc: Document, overrides: dict | None = None) -> list[Reply]:
    """One Reply per Party that answers, citing the compilation's code with the Party's suffix
    ("T-ES(2018)38_bil-FR"); the Party's answers keep the file's line and page numbers."""
    found = compilation_question(doc)
    if found is None:
        return []
    questions, title = found
    head = [line for line in doc.lines[:TITLE_LINES] if line.strip()]
    code = next((m.group(0) for line in head if (m := RE_CODE.search(line))), "") or doc.path.stem
    rnd = ordinal(next((m.group(1) for line in head if (m := RE_ROUND.search(line))), ""))
    for key, value in (overrides or {}).items():
        if value and key in META_FIELDS:
            code, rnd = (str(value).strip(), rnd) if key == "doc_id" else (code, str(value).strip())
    replies = []
    for party, lines in party_sections(doc, questions, title).items():
        # in the Party's words: not the question headers the sections open with (on the Party's heading line)
        language = guess_language([text for n, text in lines if party_heading(doc.lines[n - 1]) is None])
        meta = ReplyMeta(party=party, doc_id=f"{code}-{party_suffix(party)}", round=rnd, language=language,
                         source=doc.path.name, sha256=doc.sha256)
        answers = parse_lines(meta, lines, doc.pages)
        if answers:
            replies.append(Reply(meta=meta, answers=answers))
    return replies
