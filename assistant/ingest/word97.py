"""Word 97–2003 (.doc) replies: converted to a temporary .docx by `msdoc2docx`, then read as any .docx is (word.py:
paragraphs, lists, tables row by row, tracked changes accepted).  A file that converter rejects is read from its
text by `legacy-doc`, Word's own cell and row marks kept, so a table still reads row by row."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from ..errors import ReadError
from .document import CELLS, Document, sha256_of
from .word import read_docx

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how a Word 97–2003 file (or a locked .docx) starts
LOCKED = "is password-protected; save it without a password as .docx"
OBJECT_MARK = "\ufffc"  # what the converter leaves where a drawing or an embedded object stood


def is_word97(path: Path) -> bool:
    """The file is a Word 97–2003 document (an OLE compound file), whatever its name says."""
    with open(path, "rb") as fh:
        return fh.read(8) == OLE_MAGIC


def read_doc(path: Path) -> Document:
    """One line per paragraph with blank lines between, one " | " line per table row, as read_docx gives them."""
    if not is_word97(path):
        raise ReadError(path, "is not a Word 97–2003 document (a .doc file starts otherwise); check the file, or "
                              "give it the extension its format has")
    from doc2docx import convert  # the msdoc2docx distribution
    from doc2docx.errors import Doc2DocxError, EncryptedDocumentError

    try:
        with tempfile.TemporaryDirectory(prefix="assistant-doc-") as scratch:
            converted = Path(scratch) / "reply.docx"
            convert(path, converted)
            lines = read_docx(converted).lines
    except EncryptedDocumentError as exc:
        raise ReadError(path, LOCKED) from exc
    except (Doc2DocxError, ReadError, ValueError, IndexError, KeyError, OverflowError) as exc:
        if _is_locked_package(path):
            raise ReadError(path, LOCKED) from exc
        lines = _plain_paragraphs(path)
    return Document(path=path, lines=[line.replace(OBJECT_MARK, "") for line in lines], sha256=sha256_of(path))


def _is_locked_package(path: Path) -> bool:
    """A password-protected .docx: the same kind of file as a .doc, holding an encrypted package, not a document."""
    from doc2docx.cfb.container import CompoundFile
    from doc2docx.errors import Doc2DocxError

    try:
        CompoundFile.from_path(path).get_entry("EncryptedPackage")
    except (Doc2DocxError, ValueError, IndexError):
        return False
    return True


def _plain_paragraphs(path: Path) -> list[str]:
    """The document's paragraphs, one per line with blank lines between, and its table rows as " | " lines."""
    try:
        from legacy_doc import extract_text
        from legacy_doc.exceptions import LegacyDocError
    except ImportError as exc:  # pragma: no cover - legacy-doc needs Python 3.11
        raise ReadError(path, "could not be converted; open it in Word or LibreOffice and save it as .docx") from exc
    data = path.read_bytes()
    try:
        text = _marked_text(data)
        paragraphs = _paragraphs(text) if text else extract_text(data).text.split("\n")
    except (LegacyDocError, ValueError, IndexError, KeyError) as exc:
        raise ReadError(path, f"is not a readable Word 97–2003 document ({exc}); open it in Word or LibreOffice and "
                              f"save it as .docx") from exc
    out: list[str] = []
    for line in paragraphs:
        if line.strip():
            out.extend(["", line.rstrip()] if out else [line.rstrip()])
    return out


def _marked_text(data: bytes) -> str | None:
    """The document's text with Word's own marks (\\r ends a paragraph, \\x07 a table cell, \\x07\\x07 a row), which
    legacy-doc's public text flattens; None when its internals are not the ones this was written against."""
    try:
        from legacy_doc import word
        from legacy_doc.ole import OleReader
        from legacy_doc.types import ExtractionOptions

        ole = OleReader(data, options=ExtractionOptions())
        main = ole.read_stream("WordDocument")
        table = ole.read_stream("1Table" if word._u16(main, 0x0A) & 0x0200 else "0Table")
        return word._extract_text_from_piece_table(main, word._find_clx(table), word._u32(main, 0x18),
                                                   word._u32(main, 0x1C))
    except (ImportError, AttributeError, TypeError):
        return None


RE_FIELD_CODE = re.compile(r"\x13[^\x13\x14\x15]*\x14|\x13[^\x13\x14\x15]*\x15")  # { HYPERLINK "…" } before its text
RE_ROW = re.compile(r"[^\r\x07]*\x07(?:[^\x07]*?\x07)*?\x07")  # cells up to the row's end mark


def _paragraphs(text: str) -> list[str]:
    """Paragraphs and table rows (cells joined by CELLS, a cell's own paragraphs by spaces) from marked text."""
    text = RE_FIELD_CODE.sub("", text)
    text = text.translate({0x15: None, 0x01: None, 0x08: None, 0x1F: None, 0x1E: "-", 0x0B: " ", 0x0C: "\r"})

    def row(match: re.Match) -> str:
        cells = [" ".join(cell.split()) for cell in match.group().split("\x07")]
        return "\r" + CELLS.join(cell for cell in cells if cell) + "\r"

    return [re.sub(r" +", " ", line).strip(" ") for line in RE_ROW.sub(row, text).split("\r")]  # tabs kept
