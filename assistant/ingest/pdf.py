"""PDF replies with a text layer: text page by page, running headers, footers and page numbers taken out, lines
the page wrapped joined again (across page breaks too), each line's page kept for citations."""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pypdf

from ..errors import ReadError
from .document import CELLS, Document, furniture_key, is_page_number, sha256_of
from .pdf_tables import Piece, Rules, find_tables
from .footnotes import RE_NOTE_START, note_number
from .wrapping import row_breaks, unwrap

EDGE = 3  # lines at the top and at the bottom of a page where running headers and footers sit
RUNNING_SHARE = 0.5  # a line is running furniture when it sits at a page edge on at least this share of pages
@contextmanager
def _quiet_pypdf():
    """pypdf logs its own warnings about damaged files; the reader reports one line instead."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def read_pdf(path: Path) -> Document:
    """Text page by page; `pages` keeps each line's page so answers can cite it."""
    try:
        with _quiet_pypdf():
            reader = pypdf.PdfReader(path)
            if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
                raise ReadError(path, "is password-protected; remove the password and try again")
            texts = [page_text(page) for page in reader.pages]
    except ReadError:
        raise
    except pypdf.errors.DependencyError as exc:  # e.g. AES encryption without `cryptography`
        raise ReadError(path, f"is encrypted and cannot be opened ({exc})") from exc
    except Exception as exc:  # pypdf raises many error types on malformed files
        raise ReadError(path, f"is not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if not any(line.strip() for lines, _, _ in texts for line in lines):
        raise ReadError(path, "has no text layer (scanned?); run OCR first")
    lines, pages = page_lines(*(list(part) for part in zip(*texts)))
    return Document(path=path, lines=lines, sha256=sha256_of(path), pages=pages)


Span = tuple[float, float]  # where a text line sits: its baseline's height on the page, its font size
SIZE_CHANGE = 1.2  # a line whose type is this much larger or smaller than the line above starts a paragraph


Call = tuple[int, str]  # a footnote's number set in a sentence: the line it stands on, the number


def page_text(page: pypdf.PageObject) -> tuple[list[str], list[Span | None], list[Call]]:
    """A page's text lines as pypdf extracts them, where each line sits (None where it cannot be told) and the
    footnote numbers its sentences call (taken out of them); a table's rows as rows of cells (pdf_tables)."""
    fragments: list[tuple[str, Span, float]] = []
    rules = Rules()

    def visit(text, cm, tm, font, size):
        height = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        left = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        fragments.append((text, (height, abs(size * tm[3] * cm[3]) or abs(size)), left))

    text = page.extract_text(visitor_text=visit, visitor_operand_before=rules.visit) or ""
    lines = text.split("\n")
    spans: list[Span | None] = [None] * len(lines)
    if "".join(t for t, _, _ in fragments) != text:
        return lines, spans, []
    calls: list[Call] = []
    index = 0
    kept: list[str] = []
    pieces: list[Piece] = []
    for fragment, span, x in fragments:
        if spans[index] is not None and is_note_mark(fragment, span, spans[index]):
            calls.append((index, fragment.strip()))
            continue  # "Not applicable.⁴": the note's number is no part of the sentence
        kept.append(fragment)
        for n, piece in enumerate(fragment.split("\n")):
            index += n > 0
            if piece.strip() and spans[index] is None:
                spans[index] = span
            if piece.strip():
                pieces.append(Piece(piece, x if n == 0 else 0.0, span[0] if n == 0 else 0.0, span[1], index))
    lines = "".join(kept).split("\n")
    for table in reversed(find_tables(pieces, rules.heights)):  # each row stands alone: page_lines joins it to nothing
        lines[table.first:table.last + 1] = table.rows
        spans[table.first:table.last + 1] = [None] * len(table.rows)
        shift = len(table.rows) - (table.last + 1 - table.first)
        calls = [(i + shift if i > table.last else min(i, table.first + len(table.rows) - 1), n) for i, n in calls]
    return lines, spans, calls


def is_note_mark(fragment: str, span: Span, line: Span) -> bool:
    """A footnote's number set in a sentence: a digit or two, smaller than the line's type and not below its baseline
    (raised by its position, or by a text rise pypdf does not report)."""
    height, size = span
    return (fragment.strip().isdigit() and len(fragment.strip()) <= 2 and "\n" not in fragment
            and size <= SMALL * line[1] and height >= line[0] - 0.05 * line[1])


def page_lines(pages: list[list[str]], spans: list[list[Span | None]] | None = None,
               calls: list[list[Call]] | None = None) -> tuple[list[str], list[int]]:
    """The body text of every page as one run of unwrapped lines, and the page (1-based) each line starts on; a
    footnote follows the paragraph that calls it (`calls`: per page, page_text's)."""
    spans = spans or [[None] * len(page) for page in pages]
    calls = calls or [[] for _ in pages]
    called: list[Call] = []  # (line of `raw`, note number)
    raw: list[str] = []
    origin: list[int] = []
    widths: list[int] = []
    breaks: list[bool | None] = []
    notes: list[bool] = []
    header = ""  # the first row of the table the last page ended in
    for number, (page, page_spans, drop) in enumerate(zip(pages, spans, furniture(pages)), start=1):
        keep = [i for i in range(len(page)) if i not in drop]
        if raw and CELLS in raw[-1]:
            keep = continue_row(raw, page, keep, header)
        width = max((len(" ".join(page[i].split())) for i in keep), default=0)
        at = {i: len(raw) + n for n, i in enumerate(keep)}
        called.extend((at[i], note) for i, note in calls[number - 1] if i in at)
        for i in keep:  # the first row of each run of rows: a table's header, which a page break repeats
            if CELLS in page[i] and not (raw and CELLS in raw[-1]):
                header = page[i]
            raw.append(page[i])
        origin.extend([number] * len(keep))
        widths.extend([width] * len(keep))
        # a table's row (page_text: cells, no place of its own) stands alone
        rows = [CELLS in page[i] and page_spans[i] is None and any(page_spans) for i in keep]
        breaks.extend(row_breaks(rows, paragraph_breaks([page_spans[i] for i in keep])))
        notes.extend(footnotes([page[i] for i in keep], [page_spans[i] for i in keep]))
    joined = notes_after_calls(unwrap(raw, widths, breaks, notes), notes, called)
    return [line for line, _ in joined], [origin[i] for _, i in joined]


# a first cell that opens a row of its own: "9.3 …", "6.2 a) et b)", "(a) …", "Q9.3", "Follow-up: …", « Suivi »
RE_ROW_OPENS = re.compile(r"^\s*(?:\(?\d|\(?[a-f][.)](?:\s|$)|q\.?\s*\d|question\b|follow|suivi\b|item\b)", re.I)


def continue_row(raw: list[str], page: list[str], keep: list[int], header: str) -> list[int]:
    """A table's row the page break cut in two: the next page's first row (after the table's header, repeated)
    goes on with it, cell by cell, when it has as many cells and its first cell opens no question or item of its
    own (empty, or "self-generated … to peers?" ending the question cell).  The page's lines left to read."""
    first = 1 if keep and header and page[keep[0]] == header else 0
    if first >= len(keep):
        return keep
    above, below = raw[-1].split(CELLS), page[keep[first]].split(CELLS)
    if CELLS not in page[keep[first]] or len(above) != len(below) or RE_ROW_OPENS.match(below[0]):
        return keep
    raw[-1] = CELLS.join(" ".join(part for part in (a.strip(), b.strip()) if part) for a, b in zip(above, below))
    return keep[first + 1:]


def notes_after_calls(joined: list[tuple[str, int]], notes: list[bool], calls: list[Call]) -> list[tuple[str, int]]:
    """Each footnote (unwrap's lines from the page's small type) moved to follow the paragraph that calls it, in the
    order of their numbers; a note no sentence calls stays after the paragraph the page break interrupted."""
    is_note = [notes[i] for _, i in joined]
    paragraphs = [(i, n) for n, (_, i) in enumerate(joined) if not is_note[n]]  # first raw lines, in order
    firsts = [i for i, _ in paragraphs]
    target: dict[str, int] = {}
    for line, number in calls:
        k = bisect_right(firsts, line) - 1
        if k >= 0:
            target.setdefault(number, paragraphs[k][1])

    def key(n: int) -> tuple[int, int, int]:
        number = note_number(joined[n][0]) if is_note[n] else ""
        return (target[number], 1, int(number)) if number in target else (n, 0, 0)

    return [joined[n] for n in sorted(range(len(joined)), key=key)]


SMALL = 0.85  # a footnote's type is at most this share of the body text's


def footnotes(lines: list[str], spans: list[Span | None]) -> list[bool]:
    """Which lines of a page are its footnotes: from a line in the page's lower half that opens with a note number
    (a superscript one, or a digit set smaller than the body text) to the page's end, while the type stays small."""
    sizes = Counter(round(s[1], 1) for s, line in zip(spans, lines) if s is not None and line.strip())
    body = sizes.most_common(1)[0][0] if sizes else None
    out = [False] * len(lines)
    start = len(lines) // 2

    def small(j: int) -> bool:
        return body is not None and spans[j] is not None and spans[j][1] <= SMALL * body

    for i in range(start, len(lines)):
        first = RE_NOTE_START.match(lines[i])
        # a note's own line takes its place from its number, which may be set in the body's size: its wrapped
        # line tells the note's type then
        after = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
        if first and (lines[i].lstrip()[0] in "¹²³⁴⁵⁶⁷⁸⁹⁰" or small(i) or after is not None and small(after)):
            if all(spans[j] is None or body is None or small(j) or not lines[j].strip()
                   for j in range(i + 1, len(lines))):
                out[i:] = [True] * (len(lines) - i)
                break
    return out


def paragraph_breaks(spans: list[Span | None]) -> list[bool | None]:
    """For each line of a page: does a paragraph start here (a wider gap above it than between the lines of a
    paragraph), or not, or None where the layout cannot tell (first line, no positions, no paragraph spacing).

    Where the page's commonest type size would have every line of its own paragraphs start a new one under the
    closest gap seen (a 12-point heading's wrapped lines stand closer, for their size, than 11-point text's), that
    size is measured on its own; a line in larger or smaller type than the one above starts a paragraph ("Annex I –
    Extracts from the Criminal Code" at 15 points over 11), however close the lines stand."""
    gaps: list[float | None] = [None]
    for above, here in zip(spans, spans[1:]):
        ok = above is not None and here is not None and here[1] > 0 and above[0] > here[0]
        gaps.append(round((above[0] - here[0]) / here[1], 1) if ok else None)
    sizes = [round(span[1]) if span is not None else None for span in spans]

    def closest(values) -> float | None:  # the closest gap seen twice: between a paragraph's lines
        seen = Counter(g for g in values if g is not None and g >= 0.8)
        return min((g for g, count in seen.items() if count >= 2), default=None)

    line_gap = closest(gaps)
    body = Counter(size for size, g in zip(sizes, gaps) if g is not None).most_common(1)
    body_gap = closest(g for size, g in zip(sizes, gaps) if body and size == body[0][0])
    own = body_gap is not None and line_gap is not None and body_gap > 1.2 * line_gap
    if line_gap is None or not any(g > 1.2 * line_gap for g in gaps if g is not None):
        out: list[bool | None] = [None] * len(spans)
    else:
        out = [None if g is None else g > 1.2 * (body_gap if own and size == body[0][0] else line_gap)
               for size, g in zip(sizes, gaps)]
    for i, (above, here) in enumerate(zip(spans, spans[1:]), start=1):
        if above is not None and here is not None and min(above[1], here[1]) > 0 \
                and max(above[1], here[1]) > SIZE_CHANGE * min(above[1], here[1]):
            out[i] = True
    return out


# --------------------------------------------------------------------------- running headers and footers

def _edges(page: list[str]) -> list[int]:
    """Indices of the first and last EDGE non-blank lines of a page."""
    filled = [i for i, line in enumerate(page) if line.strip()]
    return sorted(set(filled[:EDGE] + filled[-EDGE:]))


def running_keys(pages: list[list[str]]) -> set[str]:
    """Lines (digits masked) that sit at a page edge on at least half the pages (and on two or more).

    A line that ends as a sentence or a question ("No.", "Please see answer 9.2.") is answer text, never furniture."""
    if len(pages) < 2:
        return set()
    seen = Counter(key for page in pages for key in {furniture_key(page[i]) for i in _edges(page)})
    need = max(2, RUNNING_SHARE * len(pages))
    return {key for key, count in seen.items() if count >= need and key and not key.endswith((".", "?", ":", ";"))}


def furniture(pages: list[list[str]]) -> list[set[int]]:
    """For each page, the indices of its running header and footer lines and its page number.

    The top of the first page (its upper half's first lines) keeps its lines: nothing precedes it, and a title
    page may repeat the header's words (its document code), which the title page reader needs."""
    running = running_keys(pages)
    out = []
    for number, page in enumerate(pages, start=1):
        filled = [i for i, line in enumerate(page) if line.strip()]
        first, last = (filled[0], filled[-1]) if filled else (-1, -1)
        drop = set()
        for i in _edges(page):
            top = i in filled[:EDGE] and filled.index(i) < len(filled) / 2
            if number == 1 and top and not (i == first and is_page_number(page[i])):
                continue
            if furniture_key(page[i]) in running or i in (first, last) and is_page_number(page[i]):
                drop.add(i)
        # the page number the other pages print at their edge, printed here before text the reader took out of its
        # place (a sidebar's box after the footer): "– 6 –" is no part of the answer it lands in
        drop |= {i for i in filled if is_page_number(page[i]) and furniture_key(page[i]) in running}
        out.append(drop)
    return out
