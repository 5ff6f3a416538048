"""A reply's own pointers ("Please see answer 9.2", "See the preceding answer"): found in answer text at parse
time, and followed to the text they point at, within the same reply."""

from __future__ import annotations

import re

from ..ids import ID, WRITTEN_ID, canonical_id, id_under, written_ids
from ..model import Answer

POINTER_CHARS = 160  # an answer this short that carries a reference is a pointer, not content
OPENING_CHARS = 240  # "as described under 9.3" this early in an answer says what it points to

# "answer 9.2", "replies to questions 9.7. and 9.10.", "answer to question 15", "answer to 9.3", "reply to 11(a)";
# "réponse 9.2", "réponse à la question 9.8", "réponses aux questions 9.7 et 9.10"
RE_REF_IDS = re.compile(
    rf"\b(?:answers?|repl(?:y|ies)|questions?|réponses?)\s+(?:to\s+|à\s+la\s+|aux\s+|au\s+)?"
    rf"(?:(?:the\s+)?questions?\s+|point\s+)?(?:no\.?\s*|n°\s*)?"
    rf"(?P<ids>{WRITTEN_ID}\.?(?:\s*(?:,|;|and|et|&)\s*{WRITTEN_ID}\.?)*)",
    re.I,
)
# a pointer's own words before the number it points to, and a few between: "See the reply to 9.2 above", "As for
# 9.4 (a)", "Please refer to our reply under Question 15(b)", "as described under 9.7 e)", « Même réponse qu'au
# 9.4 a) », « Cf. supra, réponse au point 9.2 », « Il est renvoyé à la réponse 11 a) »
RE_REF_SEE = re.compile(
    r"\b(?:see|as for|same as|as (?:described|set out|stated|explained|mentioned)|under|cf\.|refer(?:ence is made)? to|"
    r"voir|qu['’]au|renvoyée? à|reporter à|sous|idem)\s+(?:supra,?\s+)?"
    r"(?:(?:the|our|la|le|les|to|under|in|reply|replies|answer|answers|réponse|réponses|question|questions|point|item|"
    r"à|au|aux)\s+){0,5}"
    rf"(?P<ids>{WRITTEN_ID}(?:\s*(?:,|and|et|&|or|ou)\s*{WRITTEN_ID})*)", re.I)
RE_REF_PREVIOUS = re.compile(
    rf"\b(?:(?:preceding|previous)\s+(?:answer|reply|question|item)|(?:réponse|question)\s+précédente)"
    rf"(?:\s+(?:and|et)\s+(?P<ids>{ID}))?", re.I
)
# "Idem.", « Voir ci-dessus. », "See above.", "See the answer above.", "Same as above.", « Voir la réponse ci-dessus. »:
# the answer before, when no number is named
RE_REF_ABOVE = re.compile(r"^\W*(?:idem\b|(?:see|voir|cf\.?|same\s+as|as|comme|même\s+réponse\s+que)\s+"
                          r"(?:(?:the|our|la|notre)\s+)?(?:(?:answer|reply|réponse)\s+)?(?:above|ci-dessus|supra)\b)", re.I)
RE_REF_LETTER = re.compile(r"\b(?:see|answer|voir|réponse|under|as for|point)\s+(?:answer\s+|la\s+réponse\s+)?"
                           r"(?:to\s+|à\s+)?\(?([a-f])\)", re.I)
RE_REF_FORWARD = re.compile(r"\b(?:(?:see|please see)\s+(?:hereunder|below)|voir\s+ci-(?:dessous|après))\b", re.I)
# "See paragraph 109 above", "Reference is made to paragraphs 95–97", « voir le paragraphe 12 »: a reply numbering its
# paragraphs points to one of them, in whichever answer holds it
RE_REF_PARAGRAPH = re.compile(r"\b(?:paragraphs?|paras?\.|paragraphes?|§)\s*(?P<n>\d{1,3})\b", re.I)
POINTER_OPENINGS = ("please see", "see ", "voir ", "veuillez vous référer", "veuillez voir", "se référer", "cf.",
                    "idem", "same as", "as for", "please refer", "reference is made", "il est renvoyé", "se reporter",
                    "même réponse")
RE_PARAGRAPH_MARK = re.compile(r"^<paragraph:(\d{1,3})>$")  # a reference to a numbered paragraph, resolved by position


def find_refs(text: str, own_ids: list[str], parent: str) -> list[str]:
    """Question ids an answer points to; 'previous', 'hereunder' and numbered paragraphs become markers resolved by
    position."""
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
        refs += written_ids(m.group("ids"))
    # in the answer's opening words only, where a pointer or a partial pointer says what it points to (later ones are
    # asides of a long answer); a bare number after "under" is an age or an article: "under 18"
    for m in RE_REF_SEE.finditer(body[:OPENING_CHARS]):
        refs += [ref for ref in written_ids(m.group("ids")) if "." in ref]
    for m in RE_REF_LETTER.finditer(body):
        refs.append(f"{parent}.{m.group(1).lower()}")
    refs += [f"<paragraph:{m['n']}>" for m in RE_REF_PARAGRAPH.finditer(body)]
    if not refs and RE_REF_ABOVE.match(body):
        refs.append("<previous>")
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
            elif paragraph := RE_PARAGRAPH_MARK.match(ref):
                target = paragraph_owner(answers, paragraph[1])
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


def paragraph_owner(answers: list[Answer], number: str) -> str | None:
    """The id of the answer holding the paragraph a reply numbered `number` ("109. Since 1 July 2017, …")."""
    opening = re.compile(rf"(?:^|\n){number}[.)]\s")
    return next((a.question_ids[0] for a in answers if opening.search(a.text)), None)


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
