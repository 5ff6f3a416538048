"""The words replies put around their questions and answers, which are layout, not what the Party said: answer
labels, follow-up labels and arrows, a joint heading's tail, the heading of footnotes, a title's number, items numbered
in Roman numerals, a table's header words and cells that hold a question and its first item."""

from __future__ import annotations

import re

# a follow-up prompt: "→ Please specify…", "-> …", "►► …"
RE_ARROW = re.compile(r"^(?:-\s*)?(?:→|->|►►)\s*(.*)$")
# ... or under a label instead of an arrow: "Follow-up: Please specify…", « Complément demandé : … », or the label
# alone on its line ("Follow-up questions", « Questions de suivi »)
RE_FOLLOWUP_LABEL = re.compile(
    r"^(?:-\s*)?(?:\*\*)?(?:follow[- ]?ups?(?:\s+(?:questions?|requests?))?|supplementary\s+questions?|additional\s+"
    r"(?:questions?|information\s+requested)|compl[ée]ment(?:\s+d['’]information)?\s+demand[ée]|questions?\s+"
    r"compl[ée]mentaires?|questions?\s+de\s+suivi|suivi|demandes?\s+compl[ée]mentaires?)(?:\*\*)?"
    r"(?:\s*[:：]\s*(?:\*\*)?\s*(\S.*)|\s*[:：]?)$", re.I)
# the label some replies put before an answer ("Answer:", "Réponse :", "Reply of Freedonia:", "Freedonia's answer:",
# "**Antwort:**", "Answer – Yes.")
RE_ANSWER_LABEL = re.compile(
    r"^(?:\*\*)?(?:(?P<owner>[^\W\d_][^:：*\n]{0,38}?)['’]s\s+)?"
    r"(?:answer|reply|response|réponse|reponse|respuesta|resposta|antwort|risposta)"
    r"(?:\s+(?:of|from|by|de|du|des|d['’])\s*(?P<who>[^:：*]{1,40}?))?\s*(?:\*\*)?\s*(?:[:：]|[–—-](?=\s))\s*"
    r"(?:\*\*)?\s*", re.I)
# "Answer to 13.2", "Reply to question 9.3:", « Réponse à la question 13.2 » alone on a line: that sub-question's
# heading ("Reply to question 9.2 applies." is answer text)
RE_ANSWER_TO = re.compile(r"^(?:\*\*)?(?:answer|reply|response|r[ée]ponse)s?\s+(?:to|à)\s+(?:(?:the|la)\s+)?"
                          r"(?:questions?\s*|q\s*)?(?P<id>\d{1,2}\.\d{1,2}(?:\.?[a-f])?)(?:\*\*)?\s*[:：]?\s*$", re.I)
# what follows a sub-question's number when one heading stands for several: "and Q2.2 (joint reply)", « et 2.2 »,
# "to 9.3", « à 9.3 »: a range, every sub-question from the first to the last
RE_JOINT_REST = re.compile(r"^(?:(?P<range>to|through|à|au|bis|a)|and|&|et|y|e|und|,|/)\s*(?:(?:questions?|q)\s*)?"
                           r"\d{1,2}\.\d{1,2}"
                           r"|^\d{1,2}\.\d{1,2}\s*$", re.I)  # or a range's end, "2.1 – 2.2" (the dash read as spacing)
# what follows a sub-question's number when its items are answered together: "1.2 a – b", « 9.10 a-c »
RE_ITEM_RANGE = re.compile(r"^\(?[a-f]\)?\s*[–—-]\s*\(?[a-f]\)?$", re.I)
# the heading of the footnotes a reply collects at its end (or a section's), when a footnote follows it
RE_NOTES_HEADING = re.compile(r"^(?:\*\*)?(?:notes|footnotes|endnotes|notes de bas de page|notes de fin|"
                              r"fu(?:ß|ss)noten|anmerkungen|notas)(?:\*\*)?\s*:?$", re.I)
# a closing section after the last question's answers: "CONCLUDING REMARKS", « Remarques finales », "Conclusion"
RE_CLOSING_HEADING = re.compile(r"^(?:\*\*)?(?:concluding|closing|final)\s+(?:remarks|observations|comments)|"
                                r"^(?:\*\*)?(?:remarques|observations)\s+(?:finales|conclusives)|^(?:\*\*)?conclusions?"
                                r"(?:\*\*)?\s*:?$", re.I)
