"""Plain dataclasses passed between the pipeline's stages (reader -> parser -> chunker -> store -> search)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class ReplyMeta:
    """Who sent a reply and which document it is; shown in every citation."""

    party: str
    doc_id: str
    round: str = ""
    language: str = "en"
    source: str = ""  # file name inside corpus/
    sha256: str = ""


@dataclass
class Answer:
    """One answer unit: the reply's text for one or more questionnaire questions."""

    question_ids: list[str]
    pillar: str
    question_number: str  # top-level question, "9"
    question_title: str  # "Criminalisation"
    question_text: str  # the questionnaire text this unit answers
    text: str  # the answer as it stands in the reply
    refs: list[str] = field(default_factory=list)  # question ids this answer points to
    line_start: int = 0  # 1-based, inclusive, answer text lines in the source
    line_end: int = 0
    label: str = ""  # the sub-question or item label as printed, e.g. "9.3" or "9.1.a"
    page: int | None = None


@dataclass
class Reply:
    meta: ReplyMeta
    answers: list[Answer]


@dataclass
class Passage:
    """A retrievable piece of an answer, within the encoder's token limit."""

    pid: int
    doc_id: str
    party: str
    question_ids: list[str]
    pillar: str
    question_number: str
    question_title: str
    question_text: str
    heading: str
    text: str
    answer_index: int  # index of its Answer within the reply, for reference resolution
    part: int = 0  # 0-based part number when an answer is split
    parts: int = 1
    refs: list[str] = field(default_factory=list)
    line_start: int = 0
    line_end: int = 0
    round: str = ""
    page: int | None = None
    language: str = "en"
    continues: bool = False  # the part begins mid-sentence: the previous part's last sentence goes on here

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Hit:
    """A passage with its score and the answers it points to, resolved."""

    passage: Passage
    score: float
    rank: int = 0
    resolved_refs: list[dict] = field(default_factory=list)
    weak: bool = False
