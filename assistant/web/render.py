"""What the page shows, made from `ask` and `compare` results: the chat reply (Markdown) and the HTML panels.

Reply text reaches the page two ways and both are neutralised here, not trusted to a front-end sanitiser:
the chat renders Markdown, so quoted text goes through `md_inline`; the panels are HTML from Jinja templates
with autoescaping, so a forgotten escape cannot happen.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..ids import strip_label
from ..ingest.language import language_name
from ..query.answer import NOT_ADDRESSED
from ..query.citations import short_tag
from ..query.render import md_inline

SOURCES_PLACEHOLDER = ("Ask a question: the passages cited in the answer appear here in full, "
                       "with the quoted sentences highlighted.")
MARKS = {"answered": "✓ answered", "pointer": "→ points elsewhere", "blank": "— blank"}


@lru_cache(maxsize=1)
def templates() -> Environment:
    return Environment(loader=PackageLoader("assistant.web", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True))


def qids(p: dict) -> str:
    ids = p.get("question_ids") or []
    return "Q" + ", ".join(ids) if ids else "Q?"


def question_label(p: dict) -> str:
    """"Criminalisation — What are the legal consequences…" from the passage heading."""
    heading = str(p.get("heading") or "")
    title, sep, rest = heading.partition(" — ")
    title = re.sub(r"^Question\s+\d+\s*[.:]\s*", "", title).strip()
    rest = strip_label(rest) if sep else ""
    return f"{title} — {rest}" if title and rest else (title or rest or heading)


def citation_line(p: dict) -> str:
    """"Portugal · Q9.3 · Criminalisation — What are the legal consequences…" (plain text, not escaped)."""
    return f"{short_tag(p.get('party', ''), p.get('question_ids') or [])} · {question_label(p)}"


def reply_markdown(result: dict) -> str:
    """The chat reply: quoted answer sentences each with its [n], then the numbered citations."""
    passages = result.get("passages") or []
    out: list[str] = []
    if result.get("unindexed_parties") and not passages:
        return f"**{md_inline(result.get('message', ''))}**"
    if result.get("abstained"):
        if not passages:
            out.append(md_inline(result.get("message") or NOT_ADDRESSED))
            if result.get("query"):
                out.append("No passage matches the chosen filters; try *All Parties* or *All pillars*.")
            return "\n\n".join(out)
        out.append(f"**{md_inline(NOT_ADDRESSED)}** The nearest passages are listed below as *weak matches*: "
                   "they may not answer it.")
        out.append("**Nearest passages (weak matches)**")
        out.append("  \n".join(f"\\[{p['rank']}\\] {md_inline(citation_line(p))} — *weak match*" for p in passages))
        return "\n\n".join(out)
    if result.get("message"):
        out.append(f"*{md_inline(result['message'])}*")
    answer = result.get("answer") or []
    if answer:
        out.append("**Answer**, quoted from the replies:")
        out.append("\n>\n".join(f"> “{md_inline(s['text'])}” \\[{s['rank']}\\]" for s in answer))
    else:
        out.append("The passages below are the closest; no single sentence stood out as the answer.")
    out.append("**Sources**")
    out.append("  \n".join(f"\\[{p['rank']}\\] {md_inline(citation_line(p))}" for p in passages))
    if result.get("groups"):
        out.append("**By Party**, the Party with the closest answer first:")
        out.append("  \n".join(
            f"{md_inline(g['party'])}: " + "; ".join(f"\\[{p['rank']}\\] {md_inline(qids(p))}" for p in g["passages"])
            for g in result["groups"]))
    return "\n\n".join(out)


def spans(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Where each quoted sentence stands in the passage text (whitespace-tolerant), merged."""
    found = []
    for s in sentences:
        words = s.split()
        if not words:
            continue
        m = re.search(r"\s+".join(re.escape(w) for w in words), text)
        if m:
            found.append((m.start(), m.end()))
    found.sort()
    merged: list[tuple[int, int]] = []
    for a, b in found:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def segments(text: str, sentences: list[str]) -> list[tuple[str, bool]]:
    """The passage text cut into (piece, quoted?) so the template can mark the quoted sentences."""
    out, pos = [], 0
    for a, b in spans(text, sentences):
        out += [(text[pos:a], False), (text[a:b], True)]
        pos = b
    out.append((text[pos:], False))
    return [(t, m) for t, m in out if t]


def sources_html(result: dict) -> str:
    """The sources panel for one answer."""
    passages = list(result.get("passages") or [])
    by_rank: dict[Any, list[str]] = {}
    for s in result.get("answer") or []:
        by_rank.setdefault(s.get("rank"), []).append(str(s.get("text", "")))
    shown = {p.get("rank") for p in passages}
    extra = [p for g in result.get("groups") or [] for p in g["passages"] if p.get("rank") not in shown]
    if extra:  # each Party's best passages beyond the top k, so every Party's citation can be opened
        passages = sorted(passages + list({p["rank"]: p for p in extra}.values()), key=lambda p: p["rank"])
    cards = [{
        "rank": p.get("rank"), "party": p.get("party", ""), "qids": qids(p), "pillar": p.get("pillar", ""),
        "language": language_name(p["language"]) if p.get("language") not in (None, "", "en") else "",
        "weak": p.get("weak"), "heading": p.get("heading", ""), "citation": p.get("citation", ""),
        "lines": (p.get("lines") or [None])[0] and p.get("lines"),
        "segments": segments(str(p.get("text", "")), by_rank.get(p.get("rank"), [])),
        "refs": [{"qids": qids(r), "text": r.get("text", "")} for r in p.get("resolved_refs") or []],
    } for p in passages]
    note = ""
    if result.get("abstained") and passages:
        note = f"{NOT_ADDRESSED} The nearest passages are shown as weak matches."
    return templates().get_template("sources.html").render(cards=cards, note=note, placeholder=SOURCES_PLACEHOLDER)


def compare_html(result: dict) -> str:
    """The Compare table: one row per Party."""
    rows = [{
        "party": row["party"], "status": row["status"], "mark": MARKS.get(row["status"], row["status"]),
        "language": language_name(row.get("language", "")) if row.get("language") not in (None, "", "en") else "",
        "text": row["text"], "citation": row["citation"],
        "refs": [{"qids": ", ".join(r["question_ids"]), "text": r["text"]} for r in row["resolved_refs"]],
    } for row in result["parties"]]
    return templates().get_template("compare.html").render(
        question_id=result["question_id"], question_lines=(result["question"] or "").splitlines(), rows=rows)


def compare_message(text: str) -> str:
    """A sentence in the Compare view, escaped."""
    return templates().from_string("<p>{{ text }}</p>").render(text=text)


def placeholder_html() -> str:
    return sources_html({})
