"""Lines a page or a text export wrapped, joined again into the paragraphs the reply wrote: a PDF's lines (pdf.py),
and a text file saved with hard line breaks (a PDF converted to text, a reply pasted from an e-mail)."""

from __future__ import annotations

import re

from .document import CELLS, is_contents_entry
from .footnotes import next_note, page_notes, place_notes, without_calls
from .hyphens import join_broken

# a footnote's first line: a note number, superscript or set apart ("¹ Campaign…", "1 Campaign…")
SOFT_HYPHEN = "\u00ad"  # where a word may break: invisible unless it does

# a line that starts something: a question, a number or letter label, an arrow, a bullet
RE_STARTS = re.compile(r"^\s*(?:Question\b|Q\d|\(?\d{1,2}(?:\.\d{1,2})+(?:\.?[a-f])?[.)]?(?=\s)|\(?\d{1,2}[.)](?=\s)"
                       r"|\(?[a-fA-F][.)]\s|[-•►→▪*])")
# the end of a wrapped line whose sentence goes on to a number on the next line ("questions 1.1," / "1.2 and 1.3")
RE_GOES_ON_TO = re.compile(r"(?:,|\b(?:and|or|et|ou|of|to|de|des|du|aux?|à|questions?|articles?|arts?\.|n[°º]|no\.))$",
                           re.I)


NOTE_GAP = 9  # a page's small type opens its next note with a number at most this far past the note before


def unwrap(lines: list[str], widths: list[int] | None = None, breaks: list[bool | None] | None = None,
           notes: list[bool] | None = None) -> list[tuple[str, int]]:
    """Joined lines, each with the index of the raw line it starts at.

    Never joined: after "?" or "!" (a question), after ":" or ";" unless the layout shows one paragraph (or, where
    it cannot tell, a line that ran to the full width goes on in lower case: « … par les TIC : » / « références dans
    la législation »), nor a line that opens a question, a label or a bullet, unless a parenthesis is still open at
    the end of a line that ran to the full width ("… (questions 13.1 et" then "13.2) sont organisés …") or that line
    ends on a comma or a word a number follows ("… questions 1.1," / "1.2 et 1.3 …"). Otherwise the layout decides
    where it can (`breaks[i]`: a paragraph starts at line i, or not); where it cannot, a line continues the
    previous one when it starts in lower case, or when the previous one ran to (nearly) the full width
    (`widths[i]`: the longest line of line i's page; by default of all lines) and did not close a sentence
    before a capital. A word broken at the line end is joined without a space: after a soft hyphen (dropped), and
    after a hyphen before a lower-case letter (hyphens.join_broken: "protec-" / "tion" is "protection", while
    "child-" / "friendly" stays "child-friendly").  Footnote lines (`notes[i]`) stand aside: a sentence the page
    broke goes on past its page's footnotes, which follow the paragraph they interrupted."""
    if widths is None:
        widths = [max((len(" ".join(ln.split())) for ln in lines), default=0)] * len(lines)
    out: list[tuple[str, int]] = []
    parts: list[str] = []  # the pieces of the line being joined (joined once: no quadratic string building)
    wrapped = False  # the last line kept reached the full width
    depth = 0  # parentheses left open in the line being joined
    held: list[tuple[str, int]] = []  # footnotes met since the paragraph being joined began
    for index, raw in enumerate(lines):
        line = " ".join(raw.split())  # justified text comes out with runs of spaces
        if notes and notes[index]:
            if held and line and not next_note(held[-1][0], line, NOTE_GAP):
                held[-1] = (f"{held[-1][0]} {line}", held[-1][1])  # a note's wrapped line ("18 November 2016, …")
            elif line:
                held.append((line, index))
            continue
        prev = parts[-1] if parts else ""
        layout = breaks[index] if breaks else None
        closed = prev.endswith(("!", "?")) or prev.endswith((":", ";")) and layout is not False \
            and not (layout is None and wrapped and line[:1].islower()) or is_contents_entry(prev)
        opens = (RE_STARTS.match(line) or line.startswith(("– ", "— ")) and prev.endswith((".", ":", ";"))) \
            and not (depth > 0 and (wrapped or layout is False))  # a dash item ends a lead-in, not a clause
        if opens and wrapped and RE_GOES_ON_TO.search(prev):
            opens = False  # "… referred to in questions 1.1," / "1.2 and 1.3 …": a number the sentence goes on to
        if prev and line and not closed and not opens and (
                layout is False or layout is None and (
                    line[0].islower() or wrapped and not (prev.endswith(".") and line[0].isupper()))):
            if prev.endswith(SOFT_HYPHEN):  # "protec\xad" + "tion": one word, as the reply wrote it
                parts[-1] = prev[:-1] + line
            elif prev.endswith("-") and prev[-2:-1].isalpha() and line[0].islower():
                parts[-1] = join_broken(prev, line)  # "protec-" + "tion", "child-" + "friendly": one word
            else:
                parts.append(line)
        else:
            if out:
                out[-1] = (" ".join(parts), out[-1][1])
            out.extend(held)
            held = []
            out.append((line, index))
            parts = [line]
            depth = 0
        depth = max(depth + line.count("(") - line.count(")"), 0)
        wrapped = len(line) >= max(0.8 * widths[index], 50)
    if out and parts:
        out[-1] = (" ".join(parts), out[-1][1])
    return out + held

