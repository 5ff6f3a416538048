"""Word (.docx) and PDF readers, kept apart so readers.py works without python-docx/pypdf installed."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import pypdf
from docx.opc.exceptions import PackageNotFoundError
from docx.text.paragraph import Paragraph
from lxml import etree

from .readers import Document, ReadError, sha256_of

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


def read_pdf(path: Path) -> Document:
    """Text page by page; `pages` keeps each line's page so answers can cite it."""
    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
            raise ReadError(path, "is password-protected; remove the password and try again")
        texts = [page.extract_text() or "" for page in reader.pages]
    except ReadError:
        raise
    except pypdf.errors.DependencyError as exc:  # e.g. AES encryption without `cryptography`
        raise ReadError(path, f"is encrypted and cannot be opened ({exc})") from exc
    except Exception as exc:  # pypdf raises many error types on malformed files
        raise ReadError(path, f"is not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if not any(text.strip() for text in texts):
        raise ReadError(path, "has no text layer (scanned?); run OCR first")
    lines: list[str] = []
    pages: list[int] = []
    for number, text in enumerate(texts, start=1):
        for line in unwrap(text.splitlines()):
            lines.append(line)
            pages.append(number)
    return Document(path=path, lines=lines, sha256=sha256_of(path), pages=pages)


# a line that starts something: a question, a number or letter label, an arrow, a bullet
RE_STARTS = re.compile(r"^\s*(?:Question\b|Q\d|\(?\d{1,2}[.)]|\(?[a-fA-F][.)]\s|[-•►→▪*])")


def unwrap(lines: list[str]) -> list[str]:
    """Join the lines a PDF wrapped back into paragraphs, so a question or a sentence stays one line.

    A line continues the previous one when it starts in lower case, or when the previous one ran to (nearly)
    the full width and did not close a sentence before a capital; never after "?", ":", ";" (a question), nor
    when the line opens a question, a label or a bullet."""
    width = max((len(ln.strip()) for ln in lines), default=0)
    out: list[str] = []
    wrapped = False  # the last line kept reached the full width
    for raw in lines:
        line = " ".join(raw.split())  # justified text comes out with runs of spaces
        prev = out[-1] if out else ""
        if prev and line and not prev.endswith(("!", "?", ":", ";")) and not RE_STARTS.match(line) and (
                line[0].islower() or wrapped and not (prev.endswith(".") and line[0].isupper())):
            out[-1] = f"{prev} {line}"
        else:
            out.append(line)
        wrapped = len(line) >= max(0.8 * width, 50)
    return out


READERS: dict[str, Callable[[Path], Document]] = {".docx": read_docx, ".pdf": read_pdf}
