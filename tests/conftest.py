"""Shared fixtures: one encoder and one built index per test session, on copies of the real corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
PORTUGAL = CORPUS / "T-ES(2017)ICT-PT_Portugal.txt"
DEV_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"


@pytest.fixture(scope="session")
def encoder():
    from assistant.encoder import load_encoder

    return load_encoder()


@pytest.fixture(scope="session")
def portugal():
    from assistant.parsing import parse_file

    return parse_file(PORTUGAL)


@pytest.fixture(scope="session")
def built(tmp_path_factory, encoder):
    """A corpus copy and an index built from it; tests must not modify either."""
    from assistant.store import build_index

    base = tmp_path_factory.mktemp("built")
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    build_index(corpus, base / "index", encoder=encoder)
    return base


@pytest.fixture(scope="session")
def assistant_obj(built, encoder):
    from assistant.answer import Assistant
    from assistant.search import Searcher
    from assistant.store import load_index

    return Assistant(Searcher(load_index(built / "index"), encoder))
