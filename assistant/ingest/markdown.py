"""A reply written in Markdown (.md), read as a reader sees it: headings, paragraphs, list items and table rows
without their markup ("**9.3** *What are …?*" is "9.3 What are …?", "[Safer Internet Centre](https://…)" is "Safer
Internet Centre", a pipe table's rows are "cell | cell"; a note "[^1]: …" under the paragraph that calls it), each
on the line it starts on, and blanks where the rest
of a block, YAML front matter, HTML comments, rules and a contents list of links to the document's own headings
were (line numbers still point into the file).  Parsed by markdown-it-py (CommonMark and tables)."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .document import CELLS

RE_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")  # "[^1]" in a sentence
RE_FOOTNOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\](?!:)")
RE_FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:\s*")  # "[^1]: The Act …", a note's text
RE_HEADING_ID = re.compile(r"\s*\{#[^}]*\}\s*$")  # "### Question 9 {#question-9}"
FRONT_MATTER_LINES = 40

_PARSER = MarkdownIt("commonmark").enable("table")


def markdown_lines(lines: list[str]) -> list[str]:
    """The lines of a Markdown reply as text lines: see the module's doc."""
    out = [""] * len(lines)
    start = _front_matter_end(lines)
    tokens = _PARSER.parse("\n".join([""] * start + lines[start:]))
    notes = {m[1]: t.content[m.end():] for t in tokens
             if t.type == "inline" and (m := RE_FOOTNOTE_DEF.match(t.content))}
    items: list[str] = []  # the marker of each list item open ("- ", "3. "), for its first paragraph
    fresh = False  # the innermost list item's first paragraph is still to come
    row: list[str] = []
    row_line = 0
    for n, token in enumerate(tokens):
        if token.type == "list_item_open":
            items.append(f"{token.info}{token.markup} " if token.info else "- ")
            fresh = True
        elif token.type == "list_item_close":
            items.pop()
            fresh = False
        elif token.type == "tr_open":
            row, row_line = [], token.map[0] if token.map else row_line
        elif token.type in ("th_open", "td_open"):
            row.append(inline_text(tokens[n + 1]) if tokens[n + 1].type == "inline" else "")
        elif token.type == "tr_close":
            out[row_line] = CELLS.join(row)
        elif token.type == "inline" and token.map and tokens[n - 1].type in ("paragraph_open", "heading_open"):
            if contents_entry(token):
                fresh = False
                continue  # "- [Question 9 – Criminalisation](#question-9)": the contents, no question
            if RE_FOOTNOTE_DEF.match(token.content):
                continue  # a note's text: set under the paragraph that calls it, below
            text = inline_text(token)
            if tokens[n - 1].type == "heading_open":
                text = RE_HEADING_ID.sub("", text)
            elif fresh and items:
                text, fresh = items[-1] + text, False
            out[token.map[0]] = text
            called = [f"{label} {' '.join(notes[label].split())}" for label in RE_FOOTNOTE_LABEL.findall(token.content)
                      if label in notes]
            if called:  # "[^1]" in a sentence: the note follows its paragraph, as a PDF's footnotes do
                after = token.map[1] if token.map[1] < len(out) and not lines[token.map[1]].strip() else None
                if after is None:
                    out[token.map[0]] += " " + " ".join(called)
                else:
                    out[after] = " ".join(called)
        elif token.type in ("code_block", "fence") and token.map:
            for i, code in enumerate(token.content.rstrip("\n").split("\n")):
                out[token.map[0] + i + (token.type == "fence")] = code
    return out


def inline_text(token: Token) -> str:
    """A paragraph's or a cell's text as it reads: emphasis and link markup, inline HTML and note references gone,
    line breaks as spaces."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
        elif child.type == "html_inline" and child.content.lower().startswith("<br"):
            parts.append(" ")
    return " ".join(RE_FOOTNOTE_REF.sub("", "".join(parts)).split())


def contents_entry(token: Token) -> bool:
    """A paragraph that is only a link to a place in the document itself: an entry of its contents."""
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    return (len(children) >= 3 and children[0].type == "link_open" and children[-1].type == "link_close"
            and str(children[0].attrs.get("href", "")).startswith("#"))


def _front_matter_end(lines: list[str]) -> int:
    """The first line after a YAML front matter block ("---" … "---" at the top), 0 without one."""
    if not lines or lines[0].strip() != "---":
        return 0
    return next((i + 1 for i in range(1, min(len(lines), FRONT_MATTER_LINES)) if lines[i].strip() in ("---", "...")),
                0)
