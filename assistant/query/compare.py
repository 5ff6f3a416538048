"""Across Parties: every Party's answer to one questionnaire question, and where answers are missing."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UnknownQuestion
from ..ids import column_of, id_under, parse_question_id, sort_key
from ..ingest.nonanswers import gives_nothing
from ..ingest.questionnaire import load_questionnaire
from ..ingest.references import is_pointer, resolve
from ..model import Answer, Hit, Reply
from ..parties import indexed_party
from ..store.load import LoadedIndex
from .citations import citation

# an answer's status: content, only a pointer to another answer, only a statement that nothing is given ("No reply
# received.", "Not applicable."), or no answer at all
ANSWERED, POINTER, NOTHING, BLANK = "answered", "pointer", "nothing", "blank"


def answers_for(reply: Reply, qid: str) -> list[int]:
    """Answers to qid: those for it or under it; failing that, a consolidated answer that covers it."""
    own = [i for i, a in enumerate(reply.answers) if any(id_under(q, qid) for q in a.question_ids)]
    if own:  # the answer to exactly qid first (a question's "→" prompt), then those under it, in reply order
        return sorted(own, key=lambda i: qid not in reply.answers[i].question_ids)
    return [i for i, a in enumerate(reply.answers) if any(id_under(qid, q) for q in a.question_ids)]


def status_of(answers: list[Answer]) -> str:
    if not answers:
        return BLANK
    nothing = [gives_nothing(a.text) for a in answers]
    if all(nothing):
        return NOTHING
    return POINTER if all(is_pointer(a) or empty for a, empty in zip(answers, nothing)) else ANSWERED


@dataclass
class Comparer:
    """Holds the index's replies sorted by Party, so one comparison is a few dictionary look-ups."""

    index: LoadedIndex

    def __post_init__(self) -> None:
        self.replies = sorted(self.index.replies, key=lambda r: r.meta.party.lower())

    def question_text(self, qid: str, language: str | None = None) -> str:
        """The question in the questionnaire's wording (English, or French with language='fr'); for an id the
        questionnaire does not know, as the replies print it."""
        entry = load_questionnaire().get(qid)
        if entry is not None:
            parent = load_questionnaire().get(entry.parent) if entry.kind == "item" else None
            lines = [parent.label(language or "en")] if parent is not None else []
            return "\n".join([*lines, entry.label(language or "en")])
        for reply in self.replies:
            exact = [a for a in reply.answers if qid in a.question_ids]
            if exact:
                return exact[0].question_text
        for reply in self.replies:
            idx = answers_for(reply, qid)
            if idx:
                return reply.answers[idx[0]].question_text
        return ""

    def known(self, qid: str) -> bool:
        return any(answers_for(r, qid) for r in self.replies)

    def compare(self, raw_id: str, parties: list[str] | None = None, language: str | None = None) -> dict:
        """The `compare` contract: each Party's answer (pointers resolved), alphabetical, gaps listed as such."""
        qid = parse_question_id(raw_id)
        if not self.known(qid):
            raise UnknownQuestion(f"no reply in the index answers a question {qid}; `assistant coverage` lists "
                                  f"the questions answered")
        wanted = set(self.resolve_parties(parties or []))
        rows = []
        for reply in self.replies:
            if wanted and reply.meta.party not in wanted:
                continue
            idx = answers_for(reply, qid)
            answers = [reply.answers[i] for i in idx]
            refs: list[dict] = []
            for i in idx:
                for j in resolve(reply.answers, i):
                    if j not in idx and all(r["question_ids"] != reply.answers[j].question_ids for r in refs):
                        refs.append({"question_ids": list(reply.answers[j].question_ids), "text": reply.answers[j].text})
            rows.append({
                "party": reply.meta.party,
                "doc_id": reply.meta.doc_id,
                "question_ids": list(dict.fromkeys(q for a in answers for q in a.question_ids)),
                "text": "\n\n".join(a.text for a in answers),
                "resolved_refs": refs,
                "status": status_of(answers),
                "language": reply.meta.language,
                "citation": citation(reply.meta.party, list(dict.fromkeys(q for a in answers for q in a.question_ids)),
                                     reply.meta.round, reply.meta.language,
                                     answers[0].page if answers else None) if answers else "",
            })
        return {"question_id": qid, "question": self.question_text(qid, language), "language": language or "en",
                "parties": rows}

    def resolve_parties(self, names: list[str]) -> list[str]:
        """Indexed Party names for names given in any language; UnknownParty for one that is not indexed."""
        indexed = sorted({r.meta.party for r in self.replies})
        out = []
        for name in names:
            party = indexed_party(name, indexed)
            out.append(party)
        return out

    def columns(self) -> list[str]:
        """Questionnaire questions at sub-question level (9.1, not 9.1.a), in questionnaire order."""
        ids = {column_of(q) for reply in self.replies for a in reply.answers for q in a.question_ids}
        return sorted(ids, key=sort_key)

    def coverage(self) -> dict:
        """Parties x questions: answered, answered only by pointing elsewhere, nothing given, or blank."""
        cols = self.columns()
        matrix = []
        for reply in self.replies:
            cells = {}
            for qid in cols:
                own = [a for a in reply.answers if any(column_of(q) == qid for q in a.question_ids)]
                cells[qid] = status_of(own)
            matrix.append({"party": reply.meta.party, "doc_id": reply.meta.doc_id, "cells": cells})
        return {"questions": cols, "parties": matrix}


def group_by_party(hits: list[Hit], per_party: int = 2) -> list[dict]:
    """Hits grouped by Party, the Party with the best hit first; each group keeps its best passages."""
    groups: dict[str, dict] = {}
    for h in hits:
        g = groups.setdefault(h.passage.party, {"party": h.passage.party, "doc_id": h.passage.doc_id,
                                                "best_score": h.score, "ranks": []})
        if len(g["ranks"]) < per_party:
            g["ranks"].append(h.rank)
    return sorted(groups.values(), key=lambda g: -g["best_score"])
