"""Bounded work for any input: a .docx that unzips to far more than it weighs, or holds absurdly many XML
elements or paragraphs, is refused in one line before anything builds its tree (also in the page's preview,
which reads through the same reader); parsing time grows linearly with the reply."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import docx
import pytest

from assistant.errors import ReadError
from assistant.ingest import word
from assistant.ingest.document import Document
from assistant.ingest.parser import parse_file, parse_reply
from assistant.ingest.preview import check_reply
from assistant.ingest.readers import read_document

from conftest import PORTUGAL


def docx_with_body(path: Path, body: bytes) -> Path:
    """A real Word package whose document.xml gets `body` spliced into <w:body>, compressed as Word does."""
    d = docx.Document()
    d.add_paragraph("Replies to the thematic questionnaire")
    d.save(str(path))
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["word/document.xml"]
    at = xml.index(b"<w:body>") + len(b"<w:body>")
    parts["word/document.xml"] = xml[:at] + body + xml[at:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def refused(path: Path, reader=read_document) -> tuple[str, float]:
    start = time.perf_counter()
    with pytest.raises(ReadError) as err:
        reader(path)
    return str(err.value), time.perf_counter() - start


def test_a_docx_bomb_is_refused_at_once_in_one_line(tmp_path):
    """A few dozen KB that unzip to 61 MB of XML (the issue's 148 KB file took 87 s and 3 GB)."""
    path = docx_with_body(tmp_path / "bomb.docx", b"<w:p><w:r><w:t>" + b"a" * (60 * 2**20) + b"</w:t></w:r></w:p>")
    assert path.stat().st_size < 200_000
    message, seconds = refused(path)
    assert message == "bomb.docx: unzips to 61 MB of XML; the limit is 50 MB — is it a valid reply?"
    assert seconds < 2
    assert refused(path, check_reply)[0] == message  # the page's preview and `add` read through the same check


def test_a_docx_that_unzips_a_hundred_times_over_is_refused(tmp_path):
    path = docx_with_body(tmp_path / "dense.docx", b"<w:p/>" * 2_000_000)  # 12 MB of empty paragraphs
    message, seconds = refused(path)
    assert message.startswith("dense.docx: unzips ") and "times over" in message and "the limit is 100 times" in message
    assert "\n" not in message and seconds < 2


def test_xml_elements_are_counted_before_the_tree_is_built(tmp_path, monkeypatch):
    monkeypatch.setattr(word, "MAX_NODES", 5_000)
    path = docx_with_body(tmp_path / "nodes.docx", b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 2_000)
    monkeypatch.setattr(word.docx, "Document", lambda *a: pytest.fail("the tree was built"))
    message, _ = refused(path)
    assert message == ("nodes.docx: has more than 5,000 XML elements in its text; the limit is 5,000 — is it a valid "
                       "reply?")


def test_two_hundred_thousand_paragraphs_are_refused_in_seconds(tmp_path):
    """The issue's 118 KB .docx with 200,000 paragraphs spent 196 s parsing (and would embed them all)."""
    path = docx_with_body(tmp_path / "many.docx", b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 200_000)
    assert path.stat().st_size < 200_000
    message, seconds = refused(path)
    assert message == ("many.docx: has more than 20,000 paragraphs; the limit is 20,000 for one reply — is it a valid "
                       "reply?")
    assert seconds < 10


def test_a_text_reply_with_too_many_paragraphs_is_refused(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("Replies to the thematic questionnaire\n" + "Yes.\n" * 25_000, encoding="utf-8")
    message, _ = refused(path)
    assert message == "long.txt: has 25,001 paragraphs; the limit is 20,000 for one reply — is it a valid reply?"


def test_a_long_docx_is_read_quickly(tmp_path):
    """Paragraph styles are looked up once per document, not once per paragraph (that cost 0.75 ms each)."""
    bullet = '<w:p><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr><w:r><w:t>Point {}.</w:t></w:r></w:p>'
    plain = "<w:p><w:r><w:t>Paragraph {}.</w:t></w:r></w:p>"
    body = "".join((bullet if n % 3 else plain).format(n) for n in range(10_000))
    path = docx_with_body(tmp_path / "long.docx", body.encode())
    start = time.perf_counter()
    lines = [ln for ln in read_document(path).lines if ln]
    assert time.perf_counter() - start < 4
    assert lines[:4] == ["Paragraph 0.", "- Point 1.", "- Point 2.", "Paragraph 3."]


# --------------------------------------------------------------------------- parsing time grows linearly

def best_time(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def size(doc: Document) -> int:
    return sum(len(line) + 1 for line in doc.lines)


def test_parsing_a_2_mb_reply_costs_per_byte_what_the_seed_costs():
    """Portugal's reply with every answer paragraph said 36 times over (the questionnaire structure kept)."""
    seed = Document(PORTUGAL, PORTUGAL.read_text(encoding="utf-8").splitlines(), "0" * 64)
    reply = parse_file(PORTUGAL)
    answer_lines = {n for a in reply.answers for n in range(a.line_start, a.line_end + 1)}
    big_lines: list[str] = []
    for n, line in enumerate(seed.lines, start=1):
        big_lines.extend([line, ""] * 36 if n in answer_lines and line.strip() else [line])
    big = Document(PORTUGAL, big_lines, "0" * 64)
    assert 1.8e6 < size(big) < 2.4e6
    start = time.perf_counter()
    parsed = parse_reply(big)
    t_big = time.perf_counter() - start
    assert [a.question_ids for a in parsed.answers] == [a.question_ids for a in reply.answers]
    t_seed, t_big = best_time(lambda: parse_reply(seed)), min(t_big, best_time(lambda: parse_reply(big), repeat=1))
    ratio = (t_big / size(big)) / (t_seed / size(seed))
    assert ratio < 3, f"{t_seed:.3f}s for {size(seed)} bytes, {t_big:.3f}s for {size(big)} bytes: {ratio:.1f}x per byte"


def test_many_prompts_in_one_unit_cost_linear_time():
    """Thousands of follow-up prompts and items before one answer (node comparisons were quadratic)."""
    lines = PORTUGAL.read_text(encoding="utf-8").splitlines()

    def doc(n: int) -> Document:
        prompts = [x for i in range(n) for x in (f"→ Please describe case {i}", f"a. what happened in case {i}?")]
        return Document(PORTUGAL, lines[:470] + prompts + ["The answer."] + lines[470:], "0" * 64)

    small, large = doc(1_000), doc(8_000)
    t_small, t_large = best_time(lambda: parse_reply(small)), best_time(lambda: parse_reply(large), repeat=2)
    assert (t_large / size(large)) / (t_small / size(small)) < 3, (t_small, t_large)
