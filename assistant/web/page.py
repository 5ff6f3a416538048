"""The chat page: Ask, Compare Parties, Coverage and Add a reply, and the same search as an API endpoint."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import gradio as gr

from ..api import Assistant
from ..ingest.readers import MAX_BYTES
from .add_panel import add_panel
from .chat import ALL_PARTIES, ALL_PILLARS, DEFAULT_K, MAX_K, ChatService
from .compare_tab import build_compare_tab
from .http_api import api_routes
from .render import placeholder_html, templates

TITLE = "Lanzarote Convention replies — cited answers"
SESSIONS = 500  # page sessions kept in memory (Gradio's default 10,000 grows a server by ~140 KB per session)
EXAMPLES = [
    "What is the penalty for possessing child sexual abuse material?",
    "Which helplines can a child victim call?",
    "Is there a specialised cybercrime unit in the police?",
    "How are professionals trained to deal with self-generated sexual content?",
]
# Gradio keeps a record of every event (10,000 by default) for its monitoring view and, after each event, rebuilds
# a pandas summary of all of them: server CPU that grows with the events served.  This page has no monitoring view;
# the summary is rebuilt every 1,000 events over the last 1,000 (set either variable to choose otherwise).  Measured
# with `assistant bench load`, 10 clients on the page's API: 38.9 q/s against 34.2 q/s.
GRADIO_EVENT_RECORDS = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": "1000", "GRADIO_ANALYTICS_MAX_EVENTS": "1000"}
STATUS_SECONDS = 20  # how often an open page looks for a newer build (the status line)
# a new answer scrolls into view from its start (window.lanzarote comes from templates/head.html)
CHAT_JS = "watch('value', () => window.lanzarote && window.lanzarote.showLatest(element));"


def page_css() -> str:
    return resources.files("assistant.web").joinpath("style.css").read_text(encoding="utf-8")


def page_head() -> str:
    return templates().get_template("head.html").render()


def corpus_folder(assistant: Assistant) -> Path | None:
    """The folder the live index was built from: the only one whose files the page serves."""
    corpus = getattr(assistant, "corpus", None) or assistant.index.manifest.get("corpus")
    return Path(corpus).resolve() if corpus else None


def _download(path: str | None) -> dict:
    return gr.update(value=path, interactive=path is not None)


def build_app(assistant: Assistant) -> gr.Blocks:
    """The chat page and the /ask API endpoint, over one loaded assistant."""
    service = ChatService(assistant)
    for name, value in GRADIO_EVENT_RECORDS.items():  # read when the Blocks' queue is made
        os.environ.setdefault(name, value)

    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True) as demo:
        gr.Markdown(f"## {TITLE}\nAsk about Parties' replies to the Lanzarote Committee's questionnaire. "
                    "Answers are quoted from the replies, never rewritten, and every passage is cited.")
        status = gr.HTML(service.status(), elem_id="index-status", js_on_load=None)
        turns = gr.State([])
        with gr.Tab("Ask", id="ask-tab"):
            with gr.Row():
                party = gr.Dropdown([ALL_PARTIES] + service.parties, value=ALL_PARTIES, label="Party",
                                    elem_id="party-filter")
                pillar = gr.Dropdown([ALL_PILLARS] + service.pillars, value=ALL_PILLARS, label="Pillar",
                                     elem_id="pillar-filter")
                k = gr.Slider(1, MAX_K, value=DEFAULT_K, step=1, label="Passages", elem_id="k-slider")
            # the answer, then its sources: on a narrow screen the columns stack in this order
            with gr.Row(equal_height=False, elem_id="ask-main"):
                with gr.Column(scale=3, min_width=420):
                    chat = gr.HTML(service.chat_view([]), elem_id="chat", js_on_load=CHAT_JS)
                with gr.Column(scale=2, min_width=340):
                    gr.HTML('<h2 class="sources-title" id="sources-title">Sources</h2>', js_on_load=None)
                    sources = gr.HTML(placeholder_html(), elem_id="sources-panel", js_on_load=None)
            with gr.Row(equal_height=False, elem_id="ask-input"):
                with gr.Column(scale=3, min_width=420):
                    with gr.Row():
                        msg = gr.Textbox(label="Your question", show_label=False, scale=5, elem_id="question",
                                         placeholder="e.g. What is the penalty for possessing child sexual abuse "
                                                     "material?", autofocus=True, lines=1)
                        send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ask-button")
                        clear = gr.Button("New chat", scale=1, min_width=80, elem_id="clear-button")
                    gr.Markdown("**Example questions** (click one to ask it)")
                    with gr.Row(elem_id="examples"):
                        examples = [gr.Button(e, size="sm", elem_classes=["example"]) for e in EXAMPLES]
                with gr.Column(scale=2, min_width=340):
                    gr.Markdown("**Export the last answer** with its citations")
                    with gr.Row():
                        txt_file = gr.DownloadButton("Plain text (.txt)", value=None, interactive=False,
                                                     elem_id="export-txt", size="sm")
                        md_file = gr.DownloadButton("Markdown (.md)", value=None, interactive=False,
                                                    elem_id="export-md", size="sm")
        comparer = build_compare_tab(assistant, demo)
        adder, added = add_panel(assistant, party)

        outputs = [turns, chat, sources, txt_file, md_file, msg, status]

        def respond(message, history, party_value, pillar_value, k_value):
            """Show the question at once, then its answer; a short follow-up leans on the previous question."""
            message = (message or "").strip()
            history = list(history or [])
            if not message:
                yield (gr.skip(),) * len(outputs)
                return
            waiting = service.chat_view(history + [{"question": message, "pending": True}])
            yield gr.skip(), waiting, gr.skip(), gr.skip(), gr.skip(), "", gr.skip()
            new = service.chat(message, history, party_value, pillar_value, k_value)
            txt, md = service.exports(new)
            yield new, service.chat_view(new), service.sources_view(new), _download(txt), _download(md), "", \
                service.status()

        def asker(question: str):
            def ask_example(history, party_value, pillar_value, k_value):
                yield from respond(question, history, party_value, pillar_value, k_value)
            return ask_example

        inputs = [turns, party, pillar, k]
        for trigger in (msg.submit, send.click):
            trigger(respond, [msg] + inputs, outputs, api_visibility="private")
        for button, question in zip(examples, EXAMPLES):
            button.click(asker(question), inputs, outputs, api_visibility="private")
        clear.click(lambda: ([], service.chat_view([]), placeholder_html(), _download(None), _download(None), ""),
                    None, outputs[:-1], queue=False, api_visibility="private")

        # what is indexed: on load, after an upload, and now and then (a rebuild by `add` or `serve --watch`)
        def refresh():
            return service.status(), gr.update(choices=[ALL_PARTIES] + service.parties)

        demo.load(refresh, None, [status, party], api_visibility="private")
        if added is not None:
            added.then(service.status, None, [status], api_visibility="private")
        gr.Timer(STATUS_SECONDS).tick(service.status, None, [status], queue=False, show_progress="hidden",
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
    corpus = corpus_folder(assistant)
    demo.launch(server_name=host, server_port=port, auth=auth, show_error=False, prevent_thread_lock=not block,
                css=page_css(), head=page_head(), quiet=not block, inbrowser=False, share=False,
                max_file_size=MAX_BYTES, allowed_paths=[str(corpus)] if corpus else None,
                state_session_capacity=SESSIONS,
                app_kwargs={"routes": api_routes(assistant, auth, demo)})  # the JSON API at /api, beside the page
    return demo


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860,
          auth: tuple[str, str] | None = None) -> None:
    """Serve the chat page until interrupted."""
    launch(assistant, host=host, port=port, auth=auth, block=True)
