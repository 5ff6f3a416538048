"""Across Parties: one question compared, coverage, grouped answers, the Party filter (on synthetic Parties)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.errors import UnknownQuestion
from assistant.query.compare import Comparer
from assistant.query.render import compare_csv, compare_markdown
from assistant.store.load import load_index
from assistant.tools.synthetic import synthetic_reply

from conftest import PORTUGAL

pytestmark = pytest.mark.slow  # every test here reads an index of three Parties built for the module


def legislation_part() -> str:
    """The title page and the Legislation pillar of Portugal's reply: small enough to build in seconds."""
    lines = PORTUGAL.read_text(encoding="utf-8").splitlines()
    start = lines.index("Legislation")
    end = lines.index("Prosecution")
    return "\n".join(lines[:20] + lines[start:end]) + "\n"


@pytest.fixture(scope="module")
def three_parties(tmp_path_factory, encoder):
    from assistant.store.build import build_index

    base = tmp_path_factory.mktemp("parties")
    corpus = base / "corpus"
    corpus.mkdir()
    source = legislation_part()
    (corpus / "T-ES(2017)ICT-PT_Portugal.txt").write_text(source, encoding="utf-8")
    (corpus / "T-ES(2017)ICT-AND_Andorra.txt").write_text(synthetic_reply(source, "Andorra", 1), encoding="utf-8")
    # Belgium answers nothing under 9.3: its reply stops before question 9
    belgium = synthetic_reply(source, "Belgium", 2)
    (corpus / "T-ES(2017)ICT-BEL_Belgium.txt").write_text(belgium.split("Question 9.")[0], encoding="utf-8")
    build_index(corpus, base / "index", encoder=encoder)
    return base


def run(base, *args):
    result = CliRunner().invoke(cli, [*args, "--index", str(base / "index"), "--corpus", str(base / "corpus")])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_compare_one_question_across_parties(three_parties):
    out = json.loads(run(three_parties, "compare", "9.3", "--json"))
    assert out["question_id"] == "9.3" and out["question"].startswith("9.3. What are the legal consequences")
    assert [p["party"] for p in out["parties"]] == ["Andorra", "Belgium", "Portugal"]  # alphabetical
    by_party = {p["party"]: p for p in out["parties"]}
    assert by_party["Belgium"]["status"] == "blank" and by_party["Belgium"]["text"] == ""
    assert "one month to 2 years" in by_party["Portugal"]["text"]
    assert by_party["Andorra"]["doc_id"] == "T-ES(2017)ICT-AND" and by_party["Andorra"]["question_ids"] == ["9.3"]


def test_compare_resolves_pointers_and_filters_parties(three_parties):
    out = json.loads(run(three_parties, "compare", "Q9.12", "--party", "Portugal", "--json"))
    [row] = out["parties"]
    assert row["status"] == "pointer" and row["text"] == "Please see answer 9.3."
    assert row["resolved_refs"][0]["question_ids"] == ["9.3"]


def test_compare_exports(three_parties):
    comparer = Comparer(load_index(three_parties / "index"))
    result = comparer.compare("9.2")
    md = compare_markdown(result)
    assert md.splitlines()[2] == "| Party | Answer | Citation |" and "| Belgium | _blank_ |" in md
    header, *rows = csv.reader(io.StringIO(compare_csv(result)))
    assert header[:4] == ["question_id", "party", "doc_id", "status"]
    assert [(r[1], r[3]) for r in rows] == [("Andorra", "answered"), ("Belgium", "blank"), ("Portugal", "answered")]
    with pytest.raises(UnknownQuestion, match="no reply in the index answers a question 99.1"):
        comparer.compare("99.1")
    with pytest.raises(UnknownQuestion, match="'penalties' is not a question number"):
        comparer.compare("penalties")


def test_coverage_matrix(three_parties):
    out = json.loads(run(three_parties, "coverage", "--json"))
    assert "9.3" in out["questions"] and "9.12" in out["questions"] and "9.1.a" not in out["questions"]
    cells = {p["party"]: p["cells"] for p in out["parties"]}
    assert cells["Portugal"]["9.3"] == "answered"
    assert cells["Portugal"]["9.12"] == "pointer"
    assert cells["Belgium"]["9.3"] == "blank" and cells["Belgium"]["8.1"] == "answered"
    text = run(three_parties, "coverage")
    assert text.splitlines()[0].startswith("Andorra")


def test_question_about_no_party_is_grouped(three_parties):
    out = json.loads(run(three_parties, "ask", "How do Parties punish the distribution of child sexual abuse material?",
                         "--json"))
    groups = out["groups"]
    assert {g["party"] for g in groups} == {"Andorra", "Belgium", "Portugal"}
    scores = [g["best_score"] for g in groups]
    assert scores == sorted(scores, reverse=True)
    for g in groups:
        assert g["passages"] and all(p["party"] == g["party"] and p["citation"] for p in g["passages"])


def test_party_named_or_filtered_returns_only_that_party(three_parties):
    named = json.loads(run(three_parties, "ask", "What penalty does Andorra set for distributing such material?",
                           "--json", "--k", "8"))
    assert "groups" not in named and {p["party"] for p in named["passages"]} == {"Andorra"}
    filtered = json.loads(run(three_parties, "ask", "criminal responsibility age", "--party", "Belgium",
                              "--json", "--k", "10"))
    assert filtered["passages"] and {p["party"] for p in filtered["passages"]} == {"Belgium"}
