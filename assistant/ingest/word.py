"""Word (.docx) replies: paragraphs, numbered and bulleted lists, tables row by row, tracked insertions."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.text.paragraph import Paragraph
from lxml import etree

from ..errors import ReadError
from .document import Document, sha256_of

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
# Text-bearing run children; w:ins runs are included, w:del runs only hold w:delText, and
# mc:Fallback repeats what mc:Choice already holds (text boxes), so it is skipped.
RUN_TEXT = etree.XPath(
    ".//w:r[not(ancestor::mc:Fallback)]/*[self::w:t or self::w:tab or self::w:br or self::w:cr"
    " or self::w:noBreakHyphen]",
    namespaces=NS,
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, or a password-protected .docx


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _run_text(p: etree._Element) -> str:
    """Paragraph text including tracked insertions, which python-docx's Paragraph.text drops."""
    out = []
    for el in RUN_TEXT(p):
        tag = etree.QName(el).localname
        out.append(el.text or "" if tag == "t" else "\t" if tag == "tab" else "-" if tag == "noBreakHyphen" else "\n")
    return "".join(out)


def _blocks(container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables in document order, looking through content controls (w:sdt)."""
    for child in container:
        if child.tag in (_q("p"), _q("tbl")):
            yield child
        elif child.tag == _q("sdt"):
            content = child.find(_q("sdtContent"))
            if content is not None:
                yield from _blocks(content)


def _is_list_item(para: Paragraph) -> bool:
    """Numbered/bulleted paragraphs become "- " lines like the .txt corpus; headings never do."""
    style = para.style.name if para.style is not None else ""
    if style.startswith(("Heading", "Title")):
        return False
    num_id = para._p.find(f"{_q('pPr')}/{_q('numPr')}/{_q('numId')}")
    if num_id is not None:
        return num_id.get(_q("val")) != "0"  # numId 0 means numbering switched off
    return style.startswith("List")


def _cell_text(tc: etree._Element) -> str:
    """A cell on one line: its paragraphs (and any nested table) joined by spaces."""
    parts = []
    for block in _blocks(tc):
        if block.tag == _q("tbl"):
            parts.append(" ".join(" | ".join(_row_cells(tr)) for tr in block.findall(_q("tr"))))
        else:
            parts.append(" ".join(_run_text(block).split()))
    return " ".join(part for part in parts if part)


def _row_cells(tr: etree._Element) -> list[str]:
    """Non-empty cell texts; a vertically merged cell's text appears only in its first row."""
    cells = []
    for tc in tr.findall(_q("tc")):
        v_merge = tc.find(f"{_q('tcPr')}/{_q('vMerge')}")
        if v_merge is not None and v_merge.get(_q("val"), "continue") == "continue":
            continue
        text = _cell_text(tc)
        if text:
            cells.append(text)
    return cells


def read_docx(path: Path) -> Document:
    """One line per paragraph with blank lines between, one " | " line per table row."""
    try:
        doc = docx.Document(str(path))
        body = doc.element.body
        blocks: list[list[str]] = []
        for el in _blocks(body):
            if el.tag == _q("tbl"):
                rows = [" | ".join(cells) for tr in el.findall(_q("tr")) if (cells := _row_cells(tr))]
                blocks.extend([row] for row in rows)
                continue
            para = Paragraph(el, doc)
            lines = [line.rstrip() for line in _run_text(el).split("\n")]
            lines = [line for line in lines if line.strip()]
            if lines:
                if _is_list_item(para):
                    lines[0] = "- " + lines[0].lstrip()
                blocks.append(lines)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        with open(path, "rb") as fh:
            if fh.read(8) == OLE_MAGIC:
                raise ReadError(path, "is an old .doc or password-protected Word file; save it as an unprotected .docx") from exc
        detail = "not a ZIP package" if isinstance(exc, PackageNotFoundError) else f"{type(exc).__name__}: {exc}"
        raise ReadError(path, f"is not a valid Word .docx file ({detail})") from exc
    out: list[str] = []
    for block in blocks:
        if out:
            out.append("")
        out.extend(block)
    return Document(path=path, lines=out, sha256=sha256_of(path))
