"""PDFs laid out as the Council of Europe prints them: a running header with the document code on every page and
a "Page N of M" footer. The Party comes from the title page, header and footer never reach a passage, an answer
broken by a page break is one answer again, and citations carry the page the answer starts on."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from fpdf import FPDF
from fpdf.fonts import FontFace

from assistant.ingest.units import collapsed
from assistant.errors import ReadError
from assistant.ingest.chunking import chunk_reply
from assistant.ingest.document import clean_text
from assistant.ingest.parser import parse_file
from assistant.ingest.document import is_page_number
from assistant.ingest.pdf import page_lines
from assistant.ingest.readers import read_document

from conftest import PORTUGAL, SECOND_SET
from replies import DEJAVU, LEGISLATION, LINES, pdf_text, reply_lines, write_txt

HEADER = "T-ES(2017)ICT-EL - Replies to the thematic questionnaire"
RE_FURNITURE = re.compile(r"Replies to the thematic questionnaire|Page \d+ of \d+")


class RunningPdf(FPDF):
    """A page with the running header on top and "Page N of M" at the bottom."""

    def __init__(self, running: str, on_title_page: bool, foot: str = "Page {n} of {{nb}}"):
        super().__init__()
        self.running, self.on_title_page, self.foot = running, on_title_page, foot
        if DEJAVU.is_file():
            self.add_font("DejaVu", fname=str(DEJAVU))
            self.set_font("DejaVu", size=10)
        else:
            self.set_font("Helvetica", size=10)

    def header(self):
        if self.page_no() > 1 or self.on_title_page:
            self.set_font(size=8)
            self.cell(0, 8, self.running, align="C", new_x="LMARGIN", new_y="NEXT")
            self.set_font(size=10)

    def footer(self):
        self.set_y(-15)
        self.set_font(size=8)
        self.cell(0, 10, self.foot.format(n=self.page_no()), align="C")
        self.set_font(size=10)


def write_running_pdf(path: Path, lines: list[str], running: str = HEADER, on_title_page: bool = True,
                      foot: str = "Page {n} of {{nb}}") -> Path:
    """The reply's paragraphs flowing from page to page (a paragraph breaks wherever the page ends)."""
    pdf = RunningPdf(running, on_title_page, foot)
    pdf.add_page()
    for line in lines:
        if line.strip():
            pdf.multi_cell(0, 5, pdf_text(line.strip()), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    pdf.output(str(path))
    return path


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n")]


@pytest.fixture(scope="module")
def eastland(tmp_path_factory):
    """Eastland's reply (Portugal's Legislation part under another name) as text and as a CoE-style PDF."""
    base = tmp_path_factory.mktemp("eastland")
    txt = parse_file(write_txt(base / "reply.txt", LEGISLATION, "EASTLAND", "EL"))
    pdf_path = write_running_pdf(base / "reply.pdf", reply_lines(LEGISLATION, "EASTLAND", "EL"))
    return txt, pdf_path, parse_file(pdf_path)


@pytest.mark.parametrize("on_title_page", [True, False])
def test_party_code_and_round_come_from_the_title_page(tmp_path, on_title_page):
    path = write_running_pdf(tmp_path / "reply.pdf", reply_lines(LEGISLATION, "EASTLAND", "EL"),
                             on_title_page=on_title_page)
    meta = parse_file(path).meta
    assert (meta.party, meta.doc_id, meta.round) == ("Eastland", "T-ES(2017)ICT-EL", "2nd")


def test_a_header_naming_another_code_is_not_the_party(tmp_path):
    """The running header of a compilation-like document names its own code: the title page still decides."""
    path = write_running_pdf(tmp_path / "reply.pdf", reply_lines(LEGISLATION, "EASTLAND", "EL"),
                             running="T-ES(2018)ICT-XX - Replies to the thematic questionnaire")
    meta = parse_file(path).meta
    assert (meta.party, meta.doc_id) == ("Eastland", "T-ES(2017)ICT-EL")


def test_no_header_or_footer_inside_answers_or_passages(eastland):
    txt, pdf_path, reply = eastland
    raw = [p.extract_text() for p in pypdf.PdfReader(pdf_path).pages]
    assert len(raw) >= 4 and all(HEADER in t and re.search(r"Page \d+ of \d+", t) for t in raw)  # they are there
    passages = chunk_reply(reply.meta, reply.answers, lambda t: len(t.split()) + 2)
    for p in passages:
        assert not RE_FURNITURE.search(p.text) and not RE_FURNITURE.search(p.question_text), p.question_ids
    body = read_document(pdf_path).lines[10:]  # past the title page
    assert not any(RE_FURNITURE.search(line) or is_page_number(line) for line in body)


def test_answers_broken_by_a_page_break_are_whole(eastland):
    """Same units as the text file, and an answer whose sentence runs over a page break is one unit whose
    paragraphs are the text file's paragraphs (the broken sentence one line again)."""
    txt, pdf_path, reply = eastland
    assert [a.question_ids for a in reply.answers] == [a.question_ids for a in txt.answers]
    pages = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(pdf_path).pages]
    straddling = []
    for got, want in zip(reply.answers, txt.answers):
        words = " ".join(want.text.split())
        head, tail = pdf_text(words[:40]), pdf_text(words[-40:])
        if got.page and head in pages[got.page - 1] and tail not in pages[got.page - 1]:
            straddling.append((got, want))
    assert straddling, "the fixture should break an answer across pages"
    for got, want in straddling:
        assert paragraphs(got.text) == paragraphs(pdf_text(want.text)), got.question_ids
        assert "Page" not in got.text and "T-ES" not in got.text


