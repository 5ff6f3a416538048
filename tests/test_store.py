"""The index on disk: manifest, atomic swap, reuse of unchanged files, stale detection, bad input."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from assistant.errors import CorpusError, IndexCorrupt, IndexMissing
from assistant.ingest.document import sha256_of
from assistant.store.build import build_index
from assistant.store.corpus import stale_reason
from assistant.store.layout import current_path
from assistant.store.load import load_index
from assistant.store.settings import Settings


@pytest.mark.slow
def test_manifest_records_what_built_it(built):
    manifest = json.loads((current_path(built / "index") / "manifest.json").read_text())
    assert manifest["model"] == "all-MiniLM-L6-v2" and manifest["backend"] == Settings().backend
    assert manifest["settings_key"] == Settings().key()
    assert manifest["dimension"] == 384
    [entry] = manifest["files"]
    assert manifest["passage_count"] == entry["passages"] == len(load_index(built / "index").passages)
    assert entry["name"] == "T-ES(2017)ICT-PT_Portugal.txt"
    assert entry["sha256"] == sha256_of(built / "corpus" / entry["name"]) and entry["party"] == "Portugal"
    assert manifest["tool_version"] and manifest["built_at"]


@pytest.mark.slow
def test_index_loads_consistently(built):
    index = load_index(built / "index")
    assert len(index.dense) == len(index.passages) == len(index.questions)
    norms = np.linalg.norm(index.dense.matrix(), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-3)  # inner product over normalised vectors is cosine
    assert index.parties == ["Portugal"]


@pytest.mark.slow
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


@pytest.mark.slow
def test_unchanged_corpus_reuses_vectors(tmp_path, built, encoder, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(built / "corpus", corpus)
    first = build_index(corpus, tmp_path / "index", encoder=encoder)

    def no_multilingual_encoder():
        raise AssertionError("nothing is new: the passages' and the words' multilingual vectors are all reused")

    monkeypatch.setattr("assistant.store.build.load_multilingual", no_multilingual_encoder)
    second = build_index(corpus, tmp_path / "index", encoder=encoder)
    assert (first.embedded, second.embedded, second.reused) == (1, 0, 1)
    assert first.path != second.path and current_path(tmp_path / "index") == second.path


@pytest.mark.slow
def test_bad_file_is_skipped_and_the_good_build_goes_live(tmp_path, built, encoder):
    corpus = tmp_path / "corpus"
    shutil.copytree(built / "corpus", corpus)
    index = tmp_path / "index"
    build_index(corpus, index, encoder=encoder)
    before = current_path(index)
    serving = [p.text for p in load_index(index).passages]
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary junk" * 10)
    report = build_index(corpus, index, encoder=encoder)
    assert [line.split(":")[0] for line in report.skipped] == ["broken.txt"]
    assert current_path(index) == report.path != before
    manifest = load_index(index).manifest
    assert [s["name"] for s in manifest["skipped"]] == ["broken.txt"] and manifest["skipped"][0]["problem"]
    assert [p.text for p in load_index(index).passages] == serving  # the good reply, as it was
    assert stale_reason(index, corpus) is None, "an unchanged skipped file does not make the index stale"
    assert not list((index / "builds").glob(".tmp-*")), "no half-written folder is left"


def test_not_a_reply_is_refused(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("Shopping list\n\nmilk, eggs\n")
    with pytest.raises(CorpusError, match="notes.txt: no questionnaire answers"):
        build_index(corpus, tmp_path / "index")  # refused while reading, before any encoder is loaded
    assert not (tmp_path / "index" / "current").exists()


def test_missing_index(tmp_path):
    with pytest.raises(IndexMissing, match="assistant build"):
        load_index(tmp_path / "nothing")


@pytest.mark.slow
def test_corrupt_index(tmp_path, built):
    copy = tmp_path / "copy"
    shutil.copytree(current_path(built / "index"), copy / "builds" / "b1")
    (copy / "current").symlink_to("builds/b1")
    (copy / "builds" / "b1" / "passages.json").write_text("[{")
    with pytest.raises(IndexCorrupt, match="rebuild"):
        load_index(copy)


@pytest.mark.slow
def test_a_build_made_before_sentences_had_multilingual_vectors_still_answers(tmp_path, built, encoder):
    from assistant.api import Assistant

    copy = tmp_path / "copy"
    shutil.copytree(current_path(built / "index"), copy / "builds" / "b1")
    (copy / "current").symlink_to("builds/b1")
    (copy / "builds" / "b1" / "ml_sentences.npy").unlink()
    assert load_index(copy).ml_sentences is None
    result = Assistant.open(copy, corpus=built / "corpus", build=False).ask(
        "Quelle peine pour la détention de matériel pédopornographique ?")
    assert not result["abstained"] and result["answer"]
    # a damaged file is still refused
    np.save(copy / "builds" / "b1" / "ml_sentences.npy", np.zeros((3, 384), dtype="float32"))
    with pytest.raises(IndexCorrupt, match="inconsistent"):
        load_index(copy)


def test_a_file_a_reader_fails_on_is_skipped_with_its_name_not_the_whole_corpus(tmp_path):
    """A fault in a reader (here a ValueError) is that file's problem: the build skips it, naming it and the fault;
    `add`, which requires the file, refuses it with the same one line."""
    from assistant.errors import ReadError
    from assistant.store.reading import read_corpus

    from assistant.ingest.replies import read_replies_from
    from replies import MINI, write_txt

    good, odd = write_txt(tmp_path / "good.txt", MINI), tmp_path / "odd.txt"
    odd.write_text("Question 9.3 Yes.")

    def read(path):
        if path == odd:
            raise ValueError("invalid literal for int() with base 10: '¹'")
        return read_replies_from(path)

    replies, skipped = read_corpus([good, odd], read)
    assert [r.meta.source for r in replies] == ["good.txt"]
    assert [s.line for s in skipped] == [
        "odd.txt: could not be read: the assistant failed on it (ValueError: invalid literal for int() with base 10: "
        "'¹'); please report it with the file"]
    with pytest.raises(ReadError, match=r"^odd\.txt: could not be read: the assistant failed on it \(ValueError"):
        read_corpus([good, odd], read, required={"odd.txt"})
