"""What the page shows, made from `ask` and `compare` results: the conversation, the sources, the index status.

Reply text reaches the page as HTML built from Jinja templates with autoescaping (web/templates/), so a
forgotten escape cannot happen and nothing is left to a front-end sanitiser.  The text is cleaned for
reading first (`clean_text`); the index keeps the raw text, whose line numbers citations give.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape

from ..ids import ids_text, strip_label
from ..ingest.chunking import short_question
from ..ingest.language import language_name
from ..ingest.questionnaire import load_questionnaire
from ..query.answer import NOT_ADDRESSED, partial_message
from ..query.citations import short_tag
from ..query.render import status_label

SOURCES_PLACEHOLDER = ("Ask a question: the passages cited in the answer appear here in full, "
                       "with the quoted sentences highlighted.")
CHAT_PLACEHOLDER = ("Ask a question below, or pick an example. A short follow-up such as “and under 14?” or "
                    "“what about Belgium?” is searched with the previous question's subject.")
NO_FILTER_MATCH = "No passage matches the chosen filters; try All Parties or All pillars."
SHOWN_PARTIES = 6  # the status line names this many Parties, then "+N"


@lru_cache(maxsize=1)
def templates() -> Environment:
    return Environment(loader=PackageLoader("assistant.web", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True))


# --------------------------------------------------------------------------- reply text for reading

_TAGS = re.compile(r"</?(?:u|b|i|em|strong|sup|sub|s|strike|span|font|small|big|ins|del)(?:\s[^<>]*)?>", re.I)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ARROW_LINE = re.compile(r"^([ \t]*)([-•*][ \t]+)?[▶►▸▪■][ \t]*", re.M)
_ARROW = re.compile(r"[ \t]*[▶►▸][ \t]*")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _cells(line: str) -> list[str] | None:
    """A table row's cells ("a | b", "| a | b |"), or None for a line that is not one."""
    s = line.strip()
    if " | " not in s and not (s.startswith("|") and s.endswith("|") and len(s) > 2):
        return None
    return [c.strip() for c in s.strip("|").split("|")]


def _table(rows: list[list[str]]) -> list[str]:
    """Rows under a header as 'Header: value; Header: value'; a lone row as its cells."""
    if len(rows) == 1:
        return [" — ".join(c for c in rows[0] if c)]
    header, out = rows[0], []
    for row in rows[1:]:
        pairs = [f"{h}: {v}" if h else v for h, v in zip(header, row) if v]
        out.append("; ".join(pairs + [v for v in row[len(header):] if v]))
    return out


def clean_text(text: str) -> str:
    """Reply text for reading and export: no <u>/<b> tags, no **bold** markers, no "▶" bullets, tables as
    'Header: value' lines.  Anything else (including text that looks like HTML) stays as it is, to be escaped."""
    text = _BREAK.sub("\n", str(text or ""))
    text = _TAGS.sub("", text)
    text = _STRONG.sub(r"\2", text)
    text = _ARROW_LINE.sub(lambda m: m.group(1) + (m.group(2) or "• "), text)
    text = _ARROW.sub(" ", text)
    out: list[str] = []
    rows: list[list[str]] = []
    for line in text.split("\n") + [""]:
        if _TABLE_RULE.match(line) and rows:
            continue
        cells = _cells(line)
        if cells is not None:
            rows.append(cells)
            continue
        if rows:
            out += _table(rows)
            rows = []
        out.append(line)
    return "\n".join(out[:-1])


def clean_result(result: dict) -> dict:
    """A copy of an `ask` or `compare` result with every piece of reply text cleaned for reading."""
    out = copy.deepcopy(result)
    for s in out.get("answer") or []:
        s["text"] = clean_text(s.get("text", ""))
    passages = list(out.get("passages") or []) + [p for g in out.get("groups") or [] for p in g["passages"]]
    for p in passages + list(out.get("parties") or []):
        for key in ("text", "heading"):
            if key in p:
                p[key] = clean_text(p[key])
        for r in p.get("resolved_refs") or []:
            r["text"] = clean_text(r.get("text", ""))
    return out


# --------------------------------------------------------------------------- labels

def qids(p: dict) -> str:
    ids = p.get("question_ids") or []
    return "Q" + ids_text(ids) if ids else "Q?"


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


def question_wording(qid: str, fallback: str = "", language: str = "en") -> list[str]:
    """The questionnaire's own wording of a question, as lines: its question's title, the sub-question an item
    belongs to, its text, its "→" prompts.  `fallback` (a Party's wording) when the questionnaire lacks the id."""
    q = load_questionnaire()
    entry = q.get(qid)
    if entry is None:
        return [ln for ln in fallback.splitlines() if ln.strip()]
    chain = [entry]
    while chain[0].parent and q.get(chain[0].parent) is not None:
        chain.insert(0, q.get(chain[0].parent))
    lines = []
    for e in chain:
        title, text = e.in_language(language)
        if e.kind == "question":
            lines += [f"Question {e.id}. {title}"] + ([text] if text else [])
        elif text:
            lines.append(f"{e.id}. {text}")
    prompts = entry.followups_fr if language == "fr" and entry.followups_fr else entry.followups
    return lines + [f"→ {p}" for p in prompts]