def test_paragraphs_are_the_texts_paragraphs(eastland):
    """Within a page the gap between lines tells a paragraph's lines from the next paragraph, even where a line
    ends a sentence at the margin and the next starts with a capital (9.1.a)."""
    txt, _, reply = eastland
    for got, want in zip(reply.answers, txt.answers):
        assert paragraphs(got.text) == paragraphs(pdf_text(want.text)), got.question_ids


def test_citations_carry_the_page_the_answer_starts_on(eastland):
    txt, pdf_path, reply = eastland
    pages = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(pdf_path).pages]
    for a in reply.answers:
        assert a.page is not None and paragraphs(a.text)[0][:30] in pages[a.page - 1], (a.question_ids, a.page)
    assert len({a.page for a in reply.answers}) >= 4
    passages = chunk_reply(reply.meta, reply.answers, lambda t: len(t.split()) + 2)
    assert [p.page for p in passages if p.part == 0] == [a.page for a in reply.answers]


def test_page_lines_join_a_sentence_over_the_break_and_drop_furniture():
    pages = [
        ["T-ES(2017)ICT-EL - Replies to the thematic questionnaire", "Question 9. Criminalisation",
         "9.3. What are the legal consequences?", "The penalties are one month to one year of prison, and the court",
         "Page 1 of 3"],
        ["T-ES(2017)ICT-EL - Replies to the thematic questionnaire", "may also suspend the sentence.",
         "No.", "- 2 -"],
        ["T-ES(2017)ICT-EL - Replies to the thematic questionnaire", "9.4. Are there other cases?", "No.", "3/3"],
    ]
    lines, numbers = page_lines(pages)
    assert lines[0] == "T-ES(2017)ICT-EL - Replies to the thematic questionnaire"  # the top of the title page stays
    assert ("The penalties are one month to one year of prison, and the court may also suspend the sentence."
            in lines)
    assert lines[1:] == ["Question 9. Criminalisation", "9.3. What are the legal consequences?",
                         "The penalties are one month to one year of prison, and the court may also suspend the "
                         "sentence.", "No.", "9.4. Are there other cases?", "No."]
    assert numbers == [1, 1, 1, 1, 2, 3, 3]


def test_a_heading_in_larger_type_is_a_paragraph_of_its_own_however_close_the_next_line():
    from assistant.ingest.pdf import paragraph_breaks

    # (baseline height, font size): a 15-point heading 16 points above 11-point text whose lines are 14.7 apart
    spans = [(738.7, 15.0), (722.4, 11.0), (707.7, 11.0), (685.0, 11.0), (670.3, 11.0), (655.6, 11.0)]
    assert paragraph_breaks(spans)[1:] == [True, False, True, False, False]
    lines, _ = page_lines([["Annex I - Extracts from the Criminal Code", "Criminal Code of the Kingdom, as amended by",
                            "Law No. 27/2021.", "Article 9 - Definitions", "For the purposes of this Code, a child",
                            "is any person under 18."]], [spans])
    assert lines[:2] == ["Annex I - Extracts from the Criminal Code", "Criminal Code of the Kingdom, as amended by "
                                                                       "Law No. 27/2021."]


