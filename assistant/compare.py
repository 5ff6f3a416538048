"""Across Parties: every Party's answer to one questionnaire question, and where answers are missing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Answer, Hit, Reply
from .parsing import canonical_id, id_under
from .references import is_pointer, resolve
from .store import LoadedIndex

RE_QUESTION_ID = re.compile(r"^(?:q(?:uestion)?\s*)?(\d{1,2}(?:\.\d{1,2})?(?:\.[a-f])?)\.?$", re.I)

ANSWERED, POINTER, BLANK = "answered", "pointer", "blank"


class UnknownQuestion(ValueError):
    """The id is not in the questionnaire as the indexed replies know it."""


def parse_question_id(raw: str) -> str:
    m = RE_QUESTION_ID.match(raw.strip())
    if not m:
        raise UnknownQuestion(f"{raw!r} is not a question number (expected e.g. 9, 9.3 or 13.1.c)")
    return canonical_id(m.group(1))


def answers_for(reply: Reply, qid: str) -> list[int]:
    """Answers to qid: those for it or under it; failing that, a consolidated answer that covers it."""
    own = [i for i, a in enumerate(reply.answers) if any(id_under(q, qid) for q in a.question_ids)]
    if own:
        return own
    return [i for i, a in enumerate(reply.answers) if any(id_under(qid, q) for q in a.question_ids)]


def column_of(qid: str) -> str:
    """The coverage column an id falls in: '9.1.a' -> '9.1', '11.a' -> '11', '13' (a follow-up) -> '13'."""
    return ".".join([x for x in qid.split(".") if x.isdigit()][:2])


def status_of(answers: list[Answer]) -> str:
    if not answers:
        return BLANK
    return POINTER if all(is_pointer(a) for a in answers) else ANSWERED


@dataclass
class Comparer:
    """Holds the index's replies sorted by Party, so one comparison is a few dictionary look-ups."""

    index: LoadedIndex

    def __post_init__(self) -> None:
        self.replies = sorted(self.index.replies, key=lambda r: r.meta.party.lower())

    def question_text(self, qid: str) -> str:
        """The question as the replies print it: from an answer to exactly qid, else one under it."""
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

    def compare(self, raw_id: str, parties: list[str] | None = None) -> dict:
        """The `compare` contract: each Party's answer (pointers resolved), alphabetical, gaps listed as such."""
        qid = parse_question_id(raw_id)
        if not self.known(qid):
            raise UnknownQuestion(f"no reply in the index answers a question {qid}")
        wanted = {p.lower() for p in parties or []}
        rows = []
        for reply in self.replies:
            if wanted and reply.meta.party.lower() not in wanted:
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
                "question_ids": [q for a in answers for q in a.question_ids],
                "text": "\n\n".join(a.text for a in answers),
                "resolved_refs": refs,
                "status": status_of(answers),
                "citation": f"{reply.meta.party}, {reply.meta.doc_id}, Q{qid}" if answers else "",
            })
        missing = wanted - {r["party"].lower() for r in rows}
        for name in sorted(missing):
            rows.append({"party": name, "doc_id": "", "question_ids": [], "text": "", "resolved_refs": [],
                         "status": "not in index", "citation": ""})
        return {"question_id": qid, "question": self.question_text(qid), "parties": rows}

    def columns(self) -> list[str]:
        """Questionnaire questions at sub-question level (9.1, not 9.1.a), in questionnaire order."""
        ids = {column_of(q) for reply in self.replies for a in reply.answers for q in a.question_ids}
        return sorted(ids, key=lambda q: [int(x) for x in q.split(".")])

    def coverage(self) -> dict:
        """Parties x questions: answered, answered only by pointing elsewhere, or blank."""
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


def compare_markdown(result: dict) -> str:
    lines = [f"### Q{result['question_id']} — {result['question'].splitlines()[0] if result['question'] else ''}", "",
             "| Party | Answer | Citation |", "|---|---|---|"]
    for row in result["parties"]:
        text = row["text"] or f"_{row['status']}_"
        cell = text.replace("|", "\\|").replace("\n", "<br>")
        lines.append(f"| {row['party']} | {cell} | {row['citation']} |")
    return "\n".join(lines)


def compare_csv(result: dict) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question_id", "party", "doc_id", "status", "question_ids", "answer", "citation"])
    for row in result["parties"]:
        writer.writerow([result["question_id"], row["party"], row["doc_id"], row["status"],
                         " ".join(row["question_ids"]), row["text"], row["citation"]])
    return out.getvalue()
