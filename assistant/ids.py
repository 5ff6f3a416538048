"""Questionnaire question ids: the one place that knows their form, their order and how to read them.

Canonical ids are dotted and lower-case: '9' (a question), '9.7' (a sub-question), '9.7.a' (a lettered item),
'11.a' (an item straight under its question).  The numbering is the join key across Parties: Portugal's 9.3
and Andorra's 9.3 answer the same question.  See docs/question-ids.md.
"""

from __future__ import annotations

import re

from .errors import UnknownQuestion

# one id as replies and users write it: 9, 9.3, 9.3.a, 13.1.c
ID = r"\d{1,2}(?:\.\d{1,2})?(?:\.[a-f])?"
RE_ID = re.compile(ID)

# "Question 9: Title", "Question 9. Title", "Q9 Title", a bare "Question 9"; not "Question 9.3"
RE_QUESTION_HEADER = re.compile(
    r"^(?:-\s*)?(?:\*\*)?(?:Question|Q)\s*(\d{1,2})(?![.,]?\d)\s*(?:[:.\-–—)]|\s|$)\s*(.*?)(?:\*\*)?\s*$", re.I)
# "11.a", "11 (a)", "Q11 a)", "11 a" (alone), an item straight under its question; a bare "12" or "Q.12" (in a
# table cell)
RE_QUESTION_ID_LINE = re.compile(
    r"^(?:-\s*)?(?:\*\*)?(?:(?:Question|Q)\.?\s*)?\(?(?P<q>\d{1,2})"
    r"(?:\.(?P<l1>[a-f])(?![a-z])|\s*\((?P<l2>[a-f])\)|,?\s+(?P<l3>[a-f])(?:\)|(?=\s*:?$)))?\.?\)?(?:\*\*)?\s*:?$", re.I)
# "11.a <text>", "15 c) <text>", "14 (a) <text>", "Item 3(a): <text>": an item straight under its question, its
# number before its own words (its question or its answer); "4 (a) and (b) <text>": its items answered together
RE_QUESTION_ITEM_TEXT = re.compile(
    r"^(?:-\s*)?(?:\*\*)?(?:(?:item|re|ad)\s+)?(?:(?:Question|Q)\s*)?(?P<q>\d{1,2})"
    r"(?:\.(?P<l1>[a-f])(?![a-z])[.)]?|\s*\((?P<l2>[a-f])\)|\s+(?P<l3>[a-f])(?:\)|\.(?=\s)))"
    r"(?:\s*(?:[–—-]|à|to|and|et|&)\s*\(?(?P<last>[a-f])\)(?![a-z]))?(?:\*\*)?\s*[:\-–—]?\s+"
    r"(?P<text>\S.*?)\s*$", re.I)
# what follows an item's letter when the items up to another are answered together: "a) et b) : <answer>",
# "(a) and (b): <answer>", « a) à c) : <answer> » (the text after "a)" here)
RE_LETTER_RANGE = re.compile(r"^(?:et|and|à|to|&|[–—-])\s*\(?(?P<last>[a-f])\)\s*[:：]?\s*(?P<text>\S.*)$", re.I)
# "9.1. Text", "(9.1) Text", bare "9.3", "Q9.3", "Q.9.3", "9(3)", "Question 9, point 3", "9.1.a", "9.1 (a)",
# "9.1 a)", "9.1 a" (alone),
# "9.3 - the answer"
# "Item 9.1(a)", "Re 13.1 c)", « Point 13.1 a) », "Questions 8.1 a) à c)": words a reply puts before a number
_NUMBER_PREFIX = r"(?:(?:item|re|point|ad)\s+)?(?:(?:questions?|q)\.?\s*)?"
# an item's letter after its sub-question's number: "9.1.a", "9.1 (a)", "9.1(a)", "9.1 a)", "9.1 a" (alone),
# « 9.7 – b de posséder … ? » (a dash before it: only before the item's question or alone), "Question 6.2, point a",
# "Q9.7a –";
# and a range's last letter: "8.1 a) à c)", "1.2 (a) and (b)", "9.10 (a) to (c)" (the items answered together)
_ITEM_LETTER = (r"(?:\.(?P<l1>[a-f])(?![a-z])|(?P<l6>[a-f])(?![a-z])|\s*\((?P<l2>[a-f])\)|,?\s+(?P<l3>[a-f])(?:\)|\.(?=\s|$)|(?=\s*:?$))"
                r"|\s*[–—-]\s*(?P<l4>[a-f])(?=\s*$|\s.*\?\s*$)|,\s*point\s+(?P<l5>[a-f])(?![a-z]))"
                r"(?:\s*(?:[–—-]|à|to|and|et|&)\s*\(?(?P<last>[a-f])\)(?![a-z])"
                r"|\s*[–—-]\s*(?P<last3>[a-f])(?![a-z])|\s*(?:à|to|and|et|&)\s+(?P<last2>[a-f])(?![a-z]))?")
