"""Bad input never silences the assistant: a bad corpus file is skipped and named while the rest answers; `ask`
answers from the last good build instead of starting a build of its own; a killed `add` leaves the old reply or the
new one; a damaged index or manifest is rebuilt; every failure the README promises one line for is one line; exports
are inert in a spreadsheet and in Markdown."""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from fpdf import FPDF

from assistant.cli import cli
from assistant.errors import IndexCorrupt, IndexMissing
from assistant.ingest.readers import MAX_BYTES
from assistant.store.corpus import stale_reason
from assistant.store.layout import current_path, prune_builds, read_manifest, swap_current
from assistant.store.load import load_index
from assistant.store.replacing import recover

from conftest import ROOT, copy_built
from replies import MINI, write_docx, write_txt

PT = "T-ES(2017)ICT-PT_Portugal.txt"
PENALTY = "What is the penalty for possessing child sexual abuse material?"


def run(base: Path, *args: str):
    """`assistant <args>` over base/index and base/corpus: the result, with stdout and stderr apart."""
    return CliRunner().invoke(cli, [*args, "--index", str(base / "index"), "--corpus", str(base / "corpus")])


def builds(base: Path) -> list[str]:
    return sorted(p.name for p in (base / "index" / "builds").iterdir())


def error_line(result) -> str:
    """The one line a failure prints (and nothing else: no traceback, no library log lines)."""
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def oversized(path: Path) -> Path:
    with open(path, "wb") as f:  # sparse: 20 MB + 1 byte without writing them
        f.truncate(MAX_BYTES + 1)
    return path


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# --------------------------------------------------------------------------- a corpus with bad files

BAD_FILES = {
    "empty.txt": (lambda p: p.write_bytes(b""), "empty.txt: is empty"),
    "junk.docx": (lambda p: p.write_bytes(b"\x00\x01junk\xff" * 50), "junk.docx: is not a valid Word .docx"),
    "notes.txt": (lambda p: p.write_text("Shopping list\n\nmilk, eggs\n"), "notes.txt: no questionnaire answers"),
    "huge.pdf": (oversized, "huge.pdf: is 20.0 MB; the limit is 20 MB"),
    "copy.txt": (lambda p: shutil.copyfile(p.parent / PT, p), f"copy.txt: the same file as {PT}"),
    # a document of a type that is not read is named too, with what to do, not passed over in silence
    "reply.odt": (lambda p: p.write_bytes(b"PK\x03\x04mimetypeapplication/vnd.oasis.opendocument.text"),
                  "reply.odt: OpenDocument text (.odt) is not read; save it as .docx (or PDF)"),
    # Andorra's reply, but it says it is Portugal's document: the later file by name is the one left out
    "zz-andorra.txt": (lambda p: write_txt(p, MINI[:40], "ANDORRA", "PT"),
                       f"zz-andorra.txt: has document code T-ES(2017)ICT-PT, as {PT} does"),
}


