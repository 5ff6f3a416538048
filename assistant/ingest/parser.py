"""Split a reply into answer units by the questionnaire's own numbering, and find its cross references."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..ids import RE_ITEM_LINE as RE_ITEM
from ..ids import RE_LETTER_RANGE
from ..ids import RE_NUMBERED_LINE as RE_NUMBERED
from ..ids import RE_QUESTION_HEADER as RE_QUESTION
from ..ids import RE_QUESTION_ID_LINE as RE_QUESTION_ID
from ..ids import RE_QUESTION_ITEM_TEXT
from ..ids import ids_in_list, item_letter, range_end
from ..errors import NotAReply
from ..model import Answer, Reply, ReplyMeta
from ..parties import canonical_party, fold
from .citing import cited_lines
from .document import CELLS, Document, contents_lines
from .items import ItemLines
from .labels import (CLOSING_WORDS, RE_ANNEX_HEADING, RE_ANSWER_LABEL, RE_ANSWER_TO, RE_ARROW, RE_CLOSING_FORMULA,
                     RE_CLOSING_HEADING, RE_FOLLOWUP_BARE, RE_FOLLOWUP_LABEL, RE_FOLLOWUP_OF, RE_FOOTNOTE,
                     RE_ITEM_RANGE, RE_JOINT_REST, RE_NOTES_HEADING, roman_item)
from .questionnaire import ROUND, Entry, Questionnaire, load_questionnaire, matches_any, pillar_named, shares_words
from .readers import read_document
from .references import resolve_positional_refs
from .tables import TableRows
from .titlepage import RE_STATE_ALONE, compilation_question, party_name, read_meta
from .units import (Node, Unit, answers_itself, ends_as_question, finish, is_next_sub, left_unanswered,
                    looks_like_sentence_ref, reads_as_question, split_inline_answer, split_items)
from .wording import WordingLines


def parse_reply(doc: Document, overrides: dict | None = None, questionnaire: Questionnaire | None = None,
                plain: bool = False, collect: list | None = None) -> Reply:
    """Walk the lines once: headers open question nodes, other lines are answer text for the open nodes.  The packaged
    questionnaire (unless `plain`) fills in question text a reply leaves out and recognises questions whose numbers
    Word's auto-numbering dropped; `collect` receives every question node met."""
    meta = read_meta(doc, overrides)
    lines = cited_lines(doc.lines)  # a reply in its own outline, citing the questionnaire: its citations read
    return Reply(meta, parse_lines(meta, enumerate(lines, start=1), doc.pages, questionnaire, plain, collect,
                                   cited=lines is not doc.lines))


def parse_lines(meta: ReplyMeta, lines: Iterable[tuple[int, str]], pages: list[int] | None = None,
                questionnaire: Questionnaire | None = None, plain: bool = False, collect: list | None = None,
                cited: bool = False) -> list[Answer]:
    """The answer units in (line number, text) pairs of a reply, or of one Party's part of a compilation (numbers stay
    the file's, so pages and lines cite it); `cited`: questions are the reply's citations (citing.py), in its order."""
    if questionnaire is None and not plain and meta.round in ("", ROUND):
        questionnaire = load_questionnaire()
    parser = _Parser(meta, None if plain else questionnaire, collect, cited)
    notes = False  # under a "Notes" heading: footnotes, not the last answer's text, until the next question
    lines = list(lines)
    contents = contents_lines([text for _, text in lines])  # where questions stand, not the questions
    for n, (lineno, raw) in enumerate(lines):
        line = raw.strip()
        if not line or n in contents:
            continue
        parser.lineno = lineno
        if notes:
            notes = not parser.header(line)
            continue
        if CELLS in line and parser.table_row(lineno, line):
            continue
        if parser.header(line):
            continue
        if parser.started and RE_NOTES_HEADING.match(line) and RE_FOOTNOTE.match(
                next((text for _, text in lines[n + 1:] if text.strip()), "")) or (
                (RE_CLOSING_HEADING.match(line) and len(line.split()) <= 4 or RE_ANNEX_HEADING.match(line)
                 or RE_CLOSING_FORMULA.match(line) and len(line.split()) <= CLOSING_WORDS)
                and parser.last_question()):
            parser.flush()
            if RE_ANNEX_HEADING.match(line):
                break  # annexes after the last question: statutes' "(a) …" and "1. …" are no items or questions
            notes = True  # footnotes, or the remarks or formula closing the reply after its last question: no answer
            continue
        parser.answer_line(lineno, raw.rstrip())
    parser.flush()
    answers = parser.answers
    resolve_positional_refs(answers)
    if pages:
        for a in answers:
            a.page = pages[a.line_start - 1] if 0 < a.line_start <= len(pages) else None
    return answers


