"""The Committee's per-question compilations: one file, many Parties' answers to one question, each read as a
reply of its own (its Party, a doc id of its own citing the compilation's code, its language)."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pypdf
import pytest

import assistant.store.build as build_module
from assistant.errors import NotAReply
from assistant.ingest.compilation import party_heading
from assistant.ingest.parser import read_reply
from assistant.ingest.preview import check_reply
from assistant.ingest.replies import read_replies_from

from conftest import PORTUGAL
from test_pdf_layout import write_running_pdf

CODE = "T-ES(2018)38_bil"
TITLE = [
    CODE,
    "LANZAROTE COMMITTEE / COMITÉ DE LANZAROTE",
    "Compilation of Replies to Question 6 (Assistance to victims) of the Thematic Questionnaire on the protection "
    "of children against sexual exploitation and sexual abuse facilitated by information and communication "
    "technologies (ICTs)",
    "Compilation des réponses à la question 6 (Assistance aux victimes) du Questionnaire thématique sur la "
    "protection des enfants contre l'exploitation et les abus sexuels facilités par les technologies de "
    "l'information et de la communication (TIC)",
    "Question 6. Assistance to victims",
    "6.1. What specific reporting mechanisms, including helplines, are in place to ensure that child victims of "
    "exposure online of:",
    "a. self-generated sexually explicit images and/or videos are provided with the necessary support, assistance "
    "and psychological help?",
    "b. self-generated sexual content are provided with the necessary support, assistance and psychological help?",
    "6.2. What legislative or other measures have been taken to ensure that child victims of online exposure of:",
    "Question 6. Assistance aux victimes",
    "6.1. Quels mécanismes de signalement spécifiques, y compris des lignes d'assistance, sont en place pour "
    "garantir que les enfants victimes de l'exposition en ligne :",
    "6.2. Quelles mesures législatives ou autres ont été prises pour garantir que les enfants victimes de "
    "l'exposition en ligne :",
]
# (heading, Party, suffix, language, [(label line or None, answer paragraphs)])
PARTIES = [
    ("AUSTRIA", "Austria", "AT", "en", [
        ("Question 6.1", ["Child victims can call the helpline Rat auf Draht (147) at any time, free of charge and "
                          "anonymously; its counsellors refer them to child protection centres.",
                          "CPCJ",
                          "The youth welfare offices are informed of every report that concerns a child."]),
        ("Question 6.2", ["The Code of Criminal Procedure grants child victims psychosocial and legal support "
                          "throughout the proceedings, paid for by the State."]),
    ]),
    ("FRANCE / FRANCE", "France", "FR", "fr", [
        ("6.1", ["Les enfants victimes peuvent appeler le 119, le service national d'accueil téléphonique de "
                 "l'enfance en danger, et la plateforme Pharos reçoit les signalements des contenus illicites sur "
                 "internet.",
                 "Les associations d'aide aux victimes sont financées par le ministère de la justice et les "
                 "mineurs victimes sont orientés vers elles par les enquêteurs."]),
        ("6.2", ["La loi du 5 mars 2007 prévoit que l'audition d'un mineur victime est enregistrée, afin de ne pas "
                 "répéter son témoignage, et qu'un administrateur ad hoc peut être désigné pour le représenter."]),
    ]),
    ("GERMANY / ALLEMAGNE", "Germany", "DE", "en", [
        (None, ["6.1. The helpline Nummer gegen Kummer (116 111) advises children and young people who have been "
                "exposed online; the Federal Criminal Police Office runs a reporting point for illegal content."]),
        (None, ["6.2. Since 2017 child victims are entitled to psychosocial support during criminal proceedings, "
                "free of charge, under section 406g of the Code of Criminal Procedure."]),
    ]),
    ("EASTLAND / ESTLANDE", "Eastland", "EASTLAND", "en", [
        ("6.2", ["Eastland's Victims Act gives every child victim a support worker from the first report to the "
                 "end of the trial."]),
    ]),
]


def compilation_lines(parties=PARTIES) -> list[str]:
    lines = list(TITLE)
    for heading, _, _, _, answers in parties:
        lines.append(heading)
        for label, paragraphs in answers:
            lines.extend(([label] if label else []) + paragraphs)
    return lines


def write_compilation_txt(path: Path, parties=PARTIES) -> Path:
    path.write_text("\n\n".join(compilation_lines(parties)) + "\n", encoding="utf-8")
    return path


def write_compilation_docx(path: Path, parties=PARTIES) -> Path:
    d = docx.Document()
    for line in TITLE:
        d.add_paragraph(line)
    for heading, _, _, _, answers in parties:
        d.add_heading(heading, level=1)
        for label, paragraphs in answers:
            if label:
                d.add_heading(label, level=2)
            for text in paragraphs:
                d.add_paragraph(text)
    d.save(str(path))
    return path


def write_compilation_pdf(path: Path, parties=PARTIES) -> Path:
    """As the Committee publishes it: the code and title as a running header, "Page N of M" at the bottom."""
    return write_running_pdf(path, compilation_lines(parties), running=f"{CODE} - Compilation of replies to "
                                                                       f"Question 6 / Compilation des réponses")


def expected_text(answer_paragraphs: list[str]) -> str:
    """What the answer unit holds: its paragraphs without the number it opens with."""
    first, *rest = answer_paragraphs
    for qid in ("6.1. ", "6.2. "):
        first = first.removeprefix(qid)
    return "\n\n".join([first, *rest])


@pytest.mark.parametrize("writer, suffix", [(write_compilation_txt, ".txt"), (write_compilation_docx, ".docx"),
                                            (write_compilation_pdf, ".pdf")], ids=["txt", "docx", "pdf"])
def test_one_reply_per_party(tmp_path, writer, suffix):
    path = writer(tmp_path / f"{CODE}_compilation-q6{suffix}")
    replies = read_replies_from(path)
    assert [r.meta.party for r in replies] == ["Austria", "France", "Germany", "Eastland"]
    assert [r.meta.doc_id for r in replies] == [f"{CODE}-AT", f"{CODE}-FR", f"{CODE}-DE", f"{CODE}-EASTLAND"]
    assert [r.meta.language for r in replies] == ["en", "fr", "en", "en"]
    assert {r.meta.source for r in replies} == {path.name}
    for reply, (_, _, _, _, answers) in zip(replies, PARTIES):
        want_ids = [[label.split()[-1] if label else paragraphs[0][:3]] for label, paragraphs in answers]
        assert [a.question_ids for a in reply.answers] == want_ids, reply.meta.party
        assert [a.text for a in reply.answers] == [expected_text(p) for _, p in answers], reply.meta.party
        for a in reply.answers:
            assert a.question_number == "6" and a.question_title == "Assistance to victims"
            assert a.pillar == "Protection"
            assert a.question_text.splitlines()[-1].startswith(a.question_ids[0])  # the questionnaire's 6.x


def test_answers_keep_the_files_line_numbers(tmp_path):
    path = write_compilation_txt(tmp_path / "compilation.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    france = next(r for r in read_replies_from(path) if r.meta.party == "France")
    first = france.answers[0]
    assert lines[first.line_start - 1].startswith("Les enfants victimes peuvent appeler le 119")
    assert lines[france.answers[-1].line_end - 1].startswith("La loi du 5 mars 2007")


def test_an_ordinary_reply_is_one_reply(portugal):
    (reply,) = read_replies_from(PORTUGAL)
    assert reply == read_reply(PORTUGAL) and reply.meta.party == "Portugal"


def test_the_compilations_code_and_round_may_be_set_by_the_user(tmp_path):
    path = write_compilation_txt(tmp_path / "compilation.txt")
    replies = read_replies_from(path, {"doc_id": "T-ES(2018)38", "round": "2nd", "party": "Malta"})
    assert [r.meta.doc_id for r in replies][:2] == ["T-ES(2018)38-AT", "T-ES(2018)38-FR"]
    assert {r.meta.round for r in replies} == {"2nd"} and replies[0].meta.party == "Austria"


def test_a_compilation_without_party_headings_is_not_a_reply(tmp_path):
    path = tmp_path / "compilation.txt"
    path.write_text("\n\n".join(TITLE + ["6.1. Children can call a helpline."]) + "\n", encoding="utf-8")
    with pytest.raises(NotAReply, match="no Party's answer was found under a Party's name"):
        read_replies_from(path)


def test_party_headings():
    assert party_heading("FRANCE / FRANCE") == "France"
    assert party_heading("GERMANY / ALLEMAGNE") == "Germany"
    assert party_heading("**AUSTRIA**") == "Austria"
    assert party_heading("BOSNIA AND HERZEGOVINA / BOSNIE-HERZÉGOVINE") == "Bosnia and Herzegovina"
    assert party_heading("THE NETHERLANDS") == party_heading("PAYS-BAS") == "Netherlands"
    assert party_heading("TURKEY / TURQUIE") == "Türkiye"
    assert party_heading("CORVALIA (REPUBLIC OF)") == party_heading("REPUBLIC OF CORVALIA") == "Corvalia"
    assert party_heading("MONTBRISSE (PRINCIPAUTÉ DE)") == "Montbrisse"
    assert party_heading("MOLDOVA (REPUBLIC OF)") == "Republic of Moldova"
    for not_a_party in ("LANZAROTE COMMITTEE / COMITÉ DE LANZAROTE", "CPCJ", "Austria", "QUESTION 6.1",
                        "Austria has a helpline."):
        assert party_heading(not_a_party) is None, not_a_party


@pytest.mark.slow
def test_compare_lists_the_compilations_parties(tmp_path, encoder):
    """Built into an index beside Portugal's reply, `compare 6.1` shows each Party's answer from the compilation."""
    from assistant.api import Assistant
    from assistant.query.search import Searcher
    from assistant.store.load import load_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PORTUGAL, corpus / PORTUGAL.name)
    write_compilation_txt(corpus / f"{CODE}_compilation-q6.txt")
    report = build_module.build_index(corpus, tmp_path / "index", encoder=encoder)
    assert not report.skipped
    rows = {row["party"]: row for row in Assistant(Searcher(load_index(tmp_path / "index"), encoder))
            .compare("6.1")["parties"]}
    assert set(rows) == {"Austria", "Eastland", "France", "Germany", "Portugal"}
    assert rows["France"]["doc_id"] == f"{CODE}-FR" and rows["France"]["language"] == "fr"
    assert rows["France"]["text"].startswith("Les enfants victimes peuvent appeler le 119")
    assert rows["Germany"]["text"].startswith("The helpline Nummer gegen Kummer")
    assert rows["Eastland"]["text"] == ""  # answered 6.2 only


def test_a_pdf_compilation_cites_pages(tmp_path):
    path = write_compilation_pdf(tmp_path / "compilation.pdf")
    pages = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(path).pages]
    answers = [a for r in read_replies_from(path) for a in r.answers]
    assert len(pages) >= 2 and len({a.page for a in answers}) >= 2
    for a in answers:
        assert a.page and " ".join(a.text.split())[:30] in pages[a.page - 1], (a.question_ids, a.page)


def test_a_compilation_is_not_taken_for_one_partys_reply(tmp_path):
    """`add` and its preview read one Party's reply: a compilation there would become Austria's reply."""
    path = write_compilation_txt(tmp_path / "compilation.txt")
    for read in (read_reply, check_reply):
        with pytest.raises(NotAReply, match="is a compilation of several Parties' answers, not one Party's reply"):
            read(path)


def test_the_held_out_compilation_reads_every_partys_answers():
    """eval/replies/T-ES(2018)41_bil_Q13.txt, written for held-out figures: "13.1 a. Yes. …" items inline, "Answer
    to 13.2", a follow-up under "Follow-up questions" alone on its line (a running footer after it), answers in
    English and French, 13.1 answered as one block by some Parties."""
    from conftest import ROOT

    replies = read_replies_from(ROOT / "eval" / "replies" / "T-ES(2018)41_bil_Q13.txt")
    ids = {r.meta.party: [a.question_ids for a in r.answers] for r in replies}
    assert set(ids) == {"Belgium", "Croatia", "Denmark", "France", "Luxembourg", "Malta", "Poland", "Sweden"}
    assert ids["Sweden"] == [["13.1.a"], ["13.1.b"], ["13.1.c"], ["13.2"], ["13"]]
    assert ids["Denmark"] == [["13.1"], ["13.2"], ["13"]] and ids["Luxembourg"] == [["13.1"]]
    languages = {r.meta.party: r.meta.language for r in replies}
    assert [p for p, lang in sorted(languages.items()) if lang == "fr"] == ["Belgium", "France", "Luxembourg"]
    assert not any("T-ES(2018)41_bil —" in a.text for r in replies for a in r.answers)


TWO_QUESTIONS = """T-ES(2019)07_bil
Compilation of replies to Questions 10 and 11 of the thematic questionnaire
Compilation des réponses aux questions 10 et 11 du questionnaire thématique
2nd thematic monitoring round

