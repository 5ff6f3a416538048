"""Hits -> a cited answer: the structured result of the `ask` contract, and its Markdown rendering."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .model import Hit, Passage
from .compare import group_by_party
from .parsing import id_under
from .search import Scores, Searcher, parties_named, question_ids_in
from .store import current_path, load_index

# Calibrated on the dev set's score distribution (not its wording): the best passage's cosine to an
# out-of-scope question stayed below 0.30, to an in-scope one above 0.34.  Midpoint, rounded.
ABSTAIN_BELOW = 0.32
ANSWER_SENTENCES = 3
PER_PARTY = 1  # passages shown for each Party when answers are grouped by Party


@dataclass
class Assistant:
    """The one object front ends hold: a searcher over a loaded index, swapped when a newer build goes live."""

    searcher: Searcher
    index_dir: Path | None = None
    # held while a question is answered, while a newer build is loaded, and while a background build
    # borrows the encoder (one batch at a time)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def current(self) -> Searcher:
        """The searcher over the live build: a rebuild repoints index/current, the next question sees it."""
        if self.index_dir is not None:
            live = current_path(self.index_dir)
            searcher = self.searcher
            if live is not None and live != searcher.index.path:
                with self.lock:
                    if self.searcher.index.path != live:
                        self.searcher = Searcher(load_index(self.index_dir), searcher.encoder, searcher.weights)
        return self.searcher

    def ask(self, query: str, k: int = 5, party: str | None = None, pillar: str | None = None,
            qid: str | None = None) -> dict:
        searcher = self.current()
        query = (query or "").strip()
        if not query:
            return {"id": qid, "query": query, "abstained": True, "passages": [], "answer": [],
                    "message": "Ask a question about the replies."}
        parties = searcher.index.parties
        named = [] if party else parties_named(query, parties)
        grouped = len(parties) > 1 and not party and not named
        hits, scores = searcher.search(query, k=k, party=party or named or None, pillar=pillar,
                                       per_party=grouped)
        pool, hits = hits, hits[:k]  # the pool adds each Party's best passage when grouped
        abstained = should_abstain(query, hits, scores)
        for h in pool:
            h.weak = abstained
        result = {
            "id": qid,
            "query": query,
            "abstained": abstained,
            "passages": [passage_json(h) for h in hits],
            "answer": [] if abstained else extract_answer(searcher, scores, hits),
        }
        if grouped:
            # a question about no Party in particular: what each Party said, best Party first
            result["groups"] = [
                {"party": g["party"], "doc_id": g["doc_id"], "best_score": round(g["best_score"], 4),
                 "passages": [passage_json(pool[r - 1]) for r in g["ranks"]]}
                for g in group_by_party(pool, PER_PARTY)
            ]
        if abstained:
            result["message"] = ("The replies do not appear to address this question. "
                                 "The nearest passages are listed as weak matches.")
        return result


def should_abstain(query: str, hits: list[Hit], scores: Scores) -> bool:
    """Abstain when no passage is semantically close, unless the best hit answers a question number the user named."""
    if not hits:
        return True
    named = question_ids_in(query)
    if named and any(id_under(q, n) for q in hits[0].passage.question_ids for n in named):
        return False
    best = max(float(scores.dense.max()), float(scores.question.max()))
    return best < ABSTAIN_BELOW


def citation(p: Passage) -> str:
    """'Portugal, reply to the 2nd round questionnaire, Q9.3', with '(in French)' and ', p. 4' where they apply."""
    from .parsing import LANGUAGES

    ids = ", ".join(p.question_ids)
    rnd = f"reply to the {p.round} round questionnaire" if p.round else "reply to the questionnaire"
    lang = f" (in {LANGUAGES.get(p.language, p.language)})" if p.language and p.language != "en" else ""
    page = f", p. {p.page}" if p.page else ""
    return f"{p.party}, {rnd}{lang}, Q{ids}{page}"


def passage_json(h: Hit) -> dict:
    p = h.passage
    return {
        "rank": h.rank,
        "score": round(h.score, 4),
        "doc_id": p.doc_id,
        "party": p.party,
        "question_ids": list(p.question_ids),
        "heading": p.heading,
        "pillar": p.pillar,
        "text": p.text,
        "citation": citation(p),
        "resolved_refs": h.resolved_refs,
        "lines": [p.line_start, p.line_end],
        "weak": h.weak,
    }


def extract_answer(searcher: Searcher, scores: Scores, hits: list[Hit], top: int = 3) -> list[dict]:
    """The sentences of the best passages closest to the question, quoted as they stand, each cited."""
    index = searcher.index
    wanted = {h.passage.pid: n for n, h in enumerate(hits[:top])}
    rows = [row for pid in wanted for row in searcher.sentence_rows.get(pid, [])]
    if not rows:
        return []
    sims = index.sentence_vectors[rows] @ scores.query_vector
    # the best passage's sentences are favoured a little: the ranking already weighed their context
    sims = sims - np.array([0.03 * wanted[index.sentences[i][0]] for i in rows])
    best = float(sims.max())
    chosen = [rows[j] for j in np.argsort(-sims)[:ANSWER_SENTENCES] if sims[j] >= best - 0.12]  # best first
    out = []
    for i in chosen:
        pid, sentence = index.sentences[i]
        p = index.passages[pid]
        out.append({"text": sentence, "question_ids": list(p.question_ids), "citation": citation(p),
                    "party": p.party, "rank": wanted[pid] + 1})
    return out


RE_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")  # enough to stop links, HTML, code and emphasis


def md_escape(text: str) -> str:
    """Reply text pasted into Markdown stays text: no links, images, HTML or emphasis can come alive."""
    return RE_MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(result: dict) -> str:
    """A reply for a report: the quoted answer with numbered citations, then the sources."""
    lines = [f"**Question:** {md_escape(result['query'])}", ""]
    if result.get("abstained"):
        lines += [f"_{result.get('message', 'The replies do not appear to address this question.')}_", ""]
    for s in result.get("answer", []):
        lines += [f"> {md_escape(s['text'])} \\[{s['rank']}\\]", ""]
    for p in result.get("passages", []):
        weak = " (weak match)" if p.get("weak") else ""
        lines.append(f"\\[{p['rank']}\\] {md_escape(p['citation'])} — {md_escape(p['heading'])}{weak}  ")
    if result.get("groups"):
        lines += ["", "**By Party**, best first:", ""]
        for g in result["groups"]:
            cites = "; ".join(f"\\[{p['rank']}\\] Q{', '.join(p['question_ids'])}" for p in g["passages"])
            lines.append(f"- {md_escape(g['party'])}: {cites}")
    return "\n".join(lines)


def to_text(result: dict) -> str:
    """The same reply for a terminal: plain text, nothing escaped, sources numbered."""
    lines = [f"Q: {result['query']}", ""]
    if result.get("abstained"):
        lines += [result.get("message", "The replies do not appear to address this question."), ""]
    for s in result.get("answer", []):
        lines.append(f"  “{s['text']}” [{s['rank']}]")
    if result.get("answer"):
        lines.append("")
    for p in result.get("passages", []):
        weak = " (weak match)" if p.get("weak") else ""
        lines.append(f"[{p['rank']}] {p['citation']} — {p['heading']}{weak}")
    for g in result.get("groups") or []:
        if g is result["groups"][0]:
            lines += ["", "By Party, best first:"]
        lines.append(f"  {g['party']}: " + "; ".join(f"[{p['rank']}] Q{', '.join(p['question_ids'])}"
                                                     for p in g["passages"]))
    return "\n".join(lines)
