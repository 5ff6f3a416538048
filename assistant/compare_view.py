"""The page's Compare view and coverage picture: one question, every Party's answer; where answers are missing.

All reply text goes through html.escape: the table is HTML built here, not trusted to a sanitiser.
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

import gradio as gr

from .chunking import short_question
from .compare import (ANSWERED, BLANK, POINTER, Comparer, column_of, compare_csv, compare_markdown,
                      parse_question_id)

MARKS = {ANSWERED: "✓ answered", POINTER: "→ points elsewhere", BLANK: "— blank"}
COMPARE_CSS = """
.cmp-table { width: 100%; border-collapse: collapse; }
.cmp-table th, .cmp-table td { border: 1px solid var(--border-color-primary); padding: 6px 8px; vertical-align: top;
                               text-align: left; }
.cmp-table td.cmp-text { white-space: pre-wrap; }
.cmp-status-blank { color: var(--body-text-color-subdued); font-style: italic; }
.cmp-status-pointer { color: #8a5a00; }
.cmp-q { font-style: italic; margin-bottom: 8px; }
"""


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def compare_html(result: dict) -> str:
    """One row per Party: its answer in full, pointers resolved in expandable blocks, and the citation."""
    rows = []
    for row in result["parties"]:
        refs = "".join(
            f"<details><summary>Referred answer Q{esc(', '.join(r['question_ids']))}</summary>"
            f"<div class='cmp-text'>{esc(r['text'])}</div></details>"
            for r in row["resolved_refs"]
        )
        text = esc(row["text"]) if row["text"] else f"<span class='cmp-status-blank'>{esc(MARKS.get(row['status'], row['status']))}</span>"
        rows.append(
            f"<tr class='cmp-row' data-party='{esc(row['party'])}'><td>{esc(row['party'])}<br>"
            f"<small class='cmp-status-{esc(row['status'])}'>{esc(MARKS.get(row['status'], row['status']))}</small></td>"
            f"<td class='cmp-text'>{text}{refs}</td><td>{esc(row['citation'])}</td></tr>"
        )
    question = esc(result["question"]).replace("\n", "<br>")
    return (f"<div class='cmp-q'><b>Q{esc(result['question_id'])}</b> {question}</div>"
            f"<table class='cmp-table' id='compare-table'><thead><tr><th>Party</th><th>Answer</th><th>Citation</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


class CompareService:
    """What the Compare view's events call; pure enough to test without a browser."""

    def __init__(self, assistant):
        self.assistant = assistant

    @property
    def comparer(self) -> Comparer:
        index = self.assistant.current().index
        if getattr(self, "_for", None) is not index:
            self._comparer, self._for = Comparer(index), index
        return self._comparer

    def choices(self) -> list[str]:
        """'9.3 — What are the legal consequences…' for every question some reply answers."""
        out = []
        for qid in self.comparer.columns():
            text = self.comparer.question_text(qid)
            own = [ln for ln in text.splitlines() if ln.lstrip("-→ ").startswith(qid + ".")]
            line = own[0] if own else (text.splitlines()[-1] if text else "")
            out.append(f"{qid} — {short_question(line, 90)}" if line else qid)
        return out

    def find(self, text: str) -> list[str]:
        """Questions whose wording or answers match the text, best first (a number is taken as it is)."""
        text = (text or "").strip()
        if not text:
            return self.choices()
        try:
            qid = parse_question_id(text)
            return [c for c in self.choices() if c.split(" — ")[0] == qid] or self.choices()
        except ValueError:
            pass
        searcher = self.assistant.current()
        hits, _ = searcher.search(text, k=20)
        order: list[str] = []
        for h in hits:
            for q in h.passage.question_ids:
                col = column_of(q)
                if col not in order:
                    order.append(col)
        by_id = {c.split(" — ")[0]: c for c in self.choices()}
        return [by_id[q] for q in order if q in by_id]

    def compare(self, choice: str, parties: list[str] | None = None) -> tuple[str, str | None, str | None, str]:
        """(table HTML, CSV file, Markdown file, Markdown text) for the chosen question."""
        if not choice:
            return "<p>Pick a question to compare.</p>", None, None, ""
        try:
            result = self.comparer.compare(choice.split(" — ")[0], parties or None)
        except ValueError as exc:
            return f"<p>{esc(exc)}</p>", None, None, ""
        folder = Path(tempfile.mkdtemp(prefix="compare-"))
        slug = result["question_id"].replace(".", "_")
        csv_path = folder / f"compare-Q{slug}.csv"
        md_path = folder / f"compare-Q{slug}.md"
        csv_path.write_text(compare_csv(result), encoding="utf-8")
        markdown = compare_markdown(result)
        md_path.write_text(markdown, encoding="utf-8")
        return compare_html(result), str(csv_path), str(md_path), markdown

    def coverage_rows(self) -> tuple[list[str], list[list[str]]]:
        """Headers and rows for the coverage grid: ✓ answered, → answered only by pointing elsewhere, — blank."""
        cov = self.comparer.coverage()
        symbols = {ANSWERED: "✓", POINTER: "→", BLANK: "—"}
        rows = [[p["party"]] + [symbols[p["cells"][q]] for q in cov["questions"]] for p in cov["parties"]]
        return ["Party"] + cov["questions"], rows

    def open_cell(self, row: int, col: int) -> str:
        """The answer behind a coverage cell, as the Compare table shows it (for that one Party)."""
        headers, rows = self.coverage_rows()
        if not (0 <= row < len(rows)) or col < 1 or col >= len(headers):
            return "<p>Click a question cell to open that Party's answer.</p>"
        party, qid = rows[row][0], headers[col]
        return compare_html(self.comparer.compare(qid, [party]))


def build_compare_tab(assistant, demo: gr.Blocks | None = None) -> CompareService:
    """Add the Compare and Coverage views to the Blocks being built; returns their service.

    With `demo`, both refresh on page load, so a reply added since the server started is included.
    """
    service = CompareService(assistant)
    parties = service.comparer.index.parties
    with gr.Tab("Compare Parties", elem_id="compare-tab"):
        gr.Markdown("Pick a question by number or find it by its words; each Party's answer is shown in full.")
        with gr.Row():
            find = gr.Textbox(label="Find a question", placeholder="e.g. 9.3, or: penalties for possession",
                              elem_id="compare-find", scale=2)
            pick = gr.Dropdown(service.choices(), label="Question", elem_id="compare-question", scale=3)
            only = gr.Dropdown(parties, multiselect=True, label="Parties (all when empty)", elem_id="compare-parties",
                               scale=2)
        table = gr.HTML("<p>Pick a question to compare.</p>", elem_id="compare-output")
        with gr.Row():
            csv_file = gr.DownloadButton("Download CSV", value=None, elem_id="compare-csv")
            md_file = gr.DownloadButton("Download Markdown", value=None, elem_id="compare-md")
        with gr.Accordion("Markdown (copy)", open=False):
            md_text = gr.Code(value="", language="markdown", interactive=False, buttons=["copy"], lines=6)

        def on_find(text):
            found = service.find(text)
            return gr.update(choices=found or service.choices(), value=found[0] if found else None)

        find.submit(on_find, [find], [pick], api_visibility="private")
        for trigger in (pick.change, only.change):
            trigger(service.compare, [pick, only], [table, csv_file, md_file, md_text], api_visibility="private")

    with gr.Tab("Coverage", elem_id="coverage-tab"):
        gr.Markdown("Parties × questions: **✓** answered, **→** answered only by pointing to another answer, "
                    "**—** blank. Click a cell to open that answer.")
        headers, rows = service.coverage_rows()
        grid = gr.Dataframe(value=rows, headers=headers, interactive=False, elem_id="coverage-grid", wrap=False)
        cell = gr.HTML("<p>Click a question cell to open that Party's answer.</p>", elem_id="coverage-answer")

        def on_select(evt: gr.SelectData):
            row, col = evt.index if isinstance(evt.index, (list, tuple)) else (evt.index, 0)
            return service.open_cell(int(row), int(col))

        grid.select(on_select, None, [cell], api_visibility="private")

    if demo is not None:
        def refresh():
            headers, rows = service.coverage_rows()
            return (gr.update(choices=service.choices()), gr.update(choices=service.comparer.index.parties),
                    gr.update(value=rows, headers=headers))

        demo.load(refresh, None, [pick, only, grid], api_visibility="private")
    return service
