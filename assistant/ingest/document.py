"""A reply as text lines, whatever its format: what every reader returns and the parser reads."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReadError
from ..ids import RE_ITEM_LINE, RE_LABEL, RE_NUMBERED_LINE, RE_QUESTION_HEADER, RE_QUESTION_ID_LINE

# what prints the same but would split a word for search: a soft hyphen, zero-width spaces and joiners, a stray byte
# order mark ("protec\xadtion"), and the ligatures a PDF may keep ("identiﬁcation")
_SAME_PRINT = str.maketrans({"\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None,
                             "\ufeff": None, "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                             "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
RE_PARAGRAPH_NUMBER = re.compile(r"\(?\d{1,3}[.)]|§\s*\d{1,3}")  # "115.", "(12)", "§ 4": a paragraph's own number
CELLS = " | "  # between the cells of a table's row: every reader writes a row as one line, its cells so joined
MAX_PARAGRAPHS = 20_000  # paragraphs (non-blank lines) in one reply: more is not a reply, and would embed for hours


@dataclass
class Document:
    """A reply as lines of text; `pages[i]` is the page of line i+1 where the format has pages."""

    path: Path
    lines: list[str]
    sha256: str
    pages: list[int] | None = field(default=None)


def clean_text(text: str) -> str:
    """Text as it prints, one way: composed accents (NFC: "é", not "e" + U+0301), no invisible characters, no
    ligatures. Reply lines and questions alike, so a word matches itself however it was typed or extracted."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text.translate(_SAME_PRINT))


# a paginated file saved as text (or turned into Word) keeps its running footers between the answers
# ("T-ES(2017)ICT-LU — page 7", "Page 3 of 24"): a short line with words and a number that comes back, its number
# changed, at least REPEATS times, never closer than GAP lines apart (a list of "Article 171", "Article 172" stays)
REPEATS = 3
GAP = 10
MAX_WORDS = 12
EVEN_PACE = 1.5  # ... and a line without a number comes back at an even pace: no gap more than this times the least
# a line that opens as a question, sub-question or item ("9.1.a", "Question 9", "9.3 Title", "a) …") is never one
QUESTION_LINES = (RE_NUMBERED_LINE, RE_QUESTION_ID_LINE, RE_QUESTION_HEADER, RE_ITEM_LINE)


# "Page 13 of 19", "Page 13", "p. 13", "13/19", "13 / 19", "- 13 -", "-- 13 --", "– 13 –", "[13]", a bare "13"
RE_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.|seite|pagina|página)\s*\d{1,4}(?:\s*(?:of|sur|de|von|di|/)\s*\d{1,4})?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[-–—]{1,2}\s*\d{1,4}\s*[-–—]{1,2}|\[\d{1,4}\]|\d{1,3})$",
    re.I,
)


def is_page_number(line: str) -> bool:
    return bool(RE_PAGE_NUMBER.match(" ".join(line.split())))


