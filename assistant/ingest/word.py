"""Word (.docx) replies: paragraphs, numbered and bulleted lists, tables row by row, tracked insertions."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from ..errors import ReadError
from .document import CELLS, MAX_PARAGRAPHS, Document, sha256_of, too_many_paragraphs

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
# Text-bearing run children; w:ins runs are included, w:del runs only hold w:delText, and
# mc:Fallback repeats what mc:Choice already holds (text boxes), so it is skipped.
RUN_TEXT = etree.XPath(
    ".//w:r[not(ancestor::mc:Fallback)]/*[self::w:t or self::w:tab or self::w:br or self::w:cr"
    " or self::w:noBreakHyphen]",
    namespaces=NS,
)
# Bounds checked before python-docx builds the document tree (a few KB can unzip to gigabytes of XML)
MAX_UNZIPPED = 50 * 2**20  # bytes of all the package's parts together
MAX_RATIO = 100  # uncompressed / compressed, checked once the parts pass RATIO_FLOOR
RATIO_FLOOR = 10 * 2**20
MAX_NODES = 2_000_000  # XML elements in word/document.xml
MAIN_PART = "word/document.xml"


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


def _style_names(doc) -> tuple[dict[str, str], str]:
    """Paragraph style id -> name, and the default paragraph style's name: looked up once per document
    (python-docx searches every style for every paragraph, which made large documents crawl)."""
    names = {s.style_id: s.name or "" for s in doc.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
    default = doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    return names, (default.name or "") if default is not None else ""


def _is_list_item(p: etree._Element, styles: tuple[dict[str, str], str]) -> bool:
    """Numbered/bulleted paragraphs become "- " lines like the .txt corpus; headings never do."""
    style_id = p.find(f"{_q('pPr')}/{_q('pStyle')}")
    names, default = styles
    style = names.get(style_id.get(_q("val")), default) if style_id is not None else default
    if style.startswith(("Heading", "Title")):
        return False
    num_id = p.find(f"{_q('pPr')}/{_q('numPr')}/{_q('numId')}")
    if num_id is not None:
        return num_id.get(_q("val")) != "0"  # numId 0 means numbering switched off
    return style.startswith("List")


def _cell_text(tc: etree._Element) -> str:
    """A cell on one line: its paragraphs (and any nested table) joined by spaces."""
    parts = []
    for block in _blocks(tc):
        if block.tag == _q("tbl"):
            parts.append(" ".join(CELLS.join(_row_cells(tr)) for tr in block.findall(_q("tr"))))
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


P_TAG, T_TAG = _q("p"), _q("t")
# footnotes and endnotes: their text stands after the paragraph (or table) that calls them, as "[n] …", numbered in
# the order they are called (the call's own mark is dropped, as a PDF's raised note number is)
NOTE_PARTS = (("word/footnotes.xml", "footnote"), ("word/endnotes.xml", "endnote"))
NOTE_CALLS = etree.XPath(".//w:footnoteReference | .//w:endnoteReference", namespaces=NS)
NOT_NOTES = ("separator", "continuationSeparator", "continuationNotice")


def _notes(path: Path) -> dict[tuple[str, str], str]:
    """(kind, id) -> the note's text, for every footnote and endnote of the package (none when a part is unreadable:
    the reply's own text still reads)."""
    out: dict[tuple[str, str], str] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            for part, kind in NOTE_PARTS:
                if part not in names:
                    continue
                for note in etree.fromstring(package.read(part), parser=parser).findall(_q(kind)):
                    text = " ".join(" ".join(_run_text(p).split()) for p in note.iter(P_TAG)).strip()
                    if note.get(_q("type")) not in NOT_NOTES and text:
                        out[kind, note.get(_q("id"))] = text
    except (zipfile.BadZipFile, KeyError, etree.LxmlError):
        return {}
    return out


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{size / 2**10:.0f} KB"


def check_package(path: Path) -> None:
    """Refuse a .docx whose parts unzip too large or too far, or whose document.xml has too many elements,
    before anything builds its tree; the XML is counted with a streaming parser (no huge_tree)."""
    refuse = "is it a valid reply?"
    if not zipfile.is_zipfile(path):
        return  # python-docx names the problem (an old .doc, a protected file, not a package)
    with zipfile.ZipFile(path) as package:
        infos = package.infolist()
        unzipped = sum(i.file_size for i in infos)  # zipfile never inflates a part past its declared size
        packed = max(1, sum(i.compress_size for i in infos))
        if unzipped > MAX_UNZIPPED:
            raise ReadError(path, f"unzips to {_mb(unzipped)} of XML; the limit is {_mb(MAX_UNZIPPED)} — {refuse}")
        if unzipped > RATIO_FLOOR and unzipped / packed > MAX_RATIO:
            raise ReadError(path, f"unzips {unzipped / packed:.0f} times over ({_mb(packed)} to {_mb(unzipped)}); the "
                                  f"limit is {MAX_RATIO} times — {refuse}")
        if MAIN_PART not in package.namelist():
            return  # not a Word package: python-docx says so below
        nodes = paragraphs = 0
        has_text = False  # the paragraph being read holds text
        with package.open(MAIN_PART) as fh:
            for _, el in etree.iterparse(fh, events=("end",), huge_tree=False, resolve_entities=False,
                                         no_network=True):
                nodes += 1
                if nodes > MAX_NODES:
                    raise ReadError(path, f"has more than {MAX_NODES:,} XML elements in its text; the limit is "
                                          f"{MAX_NODES:,} — {refuse}")
                if el.tag == T_TAG:
                    has_text = has_text or bool(el.text and el.text.strip())
                elif el.tag == P_TAG:
                    paragraphs, has_text = paragraphs + has_text, False
                    if paragraphs > MAX_PARAGRAPHS:
                        raise too_many_paragraphs(path, f"more than {MAX_PARAGRAPHS:,}")
                el.clear(keep_tail=True)
                while el.getprevious() is not None:  # drop finished siblings too: memory stays flat
                    del el.getparent()[0]


def read_docx(path: Path) -> Document:
    """One line per paragraph with blank lines between, one " | " line per table row."""
    try:
        check_package(path)
        doc = docx.Document(str(path))
        body = doc.element.body
        styles = _style_names(doc)
        notes = _notes(path)
        called = 0  # notes placed so far
        blocks: list[list[str]] = []
        for el in _blocks(body):
            if len(blocks) > MAX_PARAGRAPHS:
                raise too_many_paragraphs(path, f"more than {MAX_PARAGRAPHS:,}")
            if el.tag == _q("tbl"):
                rows = [CELLS.join(cells) for tr in el.findall(_q("tr")) if (cells := _row_cells(tr))]
                blocks.extend([row] for row in rows)
            else:
                lines = [line.rstrip() for line in _run_text(el).split("\n")]
                lines = [line for line in lines if line.strip()]
                if lines:
                    if _is_list_item(el, styles):
                        lines[0] = "- " + lines[0].lstrip()
                    blocks.append(lines)
            for call in NOTE_CALLS(el):
                text = notes.get((etree.QName(call).localname[:-len("Reference")], call.get(_q("id"))))
                if text:
                    called += 1
                    blocks.append([f"[{called}] {text}"])
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        detail = "not a ZIP package" if isinstance(exc, PackageNotFoundError) else f"{type(exc).__name__}: {exc}"
        raise ReadError(path, f"is not a valid Word .docx file ({detail})") from exc
    out: list[str] = []
    for block in blocks:
        if out:
            out.append("")
        out.extend(block)
    return Document(path=path, lines=out, sha256=sha256_of(path))
