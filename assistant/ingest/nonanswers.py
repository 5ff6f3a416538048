"""Answers that give nothing: "No reply received.", "Information not available.", "Not applicable." ("N/A", "NA."),
« Sans objet. », a lone dash.  They are kept and quoted as the reply words them (that is what the Party said), but
`coverage` and `compare` tell them from answers with content, and the ranking does not take them for a bare "No."
answering their question."""

from __future__ import annotations

import re

# one statement of having nothing to give, in English or French, as a whole sentence
RE_NOTHING = re.compile(
    r"""^(?:
      no\s+(?:reply|answer|response|replies|answers)(?:\s+(?:was\s+|has\s+been\s+)?(?:received|given|provided|submitted))?
    | no\s+(?:further\s+|specific\s+|relevant\s+|such\s+)?(?:information|data|statistics)
        (?:\s+(?:is\s+|are\s+)?(?:available|provided|received|collected))?
    | (?:information|data|statistics)\s+(?:is\s+|are\s+)?not\s+(?:available|provided|collected)
    | not\s+applicable | n\s*[/.]?\s*a
    | pas\s+de\s+r[ée]ponses?(?:\s+re[çc]ues?)?
    | (?:pas|aucune?)\s+(?:d['’]\s*|de\s+)?(?:informations?|donn[ée]es?|statistiques?|r[ée]ponses?)
        (?:\s+(?:disponibles?|re[çc]ues?|fournies?|communiqu[ée]es?))?
    | (?:informations?|donn[ée]es?)\s+non\s+disponibles?
    | sans\s+objet | non\s+applicable
    | [-–—]
    )$""",
    re.I | re.X,
)
MAX_WORDS = 12  # longer than this, an answer says something even when it opens with "Not applicable"


def _statements(text: str) -> list[str]:
    """"No reply received. / Pas de réponse reçue." -> its statements, without closing punctuation."""
    parts = re.split(r"\s+/\s+|\n+|(?<=[.;!])\s+", text.strip())
    return [p.strip().rstrip(".;!:").strip() for p in parts if p.strip().rstrip(".;!:").strip()]


def gives_nothing(text: str) -> bool:
    """The whole answer says only that there is no reply, no information, or nothing to apply to."""
    if not text.strip() or len(text.split()) > MAX_WORDS:
        return False
    statements = _statements(text)
    return bool(statements) and all(RE_NOTHING.match(s) for s in statements)