def furniture_key(line: str) -> str:
    """What a running header or footer keeps from page to page: case, spacing and numbers (page numbers, dates)
    ignored."""
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def page_furniture(lines: list[str], paged: bool = False) -> set[int]:
    """Indices of the running footer and header lines a paginated file left among its lines (any format: a PDF's
    own reader takes out those it finds by page).  Lines that only come back at an even pace (`paged_lines`) are
    looked for in a file that does not say where its pages break (`paged` False): a PDF says, and a compilation's
    Party headings, under each of its questions in turn, may keep such a pace."""
    seen: dict[str, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        flat = " ".join(line.split())
        if (flat and len(flat.split()) <= MAX_WORDS and re.search(r"\d", flat) and re.search(r"[^\W\d_]", flat)
                and not flat.endswith((".", "?", ":", ";")) and not any(r.match(flat) for r in QUESTION_LINES)):
            seen[furniture_key(flat)].append(i)
    out: set[int] = set()
    for at in seen.values():
        texts = {" ".join(lines[i].split()) for i in at}
        if len(at) >= REPEATS and len(texts) > 1 and min(b - a for a, b in zip(at, at[1:])) >= GAP:
            out.update(at)
    return out if paged else out | paged_lines(lines)


def paged_lines(lines: list[str]) -> set[int]:
    """Indices of what a text export of a paginated reply repeats page after page without a number in it: a header
    line the same each time, or a page number alone ("-- 7 --", or a bare "7" some lines after "6"). Recognised by
    coming back at least REPEATS times at an even pace (pages of about the same length), never closer than GAP lines;
    a heading that comes back (a Party's name over each question of a compilation, a label) does not keep such a
    pace."""
    seen: dict[str, list[int]] = defaultdict(list)
    counts: dict[int, list[int]] = {}  # bare numbers counting up one by one ("2", later "3"): by the number next due
    for i, line in enumerate(lines):
        flat = " ".join(line.split())
        if not flat:
            continue
        if flat.isdigit() and len(flat) <= 4:
            counts[int(flat) + 1] = counts.pop(int(flat), []) + [i]
        elif is_page_number(flat):
            seen["#page"].append(i)
        elif (len(flat.split()) <= MAX_WORDS and not flat.endswith((".", "?", ":", ";"))
              and not any(r.match(flat) for r in QUESTION_LINES)):
            seen[flat].append(i)
    seen["#count"] = max(counts.values(), key=len, default=[])
    out: set[int] = set()
    for at in seen.values():
        gaps = [b - a for a, b in zip(at, at[1:])]
        if len(at) >= REPEATS and min(gaps) >= GAP and max(gaps) <= EVEN_PACE * min(gaps):
            out.update(at)
    return out


# a table of contents' entry: a heading, leaders and its page ("Question 4 – Enseignement supérieur ....... 7"), or in a
# Word export the heading and its page in two cells ("Question 4 – Training | 7"): where a question stands, not the
# question
RE_CONTENTS_LEADERS = re.compile(r"(?:\.{4,}|…{2,}|(?:\. ){3,}\.?|·{4,}|_{4,})\s*\d{1,3}\s*$")
RE_CONTENTS_CELLS = re.compile(r"^(?P<head>.+?) \| \d{1,3}$")


def is_contents_entry(line: str) -> bool:
    flat = " ".join(line.split())
    if RE_CONTENTS_LEADERS.search(flat):
        return True
    cells = RE_CONTENTS_CELLS.match(flat)
    return bool(cells and RE_QUESTION_HEADER.match(cells["head"]))


def contents_lines(lines: list[str]) -> set[int]:
    """Indices of a table of contents' entries: each line `is_contents_entry` takes, and every "<heading> | <page>"
    line of a run of three or more (blank lines aside) whose pages do not go down and that holds a question heading
    ("Partie IV – Poursuites | 19", « Observations liminaires | 2 »: a page number there is no question number)."""
    out = {i for i, line in enumerate(lines) if is_contents_entry(line)}
    run: list[tuple[int, int, str]] = []  # (index, page, heading)

    def close() -> None:
        pages = [page for _, page, _ in run]
        if len(run) >= 3 and pages == sorted(pages) and any(RE_QUESTION_HEADER.match(head) for _, _, head in run):
            out.update(i for i, _, _ in run)
        run.clear()

    for i, line in enumerate(lines):
        flat = " ".join(line.split())
        if not flat:
            continue
        cells = RE_CONTENTS_CELLS.match(flat)
        if cells and re.search(r"[^\W\d_]", cells["head"]):
            run.append((i, int(flat.rsplit("|", 1)[1]), cells["head"]))
        else:
            close()
    close()
    return out


def tab_row(line: str) -> str:
    """A tab-separated table row as the readers write table rows ("Measure | Legal basis | Remarks"); a tab after a
    number, letter, question label, paragraph number or bullet ("9.1<tab>Does national law…", "a)<tab>…", « Question
    9 :<tab>… », "115.<tab>Harlundic courts…", "•<tab>…") is spacing, and so is a leading tab (indentation)."""
    if "\t" not in line.strip():
        return line
    cells = [c.strip() for c in line.strip().split("\t") if c.strip()]
    if len(cells) == 2 and cells[1].isdigit() and len(cells[1]) <= 3 and RE_QUESTION_HEADER.match(cells[0]):
        return CELLS.join(cells)  # a contents entry, a heading and its page: two cells (see is_contents_entry)
    lead = ""
    head = cells[0].rstrip(" :：") if cells else ""
    if cells and (RE_LABEL.fullmatch(head + " ") or RE_QUESTION_HEADER.fullmatch(head)
                  or RE_PARAGRAPH_NUMBER.fullmatch(head) or not any(ch.isalnum() for ch in head)):
        lead, cells = cells[0] + " ", cells[1:]
    return lead + (CELLS.join(cells) if len(cells) > 1 else " ".join(cells))


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def too_many_paragraphs(path: Path, count: str) -> ReadError:
    return ReadError(path, f"has {count} paragraphs; the limit is {MAX_PARAGRAPHS:,} for one reply — is it a valid "
                           f"reply?")
