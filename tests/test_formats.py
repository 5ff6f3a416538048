"""One parser for every format and layout: the same reply as .txt, .docx (plain, Word auto-numbered, answers in a
table) and .pdf gives the same answers; a reply that leaves out question text gets the questionnaire's."""

from __future__ import annotations

from pathlib import Path

import re

import docx
import pypdf
import pytest

from assistant.ingest.parser import parse_file, parse_reply
from assistant.ingest.units import collapsed
from assistant.errors import ReadError
from assistant.ingest.document import Document
from assistant.ingest.readers import read_document
from assistant.ids import question_of, sort_key
from assistant.ingest.questionnaire import load_questionnaire, missing_questions

from replies import LEGISLATION, pdf_text, write_docx, write_pdf, write_table_docx, write_txt


def units(reply, transform=lambda t: t) -> list[tuple[list[str], str]]:
    return [(a.question_ids, " ".join(transform(a.text).split())) for a in reply.answers]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Andorra's reply: Portugal's Legislation part under another name, as plain text."""
    path = tmp_path_factory.mktemp("ref") / "reply.txt"
    return parse_file(write_txt(path, LEGISLATION, "ANDORRA", "AD"))


def check_same(reply, reference, transform=lambda t: t) -> None:
    assert (reply.meta.party, reply.meta.doc_id, reply.meta.round) == ("Andorra", "T-ES(2017)ICT-AD", "2nd")
    assert units(reply) == units(reference, transform)
    for got, want in zip(reply.answers, reference.answers):
        assert got.pillar == want.pillar == "Legislation"
        assert got.question_title == want.question_title


def test_reference_reply(reference):
    """What the other formats are held to: every Legislation question (8 to 12), each answer once, in order."""
    ids = [a.question_ids for a in reference.answers]
    assert ids[:3] == [["8.1.a"], ["8.1.b"], ["8.1.c"]] and ["9.3"] in ids and ids[-1] == ["12"]
    flat = [q for qids in ids for q in qids]
    assert flat == sorted(flat, key=sort_key) and len(set(flat)) == len(flat)
    assert {question_of(q) for q in flat} == {"8", "9", "10", "11", "12"}
    missing = [e.id for e in missing_questions(reference)]
    assert missing == ["1", "2", "3", "4", "5", "6", "7", "13", "14", "15", "16"]  # the other pillars, whole


def test_docx_with_typed_numbers(tmp_path, reference):
    check_same(parse_file(write_docx(tmp_path / "reply.docx", LEGISLATION, "ANDORRA", "AD")), reference)


def test_docx_with_word_auto_numbering(tmp_path, reference):
    """python-docx loses Word's numbers: "- Does national law criminalise cases when adults:", a heading
    "Criminalisation", and "Legislation" twice (the pillar, then question 8's title)."""
    path = write_docx(tmp_path / "auto.docx", LEGISLATION, "ANDORRA", "AD", autonumbered=True)
    lines = read_document(path).lines
    assert "- Does national law criminalise cases when adults:" in lines and "9.1. Does" not in " ".join(lines)
    assert lines.count("Legislation") == 2 and "Criminalisation" in lines
    reply = parse_file(path)
    check_same(reply, reference)
    nine_one = next(a for a in reply.answers if a.question_ids == ["9.1.a"])
    assert "Does national law criminalise cases when adults:" in nine_one.question_text
    assert nine_one.label == "9.1.a" and nine_one.question_title == "Criminalisation"


def test_docx_with_answers_in_tables(tmp_path, reference):
    """Rows "9.3 | answer", "11.a | answer", "12 | answer", and "question text | answer" under a header row."""
    path = write_table_docx(tmp_path / "table.docx", reference, "ANDORRA", "AD")
    lines = read_document(path).lines
    assert "Question | Answer" in lines and any(ln.startswith("9.3 | For the mere possession") for ln in lines)
    assert any(ln.startswith("Are there special circumstances") and " | " in ln for ln in lines)
    reply = parse_file(path)
    check_same(reply, reference)
    penalties = next(a for a in reply.answers if a.question_ids == ["9.3"])
    assert penalties.question_text.startswith("9.3. What are the legal consequences")  # from the questionnaire


def test_pdf_keeps_answers_and_pages(tmp_path, reference):
    path = write_pdf(tmp_path / "reply.pdf", LEGISLATION, "ANDORRA", "AD", per_page=25)
    reply = parse_file(path)
    check_same(reply, reference, pdf_text)
    pages = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(path).pages]
    assert len(pages) > 4
    for a in reply.answers:
        start = " ".join(a.text.split())[:50]
        assert a.page is not None and start in pages[a.page - 1], (a.question_ids, a.page)
    assert len({a.page for a in reply.answers}) > 3


