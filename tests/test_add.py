"""`assistant add`: a new Party's reply is copied under a safe name and indexed; the same file twice is skipped;
a re-submitted reply replaces the older one; bad input changes nothing and says what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fpdf import FPDF

from assistant.cli import cli
from assistant.store.adding import safe_name
from assistant.model import ReplyMeta
from assistant.store.layout import current_path
from assistant.store.load import load_index

from conftest import copy_built
from replies import MINI, write_docx, write_txt



def add(base: Path, *args: str):
    result = CliRunner().invoke(cli, ["add", *args, "--corpus", str(base / "corpus"), "--index", str(base / "index"),
                                      "--quiet"])
    return result, result.output


def snapshot(base: Path) -> dict:
    """Everything `add` could change: corpus files and their bytes, the live build, the builds kept."""
    return {"corpus": {p.name: p.read_bytes() for p in (base / "corpus").iterdir()},
            "current": current_path(base / "index"),
            "builds": sorted(p.name for p in (base / "index" / "builds").iterdir())}


@pytest.mark.slow
def test_add_skip_replace_and_override(tmp_path, mini_built):
    base = copy_built(mini_built, tmp_path / "kb")
    andorra = write_docx(tmp_path / "andorra reply.docx", MINI, "ANDORRA", "AD")

    result, out = add(base, str(andorra))
    assert result.exit_code == 0, out
    assert "Party: Andorra" in out and "Document code: T-ES(2017)ICT-AD" in out and "Round: 2nd" in out
    assert "Questionnaire questions with no answer: 1, 2, 3, 4, 5, 6, 7, 9.4" in out
    assert "Added Andorra's reply (T-ES(2017)ICT-AD, 2nd round) to the corpus as T-ES(2017)ICT-AD_Andorra.docx" in out
    assert "(1 embedded, 1 unchanged)" in out
    assert sorted(p.name for p in (base / "corpus").iterdir()) == ["T-ES(2017)ICT-AD_Andorra.docx",
                                                                   "T-ES(2017)ICT-PT_Portugal.txt"]
    assert not (base / "corpus" / "metadata.json").exists()  # the title page said it all
    assert load_index(base / "index").parties == ["Andorra", "Portugal"]

    before = snapshot(base)
    result, out = add(base, str(andorra))
    assert result.exit_code == 0, out
    assert "already in the corpus as T-ES(2017)ICT-AD_Andorra.docx (same content): skipped" in out
    assert snapshot(base) == before

    # Andorra sends a corrected reply, as text this time: it replaces the Word file
    corrected = write_txt(tmp_path / "andorra-v2.txt", MINI + ["", "Question 12. Jurisdiction rules", "",
                                                               "Article 8 of the Criminal Code applies."],
                          "ANDORRA", "AD")
    result, out = add(base, str(corrected))
    assert result.exit_code == 0, out
    assert "Replaced T-ES(2017)ICT-AD_Andorra.docx with T-ES(2017)ICT-AD_Andorra.txt" in out
    assert sorted(p.name for p in (base / "corpus").iterdir()) == ["T-ES(2017)ICT-AD_Andorra.txt",
                                                                   "T-ES(2017)ICT-PT_Portugal.txt"]
    index = load_index(base / "index")
    assert any(p.party == "Andorra" and "Article 8 of" in p.text for p in index.passages)

    # a reply whose title page names no Party: the user says who sent it, and that is kept in metadata.json
    bare = tmp_path / "reply.txt"
    bare.write_text("\n".join(MINI).replace("Portuguese", "national") + "\n", encoding="utf-8")
    result, out = add(base, str(bare), "--party", "San Marino", "--doc-id", "T-ES(2017)ICT-SM", "--round", "2nd")
    assert result.exit_code == 0, out
    assert "as T-ES(2017)ICT-SM_San-Marino.txt" in out
    overrides = json.loads((base / "corpus" / "metadata.json").read_text())
    assert overrides == {"T-ES(2017)ICT-SM_San-Marino.txt": {"party": "San Marino", "doc_id": "T-ES(2017)ICT-SM",
                                                             "round": "2nd"}}
    index = load_index(base / "index")
    assert index.parties == ["Andorra", "Portugal", "San Marino"]
    assert {f["name"]: f["party"] for f in index.manifest["files"]}["T-ES(2017)ICT-SM_San-Marino.txt"] == "San Marino"


def test_safe_names():
    assert safe_name(ReplyMeta("Portugal", "T-ES(2017)ICT-PT"), ".TXT") == "T-ES(2017)ICT-PT_Portugal.txt"
    assert safe_name(ReplyMeta("../../etc/passwd", "../x"), ".pdf") == "x_etc-passwd.pdf"
    assert safe_name(ReplyMeta("Türkiye", ".hidden"), ".docx") == "hidden_Turkiye.docx"
    assert safe_name(ReplyMeta("Bosnia and Herzegovina", ""), ".sh") == "reply_Bosnia-and-Herzegovina.txt"


def scanned_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    pdf.output(str(path))
    return path


BAD_INPUTS = {
    "empty": ("empty.txt", lambda p: p.write_bytes(b""), "empty.txt: is empty"),
    "junk docx": ("junk.docx", lambda p: p.write_bytes(b"\x00\x01junk\xff" * 50), "junk.docx: is not a valid Word .docx"),
    "scanned pdf": ("scan.pdf", scanned_pdf, "scan.pdf: has no text layer (scanned?); run OCR first"),
    "unsupported": ("reply.rtf", lambda p: p.write_text("{\\rtf1 Question 9}"), "reply.rtf: Rich Text (.rtf) is not read"),
    "unknown type": ("reply.xyz", lambda p: p.write_text("Question 9"), "reply.xyz: unsupported file type .xyz"),
    "not a reply": ("notes.txt", lambda p: p.write_text("Shopping list\n\nmilk, eggs\n"),
                    "notes.txt: no questionnaire answers found"),
    "utf-16 no bom": ("utf16.txt", lambda p: p.write_bytes("Question 9. Criminalisation\n9.3 Yes.\n".encode("utf-16-le")),
                      "utf16.txt: is UTF-16 text without a byte-order mark"),
    "bad bytes": ("mixed.txt", lambda p: p.write_bytes(b"Question 9. Criminalisation\n\x81\x8d\x8f caf\xe9\n"),
                  "mixed.txt: is in an unknown text encoding"),
    "missing": ("absent.docx", lambda p: None, "absent.docx: no such file"),
}


@pytest.fixture(scope="module")
def bad_base(tmp_path_factory, mini_built):
    return copy_built(mini_built, tmp_path_factory.mktemp("bad") / "kb")


@pytest.mark.slow
@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_changes_nothing(tmp_path, bad_base, case):
    name, make, message = BAD_INPUTS[case]
    path = tmp_path / name
    make(path)
    before = snapshot(bad_base)
    result, out = add(bad_base, str(path))
    assert result.exit_code == 1, out
    assert f"Error: {message}" in out and "Traceback" not in out
    assert snapshot(bad_base) == before


@pytest.mark.slow
def test_a_failed_build_puts_the_corpus_back(tmp_path, mini_built, monkeypatch):
    from assistant.store import adding as intake
    from assistant.errors import CorpusError

    base = copy_built(mini_built, tmp_path / "kb")
    (base / "corpus" / "metadata.json").write_text('{"T-ES(2017)ICT-PT_Portugal.txt": {"round": "2nd"}}')
    before = snapshot(base)

    def broken(*args, **kwargs):
        raise CorpusError("disk full")

    monkeypatch.setattr(intake, "build_index", broken)
    result, out = add(base, str(write_txt(tmp_path / "a.txt", MINI, "ANDORRA", "AD")), "--party", "Andorra")
    assert result.exit_code == 1 and "Error: disk full" in out
    assert snapshot(base) == before
