"""Fixture replies the tests build themselves: parts of Portugal's reply as .txt, .docx (plain, Word
auto-numbered, answers in a table) and .pdf, under any Party's name."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from fpdf import FPDF

from assistant.ingest.units import collapsed
from conftest import PORTUGAL

LINES = PORTUGAL.read_text(encoding="utf-8").splitlines()
HEAD = LINES[:22]  # title page: code, "Replies to the thematic questionnaire", PORTUGAL, round
LEGISLATION = LINES[430:640]  # "Legislation" … question 12 (no embedding needed to parse it)
MINI = LINES[430:496]  # "Legislation", question 8 and 9.1-9.3: a few seconds to embed
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian fonts-dejavu-core


def reply_lines(body: list[str], party: str = "PORTUGAL", code: str = "PT") -> list[str]:
    head = [ln.replace("PORTUGAL", party).replace("ICT-PT", f"ICT-{code}") for ln in HEAD]
    return head + body


def write_txt(path: Path, body: list[str] = MINI, party: str = "PORTUGAL", code: str = "PT") -> Path:
    path.write_text("\n".join(reply_lines(body, party, code)) + "\n", encoding="utf-8")
    return path


RE_QHEAD = re.compile(r"^Question (\d+)[.:] (.*)$")
RE_SUBLINE = re.compile(r"^(?:- )?(\d+\.\d+)\. (.*)$")
RE_ITEMLINE = re.compile(r"^(?:- )?([a-f])\. (.*)$")
PILLARS = {"Prevention", "Protection", "Legislation", "Prosecution"}


def write_docx(path: Path, body: list[str] = LEGISLATION, party: str = "PORTUGAL", code: str = "PT",
               autonumbered: bool = False) -> Path:
    """Headings for pillars and questions, list paragraphs for sub-questions and items; with `autonumbered`
    the numbers and letters are left to Word's numbering (python-docx then reads the bare text), and the
    question headings lose their "Question N." too."""
    d = docx.Document()
    for line in reply_lines(body, party, code):
        text = line.strip()
        if not text:
            continue
        if text in PILLARS:
            d.add_heading(text, level=1)
        elif m := RE_QHEAD.match(text):
            d.add_heading(m.group(2) if autonumbered else text, level=2)
        elif autonumbered and (m := RE_SUBLINE.match(text)):
            d.add_paragraph(m.group(2), style="List Number")
        elif autonumbered and (m := RE_ITEMLINE.match(text)) and text.rstrip().endswith(("?", ":", ";")):
            d.add_paragraph(m.group(2), style="List Number 2")
        elif text.startswith("- "):
            d.add_paragraph(text[2:], style="List Bullet")
        else:
            d.add_paragraph(text)
    d.save(str(path))
    return path


def write_table_docx(path: Path, reply, party: str = "PORTUGAL", code: str = "PT",
                     header: tuple[str, str] = ("Question", "Answer"), pillar: str = "Legislation") -> Path:
    """One table per question under a `header` row: rows "9.3 | answer", or "question text | answer" for every other
    sub-question."""
    d = docx.Document()
    for line in reply_lines([], party, code):
        if line.strip():
            d.add_paragraph(line.strip())
    d.add_heading(pillar, level=1)
    current, table, n = None, None, 0
    for a in reply.answers:
        if a.question_number != current:
            current = a.question_number
            d.add_heading(f"Question {a.question_number}. {a.question_title}", level=2)
            table = d.add_table(rows=0, cols=2)
            cells = table.add_row().cells
            cells[0].text, cells[1].text = header
        n += 1
        qid = collapsed(a.question_ids)[0]  # the question the row answers: "8.2" for its items answered together
        lone_sub = qid.count(".") == 1 and qid.split(".")[1].isdigit()
        cells = table.add_row().cells
        sub_line = next((ln for ln in a.question_text.splitlines() if ln.startswith(f"{qid}. ")), "")
        cells[0].text = sub_line[len(qid) + 2:] if lone_sub and sub_line and n % 2 else qid
        cells[1].text = a.text.split("\n\n")[0]
        for para in a.text.split("\n\n")[1:]:
            cells[1].add_paragraph(para)
    d.save(str(path))
    return path


def pdf_text(text: str) -> str:
    """What the PDF can hold: everything with DejaVu, Latin-1 with the core Helvetica font."""
    return text if DEJAVU.is_file() else text.replace("–", "-").encode("latin-1", "replace").decode("latin-1")


def write_pdf(path: Path, body: list[str] = LEGISLATION, party: str = "PORTUGAL", code: str = "PT",
              per_page: int = 25) -> Path:
    """Paragraphs wrapped at the page width, as a word processor would print them, a new page every per_page lines."""
    pdf = FPDF()
    if DEJAVU.is_file():
        pdf.add_font("DejaVu", fname=str(DEJAVU))
        pdf.set_font("DejaVu", size=10)
    else:
        pdf.set_font("Helvetica", size=10)
    lines = [ln for ln in reply_lines(body, party, code) if ln.strip()]
    for n, line in enumerate(lines):
        if n % per_page == 0:
            pdf.add_page()
        pdf.multi_cell(0, 5, pdf_text(line.strip()), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.output(str(path))
    return path