Question 10 – Production and possession of self-generated sexually explicit images and/or videos by children
10.2 For Parties that have not made a reservation in accordance with Article 20(3) indent 2: Does national law criminalise the production and possession of such images?
10.2 Pour les Parties qui n'ont pas formulé de réserve : la législation nationale incrimine-t-elle la production et la détention de telles images ?

AUSTRIA / AUTRICHE
10.2 No. Section 208d(6) exempts children aged 14 or over who consent.
BELGIUM / BELGIQUE
Question 10.2 : Non. L'article 417/45 du Code pénal exempte les mineurs de plus de 16 ans qui ont donné leur accord et qui conservent les images pour leur usage privé.
FINLAND / FINLANDE
No, provided that the conditions below are met.

Question 11 – Reference to law to ICT facilitated sexual coercion and/or extortion
a. self-generated sexually explicit images and/or videos?
b. self-generated sexual content?

AUSTRIA / AUTRICHE
11.a Sexual coercion by means of images is prosecuted under section 106b.
11.b Other content falls under dangerous threat (section 107).
BELGIUM / BELGIQUE
Ad a) L'article 433octies/2 réprime la « sextorsion ».
Ad b) Il vise tout contenu à caractère sexuel.
FINLAND / FINLANDE
(a) Sexual extortion is punishable as coercion into a sexual act; the penalties are the following:
Conduct | Penalty
Coercion | 1 to 6 years
(b) The same provisions apply to other content.
"""


def test_a_compilation_of_several_questions_gives_each_party_its_answers_to_each(tmp_path):
    """"… to Questions 10 and 11": every Party's answers under each question are its own; the sub-question number a
    Party repeats before its answer ("10.2 No.", « Question 10.2 : Non. ») is layout, an answer the compilation
    gives under a question whose text prints one sub-question is that sub-question's; "11.a <answer>", « Ad a) … »
    and "(a) …" answer the items one after the other."""
    path = tmp_path / "T-ES(2019)07_bil_Q10-11.txt"
    path.write_text(TWO_QUESTIONS, encoding="utf-8")
    replies = {r.meta.party: r for r in read_replies_from(path)}
    assert list(replies) == ["Austria", "Belgium", "Finland"]
    got = {party: [(a.question_ids, a.text.split("\n")[0]) for a in r.answers] for party, r in replies.items()}
    assert got["Austria"] == [(["10.2"], "No. Section 208d(6) exempts children aged 14 or over who consent."),
                              (["11.a"], "Sexual coercion by means of images is prosecuted under section 106b."),
                              (["11.b"], "Other content falls under dangerous threat (section 107).")]
    assert got["Belgium"] == [(["10.2"], "Non. L'article 417/45 du Code pénal exempte les mineurs de plus de 16 ans qui ont "
                                         "donné leur accord et qui conservent les images pour leur usage privé."),
                              (["11.a"], "L'article 433octies/2 réprime la « sextorsion »."),
                              (["11.b"], "Il vise tout contenu à caractère sexuel.")]
    assert [ids for ids, _ in got["Finland"]] == [["10.2"], ["11.a"], ["11.b"]]
    assert "Coercion | 1 to 6 years" in replies["Finland"].answers[1].text
    assert replies["Belgium"].meta.doc_id == "T-ES(2019)07_bil-BE" and replies["Belgium"].meta.language == "fr"


def test_an_answer_listing_its_own_points_keeps_them(tmp_path):
    """Letters inside an answer that do not follow the question's items in order stay the answer's text."""
    text = TWO_QUESTIONS.replace("FINLAND / FINLANDE\nNo, provided", "FINLAND / FINLANDE\nNo, provided").replace(
        "(a) Sexual extortion", "The law provides that: b) extortion").replace("(b) The same", "c) the same")
    path = tmp_path / "T-ES(2019)07_bil_Q10-11.txt"
    path.write_text(text, encoding="utf-8")
    finland = {r.meta.party: r for r in read_replies_from(path)}["Finland"]
    assert [a.question_ids for a in finland.answers] == [["10.2"], ["11"]]
    assert "c) the same provisions" in finland.answers[1].text.lower()


@pytest.mark.parametrize("name, parties", [("T-ES(2019)07_bil_Q10-11.pdf", 7)])
def test_the_held_out_pdf_compilation_of_two_questions_reads_as_written(name, parties):
    """Questions 10 and 11 (every fact invented) as a PDF: each Party's answers to both questions, the items of 11
    labelled four ways; « No reply received. » is what Monaco says to 11."""
    replies = read_replies_from(Path(__file__).parents[1] / "eval" / "replies" / name)
    assert len(replies) == parties
    for reply in replies:
        ids = [a.question_ids[0] for a in reply.answers]
        assert ids[0] == "10.2" and all(i.startswith("11") for i in ids[1:]), (reply.meta.party, ids)
    by_party = {r.meta.party: [a.question_ids for a in r.answers] for r in replies}
    assert by_party["Austria"] == by_party["Belgium"] == by_party["Finland"] == by_party["Switzerland"] == [
        ["10.2"], ["11.a"], ["11.b"]]
    assert not any(a.text.startswith(("10.2", "Question 10.2", "Answer to")) for r in replies for a in r.answers)


def test_the_held_out_word_compilation_of_question_9_reads_every_partys_answers():
    """Question 9 in Word (every fact invented): six Parties, two named with their form ("CORVALIA (REPUBLIC OF)"),
    tables « Question | Réponse », grouped items (« 9.4.a–c », "9.7 a)–c) –"), ranges ("9.1 to 9.3"), "9.8 – Yes.
    …:" as an answer, and who answered under a Party's name left out."""
    replies = read_replies_from(Path(__file__).parents[1] / "eval" / "replies" / "T-ES(2019)12_bil_Q9.docx")
    by_party = {r.meta.party: [a.question_ids for a in r.answers] for r in replies}
    assert sorted(by_party) == ["Belgium", "Corvalia", "Croatia", "Luxembourg", "Malta", "Montbrisse"]
    assert by_party["Corvalia"] == [["9.1", "9.2", "9.3"], ["9.4", "9.5", "9.6"], ["9.7", "9.8", "9.9"],
                                    ["9.10", "9.12"]]
    assert ["9.4"] in by_party["Belgium"] and ["9.7.a"] in by_party["Belgium"]
    assert len(by_party["Croatia"]) == len(by_party["Luxembourg"]) == 26  # a table row for every item
    malta = {a.question_ids[0]: a for r in replies if r.meta.party == "Malta" for a in r.answers}
    assert malta["9.8"].text.startswith("Yes. The Commissioner of Police") and malta["9.9"].text.startswith("Where")
    texts = [a.text for r in replies for a in r.answers]
    assert not any(t.startswith(("Reply submitted by", "Réponse du Gouvernement", "Réponse transmise")) for t in texts)
    assert not any("MONTBRISSE" in t or "CROATIA" in t for t in texts)