def test_headings_whose_wrapped_lines_stand_close_do_not_make_every_line_of_text_a_paragraph():
    from assistant.ingest.pdf import paragraph_breaks

    # two 12-point headings wrapped at 13.5 points (1.1 of their size), 11-point text at 14.9 (1.35 of its size),
    # its paragraphs 19.1 apart
    spans = [(764.2, 12.0), (750.7, 12.0), (723.4, 11.0), (708.5, 11.0), (693.6, 11.0), (674.5, 11.0),
             (659.6, 11.0), (631.9, 12.0), (618.4, 12.0), (595.3, 11.0), (580.4, 11.0), (565.5, 11.0)]
    breaks = paragraph_breaks(spans)
    assert breaks[3:5] == [False, False] and breaks[5] is True and breaks[10:] == [False, False]
    assert breaks[1] is False and breaks[8] is False  # a heading's own wrapped line


def test_a_page_number_printed_before_text_the_reader_put_after_the_footer_is_dropped():
    from assistant.ingest.pdf import furniture

    body = ["Yes. The helpline answers day and night.", "No.", "Children can also write to it."]
    pages = [["T-ES(2017)ICT-RD", *body, f"– {n} –", "DRAFT – RESTRICTED"] for n in (1, 2, 3)]
    pages[1] = ["T-ES(2017)ICT-RD", *body, "– 2 –", "Box 1 – The SafeChild app", "SafeChild is a free app.",
                "It connects the child to a counsellor.", "DRAFT – RESTRICTED"]
    dropped = furniture(pages)[1]
    assert 4 in dropped and not {5, 6, 7} & dropped  # the page number, not the sidebar's lines


def test_a_word_broken_at_a_line_end_is_one_word_again():
    """A soft hyphen ("protec\xad" / "tion") goes; a hyphen before a lower-case continuation goes when the page
    broke a word ("edu-" / "cational") and stays when the word is a compound ("child-" / "friendly")."""
    from assistant.ingest.wrapping import unwrap

    lines = ["The protection of children against sexual exploitation and sexual abuse calls for protec\u00ad",
             "tion measures, hearings and interview rooms that are child-",
             "friendly, edu-",
             "cational programmes and follow-",
             "up by trained staff in every region of the country.", "Next paragraph."]
    assert [text for text, _ in unwrap(lines)] == [
        "The protection of children against sexual exploitation and sexual abuse calls for protection measures, "
        "hearings and interview rooms that are child-friendly, educational programmes and follow-up by trained "
        "staff in every region of the country.", "Next paragraph."]


def test_a_french_word_broken_at_a_line_end_is_one_word_again():
    from assistant.ingest.hyphens import join_broken

    assert join_broken("la pré-", "vention des abus") == "la prévention des abus"
    assert join_broken("les procé-", "dures pénales") == "les procédures pénales"
    assert join_broken("une sous-", "traitance") == "une sous-traitance"
    assert join_broken("les ado-", "lescents et les enfants") == "les adolescents et les enfants"


def test_a_word_reads_as_it_prints(tmp_path):
    """Soft hyphens, zero-width spaces and a stray byte order mark print nothing, a PDF's ligature "ﬁ" prints "fi",
    a decomposed "é" prints "é": the text read has the word itself, and so has a question typed that way."""
    body = [ln.replace("possession", "pos\u00adses\u200bsion").replace("specifically", "speci\ufb01cally")
            .replace("Criminal Code", "Code pe\u0301nal") for ln in LEGISLATION]
    reply = parse_file(write_txt(tmp_path / "reply.txt", ["\ufeff" + body[0], *body[1:]]))
    text = " ".join(a.text for a in reply.answers)
    assert "possession" in text and "specifically" in text and "Code pénal" in text
    assert not set(text) & set("\u00ad\u200b\ufeff\u0301")
    assert clean_text("Quelle peine pre\u0301voit le Code pe\u0301nal ?") == "Quelle peine prévoit le Code pénal ?"


def test_a_footer_and_header_on_one_line_repeat_with_the_page_number_masked():
    """The issue's passage began "Page 13 of 19 | T-ES(2017)ICT-EL - Replies to the thematic questionnaire"."""
    pages = [[f"Eastlandic criminal law, part {n}, continues here:" if n == 1 else "it continues;",
              "Some answer text for this page.",
              f"Page {n} of 3 | T-ES(2017)ICT-EL - Replies to the thematic questionnaire"] for n in (1, 2, 3)]
    lines, _ = page_lines(pages)
    assert not any("Page" in line or "T-ES" in line for line in lines)


