"""Checking a candidate reply before it is added: what was detected (Party, code, round, language, answers)
and which questionnaire questions it leaves unanswered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..ids import ids_text
from ..model import Reply, ReplyMeta
from .document import Document
from .language import language_name
from .nonanswers import gives_nothing
from .parser import read_reply
from .questionnaire import ROUND, Entry, missing_questions
from .readers import read_document
from .titlepage import META_FIELDS


# --------------------------------------------------------------------------- checking a file

@dataclass
class Preview:
    """What was detected in a reply before it is added: shown by `add` and the page's panel."""

    path: Path
    display: str  # the name the user knows the file by
    doc: Document
    reply: Reply
    missing: list[Entry]

    @property
    def meta(self) -> ReplyMeta:
        return self.reply.meta

    def answered_ids(self) -> list[str]:
        return list(dict.fromkeys(q for a in self.reply.answers for q in a.question_ids))

    def facts(self) -> list[tuple[str, str]]:
        m = self.meta
        pages = max(self.doc.pages) if self.doc.pages else 0
        return [("Party", m.party), ("Document code", m.doc_id), ("Round", m.round or "not stated"),
                ("Language", language_name(m.language)),
                ("Answers found", f"{len(self.reply.answers)} (questions {_span(self.answered_ids())})"
                 + (f", {pages} pages" if pages else ""))] + self.nothing_facts()

    def nothing_facts(self) -> list[tuple[str, str]]:
        """The answers that only say nothing is given ("Not applicable.", "No reply received."), when there are some."""
        ids = dict.fromkeys(q for a in self.reply.answers if gives_nothing(a.text) for q in a.question_ids)
        return [("Answers that give nothing", ids_text(list(ids)))] if ids else []

    def missing_text(self, limit: int = 40) -> str:
        if not self.missing:
            return "none: every questionnaire question has an answer"
        ids = [e.id for e in self.missing]
        more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
        return ", ".join(ids[:limit]) + more

    def summary(self) -> str:
        """Plain text for the command line."""
        lines = [f"{self.display}:"] + [f"  {k}: {v}" for k, v in self.facts()]
        lines.append(f"  Questionnaire questions with no answer: {self.missing_text()}")
        return "\n".join(lines)


def _span(ids: list[str]) -> str:
    return f"{ids[0]} … {ids[-1]}" if len(ids) > 2 else ", ".join(ids)


def clean_overrides(values: dict | None) -> dict[str, str]:
    """Only the metadata fields a user may set, without blanks."""
    return {k: str(v).strip() for k, v in (values or {}).items() if k in META_FIELDS and v and str(v).strip()}


def check_reply(path: Path | str, overrides: dict | None = None, display: str | None = None) -> Preview:
    """Read and parse a candidate reply; ReadError or NotAReply (naming the file) when it cannot be added."""
    path = Path(path)
    doc = read_document(path)
    reply = read_reply(path, clean_overrides(overrides), doc=doc)
    missing = missing_questions(reply) if reply.meta.round in ("", ROUND) else []
    return Preview(path, display or path.name, doc, reply, missing)