RE_NUMBERED_LINE = re.compile(
    rf"^(?:-\s*)?(?:\*\*)?{_NUMBER_PREFIX}\(?(?P<q>\d{{1,2}})(?:\.|\((?=\d{{1,2}}\))|,?\s+point\s+)(?P<s>\d{{1,2}})"
    rf"(?:{_ITEM_LETTER})?"
    r"\.?\)?(?:\*\*)?(?:\s*[:\-–—]?\s+(?P<text>\S.*?)|\s*:?)\s*$", re.I)


def item_letter(m: re.Match) -> str:
    """The item letter a numbered line's match holds ("9.1 (a)" -> "a"), "" for none."""
    groups = m.groupdict()
    return next((groups[g] for g in ("l1", "l2", "l3", "l4", "l5", "l6") if groups.get(g)), "").lower()


def range_end(m: re.Match) -> str:
    """The last letter of a range of items a numbered line names ("8.1 a) à c)" -> "c"), "" for none."""
    groups = m.groupdict()
    return (groups.get("last") or groups.get("last2") or groups.get("last3") or "").lower()
# any line that opens as a question header does ("Question 9", "Q9.3", "**Question 12")
RE_HEADER_START = re.compile(r"^(?:-\s*)?(?:\*\*)?(?:Question|Q)\s*\d", re.I)
# "a. text", "(b) text", "**a. text?**", "**a)** text": a lettered item line (bold markers kept out of the text)
RE_ITEM_LINE = re.compile(r"^(?:-\s*)?(?:\*\*)?(?:[Aa]d\s+)?\(?([a-f])[.)](?:\*\*)?\s+(\S.*?)(?:\s*\*\*)?\s*$")
# the number or letter a question line opens with ("9.3. ", "(9.1) ", "Q9 ", "a) ", "9.1.a, 9.2 ")
RE_LABEL = re.compile(
    r"^(?:-\s*)?(?:(?:question|q)\s*)?\(?\d{1,2}(?:\.\d{1,2})*(?:\.?[a-f](?![a-z]))?\.?\)?"
    r"(?:\s*,\s*\d{1,2}(?:\.\d{1,2})*(?:\.?[a-f](?![a-z]))?\.?)*[:.]?\s+|^(?:-\s*)?\(?[a-f][.)]\s+", re.I)

# a number a user names in a question: "9.5", "question 13.2", "Q13.1.c", "answer to question 15"
_NUMBER_WORDS = r"(?:questions?|q|questão|questao|pregunta|frage|domanda)"
RE_QUERY_SUB_ID = re.compile(
    rf"(?<![\w/.-])(?:(?P<word>{_NUMBER_WORDS})\s*)?(\d{{1,2}}\.(?:\d{{1,2}}(?:\.[a-f])?|[a-f]))(?![\w/-]|\.\d)",
    re.I)
# what makes a bare "1.2" a quantity, not a question: "1.2 million", "3.5 %", "2.5 years", "1.5 ans"
RE_QUANTITY_AFTER = re.compile(
    r"\s*(?:%|€|\$|(?:per|pour|por|pro)\s?(?:cent|ciento|cento)\b|percent|prozent|"
    r"(?:million|milliard|billion|thousand|millón|millones|milhões|milhão|milioni|milione|miliardi|mil)(?:s|en)?\b|"
    r"euros?\b|eur\b|years?\b|months?\b|ans\b|mois\b|años\b|meses\b|anos\b|jahre?n?\b|monate?n?\b|anni\b|mesi\b)",
    re.I)
RE_QUERY_QUESTION = re.compile(rf"\b{_NUMBER_WORDS}\s*(\d{{1,2}})\b(?!\.(?:\d|[a-f]\b))", re.I)
# a question id typed on its own (`compare 9.3`, "Q9.3", "question 13.1.c")
RE_TYPED_ID = re.compile(rf"^(?:{_NUMBER_WORDS}\s*)?({ID})\.?$", re.I)


def canonical_id(raw: str) -> str:
    """'9.7.' -> '9.7', '13.1.C' -> '13.1.c', '09.3' -> '9.3'."""
    parts = raw.strip().rstrip(".").lower().split(".")
    return ".".join(str(int(p)) if p.isdigit() else p for p in parts)


