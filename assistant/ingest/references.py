"""A reply's own pointers ("Please see answer 9.2", "See the preceding answer"): found in answer text at parse
time, and followed to the text they point at, within the same reply."""

from __future__ import annotations

import re

from ..ids import ID, canonical_id, id_under, ids_in_list
from ..model import Answer

POINTER_CHARS = 160  # an answer this short that carries a reference is a pointer, not content

# "answer 9.2", "replies to questions 9.7. and 9.10.", "answer to question 15", "answer to 9.3";
# "réponse 9.2", "réponse à la question 9.8", "réponses aux questions 9.7 et 9.10"
RE_REF_IDS = re.compile(
    rf"\b(?:answers?|repl(?:y|ies)|questions?|réponses?)\s+(?:to\s+|à\s+la\s+|aux\s+)?"
    rf"(?:(?:the\s+)?questions?\s+)?(?:no\.?\s*|n°\s*)?"
    rf"(?P<ids>{ID}\.?(?:\s*(?:,|;|and|et|&)\s*{ID}\.?)*)",
    re.I,
)
RE_REF_PREVIOUS = re.compile(
    rf"\b(?:(?:preceding|previous)\s+(?:answer|reply|question)|(?:réponse|question)\s+précédente)"
    rf"(?:\s+(?:and|et)\s+(?P<ids>{ID}))?", re.I
)
RE_REF_LETTER = re.compile(r"\b(?:see|answer|voir|réponse)\s+(?:answer\s+|la\s+réponse\s+)?(?:to\s+|à\s+)?([a-f])\)",
                           re.I)
RE_REF_FORWARD = re.compile(r"\b(?:(?:see|please see)\s+(?:hereunder|below)|voir\s+ci-(?:dessous|après))\b", re.I)
POINTER_OPENINGS = ("please see", "see ", "voir ", "veuillez vous référer", "veuillez voir", "se référer", "cf.")


def find_refs(text: str, own_ids: list[str], parent: str) -> list[str]:
    """Question ids an answer points to; 'previous' and 'hereunder' become markers resolved by position."""
    refs: list[str] = []
    body = text
    if RE_REF_FORWARD.search(body):
        refs.append("<next>")
        body = RE_REF_FORWARD.split(body)[0]  # "hereunder - consolidated answer 1.1; 1.2" names the askers, not a target
    for m in RE_REF_PREVIOUS.finditer(body):
        refs.append("<previous>")
        if m.group("ids"):
            refs.append(canonical_id(m.group("ids")))
    for m in RE_REF_IDS.finditer(body):
        for raw in ids_in_list(m.group("ids")):
            refs.append(raw)
    for m in RE_REF_LETTER.finditer(body):
        refs.append(f"{parent}.{m.group(1).lower()}")
    out: list[str] = []
    for ref in refs:
        if ref not in own_ids and ref not in out:
            out.append(ref)
    return out


def resolve_positional_refs(answers: list[Answer]) -> None:
    """'<previous>' -> the preceding unit's id, '<next>' -> the next unit that is not itself a forward pointer."""
    for i, a in enumerate(answers):
        out: list[str] = []
        for ref in a.refs:
            if ref == "<previous>":
                target = answers[i - 1].question_ids[0] if i > 0 else None
            elif ref == "<next>":
                target = next(
                    (b.question_ids[0] for b in answers[i + 1:] if not RE_REF_FORWARD.search(b.text)
                     and b.question_ids != a.question_ids),
                    None,
                )
            else:
                target = ref
            if target and target not in a.question_ids and target not in out:
                out.append(target)
        a.refs = out


# --------------------------------------------------------------------------- following pointers

def is_pointer(answer: Answer) -> bool:
    return bool(answer.refs) and len(answer.text) <= POINTER_CHARS


def opens_with_pointer(answer: Answer) -> bool:
    """A pointer, or an answer that opens by pointing ("Please see answer 9.3. Children between…")."""
    return bool(answer.refs) and (is_pointer(answer) or answer.text.lower().startswith(POINTER_OPENINGS))


def targets(answers: list[Answer], qid: str) -> list[int]:
    """Answers a reference to `qid` means: the one that answers it, else the substantive ones under it."""
    exact = [i for i, a in enumerate(answers) if qid in a.question_ids]
    if exact:
        return exact[:1]
    under = [i for i, a in enumerate(answers) if any(id_under(q, qid) and q != qid for q in a.question_ids)]
    content = [i for i in under if not is_pointer(answers[i])]
    return content or under[:1]


def resolve(answers: list[Answer], index: int, limit: int = 4) -> list[int]:
    """Answers reached from answers[index] by its references, chains followed, cycles stopped.

    Pure pointers on the way ("See the preceding answer.") are passed through, not returned;
    the references inside a content answer are its own business and are not followed.
    """
    seen = {index}
    out: list[int] = []
    frontier = [index]
    while frontier and len(out) < limit:
        nxt: list[int] = []
        for i in frontier:
            for ref in answers[i].refs:
                for j in targets(answers, ref):
                    if j in seen:
                        continue
                    seen.add(j)
                    if not is_pointer(answers[j]):
                        out.append(j)
                    if opens_with_pointer(answers[j]):
                        nxt.append(j)  # follow on through pointers; other answers' asides are not followed
        frontier = nxt
    return out[:limit]