def test_page_number_patterns():
    for text in ("Page 13 of 19", "page 3", "13/19", "13 / 19", "- 13 -", "– 13 –", "13", "Page 2 sur 9", "[4]"):
        assert is_page_number(text), text
    for text in ("No.", "2017", "9.3", "13 cases", "Article 13"):
        assert not is_page_number(text), text


@pytest.fixture(scope="module")
def portugal_pdf(tmp_path_factory):
    """Portugal's whole reply as a PDF with its running header and "Page N of M" footer."""
    base = tmp_path_factory.mktemp("portugal_pdf")
    return write_running_pdf(base / PORTUGAL.with_suffix(".pdf").name, LINES,
                             running="T-ES(2017)ICT-PT - Replies to the thematic questionnaire")


def test_portugal_as_a_pdf_gives_the_same_units(portugal_pdf, portugal):
    reply = parse_file(portugal_pdf)
    assert (reply.meta.party, reply.meta.doc_id, reply.meta.round) == ("Portugal", "T-ES(2017)ICT-PT", "2nd")
    assert [a.question_ids for a in reply.answers] == [a.question_ids for a in portugal.answers]
    assert max(a.page for a in reply.answers) >= 15
    assert not any(RE_FURNITURE.search(a.text) for a in reply.answers)


@pytest.mark.slow
def test_portugal_as_a_pdf_evaluates_as_the_text(tmp_path, portugal_pdf, encoder):
    """`eval` on the project's own English questions: the same figures from the PDF's index as from the text
    file's (the test needs nothing outside the repository)."""
    import shutil

    from assistant.api import Assistant
    from assistant.query.search import Searcher
    from assistant.store.build import build_index
    from assistant.store.load import load_index
    from assistant.tools.evaluation import evaluate, load_rows

    rows = load_rows(SECOND_SET)
    figures = []
    for name, source in (("txt", PORTUGAL), ("pdf", portugal_pdf)):
        corpus = tmp_path / name / "corpus"
        corpus.mkdir(parents=True)
        shutil.copy(source, corpus / source.name)
        build_index(corpus, tmp_path / name / "index", encoder=encoder)
        assistant = Assistant(Searcher(load_index(tmp_path / name / "index"), encoder))
        report = evaluate(lambda q, k, row: assistant.ask(q, k=k, party=row.party), rows)
        figures.append((report.figures(), report.abstention(), [r.first_hit for r in report.results]))
    assert figures[0] == figures[1]


def test_a_damaged_pdf_gives_one_line_and_no_pypdf_log(tmp_path, eastland, caplog):
    _, pdf_path, _ = eastland
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(pdf_path.read_bytes()[:3000])
    with caplog.at_level("DEBUG"), pytest.raises(ReadError) as err:
        read_document(broken)
    assert str(err.value).startswith("broken.pdf: is not a readable PDF (") and "\n" not in str(err.value)
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]


def test_the_french_reply_as_a_pdf_gives_the_same_answers_word_for_word(tmp_path):
    """A French running header and a "Page N sur M" footer; a follow-up prompt wrapped inside its parentheses
    ("… (questions 13.1 et" / "13.2) sont organisés …") is one line again."""
    from conftest import ROOT

    source = ROOT / "eval" / "replies" / "T-ES(2017)ICT-VD_Valdorre.txt"
    pdf = write_running_pdf(tmp_path / source.with_suffix(".pdf").name, source.read_text(encoding="utf-8").splitlines(),
                            running="T-ES(2017)ICT-VD – Réponses au questionnaire thématique", on_title_page=False,
                            foot="Page {n} sur {{nb}}")
    text, printed = parse_file(source), parse_file(pdf)
    assert (printed.meta.party, printed.meta.language) == ("Valdorre", "fr")
    assert [a.question_ids for a in printed.answers] == [a.question_ids for a in text.answers]
    assert [" ".join(a.text.split()) for a in printed.answers] == [" ".join(a.text.split()) for a in text.answers]