def test_the_held_out_pdf_compilation_in_tables_reads_every_partys_answers():
    """Question 6 as a PDF (every fact invented): three Parties answer in « Question | Réponse » tables whose cells
    wrap over many lines and break across pages (the header repeated), others in numbered paragraphs or one
    narrative; "ESTAVIA (REPUBLIC OF) / ESTAVIE (RÉPUBLIQUE D')" is Estavia; "Follow-up", « Suivi – … » and a
    "Follow-up" cell are the question's follow-up."""
    replies = read_replies_from(Path(__file__).parents[1] / "eval" / "replies" / "T-ES(2018)38_bil_Q6.pdf")
    by_party = {r.meta.party: [a.question_ids for a in r.answers] for r in replies}
    assert sorted(by_party) == ["Andorra", "Bulgaria", "Estavia", "France", "Georgia", "Hungary", "Ireland",
                                "Valmont"]
    assert by_party["Andorra"] == [["6.1.a"], ["6.1.b"], ["6.2"], ["6"]]  # « 6.2 a) et b) », « Suivi »
    for party in ("Bulgaria", "Estavia", "Ireland", "Valmont"):
        assert by_party[party] == [["6.1.a"], ["6.1.b"], ["6.2.a"], ["6.2.b"], ["6"]], party
    assert by_party["France"] == by_party["Georgia"] == [["6"]]
    follow_ups = [a for r in replies for a in r.answers if a.question_text.startswith("→")]
    assert len(follow_ups) == 5 and all("Question | R" not in a.text for r in replies for a in r.answers)