HARD_WRAP_WIDTH = 120  # a text file whose lines stop by this width (95% of them) may have been wrapped
WRAPPED_SHARE = 0.1  # ... and is, when at least this share of its lines run to the width and go on on the next


def hard_wrap_width(lines: list[str]) -> int | None:
    """The width a text file's lines were wrapped at, or None when its paragraphs run on one line each (a line that
    reaches the width without closing a sentence, and a non-blank line after it, is a wrapped line)."""
    lengths = sorted(len(" ".join(line.split())) for line in lines if line.strip())
    if len(lengths) < 20:
        return None
    width = lengths[int(0.95 * (len(lengths) - 1))]
    if width > HARD_WRAP_WIDTH:
        return None
    flat = [" ".join(line.split()) for line in lines]
    wrapped = sum(1 for here, after in zip(flat, flat[1:])
                  if len(here) >= 0.7 * width and after and not here.endswith((".", "?", "!", ":", ";")))
    return width if wrapped >= WRAPPED_SHARE * len(lengths) else None


def row_breaks(rows: list[bool], breaks: list[bool | None]) -> list[bool | None]:
    """A table's row stands alone: it, and the line after it, start a paragraph (`rows`: per line, whether it is a
    table's row); the other lines keep `breaks`."""
    return [True if row or after else found for found, row, after in zip(breaks, rows, [False, *rows])]


def unwrap_text(lines: list[str], skip: set[int] = frozenset()) -> list[str]:
    """A hard-wrapped text file's lines with each paragraph on the line it starts on and blanks where its other
    lines were (line numbers still point into the file); the lines as they are when they were not wrapped.  The
    `skip` lines (a page's running header and footer) are left out, so a paragraph goes on past them."""
    notes = page_notes(lines, skip)  # set after the paragraph that calls them, their numbers out of its sentence
    lines = without_calls(lines, notes)
    width = hard_wrap_width(lines)
    if width is None:
        return place_notes(lines, notes)
    # the blank lines around a running header or footer are the page break's, not a paragraph's end
    around = {j for i in skip for j in (i - 1, i + 1) if 0 <= j < len(lines) and not lines[j].strip()}
    kept = [i for i in range(len(lines)) if i not in skip and i not in around]
    # a table's row (aligned.py) stands alone
    breaks = row_breaks([CELLS in lines[i] for i in kept], [None] * len(kept))
    out = [""] * len(lines)
    for text, start in unwrap([lines[i] for i in kept], [width] * len(kept), breaks):
        out[kept[start]] = text
    return place_notes(out, notes)
