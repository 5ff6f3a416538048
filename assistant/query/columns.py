"""What the other Parties answer under each questionnaire question: a profile of the question drawn from the replies.

A question in a user's words often matches what Parties write under the right questionnaire question (helplines and
their numbers under 6.1, penalty ranges under 9.3) better than it matches the one reply searched, which may word its
answer its own way.  Each passage's profile is the mean of the other Parties' answers under its questionnaire
question (each Party counted once, its passages averaged), in the multilingual encoder's space, so that a French
reply's answers describe the question to an English one too.  A passage's own Party is left out: with one Party
indexed there is no profile, and with two the profile is the other Party's answer.  Pure numpy, built once per index.

The package carries the same means for the replies the project holds (`data/column_prior.npz`, written by
`python -m assistant.tools.column_prior` from an index of eval/replies/ and corpus/): `prior_profiles` describes each
question by the Parties among them whose reply is not indexed, so that a reply indexed alone is searched with a
profile of its questions too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ..ids import column_of

PRIOR_FILE = "column_prior.npz"


def columns_of(ids: list[str]) -> list[str]:
    """The questionnaire columns a passage answers, each once, in order: ["9.1.a", "9.1.b"] -> ["9.1"]."""
    return list(dict.fromkeys(column_of(q) for q in ids))


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
    bias: np.ndarray | None = None  # per row, added to its score (a discriminant's constant)

    @classmethod
    def build(cls, question_ids: list[list[str]], parties: list[str], vectors: np.ndarray) -> ColumnProfiles | None:
        """Profiles for passages (their question ids, Parties and unit vectors); None when no question is answered
        by two Parties."""
        means: dict[str, dict[str, np.ndarray]] = {}
        for col, party, mean in zip(*party_means(question_ids, parties, vectors)):
            means.setdefault(col, {})[party] = mean
        means = {col: by_party for col, by_party in means.items() if len(by_party) > 1}
        rows: list[np.ndarray] = []
        at: dict[tuple[str, str], int] = {}
        for col, by_party in means.items():
            total = np.sum(list(by_party.values()), axis=0)
            for party, mean in by_party.items():
                at[col, party] = len(rows)
                rows.append((total - mean) / (len(by_party) - 1))
        pairs = [(i, at[col, party.lower()]) for i, (ids, party) in enumerate(zip(question_ids, parties))
                 for col in columns_of(ids) if (col, party.lower()) in at]
        return cls.of(rows, pairs, len(parties))

    @classmethod
    def of(cls, rows: list[np.ndarray] | np.ndarray, pairs: list[tuple[int, int]], passages: int,
           bias: np.ndarray | None = None) -> ColumnProfiles | None:
        """Profiles from their rows (made unit, unless they come with a `bias`: a discriminant's) and the
        (passage, row) pairs; None without any pair."""
        if not pairs:
            return None
        owner, row = (np.array(x, dtype=np.int64) for x in zip(*pairs))
        rows = np.stack(rows) if bias is not None else _unit(np.stack(rows))
        return cls(rows.astype("float32"), owner, row, passages,
                   None if bias is None else np.asarray(bias, dtype="float32"))

    def similarity(self, query: np.ndarray) -> np.ndarray:
        """Per passage: the question's similarity to its profile (the best of its questions'); a passage without a
        profile (no other Party answers its question) gets the mean of the others, so that it neither gains nor
        loses."""
        sims = self.profiles @ np.asarray(query, dtype="float32")
        if self.bias is not None:
            sims = sims + self.bias
        out = np.full(self.passages, -np.inf, dtype="float32")
        np.maximum.at(out, self.owner, sims[self.row])
        known = np.isfinite(out)
        out[~known] = float(out[known].mean()) if known.any() else 0.0
        return out


@dataclass(frozen=True)
class Prior:
    """Per (questionnaire column, Party) of the replies the project holds: the unit mean of the Party's answers."""

    columns: np.ndarray  # "9.1", "13", ...
    parties: np.ndarray  # lower case, as the searcher keeps them
    vectors: np.ndarray  # unit rows, the multilingual encoder's
    model: str  # the encoder that embedded them


def party_means(question_ids: list[list[str]], parties: list[str], vectors: np.ndarray) -> tuple[list, list, np.ndarray]:
    """(columns, Parties in lower case, unit mean vectors): each Party's mean answer under each column."""
    members: dict[tuple[str, str], list[int]] = {}
    for i, (ids, party) in enumerate(zip(question_ids, parties)):
        for col in columns_of(ids):
            members.setdefault((col, party.lower()), []).append(i)
    keys = sorted(members)
    means = _unit(np.stack([np.asarray(vectors[members[k]], dtype="float32").mean(axis=0) for k in keys]))
    return [c for c, _ in keys], [p for _, p in keys], means.astype("float32")


@lru_cache(maxsize=2)
def load_prior(model: str) -> Prior | None:
    """The packaged means, or None when the package has none or they were embedded by another encoder."""
    source = resources.files("assistant.data") / PRIOR_FILE
    if not source.is_file():
        return None
    with source.open("rb") as fh, np.load(fh, allow_pickle=False) as data:
        prior = Prior(data["columns"].astype(str), data["parties"].astype(str), data["vectors"].astype("float32"),
                      str(data["model"]))
    return prior if prior.model == model else None


def discriminant(residuals: np.ndarray, means: np.ndarray, shrink: float) -> tuple[np.ndarray, np.ndarray]:
    """Fisher's linear discriminant with one covariance shared by every class: rows W m_k and biases -m_k'W m_k / 2,
    W the inverse of the within-class covariance of `residuals` (each sample less its class mean), shrunk toward
    its mean variance by `shrink` (1: the plain distance to each mean)."""
    d = means.shape[1]
    cov = residuals.T @ residuals / max(len(residuals), 1)
    scale = float(np.trace(cov)) / d
    scale = scale if scale > 1e-12 else 1.0
    cov = (1.0 - shrink) * cov + shrink * scale * np.eye(d)
    rows = np.linalg.solve(cov.astype("float64"), means.T.astype("float64")).T
    return rows, -0.5 * np.einsum("ij,ij->i", rows, means)


def prior_profiles(question_ids: list[list[str]], parties: list[str], prior: Prior | None,
                   shrink: float = 0.2) -> ColumnProfiles | None:
    """Each passage's column scored by a linear discriminant over the packaged Parties whose reply is not indexed:
    which questionnaire question's answers the question reads like, against the way one Party's answer under a
    question differs from another's (its language, its length, its law); None when no packaged Party is left.

    The classes are the columns, their means the Parties' mean answers (each Party counted once); `shrink` is
    Weights.prior_shrink."""
    if prior is None:
        return None
    keep = ~np.isin(prior.parties, sorted({p.lower() for p in parties}))
    columns = sorted(set(prior.columns[keep]))
    if not columns:
        return None
    at = {col: n for n, col in enumerate(columns)}
    samples = prior.vectors[keep].astype("float64")
    label = np.array([at[col] for col in prior.columns[keep]])
    means = np.stack([samples[label == n].mean(axis=0) for n in range(len(columns))])
    rows, bias = discriminant(samples - means[label], means, shrink)
    pairs = [(i, at[col]) for i, ids in enumerate(question_ids) for col in columns_of(ids) if col in at]
    return ColumnProfiles.of(rows, pairs, len(question_ids), bias)
