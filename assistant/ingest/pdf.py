"""PDF replies with a text layer: text page by page, lines the page wrapped joined again, pages kept for citations."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf

from ..errors import ReadError
from .document import Document, sha256_of


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
