"""What every `assistant` command shares: the --index, --corpus and --backend options, and opening the
assistant with a progress bar (assistant.cli and assistant.cli_bench both build on it)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .api import DEFAULT_INDEX, Assistant
from .console import progress_bar
from .encoders.base import BACKENDS, DEFAULT_BACKEND

DEV_QUESTIONS = Path("../shared/eval/dev_questions.jsonl")

index_option = click.option("--index", "index_dir", type=click.Path(path_type=Path), default=DEFAULT_INDEX,
                            show_default=True, help="Index folder.")
corpus_option = click.option("--corpus", type=click.Path(path_type=Path), default=None,
                             help="Folder of reply files [default: corpus/, or the one the index was built from].")
backend_option = click.option("--backend", type=click.Choice(BACKENDS),
                              default=lambda: os.environ.get("ASSISTANT_BACKEND", DEFAULT_BACKEND),
                              show_default=DEFAULT_BACKEND, help="Encoder back end (env ASSISTANT_BACKEND).")


def open_assistant(index_dir: Path, corpus: Path | None, backend: str, rebuild: bool = False) -> Assistant:
    progress, close = progress_bar(quiet=not sys.stderr.isatty())
    try:
        return Assistant.open(index_dir, corpus=corpus, backend=backend, progress=progress, rebuild=rebuild)
    finally:
        close()