def question_text(qid: str, fallback: str = "") -> str:
    """A question in one line, without its number: 'What are the legal consequences…', 'Assistance to victims →
    Please provide … the number of victims …' for a question answered through its prompt."""
    entry = load_questionnaire().get(qid)
    if entry is None:
        lines = [ln for ln in fallback.splitlines() if ln.strip()]
        own = [ln for ln in lines if ln.lstrip("-→ ").startswith(qid + ".")]
        return strip_label(own[0] if own else (lines[-1] if lines else ""))
    if entry.kind == "question":
        head = f"{entry.title}: {entry.text}" if entry.text else entry.title
        return " → ".join(t for t in (head, *entry.followups[:1]) if t)
    return entry.text


def question_title(qid: str, fallback: str = "", limit: int = 90) -> str:
    """'9.3 — What are the legal consequences…': a question's number and its words, shortened."""
    text = question_text(qid, fallback)
    return f"{qid} — {short_question(text, limit)}" if text else qid


def citation_title(p: dict) -> str:
    """What a citation shows on hover: the Party, the question number and the question in full."""
    ids = p.get("question_ids") or []
    text = question_text(ids[0]) if len(ids) == 1 else ""
    return f"{short_tag(p.get('party', ''), ids)} — {text or question_label(p)}"


# --------------------------------------------------------------------------- what is indexed

def index_summary(manifest: dict) -> dict:
    """Parties, rounds, languages, passages and build time of a build, from its manifest."""
    files = manifest.get("files") or []
    return {
        "parties": sorted({str(f["party"]) for f in files if f.get("party")}, key=str.casefold),
        "rounds": sorted({str(f["round"]) for f in files if f.get("round")}),
        "languages": sorted({language_name(str(f.get("language") or "en")) for f in files}),
        "passages": int(manifest.get("passage_count") or 0),
        "built": str(manifest.get("built_at") or "").replace("T", " ").rstrip("Z")[:16],
    }


def status_line(manifest: dict, shown: int = SHOWN_PARTIES) -> str:
    """"3 Parties indexed: Andorra, Belgium, Portugal · 2nd round · English, French · 315 passages · built …"."""
    s = index_summary(manifest)
    parties = s["parties"]
    if not parties:
        return "Nothing is indexed yet: add a reply in the “Add a reply” tab."
    names = ", ".join(parties[:shown]) + (f" +{len(parties) - shown}" if len(parties) > shown else "")
    parts = [f"{len(parties)} {'Party' if len(parties) == 1 else 'Parties'} indexed: {names}"]
    if s["rounds"]:
        parts.append(f"{', '.join(s['rounds'])} round{'s' if len(s['rounds']) > 1 else ''}")
    parts += [", ".join(s["languages"]), f"{s['passages']} passages"]
    if s["built"]:
        parts.append(f"built {s['built']} UTC")
    return " · ".join(parts)


def status_html(manifest: dict) -> str:
    """The status line, with every Party named on hover when only the first few are shown."""
    return templates().from_string(
        '<p class="index-status" role="status" title="{{ title }}">{{ line }}</p>').render(
        line=status_line(manifest), title="Indexed: " + ", ".join(index_summary(manifest)["parties"]))


# --------------------------------------------------------------------------- links to the replies themselves

def reply_links(manifest: dict, corpus: Path | str | None = None) -> dict[str, dict]:
    """doc_id -> the reply file's name and its URL on the page (served from the corpus folder only)."""
    folder = corpus or manifest.get("corpus")
    if not folder:
        return {}
    corpus = Path(folder).resolve()
    out = {}
    for f in manifest.get("files") or []:
        if f.get("doc_id") and f.get("name"):
            path = Path(corpus) / f["name"]
            out[f["doc_id"]] = {"name": f["name"], "url": "gradio_api/file=" + quote(str(path), safe="/"),
                                "pdf": f["name"].lower().endswith(".pdf")}
    return out


def file_link(p: dict, links: dict[str, dict] | None) -> dict | None:
    """The card's link to its reply: the file, and for a PDF the page the passage is on."""
    found = (links or {}).get(p.get("doc_id", ""))
    if not found:
        return None
    page = p.get("page") if found["pdf"] else None
    return {"name": found["name"], "download": found["url"], "page": page,
            "open": found["url"] + (f"#page={page}" if page else "")}


# --------------------------------------------------------------------------- sources

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


def source_set(result: dict, n: int = 1, question: str = "", links: dict | None = None) -> dict:
    """One answer's sources as the template shows them: every cited passage, cleaned, quotes marked."""
    result = clean_result(result)
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
        "lines": (p.get("lines") or [None])[0] and p.get("lines"), "file": file_link(p, links),
        "segments": segments(str(p.get("text", "")), by_rank.get(p.get("rank"), [])),
        "refs": [{"qids": qids(r), "text": r.get("text", "")} for r in p.get("resolved_refs") or []],
    } for p in passages]
    note = f"{NOT_ADDRESSED} The nearest passages are shown as weak matches." if result.get("abstained") and \
        passages else ""
    return {"n": n, "question": question, "cards": cards, "note": note}


