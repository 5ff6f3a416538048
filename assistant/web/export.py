"""An answer as a file for a report: plain text (nothing escaped, for pasting) and Markdown, named after the
question and the day, the reply text cleaned as the page shows it."""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

from ..parties import fold
from ..query.render import md_inline, to_markdown, to_text
from .render import clean_result

MAX_NAME = 60  # characters of the question kept in a file name
KEEP = 200  # answers' files kept on the server (Gradio has its own copy once a download is offered)


def export_name(question: str, day: date | None = None) -> str:
    """'what-is-the-penalty-for-possessing-child-sexual-abuse-2026-11-28': the question's words, then the day."""
    words = re.findall(r"[a-z0-9]+", fold(question or ""))
    stem = ""
    for w in words:
        if len(stem) + len(w) + 1 > MAX_NAME:
            break
        stem = f"{stem}-{w}" if stem else w
    return f"{stem or 'answer'}-{(day or date.today()).isoformat()}"


def _asked(turn: dict) -> dict:
    """The result with the question as it was asked (the search may have added the previous question's subject)."""
    return {**turn["result"], "query": turn.get("question") or turn["result"].get("query", "")}


def _searched(turn: dict) -> str:
    searched = turn.get("searched") or ""
    return searched if searched and searched != turn.get("question") else ""


def _export(turn: dict, render, searched_as) -> str:
    """One answer rendered for a file, with the search it was answered by when that differs from the question."""
    if not turn.get("result"):
        return ""
    lines = render(clean_result(_asked(turn))).split("\n")
    if _searched(turn):
        lines.insert(1, searched_as(_searched(turn)))
    return "\n".join(lines) + "\n"


def export_text(turn: dict) -> str:
    """The answer as plain text: quotes, numbered citations, sources; no Markdown escapes."""
    return _export(turn, to_text, lambda searched: f"Searched as: {searched}")


def export_markdown(turn: dict) -> str:
    """The answer as Markdown for a report, reply text escaped so it stays text."""
    return _export(turn, to_markdown, lambda searched: f"\n_Searched as: {md_inline(searched)}_")


def write_exports(turn: dict, folder: Path, day: date | None = None) -> tuple[str, str] | tuple[None, None]:
    """(text file, Markdown file) for one answer, in a fresh sub-folder so names never collide between users."""
    if not turn.get("result"):
        return None, None
    old = sorted(Path(folder).glob("answer-*"), key=lambda p: p.stat().st_mtime)
    for stale in old[:max(0, len(old) - KEEP + 1)]:
        shutil.rmtree(stale, ignore_errors=True)
    here = Path(tempfile.mkdtemp(prefix="answer-", dir=folder))
    name = export_name(turn.get("question", ""), day)
    txt, md = here / f"{name}.txt", here / f"{name}.md"
    txt.write_text(export_text(turn), encoding="utf-8")
    md.write_text(export_markdown(turn), encoding="utf-8")
    return str(txt), str(md)
