"""Who sent a reply and which document it is, read from its title page; the file name and the user may correct it."""

from __future__ import annotations

import re

from ..model import ReplyMeta
from ..parties import canonical_party
from .document import Document
from .language import guess_language
from .questionnaire import pillar_named

RE_DOC_ID = re.compile(r"\bT-ES\(\d{4}\)[A-Z0-9][A-Z0-9-]*")
RE_ROUND = re.compile(r"\b(\d+)(?:(?:st|nd|rd|th)\s+(?:thematic\s+)?monitoring\s+round"
                      r"|(?:e|er|ème|eme)\s+cycle\s+de\s+suivi)", re.I)
# "Replies to the thematic questionnaire" or « Réponses au questionnaire thématique » (a PDF may run it on from the
# line above), then the Party's name
RE_REPLIES = re.compile(r"^repl(?:y|ies) (?:to|of|from)\b|\brepl(?:y|ies) to the (?:\w+ )?questionnaire\W*$"
                        r"|^réponses? (?:au|à|aux)\b|\bréponses? au questionnaire(?: thématique)?\W*$", re.I)
# the forms of a State, in English and French: "Republic (of)", « Principauté (de) »
FORMS_EN = r"(?:republic|kingdom|principality|grand duchy)"
FORMS_FR = r"(?:république|royaume|principauté|grand-duché)"
# a State named by its form alone, as a reply speaks of itself: « Réponse de la Principauté : », "the Government"
RE_STATE_ALONE = re.compile(rf"^(?:the\s+|la\s+|le\s+|l['’]\s*)?(?:{FORMS_EN}|{FORMS_FR}|government|gouvernement|"
                            r"state|état)$", re.I)
# what may stand before a Party's name on its line: "Replies of", « Réponses de la », "Country:", « État partie : »,
# and an official form ("Republic of", « République de »)
RE_PARTY_PREFIX = re.compile(
    r"^(?:(?:repl(?:y|ies) (?:of|from)(?: the)?|réponses? (?:de la|de l['’]|du|des|de|d['’]))\s*"
    r"|(?:country|party|state party|pays|état partie|partie)\s*:\s*)?"
    rf"(?:(?:the )?(?:government of the |government of )?{FORMS_EN} of(?: the)?\s+"
    r"|(?:the )?government of(?: the)?\s+"
    rf"|(?:la |le )?{FORMS_FR} (?:de la |de l['’]|du |des |de |d['’]))?", re.I)
# a Party's name with its form after it, as lists of States print them: "CORVALIA (REPUBLIC OF)", « MONTBRISSE
# (PRINCIPAUTÉ DE) »
RE_FORM_AFTER = re.compile(rf"^(?P<name>[^()]{{2,50}}?)\s*\((?:the\s+)?(?:{FORMS_EN}(?:\s+of)?|{FORMS_FR}"
                           r"(?:\s+(?:de|du|d['’]|des))?)\)$", re.I)
# a Party's official form on a title page's line of its own: "REPUBLIC OF THESSIA", « GRAND-DUCHÉ D'AUBRAC »
RE_OFFICIAL_FORM = re.compile(rf"^(?:the )?{FORMS_EN} of\s+\S|^(?:la |le )?{FORMS_FR} (?:de|du|d['’])", re.I)
# the Party within the line: "Replies (submitted by) Freedonia to the thematic questionnaire", « Réponse du Valdorre au
# questionnaire thématique », « Réponses de la Belgique au questionnaire »
RE_REPLIES_OF = re.compile(r"^(?:(?:repl(?:y|ies)|answers?|responses?) (?:(?:submitted|provided|sent|given) )?"
                           r"(?:of|from|by)(?: the)?|réponses? (?:de la|de l['’]|du|des|de|d['’]))\s*"
                           r"(?P<party>[^:;,.]{2,50}?)\s+(?:to|au|à|aux)\b.*questionnaire", re.I)
# or a line that ends with the Party: "Replies submitted by the Republic of Ostmark", "Answers of Freedonia",
# « Réponses transmises par la Principauté de Lumbria »
RE_REPLIES_BY = re.compile(
    r"^(?!.*questionnaire)(?:(?:repl(?:y|ies)|answers?|responses?)\s+(?:(?:submitted|provided|sent|given)\s+)?"
    r"(?:of|from|by)(?:\s+the)?"
    r"|réponses?\s+(?:soumises?|transmises?|fournies?|apportées?)\s+par(?:\s+(?:la|le|les))?)\s+"
    r"(?P<party>[^:;,.()]{2,50}?)(?:,?\s+(?:le|on|du|dated)?\s*\d{1,2}(?:er|st|nd|rd|th)?\s+\w+\s+\d{4})?\W*$", re.I)