def test_a_table_of_contents_opens_no_question(tmp_path):
    """« Question 9 – Incrimination ........ 12 » lines of a contents page say where questions stand: the questions are
    read where they are, with their answers (before, the contents opened question 16 and every answer fell under
    it)."""
    contents = ["TABLE DES MATIÈRES"] + [f"Question {n} – Titre de la question {n} " + "." * 60 + f" {n + 2}"
                                          for n in range(1, 17)]
    reply = parse_file(write_running_pdf(tmp_path / "T-ES(2017)ICT-EL_Eastland.pdf", reply_lines(contents + LINES)))
    plain = parse_file(write_txt(tmp_path / "T-ES(2017)ICT-EL_Eastland.txt", LINES))
    assert [a.question_ids for a in reply.answers] == [a.question_ids for a in plain.answers]
    assert not any("...." in a.text for a in reply.answers)


def test_a_footnote_at_the_foot_of_the_page_does_not_cut_the_sentence_it_interrupts():
    """A sentence the page broke goes on past that page's footnotes (small type, a note number first); the notes
    follow the paragraph, each whole."""
    from assistant.ingest.wrapping import unwrap

    lines = ["The programme was deployed in 2018 in every lower secondary school. Written and",
             "¹ Campaign launched by ministerial order of 29 August 2016; materials at",
             "www.example.org.",
             "audio content is handled like images in the scenarios.", "Next paragraph."]
    notes = [False, True, True, False, False]
    assert [text for text, _ in unwrap(lines, notes=notes)] == [
        "The programme was deployed in 2018 in every lower secondary school. Written and audio content is handled "
        "like images in the scenarios.",
        "¹ Campaign launched by ministerial order of 29 August 2016; materials at www.example.org.",
        "Next paragraph."]


def test_footnotes_are_the_small_type_from_a_note_number_to_the_page_end():
    from assistant.ingest.pdf import footnotes

    lines = ["Body line one.", "Body line two.", "Body 3.", "Body 4", "1 A note in small type", "that wraps.",
             "Body sized line after?"]
    spans = [(700, 10), (686, 10), (672, 10), (658, 10), (80, 7.5), (71, 7.5), (60, 10)]
    assert footnotes(lines, spans) == [False] * 7  # a body-sized line after it: not the page's notes
    assert footnotes(lines[:6], spans[:6]) == [False] * 4 + [True, True]
    assert footnotes(["Body.", "Body.", "2 cases were reported", "in 2017."], [(700, 10)] * 4) == [False] * 4


def test_a_note_whose_number_is_set_in_the_body_size_is_a_note_and_its_wrapped_date_stays_in_it():
    """Word's footnote area as LibreOffice prints it: the note's number in the body's size, its text smaller; the
    note's second line opens with a number ("18 November 2016, p. 1203.") and is no second note."""
    from assistant.ingest.pdf import footnotes
    from assistant.ingest.wrapping import unwrap

    lines = ["Body line one.", "Body line two.", "Body 3.", "Such situations fall under the general rules",
             "1 Law No. 2016-38 of 9 November 2016 on the protection of minors, Official Journal No. 4471 of",
             "18 November 2016, p. 1203."]
    spans = [(700, 12), (686, 12), (672, 12), (658, 12), (84, 12), (73, 9)]
    notes = footnotes(lines, spans)
    assert notes == [False] * 4 + [True, True]
    joined = [text for text, _ in unwrap(lines + ["set out under 9.7."], notes=notes + [False])]
    assert joined[-2:] == ["Such situations fall under the general rules set out under 9.7.",
                           "1 Law No. 2016-38 of 9 November 2016 on the protection of minors, Official Journal No. "
                           "4471 of 18 November 2016, p. 1203."]


def test_a_note_follows_the_paragraph_that_calls_it_not_the_one_the_page_broke():
    from assistant.ingest.pdf import page_lines

    pages = [["The first paragraph calls a note here.", "", "The second paragraph runs on", "past the page",
              "1 The note that the first paragraph calls."], ["to the next page.", "Last paragraph."]]
    spans = [[(700, 12), None, (650, 12), (636, 12), (80, 9)], [(700, 12), (686, 12)]]
    called = [[(0, "1")], []]  # page_text found a raised "1" after "here."
    lines, _ = page_lines(pages, spans, called)
    assert [line for line in lines if line] == [
        "The first paragraph calls a note here.", "1 The note that the first paragraph calls.",
        "The second paragraph runs on past the page to the next page.", "Last paragraph."]
    uncalled, _ = page_lines(pages, spans)  # no call seen: after the paragraph the page broke, as before
    assert [line for line in uncalled if line][2] == "1 The note that the first paragraph calls."


