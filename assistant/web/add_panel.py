"""The page's "Add a reply" panel: upload, see what was detected, confirm, and watch it being indexed.

The functions are plain methods of AddPanel (tested directly); `add_panel` lays them out on the page.
Indexing runs in a background thread; the chat keeps answering from the live index meanwhile."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from ..api import Assistant
from ..encoders.shared import SharedEncoder
from ..errors import AssistantError
from ..ingest.preview import check_reply
from ..ingest.readers import MAX_BYTES, SUFFIXES
from ..query.render import md_inline
from ..store.adding import AddResult, add_reply
from .chat import ALL_PARTIES

log = logging.getLogger(__name__)

UPLOAD_TYPES = list(SUFFIXES)
INTRO = ("Upload a Party's reply (.txt, .md, .docx, .doc, or .pdf with a text layer; up to "
         f"{MAX_BYTES // 2**20} MB). Check what was detected, correct the Party if needed, then add it: "
         "the chat keeps answering while the index is rebuilt.")
POLL_SECONDS = 0.4


def _path(file: Any) -> Path | None:
    """gr.File gives a path string (type="filepath"); older clients may send an object with .name."""
    if not file:
        return None
    return Path(file if isinstance(file, (str, Path)) else getattr(file, "name", "") or file.get("path"))


@dataclass
class Job:
    """One indexing run: its progress text, and its result or error when done."""

    display: str
    status: str = "Checking and saving the reply …"
    started: float = field(default_factory=time.monotonic)
    result: AddResult | None = None
    error: str = ""
    thread: threading.Thread | None = None

    @property
    def done(self) -> bool:
        return self.thread is not None and not self.thread.is_alive()


class AddPanel:
    """What the panel's events call; corpus and settings come from the live index's manifest."""

    def __init__(self, assistant: Assistant, corpus: Path | None = None, index_dir: Path | None = None):
        self.assistant = assistant
        manifest = assistant.index.manifest
        self.index_dir = Path(index_dir or assistant.index_dir or "index")
        self.corpus = Path(corpus or getattr(assistant, "corpus", None) or manifest.get("corpus") or "corpus")
        self.settings = assistant.settings
        self.job: Job | None = None

    def parties(self) -> list[str]:
        return list(self.assistant.parties)

    def preview(self, file: Any, party: str = "") -> tuple[str, dict]:
        """(what was detected, as Markdown; the confirm button enabled or not)."""
        path = _path(file)
        if path is None:
            return "", gr.update(interactive=False)
        try:
            p = check_reply(path, {"party": party}, display=path.name)
        except AssistantError as exc:
            return f"**This file cannot be added.** {md_inline(exc)}", gr.update(interactive=False)
        rows = "\n".join(f"- **{k}:** {md_inline(v)}" for k, v in p.facts())
        gaps = md_inline(p.missing_text())
        return (f"**Detected in {md_inline(p.display)}**\n\n{rows}\n\n"
                f"**Questionnaire questions with no answer:** {gaps}\n\n"
                "Correct the Party below if needed, then press *Add to the index*."), gr.update(interactive=True)

    def start(self, file: Any, party: str = "") -> Job:
        """Begin indexing in a background thread (one at a time)."""
        if self.job is not None and not self.job.done:
            raise gr.Error(f"{self.job.display} is still being indexed; wait for it to finish.")
        path = _path(file)
        if path is None:
            raise gr.Error("Upload a reply first.")
        job = Job(path.name)
        encoder = SharedEncoder(self.assistant.encoder, self.assistant.lock)

        def progress(name: str, n: int, total: int) -> None:
            job.status = f"Indexing … {n}/{total} replies done (last: {name})"

        def run() -> None:
            try:
                job.result = add_reply(path, self.corpus, self.index_dir, {"party": party}, settings=self.settings,
                                       encoder=encoder, progress=progress)
                self.assistant.current()  # load the new build now, not at the next question
            except AssistantError as exc:
                job.error = str(exc)
            except Exception as exc:  # logged in full; the page gets one sentence
                log.exception("adding %s failed", path)
                job.error = f"an unexpected {type(exc).__name__}; the details are in the server log"

        job.thread = threading.Thread(target=run, name="add-reply", daemon=True)
        self.job = job
        job.thread.start()
        return job

    def confirm(self, file: Any, party: str = "") -> Iterator[tuple[str, Any]]:
        """Start indexing and yield (status, Party dropdown update) until it is done; the dropdown gains the Party."""
        try:
            job = self.start(file, party)
        except gr.Error as exc:
            yield f"**{md_inline(str(exc))}**", gr.skip()
            return
        while not job.done:
            yield f"**Working:** {md_inline(job.status)} ({time.monotonic() - job.started:.0f} s)", gr.skip()
            time.sleep(POLL_SECONDS)
        yield self.outcome(job)

    def outcome(self, job: Job) -> tuple[str, Any]:
        if job.error:
            return (f"**Not added:** {md_inline(job.error)}. Nothing in the corpus or the index changed.", gr.skip())
        result = job.result
        lines = [f"**Done:** {md_inline(result.message())}"]
        if result.report is not None:  # without the server's folder names
            lines.append(md_inline(result.report.summary().split(" -> ")[0]))
        parties = self.parties()
        return "\n\n".join(lines), gr.update(choices=[ALL_PARTIES] + parties)


def add_panel(assistant: Assistant, party_dropdown: gr.Dropdown) -> tuple[AddPanel | None, Any]:
    """The "Add a reply" tab, laid out in the current Blocks context: (its functions, the event that ends when a
    reply has been indexed, for the page to chain on); (None, None) when the assistant has no index folder."""
    if getattr(assistant, "index_dir", None) is None:
        return None, None
    panel = AddPanel(assistant)
    with gr.Tab("Add a reply", elem_id="add-reply"):
        gr.Markdown(INTRO)
        upload = gr.File(label="Reply file", file_types=UPLOAD_TYPES, type="filepath", elem_id="add-file")
        detected = gr.Markdown("", elem_id="add-preview")
        party = gr.Textbox(label="Party (leave empty to use the one detected)", elem_id="add-party", max_lines=1)
        confirm = gr.Button("Add to the index", variant="primary", interactive=False, elem_id="add-confirm")
        status = gr.Markdown("", elem_id="add-status")
    upload.change(panel.preview, [upload, party], [detected, confirm], api_visibility="private")
    party.submit(panel.preview, [upload, party], [detected, confirm], api_visibility="private")
    done = confirm.click(panel.confirm, [upload, party], [status, party_dropdown], api_visibility="private")
    return panel, done
