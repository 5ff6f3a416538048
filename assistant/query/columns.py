"""What the other Parties answer under each questionnaire question: a profile of the question drawn from the replies.

A question in a user's words often matches what Parties write under the right questionnaire question (helplines and
their numbers under 6.1, penalty ranges under 9.3) better than it matches the one reply searched, which may word its
answer its own way.  Each passage's profile is the mean of the other Parties' answers under its questionnaire
question (each Party counted once, its passages averaged), in the multilingual encoder's space, so that a French
reply's answers describe the question to an English one too.  A passage's own Party is left out: with one Party
indexed there is no profile, and with two the profile is the other Party's answer.  Pure numpy, built once per index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ids import column_of


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return rows / np.where(norms > 1e-12, norms, 1.0)


@dataclass
class ColumnProfiles:
    """`profiles` (one unit row per questionnaire question and Party left out) and, per passage, which rows are its
    own: `owner[j]` is the passage of pair j, `row[j]` its profile row (a passage answering two questions has two)."""

    profiles: np.ndarray
    owner: np.ndarray
    row: np.ndarray
    passages: int

    @classmethod
    def build(cls, question_ids: list[list[str]], parties: list[str], vectors: np.ndarray) -> ColumnProfiles | None:
        """Profiles for passages (their question ids, Parties and unit vectors); None when no question is answered
        by two Parties."""
        vectors = np.asarray(vectors, dtype="float32")
        # each Party's mean answer under each column
        members: dict[str, dict[str, list[int]]] = {}
        for i, (ids, party) in enumerate(zip(question_ids, parties)):
            for col in dict.fromkeys(column_of(q) for q in ids):
                members.setdefault(col, {}).setdefault(party, []).append(i)
        means = {col: {party: _unit(vectors[idx].mean(axis=0)) for party, idx in by_party.items()}
                 for col, by_party in members.items() if len(by_party) > 1}
        rows: list[np.ndarray] = []
        at: dict[tuple[str, str], int] = {}
        for col, by_party in means.items():
            total = np.sum(list(by_party.values()), axis=0)
            for party, mean in by_party.items():
                at[col, party] = len(rows)
                rows.append((total - mean) / (len(by_party) - 1))
        if not rows:
            return None
        pairs = [(i, at[col, party]) for i, (ids, party) in enumerate(zip(question_ids, parties))
                 for col in dict.fromkeys(column_of(q) for q in ids) if (col, party) in at]
        owner, row = (np.array(x, dtype=np.int64) for x in zip(*pairs))
        return cls(_unit(np.stack(rows)).astype("float32"), owner, row, len(parties))

    def similarity(self, query: np.ndarray) -> np.ndarray:
        """Per passage: the question's similarity to its profile (the best of its questions'); a passage without a
        profile (no other Party answers its question) gets the mean of the others, so that it neither gains nor
        loses."""
        sims = self.profiles @ np.asarray(query, dtype="float32")
        out = np.full(self.passages, -np.inf, dtype="float32")
        np.maximum.at(out, self.owner, sims[self.row])
        known = np.isfinite(out)
        out[~known] = float(out[known].mean()) if known.any() else 0.0
        return out