def question_reply_table(spanning_row: str) -> list:
    """Pieces of a "Question | Reply" table as pypdf places them: the question column at x 68, the replies at 235,
    10.5 pt type, one line of pypdf's text each; the middle row spans both columns."""
    from assistant.ingest.pdf_tables import Piece

    rows = [("9.7 (a) produce", "No. Under Article 241a a child"), ("images?", "who produces an image is not punishable."),
            (spanning_row, None), ("9.10 (a) produce", "No, as regards texts"), ("content?", "of himself or herself.")]
    pieces, y = [], 700.0
    for n, (left, right) in enumerate(rows):
        pieces.append(Piece(left, 68.0, y, 10.5, 2 * n))
        if right:
            pieces.append(Piece(right, 235.1, y, 10.5, 2 * n + 1))
        y -= 12.3 if n in (0, 3) else 16.0
    return pieces


def test_a_ruled_question_reply_table_reads_by_rows_even_under_a_row_spanning_it():
    from assistant.ingest.pdf_tables import find_tables

    spanning = "9.10 Does national law criminalise cases when children, of any age, produce or possess the following:"
    rules = [708.0, 681.0, 665.0, 637.0]  # the borders a ruled table draws between its rows
    [table] = find_tables(question_reply_table(spanning), rules)
    assert table.rows == [
        "9.7 (a) produce images? | No. Under Article 241a a child who produces an image is not punishable.",
        spanning,  # one cell, no empty one after it
        "9.10 (a) produce content? | No, as regards texts of himself or herself."]
    # the same lines without rules are two columns of prose, not a table
    assert find_tables(question_reply_table(spanning)) == []


def test_a_table_row_the_page_break_cut_goes_on_past_the_repeated_header():
    from assistant.ingest.pdf import page_lines

    pages = [["Question | Reply", "9.7 (b) possess images? | No.", "9.7 (c) distribute or transmit | No. Sending an "
              "image of oneself is not"],
             ["Question | Reply", "images of themselves to peers? | punishable. The peer who forwards it is.",
              "9.7 (d) distribute to adults? | No."]]
    lines, _ = page_lines(pages, [[None] * 3, [None] * 3])
    assert [line for line in lines if line] == [
        "Question | Reply", "9.7 (b) possess images? | No.",
        "9.7 (c) distribute or transmit images of themselves to peers? | No. Sending an image of oneself is not "
        "punishable. The peer who forwards it is.",
        "9.7 (d) distribute to adults? | No."]


def test_the_held_out_french_pdf_made_by_libreoffice_reads_as_written():
    """Marvelle (eval/): Word's footnotes, a running header and a "Page N sur M" footer inside answers."""
    path = Path(__file__).resolve().parents[1] / "eval" / "replies" / "T-ES(2017)ICT-MR_Marvelle.pdf"
    reply = parse_file(path)
    answers = {tuple(collapsed(a.question_ids)): a.text for a in reply.answers}
    assert answers[("8.2",)].startswith("Non. La législation ne contient pas")
    assert "relèvent des règles générales exposées en réponse à la question 9.7" in answers[("8.2",)]
    assert answers[("8.1.a",)].endswith("Journal de la Principauté n° 4471 du 18 novembre 2016, p. 1203.")
    assert not any("Page " in text and " sur 18" in text or "Réponse de la Principauté" in text
                   for text in answers.values())
    # note 3, called from 10.2's « Sans objet.³ », follows it; 11.b's « Voir la réponse précédente. » stays a pointer
    assert answers[("10.2",)].startswith("Sans objet.\n\n3 Lors du dépôt de son instrument de ratification")
    assert answers[("11.b",)] == "Voir la réponse précédente."
    assert "\n\n1 Loi n° 2016-38" in answers[("8.1.a",)] and "Loi n° 2016-38 du 9" not in answers[("8.2",)]


def test_a_dash_opens_a_list_item_after_a_lead_in_not_inside_a_sentence():
    from assistant.ingest.wrapping import unwrap

    lines = ["Three messages are given to pupils who receive an intimate image of a classmate, namely:",
             "– do not forward it;", "– tell a trusted adult;",
             "Stakeholders are involved in Internet safety and security across the whole country",
             "– public and private institutions – in a cooperative spirit."]
    layout = [None, False, False, True, False]  # the list set as one paragraph, as a justified PDF spaces it
    assert [text for text, _ in unwrap(lines, breaks=layout)] == [
        lines[0], lines[1], lines[2], f"{lines[3]} {lines[4]}"]


