"""What the chat's events call: one turn of questions and answers, and the page's API; never a traceback."""

from __future__ import annotations

import logging

import gradio as gr

from ..api import Assistant
from ..errors import AssistantError
from ..ingest.questionnaire import PILLARS
from ..query.render import md_inline, to_markdown
from .render import placeholder_html, reply_markdown, sources_html

log = logging.getLogger(__name__)

ALL_PARTIES = "All Parties"
ALL_PILLARS = "All pillars"
DEFAULT_K = 5
MAX_K = 10


def error_message(exc: BaseException) -> str:
    """One clear sentence for the page; the traceback goes to the server log only."""
    if isinstance(exc, AssistantError):
        return f"Sorry, the question could not be answered: {exc}."
    return (f"Sorry, the question could not be answered: an unexpected {type(exc).__name__}. The details are in "
            f"the server log; if the index is missing or damaged, rebuild it with `assistant build` and restart "
            f"the page.")


# --------------------------------------------------------------------------- the page

class ChatService:
    """What the page's events call; one lock, because the query encoder's tokenizer is not thread-safe."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.lock = assistant.lock  # shared with background builds
        seen = {p.pillar for p in assistant.index.passages if p.pillar}
        self.pillars = [p for p in PILLARS if p in seen]

    @property
    def parties(self) -> list[str]:
        """The live index's Parties: a reply added while the page runs is offered at once."""
        return list(self.assistant.parties)

    def ask(self, query: str, k: int = DEFAULT_K, party: str | None = None, pillar: str | None = None) -> dict:
        party = None if not party or party == ALL_PARTIES else party
        pillar = None if not pillar or pillar == ALL_PILLARS else pillar
        k = max(1, min(int(k or DEFAULT_K), 100))
        with self.lock:
            return self.assistant.ask(query, k=k, party=party, pillar=pillar)

    def chat(self, message: str, history: list | None, party: str | None = None, pillar: str | None = None,
             k: int = DEFAULT_K) -> tuple[list, str, str]:
        """One turn: (new history, sources panel HTML, Markdown export).  Never raises."""
        history = list(history or [])
        message = (message or "").strip()
        if not message:
            return history, placeholder_html(), ""
        history.append({"role": "user", "content": md_inline(message)})
        try:
            result = self.ask(message, k=k, party=party, pillar=pillar)
        except Exception as exc:  # shown as a sentence, never as a traceback
            if not isinstance(exc, AssistantError):
                log.exception("ask failed for %r", message)
            history.append({"role": "assistant", "content": md_inline(error_message(exc))})
            return history, placeholder_html(), ""
        history.append({"role": "assistant", "content": reply_markdown(result)})
        return history, sources_html(result), to_markdown(result)

    def ask_api(self, query: str, k: int = DEFAULT_K, party: str = ALL_PARTIES) -> dict:
        """Answer QUERY from the replies: the `ask` contract (id, query, abstained, passages, answer, message)."""
        try:
            return self.ask(query, k=k, party=party)
        except AssistantError as exc:
            raise gr.Error(str(exc)) from None
        except Exception as exc:
            log.exception("ask failed for %r", query)
            raise gr.Error(error_message(exc)) from None


