"""Replies laid out as a table of questions and answers ("9.3 | answer", « N° | Question | Réponse »), as the
parser's walk reads its rows.  A part of the walk (parser._Parser), kept apart for its size."""

from __future__ import annotations

from .document import CELLS
from .labels import QUESTION_COLUMNS, RE_ANSWER_LABEL, RE_ITEM_IN_CELL, RE_LEADING_NUMBER, TABLE_LABELS, leading_number
from .questionnaire import normalise
from .units import ends_as_sentence, reads_as_question


class TableRows:
    """The table rules of the walk; the state they read and change (`pending`, `qnum`, `columns`…) is the walk's."""

    def table_row(self, lineno: int, line: str) -> bool:
        """A row "9.3 | answer" or "question text | answer" (or "9.3 | question | answer"); other rows are text.
        Under a header row that says which column holds the answers (« N° | Question | Réponse »), a row of that
        many cells is read by its columns, and a shorter one (merged cells: a title, a sub-question over its items)
        holds only question lines."""
        cells = [c.strip() for c in line.split(CELLS)]
        if self.started and all(self.column_label(c) for c in cells):
            # the table's own header row, "Question | Answer", « Question | Réponse du Valdorre »
            self.columns = (len(cells), next((i for i, c in enumerate(cells) if normalise(c) not in QUESTION_COLUMNS),
                                             len(cells)))
            return True
        width, answers_at = self.columns
        if 1 < len(cells) <= width and 0 < answers_at and self.header_cell(cells[0]):
            # a shorter row: merged cells over a title or a sub-question, or an empty question cell the reader left
            # out ("1.3 b | Voir 1.3 a."): its last cell is the answer when it reads as one
            split = answers_at if len(cells) == width else len(cells) if not ends_as_sentence(cells[-1]) else -1
            for cell in cells[1:split]:  # the question's wording in its own column (or a merged row's)
                wording, *items = RE_ITEM_IN_CELL.split(cell)
                self.word_question(wording)
                for item in items:  # "…please indicate if: a. …?": the wording, then an item of its own
                    if not self.header(item, table=True):
                        self.word_question(item)
            answer = CELLS.join(c for c in cells[split:] if c) if split < len(cells) else ""
            if answer:
                self.answer_line(lineno, answer)
            return True
        used = 0
        while used < min(3, len(cells)) and self.header_cell(cells[used]):
            used += 1
        if used < len(cells) and used:
            self.answer_line(lineno, CELLS.join(cells[used:]))
        return used > 0

    def header_cell(self, cell: str) -> bool:
        """A table cell of question lines: a question and the first of its items may share the cell."""
        first, *rest = RE_ITEM_IN_CELL.split(cell)
        if not self.header(first, table=True) and not (
                self.qnum and leading_number(first) == self.qnum
                and reads_as_question(RE_LEADING_NUMBER.sub("", first))):  # "15. Are the offences…": the open one
            return False
        for part in rest:
            if not self.header(part, table=True) and self.pending:
                self.pending[-1].text += "\n" + part
        return True

    def column_label(self, cell: str) -> bool:
        """A table header's cell: "Question", « N° », "Answer", « Réponse du Valdorre » (an answer label, colon or not)."""
        if normalise(cell) in TABLE_LABELS:
            return True
        label = RE_ANSWER_LABEL.match(cell.rstrip(" *:：") + ":")
        return (bool(label) and label.end() >= len(cell.rstrip(" *:："))
                and self.labels_party(label["who"] or label["owner"]))