def id_under(qid: str, ancestor: str) -> bool:
    """'9.7.a' lies under '9.7' and under '9'; an id lies under itself; '9.10' does not lie under '9.1'."""
    return qid == ancestor or qid.startswith(ancestor + ".")


def related(a: str, b: str) -> bool:
    """One id lies under the other (either way): an answer to 9 covers 9.1, an answer to 9.1.a touches 9.1."""
    return id_under(a, b) or id_under(b, a)


def parent_id(qid: str) -> str:
    """'9.7.a' -> '9.7', '9.7' -> '9', '9' -> '9'."""
    return qid.rsplit(".", 1)[0] if "." in qid else qid


def question_of(qid: str) -> str:
    """The top-level question: '9.7.a' -> '9'."""
    return qid.split(".", 1)[0]


def column_of(qid: str) -> str:
    """The coverage column an id falls in: '9.1.a' -> '9.1', '11.a' -> '11', '13' -> '13'."""
    return ".".join([x for x in qid.split(".") if x.isdigit()][:2])


def sort_key(qid: str) -> tuple:
    """Questionnaire order: 9 < 9.1 < 9.1.a < 9.2 < 9.10 < 10."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in qid.split("."))


# an id as a reply writes it in its own text: "9.2", "9.4.a", "9.4 (a)", "11(a)", "15 b)", "Q9.7d", « 9.4 a) »
WRITTEN_ID = r"(?<![\w.])(?:Q\.?\s?)?\d{1,2}(?:\.\d{1,2})?(?![\d])(?:\.?[a-f](?![\w])|\s?\([a-f]\)|\s[a-f]\))?"
RE_WRITTEN_ID = re.compile(WRITTEN_ID, re.I)
_RE_WRITTEN_PARTS = re.compile(r"(?:Q\.?\s?)?(\d{1,2}(?:\.\d{1,2})?)\.?\s?\(?([a-f])?", re.I)


def written_ids(text: str) -> list[str]:
    """Every id a reply's text writes, canonical: 'see 9.4 (a) and Q9.7d' -> ['9.4.a', '9.7.d']."""
    out = []
    for m in RE_WRITTEN_ID.finditer(text):
        parts = _RE_WRITTEN_PARTS.match(m.group(0))
        out.append(canonical_id(parts[1] + (f".{parts[2]}" if parts[2] else "")))
    return out


def ids_in_list(text: str) -> list[str]:
    """Every id in a list as replies write them: '9.7. and 9.10.' -> ['9.7', '9.10']."""
    return [canonical_id(raw) for raw in RE_ID.findall(text)]


def ids_in_query(query: str) -> list[str]:
    """Question numbers the user named, canonical and in order: 'Show me 13.2' -> ['13.2'] (a bare number that
    reads as a quantity, '1.2 million', '2.5 years', is not one)."""
    ids = [canonical_id(m.group(2)) for m in RE_QUERY_SUB_ID.finditer(query)
           if m.group("word") or not RE_QUANTITY_AFTER.match(query, m.end())]
    ids += [canonical_id(m.group(1)) for m in RE_QUERY_QUESTION.finditer(query)]
    return list(dict.fromkeys(ids))


def parse_question_id(raw: str) -> str:
    """A question id typed by a user ('9.3', 'Q9.3', 'question 13.1.c'); UnknownQuestion when it is not one."""
    m = RE_TYPED_ID.match((raw or "").strip())
    if not m:
        raise UnknownQuestion(f"{raw!r} is not a question number; give one such as 9, 9.3 or 13.1.c")
    return canonical_id(m.group(1))


def strip_label(text: str) -> str:
    """A question line without the number or letter it opens with: '9.3. What are…' -> 'What are…'."""
    return RE_LABEL.sub("", text.strip(), count=1).strip()


def ids_text(qids: list[str]) -> str:
    """How a unit's ids read in a citation: items of one question in a row as a range ("9.7.a, 9.7.b, 9.7.c" ->
    "9.7.a–c"; "2.1.a, 2.1.b, 2.2.a, 2.2.b" -> "2.1.a–b, 2.2.a–b"), anything else as it is."""
    out: list[str] = []
    i = 0
    while i < len(qids):
        head, _, letter = qids[i].rpartition(".")
        j = i
        while letter.isalpha() and head and j + 1 < len(qids) and qids[j + 1].rpartition(".")[0] == head \
                and qids[j + 1].rpartition(".")[2] == chr(ord(qids[j].rpartition(".")[2]) + 1):
            j += 1
        out.append(qids[i] if j == i else f"{qids[i]}–{qids[j].rpartition('.')[2]}")
        i = j + 1
    return ", ".join(out)
