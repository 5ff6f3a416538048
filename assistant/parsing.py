"""Split a reply into answer units by the questionnaire's own numbering, and find its cross references."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .model import Answer, Reply, ReplyMeta
from .questionnaire import ROUND, Entry, Questionnaire, load_questionnaire, normalise, text_matches
from .readers import Document

PILLARS = ("prevention", "protection", "legislation", "prosecution")

# "Question 9: Title", "Question 9. Title", "Q9 Title", a bare "Question 9"; not "Question 9.3"
RE_QUESTION = re.compile(
    r"^(?:-\s*)?(?:\*\*)?(?:Question|Q)\s*(\d{1,2})(?![.,]?\d)\s*(?:[:.\-–—)]|\s|$)\s*(.*?)(?:\*\*)?\s*$", re.I)
# "11.a", "11 (a)", "Q11 a)" (an item straight under its question), a bare "12" (in a table cell)
RE_QUESTION_ID = re.compile(
    r"^(?:-\s*)?(?:\*\*)?(?:(?:Question|Q)\s*)?\(?(?P<q>\d{1,2})"
    r"(?:\.(?P<l1>[a-f])(?![a-z])|\s*\((?P<l2>[a-f])\)|\s+(?P<l3>[a-f])\))?\.?\)?(?:\*\*)?\s*:?$", re.I)
# "9.1. Text", "(9.1) Text", bare "9.3", "Q9.3", "9.1.a", "9.1 (a)", "9.1 a)", "9.3 - the answer"
RE_NUMBERED = re.compile(
    r"^(?:-\s*)?(?:\*\*)?(?:(?:Question|Q)\s*)?\(?(?P<q>\d{1,2})\.(?P<s>\d{1,2})"
    r"(?:\.(?P<l1>[a-f])(?![a-z])|\s*\((?P<l2>[a-f])\)|\s+(?P<l3>[a-f])\))?"
    r"\.?\)?(?:\*\*)?(?:\s*[:\-–—]?\s+(?P<text>\S.*?)|\s*:?)\s*$", re.I)
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
    bare: bool = False  # the reply printed only the number: the text is the questionnaire's


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


# "Replies to the thematic questionnaire" (a PDF may run it on from the line above), then the Party's name
RE_REPLIES = re.compile(r"^repl(?:y|ies) (?:to|of|from)\b|\brepl(?:y|ies) to the (?:\w+ )?questionnaire\W*$", re.I)
# the Parties to the Lanzarote Convention, with the short names replies use
_PARTY_NAMES = (
    "Albania Andorra Armenia Austria Azerbaijan Belgium Bosnia-and-Herzegovina Bulgaria Croatia Cyprus "
    "Czech-Republic Czechia Denmark Estonia Finland France Georgia Germany Greece Hungary Iceland Ireland Italy "
    "Latvia Liechtenstein Lithuania Luxembourg Malta Republic-of-Moldova Moldova Monaco Montenegro Netherlands "
    "The-Netherlands North-Macedonia Norway Poland Portugal Romania Russian-Federation San-Marino Serbia "
    "Slovak-Republic Slovakia Slovenia Spain Sweden Switzerland Tunisia Turkey Türkiye Ukraine United-Kingdom")
PARTIES = {n.replace("-", " ").casefold(): n.replace("-", " ") for n in _PARTY_NAMES.split()}

META_FIELDS = ("party", "doc_id", "round", "language")

# a few frequent words that each language does not share with the others: enough to tell a reply's language
STOP_WORDS = {
    "en": {"the", "and", "of", "to", "is", "are", "that", "with", "which", "this", "be", "by", "or", "for", "have"},
    "fr": {"le", "les", "et", "est", "une", "dans", "du", "des", "pour", "sur", "pas", "au", "sont", "ce", "aux"},
    "pt": {"os", "da", "dos", "não", "uma", "com", "são", "ao", "em", "pelo", "pela", "à", "nos", "na", "também"},
    "es": {"el", "los", "las", "y", "es", "son", "al", "por", "está", "como", "su", "lo", "muy", "sus", "también"},
    "de": {"der", "die", "und", "ist", "nicht", "mit", "von", "zu", "den", "dem", "im", "ein", "eine", "auf", "sich"},
    "it": {"il", "di", "che", "della", "nel", "non", "sono", "gli", "alla", "è", "dei", "delle", "degli", "anche"},
}
LANGUAGES = {"en": "English", "fr": "French", "pt": "Portuguese", "es": "Spanish", "de": "German", "it": "Italian"}


def guess_language(lines: list[str], words: int = 3000) -> str:
    """The language whose stop words are most frequent in the first few thousand words; English by default."""
    tokens = re.findall(r"[^\W\d_]+", " ".join(lines[:400]).lower())[:words]
    counts = {lang: sum(1 for t in tokens if t in stop) for lang, stop in STOP_WORDS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    return best if counts[best] > counts["en"] else "en"


def read_meta(doc: Document, overrides: dict | None = None) -> ReplyMeta:
    """Party, document code, round and language from the header; the file name and the user may override."""
    head = [ln.strip() for ln in doc.lines[:60] if ln.strip()]
    doc_id = next((m.group(0) for ln in head if (m := RE_DOC_ID.search(ln))), "")
    party = ""
    for i, ln in enumerate(head):
        if RE_REPLIES.search(ln) and i + 1 < len(head):
            cand = head[i + 1].strip("*# ")
            if cand and len(cand) < 60 and not cand.lower().startswith(PILLARS) and not RE_ROUND.search(cand):
                party = cand.title() if cand.isupper() else cand
            break
    if not party:  # a title page laid out otherwise: a line that is a Party's name
        party = next((PARTIES[k] for ln in head if (k := ln.strip("*# ").casefold()) in PARTIES), "")
    stem = doc.path.stem
    if not party and "_" in stem:
        party = stem.rsplit("_", 1)[1].replace("-", " ").strip()
    if not doc_id:
        doc_id = stem.split("_")[0] if "_" in stem else stem
    rnd = next((m.group(1) for ln in head if (m := RE_ROUND.search(ln))), "")
    round_name = {"1": "1st", "2": "2nd", "3": "3rd"}.get(rnd, f"{rnd}th" if rnd else "")
    meta = ReplyMeta(party=party or stem, doc_id=doc_id, round=round_name, language=guess_language(doc.lines),
                     source=doc.path.name, sha256=doc.sha256)
    for key, value in (overrides or {}).items():
        if value and key in META_FIELDS:
            setattr(meta, key, str(value).strip())
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


def parse_reply(doc: Document, overrides: dict | None = None, questionnaire: Questionnaire | None = None,
                plain: bool = False, collect: list | None = None) -> Reply:
    """Walk the lines once: headers open question nodes, other lines are answer text for the open nodes.

    The packaged questionnaire (unless `plain`) fills in question text a reply leaves out and recognises
    questions whose numbers Word's auto-numbering dropped; `collect` receives every question node met."""
    meta = read_meta(doc, overrides)
    if questionnaire is None and not plain and meta.round in ("", ROUND):
        questionnaire = load_questionnaire()
    parser = _Parser(meta, None if plain else questionnaire, collect)
    for lineno, raw in enumerate(doc.lines, start=1):
        line = raw.strip()
        if not line:
            continue
        parser.lineno = lineno
        if " | " in line and parser.table_row(lineno, line):
            continue
        if not parser.header(line):
            parser.answer_line(lineno, raw.rstrip())
    parser.flush()
    answers = parser.answers
    _resolve_positional_refs(answers)
    if doc.pages:
        for a in answers:
            a.page = doc.pages[a.line_start - 1] if 0 < a.line_start <= len(doc.pages) else None
    return Reply(meta=meta, answers=answers)