def test_pdf_page_reaches_the_citation(tmp_path, encoder):
    from assistant.query.citations import passage_citation as citation
    from assistant.ingest.chunking import chunk_reply

    reply = parse_file(write_pdf(tmp_path / "reply.pdf", LEGISLATION, "ANDORRA", "AD", per_page=25))
    passages = chunk_reply(reply.meta, reply.answers, encoder.count_tokens)
    last = passages[-1]
    assert last.page == reply.answers[-1].page > 1
    assert citation(last) == f"Andorra, reply to the 2nd round questionnaire, Q12, p. {last.page}"


def doc(text: str, name: str = "T-ES(2017)ICT-FD_Freedonia.txt") -> Document:
    return Document(Path(name), text.splitlines(), "0" * 64)


def test_numbers_without_question_text_get_the_questionnaires():
    reply = parse_reply(doc("Question 9\n\n9.1.a\n\nYes, Article 10.\n\n9.1.b\n\nYes.\n\n9.3\n\n"
                            "Prison up to 5 years.\n\n9.4 (a)\n\nNo.\n\n11.a\n\nArticle 163.\n\nQuestion 12\n\n"
                            "Article 4 applies.\n"))
    assert [a.question_ids for a in reply.answers] == [["9.1.a"], ["9.1.b"], ["9.3"], ["9.4.a"], ["11.a"], ["12"]]
    a, b, c, d, e, f = reply.answers
    assert a.question_title == "Criminalisation" and a.pillar == "Legislation"
    assert "9.1. Does national law criminalise cases when adults:" in a.question_text
    assert "a. possess child self-generated sexually explicit images" in a.question_text
    assert b.question_text.endswith("b. distribute or transmit child self-generated explicit images and/or videos "
                                    "to other adults?")
    assert c.question_text == "9.3. What are the legal consequences of the above behaviours (9.1.a-c)?"
    assert c.text == "Prison up to 5 years."
    assert "possess child self-generated sexual content?" in d.question_text
    assert e.question_title.startswith("Reference to law to ICT") and "How does national law" in e.question_text
    assert f.question_text.startswith("Question 12. Jurisdiction rules\nPlease indicate which jurisdiction rules")


def test_number_then_answer_on_one_line_and_missing_question_header():
    reply = parse_reply(doc("Legislation\n\n9.2 All cases are prosecuted.\n\n"
                            "9.3. What are the legal consequences of the above behaviours (9.1.a-c)?\n\nOne month.\n"))
    assert [(a.question_ids, a.text) for a in reply.answers] == [(["9.2"], "All cases are prosecuted."),
                                                                  (["9.3"], "One month.")]
    assert reply.answers[0].question_text.startswith("Question 9. Criminalisation\n9.2. Are there special")
    assert reply.answers[0].question_title == "Criminalisation"


def test_unknown_numbers_stay_answer_text():
    reply = parse_reply(doc("Question 9. Criminalisation\n\n9.3. What are the legal consequences?\n\n"
                            "Two cases:\n\n1.2 million images were seized.\n\n9.3\n\nstill 9.3\n"))
    assert [a.question_ids for a in reply.answers] == [["9.3"]]
    assert reply.answers[0].text == "Two cases:\n\n1.2 million images were seized.\n\n9.3\n\nstill 9.3"


def test_metadata_language_and_overrides():
    french = ("T-ES(2017)ICT-FR\n\nRéponses au questionnaire thématique\n\nFRANCE\n\nQuestion 9\n\n9.3\n\n"
              "Les peines sont de un mois à deux ans de prison pour la détention des images et des vidéos, "
              "et la loi est appliquée par les tribunaux dans tous les cas.\n")
    reply = parse_reply(doc(french, "reponse.txt"))
    assert (reply.meta.party, reply.meta.doc_id, reply.meta.language) == ("France", "T-ES(2017)ICT-FR", "fr")
    fixed = parse_reply(doc(french, "reponse.txt"), {"party": "French Republic", "round": "2nd", "sha256": "x"})
    assert (fixed.meta.party, fixed.meta.round, fixed.meta.sha256) == ("French Republic", "2nd", "0" * 64)
    from assistant.query.citations import passage_citation as citation
    from assistant.ingest.chunking import chunk_reply

    [p] = chunk_reply(fixed.meta, fixed.answers, lambda t: len(t.split()))
    assert citation(p) == "French Republic, reply to the 2nd round questionnaire (in French), Q9.3"


