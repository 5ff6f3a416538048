"""The chat page: Ask, Compare Parties, Coverage and Add a reply, and the same search as an API endpoint."""

from __future__ import annotations

from importlib import resources

import gradio as gr

from ..api import Assistant
from ..ingest.readers import MAX_BYTES
from ..query.render import md_inline
from .add_panel import add_panel
from .chat import ALL_PARTIES, ALL_PILLARS, DEFAULT_K, MAX_K, ChatService
from .compare_tab import build_compare_tab
from .render import placeholder_html

TITLE = "Lanzarote Convention replies — cited answers"
EXAMPLES = [
    "What is the penalty for possessing child sexual abuse material?",
    "Which helplines can a child victim call?",
    "Is there a specialised cybercrime unit in the police?",
    "How are professionals trained to deal with self-generated sexual content?",
]


def page_css() -> str:
    return resources.files("assistant.web").joinpath("style.css").read_text(encoding="utf-8")


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
                    adder = add_panel(assistant, party)
                with gr.Column(scale=2, min_width=340):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(placeholder_html(), elem_id="sources-panel", js_on_load=None)
        comparer = build_compare_tab(assistant, demo)

        def respond(message, history, party_value, pillar_value, k_value):
            """Show the question at once, then the answer (each question is searched on its own text)."""
            message = (message or "").strip()
            if not message:
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
                return
            yield list(history or []) + [{"role": "user", "content": md_inline(message)}], gr.skip(), gr.skip(), ""
            new_history, panel, markdown = service.chat(message, history, party_value, pillar_value, k_value)
            yield new_history, panel, markdown, ""

        for trigger in (msg.submit, send.click):
            trigger(respond, [msg, chatbot, party, pillar, k], [chatbot, sources, export, msg],
                    api_visibility="private")
        clear.click(lambda: ([], placeholder_html(), "", ""), None, [chatbot, sources, export, msg],
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
    demo.launch(server_name=host, server_port=port, auth=auth, show_error=False, prevent_thread_lock=not block,
                css=page_css(), quiet=not block, inbrowser=False, share=False, max_file_size=MAX_BYTES)
    return demo


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860,
          auth: tuple[str, str] | None = None) -> None:
    """Serve the chat page until interrupted."""
    launch(assistant, host=host, port=port, auth=auth, block=True)
