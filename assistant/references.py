"""Follow a reply's own pointers ("Please see answer 9.2") to the text they point at, within the same reply."""

from __future__ import annotations

from .model import Answer

POINTER_CHARS = 160  # an answer this short that carries a reference is a pointer, not content


def is_pointer(answer: Answer) -> bool:
    return bool(answer.refs) and len(answer.text) <= POINTER_CHARS


def opens_with_pointer(answer: Answer) -> bool:
    """A pointer, or an answer that opens by pointing ("Please see answer 9.3. Children between…")."""
    return bool(answer.refs) and (is_pointer(answer) or answer.text.lower().startswith(("please see", "see ")))


def targets(answers: list[Answer], qid: str) -> list[int]:
    """Answers a reference to `qid` means: the one that answers it, else the substantive ones under it."""
    exact = [i for i, a in enumerate(answers) if qid in a.question_ids]
    if exact:
        return exact[:1]
    under = [i for i, a in enumerate(answers) if any(q.startswith(qid + ".") for q in a.question_ids)]
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
