"""The chat page: ask in plain language, get the passages that answer, cited; and the same as an API.

Everything a reply contains is shown as text.  Passage text reaches the page two ways, and both are
neutralised here rather than trusted to a front-end sanitiser:
  * the chat renders Markdown, so quoted text is HTML-escaped and its Markdown specials backslash-escaped
    (`md_text`); a `[x](javascript:...)` link or an `<img onerror>` in a reply is displayed, not run;
  * the sources panel is HTML built here, so every piece of reply text goes through `html.escape`.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from typing import Any

import gradio as gr

from .answer import Assistant, to_markdown
from .compare_view import COMPARE_CSS

log = logging.getLogger(__name__)

ALL_PARTIES = "All Parties"
ALL_PILLARS = "All pillars"
PILLAR_ORDER = ["Prevention", "Protection", "Legislation", "Prosecution"]
DEFAULT_K = 5
MAX_K = 10
EXAMPLES = [
    "What is the penalty for possessing child sexual abuse material?",
    "Which helplines can a child victim call?",
    "Is there a specialised cybercrime unit in the police?",
    "How are professionals trained to deal with self-generated sexual content?",
]
NOT_ADDRESSED = "The replies do not appear to address this question."
TITLE = "Lanzarote Convention replies — cited answers"

CSS = """
#sources-panel { max-height: 78vh; overflow-y: auto; }
.src { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px; margin: 0 0 12px 0;
       background: var(--block-background-fill); }
.src-top { display: flex; flex-wrap: wrap; gap: 6px; align-items: baseline; font-weight: 600; }
.src-n { color: var(--color-accent); }
.src-tag { font-size: 0.8em; font-weight: 500; padding: 1px 7px; border-radius: 10px;
           background: var(--background-fill-secondary); border: 1px solid var(--border-color-primary); }