@pytest.mark.slow
def test_build_skips_bad_files_names_them_and_exits_3(tmp_path, mini_built):
    base = copy_built(mini_built, tmp_path / "kb")
    before = current_path(base / "index")
    for name, (make, _) in BAD_FILES.items():
        make(base / "corpus" / name)

    result = run(base, "build", "--quiet")
    assert result.exit_code == 3, result.output
    assert "Indexed 13 passages from 1 replies" in result.stdout and "7 file(s) skipped" in result.stdout
    skipped = [ln.removeprefix("skipped ") for ln in result.stderr.splitlines() if ln.startswith("skipped ")]
    assert len(skipped) == len(BAD_FILES)
    for line, (name, (_, problem)) in zip(skipped, sorted(BAD_FILES.items())):
        assert line.startswith(problem), (line, problem)
    assert "Traceback" not in result.output

    live = current_path(base / "index")
    assert live != before, "the good files' build is live"
    manifest = read_manifest(base / "index")
    assert {s["name"] for s in manifest["skipped"]} == set(BAD_FILES)
    assert all(s["problem"] for s in manifest["skipped"])

    # the next `ask` answers, names the skipped files in one line, and builds nothing
    result = run(base, "ask", PENALTY, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["passages"][0]["party"] == "Portugal"
    [warning] = result.stderr.splitlines()
    assert warning.startswith("Warning: the index leaves out 7 corpus file(s)")
    assert "copy.txt, empty.txt, huge.pdf, junk.docx, notes.txt and 2 more" in warning
    assert "older than the corpus" not in warning, "unchanged skipped files do not make the index stale"
    assert current_path(base / "index") == live

    # a skipped file that changes makes the index stale again; building it fixes it
    (base / "corpus" / "empty.txt").unlink()
    write_txt(base / "corpus" / "empty.txt", MINI, "ANDORRA", "AD")
    assert stale_reason(base / "index", base / "corpus") == "empty.txt changed since the index was built"


@pytest.mark.slow
def test_file_names_that_cannot_be_one_line_or_utf8_are_skipped(tmp_path, mini_built):
    base = copy_built(mini_built, tmp_path / "kb")
    write_txt(base / "corpus" / "two\nlines.txt", MINI[:40], "ANDORRA", "AD")
    write_txt(base / "corpus" / os.fsdecode(b"latin-1 \xe9.txt"), MINI[:40], "BELGIUM", "BE")
    result = run(base, "build", "--quiet")
    assert result.exit_code == 3, result.output
    assert result.stderr.splitlines() == [
        "skipped latin-1 \\xe9.txt: its file name has bytes that are not UTF-8 or control characters; rename it",
        "skipped two\\nlines.txt: its file name has bytes that are not UTF-8 or control characters; rename it"]
    assert stale_reason(base / "index", base / "corpus") is None
    result = run(base, "ask", PENALTY)
    assert result.exit_code == 0, result.output
    assert "leaves out 2 corpus file(s) it could not use: latin-1 \\xe9.txt, two\\nlines.txt;" in result.stderr


@pytest.mark.slow
def test_a_corpus_of_only_bad_files_is_an_error_and_changes_nothing(tmp_path, mini_built):
    base = copy_built(mini_built, tmp_path / "kb")
    before = builds(base)
    (base / "corpus" / PT).unlink()
    for name in ("empty.txt", "notes.txt"):
        BAD_FILES[name][0](base / "corpus" / name)
    result = run(base, "build", "--quiet")
    assert result.exit_code == 1
    line = error_line(result)
    assert "no reply in" in line and "empty.txt: is empty | notes.txt: no questionnaire answers" in line
    assert builds(base) == before

    # the last good build still answers, and says the corpus moved on
    result = run(base, "ask", PENALTY, "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Warning: index is older than the corpus (empty.txt is new in")


@pytest.mark.slow
def test_ask_compare_coverage_and_serve_answer_from_the_last_good_build(tmp_path, mini_built, monkeypatch):
    base = copy_built(mini_built, tmp_path / "kb")
    oversized(base / "corpus" / "huge.pdf")
    before = builds(base)

    for args in (["ask", PENALTY], ["compare", "9.3"], ["coverage", "--format", "csv"]):
        result = run(base, *args)
        assert result.exit_code == 0, result.output
        [warning] = result.stderr.splitlines()
        assert warning == (f"Warning: index is older than the corpus (huge.pdf is new in {base / 'corpus'}); "
                           f"run `assistant build` (or pass --rebuild)")
    assert "Portugal" in result.stdout

    served = {}
    monkeypatch.setattr("assistant.web.page.serve", lambda assistant, **kw: served.update(assistant=assistant))
    result = run(base, "serve")
    assert result.exit_code == 0, result.output
    assert "index is older than the corpus (huge.pdf is new" in result.stderr
    assert served["assistant"].ask(PENALTY)["passages"][0]["party"] == "Portugal"
    assert builds(base) == before, "no command started a build of its own"

    # --rebuild builds first; the file too large to read is skipped, named, and not read again
    result = run(base, "ask", PENALTY, "--rebuild")
    assert result.exit_code == 0, result.output
    assert "Rebuilding the index (huge.pdf is new" in result.stderr
    assert "1 file(s) skipped" in result.stderr
    assert "leaves out 1 corpus file(s) it could not use: huge.pdf" in result.stderr
    [skip] = read_manifest(base / "index")["skipped"]
    assert skip["name"] == "huge.pdf" and skip["problem"].startswith("is 20.0 MB; the limit is 20 MB")
    assert skip["sha256"] == "", "a file over the limit is never read, not even to hash it"
    assert stale_reason(base / "index", base / "corpus") is None


@pytest.mark.slow
def test_a_missing_index_is_still_built_by_ask(tmp_path, mini_built):
    base = tmp_path / "kb"
    shutil.copytree(mini_built / "corpus", base / "corpus")
    result = run(base, "ask", PENALTY, "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"Index needs building (no index in {base / 'index'})")


@pytest.mark.slow
def test_a_question_with_undecodable_bytes_is_answered(mini_built):
    result = run(mini_built, "ask", "\udcff\udcfe penalty for possession", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["query"] == "?? penalty for possession"


# --------------------------------------------------------------------------- a damaged index

@pytest.mark.slow
@pytest.mark.parametrize("damage", [b"\xff\xfe\x00not utf-8", b"[1, 2, 3]", b'{"format": 1, "files": [', b"null"])
def test_a_damaged_manifest_is_a_missing_index_that_build_repairs(tmp_path, mini_built, damage):
    base = copy_built(mini_built, tmp_path / "kb")
    (current_path(base / "index") / "manifest.json").write_bytes(damage)
    assert read_manifest(base / "index") is None
    assert stale_reason(base / "index", base / "corpus") == f"no index in {base / 'index'}"
    with pytest.raises(IndexMissing, match="damaged manifest.json; build it again") as caught:
        load_index(base / "index")
    assert "\n" not in str(caught.value)

    if damage == b"null":  # `coverage` (like ask, compare, serve) rebuilds a damaged index by itself
        result = run(base, "coverage")
        assert result.exit_code == 0, result.output
        assert "Index needs building (the index in" in result.stderr and "Portugal" in result.stdout
    else:
        result = run(base, "build", "--quiet")
        assert result.exit_code == 0, result.output
        assert "(0 embedded, 1 unchanged)" in result.stdout, "the vectors are still reused"
    assert load_index(base / "index").parties == ["Portugal"]


@pytest.mark.slow
def test_sentence_vectors_out_of_step_are_one_line_and_ask_repairs_them(tmp_path, mini_built):
    base = copy_built(mini_built, tmp_path / "kb")
    live = current_path(base / "index")
    np.save(live / "sentences.npy", np.load(live / "sentences.npy")[:-3])
    with pytest.raises(IndexCorrupt) as caught:
        load_index(base / "index")
    assert "\n" not in str(caught.value) and "is inconsistent" in str(caught.value)
    assert "rebuild it with `assistant build" in str(caught.value)

    result = run(base, "ask", PENALTY, "--json")
    assert result.exit_code == 0, result.output
    assert "Index needs building (the index in" in result.stderr and "is inconsistent" in result.stderr
    assert json.loads(result.stdout)["passages"]


def read_only(folder: Path, monkeypatch) -> None:
    """Make `folder` read-only; as root (who writes anyway) refuse to create anything in it, as the system would."""
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o555)
    if os.geteuid() == 0:
        real_mkdir = os.mkdir

        def mkdir(path, *args, **kwargs):
            if Path(os.path.abspath(path)).is_relative_to(folder.absolute()):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_mkdir(path, *args, **kwargs)

        monkeypatch.setattr(os, "mkdir", mkdir)


@pytest.mark.slow
def test_a_read_only_index_still_answers_and_a_build_into_it_is_one_line(tmp_path, mini_built, monkeypatch):
    base = copy_built(mini_built, tmp_path / "kb")
    write_txt(base / "corpus" / "T-ES(2017)ICT-AD_Andorra.txt", MINI, "ANDORRA", "AD")
    read_only(base / "index", monkeypatch)
    try:
        result = run(base, "ask", PENALTY)
        assert result.exit_code == 0, result.output
        assert "index is older than the corpus" in result.stderr

        result = run(base, "build", "--quiet")
        assert result.exit_code == 1
        line = error_line(result)
        assert re.fullmatch(r"Error: cannot write to .*/index/builds/\.tmp-\S+: permission denied; check the "
                            r"permissions of that folder, or use another one \(--index, --corpus\)", line), line
    finally:
        for path in [base / "index", *(base / "index").rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)


# --------------------------------------------------------------------------- one line for each failure

def test_a_300_character_file_name_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["add", str(tmp_path / ("a" * 300 + ".txt")), "--corpus",
                                      str(tmp_path / "corpus"), "--index", str(tmp_path / "index"), "--quiet"])
    assert result.exit_code == 1
    assert "file name too long (304 characters); rename the file" in error_line(result)
    assert not (tmp_path / "corpus").exists()


@pytest.mark.parametrize("content, problem", [
    (b'{"id": "a", "query": "\xed\xa0\x80"}\n', "q.jsonl: not UTF-8 text (byte 22)"),
    (b'{"id": "a", "query": "\\ud800 penalty"}\n', "q.jsonl line 1: a lone surrogate in the text"),
    (b'{"id": "\\udc80", "query": "penalty"}\n', "q.jsonl line 1: a lone surrogate in the text"),
    (bytes(range(256)) * 4, "q.jsonl: not UTF-8 text"),
    (b"\x00\x01\x02\x03 binary\n", "q.jsonl line 1: Expecting value"),
    (b"[" * 100000 + b"\n", "q.jsonl line 1: nested too deeply"),
])
def test_a_bad_batch_file_is_one_line(tmp_path, content, problem):
    batch = tmp_path / "q.jsonl"
    batch.write_bytes(content)
    result = CliRunner().invoke(cli, ["ask", "--batch", str(batch), "--index", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert problem in error_line(result)


def damaged_pdf(path: Path) -> Path:
    """A PDF whose stream lengths and cross-reference offset are wrong: pypdf logs warnings while reading it."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Minutes of a meeting")
    data = re.sub(rb"startxref\s+\d+", b"startxref\n999999", bytes(pdf.output()))
    path.write_bytes(data.replace(b"/Length", b"/Lenght", 1))
    return path


def test_pypdf_log_lines_do_not_precede_the_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["add", str(damaged_pdf(tmp_path / "minutes.pdf")), "--corpus",
                                      str(tmp_path / "corpus"), "--index", str(tmp_path / "index"), "--quiet"])
    assert result.exit_code == 1
    assert error_line(result).startswith("Error: minutes.pdf: no questionnaire answers found")
    assert logging.getLogger("pypdf").getEffectiveLevel() > logging.ERROR


def test_os_errors_without_a_file_name_stay_bugs(monkeypatch):
    """Only an OSError that names a file is the user's to fix; any other keeps its traceback."""
    import assistant.cli as cli_module

    monkeypatch.setattr(cli_module, "settings_for", lambda backend: (_ for _ in ()).throw(OSError("no name")))
    result = CliRunner().invoke(cli, ["build", "--quiet", "--corpus", "nowhere"])
    assert result.exit_code == 1 and isinstance(result.exception, OSError)


# --------------------------------------------------------------------------- exports

PAYLOAD = '=HYPERLINK("http://evil.example","click") <img src=x onerror=alert(1)> <b>bold</b>'


@pytest.fixture(scope="module")
def crafted(tmp_path_factory, mini_built):
    """Portugal's mini reply and Andorra's, whose 9.3 answer is a spreadsheet formula and raw HTML; Andorra's
    document code, set in metadata.json, starts with '@'."""
    from assistant.store.build import build_index

    base = copy_built(mini_built, tmp_path_factory.mktemp("crafted") / "kb")
    nine_three = MINI.index("9.3. What are the legal consequences of the above behaviours (9.1.a-c)?")
    write_txt(base / "corpus" / "andorra.txt", MINI[:nine_three + 2] + [PAYLOAD, "", "-2 years", ""], "ANDORRA", "AD")
    (base / "corpus" / "metadata.json").write_text(json.dumps({"andorra.txt": {"doc_id": "@SUM(A1:A9)"}}))
    build_index(base / "corpus", base / "index")
    return base


@pytest.mark.slow
def test_csv_exports_neutralise_formulas(crafted):
    import csv
    import io

    result = run(crafted, "compare", "9.3", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = {r["party"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["Andorra"]["answer"].startswith("'=HYPERLINK(")
    assert rows["Andorra"]["doc_id"] == "'@SUM(A1:A9)"
    cells = [c for r in rows.values() for c in r.values()]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells), cells

    result = run(crafted, "coverage", "--format", "csv")
    assert result.exit_code == 0, result.output
    cells = [c for r in csv.reader(io.StringIO(result.stdout)) for c in r]
    assert "'@SUM(A1:A9)" in cells and not any(c.startswith(("=", "+", "-", "@")) for c in cells), cells


@pytest.mark.slow
def test_markdown_export_escapes_raw_html(crafted):
    result = run(crafted, "compare", "9.3", "--format", "markdown")
    assert result.exit_code == 0, result.output
    row = next(ln for ln in result.stdout.splitlines() if ln.startswith("| Andorra"))
    assert "<img" not in row and "<b>" not in row
    assert "&lt;img src=x onerror=alert" in row and "&lt;b&gt;bold&lt;/b&gt;" in row


# --------------------------------------------------------------------------- a killed `add`

DRIVER = r'''
"""`assistant add …`, killed (os._exit: no clean-up of any kind) just before its file operation number N."""
import os
import shutil
import sys

kill_at, log = int(sys.argv[1]), sys.argv[2]
calls = 0


def step(name, fn):
    def wrapped(*args, **kwargs):
        global calls
        calls += 1
        with open(log, "a") as f:
            f.write(f"{calls} {name} {' '.join(os.path.basename(str(a)) for a in args[:2])}\n")
        if calls == kill_at:
            os._exit(9)
        return fn(*args, **kwargs)
    return wrapped


for name in ("replace", "rename", "link", "unlink"):
    setattr(os, name, step(name, getattr(os, name)))
shutil.copyfile = step("copyfile", shutil.copyfile)

from assistant.store import adding  # noqa: E402

adding.build_index = step("build_index", lambda *args, **kwargs: None)  # one step here; the real one follows

from assistant.cli import cli  # noqa: E402

cli(sys.argv[3:], prog_name="assistant")
'''


def corpus_state(corpus: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(corpus.iterdir())}


@pytest.fixture(scope="module")
def two_parties(tmp_path_factory, mini_built):
    """Portugal, Andorra (a .txt, with a correction in metadata.json) and Belgium (a .docx), built."""
    from assistant.store.adding import add_reply

    base = copy_built(mini_built, tmp_path_factory.mktemp("kill") / "kb")
    src = tmp_path_factory.mktemp("sources")
    add_reply(write_txt(src / "ad.txt", MINI[:40], "ANDORRA", "AD"), base / "corpus", base / "index",
              {"round": "2nd"})
    add_reply(write_docx(src / "be.docx", MINI[:40], "BELGIUM", "BE"), base / "corpus", base / "index")
    assert sorted(corpus_state(base / "corpus")) == [
        "T-ES(2017)ICT-AD_Andorra.txt", "T-ES(2017)ICT-BE_Belgium.docx", PT, "metadata.json"]
    return base


# Andorra's new reply keeps its file name (replaced in one rename); Belgium's changes .docx to .txt, with a correction
SCENARIOS = {
    "same name": ("ANDORRA", "AD", ["--language", "en"]),
    "other name": ("BELGIUM", "BE", ["--round", "2nd"]),
}


def add_killed_at(base: Path, driver: Path, source: Path, extra: list[str], kill_at: int) -> tuple[int, list[str]]:
    log = base / f"steps-{kill_at}.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    args = [sys.executable, str(driver), str(kill_at), str(log), "add", str(source), *extra, "--corpus",
            str(base / "corpus"), "--index", str(base / "index"), "--quiet"]
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == (9 if kill_at else 0), proc.stdout + proc.stderr
    return proc.returncode, log.read_text().splitlines()


@pytest.mark.slow
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_add_killed_at_any_step_leaves_the_old_or_the_new_reply(tmp_path, two_parties, scenario):
    party, code, extra = SCENARIOS[scenario]
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    source = write_txt(tmp_path / f"{code}-v2.txt", MINI[:40] + ["", "Question 12. Jurisdiction rules", "",
                                                              "Article 8 of the Criminal Code applies."], party, code)
    old = corpus_state(two_parties / "corpus")

    done = copy_built(two_parties, tmp_path / "done")  # the add, not killed, gives the new state
    _, steps = add_killed_at(done, driver, source, extra, 0)
    new = corpus_state(done / "corpus")
    assert new != old and any(s.split()[1] == "build_index" for s in steps), steps

    outcomes = []
    for kill_at in range(1, len(steps) + 1):
        base = copy_built(two_parties, tmp_path / f"k{kill_at}")
        add_killed_at(base, driver, source, extra, kill_at)
        visible = [n for n in os.listdir(base / "corpus") if not n.startswith(".") and party.title() in n]
        hidden = [n for n in os.listdir(base / "corpus") if n.startswith(".")]
        assert len(visible) == 1 or (not visible and any(h.startswith(".incoming-") for h in hidden)
                                     and any(h.startswith(".replaced-") for h in hidden)), (steps[kill_at - 1], hidden)

        result = run(base, "build", "--quiet")  # recovers what the kill left, then builds
        assert result.exit_code == 0, (steps[kill_at - 1], result.output)
        state = corpus_state(base / "corpus")
        assert state in (old, new), (steps[kill_at - 1], sorted(state))
        outcomes.append("new" if state == new else "old")

        result = run(base, "ask", "penalties", "--party", party.title(), "--json")
        assert result.exit_code == 0 and not result.stderr, (steps[kill_at - 1], result.output)
        assert {p["party"] for p in json.loads(result.stdout)["passages"]} == {party.title()}
    # killed before the new file is visible: the old reply; after: the new one
    assert outcomes == sorted(outcomes, reverse=True) and "old" in outcomes and "new" in outcomes, outcomes


@pytest.mark.slow
def test_add_failing_at_any_step_puts_everything_back(tmp_path, two_parties, monkeypatch):
    """An exception (not a kill) at any step before the build is live: `add` undoes what it did, in process."""
    from assistant.store import adding

    class Boom(Exception):
        pass

    base = copy_built(two_parties, tmp_path / "kb")
    old = corpus_state(base / "corpus")
    source = write_txt(tmp_path / "be-v2.txt", MINI[:30], "BELGIUM", "BE")
    calls = {"n": 0, "at": 0}

    def step(fn):
        def wrapped(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == calls["at"]:
                raise Boom(f"step {calls['n']}")
            return fn(*args, **kwargs)
        return wrapped

    for name in ("replace", "rename", "link"):
        monkeypatch.setattr(os, name, step(getattr(os, name)))
    monkeypatch.setattr(shutil, "copyfile", step(shutil.copyfile))
    monkeypatch.setattr(adding, "build_index", step(lambda *a, **k: None))
    for at in range(1, 7):  # stage, metadata aside and write, old aside, expose, build
        calls.update(n=0, at=at)
        with pytest.raises(Boom):
            adding.add_reply(source, base / "corpus", base / "index", {"round": "2nd"})
        assert corpus_state(base / "corpus") == old, at


@pytest.mark.slow
def test_add_refuses_a_reply_claiming_another_files_document_code(tmp_path, mini_built):
    """In a build a clash only skips the later file; the file being added is refused instead, and nothing changes."""
    base = copy_built(mini_built, tmp_path / "kb")
    before = (corpus_state(base / "corpus"), builds(base))
    result = run(base, "add", str(write_txt(tmp_path / "andorra.txt", MINI, "ANDORRA", "PT")), "--quiet")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines()[-1].startswith(  # after the preview of what was read
        f"Error: T-ES(2017)ICT-PT_Andorra.txt: has document code T-ES(2017)ICT-PT, as {PT} does; remove one, or "
        f"set a distinct doc_id")
    assert (corpus_state(base / "corpus"), builds(base)) == before


def test_recovery_decides_from_the_files_alone(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    gone = dead_pid()
    # killed between hiding Andorra's old .docx and showing the new .txt: the old one comes back
    (corpus / f".replaced-{gone}-1-A_Andorra.docx").write_bytes(b"old")
    (corpus / f".incoming-{gone}-1-A_Andorra.txt").write_bytes(b"new")
    # killed after showing Belgium's new reply: it stays, the old one goes
    (corpus / "B_Belgium.txt").write_bytes(b"new")
    (corpus / f".replaced-{gone}-2-B_Belgium.docx").write_bytes(b"old")
    (corpus / f".replaced-{gone}-2-metadata.json").write_bytes(b"")
    # an `add` still running in another process is left alone
    alive = os.getppid()
    (corpus / f".incoming-{alive}-3-C_Cyprus.txt").write_bytes(b"copying")
    # left by an older `add`: a half copy goes, an old reply whose name is free comes back
    (corpus / ".incoming-D_Denmark.txt").write_bytes(b"half")
    (corpus / ".replaced-E_Estonia.txt").write_bytes(b"old")

    recover(corpus)
    assert corpus_state(corpus) == {f".incoming-{alive}-3-C_Cyprus.txt": b"copying", "A_Andorra.docx": b"old",
                                    "B_Belgium.txt": b"new", "E_Estonia.txt": b"old"}


# --------------------------------------------------------------------------- pruning after a crash

def fake_build(index: Path, name: str) -> Path:
    folder = index / "builds" / name
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text("{}")
    return folder


def test_pruning_keeps_the_live_and_previous_builds_and_drops_what_crashes_left(tmp_path):
    index = tmp_path / "index"
    gone, alive = dead_pid(), os.getppid()
    old = fake_build(index, f"20260101T000001-{gone}-1")
    previous = fake_build(index, f"20260101T000002-{gone}-2")
    live = fake_build(index, f"20260101T000003-{gone}-3")
    swap_current(index, previous)
    swap_current(index, live)
    orphan = fake_build(index, f"20260101T000004-{gone}-4")  # finished, never made live: killed before the swap
    half = index / "builds" / f".tmp-20260101T000005-{gone}-5"
    half.mkdir()
    running = index / "builds" / f".tmp-20260101T000006-{alive}-6"  # another process is writing it now
    running.mkdir()
    (index / f".current-{gone}").symlink_to("builds/" + orphan.name)  # a killed swap's link

    prune_builds(index)
    assert sorted(p.name for p in (index / "builds").iterdir()) == sorted([previous.name, live.name, running.name])
    assert not (index / f".current-{gone}").is_symlink() and current_path(index) == live.resolve()
    assert not old.exists() and not orphan.exists() and not half.exists()


def test_pruning_after_a_crash_mid_swap_keeps_the_real_previous_build(tmp_path):
    """`previous` was repointed but `current` not (killed between the two): the newest build older than the live
    one is kept, never a newer orphan."""
    index = tmp_path / "index"
    gone = dead_pid()
    older = fake_build(index, f"20260101T000001-{gone}-1")
    live = fake_build(index, f"20260101T000002-{gone}-2")
    orphan = fake_build(index, f"20260101T000003-{gone}-3")
    swap_current(index, live)
    (index / "previous").symlink_to("builds/" + live.name)
    prune_builds(index)
    assert sorted(p.name for p in (index / "builds").iterdir()) == [older.name, live.name]
    assert not orphan.exists()
