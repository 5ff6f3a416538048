"""The page's Compare view and coverage picture: one question, every Party's answer; where answers are missing.

All reply text goes through html.escape: the table is HTML built here, not trusted to a sanitiser.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import gradio as gr

from ..errors import AssistantError
from ..ids import column_of, parse_question_id
from ..ingest.chunking import short_question
from ..query.compare import ANSWERED, BLANK, POINTER, Comparer
from ..query.render import compare_csv, compare_markdown
from .render import compare_html, compare_message

class CompareService:
    """What the Compare view's events call; pure enough to test without a browser."""

    def __init__(self, assistant):
        self.assistant = assistant
        # one folder for this view's downloads, overwritten per question and removed at exit
        self.folder = Path(tempfile.mkdtemp(prefix="assistant-compare-"))
        atexit.register(shutil.rmtree, self.folder, ignore_errors=True)

    @property
    def comparer(self) -> Comparer:
        return self.assistant.comparer()

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
        except AssistantError:
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
            return compare_message("Pick a question to compare."), None, None, ""
        try:
            result = self.comparer.compare(choice.split(" — ")[0], parties or None)
        except AssistantError as exc:
            return compare_message(str(exc)), None, None, ""
        folder = self.folder
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
            return compare_message("Click a question cell to open that Party's answer.")
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
