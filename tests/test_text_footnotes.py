"""Notes at the foot of a text export's page: told by the number that calls them, set after the paragraph that
calls them; a numbered paragraph that merely ends a page stays where it is."""

from __future__ import annotations

from assistant.ingest.document import page_furniture
from assistant.ingest.footnotes import page_notes
from assistant.ingest.wrapping import unwrap_text

BODY = 3 * ("The programme is run in every school of the country and reaches most pupils in their first year of "
        "secondary education, which the Ministry confirmed in its last annual report to Parliament. ")


def page(number: int, body: list[str], foot: list[str]) -> list[str]:
    return [f"Reply of Ruritania – page header {number}", "", *body, "", "", *foot, "", f"Page {number} of 3", "\f"]


def wrapped(text: str, width: int = 70) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line]


def test_a_note_called_in_the_text_follows_its_paragraph_without_its_number():
    called = wrapped("Under the Child Safety Act2 platforms must warn young users before they upload intimate "
                     "content of any kind, as the Act requires of every service established in the country.")
    lines = (page(1, wrapped(BODY) + [""] + called + ["", "1.3 Are there measures addressed to parents:"],
                  ["2 Act No. 77/2019, Official Gazette No. 41/2019, in force since", "1 January 2020."])
             + page(2, ["a) self-generated images?", "", *wrapped(BODY)], [])
             + page(3, wrapped(BODY), []))
    furniture = page_furniture(lines)
    notes = page_notes(lines, furniture)
    assert [n.text for n in notes] == [
        "2 Act No. 77/2019, Official Gazette No. 41/2019, in force since 1 January 2020."]
    out = [line for line in unwrap_text(["" if i in furniture else x for i, x in enumerate(lines)], furniture)
           if line.strip()]
    at = next(i for i, line in enumerate(out) if line.startswith("Under the Child Safety Act platforms"))
    assert out[at + 1].startswith("2 Act No. 77/2019") and out[at + 2].startswith("1.3 Are there measures")
    assert out[at + 3] == "a) self-generated images?"


def test_a_numbered_paragraph_ending_a_page_is_no_note():
    lines = (page(1, wrapped(BODY), ["3 The Ministry also funds the helpline run by the Red Cross."])
             + page(2, wrapped(BODY), []) + page(3, wrapped(BODY), []))
    assert page_notes(lines, page_furniture(lines)) == []  # nothing on the page calls a note 3


def test_a_raised_note_number_is_the_note_and_its_call():
    """"Act¹" calls the note "¹ Act No. …" as "Act1" calls "1 Act No. …"; the raised number leaves the sentence."""
    called = wrapped("Under the Child Safety Act¹ platforms must warn young users before they upload intimate "
                     "content of any kind, as the Act requires of every service established in the country.")
    lines = (page(1, wrapped(BODY) + [""] + called, ["¹ Act No. 77/2019, Official Gazette No. 41/2019."])
             + page(2, wrapped("In short: " + BODY), []) + page(3, wrapped("Moreover, " + BODY), []))
    furniture = page_furniture(lines)
    assert [n.text for n in page_notes(lines, furniture)] == ["¹ Act No. 77/2019, Official Gazette No. 41/2019."]
    out = [line for line in unwrap_text(["" if i in furniture else x for i, x in enumerate(lines)], furniture)
           if line.strip()]
    at = next(i for i, line in enumerate(out) if line.startswith("Under the Child Safety Act platforms"))
    assert out[at + 1] == "¹ Act No. 77/2019, Official Gazette No. 41/2019."


def test_notes_set_one_under_the_other_are_each_their_own_and_keep_their_order():
    """"1 …" / "… 2020." / "2 …" with no blank between: two notes (a wrapped line opening with another number is
    no note), each call's number out of the sentence, and both after the paragraph, 1 then 2."""
    called = wrapped("Under the Child Safety Act1 platforms must warn young users before they upload intimate "
                     "content of any kind, as the Criminal Code2 requires of every service established here.")
    lines = (page(1, wrapped(BODY) + [""] + called + ["", "Next paragraph of the reply follows here."],
                  ["1 Act No. 77/2019, Official Gazette, in force since", "1 January 2020.",
                   "2 Code of 1998, Article 3."])
             + page(2, wrapped("In short: " + BODY), []) + page(3, wrapped("Moreover, " + BODY), []))
    furniture = page_furniture(lines)
    assert [n.text for n in page_notes(lines, furniture)] == [
        "1 Act No. 77/2019, Official Gazette, in force since 1 January 2020.", "2 Code of 1998, Article 3."]
    out = [line for line in unwrap_text(["" if i in furniture else x for i, x in enumerate(lines)], furniture)
           if line.strip()]
    at = next(i for i, line in enumerate(out) if line.startswith("Under the Child Safety Act platforms"))
    assert "Criminal Code requires" in out[at]
    assert out[at + 1:at + 4] == ["1 Act No. 77/2019, Official Gazette, in force since 1 January 2020.",
                                  "2 Code of 1998, Article 3.", "Next paragraph of the reply follows here."]
