"""Answer units: the question nodes a reply asks, the lines that answer them, and the Answer they become."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..ids import RE_ITEM_LINE, WRITTEN_ID, column_of, id_under, parent_id, written_ids
from ..model import Answer, ReplyMeta
from .questionnaire import shares_words
from .references import find_refs

QUESTION_ENDINGS = ("?", ":", ";")


@dataclass(eq=False)
class Node:
    """A question, sub-question, item or follow-up prompt waiting for its answer.

    Nodes compare by identity: an item's parent is that very node, and sets of nodes stay cheap (structural
    equality walked the parent chain and made a unit with thousands of prompts quadratic)."""

    qid: str
    kind: str  # question | sub | item | arrow
    text: str
    label: str
    parent: "Node | None" = None  # for items: the question they hang from
    bare: bool = False  # the reply printed only the number: the text is the questionnaire's


@dataclass
class Unit:
    nodes: list[Node]
    pillar: str
    qnum: str
    qtitle: str
    lines: list[tuple[int, str]] = field(default_factory=list)


def ends_as_question(text: str) -> bool:
    return text.rstrip().rstrip("*").rstrip().endswith(QUESTION_ENDINGS)


def ends_as_sentence(text: str) -> bool:
    """An answer's sentence, not a question or a title: it ends with a full stop (or "!"), or is a dash ("–": none)."""
    t = text.strip().rstrip("*»”\"') ")
    return t.endswith((".", "!")) or t in ("-", "–", "—")


def split_inline_answer(line: str) -> tuple[str, str]:
    """A question line with its answer after the question mark ("b. distribute …? No.", "9.2. Are there …?
    Answer: none") -> (the question, the answer); (line, "") when nothing but markup follows its last "?".  No
    question of the questionnaire, in English or French, goes on after its last question mark."""
    head, mark, tail = line.rpartition("?")
    answer = tail.strip().lstrip("*").strip().lstrip("–—-:").strip()
    if not mark or not re.search(r"\w", answer):
        return line, ""
    return head + mark, answer


def split_after_wording(line: str, wordings: tuple[str, ...]) -> tuple[str, str]:
    """A question line that runs on past one of the question's wordings (its last line, word for word, case and
    punctuation aside) -> (the question, what follows: the answer); (line, "") when none is the line's beginning."""
    found = list(re.finditer(r"\w+", line))
    for wording in wordings:
        words = re.findall(r"\w+", wording.split("\n")[-1].lower())
        if len(words) < 5 or len(found) <= len(words) or [m.group(0).lower() for m in found[:len(words)]] != words:
            continue
        cut = found[len(words) - 1].end()
        cut += len(re.match(r"[\s.?!:;)»”\"]*", line[cut:]).group(0))
        return line[:cut].rstrip(), line[cut:].strip()
    return line, ""


QUESTION_WORDS = ("please", "does", "do", "did", "is", "are", "was", "were", "has", "have", "how", "what",
                  "which", "who", "whom", "when", "where", "why", "can", "could", "should", "to what", "in what",
                  # the French questionnaire's openings
                  "veuillez", "existe-t-il", "existe-t-elle", "y a-t-il", "quel", "quelle", "quels", "quelles",
                  "comment", "pourquoi", "qui", "où", "quand", "dans quelle", "dans quelles", "en quoi",
                  "merci de", "prière de")


# what may open a request before its verb: "If so, please …", « Dans l'affirmative, veuillez … »
RE_IF_SO = re.compile(r"^(?:if so|if yes|if not|where applicable|dans l['’]affirmative|dans la négative|le cas échéant|"
                      r"si oui|si tel est le cas)\s*[,:]?\s*", re.I)


# an answer's first word: "Yes. …", « Non, … », "Not applicable."
RE_ANSWER_START = re.compile(r"^(?:yes|no|oui|non|sí|si|sim|não|ja|nein|not applicable|n/a|sans objet|partly|partially|"
                             r"in part|en partie)\b\s*[.,;:!–—-]", re.I)


def answers_itself(text: str, wordings: tuple[str, ...]) -> bool:
    """Text after a question's number that is its answer, not its question: it opens as answers do ("Yes. The …:",
    « Non, … »), or it is long, asks nothing ("?") and shares few words with the question's wordings ("Where a
    child is charged, the court may: …" under 9.9)."""
    return bool(RE_ANSWER_START.match(text)) or (
        not text.rstrip(" *").endswith("?") and len(text.split()) > 12 and not shares_words(text, wordings, 0.3))


def reads_as_question(line: str) -> bool:
    """A questionnaire sentence: it asks ("…?"/"…:") or opens the way questions and requests do."""
    words = RE_IF_SO.sub("", line.strip()).lower().split()
    return ends_as_question(line) or bool(words) and (
        words[0] in QUESTION_WORDS or " ".join(words[:2]) in QUESTION_WORDS
    )


def looks_like_sentence_ref(line: str) -> bool:
    """'Q9' inside running text is not a header; a header is short or ends without a full stop."""
    return len(line) > 200


def highest_sub(pending: list[Node], answers: list[Answer], qnum: str) -> int:
    """The highest sub-question number met so far within question `qnum`."""
    seen = [n.qid for n in pending if n.kind == "sub"]
    for a in reversed(answers):
        if a.question_number != qnum:
            break
        seen.extend(q for q in a.question_ids if q.count(".") >= 1)
    return max((int(q.split(".")[1]) for q in seen if q.split(".")[1].isdigit()), default=0)


