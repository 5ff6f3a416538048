"""Synthetic replies derived from a real one, for measuring scale (a whole round is about 45 replies)."""

from __future__ import annotations

import random
import re
from pathlib import Path

from ..ingest.sentences import split_sentences
from ..parties import convention_parties



def party_names() -> list[str]:
    """Names for synthetic Parties: the Convention's Parties (the list shipped with the package)."""
    return [p.en for p in convention_parties() if not p.former]


def code_of(party: str) -> str:
    letters = re.sub(r"[^A-Z]", "", party.upper())
    return (letters[:2] + letters[-1:]) if len(party.split()) > 1 else letters[:3]


def vary_answer_line(line: str, rng: random.Random) -> str:
    """Lightly vary an answer paragraph: drop or swap a sentence now and then, so no two replies are identical."""
    sentences = split_sentences(line)
    if len(sentences) >= 3 and rng.random() < 0.35:
        sentences.pop(rng.randrange(1, len(sentences)))
    if len(sentences) >= 2 and rng.random() < 0.35:
        i = rng.randrange(len(sentences) - 1)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    return " ".join(sentences)


def synthetic_reply(source: str, party: str, seed: int, code: str | None = None) -> str:
    """The source reply with another Party's name and code, answers lightly varied; questions kept as they are."""
    rng = random.Random(seed)
    adjective = f"{party}'s"
    text = source.replace("PORTUGAL", party.upper()).replace("Portuguese", adjective).replace("Portugal", party)
    text = re.sub(r"T-ES\(2017\)ICT-PT", f"T-ES(2017)ICT-{code or code_of(party)}", text)
    out = []
    answering = False
    for line in text.splitlines():
        stripped = line.strip()
        is_question = bool(re.match(r"^(-\s*)?(Question \d|\d{1,2}\.\d{1,2}|[a-f]\.\s|→|- →)", stripped))
        if is_question or stripped.endswith("?"):
            answering = True
            out.append(line)
        elif answering and len(stripped) > 80:
            out.append(vary_answer_line(line, rng))
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def write_synthetic_corpus(source_file: Path, folder: Path, count: int, seed: int = 7) -> list[Path]:
    """`count` replies in `folder`: the real one first, then synthetic Parties."""
    folder.mkdir(parents=True, exist_ok=True)
    source = Path(source_file).read_text(encoding="utf-8")
    paths = [folder / Path(source_file).name]
    paths[0].write_text(source, encoding="utf-8")
    names = [p for p in party_names() if p != "Portugal"]
    for n in range(count - 1):
        party = names[n % len(names)] + ("" if n < len(names) else f" {n // len(names) + 1}")
        code = f"{code_of(party)}{n}"
        path = folder / f"T-ES(2017)ICT-{code}_{party.replace(' ', '-')}.txt"
        path.write_text(synthetic_reply(source, party, seed + n, code), encoding="utf-8")
        paths.append(path)
    return paths


def enlarged_reply(source_file: Path, factor: int, seed: int = 11) -> str:
    """The reply with every answer paragraph said `factor` times, each time differently (sentences rotated and
    lightly varied, the copy numbered), the questionnaire structure kept: a long reply whose every text is new,
    so nothing is saved by embedding a text once."""
    from ..ingest.parser import parse_file

    rng = random.Random(seed)
    reply = parse_file(source_file)
    answer_lines = {n for a in reply.answers for n in range(a.line_start, a.line_end + 1)}
    out: list[str] = []
    for n, line in enumerate(Path(source_file).read_text(encoding="utf-8").splitlines(), start=1):
        if n not in answer_lines or not line.strip() or len(line.strip()) < 40:
            out.append(line)
            continue
        sentences = split_sentences(line) or [line]
        for copy in range(factor):
            turn = copy % len(sentences)
            varied = vary_answer_line(" ".join(sentences[turn:] + sentences[:turn]), rng)
            out.extend([f"{varied} (See also case {copy + 1}.)", ""])
    return "\n".join(out) + "\n"
