"""`assistant bench speed|scale|ingest|load` run end to end on a one-reply corpus and two questions, and refuse a bad
question file or an empty corpus with one line.  The figures themselves are machine-dependent: only their
presence is checked."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from assistant.cli import cli

from conftest import copy_built

QUESTIONS = (
    '{"id": "in", "query": "What penalty applies to possessing child sexual abuse material?", "gold": ["9.3"], '
    '"kind": "paraphrase"}\n'
    '{"id": "out", "query": "What is the boiling point of water at sea level?", "gold": [], "kind": "out_of_scope"}\n'
)


@pytest.fixture(scope="module")
def kb(tmp_path_factory, mini_built):
    """A copy of the mini corpus and its index, and a question file of two rows."""
    base = copy_built(mini_built, tmp_path_factory.mktemp("bench") / "kb")
    (base / "questions.jsonl").write_text(QUESTIONS, encoding="utf-8")
    return base


def bench(base, *args, questions=None):
    return CliRunner().invoke(cli, ["bench", *args, "--corpus", str(base / "corpus"), "--index", str(base / "index"),
                                    "--questions", str(questions or base / "questions.jsonl")])


def lines_of(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.mark.slow
def test_bench_speed(kb):
    out = lines_of(bench(kb, "speed", "--backends", "onnx", "--no-ablations"))
    assert out[0] == f"corpus {kb / 'corpus'} (1 replies), 2 questions from {kb / 'questions.jsonl'}"
    assert any(re.match(r"\[onnx\] full build [\d.]+s, \d+ passages", line) for line in out)
    assert any(re.match(r"\[onnx\] query latency p50 [\d.]+ ms, p95 [\d.]+ ms; floor \(query encoding alone, every encoder in use\) "
                        r"p50 [\d.]+ ms", line) for line in out)
    assert any(line.startswith("[onnx] eval: R@1 ") and "abstained" in line for line in out)
    assert any(re.match(r"\[onnx\] translating a question's words, unseen: p50 [\d.]+ ms, p95 [\d.]+ ms per question, "
                        r"\d+ of \d+ words embedded", line) for line in out)
    assert not any(line.startswith("variant") for line in out)  # --no-ablations


@pytest.mark.slow
def test_bench_scale(kb):
    out = lines_of(bench(kb, "scale", "--replies", "2"))
    assert out[0].startswith("synthetic round of 2 replies from T-ES(2017)ICT-PT_Portugal.txt, 2 questions")
    assert any(re.match(r"1 reply: build [\d.]+s, \d+ passages; query p50 [\d.]+ ms", line) for line in out)
    assert any(re.match(r"add 1 reply to 1: [\d.]+s \(1 embedded, 1 reused\)", line) for line in out)
    assert any(line.startswith("rebuild of the unchanged 2-reply corpus: ") for line in out)
    assert any(line.startswith("compare one question across 2 Parties") for line in out)


@pytest.mark.slow
def test_bench_ingest(kb):
    out = lines_of(bench(kb, "ingest", "--size-mb", "0.1"))
    assert re.match(r"seed T-ES\(2017\)ICT-PT_Portugal.txt: [\d.]+ KB, \d+ passages, built in [\d.]+ s", out[1]), out
    assert re.match(r"enlarged reply: 0\.\d+ MB \([\d.]+x the text\), \d+ answers, \d+ passages, built in [\d.]+ s = "
                    r"[\d.]+x the seed's time \([\d.]+x per byte; parsing alone [\d.]+ s\)", out[2]), out
    steps = [line.split()[0] for line in out if line.startswith("  ")]
    assert steps[:2] == ["parse", "chunk"] and any(line.strip().startswith("multilingual encoder: passages")
                                                   for line in out)
    assert re.match(r"per-sentence vectors at build time: [\d.]+ s per reply .* repaid after \d+ questions", out[-1])


@pytest.mark.slow
def test_bench_load(kb):
    out = "\n".join(lines_of(bench(kb, "load", "--total", "4", "--clients", "2")))
    assert re.search(r"in-process floor \(Assistant.ask, one at a time\): p50 [\d.]+ ms", out), out
    assert re.search(r"^HTTP API\s+2\s+\d+\s+0\s+[\d.]+", out, re.M), out  # answered with no error
    # two gradio_client clients, one process each, started together: every question answered
    assert re.search(r"^page API \(gradio_client\)\s+2\s+200\s+0\s+[\d.]+", out, re.M), out
    assert re.search(r"^page API \(stock gradio_client\)\s+2\s+200\s+0\s+[\d.]+", out, re.M), out
    assert re.search(r"peak RSS of the serve process: \d+ MB", out), out


# --------------------------------------------------------------------------- refused with one line

def one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("sub", ["speed", "scale", "ingest", "load"])
def test_a_malformed_question_file_is_one_line(tmp_path, sub):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "reply.txt").write_text("Question 9. Criminalisation\n\n9.3. Penalties?\n\nPrison.\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "query": "penalties"}\n{"id": "b", "gold": ["9.3"]}\n', encoding="utf-8")
    line = one_error_line(bench(tmp_path, sub, questions=bad))
    assert line.startswith('Error: bad.jsonl line 2: expected a "query" string')
    assert not (tmp_path / "index").exists()


@pytest.mark.parametrize("sub", ["speed", "scale", "ingest", "load"])
def test_an_empty_corpus_is_one_line(tmp_path, sub):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "questions.jsonl").write_text(QUESTIONS, encoding="utf-8")
    line = one_error_line(bench(tmp_path, sub))
    assert line.startswith("Error: no reply files") and str(tmp_path / "corpus") in line
    assert "--corpus" in line  # says what to do


def test_a_missing_corpus_is_one_line(tmp_path):
    (tmp_path / "questions.jsonl").write_text(QUESTIONS, encoding="utf-8")
    line = one_error_line(bench(tmp_path, "speed"))
    assert line.startswith(f"Error: corpus folder {tmp_path / 'corpus'} does not exist")
