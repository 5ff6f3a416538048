"""The index on disk: manifest, atomic swap, reuse of unchanged files, stale detection, bad input."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from assistant.errors import CorpusError, IndexCorrupt, IndexMissing, NotAReply, ReadError
from assistant.store.build import build_index
from assistant.store.corpus import stale_reason
from assistant.store.layout import current_path
from assistant.store.load import load_index


def test_manifest_records_what_built_it(built):
    manifest = json.loads((current_path(built / "index") / "manifest.json").read_text())
    assert manifest["model"] == "all-MiniLM-L6-v2"
    assert manifest["dimension"] == 384
    assert manifest["passage_count"] > 100
    [entry] = manifest["files"]
    assert entry["name"] == "T-ES(2017)ICT-PT_Portugal.txt"
    assert len(entry["sha256"]) == 64 and entry["party"] == "Portugal"
    assert manifest["tool_version"] and manifest["built_at"]


def test_index_loads_consistently(built):
    index = load_index(built / "index")
    assert len(index.dense) == len(index.passages) == len(index.questions)
    norms = np.linalg.norm(index.dense.matrix(), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-3)  # inner product over normalised vectors is cosine
    assert index.parties == ["Portugal"]


def test_stale_detection(tmp_path, built, encoder):
    corpus = tmp_path / "corpus"
    shutil.copytree(built / "corpus", corpus)
    index = tmp_path / "index"
    assert stale_reason(index, corpus) == f"no index in {index}"
    build_index(corpus, index, encoder=encoder)
    assert stale_reason(index, corpus) is None
    reply = next(corpus.iterdir())
    original = reply.read_bytes()
    reply.write_bytes(original + b"\nOne more line.\n")
    assert "changed" in stale_reason(index, corpus)
    reply.write_bytes(original)
    assert stale_reason(index, corpus) is None
    (corpus / "T-ES(2017)ICT-XX_Extra.txt").write_bytes(original.replace(b"PORTUGAL", b"ANDORRA"))
    assert "is new" in stale_reason(index, corpus)
    (corpus / "T-ES(2017)ICT-XX_Extra.txt").unlink()
    reply.unlink()
    assert "was removed" in stale_reason(index, corpus)


def test_unchanged_corpus_reuses_vectors(tmp_path, built, encoder):
    corpus = tmp_path / "corpus"
    shutil.copytree(built / "corpus", corpus)
    first = build_index(corpus, tmp_path / "index", encoder=encoder)
    second = build_index(corpus, tmp_path / "index", encoder=encoder)
    assert (first.embedded, second.embedded, second.reused) == (1, 0, 1)
    assert first.path != second.path and current_path(tmp_path / "index") == second.path


def test_bad_file_keeps_the_serving_index(tmp_path, built, encoder):
    corpus = tmp_path / "corpus"
    shutil.copytree(built / "corpus", corpus)
    index = tmp_path / "index"
    build_index(corpus, index, encoder=encoder)
    before = current_path(index)
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary junk" * 10)
    with pytest.raises(ReadError, match="broken.txt"):
        build_index(corpus, index, encoder=encoder)
    assert current_path(index) == before
    assert len(load_index(index).passages) > 100
    assert not list((index / "builds").glob(".tmp-*")), "a failed build leaves no half-written folder"


def test_not_a_reply_is_refused(tmp_path, encoder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("Shopping list\n\nmilk, eggs\n")
    with pytest.raises(NotAReply, match="notes.txt: no questionnaire answers"):
        build_index(corpus, tmp_path / "index", encoder=encoder)


def test_missing_and_corrupt_index(tmp_path, built):
    with pytest.raises(IndexMissing, match="assistant build"):
        load_index(tmp_path / "nothing")
    copy = tmp_path / "copy"
    shutil.copytree(current_path(built / "index"), copy / "builds" / "b1")
    (copy / "current").symlink_to("builds/b1")
    (copy / "builds" / "b1" / "passages.json").write_text("[{")
    with pytest.raises(IndexCorrupt, match="rebuild"):
        load_index(copy)