@pytest.mark.parametrize(("data", "problem"), [
    ("Question 9. Criminalisation\n9.3 Yes.\n".encode("utf-16-le"), "is UTF-16 text without a byte-order mark"),
    (b"Question 9. Criminalisation\n\x81\x8d\x8f\x90 caf\xe9\n", "is in an unknown text encoding"),
])
def test_unexpected_encodings_are_named(tmp_path, data, problem):
    path = tmp_path / "odd.txt"
    path.write_bytes(data)
    with pytest.raises(ReadError, match=f"^odd.txt: {problem}"):
        read_document(path)


def test_utf16_with_bom_and_cp1252_are_read(tmp_path):
    (tmp_path / "a.txt").write_bytes("Question 9. Criminalisation".encode("utf-16"))  # with its BOM
    (tmp_path / "b.txt").write_bytes("Question 9. Criminalisation – café".encode("cp1252"))
    assert read_document(tmp_path / "a.txt").lines == ["Question 9. Criminalisation"]
    assert read_document(tmp_path / "b.txt").lines == ["Question 9. Criminalisation – café"]


@pytest.mark.parametrize("header", [("Question", "Réponse"), ("N°", "Réponse du Valdorre :")])
def test_french_reply_in_tables_under_a_french_header_row(tmp_path, header):
    """A French reply laid out as tables whose header row is French (« Question | Réponse », « N° | Réponse du
    Valdorre : »), some rows giving the question's French wording instead of its number: the header is not an
    answer, and every answer keeps its id and text."""
    valdorre = parse_file(Path(__file__).parents[1] / "eval" / "replies" / "T-ES(2017)ICT-VD_Valdorre.txt")
    legislation = [a for a in valdorre.answers if a.pillar == "Legislation" and len(collapsed(a.question_ids)) == 1]
    questionnaire = load_questionnaire()
    for a in legislation:  # rows without a number give the question as the Committee's French questionnaire words it
        a.question_text = questionnaire.get(collapsed(a.question_ids)[0]).label("fr")
    valdorre.answers = legislation
    path = write_table_docx(tmp_path / "tableau.docx", valdorre, "VALDORRE", "VD", header=header, pillar="Législation")
    assert " | ".join(header) in read_document(path).lines
    reply = parse_file(path)
    assert reply.meta.language == "fr"
    # the table numbers each row by its question alone ("8.2"), where Valdorre prints 8.2's items before answering both
    asked = [[(collapsed(ids), text) for ids, text in units(r)] for r in (reply, valdorre)]
    assert asked[0] == asked[1]
    assert not any(h in a.text for a in reply.answers for h in header)
    with_text = [ln for ln in read_document(path).lines if ln.startswith("Quelles sont les conséquences juridiques")]
    assert len(with_text) == 2  # 9.3 and 9.9 by their French wording


def test_a_french_word_reply_whose_numbering_was_lost_and_that_words_questions_its_own_way(tmp_path):
    """Valdorre in Word with its numbers left to auto-numbering (python-docx reads bare text) and its headings
    without « Question N : ». Its French wording is its own (« Le droit national incrimine-t-il les cas où des
    enfants : », « Unités/services/sections spécialisés »), not the packaged questionnaire's: the question asked next
    in the questionnaire's order is recognised all the same, and so are a follow-up prompt's items."""
    source = Path(__file__).parents[1] / "eval" / "replies" / "T-ES(2017)ICT-VD_Valdorre.txt"
    d = docx.Document()
    for line in (ln.strip() for ln in source.read_text(encoding="utf-8").splitlines()):
        if not line:
            continue
        if line in ("Prévention", "Protection", "Législation", "Poursuites"):
            d.add_heading(line, level=1)
        elif m := re.match(r"^Question \d+ : (.*)$", line):
            d.add_heading(m.group(1), level=2)
        elif m := re.match(r"^- \d+\.\d+\. (.*)$", line):
            d.add_paragraph(m.group(1), style="List Number")
        elif (m := re.match(r"^- [a-h]\. (.*)$", line)) and line.endswith(("?", ":", ";")):
            d.add_paragraph(m.group(1), style="List Number 2")
        elif line.startswith("- "):
            d.add_paragraph(line[2:], style="List Bullet")
        else:
            d.add_paragraph(line)
    d.save(str(tmp_path / "valdorre.docx"))
    lines = read_document(tmp_path / "valdorre.docx").lines
    assert "- Le droit national incrimine-t-il les cas où des enfants :" in lines
    assert not any(re.match(r"^(?:- )?(?:Question )?\d+(?:\.\d+)?[.:] ", ln) for ln in lines)  # no number left
    assert "- s'il existe une fonction d'identification des victimes ?" in lines  # a follow-up's item, letter gone
    got, want = parse_file(tmp_path / "valdorre.docx"), parse_file(source)
    assert units(got) == units(want)


