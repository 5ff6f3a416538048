"""Score retrieval on a question set the way DESIGN.md says: Recall@1, Recall@5, MRR@10, abstention."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..ids import id_under
from ..jsonl import read_jsonl


@dataclass
class Row:
    id: str
    query: str
    gold: list[str]
    kind: str = ""
    party: str | None = None  # the question is asked within this Party's reply (a set about one reply)
    key: str = ""  # the sentence of the gold answer that answers it, when the set marks one


@dataclass
class RowResult:
    row: Row
    ranked_ids: list[list[str]]  # question ids of each returned passage, best first
    abstained: bool
    quotes: list[str] = field(default_factory=list)  # the quoted answer
    partial: bool = False  # answered as a partial match (the `ask` contract's `partial`)

    @property
    def key_quoted(self) -> bool:
        """The row's key sentence stands inside one of the quotes (whitespace aside)."""
        key = " ".join(self.row.key.split())
        return bool(key) and any(key in " ".join(q.split()) for q in self.quotes)

    @property
    def first_hit(self) -> int | None:
        """1-based rank of the first passage that answers a gold question, or None."""
        for rank, ids in enumerate(self.ranked_ids, start=1):
            if is_hit(ids, self.row.gold):
                return rank
        return None


@dataclass
class Report:
    results: list[RowResult] = field(default_factory=list)

    def figures(self, kinds: set[str] | None = None, exclude: set[str] | None = None) -> dict:
        rows = [r for r in self.results if r.row.gold and (kinds is None or r.row.kind in kinds)
                and not (exclude and r.row.kind in exclude)]
        n = len(rows)
        if not n:
            return {"n": 0}
        ranks = [r.first_hit for r in rows]
        return {
            "n": n,
            "recall@1": sum(1 for x in ranks if x == 1) / n,
            "recall@5": sum(1 for x in ranks if x is not None and x <= 5) / n,
            "mrr@10": sum(1.0 / x for x in ranks if x is not None and x <= 10) / n,
        }

    def abstention(self) -> dict:
        out_scope = [r for r in self.results if not r.row.gold]
        in_scope = [r for r in self.results if r.row.gold]
        return {
            "out_of_scope": len(out_scope),
            "out_of_scope_abstained": sum(r.abstained for r in out_scope),
            "in_scope": len(in_scope),
            "in_scope_abstained": sum(r.abstained for r in in_scope),
            "out_of_scope_partial": sum(r.partial for r in out_scope),
            "in_scope_partial": sum(r.partial for r in in_scope),
        }

    def key_coverage(self) -> tuple[int, int]:
        """(rows whose key sentence is quoted, rows with a key sentence)."""
        keyed = [r for r in self.results if r.row.key]
        return sum(r.key_quoted for r in keyed), len(keyed)

    def misses(self, at: int = 1) -> list[RowResult]:
        return [r for r in self.results if r.row.gold and (r.first_hit is None or r.first_hit > at)]


def evaluate(ask, rows: list[Row], k: int = 10) -> Report:
    """Run every row through `ask(query, k, row)` (the `ask` contract) and keep what scoring needs."""
    report = Report()
    for row in rows:
        result = ask(row.query, k, row)
        report.results.append(RowResult(row, [p["question_ids"] for p in result["passages"]], result["abstained"],
                                        [q["text"] for q in result.get("answer", [])], bool(result.get("partial"))))
    return report


def is_hit(passage_ids: list[str], gold: list[str]) -> bool:
    """A passage hits when one of its ids equals a gold id or lies under it."""
    return any(id_under(pid, g) for pid in passage_ids for g in gold)


def load_rows(path: Path) -> list[Row]:
    """A question set {id, query, gold, kind} (QuestionFileError naming the line when one is malformed)."""
    return [Row(str(d.get("id", n)), d["query"], [str(g).lower() for g in d.get("gold") or []], str(d.get("kind", "")),
                d.get("party") or None, str(d.get("key", "")))
            for n, d in enumerate(read_jsonl(path), start=1)]


def format_report(report: Report) -> str:
    lines = []
    kinds = sorted({r.row.kind for r in report.results if r.row.gold})
    overall = report.figures(exclude={"multilingual"})
    lines.append(f"{'set':<14}{'n':>4}{'R@1':>8}{'R@5':>8}{'MRR@10':>8}")

    def row(name: str, f: dict) -> str:
        if not f.get("n"):
            return f"{name:<14}{0:>4}"
        return f"{name:<14}{f['n']:>4}{f['recall@1']:>8.3f}{f['recall@5']:>8.3f}{f['mrr@10']:>8.3f}"

    for kind in kinds:
        lines.append(row(kind, report.figures({kind})))
    lines.append(row("all (w/o ml)", overall))
    lines.append(row("all", report.figures()))
    a = report.abstention()
    lines.append(
        f"abstention: {a['out_of_scope_abstained']}/{a['out_of_scope']} out-of-scope abstained, "
        f"{a['in_scope_abstained']}/{a['in_scope']} in-scope abstained"
    )
    lines.append(f"partial matches: {a['out_of_scope_partial']} out-of-scope, {a['in_scope_partial']} in-scope")
    unanswerable = [r for r in report.results if not r.row.gold]
    kinds_out = sorted({r.row.kind for r in unanswerable if r.row.kind})
    if len(kinds_out) > 1:
        lines.append("abstained (+ partial) by kind: " + ", ".join(
            f"{k} {sum(r.abstained for r in unanswerable if r.row.kind == k)}"
            f" (+{sum(r.partial for r in unanswerable if r.row.kind == k)})/"
            f"{sum(1 for r in unanswerable if r.row.kind == k)}" for k in kinds_out))
    quoted, keyed = report.key_coverage()
    if keyed:
        lines.append(f"key sentence quoted: {quoted}/{keyed} rows ({quoted / keyed:.0%})")
    return "\n".join(lines)
