"""Vectors are reused only under the settings that made them: another back end or passage size re-embeds,
the same settings reuse, and the manifest says which back end built the index."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.api import settings_for
from assistant.encoders.base import BACKENDS
from assistant.store.build import build_index
from assistant.store.corpus import stale_reason
from assistant.store.layout import read_manifest
from assistant.store.settings import Settings

from conftest import copy_built

CHANGES = {
    "int8 back end": {"backend": "onnx-int8"},
    "smaller passages": {"target_tokens": 128},
}


def test_every_setting_that_shapes_the_vectors_changes_the_key():
    base = Settings()
    changes = [*CHANGES.values(), {"backend": "torch"}, {"headings": False}, {"follow_refs": False}]
    keys = {base.key()} | {replace(base, **change).key() for change in changes}
    assert len(keys) == 1 + len(changes)
    assert replace(base).key() == base.key()  # the key is a function of the values, not the object


def test_code_that_reads_replies_differently_reads_them_again(tmp_path, monkeypatch):
    """A parser fix changes the reader's fingerprint, part of the key: an index read by other code is not reused as
    it was read, whatever the version number says."""
    import assistant.store.settings as settings_module
    from assistant.store.settings import fingerprint_of

    package = tmp_path / "assistant"
    (package / "ingest").mkdir(parents=True)
    (package / "ingest" / "parser.py").write_text("RULE = 1\n")
    first = fingerprint_of(package)
    (package / "web").mkdir()
    (package / "web" / "page.py").write_text("COLOUR = 'blue'\n")
    assert fingerprint_of(package) == first  # the page shapes no reading
    (package / "ingest" / "parser.py").write_text("RULE = 2\n")
    assert fingerprint_of(package) != first

    before = Settings().key()
    monkeypatch.setattr(settings_module, "reader_fingerprint", lambda: "another-reader")
    assert Settings().key() != before


def test_the_library_and_the_command_line_default_to_the_same_back_end(monkeypatch):
    monkeypatch.delenv("ASSISTANT_BACKEND", raising=False)
    assert Settings().backend == settings_for().backend == BACKENDS[0] == "onnx"
    monkeypatch.setenv("ASSISTANT_BACKEND", "onnx-int8")
    assert settings_for().backend == "onnx-int8" and settings_for("torch").backend == "torch"


@pytest.mark.slow
def test_the_same_settings_reuse_the_vectors(tmp_path, mini_built, encoder):
    base = copy_built(mini_built, tmp_path / "kb")  # built with the default Settings()
    report = build_index(base / "corpus", base / "index", Settings(), encoder=encoder)
    assert (report.embedded, report.reused) == (0, 1)
    manifest = read_manifest(base / "index")
    assert manifest["backend"] == manifest["settings"]["backend"] == "onnx"


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CHANGES))
def test_other_settings_force_a_re_embed(tmp_path, mini_built, encoder, case):
    base = copy_built(mini_built, tmp_path / "kb")
    corpus, index = base / "corpus", base / "index"
    changed = replace(Settings(), **CHANGES[case])
    assert "other settings" in stale_reason(index, corpus, changed)

    # the session's encoder stands in for every back end: what is checked is the decision to embed again
    first = build_index(corpus, index, changed, encoder=encoder)
    assert (first.embedded, first.reused) == (1, 0)
    manifest = read_manifest(index)
    assert manifest["backend"] == changed.backend and manifest["settings_key"] == changed.key()
    assert {k: manifest["settings"][k] for k in CHANGES[case]} == CHANGES[case]
    assert stale_reason(index, corpus, changed) is None

    again = build_index(corpus, index, changed, encoder=encoder)
    assert (again.embedded, again.reused) == (0, 1)

    if "backend" in CHANGES[case]:  # and the other way round: int8 vectors are not reused for fp32
        back = build_index(corpus, index, Settings(), encoder=encoder)
        assert (back.embedded, back.reused) == (1, 0) and read_manifest(index)["backend"] == "onnx"


@pytest.mark.slow
def test_an_index_built_by_other_code_is_stale_and_read_again(tmp_path, mini_built, encoder, monkeypatch):
    import assistant.store.build as build_module

    base = copy_built(mini_built, tmp_path / "kb")
    corpus, index = base / "corpus", base / "index"
    assert stale_reason(index, corpus, Settings()) is None
    monkeypatch.setattr(Settings, "key", lambda self: "reader-v2")  # what a parser fix does to the key
    assert "another version of the assistant" in stale_reason(index, corpus, Settings())

    reads = []
    real = build_module.read_replies_from
    monkeypatch.setattr(build_module, "read_replies_from", lambda *a, **k: reads.append(a[0]) or real(*a, **k))
    report = build_index(corpus, index, Settings(), encoder=encoder)
    assert (report.embedded, report.reused) == (1, 0) and len(reads) == 1  # read and embedded again, not reused
    assert stale_reason(index, corpus, Settings()) is None