@pytest.mark.parametrize("style", [None, "List Bullet"])
def test_follow_up_prompts_whose_arrow_was_a_bullet_glyph(tmp_path, style):
    """Word prints the questionnaire's "→" as a bullet glyph the file does not keep: « Veuillez préciser comment … »
    is still a follow-up prompt (Valdorre words it its own way), not a sentence of 13.2's answer."""
    source = Path(__file__).parents[1] / "eval" / "replies" / "T-ES(2017)ICT-VD_Valdorre.txt"
    d = docx.Document()
    for line in (ln.strip() for ln in source.read_text(encoding="utf-8").splitlines()):
        if line.startswith("→"):
            d.add_paragraph(line.lstrip("→ "), style=style)
        elif line:
            d.add_paragraph(line)
    d.save(str(tmp_path / "valdorre.docx"))
    assert not any("→" in ln for ln in read_document(tmp_path / "valdorre.docx").lines)
    got, want = parse_file(tmp_path / "valdorre.docx"), parse_file(source)
    assert units(got) == units(want)
    prompts = [a.question_text for a in got.answers if a.question_ids == ["13"]]
    assert prompts[0].splitlines()[-1].startswith("→ Veuillez préciser comment les unités")


@pytest.mark.parametrize("name, width, blank", [("T-ES(2017)ICT-OM_Ostmark.txt", 78, True),
                                                ("T-ES(2017)ICT-LU_Lumbria.txt", 72, False)])
def test_a_reply_saved_as_text_with_hard_line_breaks_reads_as_the_reply(tmp_path, name, width, blank):
    """A PDF converted to text, or a reply pasted from an e-mail, breaks every paragraph into lines of ~75
    characters (with or without a blank line between paragraphs): its paragraphs are joined again, so questions,
    titles and follow-up prompts wrapped onto a number ("… questions 1.1," / "1.2 et 1.3 …") and answers read as
    the reply wrote them, and line numbers still point into the file."""
    import textwrap

    from assistant.ingest.wrapping import hard_wrap_width

    # the held-out reply, its tab-separated table written with " | " (what wrapping keeps of it)
    text = (Path(__file__).parents[1] / "eval" / "replies" / name).read_text(encoding="utf-8").replace("\t", " | ")
    (tmp_path / "as-written").mkdir()
    (tmp_path / "as-written" / name).write_text(text, encoding="utf-8")
    lines: list[str] = []
    for line in text.splitlines():
        lines += textwrap.wrap(line, width, break_on_hyphens=False, break_long_words=False) if line.strip() else [""]
        if blank and line.strip():
            lines.append("")
    (tmp_path / name).write_text("\n".join(lines), encoding="utf-8")
    assert hard_wrap_width(lines) is not None and hard_wrap_width(text.splitlines()) is None
    expected, got = parse_file(tmp_path / "as-written" / name), parse_file(tmp_path / name)
    assert [a.question_ids for a in got.answers] == [a.question_ids for a in expected.answers]
    assert [" ".join(a.text.split()) for a in got.answers] == [" ".join(a.text.split()) for a in expected.answers]
    first = got.answers[0]
    assert first.text.split()[0] in lines[first.line_start - 1]