TABLE_LABELS = {"question", "questions", "answer", "answers", "reply", "replies", "response", "responses", "no",
                "number", "question number", "question no", "question text", "answer text", "id", "comments", ""}


class _Parser:
    """The walk's state: the open question, its pending question nodes, and the unit receiving answer lines."""

    def __init__(self, meta: ReplyMeta, known: Questionnaire | None, collect: list | None):
        self.meta, self.known, self.collect = meta, known, collect
        self.answers: list[Answer] = []
        self.pillar = ""
        self.qnum, self.qtitle = "", ""
        self.pending: list[_Node] = []  # questions asked and not yet answered
        self.unit: _Unit | None = None  # the unit receiving answer lines
        self.expect_question_text = False  # a title-only header is followed by its question in prose
        self.sub: _Node | None = None  # the current sub-question (or question / arrow) that items hang from
        self.qnode: _Node | None = None  # the current question's own node
        self.started = False
        self.asked: set[str] = set()  # labels of every node met, so a known item is taken once
        self.lineno = 0

    # ------------------------------------------------------------------ units
    def flush(self) -> None:
        if self.unit is not None and self.unit.lines:
            self.answers.append(_finish(self.unit, self.meta))
        self.unit = None

    def node(self, node: _Node) -> _Node:
        self.asked.add(node.label)
        if self.collect is not None:
            self.collect.append((node, self.pillar, self.qtitle))
        return node

    def ask(self, node: _Node) -> None:
        """A new question line: once the previous unit has answer text, later questions start a fresh one."""
        if self.unit is not None and self.unit.lines:
            self.flush()
            self.pending = []
        self.pending.append(self.node(node))

    def answer_line(self, lineno: int, text: str) -> None:
        self.expect_question_text = False
        if not self.qnum:
            return
        if self.unit is None:
            nodes = list(self.pending) or [_Node(self.qnum, "question", "", f"Question {self.qnum}")]
            for n in nodes:
                self.complete(n.parent if n.kind == "item" and n.parent is not None else n)
            entry = self.known.get(self.qnum) if self.known else None
            self.unit = _Unit(nodes, self.pillar or (entry.pillar if entry else ""), self.qnum, self.qtitle)
        self.unit.lines.append((lineno, text))

    def complete(self, node: _Node) -> None:
        """A question printed as a bare title gets the questionnaire's question under it."""
        entry = self.known.get(node.qid) if self.known and node.kind == "question" else None
        if entry and entry.text and "\n" not in node.text:
            node.text = f"{node.text}\n{entry.text}".strip()

    # ------------------------------------------------------------------ lines
    def table_row(self, lineno: int, line: str) -> bool:
        """A row "9.3 | answer" or "question text | answer" (or "9.3 | question | answer"); other rows are text."""
        cells = [c.strip() for c in line.split(" | ")]
        if self.started and all(normalise(c) in TABLE_LABELS for c in cells):
            return True  # the table's own header row, "Question | Answer"
        used = 0
        while used < min(3, len(cells)) and self.header(cells[used], table=True):
            used += 1
        if used < len(cells) and used:
            self.answer_line(lineno, " | ".join(cells[used:]))
        return used > 0

    def header(self, line: str, table: bool = False) -> bool:
        """Consume a pillar, question, sub-question, item or follow-up line; False for answer text."""
        plain = line.strip("*# ").strip()
        low = plain.lower()
        if low in PILLARS:
            title_q = self.later_question(lambda e: e.title.lower() == low)
            if title_q is not None and self.pillar.lower() == low:  # "Legislation" twice: the pillar, then Q8's title
                self.open_question(title_q.id, plain, f"Question {title_q.id}. {plain}")
                return True
            self.flush()
            self.pending, self.pillar, self.started = [], plain.capitalize(), True
            return True
        m = RE_QUESTION.match(plain) if not low.startswith("questions") else None
        if m and (not self.qnum or int(m.group(1)) > int(self.qnum)) and not _looks_like_sentence_ref(plain):
            title = m.group(2).strip(" *:.")
            self.open_question(m.group(1), title, plain if title else "")
            return True
        m = RE_NUMBERED.match(line)
        if m and self.numbered(m, line):
            return True
        m = RE_QUESTION_ID.match(line)
        if m and self.question_id(m, table):
            return True
        if not self.started:
            return False
        m = RE_ARROW.match(line)
        if m and self.qnum:
            node = _Node(self.qnum, "arrow", line.lstrip("- ").strip(), f"Question {self.qnum} →")
            self.ask(node)
            self.sub = node
            self.expect_question_text = False
            return True
        items = _split_items(line) if RE_ITEM.match(line) and _ends_as_question(line) else []
        if items and self.sub is not None:
            for letter, text in items:
                self.item(letter, f"{letter}. {text}")
            self.expect_question_text = False
            return True
        if self.known is not None and self.known_line(line, table):
            return True
        if (not table and self.expect_question_text and (self.unit is None or not self.unit.lines) and self.pending
                and _reads_as_question(line)):
            # the prose question under a title-only header ("Question 7. Cooperation…" then "Please describe…")
            self.pending[-1].text += "\n" + line
            self.expect_question_text = False
            return True
        return False

    def open_question(self, num: str, title: str, text: str, expect: bool = True) -> None:
        """'Question 9. Criminalisation' (or just 'Question 9', its title then taken from the questionnaire)."""
        self.flush()
        self.started = True
        entry = self.known.get(num) if self.known else None
        self.qnum, self.qtitle = num, title or (entry.title if entry else "")
        text = text or f"Question {num}. {self.qtitle}".rstrip(". ")
        node = self.node(_Node(num, "question", text, f"Question {num}", bare=not title))
        self.pending = [node]
        self.sub = self.qnode = node
        self.expect_question_text = expect and not _ends_as_question(text)

    def item(self, letter: str, text: str, bare: bool = False) -> None:
        sub = self.sub
        # items under a follow-up prompt belong to the prompt's question ("13"), others get a letter
        qid = sub.qid if sub.kind == "arrow" else f"{sub.qid}.{letter}"
        self.ask(_Node(qid, "item", text, f"{sub.qid}.{letter}", parent=sub, bare=bare))

    def numbered(self, m: re.Match, line: str) -> bool:
        """'9.3. What…?', bare '9.3', '(9.3)', 'Q9.3', '9.1.a' or '9.3 <the answer itself>'."""
        q, s = str(int(m["q"])), str(int(m["s"]))
        letter = (m["l1"] or m["l2"] or m["l3"] or "").lower()
        text = (m["text"] or "").strip()
        sub_id = f"{q}.{s}"
        entry = self.known.get(f"{sub_id}.{letter}" if letter else sub_id) if self.known else None
        sub_entry = self.known.get(sub_id) if self.known else None
        inline = ""
        if entry is not None and text and not _ends_as_question(text) and not text_matches(text, entry.text):
            inline, text = text, ""  # the number, then straight away the answer
        if q != self.qnum:
            # a later question's numbering with its "Question N" header left out
            if entry is None or self.qnum and (int(q) < int(self.qnum) or inline):  # "9.5 million…" is text
                return False
            self.open_question(q, "", "", expect=False)
        elif entry is None and (not text or letter):
            return False  # a bare number the questionnaire does not know is answer text
        same_sub = self.sub is not None and self.sub.kind == "sub" and self.sub.qid == sub_id
        if not same_sub:
            if not _is_next_sub(s, self.pending, self.answers, q):
                return False
            if letter or not text:
                node = _Node(sub_id, "sub", sub_entry.label() if sub_entry else sub_id, sub_id, bare=True)
            else:
                node = _Node(sub_id, "sub", line.lstrip("- ").strip(), sub_id)
            self.ask(node)
            self.sub = node
        elif not letter or f"{sub_id}.{letter}" in self.asked:
            return False
        if letter:
            self.item(letter, f"{letter}. {text or (entry.text if entry else '')}".strip(), bare=not text)
        self.expect_question_text = bool(text) and not letter and not _ends_as_question(line)
        if inline:
            self.answer_line(self.lineno, inline)
        return True

    def question_id(self, m: re.Match, table: bool) -> bool:
        """'11.a' (an item straight under its question), or in a table a bare '12'."""
        q, letter = str(int(m["q"])), (m["l1"] or m["l2"] or m["l3"] or "").lower()
        entry = self.known.get(f"{q}.{letter}" if letter else q) if self.known else None
        if entry is None or not (letter or table) or (self.qnum and int(q) < int(self.qnum)):
            return False
        if q != self.qnum:
            self.open_question(q, "", "", expect=False)
        elif not letter:
            return True  # the question's own number again, in front of its answer
        if f"{q}.{letter}" in self.asked:
            return False
        self.sub = self.qnode
        self.item(letter, f"{letter}. {entry.text}", bare=True)
        return True

    def later_question(self, test) -> Entry | None:
        if self.known is None:
            return None
        return next((e for e in self.known.questions() if int(e.id) > int(self.qnum or 0) and test(e)), None)

    def known_line(self, line: str, table: bool) -> bool:
        """A line without its number that is a known question's text (Word auto-numbering, tables)."""
        known = self.known
        clean = line.lstrip("-•► ").strip()
        short_ok = table or line.startswith(("-", "•")) or _ends_as_question(line)
        fresh = self.unit is None or not self.unit.lines
        last = self.pending[-1] if self.pending and fresh else None
        if last is not None and last.bare and last.kind in ("sub", "item"):
            entry = known.get(last.qid if last.kind == "sub" else last.label)
            if entry and text_matches(line, entry.text, short_ok):  # the reply repeats the question after its number
                head = last.label if last.kind == "sub" else last.label.rsplit(".", 1)[1]
                last.text, last.bare = f"{head}. {clean}", False
                return True
        if self.qnum:
            highest = _highest_sub(self.pending, self.answers, self.qnum)
            for e in known.children(self.qnum):
                if e.kind == "sub" and int(e.id.split(".")[1]) > highest and text_matches(line, e.text):
                    node = _Node(e.id, "sub", clean, e.id)
                    self.ask(node)
                    self.sub = node
                    self.expect_question_text = not _ends_as_question(line)
                    return True
        if self.sub is not None and self.sub.kind in ("sub", "question"):
            for e in known.children(self.sub.qid):
                if e.kind == "item" and e.id not in self.asked and text_matches(line, e.text, short_ok):
                    self.item(e.id.rsplit(".", 1)[1], f"{e.id.rsplit('.', 1)[1]}. {clean}")
                    self.expect_question_text = False
                    return True
        entry = known.get(self.qnum) if self.qnum else None
        if entry and any(text_matches(line, f) for f in entry.followups):
            node = _Node(self.qnum, "arrow", f"→ {clean}", f"Question {self.qnum} →")
            self.ask(node)
            self.sub = node
            self.expect_question_text = False
            return True
        if len(clean) <= 300:
            heading = not clean.endswith((".", ",", ";"))  # a title, not a sentence of an answer
            by_title = self.later_question(lambda e: heading and text_matches(line, e.title))
            if by_title is not None:
                self.open_question(by_title.id, clean.strip(" *:."), f"Question {by_title.id}. {clean}")
                return True
            by_text = self.later_question(lambda e: bool(e.text) and text_matches(line, e.text))
            if by_text is not None:
                self.open_question(by_text.id, "", "", expect=False)
                self.pending[-1].text += "\n" + clean
                return True
        return False


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


def _highest_sub(pending: list[_Node], answers: list[Answer], qnum: str) -> int:
    """The highest sub-question number met so far within question `qnum`."""
    seen = [n.qid for n in pending if n.kind == "sub"]
    for a in reversed(answers):
        if a.question_number != qnum:
            break
        seen.extend(q for q in a.question_ids if q.count(".") >= 1)
    return max((int(q.split(".")[1]) for q in seen if q.split(".")[1].isdigit()), default=0)


def _is_next_sub(num: str, pending: list[_Node], answers: list[Answer], qnum: str) -> bool:
    """Sub-question numbers rise within a question; a lower or repeated one is answer text (e.g. a list)."""
    return int(num) > _highest_sub(pending, answers, qnum)


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
