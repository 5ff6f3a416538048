"""What the chat's events call: one turn of question and answer, what the page shows of it, and the page's API;
never a traceback.

A conversation is a list of turns, kept per browser session:
    {"question": as asked, "searched": what was searched, "result": the `ask` contract dict}   (or "error": …)
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
from pathlib import Path

import gradio as gr

from ..api import Assistant
from ..errors import AssistantError
from ..ingest.questionnaire import PILLARS
from ..query.followup import searched_question
from .export import export_text, write_exports
from .render import chat_html, render_sources, reply_links, source_set, status_html

log = logging.getLogger(__name__)

ALL_PARTIES = "All Parties"
ALL_PILLARS = "All pillars"
DEFAULT_K = 5
MAX_K = 10  # the page's Passages control
MAX_API_K = 100


def error_message(exc: BaseException) -> str:
    """One clear sentence for the page; the traceback goes to the server log only."""
    if isinstance(exc, AssistantError):
        return f"Sorry, the question could not be answered: {exc}."
    return (f"Sorry, the question could not be answered: an unexpected {type(exc).__name__}. The details are in "
            f"the server log; if the index is missing or damaged, rebuild it with `assistant build` and restart "
            f"the page.")


def clamp_k(k: object, high: int = MAX_K) -> int:
    """The number of passages, within 1..high whatever was typed."""
    try:
        value = int(float(k))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = DEFAULT_K
    return max(1, min(value, high))


def previous_question(turns: list[dict]) -> str | None:
    """What the last answered turn searched: the subject a follow-up leans on."""
    return next((t.get("searched") or t["question"] for t in reversed(turns) if t.get("result")), None)


class ChatService:
    """What the page's events call; questions are answered in parallel (the encoders are safe across threads)."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.lock = assistant.lock  # shared with background builds
        seen = {p.pillar for p in assistant.index.passages if p.pillar}
        self.pillars = [p for p in PILLARS if p in seen]
        # this page's answer downloads, removed at exit
        self.folder = Path(tempfile.mkdtemp(prefix="assistant-answers-"))
        atexit.register(shutil.rmtree, self.folder, ignore_errors=True)

    @property
    def parties(self) -> list[str]:
        """The live index's Parties: a reply added while the page runs is offered at once."""
        return list(self.assistant.parties)

    def ask(self, query: str, k: int = DEFAULT_K, party: str | None = None, pillar: str | None = None,
            high: int = MAX_API_K) -> dict:
        party = None if not party or party == ALL_PARTIES else party
        pillar = None if not pillar or pillar == ALL_PILLARS else pillar
        return self.assistant.ask(query, k=clamp_k(k, high), party=party, pillar=pillar)  # thread-safe, no lock

    def chat(self, message: str, turns: list[dict] | None = None, party: str | None = None,
             pillar: str | None = None, k: int = DEFAULT_K) -> list[dict]:
        """The conversation with one more turn; a follow-up is searched with the previous subject.  Never raises."""
        turns = list(turns or [])
        message = (message or "").strip()
        if not message:
            return turns
        searched = searched_question(message, previous_question(turns), self.parties)
        try:
            result = self.ask(searched, k=k, party=party, pillar=pillar, high=MAX_K)
        except Exception as exc:  # shown as a sentence, never as a traceback
            if not isinstance(exc, AssistantError):
                log.exception("ask failed for %r", searched)
            return turns + [{"question": message, "searched": searched, "error": error_message(exc)}]
        return turns + [{"question": message, "searched": searched, "result": result}]

    # ------------------------------------------------------------------ what the page shows

    def links(self) -> dict:
        return reply_links(self.assistant.index.manifest, getattr(self.assistant, "corpus", None))

    def chat_view(self, turns: list[dict]) -> str:
        return chat_html(turns, [export_text(t) for t in turns])

    def sources_view(self, turns: list[dict]) -> str:
        links = self.links()
        return render_sources([source_set(t["result"], n, t["question"], links)
                               for n, t in enumerate(turns, start=1) if t.get("result")])

    def exports(self, turns: list[dict]) -> tuple[str | None, str | None]:
        """The last answer as a text file and a Markdown file (None, None before any answer)."""
        return write_exports(turns[-1], self.folder) if turns else (None, None)

    def status(self) -> str:
        """What is indexed, from the live build (a rebuild shows at the next call)."""
        return status_html(self.assistant.index.manifest)

    def ask_api(self, query: str, k: int = DEFAULT_K, party: str = ALL_PARTIES) -> dict:
        """Answer QUERY from the replies: the `ask` contract (id, query, abstained, passages, answer, message)."""
        try:
            return self.ask(query, k=k, party=party)
        except AssistantError as exc:
            raise gr.Error(str(exc)) from None
        except Exception as exc:
            log.exception("ask failed for %r", query)
            raise gr.Error(error_message(exc)) from None
