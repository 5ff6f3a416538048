"""Lines numbered as the questionnaire's items ("a)", "11.a", "(i)"), as the parser's walk reads them: the item's
question, or its answer straight after its letter.  A part of the walk (parser._Parser), kept apart for its size."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..ids import item_letter, range_end
from .questionnaire import NEXT_RATIO, matches_any
from .units import Node, ends_as_question, reads_as_question, split_inline_answer

if TYPE_CHECKING:
    from .questionnaire import Questionnaire


class ItemLines:
    """The item rules of the walk; the state they read (`sub`, `asked`, `pending`, `unit`, `known`…) is the
    walk's."""

    known: Questionnaire | None
    sub: Node | None
    qnode: Node | None
    qnum: str
    asked: set[str]
    pending: list[Node]
    listed: list[Node]  # items printed together before their answers, answered letter by letter (answer_listed)
    listed_unit: object  # the unit answering the last of them
    cited: bool  # the questions are the reply's citations of them, in its own order (citing.py)

    def earlier(self, q: str) -> bool:
        """Question `q` comes before the open one: a reply walks the questionnaire forward, unless it cites the
        questions in its own order (`cited`)."""
        return bool(self.qnum) and int(q) < int(self.qnum) and not self.cited

    def known_item(self, letter: str) -> bool:
        """An item the reply has not given yet that the questionnaire has under the open sub-question, or that
        comes next under a follow-up prompt ("→ … please indicate if:" then "a.", "b.")."""
        sub = self.sub
        if sub is None:
            return False
        label = f"{sub.qid}.{letter}"
        if label in self.asked:
            return False
        if sub.kind == "arrow":
            return letter == "a" or f"{sub.qid}.{chr(ord(letter) - 1)}" in self.asked
        return self.known is not None and self.known.get(label) is not None

    def lists_from(self, letter: str) -> bool:
        """Whether a line numbered as item `letter` continues a list of questions: no answer text since the last
        question line, which is the item before it, or (for the first) a prompt or sub-question ending with a colon
        ("As regards law enforcement, please indicate if:"); and the questionnaire has that item."""
        if not self.pending or self.unit is not None and self.unit.lines or not self.known_item(letter):
            return False
        last = self.pending[-1]
        if letter == "a":
            return last.kind in ("sub", "arrow", "question") and last.text.rstrip(" *\u00a0").endswith((":", "："))
        return last.kind == "item" and last.label.endswith(f".{chr(ord(letter) - 1)}")

    def answers_in_order(self, letter: str, text: str) -> bool:
        """Whether "a) <text>" answers item `letter` of the open sub-question or question: the text neither asks
        (a "?", a question's opening words) nor words the item; the questionnaire has that item; none of its items
        has been met yet and no answer text either (for "a"), or the unit answering the item before it, by its
        letter alone, is open (for "b", "c"…)."""
        sub = self.sub
        if sub is None or sub.kind not in ("sub", "question") or self.known is None:
            return False
        label = f"{sub.qid}.{letter}"
        entry = self.known.get(label)
        if entry is None or label in self.asked or "?" in text or reads_as_question(text.rstrip(" :;*")) \
                or matches_any(text, entry.texts, ratio=NEXT_RATIO):
            return False
        if letter == "a":
            return not any(f"{sub.qid}.{x}" in self.asked for x in "bcdef") and (self.unit is None or not self.unit.lines)
        # the item before was answered the same way, its letter alone: a reply that printed "a. <the item's
        # question>" prints b's too, and an "a) … b) … c) …" list in a's answer is the answer's own
        before = f"{sub.qid}.{chr(ord(letter) - 1)}"
        return self.unit is not None and any(n.label == before and n.bare for n in self.unit.nodes)

    def answer_listed(self, letter: str, text: str) -> bool:
        """"a) <answer>" after the sub-question's items were all printed first (in a box, a list) and left
        unanswered: the answers follow letter by letter, each its item's own unit (« a) Oui. … », « b) Non. »)."""
        if "?" in text or reads_as_question(text.rstrip(" :;*")):
            return False
        fresh = self.unit is None or not self.unit.lines
        if fresh:
            listed = [n for n in self.pending if n.kind == "item" and n.qid != n.label.rsplit(".", 1)[0]]
            if not listed or listed[0].label.rsplit(".", 1)[1] != letter or self.pending[-1] is not listed[-1]:
                return False  # the items must be the last questions asked: their answers follow them
            self.listed = listed
        elif not self.listed or self.unit is not self.listed_unit:
            return False
        node = next((n for n in self.listed if n.label.rsplit(".", 1)[1] == letter), None)
        if node is None or self.known is not None and any(
                matches_any(text, e.texts, ratio=NEXT_RATIO) for e in [self.known.get(node.label)] if e):
            return False
        self.flush()
        self.pending = [node]
        self.answer_line(self.lineno, text)
        self.listed_unit = self.unit
        return True

    def item_line(self, m: re.Match) -> bool:
        """"11.a <the answer>" or "11.a <the item's question>? <answer>": an item straight under its question."""
        q, letter = str(int(m["q"])), item_letter(m)
        entry = self.known.get(f"{q}.{letter}") if self.known else None
        if entry is None or entry.kind != "item" or not self.qnum or int(q) < int(self.qnum):
            return False
        if q != self.qnum:
            self.open_question(q, "", "", expect=False)
        if f"{q}.{letter}" in self.asked:
            return False
        if range_end(m):  # "4 (a) and (b) Initial training …": the question's items answered together
            if self.unit is not None and self.unit.lines:
                self.ask(self.qnode)
            self.sub = self.qnode
            self.expect_question_text = False
            self.answer_line(self.lineno, m["text"])
            return True
        self.sub = self.qnode
        question, inline = split_inline_answer(m["text"])
        if ends_as_question(question) or reads_as_question(question):
            self.item(letter, f"{letter}. {question}")
        else:
            self.item(letter, f"{letter}. {entry.in_language(self.meta.language)[1]}", bare=True)
            inline = m["text"]
        self.expect_question_text = False
        if inline:
            self.answer_line(self.lineno, inline)
        return True

    def item(self, letter: str, text: str, bare: bool = False) -> None:
        sub = self.sub
        # items under a follow-up prompt belong to the prompt's question ("13"), others get a letter
        qid = sub.qid if sub.kind == "arrow" else f"{sub.qid}.{letter}"
        self.ask(Node(qid, "item", text, f"{sub.qid}.{letter}", parent=sub, bare=bare))

    def question_id(self, m: re.Match, table: bool) -> bool:
        """'11.a' (an item straight under its question), or in a table a bare '12'."""
        q, letter = str(int(m["q"])), item_letter(m)
        entry = self.known.get(f"{q}.{letter}" if letter else q) if self.known else None
        if entry is None or not (letter or table) or self.earlier(q):
            return False
        if q != self.qnum:
            self.open_question(q, "", "", expect=False)
        if not letter:
            return True  # a question's number alone in a table's cell (again, or first), in front of its answer
        if f"{q}.{letter}" in self.asked:
            return False
        self.sub = self.qnode
        self.item(letter, f"{letter}. {entry.in_language(self.meta.language)[1]}", bare=True)
        return True