def test_a_text_export_with_its_page_furniture_and_closing_remarks_reads_as_the_reply(tmp_path):
    """A converted reply: hard line breaks, a running header without a number and a "-- N --" footer every page,
    inside a question's or an answer's lines (blank lines around them), "Question 9, point 3" for 9.3, the Party's
    official form in capitals over a dated line, and closing remarks after the last question's answer."""
    questions = {1: ["Does national law criminalise cases when adults", "possess such images?"],
                 2: ["Are there special circumstances under which the", "behaviours above are not prosecuted?"],
                 3: ["What are the legal consequences of the above", "behaviours described under this point?"]}
    body = ["PART III - LEGISLATION", "Q9 Criminalisation"]
    for n, asked in questions.items():
        body += [f"Question 9, point {n} - {asked[0]}", asked[1], ""]
        body += [f"Response: Answer {n} starts here and goes on for a while so that every line is"] + [
            f"wrapped at about seventy-five characters, as a converted reply has it, {i}" for i in range(9)] + [
            "and it ends here.", ""]
    body += ["PART IV - PROSECUTION", "Q16 International co-operation",
             "Q16.2 What measures have been taken to co-operate with other Parties?", "See Q16.1.", "",
             "CONCLUDING REMARKS", "The Government of Thessia remains at the Committee's disposal."]
    lines = ["T-ES(2017)ICT-TS", "", "REPUBLIC OF THESSIA", "",
             'Reply to the thematic questionnaire of the 2nd monitoring round: "Protection',
             'of children against sexual exploitation"', "", "Meridia, 14 February 2020", ""]
    for n, start in enumerate(range(0, len(body), 14), start=1):  # a page every 14 lines of text
        lines += body[start:start + 14] + ["", f"-- {n} --", "Thessia - Reply to the Lanzarote Committee questionnaire"]
    path = tmp_path / "T-ES(2017)ICT-TS_Thessia.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    reply = parse_file(path)
    assert reply.meta.party == "Thessia"
    assert [a.question_ids for a in reply.answers] == [["9.1"], ["9.2"], ["9.3"], ["16.2"]]
    for n, answer in enumerate(reply.answers[:3], start=1):
        assert answer.text.startswith(f"Answer {n} starts here") and answer.text.endswith("and it ends here.")
        assert questions[n][1] in answer.question_text
    assert not any("Thessia - Reply" in a.text or " -- " in a.text for a in reply.answers)
    assert reply.answers[-1].text == "See Q16.1."


def test_a_table_a_text_export_aligns_with_spaces_reads_as_rows_with_their_header(tmp_path):
    """A table saved as text: a header, a rule of dashes per column, rows under it, a first cell wrapped over three
    lines and a page break inside the table. Each row is one line of cells, so a quote pairs it with its header."""
    from assistant.query.quotes import quote

    table = ["The penalties for adult offenders are the following:",
             "  Conduct of the adult offender            Article    Penalty",
             "  ---------------------------------------  ---------- ---------------------",
             "  Possession                               212(2) CC  1 to 5 years' prison",
             "  Distribution or transmission to adults   212(3) CC  2 to 8 years' prison",
             "",
             "  Aggravated cases (victim under 12,       212(5) CC  5 to 12 years' prison",
             "    profit, organised group, repeat",
             "    offence)",
             "In addition, the court must order the confiscation of the devices and data carriers used."]
    body = ["Question 9. Criminalisation",
            "9.3. What are the legal consequences of the above behaviours (9.1.a-c)?", *table]
    reply = parse_file(write_txt(tmp_path / "T-ES(2017)ICT-TS_Thessia.txt", body, party="THESSIA", code="TS"))
    answer = next(a for a in reply.answers if a.question_ids == ["9.3"])
    sentences = answer.text.split("\n\n")
    assert sentences == [
        "The penalties for adult offenders are the following:", "Conduct of the adult offender | Article | Penalty",
        "Possession | 212(2) CC | 1 to 5 years' prison",
        "Distribution or transmission to adults | 212(3) CC | 2 to 8 years' prison",
        "Aggravated cases (victim under 12, profit, organised group, repeat offence) | 212(5) CC | 5 to 12 years' "
        "prison",
        "In addition, the court must order the confiscation of the devices and data carriers used."]
    assert quote(sentences, 2) == "Possession — Article: 212(2) CC; Penalty: 1 to 5 years' prison"


def test_prose_and_dashes_are_no_table(tmp_path):
    """A rule of one run of dashes, or prose under a rule of several, stays as it was written."""
    from assistant.ingest.aligned import aligned_tables

    lines = ["A heading", "---------", "Text under it, which crosses the columns of nothing.",
             "Totals     Cases", "---------- ------", "Prose runs on across where the columns would be and ends."]
    assert aligned_tables(lines) == lines


def test_a_table_between_two_full_rules_loses_its_rules():
    from assistant.ingest.aligned import aligned_tables

    lines = ["Reports by year:", "-------------------------------", "  Year   Reports   Cases referred",
             "  ----   -------   --------------", "  2017   1 204     311", "  2018   1 562     402",
             "-------------------------------", "The figures come from the hotline."]
    assert aligned_tables(lines) == ["Reports by year:", "", "Year | Reports | Cases referred", "",
                                     "2017 | 1 204 | 311", "2018 | 1 562 | 402", "",
                                     "The figures come from the hotline."]