def test_a_note_number_raised_in_a_sentence_is_no_part_of_it(tmp_path):
    """"Not applicable.⁴" and "in 2014¹" set as small raised digits (here by a text rise) read "Not applicable." and
    "in 2014"; the notes at the page's foot keep their numbers."""
    pdf = RunningPdf(HEADER, on_title_page=False)
    pdf.add_page()
    for words, note in [("Convention in 2014", "1"), ("Not applicable.", "4")]:
        pdf.write(5, words)
        pdf.char_vpos = "SUP"
        pdf.write(5, note)
        pdf.char_vpos = "LINE"
        pdf.ln(8)
    pdf.set_y(-40)
    pdf.set_font(size=7)
    pdf.write(4, "1 Law No. 19/2014 on the ratification.")
    pdf.ln(5)
    pdf.write(4, "4 Upon ratification, a reservation was made.")
    path = tmp_path / "notes.pdf"
    pdf.output(str(path))
    lines = [line for line in read_document(path).lines if line.strip()]
    assert "Convention in 2014" in lines and "Not applicable." in lines
    assert "4 Upon ratification, a reservation was made." in lines


@pytest.mark.parametrize("borders", ["ALL", "NONE"])
def test_a_pdf_table_reads_row_by_row_with_its_header(tmp_path, borders):
    """A table whose cells wrap over several lines reads as one line of cells per row, so a quote pairs each cell
    with its column's header: between its rules when it is ruled, else by the space between its rows; a justified
    paragraph and numbered footnotes beside it stay prose."""
    from assistant.query.quotes import quote

    pdf = RunningPdf(HEADER, on_title_page=False)
    pdf.add_page()
    pdf.multi_cell(0, 5, "The penalties are set out in the table below. " * 6, align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table(col_widths=(90, 40, 60), headings_style=FontFace(), borders_layout=borders, padding=2,
                   line_height=5) as table:
        for row in [("Conduct", "Provision", "Penalty"),
                    ("Possession of, or knowingly accessing, a depiction of a child in a sexual context",
                     "Article 226a(1)", "Fine or imprisonment of up to three years"),
                    ("Distribution or transmission to adults", "Article 226b(1)", "Imprisonment from one to six years")]:
            cells = table.row()
            for text in row:
                cells.cell(text)
    pdf.ln(4)
    pdf.multi_cell(0, 5, "Legal persons may be held liable for these offences as well. " * 5, align="J",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(-40)
    pdf.set_font(size=7)
    for note in ("1 Law No. 19/2014 on the ratification.", "2 Since 1 March 2018."):
        pdf.cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "table.pdf"
    pdf.output(str(path))
    lines = [line for line in read_document(path).lines if line.strip()]
    rows = [line for line in lines if " | " in line]
    assert rows == ["Conduct | Provision | Penalty",
                    "Possession of, or knowingly accessing, a depiction of a child in a sexual context | Article "
                    "226a(1) | Fine or imprisonment of up to three years",
                    "Distribution or transmission to adults | Article 226b(1) | Imprisonment from one to six years"]
    assert quote(rows, 2) == ("Distribution or transmission to adults — Provision: Article 226b(1); Penalty: "
                              "Imprisonment from one to six years")
    assert any(line.startswith("The penalties are set out") for line in lines)
    assert any(line.startswith("Legal persons may be held liable") for line in lines)


def test_the_held_out_pdf_with_question_boxes_parses_as_written():
    """Lisvanie (PDF, every fact invented): each question in a shaded box with its items, the answers after it with
    no label, the items' letters again (« a) Oui. … », « b) Non. »): each item its own answer; a landscape page of
    statistics, an annex in two columns after the last answer."""
    reply = parse_file(Path(__file__).parents[1] / "eval" / "replies" / "T-ES(2017)ICT-LS_Lisvania.pdf")
    assert reply.meta.party == "Lisvanie"
    ids = [collapsed(a.question_ids) for a in reply.answers]
    assert [i for i in ids if i[0].startswith("9.7")] == [[f"9.7.{x}"] for x in "abcdef"]
    assert ["1.2.a"] in ids and ["1.2.b"] in ids and ["16.1", "16.2"] in ids
    texts = {collapsed(a.question_ids)[0]: a.text for a in reply.answers}
    assert texts["9.7.a"].startswith("Non.") and texts["1.2.b"] == "Voir supra, point a)."
    assert not any("Annexe" in t for t in texts.values())