class _Parser(ItemLines, WordingLines, TableRows):
    """The walk's state: the open question, its pending question nodes, and the unit receiving answer lines."""

    def __init__(self, meta: ReplyMeta, known: Questionnaire | None, collect: list | None, cited: bool = False):
        self.meta, self.known, self.collect, self.cited = meta, known, collect, cited
        self.answers: list[Answer] = []
        self.pillar = ""
        self.qnum, self.qtitle = "", ""
        self.pending: list[Node] = []  # questions asked and not yet answered
        self.unit: Unit | None = None  # the unit receiving answer lines
        self.expect_question_text = False  # a title-only header is followed by its question in prose
        self.sub: Node | None = None  # the current sub-question (or question / arrow) that items hang from
        self.qnode: Node | None = None  # the current question's own node
        self.started = False
        self.asked: set[str] = set()  # labels of every node met, so a known item is taken once
        self.joint: list[str] = []  # sub-questions a joint heading named, to share the next answer
        self.listed: list[Node] = []  # items printed before their answers, answered letter by letter
        self.listed_unit: Unit | None = None
        self.columns = (0, 0)  # the question-and-answer table's header: its cells, and the column the answers are in
        self.lineno = 0

    # ------------------------------------------------------------------ units
    def flush(self) -> None:
        if self.unit is not None and self.unit.lines:
            self.answers.append(finish(self.unit, self.meta))
        self.unit = None

    def node(self, node: Node) -> Node:
        self.asked.add(node.label)
        if self.collect is not None:
            self.collect.append((node, self.pillar, self.qtitle))
        return node

    def ask(self, node: Node) -> None:
        """A new question line: once the previous unit has answer text, later questions start a fresh one (and a
        follow-up prompt after sub-questions left unanswered, units.left_unanswered)."""
        if self.unit is not None and self.unit.lines or node.kind == "arrow" and left_unanswered(
                self.pending, self.answers, self.qnum):
            self.flush()
            self.pending = []
        self.listed = []
        self.pending.append(self.node(node))

    def answer_line(self, lineno: int, text: str) -> None:
        self.expect_question_text = False
        if not self.qnum:
            return
        if self.unit is None or not self.unit.lines:
            label = RE_ANSWER_LABEL.match(text)
            if label and self.labels_party(label["who"] or label["owner"]):
                text = text[label.end():]
                if not text.strip():
                    return  # a label on its own line
        if self.unit is None:
            nodes = list(self.pending) or [Node(self.qnum, "question", "", f"Question {self.qnum}")]
            for qid in self.joint:
                if qid not in self.asked and (entry := self.known.get(qid) if self.known else None) is not None:
                    nodes.append(self.node(Node(qid, "sub", entry.label(self.meta.language), qid, bare=True)))
            self.joint = []
            for n in nodes:
                self.complete(n.parent if n.kind == "item" and n.parent is not None else n)
            entry = self.known.get(self.qnum) if self.known else None
            self.unit = Unit(nodes, self.pillar or (entry.pillar if entry else ""), self.qnum, self.qtitle)
        self.unit.lines.append((lineno, text))

    def complete(self, node: Node) -> None:
        """A question printed as a bare title gets the questionnaire's question under it."""
        entry = self.known.get(node.qid) if self.known and node.kind == "question" else None
        text = entry.in_language(self.meta.language)[1] if entry else ""
        if text and "\n" not in node.text:
            node.text = f"{node.text}\n{text}".strip()

    # ------------------------------------------------------------------ lines
    def header(self, line: str, table: bool = False) -> bool:
        """Consume a pillar, question, sub-question, item or follow-up line; False for answer text."""
        plain = line.strip("*# ").strip()
        low = plain.lower()
        pillar = pillar_named(plain)
        if pillar:
            title_q = self.later_question(lambda e: pillar_named(e.title) == pillar)
            if title_q is not None and self.pillar == pillar:  # "Legislation" twice: the pillar, then Q8's title
                self.open_question(title_q.id, plain, f"Question {title_q.id}. {plain}")
                return True
            self.flush()
            self.pending, self.pillar, self.started = [], pillar, True
            return True
        m = RE_QUESTION.match(plain) if not low.startswith("questions") else None
        if m and (not self.qnum or int(m.group(1)) != int(self.qnum)) and not self.earlier(m.group(1)) \
                and not looks_like_sentence_ref(plain):
            title = m.group(2).strip(" *:.")
            self.open_question(m.group(1), title, plain if title else "")
            return True
        answer_to = RE_ANSWER_TO.match(line)
        numbered = answer_to["id"] if answer_to else line  # "Answer to 13.2" stands for "13.2"
        m = RE_NUMBERED.match(numbered)
        if m and self.numbered(m, numbered):
            return True
        m = RE_QUESTION_ID.match(line)
        if m and self.question_id(m, table):
            return True
        m = RE_QUESTION_ITEM_TEXT.match(line)
        if m and self.item_line(m):
            return True
        if not self.started:
            return False
        label = RE_FOLLOWUP_LABEL.match(line)
        alone = label.group(1) is None if label else False  # the label alone on its line, the prompt next
        if not label and (of := RE_FOLLOWUP_OF.match(line)) and of["q"].lstrip("0") == self.qnum:
            label, alone = of, True  # « Q.1 suivi », « 13 (complément) »: its prompt in the next cell
        bare = RE_FOLLOWUP_BARE.match(line) if not label else None  # "Follow-up Please specify…?" (a table's cell)
        # "Follow-up – Number of victims The table …", "Follow-up In 2017, …", « Suivi – En 2017 … »: the answer itself
        answered = bare is not None and bare["rest"][:1].isupper() and not reads_as_question(bare["rest"])
        if (label or bare and (answered or reads_as_question(bare["rest"]))) and self.qnum \
                and (entry := self.known.get(self.qnum)) is not None and entry.all_followups:
            # a follow-up prompt labelled, not arrowed, or the label alone ("Follow-up questions"); "Follow-up b.": item
            if answered:  # "Follow-up – Number of victims The table below …": the follow-up's answer
                prompt = entry.closest_followup(bare["rest"][:60], self.meta.language)
                self.ask(node := Node(self.qnum, "arrow", f"→ {prompt}", f"Question {self.qnum} →"))
                self.sub = node
                self.answer_line(self.lineno, bare["rest"])
                return True
            prompt = bare["rest"] if bare else label.group(0).strip(' *:：') if alone else label.group(1)
            if alone and len(entry.followups) == 1:  # "Follow-up" alone: the question's only follow-up
                prompt = entry.closest_followup(prompt, self.meta.language)
            line = prompt if RE_ITEM.match(prompt) and self.sub is not None and self.sub.kind == "arrow" \
                else f"→ {prompt}"
        m = RE_ARROW.match(line)
        if m and self.qnum:
            prompt, inline = split_inline_answer(line)
            node = Node(self.qnum, "arrow", prompt.lstrip("- ").strip(), f"Question {self.qnum} →")
            self.ask(node)
            self.sub = node
            self.expect_question_text = False
            if inline:
                self.answer_line(self.lineno, inline)
            return True
        roman = roman_item(line)
        if roman and self.lists_from(roman[0]):
            # "(i) …", "(ii) …": the questionnaire's items a, b… under a prompt that ends by listing them
            question, inline = split_inline_answer(roman[1])
            self.item(roman[0], f"{roman[0]}. {question}")
            self.expect_question_text = False
            if inline:
                self.answer_line(self.lineno, inline)
            return True
        lettered = RE_ITEM.match(line) if not table else None
        if lettered and self.answers_in_order(lettered[1].lower(), lettered[2]):
            # "a) <answer>", "b) <answer>": the questionnaire's items answered one after the other ("a) et b) : <answer>":
            # together)
            first, together = lettered[1].lower(), RE_LETTER_RANGE.match(lettered[2])
            for letter in map(chr, range(ord(first), ord(together["last"].lower() if together else first) + 1)):
                if entry := self.known.get(f"{self.sub.qid}.{letter}"):
                    self.item(letter, f"{letter}. {entry.in_language(self.meta.language)[1]}", bare=True)
            self.answer_line(self.lineno, together["text"] if together else lettered[2])
            return True
        if lettered and self.answer_listed(lettered[1].lower(), lettered[2]):
            return True
        question, inline = split_inline_answer(line) if RE_ITEM.match(line) else (line, "")
        items = split_items(question) if RE_ITEM.match(question) and ends_as_question(question) else []
        if inline and not (len(items) == 1 and self.known_item(items[0][0])):
            items = []  # an answer's own "a) Is it…? It is." is text, unless the questionnaire has that item
        elif items and self.known is not None and not question.rstrip(" *").endswith("?") \
                and not self.known_item(items[0][0]):
            items = []  # "(a) under section 6, where …;" under Question 12, which has no items: the answer's points
        elif items and self.known is not None and not question.rstrip(" *").endswith("?") and self.unit is not None \
                and self.unit.lines and not self.words_item(*items[0]):
            items = []  # "b) Article 251 (coercion), which applies …;" in 11.a's answer: its own list, not item 11.b
        if items and self.sub is not None:
            for letter, text in items:
                self.item(letter, f"{letter}. {text}")
            self.expect_question_text = False
            if inline:
                self.answer_line(self.lineno, inline)
            return True
        if self.known is not None and self.known_line(line, table):
            return True
        question, inline = split_inline_answer(line)
        question = question.lstrip("-•►▪ ").strip()  # a bullet Word's list style put before it
        if (not table and self.expect_question_text and (self.unit is None or not self.unit.lines) and self.pending
                and self.prose_question(question)):
            # the prose question under a title-only header ("Question 7. Cooperation…" then "Please describe…"), and the
            # answer a page ran into it after the question's last word
            question, inline = (question, inline) if inline else self.split_prose(question)
            self.pending[-1].text += "\n" + question
            self.expect_question_text = False
            if inline:
                self.answer_line(self.lineno, inline)
            return True
        return False

    def words_item(self, letter: str, text: str) -> bool:
        """The text is the open sub-question's item `letter` in any of its wordings, its words in any order."""
        entry = self.known.get(f"{self.sub.qid}.{letter}") if self.known is not None and self.sub is not None else None
        return entry is not None and shares_words(text, entry.texts)

    def open_question(self, num: str, title: str, text: str, expect: bool = True) -> None:
        """'Question 9. Criminalisation' (or just 'Question 9', its title then taken from the questionnaire)."""
        self.flush()
        self.started = True
        entry = self.known.get(num) if self.known else None
        self.qnum, self.qtitle = num, title or (entry.title if entry else "")
        text = text or f"Question {num}. {self.qtitle}".rstrip(". ")
        node = self.node(Node(num, "question", text, f"Question {num}", bare=not title))
        self.pending = [node]
        self.sub = self.qnode = node
        self.expect_question_text = expect and not ends_as_question(text)

    def labels_party(self, who: str | None) -> bool:
        """An answer label names no one ("Answer:") or a Party ("Réponse du Valdorre :"); "Reply from the Ministry of
        Justice:" says who answered, and stays."""
        if not who or RE_STATE_ALONE.match(who.strip()):  # « Réponse de la Principauté : »
            return True
        name = re.sub(r"^(?:the|la|le|les|l['’])\s*", "", who.strip(), flags=re.I)
        return canonical_party(name) is not None or fold(party_name(name)) == fold(self.meta.party or "")

    def numbered(self, m: re.Match, line: str) -> bool:
        """'9.3. What…?', bare '9.3', '(9.3)', 'Q9.3', '9.1.a' or '9.3 <the answer itself>'."""
        q, s = str(int(m["q"])), str(int(m["s"]))
        letter, last = item_letter(m), range_end(m)
        text, inline = split_inline_answer((m["text"] or "").strip())
        if inline:
            line = line[:line.rindex("?") + 1]
        sub_id = f"{q}.{s}"
        if last:  # "8.1 a) à c)", "1.2 (a) and (b) Yes, …": the items answered together; what follows is the answer
            if text and not ends_as_question(text):
                inline, text = " ".join(part for part in (text, inline) if part), ""
            letter, text = "", f"{letter} – {last}"
        if joint := RE_JOINT_REST.match(text):
            # "Q2.1 and Q2.2 (joint reply)", "9.1 to 9.3": a heading over several sub-questions, not an answer; those
            # it names (a range: every one between) and the reply does not ask again share the answer that follows
            named = [i for i in ids_in_list(text) if i.split(".")[0] == q and i != sub_id]
            if joint["range"] and named and "." in named[-1] and named[-1].count(".") == 1:
                named = [f"{q}.{n}" for n in range(int(s) + 1, int(named[-1].split(".")[1]) + 1)]
            self.joint = named
            rest = text[joint.end():].strip()  # « 16.1 et 16.2 : Le Belmonte … »: the answer after the colon
            inline, text = (" ".join(p for p in (rest[1:].strip(), inline) if p) if rest[:1] in (":", "：")
                            else inline), ""
        elif RE_ITEM_RANGE.match(text):
            # "1.2 a – b": its items answered together ("9.10 d – f" after "9.10 a – c": the same one's next answer)
            if self.sub is not None and self.sub.qid == sub_id and self.unit is not None and self.unit.lines:
                self.ask(Node(sub_id, "sub", f"{sub_id} {text}", sub_id))
                if inline:
                    self.answer_line(self.lineno, inline)
                return True
            text = ""
        entry = self.known.get(f"{sub_id}.{letter}" if letter else sub_id) if self.known else None
        sub_entry = self.known.get(sub_id) if self.known else None
        if (not inline and entry is not None and text and not matches_any(text, entry.texts)
                and (not ends_as_question(text) and not reads_as_question(text) or answers_itself(text, entry.texts))):
            inline, text = text, ""  # the number, then straight away the answer
        if q != self.qnum:
            # a later question's numbering with its "Question N" header left out
            if entry is None or self.earlier(q) or self.qnum and inline:  # "9.5 million…" is text
                return False
            self.open_question(q, "", "", expect=False)
        elif entry is None and (not text or letter):
            return False  # a bare number the questionnaire does not know is answer text
        same_sub = self.sub is not None and self.sub.kind == "sub" and self.sub.qid == sub_id
        if same_sub and not letter and (self.unit is None or not self.unit.lines):
            # the open sub-question's number again before its answer ("10.2 No. …", « Question 10.2 : Non. »,
            # "Answer to 10.2:"), as a compilation repeats it under each Party
            if inline:
                self.answer_line(self.lineno, inline)
            return True
        if not same_sub:
            if not is_next_sub(s, self.pending, self.answers, q):
                return False
            if letter or not text:
                node = Node(sub_id, "sub", sub_entry.label(self.meta.language) if sub_entry else sub_id, sub_id, bare=True)
            else:
                node = Node(sub_id, "sub", line.lstrip("- ").strip(), sub_id)
            self.ask(node)
            self.sub = node
        elif not letter or f"{sub_id}.{letter}" in self.asked:
            return False
        if letter:
            self.item(letter, f"{letter}. {text or (entry.in_language(self.meta.language)[1] if entry else '')}".strip(), bare=not text)
        self.expect_question_text = bool(text) and not letter and not ends_as_question(line)
        if inline:
            self.answer_line(self.lineno, inline)
        return True

    def last_question(self) -> bool:  # the open question is the questionnaire's last
        questions = self.known.questions() if self.known is not None else []
        return bool(self.qnum and questions) and self.qnum == questions[-1].id

    def later_question(self, test) -> Entry | None:
        if self.known is None:
            return None
        return next((e for e in self.known.questions() if int(e.id) > int(self.qnum or 0) and test(e)), None)


def parse_file(path: Path | str, overrides: dict | None = None) -> Reply:
    return parse_reply(read_document(path), overrides)


def read_reply(path: Path | str, overrides: dict | None = None, doc: Document | None = None) -> Reply:
    """Read and parse one reply file; NotAReply when no questionnaire answer is found in it, or when it is the
    Committee's compilation of many Parties' answers (ingest/replies.py reads those, one reply per Party)."""
    doc = doc or read_document(path)
    if compilation_question(doc) is not None:
        raise NotAReply(path, "is a compilation of several Parties' answers, not one Party's reply; put it in the "
                              "corpus folder and run `build`, which reads each Party's answers as a reply of its own")
    reply = parse_reply(doc, overrides)
    if not reply.answers:
        raise NotAReply(path)
    return reply