def test_a_reply_in_markdown_reads_as_a_reader_sees_it(tmp_path):
    """Front matter, a contents list of links, headings with ids, bold numbers and italic questions, an answer in a
    blockquote under "**Answer:**", a pipe table, a note called in a sentence and HTML comments: the answers' text
    without markup, the table by rows, the note under its paragraph, the contents opening no question."""
    text = """---
title: Reply of Freedonia
---
# Reply of the Republic of Freedonia to the thematic questionnaire

- [Question 9 – Criminalisation](#question-9)
- [Question 16 – International co-operation](#question-16)

## Part III – Legislation

### Question 9: Criminalisation {#question-9}

**9.1** *Does national law criminalise cases when adults:*

- **(a)** possess child self-generated sexually explicit images and/or videos?

> **Answer:** Yes. Possession is an offence under
> [Article 219b](https://law.fd/219b) of the *Criminal Code*.[^1]

<!-- reviewed by MoJ -->

#### 9.3 What are the legal consequences of the above behaviours (9.1.a-c)?

| Conduct | Article | Penalty |
|---|---|---|
| Possession | Art. 219b | Up to 3 years<br>or a fine |

[^1]: Act No. 18/2017 amending the Criminal Code.
"""
    path = tmp_path / "T-ES(2017)ICT-FD_Freedonia.md"
    path.write_text(text, encoding="utf-8")
    reply = parse_file(path)
    assert [a.question_ids for a in reply.answers] == [["9.1.a"], ["9.3"]]
    assert reply.answers[0].text == ("Yes. Possession is an offence under Article 219b of the Criminal Code.\n\n"
                                     "1 Act No. 18/2017 amending the Criminal Code.")
    assert reply.answers[1].text == "Conduct | Article | Penalty\n\nPossession | Art. 219b | Up to 3 years or a fine"
    assert reply.answers[0].line_start == 17  # the blockquote's line in the file


def test_the_held_out_markdown_reply_parses_as_written():
    """Merovia (Markdown, every fact invented): front matter, a contents list of links, headings with ids, bold and
    italic numbers and questions, ordered lists standing for items a, b, c, answers in blockquotes, pipe tables, notes
    and HTML comments: every id but the unanswered 14.b, and no markup in any answer."""
    from assistant.ingest.questionnaire import missing_questions

    reply = parse_file(Path(__file__).parents[1] / "eval" / "replies" / "T-ES(2017)ICT-MV_Merovia.md")
    assert reply.meta.party == "Merovia"
    assert [e.id for e in missing_questions(reply)] == ["14.b"]
    texts = [a.text for a in reply.answers]
    assert not any("**" in t or "](" in t or "<!--" in t or "[^" in t or t.startswith(">") for t in texts)
    penalties = next(a.text for a in reply.answers if a.question_ids == ["9.3"])
    assert penalties.startswith("Conduct | Article | Penalty\n\nPossession of, or knowingly obtaining access")


def test_a_text_export_with_bare_page_numbers_and_form_feeds_reads_as_the_reply():
    """Kaldoria (every fact invented) as `pdftotext -layout` prints a PDF: form feeds, a running header, a bare page
    number centred under each page ("2", then "3"…), justified lines with runs of spaces, tables without rules, a
    two-column annex: no page number is answer text, and every question but the unanswered 5.2.b is answered."""
    from assistant.ingest.questionnaire import missing_questions

    reply = parse_file(Path(__file__).parents[1] / "eval" / "replies" / "T-ES(2017)ICT-KD_Kaldoria.txt")
    assert reply.meta.party == "Kaldoria"
    assert not missing_questions(reply)
    assert not any(a.text.strip().isdigit() for a in reply.answers)
    assert not any("Kaldoria – Reply" in a.text for a in reply.answers)
    # the note at the foot of page 2 follows the answer that calls it, not the question the page broke
    first = next(a.text for a in reply.answers if collapsed(a.question_ids) == ["1.1"])
    assert "Child Safety Act online platforms" in first
    assert first.endswith("It applies to service providers with more than 50,000 registered users in Kaldoria.")
    assert [collapsed(a.question_ids) for a in reply.answers].count(["1.3"]) == 1


def test_a_word_draft_with_tracked_changes_reads_as_accepted():
    """Quarnel (every fact invented) sent as a draft: deleted text (a figure, a sentence, a paragraph, an answer)
    left out, inserted text kept, comments and the text box's note read as no answer's text."""
    reply = parse_file(Path(__file__).parents[1] / "eval" / "replies" / "T-ES(2017)ICT-QN_Quarnel.docx")
    texts = {a.question_ids[0]: a.text for a in reply.answers}
    assert texts["9.3"].startswith("Possession (Article 212(1)): imprisonment of up to three years or a fine.")
    assert texts["13.1.c"].startswith("Yes. Since 1 March 2023, the Children")
    assert not any("ordinary criminal chambers" in t or "MoJ: please check" in t for t in texts.values())


