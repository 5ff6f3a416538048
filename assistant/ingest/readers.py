"""Turn a reply file into plain text lines, whatever its format, so one parser serves every format."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import ReadError
from .document import MAX_PARAGRAPHS, Document, clean_text, page_furniture, tab_row, too_many_paragraphs
from .pdf import read_pdf
from .text import read_text_file
from .word import read_docx
from .word97 import is_word97, read_doc
from .aligned import aligned_tables
from .markdown import markdown_lines
from .wrapping import unwrap_text

READERS: dict[str, Callable[[Path], Document]] = {
    ".txt": read_text_file, ".md": read_text_file, ".docx": read_docx, ".doc": read_doc, ".pdf": read_pdf,
}
SUFFIXES = tuple(READERS)
SAVE_AS = "save it as .docx (or PDF) and use that file"
WEB_PAGE = "web pages are not read; print it to PDF, or save its text as .txt, and use that file"
# documents a Party may send that are not read: a corpus file of one of these types is named, with what to do, among
# the files a build skips (rather than passed over in silence)
NOT_READ: dict[str, str] = {
    ".odt": f"OpenDocument text (.odt) is not read; {SAVE_AS}",
    ".rtf": f"Rich Text (.rtf) is not read; {SAVE_AS}",
    ".pages": "Pages documents are not read; export it as Word (.docx) or PDF and use that file",
    ".html": WEB_PAGE,
    ".htm": WEB_PAGE,
}
DOCUMENTS = SUFFIXES + tuple(NOT_READ)  # what a corpus folder's replies may be: read, or skipped with a remedy
MAX_BYTES = 20 * 1024 * 1024  # a reply file larger than this is refused, whether added or dropped in corpus/


def read_document(path: Path | str) -> Document:
    """Read any supported reply file; raises ReadError naming the file and the problem."""
    path = Path(path)
    if not path.exists():
        raise ReadError(path, "no such file; check the path")
    if not path.is_file():
        raise ReadError(path, "is not a file; give the path of a reply file")
    suffix = path.suffix.lower()
    if suffix in NOT_READ:
        raise ReadError(path, NOT_READ[suffix])
    if suffix not in READERS:
        raise ReadError(path, f"unsupported file type {suffix or '(none)'}; use one of {', '.join(sorted(READERS))}")
    size = path.stat().st_size
    if size == 0:
        raise ReadError(path, "is empty")
    if size > MAX_BYTES:
        raise ReadError(path, f"is {size / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB (split it, or remove "
                              f"embedded images)")
    if suffix == ".docx" and is_word97(path):
        suffix = ".doc"  # a Word 97–2003 file named .docx (or a password-protected .docx: read_doc says so)
    doc = READERS[suffix](path)
    doc.lines = [tab_row(clean_text(line)) for line in doc.lines]
    furniture = page_furniture(doc.lines, paged=doc.pages is not None)  # blanked, not removed: line numbers hold
    doc.lines = ["" if i in furniture else line for i, line in enumerate(doc.lines)]
    if suffix == ".md":
        doc.lines = markdown_lines(doc.lines)  # each block on one line, without its markup
    elif suffix == ".txt":
        doc.lines = aligned_tables(doc.lines)  # a table laid out with spaces: its rows as cells
        doc.lines = unwrap_text(doc.lines, furniture)  # a text saved with hard line breaks: its paragraphs joined
    if not any(line.strip() for line in doc.lines):
        raise ReadError(path, "has no text")
    paragraphs = sum(1 for line in doc.lines if line.strip())
    if paragraphs > MAX_PARAGRAPHS:
        raise too_many_paragraphs(path, f"{paragraphs:,}")
    return doc
