"""Footnotes of a text export (pdftotext and the like): the notes a page ends with, told apart by the number that
calls them in the page's text ("… Child Safety Act1 online platforms …" / "1 Act No. 77/2019 …"), and set after the
paragraph that calls them rather than where the page broke.  (A PDF's own reading tells its notes by their smaller
type, pdf.footnotes, and sets them after the paragraph the page broke.)

A text gives no type size to tell a note by; the call is the evidence.  A block opening with a number at a page's
foot is a note only when that number is glued to a word (or a word's closing punctuation) earlier on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NOTE_LINES = 12  # a page's notes take at most this many lines
RAISED = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# a line that opens a footnote: its number, raised or followed by a space
RE_NOTE_START = re.compile(rf"^\s*(?:[{RAISED}]+|\d{{1,3}}(?=\s))")
AS_DIGITS = str.maketrans(RAISED, "0123456789")


@dataclass
class Note:
    lines: list[int]  # the note's lines in the file
    caller: int  # the line that calls it
    mark: tuple[int, int]  # where the call's number stands in that line
    text: str  # the note, its lines joined


def _call(number: str) -> re.Pattern:
    """The note's number glued to the word before it, set on the line or raised: "Act1", "law.1", "Act”1", "Act¹";
    not "1.1", "2019", "Q1"."""
    raised = number.translate(str.maketrans("0123456789", RAISED))
    return re.compile(rf"(?:(?<=[^\W\d_]{{3}})|(?<=[^\d\s][.,;:)”\"’]))(?:{number}|{raised})"
                      rf"(?![\w.,]\w)(?![\d{RAISED}])")


def page_notes(lines: list[str], furniture: set[int]) -> list[Note]:
    """The notes at the foot of each page: the blocks just above a run of page furniture (a running footer, a page
    number, the next page's header) that each open with a number, consecutive ones, the first called on the page."""
    notes: list[Note] = []
    page_start = 0
    i = 0
    while i < len(lines):
        if i not in furniture:
            i += 1
            continue
        run_end = i
        while run_end + 1 < len(lines) and (run_end + 1 in furniture or not lines[run_end + 1].strip()):
            run_end += 1
        notes.extend(_foot(lines, page_start, i))
        page_start = i = run_end + 1
    return notes


def _blocks_above(lines: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """The blocks of non-blank lines between start and end, last first, within NOTE_LINES of the end."""
    blocks: list[tuple[int, int]] = []
    j = end - 1
    while j >= max(start, end - NOTE_LINES - 4):
        if not lines[j].strip():
            j -= 1
            continue
        bottom = j
        while j - 1 >= start and lines[j - 1].strip():
            j -= 1
        blocks.append((j, bottom + 1))
        j -= 1
    return blocks


def note_number(line: str) -> str:
    """The number a line opens with as a note's ("¹" is note 1 too), "" for none."""
    first = RE_NOTE_START.match(line)
    return first.group().strip().translate(AS_DIGITS) if first else ""


def next_note(note: str, line: str, gap: int = 1) -> bool:
    """The line opens a note after `note` (its number plus one, or up to `gap` more), not a wrapped line that opens
    with a number ("18 November 2016, p. 1203." under note 1)."""
    number, before = note_number(line), note_number(note)
    return number.isdecimal() and (not before.isdecimal() or 0 < int(number) - int(before) <= gap)


def _split(lines: list[str], top: int, bottom: int) -> list[tuple[int, int]]:
    """A block's notes, last first: a note set right under the one before opens with the number after its number
    ("1 Act No. …" / "in force since 2020." / "2 Code of …")."""
    starts = [top]
    for k in range(top + 1, bottom):
        if next_note(lines[starts[-1]], lines[k]):
            starts.append(k)
    return list(reversed(list(zip(starts, [*starts[1:], bottom]))))


def _foot(lines: list[str], start: int, end: int) -> list[Note]:
    """The notes that end the page running from `start` to `end` (the furniture's first line)."""
    found: list[tuple[int, int, str]] = []  # (first line, end line, number), last first
    expected: int | None = None
    for top, bottom in (note for block in _blocks_above(lines, start, end) for note in _split(lines, *block)):
        number = note_number(lines[top])
        if not number.isdecimal() or (expected is not None and int(number) != expected) or top == start:
            break
        if bottom - top + sum(b - t for t, b, _ in found) > NOTE_LINES:
            break
        found.append((top, bottom, number))
        expected = int(number) - 1
    notes: list[Note] = []
    body_end = found[-1][0] if found else end
    for top, bottom, number in reversed(found):
        call = _call(number)
        caller = next(((k, m) for k in range(body_end - 1, start - 1, -1)
                       for m in reversed(list(call.finditer(lines[k])))), None)
        if caller is None:
            return []  # a numbered paragraph ending the page, not its notes
        k, m = caller
        text = " ".join(" ".join(lines[n].split()) for n in range(top, bottom))
        notes.append(Note(list(range(top, bottom)), k, m.span(), text))
    return notes


def without_calls(lines: list[str], notes: list[Note]) -> list[str]:
    """The lines with the notes' call numbers taken out of the sentences ("Act1 online" -> "Act online") and the
    notes' own lines blank."""
    out = list(lines)
    for note in sorted(notes, key=lambda n: n.mark[0], reverse=True):
        a, b = note.mark
        out[note.caller] = out[note.caller][:a] + out[note.caller][b:]
    for note in notes:
        for n in note.lines:
            out[n] = ""
    return out


def place_notes(paragraphs: list[str], notes: list[Note]) -> list[str]:
    """Paragraphs laid out one per line at the line they start on (blanks between), with each note on the last blank
    line before the paragraph after the one that calls it (or joined to it when there is none)."""
    out = list(paragraphs)
    # the last called first: a paragraph's notes then stand after it in the order it calls them
    for note in sorted(notes, key=lambda n: (n.caller, n.mark[0]), reverse=True):
        here = max((i for i in range(note.caller + 1) if out[i].strip()), default=None)
        if here is None:
            continue
        after = next((i for i in range(here + 1, len(out)) if out[i].strip()), len(out))
        if after - 1 > here:
            out[after - 1] = note.text
        else:
            out[here] = f"{out[here]} {note.text}"
    return out
