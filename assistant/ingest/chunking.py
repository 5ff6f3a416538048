"""Cut answers into passages that fit the encoder whole: a passage the model truncates is a passage half-searched."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..encoders.base import MAX_TOKENS
from ..ids import RE_HEADER_START, RE_ITEM_LINE, ids_text, strip_label
from ..model import Answer, Passage, ReplyMeta
from .sentences import paragraphs, split_sentences



def short_question(line: str, limit: int = 110) -> str:
    """A question line without its number, cut at a word boundary."""
    text = strip_label(line)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def make_heading(answer: Answer) -> str:
    """'Question 9. Criminalisation — 9.3 What are the legal consequences…', items with their parent's question."""
    top = f"Question {answer.question_number}. {answer.question_title}".rstrip(". ")
    lines = [ln.strip() for ln in answer.question_text.splitlines() if ln.strip()]
    asking = [ln for ln in lines if not RE_HEADER_START.match(ln) and not RE_ITEM_LINE.match(ln)]
    items = [ln for ln in lines if RE_ITEM_LINE.match(ln)]
    label = answer.label or ids_text(answer.question_ids)
    ask = short_question(asking[0], 90 if items else 110) if asking else ""
    if items and re.search(r"\.[a-f]$", label):  # one lettered item answered on its own
        ask = f"{ask} — {short_question(items[-1], 90)}" if ask else short_question(items[-1])
    number = "" if label == answer.question_number else f"{label} "
    return f"{top} — {number}{ask}".rstrip(" —") if ask or number else top


@dataclass
class _Piece:
    text: str
    sep: str  # what joins it to the piece before it in one part: "\n\n" between paragraphs, else " "
    goes_on: bool = False  # the rest of the sentence the piece before it began


def _pack(pieces: list[_Piece], cost: Callable[[str], int], budget: int) -> list[tuple[str, bool]]:
    """Greedy packing of pieces in order by summed cost; a piece over budget alone is returned alone.  Each part
    comes with whether it begins mid-sentence.

    Word-piece counts add up over whitespace joins (BERT splits on whitespace and punctuation before
    WordPiece), so each piece is tokenized once instead of every growing candidate.
    """
    out: list[tuple[str, bool]] = []
    current, used, goes_on = "", 0, False
    for piece in pieces:
        c = cost(piece.text)
        if current and used + c <= budget:
            current, used = f"{current}{piece.sep}{piece.text}", used + c
        else:
            if current:
                out.append((current, goes_on))
            current, used, goes_on = piece.text, c, piece.goes_on
    if current:
        out.append((current, goes_on))
    return out


def split_answer(text: str, cost: Callable[[str], int], budget: int) -> list[tuple[str, bool]]:
    """Paragraphs first, then sentences, then clauses: never mid-sentence unless a sentence alone overflows.
    Each part comes with whether it begins mid-sentence (the rest of the previous part's last sentence)."""
    pieces: list[_Piece] = []
    for para in paragraphs(text):
        if cost(para) <= budget:
            pieces.append(_Piece(para, "\n\n"))
            continue
        for n, sentence in enumerate(split_sentences(para)):
            sep = "\n\n" if n == 0 else " "
            if cost(sentence) <= budget:
                pieces.append(_Piece(sentence, sep))
                continue
            clauses = re.split(r"(?<=[;,])\s+", sentence)
            words = [w for clause in (clauses if len(clauses) > 1 else [sentence])
                     for w in ([clause] if cost(clause) <= budget else clause.split(" "))]
            pieces += [_Piece(w, sep if i == 0 else " ", goes_on=i > 0) for i, w in enumerate(words)]
    return _pack(pieces, cost, budget)


def embedding_text(passage: Passage) -> str:
    """What the encoder and BM25 see: the heading gives a bare 'No.' its meaning."""
    return f"{passage.heading}\n{passage.text}"


def chunk_reply(
    meta: ReplyMeta,
    answers: list[Answer],
    count_tokens: Callable[[str], int],
    start_pid: int = 0,
    target_tokens: int = MAX_TOKENS,
    max_tokens: int = MAX_TOKENS,
) -> list[Passage]:
    """Passages for one reply; each passage's heading + text stays within max_tokens word pieces."""
    passages: list[Passage] = []
    cache: dict[str, int] = {}

    def cost(text: str) -> int:
        """Word pieces of a text without the model's [CLS] and [SEP]."""
        if text not in cache:
            cache[text] = count_tokens(text) - 2
        return cache[text]

    for index, answer in enumerate(answers):
        heading = make_heading(answer)
        budget = min(target_tokens, max_tokens) - 2 - cost(heading)
        parts = split_answer(answer.text, cost, budget) or [(answer.text, False)]
        for part_no, (part, goes_on) in enumerate(parts):
            passages.append(
                Passage(
                    pid=start_pid + len(passages),
                    doc_id=meta.doc_id,
                    party=meta.party,
                    question_ids=list(answer.question_ids),
                    pillar=answer.pillar,
                    question_number=answer.question_number,
                    question_title=answer.question_title,
                    question_text=answer.question_text,
                    heading=heading,
                    text=part,
                    answer_index=index,
                    part=part_no,
                    parts=len(parts),
                    refs=list(answer.refs),
                    line_start=answer.line_start,
                    line_end=answer.line_end,
                    round=meta.round,
                    page=answer.page,
                    language=meta.language,
                    continues=goes_on,
                )
            )
    return passages