def test_an_answers_own_lettered_list_is_not_the_questionnaires_next_item():
    # 11.a's answer lists three provisions "a) … b) … c) …"; the questionnaire's item b follows, worded as printed
    reply = parse_reply(doc(
        "Question 11 – Reference to law to ICT facilitated sexual coercion and/or extortion\n\n"
        "a. self-generated sexually explicit images and/or videos?\n\n"
        "The Penal Code addresses such conduct through three provisions:\n\n"
        "a) Article 412k (image-based coercion), which punishes threats to disseminate an intimate image;\n\n"
        "b) Article 251 (coercion), which applies where the threat is used to make the child act in a certain way;\n\n"
        "c) Article 256 (extortion), which applies where the perpetrator seeks a financial gain.\n\n"
        "b. self-generated sexual content?\n\n"
        "Article 412k refers to intimate material, which covers written and audio content as well.\n"))
    assert [a.question_ids for a in reply.answers] == [["11.a"], ["11.b"]]
    assert "b) Article 251" in reply.answers[0].text and "c) Article 256" in reply.answers[0].text
    assert reply.answers[1].text.startswith("Article 412k refers to intimate material")


def test_items_listed_one_under_another_still_open_their_own_answers():
    # items that end with ";" as the questionnaire prints them (2.2) keep their ids when each is answered in turn
    reply = parse_reply(doc(
        "Question 2. Civil society\n\n"
        "2.2. Please provide information on prevention activities implemented by civil society with regard to:\n\n"
        "a. self-generated sexually explicit images and/or videos;\n\nThe Red Lantern Foundation runs workshops.\n\n"
        "b. self-generated sexual content.\n\nThe same workshops cover written content.\n"))
    assert [a.question_ids for a in reply.answers] == [["2.2.a"], ["2.2.b"]]


@pytest.mark.parametrize("closing", [
    "The Velmarkian authorities remain at the Committee's disposal for any further information it may require.",
    "Les autorités restent à la disposition du Comité pour toute information complémentaire.",
])
def test_the_formula_closing_a_reply_is_not_the_last_answers_text(closing):
    reply = parse_reply(doc("Question 16. International cooperation\n\n"
                            "16.2. What measures are in place for international cooperation?\n\n"
                            "Same as for 16.1.\n\n" + closing + "\n\nCaldmere, 29 June 2018\n"))
    assert [(a.question_ids, a.text) for a in reply.answers] == [(["16.2"], "Same as for 16.1.")]


def test_an_answer_saying_who_is_at_whose_disposal_stays_whole():
    text = "The liaison officers remain at the disposal of foreign partners for mutual legal assistance."
    reply = parse_reply(doc("Question 16. International cooperation\n\n"
                            "16.2. What measures are in place for international cooperation?\n\n" + text + "\n"))
    assert reply.answers[0].text == text


def test_a_reply_in_its_own_outline_is_read_by_the_questions_it_cites():
    # the Party's own headings « 2.1 … » are not questionnaire 2.1; its citations are, in whatever order it takes them
    reply = parse_reply(doc(
        "I. Prévention\n\n1. L'éducation dans le système scolaire\n\n"
        "Question 3 du questionnaire : Le programme scolaire national inclut-il une sensibilisation aux risques ?\n\n"
        "Oui, depuis la rentrée 2015.\n\n2. Les actions hors du cadre scolaire\n\n2.1 Les actions destinées aux enfants\n\n"
        "Question 1.1 du questionnaire : Existe-t-il des activités de sensibilisation destinées aux enfants ?\n\n"
        "Oui, le programme Clic Prudent.\n\n"
        "Question 1 du questionnaire (demandes complémentaires) : Veuillez préciser quelles entités mènent ces activités.\n\n"
        "Le ministère de l'Éducation.\n\nIII. Législation\n\n2.2 Les autres contenus\n\n"
        "[Q9.4 a)] La législation incrimine-t-elle les cas où des adultes possèdent des contenus autoproduits ?\n\n"
        "Non.\n\n3. La coopération avec la société civile (question 7 du questionnaire)\n\n"
        "Des conventions pluriannuelles lient l'État aux associations.\n\nIV. Poursuites\n\n"
        "Réf. questionnaire : 13.1 c)\n\n… au sein des tribunaux ?\n\nNon, aucune juridiction spécialisée.\n"))
    assert [(a.question_ids, a.text) for a in reply.answers] == [
        (["3"], "Oui, depuis la rentrée 2015."), (["1.1"], "Oui, le programme Clic Prudent."),
        (["1"], "Le ministère de l'Éducation."), (["9.4.a"], "Non."),
        (["7"], "Des conventions pluriannuelles lient l'État aux associations."),
        (["13.1.c"], "Non, aucune juridiction spécialisée.")]


