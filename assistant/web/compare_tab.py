"""The page's Compare view and coverage picture: one question, every Party's answer; where answers are missing.

All reply text goes through autoescaped templates (web/render.py): the tables are HTML built here, not trusted
to a sanitiser.  Questions are labelled in the questionnaire's own words.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import gradio as gr

from ..errors import AssistantError
from ..ids import column_of, parse_question_id
from ..query.answer import should_abstain
from ..query.compare import Comparer
from ..query.render import STATUS_MARKS, compare_csv, compare_markdown
from .render import clean_result, compare_html, compare_message, coverage_html, question_title

PICK = "Pick a question to compare."
NO_MATCH = "No question matches “{}”. Try other words, or a question number such as 9.3."
COVERAGE_JS = """
element.addEventListener('click', (event) => {
  const cell = event.target instanceof Element ? event.target.closest('button.cov-cell') : null;
  if (cell) trigger('click', {row: Number(cell.dataset.row), col: Number(cell.dataset.col)});
});"""


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
        """'9.3 — What are the legal consequences…' for every question some reply answers, in the
        questionnaire's words (a Party's wording only for a question the questionnaire lacks)."""
        return [question_title(qid, self.comparer.question_text(qid)) for qid in self.comparer.columns()]

    def find(self, text: str) -> list[str]:
        """Questions whose wording or answers match the text, best first (a number is taken as it is); none when
        the words match nothing in the replies."""
        text = (text or "").strip()
        if not text:
            return self.choices()
        try:
            qid = parse_question_id(text)
            return [c for c in self.choices() if c.split(" — ")[0] == qid]
        except AssistantError:
            pass
        searcher = self.assistant.current()
        hits, scores = searcher.search(text, k=20)
        if float(scores.lexical.max(initial=0.0)) <= 0.0 and should_abstain(text, hits, scores):
            return []  # no word of it in any reply, and nothing close in meaning either
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
            return compare_message(PICK), None, None, ""
        try:
            result = self.comparer.compare(choice.split(" — ")[0], parties or None)
        except AssistantError as exc:
            return compare_message(str(exc)), None, None, ""
        folder = self.folder
        slug = result["question_id"].replace(".", "_")
        csv_path = folder / f"compare-Q{slug}.csv"
        md_path = folder / f"compare-Q{slug}.md"
        clean = clean_result(result)  # reply text as the table shows it: no <u>, ** or table pipes
        csv_path.write_text(compare_csv(clean), encoding="utf-8")
        markdown = compare_markdown(clean)
        md_path.write_text(markdown, encoding="utf-8")
        return compare_html(result), str(csv_path), str(md_path), markdown

    def coverage_rows(self) -> tuple[list[str], list[list[str]]]:
        """Headers and rows for the coverage grid, a symbol per cell (render.STATUS_MARKS)."""
        cov = self.comparer.coverage()
        rows = [[p["party"]] + [STATUS_MARKS[p["cells"][q]].symbol for q in cov["questions"]] for p in cov["parties"]]
        return ["Party"] + cov["questions"], rows

    def open_cell(self, row: int, col: int) -> str:
        """The answer behind a coverage cell, as the Compare table shows it (for that one Party)."""
        headers, rows = self.coverage_rows()
        if not (0 <= row < len(rows)) or col < 1 or col >= len(headers):
            return compare_message("Click a question cell to open that Party's answer.")
        party, qid = rows[row][0], headers[col]
        return compare_html(self.comparer.compare(qid, [party]))

    def coverage_view(self) -> str:
        """The coverage table: a button per cell, each header naming its question on hover."""
        cov = self.comparer.coverage()
        return coverage_html(cov, {q: self.comparer.question_text(q) for q in cov["questions"]})

    def on_find(self, text: str) -> tuple[dict, str | dict]:
        """The Question dropdown narrowed to what matches (the best picked), or a message that nothing does."""
        found = self.find(text)
        if found:
            return gr.update(choices=found, value=found[0]), gr.skip()
        return gr.update(choices=self.choices(), value=None), compare_message(NO_MATCH.format((text or "").strip()))

    def on_pick(self, choice: str, parties: list[str] | None = None):
        """The table for a picked question; a cleared pick leaves the view as it is (e.g. a no-match message)."""
        if not choice:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return self.compare(choice, parties)


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
        table = gr.HTML(compare_message(PICK), elem_id="compare-output", js_on_load=None)
        with gr.Row():
            csv_file = gr.DownloadButton("Download CSV", value=None, elem_id="compare-csv")
            md_file = gr.DownloadButton("Download Markdown", value=None, elem_id="compare-md")
        with gr.Accordion("Markdown (copy)", open=False):
            md_text = gr.Code(value="", language="markdown", interactive=False, buttons=["copy"], lines=6)

        find.submit(service.on_find, [find], [pick, table], api_visibility="private")
        for trigger in (pick.change, only.change):
            trigger(service.on_pick, [pick, only], [table, csv_file, md_file, md_text], api_visibility="private")

    with gr.Tab("Coverage", elem_id="coverage-tab"):
        legend = ", ".join(f"**{m.symbol}** {m.meaning}" for m in STATUS_MARKS.values())
        gr.Markdown(f"Parties × questions: {legend}. Point at a question number to read the question; click a cell "
                    "to open that answer.")
        grid = gr.HTML(service.coverage_view(), elem_id="coverage-grid", js_on_load=COVERAGE_JS)
        cell = gr.HTML(compare_message("Click a question cell to open that Party's answer."),
                       elem_id="coverage-answer", js_on_load=None)

        def on_cell(evt: gr.EventData):
            return service.open_cell(int(getattr(evt, "row", -1)), int(getattr(evt, "col", -1)))

        grid.click(on_cell, None, [cell], api_visibility="private")

    if demo is not None:
        def refresh():
            return (gr.update(choices=service.choices()), gr.update(choices=service.comparer.index.parties),
                    service.coverage_view())

        demo.load(refresh, None, [pick, only, grid], api_visibility="private")
    return service
