"""Derive the packaged questionnaire's English text from a reply that repeats every question in full.

    python -m assistant.tools.derive_questionnaire corpus/T-ES(2017)ICT-PT_Portugal.txt

Run once by a maintainer; the French wording in the data file is kept as it is.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from ..ids import RE_LABEL
from ..ingest.parser import parse_reply
from ..ingest.questionnaire import DATA_FILE, ROUND, Entry, Questionnaire, load_questionnaire
from ..ingest.readers import read_document


def _strip_label(text: str) -> str:
    first, _, rest = text.partition("\n")
    first = RE_LABEL.sub("", first.strip().lstrip("-→ ").strip()).strip()
    return "\n".join(t for t in (first, rest.strip()) if t)


def derive(path: Path) -> Questionnaire:
    """Every question, sub-question and item the parser meets in a reply that repeats the questionnaire in full."""
    nodes: list = []
    reply = parse_reply(read_document(path), plain=True, collect=nodes)
    entries: dict[str, dict] = {}
    followups: dict[str, list[str]] = {}
    for node, pillar, title in nodes:
        if node.kind == "arrow":
            followups.setdefault(node.qid, []).append(_strip_label(node.text))
        elif node.kind == "item" and node.parent is not None and node.parent.kind == "arrow":
            followups[node.qid][-1] += "\n" + node.text
        elif node.qid not in entries:
            text = node.text.partition("\n")[2].strip() if node.kind == "question" else _strip_label(node.text)
            parent = "" if node.kind == "question" else (node.parent.qid if node.parent else node.qid.rsplit(".", 1)[0])
            entries[node.qid] = {"id": node.qid, "kind": node.kind, "pillar": pillar,
                                 "title": title if node.kind == "question" else "",
                                 "text": text, "parent": parent}
    out = [Entry(**e, followups=tuple(followups.get(e["id"], ()))) for e in entries.values()]
    return Questionnaire(out, reply.meta.round or ROUND, f"derived from {reply.meta.doc_id} ({reply.meta.party})")


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - run once by a maintainer
    args = argv if argv is not None else sys.argv[1:]
    source = Path(args[0]) if args else Path("corpus/T-ES(2017)ICT-PT_Portugal.txt")
    target = Path(__file__).parents[1] / "data" / DATA_FILE
    derived = derive(source)
    french = {e.id: e for e in load_questionnaire()}  # keep the French wording written alongside
    kept = [replace(e, **{k: getattr(french[e.id], k) for k in ("text_fr", "title_fr", "followups_fr")})
            if e.id in french else e for e in derived]
    out = Questionnaire(kept, derived.round, derived.source)
    target.write_text(json.dumps(out.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":  # pragma: no cover
    main()
