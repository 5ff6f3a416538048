"""Replies organised by the Party's own outline that cite the questionnaire's questions as they go: « Question 6.1 du
questionnaire : … », "[Q9.3] …", « Réf. questionnaire : 13.1 b) », « 3. La coopération (question 7 du
questionnaire) ».  In such a reply the Party's own headings (« 2.1 Le cadre institutionnel ») are numbered its own
way, not the questionnaire's: the cited questions are written back in the form the walk reads ("6.1 …", "9.3 …",
"13.1 b)", "Question 7"), and the outline's numbered headings are left out."""

from __future__ import annotations

import re

from ..ids import written_ids

# one cited id: "13.1 b)", "9.2", "11 a)", "6.2 a)", "14 (a)", "8.1.a"
_CITED_ID = r"\d{1,2}(?:\.\d{1,2})?(?:\s*[.(]?\s*[a-f]\))?(?:\.[a-f])?"
RE_CITED = re.compile(
    rf"^(?:\[\s*Q\.?\s*(?P<bracket>{_CITED_ID})\s*\]"
    rf"|(?:r[ée]f(?:[ée]rence)?s?\.?|ref\.?)\s*(?:au\s+|to\s+(?:the\s+)?)?questionnaire\s*:\s*(?P<ref>{_CITED_ID})"
    rf"|questions?\s+(?P<named>{_CITED_ID}(?:\s*(?:et|and|,|&)\s*{_CITED_ID})*)\s+(?:du|of\s+the)\s+questionnaire)"
    r"(?P<rest>.*)$", re.I)
# a heading of the Party's outline that names the question it answers: « 3. La coopération (question 7 du
# questionnaire) »
RE_NAMED_IN_HEADING = re.compile(r"^(?P<title>.*?)\s*\(\s*questions?\s+(?P<id>\d{1,2}(?:\.\d{1,2})?)\s+(?:du|of\s+the)\s+"
                                 r"questionnaire\s*\)\s*$", re.I)
RE_OUTLINE_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+\D")  # « 2.1 Le cadre institutionnel », "3. Research"
RE_FOLLOW_UP = re.compile(r"compl[ée]mentaire|follow[- ]?up|suivi|additional", re.I)
MIN_CITED = 3  # a reply cites the questionnaire this way at least this often
HEADING_WORDS = 14  # an outline heading is short and ends with no sentence's stop


def _parts(cited: str) -> list[tuple[str, str, str]]:
    """"13.1 b) et 13.1 c)" -> [("13", "1", "b"), ("13", "1", "c")]: each id the text writes (ids.written_ids), as
    question, sub-question and item letter."""
    out = []
    for qid in written_ids(cited):
        q, *rest = qid.split(".")
        out.append((q, rest[0] if rest and rest[0].isdigit() else "", rest[-1] if rest and rest[-1].isalpha() else ""))
    return out


def _as_read(ids: list[tuple[str, str, str]], rest: str) -> str:
    """The cited question(s) as the walk reads them, with the question's text if the line gives it."""
    text = re.sub(r"^\s*(?:\([^)]*\))?\s*[:\-–—]?\s*", "", rest).strip()
    if RE_FOLLOW_UP.search(rest.split(":")[0]) or (not ids[0][1] and not ids[0][2] and RE_FOLLOW_UP.search(rest)):
        return f"→ {text}".rstrip() if text else "→ Follow-up"
    q, sub, letter = ids[0]
    if len(ids) > 1 and all(i[0] == q and i[1] == sub and i[2] for i in ids):
        label = f"{q}.{sub} ({letter}) and ({ids[-1][2]})" if sub else f"{q} ({letter}) and ({ids[-1][2]})"
    elif len(ids) > 1:
        label = " and ".join(f"{i[0]}.{i[1]}" if i[1] else i[0] for i in ids)
    elif sub:
        label = f"{q}.{sub}" + (f" {letter})" if letter else "")
    elif letter:
        label = f"{q} ({letter})"
    else:
        return f"Question {q}" + (f": {text}" if text else "")
    return f"{label} {text}".strip()


def cited_lines(lines: list[str]) -> list[str]:
    """The lines of a reply that cites the questionnaire's questions in its own outline, rewritten as the walk reads
    questions (see the module's doc); other replies' lines as they are."""
    citations = [RE_CITED.match(line.strip()) for line in lines]
    if sum(1 for c in citations if c) < MIN_CITED:
        return lines
    out = []
    for raw, cited in zip(lines, citations):  # one line for one: line numbers and pages stay the document's
        line = raw.strip()
        if cited:
            out.append(_as_read(_parts(cited["bracket"] or cited["ref"] or cited["named"]), cited["rest"]))
            continue
        named = RE_NAMED_IN_HEADING.match(line)
        if named and RE_OUTLINE_HEADING.match(line):
            q, sub, _ = _parts(named["id"])[0]
            title = re.sub(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+", "", named["title"]).strip()
            out.append(f"{q}.{sub} {title}" if sub else f"Question {q}: {title}")
            continue
        if (RE_OUTLINE_HEADING.match(line) and len(line.split()) <= HEADING_WORDS
                and not line.rstrip(" *").endswith((".", ":", ";", "?", "!"))):
            out.append("")  # the Party's own heading, numbered its own way
            continue
        out.append(raw)
    return out
