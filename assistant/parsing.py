"""Split a reply into answer units by the questionnaire's own numbering, and find its cross references."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .model import Answer, Reply, ReplyMeta
from .readers import Document

PILLARS = ("prevention", "protection", "legislation", "prosecution")

RE_QUESTION = re.compile(r"^(?:-\s*)?(?:\*\*)?(?:Question|Q)\s*(\d{1,2})\s*(?:[:.\-–—)]|\s)\s*(.*?)(?:\*\*)?\s*$", re.I)
RE_SUB = re.compile(r"^(?:-\s*)?\(?(\d{1,2})\.(\d{1,2})\.?\)?\s+(\S.*)$")
RE_ITEM = re.compile(r"^(?:-\s*)?\(?([a-f])[.)]\s+(\S.*)$")
RE_ARROW = re.compile(r"^(?:-\s*)?(?:→|->|►►)\s*(.*)$")
RE_DOC_ID = re.compile(r"\bT-ES\(\d{4}\)[A-Z0-9][A-Z0-9-]*")
RE_ROUND = re.compile(r"\b(\d+)(?:st|nd|rd|th)\s+(?:thematic\s+)?monitoring\s+round", re.I)
QUESTION_ENDINGS = ("?", ":", ";")

# "answer 9.2", "replies to questions 9.7. and 9.10.", "answer to question 15", "answer to 9.3"
_ID = r"\d{1,2}(?:\.\d{1,2})?(?:\.[a-f])?"
RE_REF_IDS = re.compile(
    rf"\b(?:answers?|repl(?:y|ies)|questions?)\s+(?:to\s+)?(?:(?:the\s+)?questions?\s+)?(?:no\.?\s*)?"
    rf"(?P<ids>{_ID}\.?(?:\s*(?:,|;|and|&)\s*{_ID}\.?)*)",
    re.I,
)
RE_REF_PREVIOUS = re.compile(
    rf"\b(?:preceding|previous)\s+(?:answer|reply|question)(?:\s+and\s+(?P<ids>{_ID}))?", re.I
)
RE_REF_LETTER = re.compile(r"\b(?:see|answer)\s+(?:answer\s+)?(?:to\s+)?([a-f])\)", re.I)
RE_REF_FORWARD = re.compile(r"\b(?:see|please see)\s+(?:hereunder|below)\b", re.I)
RE_SPLIT_IDS = re.compile(_ID)


def canonical_id(raw: str) -> str:
    """'9.7.' -> '9.7', '13.1.C' -> '13.1.c'."""
    return raw.strip().rstrip(".").lower()


def id_under(qid: str, ancestor: str) -> bool:
    """'9.7.a' lies under '9.7' and under '9'; a question lies under itself."""
    return qid == ancestor or qid.startswith(ancestor + ".")


@dataclass
class _Node:
    """A question, sub-question, item or follow-up prompt waiting for its answer."""

    qid: str
    kind: str  # question | sub | item | arrow
    text: str
    label: str
    parent: "_Node | None" = None  # for items: the question they hang from


@dataclass
class _Unit:
    nodes: list[_Node]
    pillar: str
    qnum: str
    qtitle: str
    lines: list[tuple[int, str]] = field(default_factory=list)


def _ends_as_question(text: str) -> bool:
    return text.rstrip().rstrip("*").rstrip().endswith(QUESTION_ENDINGS)


def _split_items(text: str) -> list[tuple[str, str]]:
    """'a. x?b. y?' (two items run together on one line) -> [('a', 'x?'), ('b', 'y?')]."""
    parts = re.split(r"(?<=\?)\s*(?=[a-f]\.\s)", text)
    out = []
    for part in parts:
        m = RE_ITEM.match(part.strip())
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def read_meta(doc: Document, overrides: dict | None = None) -> ReplyMeta:
    """Party, document code and round from the header; the file name and the user may override."""
    head = [ln.strip() for ln in doc.lines[:60] if ln.strip()]
    doc_id = next((m.group(0) for ln in head if (m := RE_DOC_ID.search(ln))), "")
    party = ""
    for i, ln in enumerate(head):
        if re.match(r"^repl(?:y|ies) (?:to|of)\b", ln, re.I) and i + 1 < len(head):
            cand = head[i + 1].strip("*# ")
            if cand and len(cand) < 60 and not cand.lower().startswith(PILLARS):
                party = cand.title() if cand.isupper() else cand
            break
    stem = doc.path.stem
    if not party and "_" in stem:
        party = stem.rsplit("_", 1)[1].replace("-", " ").strip()
    if not doc_id:
        doc_id = stem.split("_")[0] if "_" in stem else stem
    rnd = next((m.group(1) for ln in head if (m := RE_ROUND.search(ln))), "")
    round_name = {"1": "1st", "2": "2nd", "3": "3rd"}.get(rnd, f"{rnd}th" if rnd else "")
    meta = ReplyMeta(party=party or stem, doc_id=doc_id, round=round_name, source=doc.path.name, sha256=doc.sha256)
    for key, value in (overrides or {}).items():
        if value:
            setattr(meta, key, value)
    return meta


def _find_refs(text: str, own_ids: list[str], parent: str) -> list[str]:
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
        for raw in RE_SPLIT_IDS.findall(m.group("ids")):
            refs.append(canonical_id(raw))
    for m in RE_REF_LETTER.finditer(body):
        refs.append(f"{parent}.{m.group(1).lower()}")
    out: list[str] = []
    for ref in refs:
        if ref not in own_ids and ref not in out:
            out.append(ref)
    return out


def parse_reply(doc: Document, overrides: dict | None = None) -> Reply:
    """Walk the lines once: headers open question nodes, other lines are answer text for the open nodes."""
    meta = read_meta(doc, overrides)
    answers: list[Answer] = []
    pillar = ""
    qnum, qtitle = "", ""
    pending: list[_Node] = []  # questions asked and not yet answered
    unit: _Unit | None = None  # the unit receiving answer lines
    expect_question_text = False  # a title-only header is followed by its question in prose
    sub: _Node | None = None  # the current sub-question (or question / arrow) that items hang from
    started = False

    def flush() -> None:
        nonlocal unit
        if unit is not None and unit.lines:
            answers.append(_finish(unit, meta))
        unit = None

    def ask(node: _Node) -> None:
        """A new question line: once the previous unit has answer text, later questions start a fresh one."""
        nonlocal pending
        if unit is not None and unit.lines:
            flush()
            pending = []
        pending.append(node)

    for lineno, raw in enumerate(doc.lines, start=1):
        line = raw.strip()
        if not line:
            continue
        plain = line.strip("*# ").strip()
        if plain.lower() in PILLARS:
            flush()
            pending, pillar, started = [], plain.capitalize(), True
            continue
        m = RE_QUESTION.match(plain) if not plain.lower().startswith("questions") else None
        if m and (not qnum or int(m.group(1)) > int(qnum)) and not _looks_like_sentence_ref(plain):
            flush()
            started = True
            qnum, qtitle = m.group(1), m.group(2).strip(" *:.")
            node = _Node(qnum, "question", plain, f"Question {qnum}")
            pending = [node]
            sub = node
            expect_question_text = not _ends_as_question(plain)
            unit = None
            continue
        if not started:
            continue
        m = RE_SUB.match(line)
        if m and m.group(1) == qnum and _is_next_sub(m.group(2), pending, answers, qnum):
            qid = f"{qnum}.{int(m.group(2))}"
            node = _Node(qid, "sub", line.lstrip("- ").strip(), qid)
            ask(node)
            sub = node
            expect_question_text = not _ends_as_question(line)
            continue
        m = RE_ARROW.match(line)
        if m and qnum:
            node = _Node(qnum, "arrow", line.lstrip("- ").strip(), f"Question {qnum} →")
            ask(node)
            sub = node
            expect_question_text = False
            continue
        items = _split_items(line) if RE_ITEM.match(line) and _ends_as_question(line) else []
        if items and sub is not None:
            for letter, text in items:
                # items under a follow-up prompt belong to the prompt's question ("13"), others get a letter
                qid = sub.qid if sub.kind == "arrow" else f"{sub.qid}.{letter}"
                ask(_Node(qid, "item", f"{letter}. {text}", f"{sub.qid}.{letter}", parent=sub))
            expect_question_text = False
            continue
        if expect_question_text and (unit is None or not unit.lines) and pending and _reads_as_question(line):
            # the prose question under a title-only header ("Question 7. Cooperation…" then "Please describe…")
            pending[-1].text += "\n" + line
            expect_question_text = False
            continue
        expect_question_text = False
        if not qnum:
            continue
        if unit is None:
            unit = _Unit(list(pending) or [_Node(qnum, "question", "", f"Question {qnum}")], pillar, qnum, qtitle)
        unit.lines.append((lineno, raw.rstrip()))
    flush()
    _resolve_positional_refs(answers)
    return Reply(meta=meta, answers=answers)


QUESTION_WORDS = ("please", "does", "do", "did", "is", "are", "was", "were", "has", "have", "how", "what",
                  "which", "who", "whom", "when", "where", "why", "can", "could", "should", "to what", "in what")


def _reads_as_question(line: str) -> bool:
    """A questionnaire sentence: it asks ("…?"/"…:") or opens the way questions and requests do."""
    words = line.lower().split()
    return _ends_as_question(line) or bool(words) and (
        words[0] in QUESTION_WORDS or " ".join(words[:2]) in QUESTION_WORDS
    )


def _looks_like_sentence_ref(line: str) -> bool:
    """'Q9' inside running text is not a header; a header is short or ends without a full stop."""
    return len(line) > 200


def _is_next_sub(num: str, pending: list[_Node], answers: list[Answer], qnum: str) -> bool:
    """Sub-question numbers rise within a question; a lower or repeated one is answer text (e.g. a list)."""
    seen = [n.qid for n in pending if n.kind == "sub"]
    for a in reversed(answers):
        if a.question_number != qnum:
            break
        seen.extend(q for q in a.question_ids if q.count(".") >= 1)
    highest = max((int(q.split(".")[1]) for q in seen), default=0)
    return int(num) > highest


def _answer_ids(nodes: list[_Node]) -> list[str]:
    """A lone item answered on its own keeps its letter; items asked together and answered once give their parent."""
    ids: list[str] = []
    heads = [n for n in nodes if n.kind != "item"]
    if any(n.kind in ("sub", "arrow") for n in heads):
        heads = [n for n in heads if n.kind != "question"]  # "Question 9." is then only a header
    items = [n for n in nodes if n.kind == "item"]
    for head in heads:
        own = [n for n in items if n.parent is head]
        ids.append(own[0].qid if len(own) == 1 else head.qid)
    orphans = [n for n in items if n.parent not in heads]
    if len(orphans) == 1:
        ids.append(orphans[0].qid)
    elif orphans:
        ids.append(orphans[0].parent.qid if orphans[0].parent else _parent(orphans[0].qid))
    return list(dict.fromkeys(ids))


def _finish(unit: _Unit, meta: ReplyMeta) -> Answer:
    nodes = unit.nodes
    ids = _answer_ids(nodes)
    qtext_parts: list[str] = []
    for n in nodes:
        if n.kind == "item" and n.parent is not None and n.parent not in nodes:
            qtext_parts.append(n.parent.text)
        qtext_parts.append(n.text)
    text = "\n\n".join(t for _, t in unit.lines)
    lone_item = len(nodes) <= 2 and nodes[-1].kind == "item"
    return Answer(
        question_ids=ids,
        pillar=unit.pillar,
        question_number=unit.qnum,
        question_title=unit.qtitle,
        question_text="\n".join(_dedupe(qtext_parts)),
        text=text,
        refs=_find_refs(text, ids, _parent(nodes[-1].label) if lone_item else ids[0]),
        line_start=unit.lines[0][0],
        line_end=unit.lines[-1][0],
        label=nodes[-1].label if lone_item else ", ".join(ids),
    )


def _dedupe(parts: list[str]) -> list[str]:
    return list(dict.fromkeys(p for p in parts if p))


def _parent(qid: str) -> str:
    return qid.rsplit(".", 1)[0] if "." in qid else qid


def _resolve_positional_refs(answers: list[Answer]) -> None:
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


def parse_file(path: Path | str, overrides: dict | None = None) -> Reply:
    from .readers import read_document

    return parse_reply(read_document(path), overrides)
