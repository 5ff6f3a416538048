"""Word and PDF replies read through read_document as a user would; fixtures are built on the fly."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from assistant.ingest.units import collapsed
from assistant.errors import ReadError
from assistant.ingest.document import sha256_of
from assistant.ingest.readers import read_document


def make_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_heading("Question 9. Criminalisation", level=1)
    d.add_paragraph("Does national law criminalise the following conduct?", style="List Number")
    d.add_paragraph("Yes, under Article 176 of the Criminal Code.")
    table = d.add_table(rows=2, cols=2)
    for r, row in enumerate([("Offence", "Article"), ("Possession", "176")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.add_paragraph("")  # empty paragraphs add no extra lines
    d.add_paragraph("→ Please specify the applicable sanctions.")
    d.save(str(path))
    return path


def make_pdf(path: Path, pages: list[list[str]], encrypt: str | None = None) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    if encrypt is not None:
        pdf.set_encryption(owner_password="owner", user_password=encrypt)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_docx_paragraphs_list_items_and_table_rows(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "reply.docx")
    doc = read_document(path)
    assert doc.lines == [
        "Question 9. Criminalisation",
        "",
        "- Does national law criminalise the following conduct?",
        "",
        "Yes, under Article 176 of the Criminal Code.",
        "",
        "Offence | Article",
        "",
        "Possession | 176",
        "",
        "→ Please specify the applicable sanctions.",
    ]
    assert doc.pages is None
    assert doc.sha256 == sha256_of(path)


def test_docx_merged_cells_and_empty_cells_are_not_repeated(tmp_path: Path) -> None:
    d = docx.Document()
    table = d.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Wide header"
    table.cell(0, 2).text = "Right"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Tall"
    table.cell(1, 1).text = "b"
    table.cell(2, 2).text = "c"
    path = tmp_path / "merged.docx"
    d.save(str(path))
    assert read_document(path).lines == ["Wide header | Right", "", "Tall | b", "", "c"]


def test_docx_tracked_insertions_and_numbering_switches(tmp_path: Path) -> None:
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    d = docx.Document()
    p = d.add_paragraph("Kept ")
    p._p.append(parse_xml(f'<w:ins {w} w:id="1" w:author="a"><w:r><w:t>inserted</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del {w} w:id="2" w:author="a"><w:r><w:delText>gone</w:delText></w:r></w:del>'))
    off = d.add_paragraph("Numbering off", style="List Number")
    off._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {w}><w:numId w:val="0"/></w:numPr>'))
    heading = d.add_heading("Question 10. Jurisdiction", level=1)
    heading._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {w}><w:numId w:val="1"/></w:numPr>'))
    path = tmp_path / "tracked.docx"
    d.save(str(path))
    assert read_document(path).lines == ["Kept inserted", "", "Numbering off", "", "Question 10. Jurisdiction"]


def test_pdf_lines_keep_their_page_numbers(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "reply.pdf", [["Question 9. Criminalisation", "Yes."], ["Question 10. Jurisdiction"]])
    doc = read_document(path)
    assert [line for line in doc.lines if line.strip()] == [
        "Question 9. Criminalisation",
        "Yes.",
        "Question 10. Jurisdiction",
    ]
    assert len(doc.pages) == len(doc.lines)
    by_line = dict(zip(doc.lines, doc.pages))
    assert by_line["Question 9. Criminalisation"] == 1
    assert by_line["Yes."] == 1
    assert by_line["Question 10. Jurisdiction"] == 2
    assert doc.sha256 == sha256_of(path)


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(ReadError, match=r"scan\.pdf: has no text layer \(scanned\?\); run OCR first"):
        read_document(path)


def test_pdf_with_user_password_is_refused(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "locked.pdf", [["Secret reply"]], encrypt="secret")
    with pytest.raises(ReadError, match=r"locked\.pdf: is password-protected"):
        read_document(path)


def test_pdf_with_only_owner_password_is_read(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "restricted.pdf", [["Open reply"]], encrypt="")
    assert "Open reply" in read_document(path).lines


@pytest.mark.parametrize(
    ("name", "problem"),
    [("junk.docx", "is not a valid Word .docx file"), ("junk.pdf", "is not a readable PDF")],
)
def test_junk_renamed_is_refused_with_the_file_name(tmp_path: Path, name: str, problem: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\x00\x01not really a document\xff" * 20)
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert str(info.value).startswith(f"{name}: {problem} (")
    assert info.value.path == path


def test_a_damaged_word_97_file_named_docx_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    with pytest.raises(ReadError, match=r"old\.docx: is not a readable Word 97–2003 document \("):
        read_document(path)


def test_empty_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    path.touch()
    with pytest.raises(ReadError, match=r"^empty\.docx: is empty$"):
        read_document(path)


DOCUMENTS = Path(__file__).parent / "documents"
REPLIES = Path(__file__).parents[1] / "eval" / "replies"


def answers_of(path: Path) -> list[tuple[list[str], str]]:
    from assistant.ingest.replies import read_replies_from

    return [(a.question_ids, a.text) for r in read_replies_from(path) for a in r.answers]


@pytest.mark.parametrize("name", ["T-ES(2017)ICT-SR_Sarrelin", "T-ES(2017)ICT-QN_Quarnel"])
def test_a_word_97_reply_reads_as_its_docx_does(name: str) -> None:
    """Sarrelin (French) and Quarnel (tracked changes, read as accepted) saved as .doc: the same answers, word for
    word, as the .docx they were saved from, but for Quarnel's footnote, whose text the .doc lost when it was saved
    (LibreOffice finds none in it either)."""
    import re

    def without_notes(answers):
        return [(ids, re.sub(r"\n\n\[\d+\] [^\n]*", "", text)) for ids, text in answers]

    assert answers_of(DOCUMENTS / f"{name}.doc") == without_notes(answers_of(REPLIES / f"{name}.docx"))


def test_a_word_97_file_the_converter_refuses_is_read_from_its_text_with_its_table_rows() -> None:
    """Belvaux answers in a « N° | Question | Réponse » table that msdoc2docx refuses: read from the text with Word's
    cell and row marks, every answer is found under the same question and almost all read word for word."""
    name = "T-ES(2017)ICT-BV_Belvaux"
    doc, docx = answers_of(DOCUMENTS / f"{name}.doc"), answers_of(REPLIES / f"{name}.docx")
    assert [ids for ids, _ in doc] == [ids for ids, _ in docx]
    assert sum(a == b for a, b in zip(doc, docx)) >= 0.9 * len(docx)


def test_a_word_97_reply_in_a_corpus_is_read_not_skipped(tmp_path: Path) -> None:
    from assistant.store.corpus import corpus_files

    (tmp_path / "reply.doc").write_bytes((DOCUMENTS / "T-ES(2017)ICT-SR_Sarrelin.doc").read_bytes())
    assert [p.name for p in corpus_files(tmp_path)] == ["reply.doc"]
    assert read_document(tmp_path / "reply.doc").lines


def test_a_word_97_file_named_docx_is_read_as_what_it_is(tmp_path: Path) -> None:
    renamed = tmp_path / "T-ES(2017)ICT-SR_Sarrelin.docx"
    renamed.write_bytes((DOCUMENTS / "T-ES(2017)ICT-SR_Sarrelin.doc").read_bytes())
    assert answers_of(renamed) == answers_of(REPLIES / "T-ES(2017)ICT-SR_Sarrelin.docx")


def test_a_password_protected_docx_is_refused_as_such() -> None:
    """A locked .docx is a compound file, as a .doc is, but holds an encrypted package: the message says what it is."""
    with pytest.raises(ReadError, match=r"locked\.docx: is password-protected; save it without a password as \.docx"):
        read_document(DOCUMENTS / "locked.docx")


def test_a_word_footnote_follows_the_paragraph_that_calls_it() -> None:
    """Quarnel's two footnotes (Word's footnotes part, which python-docx does not read): each stands, as "[n] …",
    right after the paragraph whose sentence calls it, and its call mark is no part of that sentence."""
    answers = dict((tuple(collapsed(ids)), text) for ids, text in answers_of(REPLIES / "T-ES(2017)ICT-QN_Quarnel.docx"))
    assert answers[("4",)].endswith("2,310 professionals completed it.\n\n[1] Figure taken from the OCS training "
                                    "register on 31 January 2024.")
    paragraphs = answers[("9.3",)].split("\n\n")
    note = paragraphs.index("[2] Act No. 47/2021 on the Protection of Minors Online entered into force on 1 July 2022.")
    assert paragraphs[note - 1].startswith("Possession (Article 212(1))")
    assert sum(text.count("[1] ") + text.count("[2] ") for text in answers.values()) == 2
