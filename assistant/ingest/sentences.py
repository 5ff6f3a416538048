"""Sentences as a reply wrote them: the units an extractive answer quotes.

Legal writing is full of full stops that end nothing ("Art. 176", "Arts. 171 and 172", "n.º 2", "para. 3",
"cf.", "e.g.", "i.e.", "no. 166/99"), of list markers that are not sentences ("1.", "- b.") and of titles in
quotation marks that hold a "!" or "?" ("Alerta Premika! Risco online detetado"): a split there would quote half a
sentence."""

from __future__ import annotations

import re

# words after which a full stop does not end a sentence (any case; French and Portuguese forms too)
ABBREVIATIONS = {
    "art", "arts", "n", "no", "nos", "nº", "n.º", "para", "paras", "par", "cf", "e.g", "i.e", "f.i", "vs", "dr", "st",
    "mr", "mrs", "ms", "prof", "lda", "ip", "al", "pp", "p", "ss", "seq", "approx", "incl", "ibid", "op", "cit",
    "m", "mme", "mlle", "sr", "sra", "dra", "cap", "ch", "sec", "fig", "vol", "ed", "eds", "jr", "inc", "ltd", "co",
}
# a sentence ends at . ! ? (and closing quotes) followed by space and an upper-case letter, a quote, a bullet or digit
RE_SENTENCE_END = re.compile(r"[.!?][\"”»)]?\s+(?=[A-ZÀ-ÖØ-Þ0-9\"“«(►•▶-])")
RE_LAST_WORD = re.compile(r"([\w.º°]+)[.!?][\"”»)]?\s*$")
# "1.", "- 4.", "- **a.", "b)", "(iii)": a list marker on its own is the start of the next sentence, not a sentence
RE_MARKER = re.compile(r"^(?:[-•►▶*]\s*)?(?:\*\*)?\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)](?:\*\*)?$")


# the first quotation mark after a candidate sentence end, before the next full stop: a closing one means the end
# falls inside a quotation ("Alerta Premika! Risco online detetado", « Mon image. Mon choix ») and is not an end
RE_NEXT_QUOTE = re.compile(r'[^.!?"“”«»]*?(?:(?P<open>[“«]|(?<!\S)")|(?P<close>[”»]|(?<=\S)"(?!\w)))')


def _inside_quotation(rest: str) -> bool:
    """Whether the text after a candidate end (`rest`) closes a quotation before it opens one or ends a sentence."""
    m = RE_NEXT_QUOTE.match(rest)
    return bool(m and m.group("close"))


def _translated_title(piece: str, rest: str) -> bool:
    """A title ending in "!" or "?" followed by its translation in brackets ("Ameaça nas redes sociais!" (Menace on
    social net)): one sentence goes on."""
    return piece.rstrip().rstrip("\"”»)").endswith(("!", "?")) and rest.startswith("(")


def _ends_sentence(piece: str) -> bool:
    """False when the full stop closing `piece` belongs to an abbreviation or a bare initial."""
    m = RE_LAST_WORD.search(piece)
    if not m:
        return True
    word = m.group(1).lower().rstrip(".")
    return word not in ABBREVIATIONS and not (len(word) == 1 and word.isalpha() and piece.rstrip()[-1] == ".")


# a paragraph a file's conversion broke off mid-sentence ("… in Childhood and youth (Preschool, 1st and" / "2nd
# cycles), Hospitals …"): it ends on a word or a comma, and what follows opens in lower case (not a list item or a
# link) or closes the bracket it left open
RE_ENDS_ON_A_WORD = re.compile(r"[\w,]$")
RE_GOES_ON = re.compile(r"^(?![a-z][.)]\s|https?:|www\.)[a-zà-öø-ÿ]")


def _broken_off(para: str, following: str) -> bool:
    if not RE_ENDS_ON_A_WORD.search(para) or len(para.split()) < 6:
        return False
    closes = para.count("(") > para.count(")") and ")" in " ".join(following.split()[:4])
    return bool(RE_GOES_ON.match(following)) or closes


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs (blank-line separated), a paragraph broken off mid-sentence joined to its rest."""
    out: list[str] = []
    for para in (p.strip() for p in re.split(r"\n\s*\n", text)):
        if not para:
            continue
        if out and _broken_off(out[-1], para):
            out[-1] = f"{out[-1]} {para}"
        else:
            out.append(para)
    return out


def split_sentences(text: str) -> list[str]:
    """Sentences as they stand, whitespace kept out; paragraphs never run together (unless broken mid-sentence)."""
    out: list[str] = []
    for para in paragraphs(text):
        pieces, start = [], 0
        for m in RE_SENTENCE_END.finditer(para):
            piece = para[start:m.end()]
            rest = para[m.end():]
            if _ends_sentence(piece) and not _inside_quotation(rest) and not _translated_title(piece, rest):
                pieces.append(piece.strip())
                start = m.end()
        if para[start:].strip():
            pieces.append(para[start:].strip())
        merged: list[str] = []
        for piece in pieces:
            if merged and RE_MARKER.match(merged[-1]):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        out.extend(merged)
    return [s for s in out if s]