# the Committee's compilation of many Parties' answers to one question (ingest/compilation.py reads it)
RE_COMPILATION = re.compile(
    r"\bcompilation\s+(?:of\s+(?:the\s+)?repl(?:y|ies)\s+to|des\s+r[ée]ponses\s+(?:[àa]|aux))\s+(?:la\s+)?questions?\s+"
    r"(?P<ids>\d{1,2}(?:\.\d{1,2})?(?:\s*(?:,|and|et|&)\s*\d{1,2}(?:\.\d{1,2})?)*)\b"
    r"(?:\.?\s*\((?P<title>[^)]{1,120})\))?", re.I)

META_FIELDS = ("party", "doc_id", "round", "language")
TITLE_LINES = 60  # the title page: where Party, code and round are looked for


def ordinal(number: str) -> str:
    """'2' -> '2nd'."""
    return {"1": "1st", "2": "2nd", "3": "3rd"}.get(number, f"{number}th" if number else "")


def compilation_question(doc: Document) -> tuple[tuple[str, ...], str] | None:
    """(the question ids, the title as the title gives it) when the document is a compilation ("… to Question 6
    (Assistance to victims)", "… to Questions 10 and 11"), else None."""
    head = " ".join(" ".join(line.split()) for line in doc.lines[:TITLE_LINES] if line.strip())
    m = RE_COMPILATION.search(head)
    return (tuple(re.findall(r"\d{1,2}(?:\.\d{1,2})?", m["ids"])), (m["title"] or "").strip()) if m else None


def party_name(line: str) -> str:
    """A Party's name as a title page prints it -> as citations show it: the Convention's English name for a Party
    the package knows ("REPUBLIC OF MOLDOVA", « Pays : Portugal »), else the name itself ("VALDORRE" -> "Valdorre")."""
    line = line.strip("*# ")
    if re.fullmatch(r"(?:\w )+\w", line):  # a name set in spaced letters, "R O D A N I A"
        line = line.replace(" ", "")
    name = RE_PARTY_PREFIX.sub("", line).strip()
    return canonical_party(line) or canonical_party(name) or (name.title() if name.isupper() else name)


def read_meta(doc: Document, overrides: dict | None = None) -> ReplyMeta:
    """Party, document code, round and language from the header; the file name and the user may override."""
    head = [ln.strip() for ln in doc.lines[:TITLE_LINES] if ln.strip()]
    # a running header ("T-ES(2017)ICT-EL - Replies to the thematic questionnaire") gives the code only when the
    # title page itself does not
    codes = [(bool(RE_REPLIES.search(ln)), m.group(0)) for ln in head if (m := RE_DOC_ID.search(ln))]
    doc_id = min(codes, key=lambda c: c[0])[1] if codes else ""
    party = next((party_name(m["party"]) for ln in head
                  if (m := RE_REPLIES_OF.search(ln.strip("*# ")) or RE_REPLIES_BY.match(ln.strip("*# ")))), "")
    for i, ln in enumerate(head if not party else []):
        # a running header ("T-ES(2017)ICT-EL - Replies to the thematic questionnaire") names no Party after it
        if RE_REPLIES.search(ln) and not RE_DOC_ID.search(ln) and i + 1 < len(head):
            cand = RE_PARTY_PREFIX.sub("", head[i + 1].strip("*# ")).strip()
            if (cand and len(cand) < 60 and not pillar_named(cand.split(' ')[0]) and not RE_ROUND.search(cand)
                    and not RE_DOC_ID.search(cand) and not re.search(r"\d", cand)):  # "Meridia, 14 February 2020"
                party = party_name(cand)
            break
    if not party:  # a title page laid out otherwise: a line that is a Party's name
        party = next((name for ln in head if (name := canonical_party(ln.strip("*# ")))), "")
    if not party:  # or its official form in capitals ("REPUBLIC OF THESSIA")
        party = next((party_name(ln) for ln in (h.strip("*# ") for h in head)
                      if ln.isupper() and RE_OFFICIAL_FORM.match(ln) and len(ln) < 60), "")
    stem = doc.path.stem
    if not party and "_" in stem:
        party = stem.rsplit("_", 1)[1].replace("-", " ").strip()
    if not doc_id:
        doc_id = stem.split("_")[0] if "_" in stem else stem
    rnd = next((m.group(1) for ln in head if (m := RE_ROUND.search(ln))), "")
    meta = ReplyMeta(party=party or stem, doc_id=doc_id, round=ordinal(rnd), language=guess_language(doc.lines),
                     source=doc.path.name, sha256=doc.sha256)
    for key, value in (overrides or {}).items():
        if value and key in META_FIELDS:
            setattr(meta, key, str(value).strip())
    return meta