def is_next_sub(num: str, pending: list[Node], answers: list[Answer], qnum: str) -> bool:
    """Sub-question numbers rise within a question; a lower or repeated one is answer text (e.g. a list)."""
    return int(num) > highest_sub(pending, answers, qnum)


def answer_ids(nodes: list[Node]) -> list[str]:
    """Every item a unit answers keeps its letter, whether answered on its own or with others ("a. …? b. …?" then one
    answer: both ids, as "Questions 14.a and 14.b:" gives them); a question or sub-question asked without its items
    keeps its own id."""
    ids: list[str] = []
    heads = [n for n in nodes if n.kind != "item"]
    if any(n.kind in ("sub", "arrow") for n in heads):
        heads = [n for n in heads if n.kind != "question"]  # "Question 9." is then only a header
    items = [n for n in nodes if n.kind == "item"]
    children: dict[int, list[Node]] = {}
    for n in items:
        children.setdefault(id(n.parent), []).append(n)
    for head in heads:
        own = [n for n in children.get(id(head), []) if n.qid != head.qid]  # a follow-up's items are its own
        ids.extend([n.qid for n in own] if own else [head.qid])
    head_set = set(heads)
    ids.extend(n.qid for n in items if n.parent not in head_set)
    return list(dict.fromkeys(ids))


# an answer that opens by naming the items it answers together: "Questions 14.a and 14.b:", « Questions 4 a) et b) : »,
# "Replies to 13.1.b and 13.1.c:", « Réponse commune aux questions 4 a) et 4 b) : »
RE_NAMES_ITEMS = re.compile(r"^(?:\*\*)?(?:(?:joint\s+|consolidated\s+)?(?:repl(?:y|ies)|answers?|réponses?(?:\s+commune)?)"
                            r"\s+(?:to|aux?|à)\s+(?:(?:the\s+|la\s+)?questions?\s+)?|questions?\s+|items?\s+)"
                            rf"(?P<ids>{WRITTEN_ID}(?:\s*(?:and|et|,|&)\s*{WRITTEN_ID})+)\s*[:：]?(?:\*\*)?\s*$", re.I)


def named_items(ids: list[str], first_line: str) -> list[str]:
    """The ids an answer's opening label names when they lie under its own (else its own ids)."""
    m = RE_NAMES_ITEMS.match(first_line.strip())
    named = written_ids(m["ids"]) if m else []
    if len(named) > 1 and all(any(id_under(n, i) and n != i for i in ids) for n in named):
        return list(dict.fromkeys(named))
    return ids


def finish(unit: Unit, meta: ReplyMeta) -> Answer:
    nodes = unit.nodes
    ids = named_items(answer_ids(nodes), unit.lines[0][1])
    qtext_parts: list[str] = []
    asked = set(nodes)
    for n in nodes:
        if n.kind == "item" and n.parent is not None and n.parent not in asked:
            qtext_parts.append(n.parent.text)
        qtext_parts.append(n.text)
    text = "\n\n".join(t for _, t in unit.lines)
    lone_item = len(nodes) <= 2 and nodes[-1].kind == "item"
    return Answer(
        question_ids=ids,
        pillar=unit.pillar,
        question_number=unit.qnum,
        question_title=unit.qtitle,
        question_text="\n".join(dedupe(qtext_parts)),
        text=text,
        refs=find_refs(text, ids, parent_id(nodes[-1].label) if lone_item else column_of(ids[0])),
        line_start=unit.lines[0][0],
        line_end=unit.lines[-1][0],
        label=nodes[-1].label if lone_item else ", ".join(collapsed(ids)),
    )


def collapsed(ids: list[str]) -> list[str]:
    """A unit's ids as its label prints them: the items of one question answered together as that question
    (["1.1.a", "1.1.b"] -> ["1.1"]: `column_of`, the (sub-)question an item hangs from), a lone item as itself."""
    return list(dict.fromkeys(column_of(q) if sum(column_of(x) == column_of(q) != x for x in ids) > 1 else q
                              for q in ids))


def dedupe(parts: list[str]) -> list[str]:
    return list(dict.fromkeys(p for p in parts if p))


def split_items(text: str) -> list[tuple[str, str]]:
    """'a. x?b. y?' (two items run together on one line) -> [('a', 'x?'), ('b', 'y?')]."""
    parts = re.split(r"(?<=\?)\s*(?=[a-f]\.\s)", text)
    out = []
    for part in parts:
        m = RE_ITEM_LINE.match(part.strip())
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def left_unanswered(pending: list[Node], answers: list[Answer], qnum: str) -> bool:
    """The sub-questions or items waiting for an answer were left unanswered when their question's follow-up prompt
    comes next and its earlier ones were answered one by one ("13.2 …?" with no answer, then "→ Please specify how
    the units referred to above are organised", then the units' organisation); several asked together and answered
    once with the follow-up ("5.1 … 5.2 … → … Consolidated answer") were not."""
    return (bool(pending) and all(n.kind in ("sub", "item") for n in pending)
            and bool(answers) and answers[-1].question_number == qnum)
