"""Shared fixtures: one encoder and one built index per test session, on copies of the real corpus."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
PORTUGAL = CORPUS / "T-ES(2017)ICT-PT_Portugal.txt"
DEV_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
SECOND_SET = ROOT / "eval" / "questions_en.jsonl"  # the project's own English questions, with gold ids


@pytest.fixture(scope="session")
def encoder():
    from assistant.encoders import load_encoder

    return load_encoder()


@pytest.fixture(scope="session")
def portugal():
    from assistant.ingest.parser import parse_file

    return parse_file(PORTUGAL)


@pytest.fixture(scope="session")
def built(tmp_path_factory, encoder):
    """A corpus copy and an index built from it; tests must not modify either."""
    from assistant.store.build import build_index

    base = tmp_path_factory.mktemp("built")
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    build_index(corpus, base / "index", encoder=encoder)
    return base


@pytest.fixture(scope="session")
def assistant_obj(built, encoder):
    from assistant.api import Assistant
    from assistant.query.search import Searcher
    from assistant.store.load import load_index

    return Assistant(Searcher(load_index(built / "index"), encoder))


@pytest.fixture(scope="session")
def mini_built(tmp_path_factory, encoder):
    """A corpus of one short reply (Portugal's Legislation part to 9.3) and its index: seconds to embed.

    Tests copy it with `copy_built` and change the copy, never this one."""
    from replies import MINI, write_txt

    from assistant.store.build import build_index

    base = tmp_path_factory.mktemp("mini")
    (base / "corpus").mkdir()
    write_txt(base / "corpus" / PORTUGAL.name, MINI)
    build_index(base / "corpus", base / "index", encoder=encoder)
    return base


def free_port() -> int:
    """A loopback port nobody listens on, for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def served_assistant(built):
    """The assistant a server holds: over the session's Portugal index, reloading a newer build by itself."""
    from assistant.api import Assistant

    return Assistant.open(built / "index", corpus=built / "corpus")


def copy_built(source: Path, dest: Path) -> Path:
    """A private copy of a corpus and its index (the index/current symlink kept a symlink)."""
    shutil.copytree(source, dest, symlinks=True)
    return dest