def test_a_compilation_of_three_questions_reads_parties_named_by_one_word_and_items_answered_together():
    """eval/replies/T-ES(2019)15_bil_Q14-16.pdf (held out): eight Parties under each of Questions 14, 15 and 16, two
    of them headed by one capitals word ("BELMONTE", "DUNMOOR") that no list knows, each heading coming back at an
    even pace; « a) et b) : », "(a) and (b):", « 16.1 et 16.2 : <answer> » and "15 a. <answer>" as labels."""
    from conftest import ROOT

    replies = {r.meta.party: r for r in read_replies_from(ROOT / "eval" / "replies" / "T-ES(2019)15_bil_Q14-16.pdf")}
    assert sorted(replies) == ["Aldoria", "Belmonte", "Carvassa", "Dunmoor", "Estravia", "Iceland", "Malta",
                               "Slovenia"]
    ids = {party: [a.question_ids for a in r.answers] for party, r in replies.items()}
    assert ids["Belmonte"][0] == ["14.a", "14.b"] and ["16.1", "16.2"] in ids["Belmonte"]
    assert ids["Iceland"][0] == ["14.a", "14.b"] and ids["Aldoria"][2:5] == [["15.a"], ["15.b"], ["15.c"]]
    assert ["16"] in ids["Carvassa"]  # "No reply received. / Pas de réponse reçue."
    assert not any(r.answers[0].text.startswith(("a) et b)", "(a) and (b)")) for r in replies.values())
    assert not any("DUNMOOR" in a.text or "BELMONTE" in a.text for r in replies.values() for a in r.answers)
