"""Question lines that come without their numbers (Word's auto-numbering took them, or a table's cell holds only
the text), recognised by the packaged questionnaire's wording, in English or French."""

from __future__ import annotations

from ..ids import RE_ITEM_LINE as RE_ITEM
from .document import CELLS
from .labels import RE_LEADING_NUMBER, leading_number
from .questionnaire import NEXT_RATIO, Entry, matches_any, shares_words
from .units import Node, ends_as_question, highest_sub, reads_as_question, split_after_wording


class WordingLines:
    """The walk's rules for question lines without their numbers; the state they read (`known`, `sub`, `qnum`,
    `pending`, `unit`…) is the walk's (parser._Parser)."""

    def word_question(self, text: str) -> None:
        """The reply's own wording of the question line just met (a number alone on its line or in its cell): its
        text."""
        node = self.pending[-1] if self.pending else None
        if node is None or not text.strip():
            return
        if node.bare:
            head = node.label if node.kind in ("sub", "question") else node.label.rsplit(".", 1)[-1]
            node.text, node.bare = f"{head}. {text.strip()}", False
        else:
            node.text += "\n" + text.strip()

    def later_subs(self) -> list[Entry]:
        """The open question's sub-questions numbered above any met so far, in order."""
        if not self.qnum:
            return []
        highest = highest_sub(self.pending, self.answers, self.qnum)
        return [e for e in self.known.children(self.qnum) if e.kind == "sub" and int(e.id.split(".")[1]) > highest]

    def unasked_items(self) -> list[Entry]:
        """The open sub-question's (or question's) lettered items not met yet, in order."""
        if self.sub is None or self.sub.kind not in ("sub", "question"):
            return []
        return [e for e in self.known.children(self.sub.qid) if e.kind == "item" and e.id not in self.asked]

    def known_line(self, line: str, table: bool) -> bool:
        """A line without its number that is a known question's text (Word auto-numbering, tables)."""
        known = self.known
        clean = line.lstrip("-•► ").strip()
        short_ok = table or line.startswith(("-", "•")) or ends_as_question(line)
        fresh = self.unit is None or not self.unit.lines
        last = self.pending[-1] if self.pending and fresh else None
        if last is not None and last.bare and last.kind in ("sub", "item"):
            entry = known.get(last.qid if last.kind == "sub" else last.label)
            parent = known.get(entry.parent) if entry is not None and entry.kind == "item" else None
            wordings = entry.texts + (parent.texts if parent is not None else ()) if entry is not None else ()
            # the reply repeats the question after its number, maybe with its sub-question's words ("13.1 a)" then
            # « Existe-t-il des unités spécialisées … au sein des services répressifs ? »)
            if entry and (matches_any(line, entry.texts, short_ok)
                          or ends_as_question(line) and shares_words(line, wordings)):
                self.word_question(clean)
                return True
        subs = self.later_subs()
        items = self.unasked_items()
        found = next((e for e in subs if matches_any(line, e.texts)), None) \
            or next((e for e in items if matches_any(line, e.texts, short_ok)), None)
        if found is None and ends_as_question(line):
            # the question asked next in the questionnaire's order, in another translation than the packaged one
            found = next((e for e in items[:1] + subs[:1] if matches_any(line, e.texts, short_ok, NEXT_RATIO)), None)
        if found is None and self.sub is not None and self.sub.kind == "arrow" and known.get(self.qnum):
            # a follow-up prompt's item whose letter Word's numbering took away
            prompt_items = [(letter, texts) for letter, texts in known.get(self.qnum).followup_items(self.sub.text)
                            if f"{self.sub.qid}.{letter}" not in self.asked]
            hit = next((letter for letter, texts in prompt_items if matches_any(line, texts, short_ok)), None)
            if hit is None and prompt_items and ends_as_question(line) \
                    and matches_any(line, prompt_items[0][1], short_ok, NEXT_RATIO):
                hit = prompt_items[0][0]
            lettered = RE_ITEM.match(line)
            if hit is None and lettered and prompt_items and lettered[1].lower() == prompt_items[0][0] \
                    and shares_words(lettered[2], prompt_items[0][1]):
                hit, clean = prompt_items[0][0], lettered[2]  # "b) …": the prompt's next item, in the reply's words
            if hit is not None:
                self.item(hit, f"{hit}. {clean}")
                self.expect_question_text = False
                return True
        if found is not None and found.kind == "sub":
            node = Node(found.id, "sub", clean, found.id)
            self.ask(node)
            self.sub = node
            self.expect_question_text = not ends_as_question(line)
            return True
        if found is not None:
            self.item(found.id.rsplit(".", 1)[1], f"{found.id.rsplit('.', 1)[1]}. {clean}")
            self.expect_question_text = False
            return True
        entry = known.get(self.qnum) if self.qnum else None
        # a follow-up prompt whose arrow was a Word bullet glyph; after the question's last sub-question, also in
        # another wording
        if entry and (matches_any(line, entry.all_followups) or not subs and reads_as_question(line)
                      and matches_any(line, entry.all_followups, ratio=NEXT_RATIO)):
            node = Node(self.qnum, "arrow", f"→ {clean}", f"Question {self.qnum} →")
            self.ask(node)
            self.sub = node
            self.expect_question_text = False
            return True
        if len(clean) <= 300:
            heading = not clean.endswith((".", ",", ";"))  # a title, not a sentence of an answer
            by_title = self.later_question(lambda e: heading and matches_any(line, e.titles))
            following = self.later_question(lambda e: True)
            if by_title is None and heading and following and (
                    not table and CELLS not in line and matches_any(line, following.titles, ratio=NEXT_RATIO)
                    or leading_number(line) == following.id and shares_words(line, following.titles)):
                # the next question's title, in another translation or word order (a table's cell near it in words,
                # "Possession of self-generated sexually explicit images …" in a penalty table, is a cell)
                by_title = following
            if by_title is not None:
                title = RE_LEADING_NUMBER.sub("", clean).strip(" *:.")  # "9. Incrimination": its number once
                self.open_question(by_title.id, title, f"Question {by_title.id}. {title}")
                return True
            by_text = self.later_question(lambda e: matches_any(line, e.texts))
            if by_text is not None:
                self.open_question(by_text.id, "", "", expect=False)
                self.pending[-1].text += "\n" + clean
                return True
        return False

    def prose_question(self, line: str) -> bool:
        """The question in prose under a title-only header: a line that asks ("…?", "Please describe…"); a line that
        only ends with a colon is the reply's own lead-in ("The penalties are the following:") unless it uses the
        words of the question's wording."""
        if not reads_as_question(line):
            return False
        if ends_as_question(line.rstrip(" :：*")) or reads_as_question(line.rstrip(" :：*")):
            return True
        entry = self.pending_entry()
        return entry is None or shares_words(line, entry.texts)

    def split_prose(self, line: str) -> tuple[str, str]:
        """(the question, the answer the page ran into it) when the open question's wording is the line's beginning
        ("… when the offender is not present in the Party when the offence is committed. Rodanian criminal law …")."""
        entry = self.pending_entry()
        if entry is None or line.rstrip(" *").endswith("?"):  # "… sharing of: (a) …? (b) …?": its items, asked
            return line, ""
        return split_after_wording(line, entry.texts)

    def pending_entry(self) -> Entry | None:
        """The questionnaire's entry for the question asked last and not yet answered."""
        return self.known.get(self.pending[-1].qid) if self.known is not None and self.pending else None