# the sentence that closes a reply, after its last answer: "The authorities remain at the Committee's disposal for any
# further information", « Les autorités restent à la disposition du Comité pour toute information complémentaire »
RE_CLOSING_FORMULA = re.compile(r"^(?=.*\b(?:remains?|restent|reste|stays?|is|are)\s+(?:\w+\s+){0,3}"
                                r"(?:at\s+(?:the|your)\s+(?:\w+['’]s?\s+)?(?:full\s+|entire\s+)?disposal|"
                                r"à\s+(?:l['’]entière\s+|la\s+(?:pleine\s+)?)?disposition))"
                                r"(?=.*\b(?:committee|comité|secretariat|secrétariat|further|additional|"
                                r"complémentaires?|supplémentaires?)\b)", re.I)
CLOSING_WORDS = 40  # a closing formula is one short paragraph
# an annex after the last question's answers: "ANNEX – LIST OF RELEVANT LEGISLATION", « Annexe 2 : textes »
RE_ANNEX_HEADING = re.compile(r"^(?:\*\*)?(?:annex(?:e|es)?|appendix|appendices)(?:\s+[IVX\d]{1,4})?"
                              r"(?:\s*[–—:.-]\s*[^.]{1,80})?(?:\*\*)?$", re.I)
# a footnote: "[1] …", "(1) …", "1 …", "¹ …"
RE_FOOTNOTE = re.compile(r"^\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}[.)]?\s|[¹²³⁴⁵⁶⁷⁸⁹])")
# a title's own number: "11. Title", "11) Title", "11 – Title"
RE_LEADING_NUMBER = re.compile(r"^\(?(\d{1,2})\s*[.)–—-]\s+(?=\S)")


def leading_number(line: str) -> str | None:
    m = RE_LEADING_NUMBER.match(line.strip())
    return m.group(1) if m else None


# an item numbered in Roman numerals ("(i) there is…", "ii) …", "iii. …"), the questionnaire's a, b, c… in order
RE_ROMAN_ITEM = re.compile(r"^(?:-\s*)?(?:\*\*)?\(?(i{1,3}|iv|vi?)[.)](?:\*\*)?\s+(\S.*)$", re.I)
ROMAN_LETTERS = {"i": "a", "ii": "b", "iii": "c", "iv": "d", "v": "e", "vi": "f"}


def roman_item(line: str) -> tuple[str, str] | None:
    """(the item's letter, its text) for a line opening with a Roman numeral, else None."""
    m = RE_ROMAN_ITEM.match(line.strip())
    return (ROMAN_LETTERS[m[1].lower()], m[2]) if m else None
# a follow-up's own number in a table's first cell: « Q.1 suivi », « 13 (complément) », "Q15 follow-up"
RE_FOLLOWUP_OF = re.compile(r"^(?:Q\.?\s*|Question\s+)?(?P<q>\d{1,2})\s*\(?\s*(?:suivi|compl[ée]ment|follow[- ]?ups?|"
                            r"supplementary)\s*\)?\s*:?$", re.I)
# "Follow-up Please specify…?" (no colon: a table's question cell), when the rest reads as a question; "Follow-up –
# Number of victims The table below…" (a dash: the rest is the follow-up's answer, under a title of its own)
RE_FOLLOWUP_BARE = re.compile(r"^(?:-\s*)?(?:\*\*)?(?:follow[- ]?ups?|compl[ée]ment demand[ée]|suivi)(?:\*\*)?\s+"
                              r"(?P<dash>[–—-]\s+)?(?P<rest>[A-ZÀ-Ö].*)$", re.I)
# where one table cell runs a question into its first item ("…contain any reference to: 8.1.a self-generated…?",
# "…please indicate if: a. there is…?"): the cell's paragraphs, joined by the reader
RE_ITEM_IN_CELL = re.compile(r"(?<=[:?])\s+(?=(?:\d{1,2}\.\d{1,2}\.?[a-f]|\d{1,2}\.[a-f]|\(?[a-f][.)])\s)")
# the header words of a table's question columns (its number, its wording); another header cell heads the answers
QUESTION_COLUMNS = {"question", "questions", "no", "n°", "n", "nº", "number", "numéro", "id", "question number",
                    "question no", "question text", "texte de la question", "question posée", "questions posées", ""}
# a table's header row: every cell one of these (normalised), or an answer label ("Réponse du Valdorre")
TABLE_LABELS = {"question", "questions", "answer", "answers", "reply", "replies", "response", "responses", "no", "n°",
                "number", "question number", "question no", "question text", "answer text", "id", "comments", "",
                "réponse", "réponses", "reponse", "reponses", "n", "nº", "numéro", "question posée", "questions posées",
                "texte de la question", "commentaires", "observations", "remarques"}
