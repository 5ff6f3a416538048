"""What the command line shows besides results: the assistant's notices, a build's progress, quiet libraries."""

from __future__ import annotations

import logging
import os
import sys

import click


def quiet_libraries() -> None:
    """Offline, no library progress bars; the assistant's own notices (an index being built) go to stderr."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # a bad PDF is our one line, not pypdf's log lines too
    log = logging.getLogger("assistant")
    if not any(isinstance(h, EchoHandler) for h in log.handlers):
        log.addHandler(EchoHandler())
        log.setLevel(logging.WARNING)
        log.propagate = False


class EchoHandler(logging.Handler):
    """The assistant's notices on stderr, through click (so they reach whatever stderr is at the time)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(record.getMessage(), err=True)


def progress_bar(quiet: bool):
    """(progress callback, close) for a build: a tqdm bar over files on stderr, or nothing."""
    if quiet:
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=0, unit="reply", file=sys.stderr, leave=False)

    def progress(name: str, n: int, total: int) -> None:
        bar.total = total
        bar.set_postfix_str(name[:40])
        bar.update(1)

    return progress, bar.close