def test_the_held_out_reply_in_its_own_outline_reads_its_citations():
    """Brévanne (eval/): « Question 6.1 du questionnaire : », « [Q9.3] », « Réf. questionnaire : 13.1 b) »."""
    reply = parse_file(Path(__file__).resolve().parents[1] / "eval" / "replies" / "T-ES(2017)ICT-BR_Brevanne.docx")
    ids = [collapsed(a.question_ids)[0] for a in reply.answers]  # the question each answers
    for qid in ("3", "1.1", "1.2", "1.3", "2.1", "2.2", "6.1", "9.3", "9.8", "11.a", "13.1.b", "15.b"):
        assert qid in ids, qid
    assert not any(q in ids for q in ("2", "3.b")) and ids.index("1.1") > ids.index("3")


def test_an_answer_that_names_the_items_it_answers_together_carries_their_ids():
    reply = parse_reply(doc(
        "Question 14. Challenges in the prosecution phase\n\n"
        "What challenges do law enforcement, prosecution and courts face during the prosecution of ICT facilitated "
        "sexual offences against children involving the sharing of:\n\n"
        "a. self-generated sexually explicit images and/or videos?\n\nb. self-generated sexual content?\n\n"
        "Questions 14.a and 14.b:\n\nThe volume of seized data grows every year.\n"))
    assert [(a.question_ids, a.refs) for a in reply.answers] == [(["14.a", "14.b"], [])]


@pytest.mark.parametrize("label", ["Replies to 13.1.b and 13.1.c:", "Joint reply to questions 13.1.b and 13.1.c",
                                   "Réponse commune aux questions 13.1 b) et 13.1 c) :"])
def test_a_reply_to_several_items_named_in_its_label_carries_their_ids(label):
    reply = parse_reply(doc(
        "Question 13. Specialized units/ departments/ sections\n\n"
        "13.1. Are there specialized units/ departments/ sections in charge of dealing with ICT facilitated sexual "
        "offences against children?\n\na. in law enforcement?\n\nYes. The Online Child Exploitation Unit.\n\n"
        "b. in prosecution?\n\nc. in courts?\n\n"
        f"{label}\n\nThe Specialised Prosecution Section for Minors handles them, and one chamber of each court.\n"))
    assert [a.question_ids for a in reply.answers] == [["13.1.a"], ["13.1.b", "13.1.c"]]


def test_the_held_out_word_97_reply_restating_its_questions_without_numbers_reads_every_question():
    """Tervania (eval/, a .doc): sub-questions and items restated by their wording alone, some numbered by Word."""
    from assistant.ingest.questionnaire import missing_questions

    reply = parse_file(Path(__file__).resolve().parents[1] / "eval" / "replies" / "T-ES(2017)ICT-TV_Tervania.doc")
    ids = [q for a in reply.answers for q in a.question_ids if "." in q]  # follow-ups ("1", "13") come more than once
    assert reply.meta.party == "Tervania" and len(ids) == len(set(ids))
    assert {"9.7.a", "9.7.f", "9.10.a", "9.10.f", "15.c", "13.2", "16.2.a", "16.2.c"} <= set(ids)
    assert [e.id for e in missing_questions(reply)] == ["8.3.b"]  # left with no answer
    assert next(a for a in reply.answers if a.question_ids == ["6.2.b"]).refs == ["6.2.a"]


def test_the_held_out_pdf_with_statute_annexes_keeps_them_out_of_every_answer():
    """Halvaria (eval/): "Annex I – Extracts from the Criminal Code" after 16.2, its "(a)" subparagraphs no items."""
    reply = parse_file(Path(__file__).resolve().parents[1] / "eval" / "replies" / "T-ES(2017)ICT-HV_Halvaria.pdf")
    last = reply.answers[-1]
    assert last.question_ids == ["16.2.a", "16.2.b", "16.2.c"]
    assert last.text == "Please refer to the answer to question 16.1 above."
    assert not any("Annex I" in a.text and "Extracts" in a.text for a in reply.answers)
    assert ["13.1.b", "13.1.c"] in [a.question_ids for a in reply.answers]