def sources_html(result: dict, links: dict | None = None) -> str:
    """The sources panel for one answer."""
    sets = [source_set(result, 1, str(result.get("query") or ""), links)] if result else []
    return render_sources(sets)


def render_sources(sets: list[dict]) -> str:
    """Every answer's sources; the last answer's shown, the others there for their citations to open."""
    return templates().get_template("sources.html").render(sets=sets, placeholder=SOURCES_PLACEHOLDER)


def placeholder_html() -> str:
    return render_sources([])


# --------------------------------------------------------------------------- the conversation

def turn_view(n: int, turn: dict, plain: str = "") -> dict:
    """One question and its answer as the chat template shows them."""
    view: dict[str, Any] = {"n": n, "question": turn.get("question", ""), "pending": turn.get("pending", False),
                            "error": turn.get("error", ""), "plain": plain, "notes": [], "quotes": [],
                            "sources": [], "groups": [], "weak": False, "emphasis": "", "partial": False}
    if turn.get("searched") and turn["searched"] != turn.get("question"):
        view["searched"] = turn["searched"]
    result = turn.get("result")
    if not result:
        return view
    result = clean_result(result)
    passages = result.get("passages") or []
    if result.get("unindexed_parties") and not passages:
        view["emphasis"] = result.get("message", "")
        return view
    if result.get("abstained") and not passages:
        view["notes"] = [result.get("message") or NOT_ADDRESSED] + ([NO_FILTER_MATCH] if result.get("query") else [])
        return view
    view["weak"] = bool(result.get("abstained"))
    if view["weak"]:
        view["emphasis"] = NOT_ADDRESSED
        view["notes"] = ["The nearest passages are listed below as weak matches: they may not answer it."]
        if result.get("outside_filter"):
            view["notes"].append(result["outside_filter"]["message"])
    elif result.get("partial"):
        # a partial match: said first and in bold, what else the message says after it; its quotes are not "the answer"
        view["partial"] = True
        view["emphasis"] = partial_message(result.get("not_found") or [])
        rest = (result.get("message") or "").replace(view["emphasis"], "").strip()
        view["notes"] = [rest] if rest else []
    elif result.get("message"):
        view["notes"] = [result["message"]]
    by_rank = {p["rank"]: p for p in passages}
    by_rank.update({p["rank"]: p for g in result.get("groups") or [] for p in g["passages"]})
    view["quotes"] = [{"text": s["text"], "rank": s["rank"], "title": citation_title(by_rank.get(s["rank"], s))}
                      for s in result.get("answer") or []]
    view["sources"] = [{"rank": p["rank"], "line": citation_line(p), "title": citation_title(p)} for p in passages]
    view["groups"] = [{"party": g["party"], "sources": [{"rank": p["rank"], "qids": qids(p), "title": citation_title(p)}
                                                        for p in g["passages"]]}
                      for g in result.get("groups") or []]
    return view


def chat_html(turns: list[dict], plains: list[str] | None = None) -> str:
    """The conversation: every question and its answer, each [n] a link to its card among that answer's sources."""
    plains = plains or [""] * len(turns)
    views = [turn_view(n, t, plain) for n, (t, plain) in enumerate(zip(turns, plains), start=1)]
    return templates().get_template("chat.html").render(turns=views, placeholder=CHAT_PLACEHOLDER)


# --------------------------------------------------------------------------- compare and coverage

def compare_html(result: dict) -> str:
    """The Compare table: one row per Party, the question in the questionnaire's words."""
    result = clean_result(result)
    rows = [{
        "party": row["party"], "status": row["status"], "mark": status_label(row["status"]),
        "language": language_name(row.get("language", "")) if row.get("language") not in (None, "", "en") else "",
        "text": row["text"], "citation": row["citation"],
        "refs": [{"qids": ids_text(r["question_ids"]), "text": r["text"]} for r in row["resolved_refs"]],
    } for row in result["parties"]]
    return templates().get_template("compare.html").render(
        question_id=result["question_id"], rows=rows,
        question_lines=question_wording(result["question_id"], result.get("question") or ""))


def compare_message(text: str) -> str:
    """A sentence in the Compare view, escaped."""
    return templates().from_string('<p class="cmp-message" role="status">{{ text }}</p>').render(text=text)


def coverage_html(coverage: dict, wording: dict[str, str] | None = None) -> str:
    """Parties x questions as a table of buttons; each header names its question on hover."""
    wording = wording or {}
    questions = [{"id": q, "title": question_title(q, wording.get(q, ""), 200)} for q in coverage["questions"]]
    rows = [{"party": p["party"], "cells": [{"status": p["cells"][q], "mark": status_label(p["cells"][q]), "qid": q}
                                            for q in coverage["questions"]]}
            for p in coverage["parties"]]
    return templates().get_template("coverage.html").render(questions=questions, rows=rows)