.src-weak { background: #fff3cd; color: #664d03; border-color: #ffe69c; }
.src-heading { font-style: italic; margin: 4px 0; }
.src-cite { font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 6px; }
.src-text { white-space: pre-wrap; line-height: 1.5; }
.src-text mark { background: #ffe58a; color: #1a1a1a; padding: 0 2px; border-radius: 2px; }
.src details { margin-top: 6px; font-size: 0.92em; }
.src details summary { cursor: pointer; color: var(--color-accent); }
.src details div { white-space: pre-wrap; padding: 4px 0 0 12px; border-left: 3px solid var(--border-color-primary); }
.src-empty { color: var(--body-text-color-subdued); padding: 8px; }
.src-note { background: #fff3cd; color: #664d03; border: 1px solid #ffe69c; border-radius: 8px; padding: 8px 12px;
            margin: 0 0 12px 0; font-weight: 600; }
"""

SOURCES_PLACEHOLDER = ('<div class="src-empty">Ask a question: the passages cited in the answer appear here in full, '
                       'with the quoted sentences highlighted.</div>')

# Markdown specials that could make a link, an image, emphasis, code, a table or maths out of quoted text.
# HTML specials (< > &) are handled by html.escape afterwards, so entities are never backslash-escaped.
_MD_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|~$:-])")
_QID_LABEL = re.compile(r"^\d{1,2}(?:\.\d{1,2})*(?:\.[a-z])?\.?(?:\s*,\s*\d{1,2}(?:\.\d{1,2})*(?:\.[a-z])?\.?)*\s+")


# --------------------------------------------------------------------------- text helpers (pure, tested)

def md_text(text: Any) -> str:
    """Reply text made inert for the Markdown chat: Markdown specials backslash-escaped, then HTML-escaped."""
    s = _MD_SPECIALS.sub(r"\\\1", str(text))
    s = html.escape(s, quote=False)
    # a line starting with "1. " or "> " keeps its meaning even escaped above; flatten to one paragraph
    return re.sub(r"\s*\n\s*", " ", s).strip()


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def question_label(p: dict) -> str:
    """"Criminalisation — What are the legal consequences…" from the passage heading."""
    heading = str(p.get("heading") or "")
    title, sep, rest = heading.partition(" — ")
    title = re.sub(r"^Question\s+\d+\s*[.:]\s*", "", title).strip()
    rest = _QID_LABEL.sub("", rest.strip()).strip() if sep else ""
    return f"{title} — {rest}" if title and rest else (title or rest or heading)


def qids(p: dict) -> str:
    ids = p.get("question_ids") or []
    return "Q" + ", ".join(ids) if ids else "Q?"


def citation_line(p: dict) -> str:
    """"Portugal · Q9.3 · Criminalisation — What are the legal consequences…" (plain text, not escaped)."""
    return f"{p.get('party', '')} · {qids(p)} · {question_label(p)}"


def reply_markdown(result: dict) -> str:
    """The chat reply: quoted answer sentences each with its [n], then the numbered citations."""
    passages = result.get("passages") or []
    out: list[str] = []
    if result.get("abstained"):
        message = result.get("message") or NOT_ADDRESSED
        if not passages:
            out.append(md_text(message if result.get("query") else "Ask a question about the replies."))
            if result.get("query"):
                out.append("No passage matches the chosen filters; try *All Parties* or *All pillars*.")
            return "\n\n".join(out)
        out.append(f"**{md_text(NOT_ADDRESSED)}** The nearest passages are listed below as *weak matches*: "
                   "they may not answer it.")
        out.append("**Nearest passages (weak matches)**")
        out.append("  \n".join(f"\\[{p['rank']}\\] {md_text(citation_line(p))} — *weak match*" for p in passages))
        return "\n\n".join(out)
    answer = result.get("answer") or []
    if answer:
        out.append("**Answer**, quoted from the replies:")
        out.append("\n>\n".join(f"> “{md_text(s['text'])}” \\[{s['rank']}\\]" for s in answer))
    else:
        out.append("The passages below are the closest; no single sentence stood out as the answer.")
    out.append("**Sources**")
    out.append("  \n".join(f"\\[{p['rank']}\\] {md_text(citation_line(p))}" for p in passages))
    if result.get("groups"):
        out.append("**By Party**, the Party with the closest answer first:")
        out.append("  \n".join(
            f"{md_text(g['party'])}: " + "; ".join(f"\\[{p['rank']}\\] {md_text(qids(p))}" for p in g["passages"])
            for g in result["groups"]))
    return "\n\n".join(out)


def _spans(text: str, sentences: list[str]) -> list[tuple[int, int]]:
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


def highlighted(text: str, sentences: list[str]) -> str:
    """Passage text, HTML-escaped, with the quoted sentences in <mark>."""
    parts, pos = [], 0
    for a, b in _spans(text, sentences):
        parts.append(esc(text[pos:a]))
        parts.append(f"<mark>{esc(text[a:b])}</mark>")
        pos = b
    parts.append(esc(text[pos:]))
    return "".join(parts)


def sources_html(result: dict) -> str:
    """The sources panel: every cited passage in full, quoted sentences highlighted, references expandable."""
    passages = result.get("passages") or []
    if not passages:
        return SOURCES_PLACEHOLDER
    by_rank: dict[int, list[str]] = {}
    for s in result.get("answer") or []:
        by_rank.setdefault(s.get("rank"), []).append(str(s.get("text", "")))
    cards = []
    if result.get("abstained"):
        cards.append(f'<div class="src-note">{esc(NOT_ADDRESSED)} The nearest passages are shown as weak matches.</div>')
    shown = {p.get("rank") for p in passages}
    extra = [p for g in result.get("groups") or [] for p in g["passages"] if p.get("rank") not in shown]
    if extra:  # each Party's best passages beyond the top k, so every Party's citation can be opened
        passages = sorted(passages + list({p["rank"]: p for p in extra}.values()), key=lambda p: p["rank"])
    for p in passages:
        weak = '<span class="src-tag src-weak">weak match</span>' if p.get("weak") else ""
        lines = p.get("lines") or []
        where = f" · lines {esc(lines[0])}–{esc(lines[1])}" if len(lines) == 2 and lines[0] else ""
        refs = "".join(
            f"<details><summary>Referred answer {esc(qids(r))}</summary><div>{esc(r.get('text', ''))}</div></details>"
            for r in p.get("resolved_refs") or []
        )
        cards.append(
            f'<div class="src" id="src-{esc(p.get("rank"))}">'
            f'<div class="src-top"><span class="src-n">[{esc(p.get("rank"))}]</span>'
            f'<span>{esc(p.get("party", ""))} · {esc(qids(p))}</span>'
            f'<span class="src-tag">{esc(p.get("pillar", ""))}</span>{weak}</div>'
            f'<div class="src-heading">{esc(p.get("heading", ""))}</div>'
            f'<div class="src-cite">{esc(p.get("citation", ""))}{where}</div>'
            f'<div class="src-text">{highlighted(str(p.get("text", "")), by_rank.get(p.get("rank"), []))}</div>'
            f"{refs}</div>"
        )
    return "".join(cards)


def error_message(exc: BaseException) -> str:
    """One clear sentence for the page; the traceback goes to the server log only."""
    from .encoder import EncoderError
    from .store import IndexProblem

    if isinstance(exc, (IndexProblem, EncoderError)):
        detail = str(exc)
    else:
        detail = f"an unexpected {type(exc).__name__}"
    return (f"Sorry, the question could not be answered: {detail}. The details are in the server log; "
            f"if the index is missing or damaged, rebuild it with `assistant build` and restart the page.")


# --------------------------------------------------------------------------- the page

class ChatService:
    """What the page's events call; one lock, because the query encoder's tokenizer is not thread-safe."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.lock = getattr(assistant, "lock", None) or threading.Lock()  # shared with background builds
        index = assistant.searcher.index
        seen = {p.pillar for p in index.passages if p.pillar}
        self.pillars = [p for p in PILLAR_ORDER if p in seen] + sorted(seen - set(PILLAR_ORDER))

    @property
    def parties(self) -> list[str]:
        """The live index's Parties: a reply added while the page runs is offered at once."""
        current = getattr(self.assistant, "current", None)
        searcher = current() if callable(current) else self.assistant.searcher
        return sorted({str(p) for p in searcher.index.parties})

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
            return history, SOURCES_PLACEHOLDER, ""
        history.append({"role": "user", "content": md_text(message)})
        try:
            result = self.ask(message, k=k, party=party, pillar=pillar)
        except Exception as exc:  # shown as a sentence, never as a traceback
            log.exception("ask failed for %r", message)
            history.append({"role": "assistant", "content": md_text(error_message(exc))})
            return history, SOURCES_PLACEHOLDER, ""
        history.append({"role": "assistant", "content": reply_markdown(result)})
        return history, sources_html(result), to_markdown(result)

    def ask_api(self, query: str, k: int = DEFAULT_K, party: str = ALL_PARTIES) -> dict:
        """Answer QUERY from the replies: the `ask` contract (id, query, abstained, passages, answer, message)."""
        if party and party != ALL_PARTIES and party.lower() not in {p.lower() for p in self.parties}:
            raise gr.Error(f"No reply from Party {party!r} in the index; Parties indexed: {', '.join(self.parties)}")
        try:
            return self.ask(query, k=k, party=party)
        except Exception as exc:
            log.exception("ask failed for %r", query)
            raise gr.Error(error_message(exc)) from None


def build_app(assistant: Assistant) -> gr.Blocks:
    """The chat page and the /ask API endpoint, over one loaded assistant."""
    service = ChatService(assistant)

    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True) as demo:
        gr.Markdown(f"## {TITLE}\nAsk about Parties' replies to the Lanzarote Committee's questionnaire. "
                    "Answers are quoted from the replies, never rewritten, and every passage is cited.")
        with gr.Tab("Ask", id="ask-tab"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=420):
                    with gr.Row():
                        party = gr.Dropdown([ALL_PARTIES] + service.parties, value=ALL_PARTIES, label="Party",
                                            elem_id="party-filter")
                        pillar = gr.Dropdown([ALL_PILLARS] + service.pillars, value=ALL_PILLARS, label="Pillar",
                                             elem_id="pillar-filter")
                        k = gr.Slider(1, MAX_K, value=DEFAULT_K, step=1, label="Passages", elem_id="k-slider")
                    chatbot = gr.Chatbot(
                        label="Answers", elem_id="chat", height=520, render_markdown=True, sanitize_html=True,
                        latex_delimiters=[], allow_tags=False, feedback_options=None, buttons=[],
                        placeholder="Ask a question below, or pick an example. Each question is searched on its own.",
                    )
                    with gr.Row():
                        msg = gr.Textbox(placeholder="e.g. What is the penalty for possessing child sexual abuse material?",
                                         show_label=False, scale=5, elem_id="question", autofocus=True, lines=1)
                        send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ask-button")
                        clear = gr.Button("New chat", scale=1, min_width=80, elem_id="clear-button")
                    gr.Examples(EXAMPLES, inputs=[msg], label="Example questions")
                    with gr.Accordion("Copy or export the last answer (Markdown, with citations)", open=False):
                        export = gr.Code(value="", language="markdown", label="Last answer", interactive=False,
                                         buttons=["copy", "download"], lines=8, wrap_lines=True, elem_id="export")
                    from .app_add import add_panel

                    adder = add_panel(assistant, party)
                with gr.Column(scale=2, min_width=340):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(SOURCES_PLACEHOLDER, elem_id="sources-panel", js_on_load=None)
        from .compare_view import build_compare_tab

        comparer = build_compare_tab(assistant, demo)

        def respond(message, history, party_value, pillar_value, k_value):
            """Show the question at once, then the answer (each question is searched on its own text)."""
            message = (message or "").strip()
            if not message:
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
                return
            yield list(history or []) + [{"role": "user", "content": md_text(message)}], gr.skip(), gr.skip(), ""
            new_history, panel, markdown = service.chat(message, history, party_value, pillar_value, k_value)
            yield new_history, panel, markdown, ""

        for trigger in (msg.submit, send.click):
            trigger(respond, [msg, chatbot, party, pillar, k], [chatbot, sources, export, msg],
                    api_visibility="private")
        clear.click(lambda: ([], SOURCES_PLACEHOLDER, "", ""), None, [chatbot, sources, export, msg],
                    queue=False, api_visibility="private")
        # a reply added since the server started (panel, `add`, `serve --watch`) is offered on every page load
        demo.load(lambda: gr.update(choices=[ALL_PARTIES] + service.parties), None, [party],
                  api_visibility="private")

        def ask_api(query: str, k: int, party: str) -> dict:
            """Answer QUERY from the replies (k passages, party or "All Parties"): the `ask` contract dict."""
            return service.ask_api(query, k, party)

        gr.api(ask_api, api_name="ask")

    demo.queue(default_concurrency_limit=4)
    demo.service = service  # for tests and callers that want the same functions without the page
    demo.adder = adder  # the "Add a reply" panel's functions (None without an index folder)
    demo.comparer = comparer  # the Compare and Coverage views' functions
    return demo


def launch(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860,
           auth: tuple[str, str] | None = None, block: bool = True) -> gr.Blocks:
    """Start the server; block=False returns once it listens (tests, benchmarks)."""
    demo = build_app(assistant)
    from .app_add import MAX_BYTES

    demo.launch(server_name=host, server_port=port, auth=auth, show_error=False, prevent_thread_lock=not block,
                css=CSS + COMPARE_CSS, quiet=not block, inbrowser=False, share=False, max_file_size=MAX_BYTES)
    return demo


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860,
          auth: tuple[str, str] | None = None) -> None:
    """Serve the chat page until interrupted."""
    launch(assistant, host=host, port=port, auth=auth, block=True)
