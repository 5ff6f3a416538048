"""Tables in a PDF's text layer, read row by row ("Possession | Article 226a(1) | Fine or imprisonment of up to three
years"), the form every other reader gives a table's rows, so quotes pair each cell with its column's header.

pypdf's text runs a row's cells together and cuts a row whose cells wrap into several lines, but it says where each
piece of text starts on the page.  A table shows there: lines whose text starts again after a blank wider than any
word space, at the same places line after line (its columns), and a row's cells apart from the next row's by more
than the step between the lines of one cell."""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from .document import CELLS

RE_NUMBER = re.compile(r"[(\[]?\d{1,3}[.)\]]?")

MIN_ROWS = 2  # lines breaking at the same place, for that place to be a column
ALIGN = 2.5  # points: pieces of text starting this close start the same column
TABLE_GAP = 3.0  # font sizes of blank between two lines of one table, at most
ROW_GAP = 1.3  # a piece of text this many line steps below the one before it in its column starts a new row
WORDS = 6  # pieces on a line from which they are words set one by one, not a row's cells
MIN_RULE = 20.0  # points: a horizontal line at least this long may be a table's border
WIDE_BREAK = 4.0  # the same on a line of words set one by one
BREAK = 1.5  # font sizes of blank between two pieces of one line: a column's, not a word space's (justified text too)
ACROSS = 0.2  # in a ruled table, a column stands when at most this share of its lines runs across it (spanning rows)


@dataclass
class Piece:
    """A piece of a page's text as pypdf draws it: where it starts, its size, the line of pypdf's text it is on."""

    text: str
    x: float
    y: float
    size: float
    line: int


@dataclass
class Table:
    first: int  # the lines of pypdf's text the table spans
    last: int
    rows: list[str]  # each row's cells joined by CELLS


class Rules:
    """The heights of the horizontal lines a page draws (a ruled table's borders: the edges of its cells' rectangles,
    lines from one point to another), collected from the page's drawing operators as pypdf reads them."""

    def __init__(self) -> None:
        self.heights: list[float] = []
        self._start: tuple[float, float] | None = None

    def visit(self, op: bytes, args: list, cm: list[float], tm: list[float]) -> None:
        if op == b"re" and len(args) == 4:
            x, y, w, h = (float(a) for a in args)
            if abs(w * cm[0]) >= MIN_RULE:
                self.heights += [cm[1] * x + cm[3] * y + cm[5], cm[1] * x + cm[3] * (y + h) + cm[5]]
        elif op == b"m" and len(args) == 2:
            self._start = (cm[0] * float(args[0]) + cm[4], cm[3] * float(args[1]) + cm[5])
        elif op == b"l" and len(args) == 2 and self._start is not None:
            x, y = cm[0] * float(args[0]) + cm[4], cm[3] * float(args[1]) + cm[5]
            if abs(y - self._start[1]) < 0.5 and abs(x - self._start[0]) >= MIN_RULE:
                self.heights.append(y)
            self._start = (x, y)


def find_tables(pieces: list[Piece], rules: list[float] = ()) -> list[Table]:
    """The tables of one page (see the module's doc; `rules`: the heights of the horizontal lines the page draws);
    none where the layout is not a table's."""
    cells = [p for p in pieces if p.text.strip() and p.y > 0 and p.size > 0]
    if len(cells) < 2 * MIN_ROWS:
        return []
    breaks = [(y, x) for y, row in _visual_lines(cells) for x in _column_breaks(row)]
    columns = [x for x, n in _aligned(breaks) if n >= MIN_ROWS]
    if not columns:
        return []
    anchors = sorted({y for y, x in breaks if any(abs(x - c) <= ALIGN for c in columns)}, reverse=True)
    out = []
    for group in _groups(anchors, cells):
        table = _table(cells, group, columns, rules)
        if table is not None:
            out.append(table)
    return out


def _visual_lines(cells: list[Piece]) -> list[tuple[float, list[Piece]]]:
    """The pieces on one height (a third of their size apart at most), each line's pieces from left to right."""
    lines: list[tuple[float, list[Piece]]] = []
    for p in sorted(cells, key=lambda p: -p.y):
        if lines and lines[-1][0] - p.y <= 0.3 * p.size:
            lines[-1][1].append(p)
        else:
            lines.append((round(p.y, 1), [p]))
    return [(y, sorted(row, key=lambda p: p.x)) for y, row in lines]


def _column_breaks(row: list[Piece]) -> list[float]:
    """Where a line's text starts again after a blank no word space makes: wider than BREAK font sizes, or, on a line
    of words set one by one (justified text, whose guessed widths are rough), than WIDE_BREAK.  A piece's width is
    guessed from its characters (`_end`)."""
    least = WIDE_BREAK if len(row) >= WORDS else BREAK
    return [b.x for a, b in zip(row, row[1:]) if b.x - _end(a) > least * a.size]


def _end(p: Piece) -> float:
    """Where a piece of text ends, guessed from its characters: half the type's size each."""
    return p.x + len(p.text.rstrip()) * 0.5 * p.size


def _aligned(breaks: list[tuple[float, float]]) -> list[tuple[float, int]]:
    """Where column breaks fall across the page, breaks this close counted as one, with how many lines have each."""
    found: list[tuple[float, set[float]]] = []
    for y, x in sorted(breaks, key=lambda b: b[1]):
        if found and x - found[-1][0] <= ALIGN:
            found[-1][1].add(y)
        else:
            found.append((x, {y}))
    return [(x, len(ys)) for x, ys in found]


