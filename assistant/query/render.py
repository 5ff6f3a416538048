"""Results as text for people: the terminal, Markdown for reports and the chat, CSV for spreadsheets.

Reply text is data, never markup: every Markdown rendering goes through `md_escape`, every CSV cell through
`csv_cell`, so a link, an image, HTML or a spreadsheet formula in a reply stays inert."""

from __future__ import annotations

import csv
import html
import io
import re
from typing import NamedTuple

from ..ids import ids_text, strip_label
from ..ingest.language import language_name
from .citations import short_tag
from .compare import ANSWERED, BLANK, NOTHING, POINTER

# Markdown specials that could make a link, an image, emphasis, code, a table or maths out of reply text;
# the HTML specials (< > &) become entities, which every Markdown renderer shows as the characters.
_MD_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|~$:-])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def md_escape(text: object) -> str:
    """Reply text made inert for Markdown: specials backslash-escaped, then HTML-escaped."""
    return html.escape(_MD_SPECIALS.sub(r"\\\1", str(text)), quote=False)


def md_inline(text: object) -> str:
    """md_escape on one line: a line opening with '1. ' or '> ' would keep its meaning across a line break."""
    return re.sub(r"\s*\n\s*", " ", md_escape(text)).strip()


def csv_cell(value: object) -> str:
    """A cell a spreadsheet will not run: one starting with = + - @ (a formula) gets a leading apostrophe."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


# --------------------------------------------------------------------------- ask

def to_markdown(result: dict) -> str:
    """A reply for a report: the quoted answer with numbered citations, then the sources."""
    lines = [f"**Question:** {md_inline(result['query'])}", ""]
    if result.get("message"):
        lines += [f"_{md_inline(result['message'])}_", ""]
    for s in result.get("answer", []):
        lines += [f"> {md_inline(s['text'])} \\[{s['rank']}\\] ({md_inline(short_tag(s['party'], s['question_ids']))})",
                  ""]
    for p in result.get("passages", []):
        weak = " (weak match)" if p.get("weak") else ""
        lines.append(f"\\[{p['rank']}\\] {md_inline(p['citation'])} — {md_inline(p['heading'])}{weak}  ")
        for ref in p.get("resolved_refs") or []:
            lines.append(f"  → Q{md_inline(ids_text(ref['question_ids']))}: {md_inline(shorten(ref['text']))}  ")
    if result.get("groups"):
        lines += ["", "**By Party**, best first:", ""]
        for g in result["groups"]:
            cites = "; ".join(f"\\[{p['rank']}\\] Q{ids_text(p['question_ids'])}" for p in g["passages"])
            lines.append(f"- {md_inline(g['party'])}: {cites}")
    return "\n".join(lines)


def shorten(text: str, limit: int = 240) -> str:
    """One line of at most `limit` characters, cut at a word."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + " …"


def to_text(result: dict) -> str:
    """The same reply for a terminal: plain text, nothing escaped, sources numbered."""
    lines = [f"Q: {result['query']}", ""]
    if result.get("message"):
        lines += [result["message"], ""]
    for s in result.get("answer", []):
        # a quote of several paragraphs stays one block: its later paragraphs indented under the first
        quote = "\n   ".join(part.strip() for part in s["text"].splitlines() if part.strip())
        lines.append(f"  “{quote}” [{s['rank']}] ({short_tag(s['party'], s['question_ids'])})")
    if result.get("answer"):
        lines.append("")
    for p in result.get("passages", []):
        weak = " (weak match)" if p.get("weak") else ""
        lines.append(f"[{p['rank']}] {p['citation']} — {p['heading']}{weak}")
        for ref in p.get("resolved_refs") or []:  # what a pointer points to, beside it
            lines.append(f"    → Q{ids_text(ref['question_ids'])}: {shorten(ref['text'])}")
    for n, g in enumerate(result.get("groups") or []):
        if n == 0:
            lines += ["", "By Party, best first:"]
        lines.append(f"  {g['party']}: " + "; ".join(f"[{p['rank']}] Q{ids_text(p['question_ids'])}"
                                                     for p in g["passages"]))
    return "\n".join(lines)


