"""How a passage is cited, written once: the full citation for reports and the short tag shown beside quotes."""

from __future__ import annotations

from ..ids import ids_text
from ..ingest.language import language_name


def citation(party: str, question_ids: list[str], round: str = "", language: str = "en",
             page: int | None = None) -> str:
    """'Portugal, reply to the 2nd round questionnaire, Q9.3', with '(in French)' and ', p. 4' where they apply."""
    rnd = f"reply to the {round} round questionnaire" if round else "reply to the questionnaire"
    lang = f" (in {language_name(language)})" if language and language != "en" else ""
    where = f", p. {page}" if page else ""
    return f"{party}, {rnd}{lang}, Q{ids_text(question_ids)}{where}"


def passage_citation(p) -> str:
    """The citation of a Passage."""
    return citation(p.party, p.question_ids, p.round, p.language, p.page)


def short_tag(party: str, question_ids: list[str]) -> str:
    """'Portugal · Q9.3': what stands beside a quoted sentence."""
    return f"{party} · Q{ids_text(question_ids) or '?'}"