def _groups(anchors: list[float], cells: list[Piece]) -> list[list[float]]:
    """The lines where columns break (top first), cut where the text between two of them leaves a blank of more than
    TABLE_GAP lines (a tall cell is no blank): one table each."""
    heights = sorted({p.y for p in cells}, reverse=True)
    size = median(p.size for p in cells)
    groups: list[list[float]] = []
    for y in anchors:
        between = [h for h in heights if y <= h <= groups[-1][-1]] if groups else []
        if groups and all(a - b <= TABLE_GAP * size for a, b in zip(between, between[1:])):
            groups[-1].append(y)
        else:
            groups.append([y])
    return [g for g in groups if len(g) >= MIN_ROWS]


def _table(cells: list[Piece], anchors: list[float], breaks: list[float], rules: list[float]) -> Table | None:
    size = median(p.size for p in cells)
    top, bottom = anchors[0] + 0.6 * size, anchors[-1]
    near = [p for p in cells if top >= p.y >= bottom - 0.6 * size]
    columns = [min(p.x for p in near)]
    columns += [x for x in breaks if x > columns[0] + ALIGN and any(abs(p.x - x) <= ALIGN for p in near)]
    if len(columns) < 2:
        return None
    inside = sorted((p for p in cells if p.y <= top and p.x >= columns[0] - ALIGN), key=lambda p: (-p.y, p.x))
    region: list[Piece] = []
    for p in inside:  # down to the last row's last line: no further below the line before than a line's step
        if p.y >= bottom - 0.6 * size or region and region[-1].y - p.y <= 1.6 * p.size:
            region.append(p)
        else:
            break
    # a column no text of the region runs across (a justified paragraph's words fall across any place), or, in a
    # table that draws its rules, few lines: a row spanning its columns (a sub-question over its items' "Question |
    # Reply" rows) is one line of many
    ruled = any(bottom - size <= r <= top for r in rules)
    lines = {p.line for p in region}
    allowed = ACROSS * len(lines) if ruled else 0
    columns = columns[:1] + [c for c in columns[1:] if len({p.line for p in region if p.x < c - ALIGN
                                                            and _end(p) > c + p.size}) <= allowed]
    if len(columns) < 2:
        return None
    if any(p.line in lines and p not in region for p in cells):
        return None  # a line of pypdf's text holds more than the table: leave the page as pypdf reads it
    rows = _rows(region, columns, rules)
    if len(rows) < MIN_ROWS or all(RE_NUMBER.fullmatch(row.split(CELLS)[0].strip()) for row in rows):
        return None  # notes or paragraphs numbered "1", "2": not a table
    return Table(min(lines), max(lines), rows)


def _column(p: Piece, columns: list[float]) -> int:
    return max((i for i, x in enumerate(columns) if p.x >= x - ALIGN), default=0)


def _rows(region: list[Piece], columns: list[float], rules: list[float]) -> list[str]:
    """The region's pieces as rows: between the table's horizontal rules where it draws them; else, in each column,
    a piece no further below the one before than ROW_GAP line steps goes on the same cell, and a row ends where no
    cell goes on across (a short cell set lower in a tall row, centred, is inside it); a table whose rows are single
    lines with no space between them has one row per line."""
    levels = sorted({p.y for p in region}, reverse=True)
    drawn = sorted({round(r, 1) for r in rules if levels[-1] < r < levels[0]}, reverse=True)
    if drawn:
        return _cells(region, columns, drawn)
    by_column: dict[int, list[Piece]] = {}
    for p in region:
        by_column.setdefault(_column(p, columns), []).append(p)
    gaps = [a.y - b.y for ps in by_column.values() for a, b in zip(ps, ps[1:]) if a.y - b.y > 0.5 * b.size]
    step = min(gaps) if gaps else 1.2 * median(p.size for p in region)  # between the lines of one cell
    links = [(b.y, a.y) for ps in by_column.values() for a, b in zip(ps, ps[1:]) if a.y - b.y <= ROW_GAP * step]
    cuts = [low for high, low in zip(levels, levels[1:]) if not any(b <= low and a >= high for b, a in links)]
    if not cuts and all(len({_column(p, columns) for p in region if p.y == y}) >= 2 for y in levels):
        cuts = levels[1:]  # one line a row, no space between rows
    return _cells(region, columns, cuts, rules=False)


def _cells(region: list[Piece], columns: list[float], cuts: list[float], rules: bool = True) -> list[str]:
    """Rows of cells, a row ending at each cut (a rule's height, or the first line below a row's last)."""
    cells: list[list[list[str]]] = [[[] for _ in columns] for _ in range(len(cuts) + 1)]
    for p in region:
        row = sum(1 for c in cuts if (p.y < c if rules else p.y <= c))
        cells[row][_column(p, columns)].append(p.text.strip())
    texts = [[" ".join(parts) for parts in row] for row in cells if any(row)]
    # a row that leaves its last cells empty (a title or a sub-question spanning the table) ends at its last text
    return [CELLS.join(row[:max(i for i, cell in enumerate(row) if cell) + 1]) for row in texts]
