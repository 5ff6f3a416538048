"""Tables a text export lays out with spaces, read as rows of cells ("Possession | 212(2) CC | 1 to 5 years' prison"),
the form every other reader gives a table's rows, so quotes pair each cell with its column's header.

Such a table (pandoc's "simple table", a PDF or Word file saved as text) is a header line, a rule of dashes with a run
per column ("-----  ------  ----"), then rows whose cells start under the runs.  A cell too long for its column goes on
in the next line, under the same column, with the other columns empty.  The table ends at a line whose text crosses the
gap between two columns (prose again), at a closing rule, or at a blank line that prose follows."""

from __future__ import annotations

import re

from .document import CELLS

RE_RULE = re.compile(r"^\s*-{3,}(?:[ \t]+-{3,})+\s*$")  # two or more runs of dashes: the columns
RE_FULL_RULE = re.compile(r"^\s*-{10,}\s*$")  # a rule across the whole table (above a header, below the last row)
MAX_HEADER_LINES = 3
OVERRUN = 3  # a cell may run this far past its column's rule; prose runs on much further


def columns(rule: str) -> list[tuple[int, int]]:
    """The (start, end) of each run of dashes in a rule line."""
    return [(m.start(), m.end()) for m in re.finditer(r"-{3,}", rule.expandtabs())]


def cells(line: str, spans: list[tuple[int, int]]) -> list[str] | None:
    """A line's text cut at the columns (each from its run's start to the next run's start); None when the line is
    no row of this table: text before the first column, in a gap between two columns, or past the last column."""
    text = line.expandtabs().rstrip()
    if text[:spans[0][0]].strip() or len(text) > spans[-1][1] + OVERRUN:
        return None
    if any(text[end:start].strip() for (_, end), (start, _) in zip(spans, spans[1:])):
        return None
    starts = [start for start, _ in spans] + [None]
    return [text[a:b].strip() for a, b in zip(starts, starts[1:])]


def aligned_tables(lines: list[str]) -> list[str]:
    """The lines with every space-aligned table's header and rows as "cell | cell" lines, each row on the line it
    starts on, and blanks where its rules and wrapped lines were (line numbers still point into the file)."""
    out = list(lines)
    i = 0
    while i < len(lines):
        if not RE_RULE.match(lines[i]):
            i += 1
            continue
        spans = columns(lines[i])
        header = _header(lines, i, spans)
        rows, end = _rows(lines, i, spans)
        if not rows or not header and len(rows) < 2:
            i += 1
            continue
        for n in range(header[0][0] if header else i, end):
            out[n] = ""  # rules, wrapped lines; the rows are written below
        if header:
            out[header[0][0]] = CELLS.join(" ".join(p for p in column if p) for column in zip(*(c for _, c in header)))
            if header[0][0] > 0 and RE_FULL_RULE.match(lines[header[0][0] - 1]):
                out[header[0][0] - 1] = ""
        for n, cut in rows:
            out[n] = CELLS.join(cut)
        i = end
    return out


def _header(lines: list[str], rule: int, spans: list[tuple[int, int]]) -> list[tuple[int, list[str]]]:
    """The header's lines above the rule (a name may wrap over a few), each cut into columns."""
    header: list[tuple[int, list[str]]] = []
    j = rule - 1
    while j >= 0 and rule - j <= MAX_HEADER_LINES and lines[j].strip() and not RE_FULL_RULE.match(lines[j]):
        cut = cells(lines[j], spans)
        if cut is None or lines[j].rstrip().endswith((".", ":", ";", ",")):
            break  # a sentence, not a column's name
        header.insert(0, (j, cut))
        j -= 1
    return header


def _rows(lines: list[str], rule: int, spans: list[tuple[int, int]]) -> tuple[list[tuple[int, list[str]]], int]:
    """The rows under the rule (each with the line it starts on; a wrapped cell's lines joined to its row) and the
    line after the table (past a closing rule)."""
    rows: list[tuple[int, list[str]]] = []
    k = rule + 1
    while k < len(lines):
        line = lines[k]
        if not line.strip():  # a blank where a page broke: the table goes on if a row follows
            ahead = next((n for n in range(k + 1, len(lines)) if lines[n].strip()), None)
            if ahead is None or not _is_row(lines[ahead], spans):
                break
        elif RE_FULL_RULE.match(line) or RE_RULE.match(line):
            return rows, k + 1
        elif (cut := cells(line, spans)) is None:
            break
        elif rows and (not cut[0] or sum(1 for c in cut if c) == 1 and _indented(line, spans)):
            rows[-1] = (rows[-1][0], [f"{a} {b}".strip() for a, b in zip(rows[-1][1], cut)])
        else:
            rows.append((k, cut))
        k += 1
    while k > rule + 1 and not lines[k - 1].strip():
        k -= 1  # the blank lines after the last row are the text's
    return rows, k


def _is_row(line: str, spans: list[tuple[int, int]]) -> bool:
    """A row of the table: cells in two columns or more, or a wrapped cell's next line."""
    cut = cells(line, spans)
    return cut is not None and (sum(1 for c in cut if c) >= 2 or _indented(line, spans))


def _indented(line: str, spans: list[tuple[int, int]]) -> bool:
    """A wrapped cell's next line: set in from its column's start."""
    text = line.expandtabs()
    return len(text) - len(text.lstrip()) > spans[0][0]