# --------------------------------------------------------------------------- compare and coverage

def _first_line(text: str) -> str:
    """The question's first line without the number it opens with: 'Q9.3: What are…', not 'Q9.3: 9.3. What are…'."""
    return strip_label(text.splitlines()[0]) if text else ""


def compare_text(result: dict) -> str:
    lines = [f"Q{result['question_id']}: {_first_line(result['question'])}", ""]
    for row in result["parties"]:
        lang = f" [{language_name(row['language'])}]" if row.get("language") not in (None, "", "en") else ""
        lines.append(f"== {row['party']} ({row['status']}){lang} {row['citation']}".rstrip())
        if row["text"]:
            lines.append(row["text"])
        for ref in row["resolved_refs"]:
            lines.append(f"   -> Q{ids_text(ref['question_ids'])}: {ref['text'][:300]}")
        lines.append("")
    return "\n".join(lines)


def compare_markdown(result: dict) -> str:
    lines = [f"### Q{result['question_id']} — {md_inline(_first_line(result['question']))}", "",
             "| Party | Answer | Citation |", "|---|---|---|"]
    for row in result["parties"]:
        text = md_escape(row["text"]).replace("\n", "<br>") if row["text"] else f"_{md_inline(row['status'])}_"
        lines.append(f"| {md_inline(row['party'])} | {text} | {md_inline(row['citation'])} |")
    return "\n".join(lines)


def compare_csv(result: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question_id", "party", "doc_id", "status", "question_ids", "answer", "citation"])
    for row in result["parties"]:
        writer.writerow([csv_cell(v) for v in (result["question_id"], row["party"], row["doc_id"], row["status"],
                                                " ".join(row["question_ids"]), row["text"], row["citation"])])
    return out.getvalue()


class Mark(NamedTuple):
    """How one status of `compare` and `coverage` is shown."""

    text: str  # in plain text
    symbol: str  # in Markdown and on the page
    label: str  # in a few words
    meaning: str  # in a legend


STATUS_MARKS = {
    ANSWERED: Mark("+", "✓", "answered", "answered"),
    POINTER: Mark(">", "→", "points elsewhere", "answered only by pointing to another answer"),
    NOTHING: Mark("-", "∅", "nothing given", "nothing given (no reply, no information, not applicable)"),
    BLANK: Mark(".", "—", "blank", "blank"),
}


def status_label(status: str) -> str:
    """"✓ answered", "∅ nothing given": a status as the page names it."""
    mark = STATUS_MARKS.get(status)
    return f"{mark.symbol} {mark.label}" if mark else status


def coverage_legend() -> str:
    """One line saying what each plain-text mark means."""
    return "   ".join(f"{m.text} {m.meaning}" for m in STATUS_MARKS.values())


def coverage_text(result: dict) -> str:
    width = max((len(p["party"]) for p in result["parties"]), default=5)
    lines = [f"{row['party']:<{width}}  " + "".join(STATUS_MARKS[row["cells"][q]].text for q in result["questions"])
             for row in result["parties"]]
    lines.append(f"columns: {' '.join(result['questions'])}")
    lines.append(coverage_legend())
    return "\n".join(lines)


def coverage_csv(result: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["party", "doc_id", *result["questions"]])
    for row in result["parties"]:
        writer.writerow([csv_cell(row["party"]), csv_cell(row["doc_id"]), *(row["cells"][q] for q in result["questions"])])
    return out.getvalue()


def coverage_markdown(result: dict) -> str:
    lines = ["| Party | " + " | ".join(result["questions"]) + " |", "|---" * (len(result["questions"]) + 1) + "|"]
    for row in result["parties"]:
        cells = [STATUS_MARKS[row["cells"][q]].symbol for q in result["questions"]]
        lines.append(f"| {md_inline(row['party'])} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


__all__ = ["md_escape", "md_inline", "csv_cell", "to_markdown", "to_text", "compare_text",
           "compare_markdown", "compare_csv", "STATUS_MARKS", "status_label", "coverage_legend", "coverage_text", "coverage_csv", "coverage_markdown"]
